"""The contracts of the processed tables as pandera schemas: responses and answers per wave, the municipality frames.

One declaration per table says its columns, their dtypes and whether they may be empty, which values are allowed and
which keys are unique; no other column is allowed (`strict`), so no personal column (name, e-mail, IP address, phone
number of the export) can reach processed data unnoticed. The allowed codes of the answers come from the wave's
codebook mapping (data/codebook/waves/<year>.yml): its question ids, and per question and item the answer codes and
the kinds of cell (helpers.data.codebook.COLUMN_ROLES) it was exported with.

helpers.data.processed checks responses and answers where it writes and reads them; helpers.data.municipalities checks
the frames where it writes them. A failure raises ProcessedDataError naming the file, the column, what was expected,
the first rows that break it and a fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from helpers.data.cbs import PROVINCES
from helpers.data.codebook import COLUMN_ROLES, NOT_SELECTED, PERSONAL_KINDS, SELECTED, WaveSpec

# The dtype contract of the processed tables: column -> pandas dtype (data/processed/README.md describes each column).
RESPONSES_COLUMNS = {
    "wave": "int64",
    "response_id": "string",
    "respondent_id": "string",
    "joint_group": "string",
    "match_status": "string",
    "municipality_code": "string",
    "municipality_name": "string",
    "province": "string",
    "code_2023": "string",
    "population": "Int64",
    "size_class": "string",
    "klein": "boolean",
    "in_frame": "bool",
    "started_at": "datetime64[s]",
    "submitted_at": "datetime64[s]",
    "completed": "bool",
    "last_question": "string",
}
ANSWERS_COLUMNS = {
    "wave": "int64",
    "response_id": "string",
    "question": "string",
    "item": "string",
    "kind": "string",
    "value": "string",
    "text": "string",
}
# The columns that must be filled in every row; the others may be empty (<NA>).
REQUIRED = frozenset({"wave", "response_id", "in_frame", "completed", "question", "item", "kind"})
ANSWER_KEY = ["response_id", "question", "item", "kind"]  # one cell of the export per answer row
# A CBS code, or the stand-in code of a municipality the CBS lists of 2020-2023 no longer hold (X2018_aalburg;
# helpers.data.municipalities).
MUNICIPALITY_CODE = r"^(GM\d{4}|X\d{4}_[a-z0-9-]+)$"
CBS_CODE = r"^GM\d{4}$"
# Kinds of answer row without a code: their content is the (scrubbed) free text.
TEXT_KINDS = frozenset(COLUMN_ROLES) - {"answer", "selected"}
_SEPARATOR = "\x1f"


class ProcessedDataError(ValueError):
    """A processed table breaks its contract; the message names the file, column, expectation, rows and a fix."""


def _columns(dtypes: Mapping[str, str], checks: Mapping[str, list[pa.Check]]) -> dict[str, pa.Column]:
    return {name: pa.Column(dtype, checks=checks.get(name, []), nullable=name not in REQUIRED)
            for name, dtype in dtypes.items()}


def nullable(dtypes: Mapping[str, str]) -> dict[str, bool]:
    """Column -> whether it may be empty (the Parquet schema's nullability follows the contract)."""
    return {name: name not in REQUIRED for name in dtypes}


def responses_schema(year: int | None = None, spec: WaveSpec | None = None) -> pa.DataFrameSchema:
    """Responses of wave `year`: one row per response (response_id unique); last_question one of the wave's questions."""
    checks = {"municipality_code": [pa.Check.str_matches(MUNICIPALITY_CODE)],
              "code_2023": [pa.Check.str_matches(CBS_CODE)],
              "province": [pa.Check.isin(PROVINCES)],
              "population": [pa.Check.ge(0)]}
    if year is not None:
        checks["wave"] = [pa.Check.eq(int(year))]
    if spec is not None:
        checks["last_question"] = [pa.Check.isin(spec.questions)]
    columns = _columns(RESPONSES_COLUMNS, checks)
    columns["response_id"] = pa.Column("string", unique=True, nullable=False)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name="responses")


def _keys(frame: pd.DataFrame, names: list[str]) -> pd.Series:
    key = frame[names[0]].astype("string").fillna("")
    for name in names[1:]:
        key = key + _SEPARATOR + frame[name].astype("string").fillna("")
    return key


def answers_schema(year: int | None = None, spec: WaveSpec | None = None) -> pa.DataFrameSchema:
    """Answers of wave `year` in long form: one row per response, question, item and kind.

    With the wave's codebook mapping `spec`: question ids of the wave; (question, item, kind) as its export columns
    give them; the value of an answer one of that question's answer codes, of a ticked box 1 or 0; no value for
    free-text kinds (other, comment, text).
    """
    checks = {"kind": [pa.Check.isin(COLUMN_ROLES)]}
    if year is not None:
        checks["wave"] = [pa.Check.eq(int(year))]
    frame_checks = [pa.Check(lambda f: f["kind"].isin(["answer", "selected"]) == f["value"].notna(),
                             name="a value exactly for the kinds answer and selected"),
                    pa.Check(lambda f: (f["kind"] != "selected") | f["value"].isin([SELECTED, NOT_SELECTED]),
                             name=f"a ticked box is {SELECTED} or {NOT_SELECTED}")]
    if spec is not None:
        checks["question"] = [pa.Check.isin(spec.questions)]
        cells = {_SEPARATOR.join((c.question, c.item, c.role)) for c in spec.columns}
        codes = {_SEPARATOR.join((c.question, c.item, code)) for c in spec.columns if c.role == "answer"
                 for code in c.values.values()}
        frame_checks += [
            pa.Check(lambda f: _keys(f, ["question", "item", "kind"]).isin(cells),
                     name=f"(question, item, kind) is an export column of the codebook mapping {spec.source.name}"),
            pa.Check(lambda f: (f["kind"] != "answer") | _keys(f, ["question", "item", "value"]).isin(codes),
                     name=f"an answer code of its question in {spec.source.name}"),
        ]
    return pa.DataFrameSchema(_columns(ANSWERS_COLUMNS, checks), checks=frame_checks, strict=True, ordered=True,
                              unique=ANSWER_KEY, name="answers")


FRAMES_COLUMNS = {"wave": "int64", "code": "str", "name": "str", "province": "str", "population_frame": "Int64",
                  "population_approx": "bool", "code_2023": "str"}


def frames_schema() -> pa.DataFrameSchema:
    """frames.parquet: the municipalities of every wave's frame (CBS, 1 January); (wave, code) unique."""
    columns = {
        "wave": pa.Column("int64", pa.Check.ge(2018)),
        "code": pa.Column("str", pa.Check.str_matches(MUNICIPALITY_CODE)),
        "name": pa.Column("str", pa.Check.str_length(min_value=1)),
        "province": pa.Column("str", pa.Check.isin(PROVINCES)),
        "population_frame": pa.Column("Int64", pa.Check.gt(0), nullable=True),
        "population_approx": pa.Column("bool"),
        "code_2023": pa.Column("str", pa.Check.str_matches(CBS_CODE), nullable=True),
    }
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=["wave", "code"], name="frames")


# ---------------------------------------------------------------------------------------------------------------
# Checking


def personal_columns(spec: WaveSpec | None) -> frozenset[str]:
    """Column names that would be personal data in a wave's tables: the kinds, and the export's own column names."""
    return frozenset(PERSONAL_KINDS) | frozenset(spec.personal.values() if spec is not None else ())


def check(frame: pd.DataFrame, schema: pa.DataFrameSchema, where: Path | str, fix: str,
          personal: frozenset[str] = frozenset()) -> pd.DataFrame:
    """`frame` when it keeps `schema`'s contract, else ProcessedDataError listing every broken rule once.

    A column named in `personal` gets its own message (the strict schema refuses it too, as any unknown column)."""
    personal = sorted(set(frame.columns) & personal)
    if personal:
        raise ProcessedDataError(f"{where}: personal column(s) {personal}; processed data holds no names, e-mail or IP "
                                 f"addresses or phone numbers (the cleaning drops them). {fix}")
    try:
        # Row numbers in the message are positions (0 = first row), also for a frame with a repeated index.
        return schema.validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise ProcessedDataError(describe(errors.failure_cases, schema.name, where, fix, schema.unique)) from None


# pandera's names of its built-in checks, in words.
RULES = {"field_uniqueness": "a value no other row has", "not_nullable": "a value in every row",
         "column_in_schema": "no column outside the contract (this one is not in it)",
         "column_in_dataframe": "this column (it is missing)", "column_ordered": "the contract's column order"}


def _rule(check: str, unique: list[str] | None) -> str:
    if check == "multiple_fields_uniqueness":
        return f"a combination of ({', '.join(unique or [])}) that no other row has"
    return RULES.get(check, check)


def describe(failures: pd.DataFrame, table: str, where: Path | str, fix: str, unique: list[str] | None = None,
             examples: int = 3) -> str:
    """One line per broken rule: the column, what was expected, how many rows and the first of them."""
    lines = []
    # A missing or unknown column is reported with the table's name as its column and the column as its case.
    about_column = failures["check"].isin(["column_in_schema", "column_in_dataframe"])
    failures = failures.assign(check=[_rule(str(check), unique) for check in failures["check"]],
                               column=failures["column"].where(~about_column, failures["failure_case"]))
    if unique:  # a repeated key fails once per key column: say it once
        repeated = failures["check"] == _rule("multiple_fields_uniqueness", unique)
        failures = failures[~repeated | (failures["column"] == unique[0])]
    for (column, rule), rows in failures.groupby([failures["column"].fillna("(table)").astype(str),
                                                  failures["check"]], sort=False):
        shown = ", ".join(f"row {index}: {case!r}" if pd.notna(index) else repr(case)
                          for index, case in zip(rows["index"][:examples], rows["failure_case"][:examples],
                                                 strict=True))
        lines.append(f"  column {column!r}: expected {rule}; {len(rows)} failure(s), e.g. {shown}")
    return f"{where}: the {table} table breaks its contract (helpers.data.schemas):\n" + "\n".join(lines) + f"\n{fix}"
