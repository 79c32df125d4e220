"""The codebook: the harmonised questionnaire (questions.yml) and how each wave's export maps onto it (waves/*.yml).

Everything that knows a question text, an answer code, a label, the order of answers or the name of an export column
reads it from here. `load_codebook()` validates both files and resolves every wave into an explicit list of
`ColumnSpec`s: one per export column, with the mapping from what the export writes to the harmonised answer code.

What a survey tool's export looks like is described once per dialect in `DIALECT_PROPERTIES` (does it name columns by
question code, does it write answer codes or labels, how does a ticked box look, how many header rows); the loader and
helpers.data.exports ask those properties instead of testing dialect names.

Column templates (`export.columns` in waves/<year>.yml) may use these fields:
  {qcode}  the survey tool's question code (`qcode` of the question in the wave file)
  {text}   the question text as the export words it (`text` in the wave file, else questions.yml)
  {label}  the item/option label as the export words it (`item_relabel`, else questions.yml); for `other`, the label
           of the option or item that has the "anders, namelijk" text
  {n}      1-based position of the item/option in the wave's list (`items`/`options`, else questions.yml); for `other`,
           the position of the option or item that has the text field
  {icode}  LimeSurvey's sub-question code, SQ001, SQ002, ... (the same position as {n})
Dialects with a question-text header row (qualtrics_csv) also have `export.texts` templates for that row, with the same
fields; defaults are in DIALECT_PROPERTIES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from helpers import CODEBOOK_DIR
from helpers.core import yamlfiles

QUESTION_TYPES = ("single", "matrix", "multi", "open")
# Roles of an export column: the answer of a single/matrix question, a ticked box of a multi question, the text of
# an "anders, namelijk" field, the "toelichting" box, or the text of an open question.
COLUMN_ROLES = ("answer", "selected", "other", "comment", "text")
METADATA_ROLES = ("respondent_id", "started_at", "submitted_at", "last_page", "status", "municipality")
PERSONAL_KINDS = ("name", "email", "ip", "phone")
SELECTED = "1"
NOT_SELECTED = "0"


class CodebookError(ValueError):
    """The codebook files contradict themselves; the message names the file and the entry."""


# --------------------------------------------------------------------------------------------------------------------
# Export dialects


@dataclass(frozen=True)
class Dialect:
    """How one survey tool writes its export; the only place that knows the differences between dialects."""

    name: str
    description: str
    file_format: str  # "csv" or "xlsx"
    question_codes: bool  # columns are named after the tool's question codes: every question needs `qcode`
    coded_answers: bool  # cells hold the tool's answer codes (`values` needed); else the answer labels (`relabel`)
    tick: str  # a ticked multi-choice box: "mark" (a fixed code, `selected`, default "Y") or "label" (the option label)
    header_rows: tuple[str, ...] = ("ids",)  # per header row: "ids" (column names), "texts", "import_ids"
    separator: str = ","  # csv only
    finished: Mapping[str, bool] | None = None  # status cell -> finished; None: the status column is not interpreted
    default_texts: Mapping[str, str] = field(default_factory=dict)  # templates of the "texts" header row

    @property
    def first_data_row(self) -> int:
        """The row (1-based, as a spreadsheet shows it) of the first response."""
        return len(self.header_rows) + 1

    @property
    def has_texts_row(self) -> bool:
        return "texts" in self.header_rows


DIALECT_PROPERTIES: dict[str, Dialect] = {
    "coded_csv": Dialect(
        "coded_csv", "LimeSurvey CSV: ';'-separated, UTF-8 with BOM, one header row of coded column names "
        "(G03Q02[SQ001]), answer codes (A1), a ticked box holds a fixed mark (Y)",
        file_format="csv", question_codes=True, coded_answers=True, tick="mark", separator=";"),
    "text_xlsx": Dialect(
        "text_xlsx", "XLSX workbook with the question texts as column names and the answer labels as values; a ticked "
        "box repeats the option's label; timestamps are date cells",
        file_format="xlsx", question_codes=False, coded_answers=False, tick="label"),
    "qualtrics_csv": Dialect(
        "qualtrics_csv", "Qualtrics 'CSV, use choice text': ','-separated, UTF-8 with BOM, three header rows (column "
        "ids Q4_1, question texts, import ids {\"ImportId\":\"QID4_1\"}), answers as choice texts, a ticked box holds "
        "the option's label, Finished True/False, timestamps YYYY-MM-DD HH:MM:SS",
        file_format="csv", question_codes=True, coded_answers=False, tick="label",
        header_rows=("ids", "texts", "import_ids"), separator=",", finished={"True": True, "False": False},
        default_texts={"answer": "{text}", "item": "{text} - {label}", "other": "{text} - {label} - Tekst",
                       "comment": "{text} - Toelichting"}),
}
DIALECTS = tuple(DIALECT_PROPERTIES)


def dialect_properties(name: str) -> Dialect:
    try:
        return DIALECT_PROPERTIES[name]
    except KeyError:
        raise KeyError(f"unknown export dialect {name!r}; known: {list(DIALECT_PROPERTIES)}") from None


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    short: str = ""
    exclusive: bool = False  # a multi-choice option that cannot be combined with others ("geen behoefte")
    other_text: bool = False  # comes with an "anders, namelijk" text field
    substantive: bool = True  # False for "niet van toepassing": an answer, but no position on the scale
    in_table: bool = True  # False for options the report leaves out of its tables ("anders")

    @property
    def display(self) -> str:
        """The short label where the report uses one, else the full label."""
        return self.short or self.label


@dataclass(frozen=True)
class Group:
    """A grouping of answer codes the report uses, e.g. 'veel of heel veel aandacht'."""

    code: str
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    id: str
    kind: str
    options: tuple[Option, ...]
    groups: Mapping[str, Group]
    description: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    section: str
    text: str
    options: tuple[Option, ...] = ()  # answers of single questions, boxes of multi questions
    items: tuple[Option, ...] = ()  # rows of a matrix question
    scale: str | None = None
    groups: Mapping[str, Group] = field(default_factory=dict)
    asked_if: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    first_content: bool = False
    comment: bool = False
    source: str = ""
    note: str = ""

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(f"question {self.id!r} has no answer {code!r}; answers: {self.answer_codes()}")

    def item(self, code: str) -> Option:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(f"question {self.id!r} has no item {code!r}; items: {[i.code for i in self.items]}")

    def answer_codes(self) -> list[str]:
        return [option.code for option in self.options]

    def group(self, name: str) -> Group:
        if name not in self.groups:
            raise KeyError(f"question {self.id!r} has no group {name!r}; groups: {sorted(self.groups)}")
        return self.groups[name]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a wave's export and what it means in the harmonised questionnaire."""

    column: str
    question: str
    item: str  # item code (matrix), option code (multi, other), or "" (single, open, comment)
    role: str
    values: Mapping[str, str] = field(default_factory=dict)  # what the export writes -> harmonised code
    header_text: str = ""  # what the question-text header row says (dialects with one, e.g. qualtrics_csv), else ""
    position: int = 0  # {n}: 1-based position of the item/option in the wave's list; 0 for single, open, comment


@dataclass(frozen=True)
class WaveSpec:
    year: int
    title: str
    frame_date: dt.date
    size_reference_date: dt.date
    file: str  # relative to data/raw/
    dialect: str
    sheet: str | None
    metadata: Mapping[str, str]  # role -> export column
    personal: Mapping[str, str]  # kind -> export column; dropped before anything is stored
    questions: tuple[str, ...]  # harmonised ids asked in this wave, in questionnaire order
    columns: tuple[ColumnSpec, ...]
    source: Path
    ignored: tuple[str, ...] = ()  # export columns that are expected but never read (export.ignore)

    @property
    def dialect_spec(self) -> Dialect:
        return dialect_properties(self.dialect)

    def columns_for(self, question: str) -> list[ColumnSpec]:
        return [spec for spec in self.columns if spec.question == question]

    def expected_columns(self) -> list[str]:
        """Every column the export must have, in the order the survey tool writes them."""
        return [*self.metadata.values(), *self.personal.values(), *self.ignored,
                *(spec.column for spec in self.columns)]

    def finished(self, row: Mapping[str, str | None]) -> bool | None:
        """Whether the export says this response was finished (qualtrics_csv: Finished True/False); None when the
        dialect has no such column or the cell is empty or unknown."""
        values, column = self.dialect_spec.finished, self.metadata.get("status")
        if values is None or column is None or row.get(column) is None:
            return None
        return values.get(str(row[column]).strip())

    def asks(self, question: str) -> bool:
        return question in self.questions


@dataclass(frozen=True)
class Codebook:
    questions: Mapping[str, Question]
    scales: Mapping[str, Scale]
    waves: Mapping[int, WaveSpec]

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(f"unknown question {question_id!r}; known: {list(self.questions)}") from None

    def wave(self, year: int) -> WaveSpec:
        try:
            return self.waves[int(year)]
        except KeyError:
            raise KeyError(
                f"no codebook mapping for wave {year}; add data/codebook/waves/{year}.yml "
                f"(waves with a mapping: {sorted(self.waves)})"
            ) from None

    @property
    def first_content_question(self) -> Question:
        return next(q for q in self.questions.values() if q.first_content)

    def waves_asking(self, question_id: str) -> list[int]:
        return [year for year, wave in sorted(self.waves.items()) if wave.asks(question_id)]


# --------------------------------------------------------------------------------------------------------------------
# Loading


def _options(raw: list, where: str) -> tuple[Option, ...]:
    options = []
    for entry in raw:
        if not isinstance(entry, dict) or "code" not in entry or "label" not in entry:
            raise CodebookError(f"{where}: every option needs a code and a label, got {entry!r}")
        unknown = set(entry) - {"code", "label", "short", "exclusive", "other_text", "substantive", "in_table"}
        if unknown:
            raise CodebookError(f"{where}: option {entry['code']!r} has unknown keys {sorted(unknown)}")
        options.append(Option(**{key: (str(value) if key in ("code", "label", "short") else value)
                                 for key, value in entry.items()}))
    codes = [option.code for option in options]
    if len(set(codes)) != len(codes):
        raise CodebookError(f"{where}: duplicate codes in {codes}")
    return tuple(options)


def _groups(raw: Mapping, valid_codes: list[str], where: str) -> dict[str, Group]:
    groups = {}
    for name, entry in (raw or {}).items():
        unknown = [code for code in entry["codes"] if code not in valid_codes]
        if unknown:
            raise CodebookError(f"{where}: group {name!r} uses unknown codes {unknown}; valid: {valid_codes}")
        groups[name] = Group(code=name, label=entry["label"], codes=tuple(entry["codes"]))
    return groups


def _read_yaml(path: Path) -> dict:
    try:
        raw = yamlfiles.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise CodebookError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: expected a mapping at the top level")
    return raw


def _load_questions(path: Path) -> tuple[dict[str, Question], dict[str, Scale]]:
    raw = _read_yaml(path)
    scales = {}
    for scale_id, entry in raw["scales"].items():
        options = _options(entry["options"], f"{path.name}: scale {scale_id}")
        scales[scale_id] = Scale(
            id=scale_id,
            kind=entry.get("kind", "nominal"),
            options=options,
            groups=_groups(entry.get("groups"), [o.code for o in options], f"{path.name}: scale {scale_id}"),
            description=entry.get("description", ""),
        )
    questions: dict[str, Question] = {}
    for entry in raw["questions"]:
        qid = entry["id"]
        where = f"{path.name}: question {qid}"
        if qid in questions:
            raise CodebookError(f"{where}: defined twice")
        if entry["type"] not in QUESTION_TYPES:
            raise CodebookError(f"{where}: type {entry['type']!r} is not one of {QUESTION_TYPES}")
        scale_id = entry.get("scale")
        if scale_id is not None and scale_id not in scales:
            raise CodebookError(f"{where}: unknown scale {scale_id!r}; scales: {sorted(scales)}")
        scale = scales.get(scale_id)
        if entry["type"] == "matrix":
            options, items = scale.options, _options(entry["items"], where)
        elif scale is not None:
            options, items = scale.options, ()
        else:
            options, items = _options(entry.get("options", []), where), ()
        if entry["type"] in ("single", "multi", "matrix") and not options:
            raise CodebookError(f"{where}: a {entry['type']} question needs options or a scale")
        codes = [o.code for o in options]
        groups = {**(scale.groups if scale else {}), **_groups(entry.get("groups"), codes, where)}
        asked_if = {}
        for earlier, answers in ((entry.get("routing") or {}).get("asked_if") or {}).items():
            if earlier not in questions:
                raise CodebookError(f"{where}: routing refers to {earlier!r}, which is not an earlier question")
            unknown = [a for a in answers if a not in questions[earlier].answer_codes()]
            if unknown:
                raise CodebookError(f"{where}: routing uses unknown answers {unknown} of {earlier!r}")
            asked_if[earlier] = tuple(answers)
        source = entry.get("source") or (entry.get("routing") or {}).get("source", "")
        questions[qid] = Question(
            id=qid, type=entry["type"], section=entry["section"], text=" ".join(str(entry["text"]).split()),
            options=options, items=items, scale=scale_id, groups=groups, asked_if=asked_if,
            first_content=bool(entry.get("first_content")), comment=bool(entry.get("comment")),
            source=" ".join(str(source).split()), note=entry.get("note", ""),
        )
    first = [q.id for q in questions.values() if q.first_content]
    if len(first) != 1:
        raise CodebookError(f"{path.name}: exactly one question must have first_content: true, found {first}")
    return questions, scales


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CodebookError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _resolve_values(question: Question, entry: Mapping, wave_dialect: str, where: str) -> dict[str, str]:
    """What the export writes for each answer of a single or matrix question -> harmonised code."""
    codes = question.answer_codes()
    if "values" in entry:  # coded exports: the survey tool's own answer codes
        values = {str(raw): str(code) for raw, code in entry["values"].items()}
        unknown = [code for code in values.values() if code not in codes]
        if unknown:
            raise CodebookError(f"{where}: values map onto unknown answers {unknown}; answers: {codes}")
        return values
    if dialect_properties(wave_dialect).coded_answers:
        raise CodebookError(f"{where}: a coded export needs `values` (export code -> answer code)")
    relabel = entry.get("relabel") or {}
    unknown = [code for code in relabel if code not in codes]
    if unknown:
        raise CodebookError(f"{where}: relabel names unknown answers {unknown}; answers: {codes}")
    return {" ".join(str(relabel.get(option.code, option.label)).split()): option.code for option in question.options}


def _ordered_subset(listed: list[str], options: tuple[Option, ...], what: str, where: str) -> list[Option]:
    by_code = {option.code: option for option in options}
    unknown = [code for code in listed if code not in by_code]
    if unknown:
        raise CodebookError(f"{where}: unknown {what} {unknown}; valid: {list(by_code)}")
    return [by_code[code] for code in listed]


def _resolve_question_columns(question: Question, entry: Mapping, wave: Mapping, where: str) -> list[ColumnSpec]:
    dialect = dialect_properties(wave["export"]["dialect"])
    templates = wave["export"]["columns"]
    texts = {**dialect.default_texts, **(wave["export"].get("texts") or {})} if dialect.has_texts_row else {}
    if dialect.question_codes and "qcode" not in entry:
        raise CodebookError(f"{where}: a coded export needs the question code `qcode`")
    qcode = str(entry.get("qcode", ""))
    text = " ".join(str(entry.get("text", question.text)).split())
    item_labels = entry.get("item_relabel") or {}

    def fill(kind: str, template_set: Mapping[str, str], what: str, n: int, label: str) -> str:
        try:
            return template_set[kind].format(qcode=qcode, text=text, icode=f"SQ{n:03d}" if n else "", label=label, n=n)
        except (KeyError, IndexError, ValueError) as error:
            raise CodebookError(f"{where}: export.{what}.{kind} {template_set[kind]!r} uses an unknown field "
                                f"({error}); fields: qcode, text, label, n, icode") from None

    def column(kind: str, item: str, role: str, values: Mapping[str, str] | None = None, n: int = 0,
               label: str = "") -> ColumnSpec:
        header_text = " ".join(fill(kind, texts, "texts", n, label).split()) if texts else ""
        return ColumnSpec(fill(kind, templates, "columns", n, label), question.id, item, role, dict(values or {}),
                          header_text, n)

    def listed(key: str, pool: tuple[Option, ...]) -> list[Option]:
        # Explicit in every wave: adding an item or option to questions.yml must not change what another wave asked.
        if key in entry:
            return _ordered_subset([str(c) for c in entry[key]], pool, key, where)
        raise CodebookError(f"{where}: list the {key} this wave asked, in export order ({key}: [...]); questions.yml "
                            f"has {[option.code for option in pool]}. Every wave lists its own, so that a {key[:-1]} "
                            "added to questions.yml for a new wave changes no earlier wave.")

    def relabelled(option: Option) -> str:
        return " ".join(str(item_labels.get(option.code, option.label)).split())

    columns: list[ColumnSpec] = []
    if question.type == "open":
        columns.append(column("answer", "", "text"))
    elif question.type == "single":
        columns.append(column("answer", "", "answer", _resolve_values(question, entry, dialect.name, where)))
        for n, option in enumerate(question.options, start=1):
            if option.other_text:
                columns.append(column("other", option.code, "other", n=n, label=relabelled(option)))
    elif question.type == "matrix":
        items = listed("items", question.items)
        values = _resolve_values(question, entry, dialect.name, where)
        for n, item in enumerate(items, start=1):
            columns.append(column("item", item.code, "answer", values, n, relabelled(item)))
        for n, item in enumerate(items, start=1):
            if item.other_text:
                columns.append(column("other", item.code, "other", n=n, label=relabelled(item)))
    elif question.type == "multi":
        options = listed("options", question.options)
        for n, option in enumerate(options, start=1):
            label = relabelled(option)
            # A fixed mark ("Y") in coded exports; the option's label in text exports.
            mark = str(entry.get("selected", "Y")) if dialect.tick == "mark" else label
            columns.append(column("item", option.code, "selected", {mark: SELECTED}, n, label))
        for n, option in enumerate(options, start=1):
            if option.other_text:
                columns.append(column("other", option.code, "other", n=n, label=relabelled(option)))
    if question.comment and entry.get("comment", True):
        columns.append(column("comment", "", "comment"))
    return columns


def _load_wave(path: Path, questions: Mapping[str, Question]) -> WaveSpec:
    raw = _read_yaml(path)
    where = f"waves/{path.name}"
    year = int(raw["wave"])
    if path.stem != str(year):
        raise CodebookError(f"{where}: file name must be the wave year ({year}.yml)")
    export = raw["export"]
    if export["dialect"] not in DIALECTS:
        raise CodebookError(f"{where}: dialect {export['dialect']!r} is not one of {DIALECTS}")
    dialect = DIALECT_PROPERTIES[export["dialect"]]
    missing_templates = {"answer", "item", "other", "comment"} - set(export.get("columns", {}))
    if missing_templates:
        raise CodebookError(f"{where}: export.columns lacks templates for {sorted(missing_templates)}")
    unknown_texts = set(export.get("texts") or {}) - {"answer", "item", "other", "comment"}
    if unknown_texts or (export.get("texts") and not dialect.has_texts_row):
        raise CodebookError(f"{where}: export.texts (templates of a question-text header row) is only for dialects "
                            f"with such a row, with keys answer, item, other, comment; got {sorted(export['texts'])}")
    metadata = {str(k): str(v) for k, v in raw["metadata"].items()}
    bad_roles = set(metadata) - set(METADATA_ROLES)
    if bad_roles or "respondent_id" not in metadata or "municipality" not in metadata:
        raise CodebookError(f"{where}: metadata roles must include respondent_id and municipality and be among "
                            f"{METADATA_ROLES}; got {sorted(metadata)}")
    if dialect.finished is not None and "status" not in metadata:
        raise CodebookError(f"{where}: a {dialect.name} export says in a column whether a response was finished "
                            f"({'/'.join(dialect.finished)}); map that column as metadata.status")
    personal = {str(k): str(v) for k, v in (raw.get("personal") or {}).items()}
    if set(personal) - set(PERSONAL_KINDS):
        raise CodebookError(f"{where}: personal kinds must be among {PERSONAL_KINDS}; got {sorted(personal)}")
    ignored = export.get("ignore") or []
    if not isinstance(ignored, list):
        raise CodebookError(f"{where}: export.ignore must be a list of export column names; got {ignored!r}")
    ignored = tuple(str(name) for name in ignored)
    asked = []
    columns: list[ColumnSpec] = []
    for qid, entry in (raw.get("questions") or {}).items():
        if qid not in questions:
            raise CodebookError(f"{where}: unknown question {qid!r}; known: {list(questions)}")
        asked.append(qid)
        columns.extend(_resolve_question_columns(questions[qid], entry or {}, raw, f"{where}: {qid}"))
    order = list(questions)
    if asked != sorted(asked, key=order.index):
        raise CodebookError(f"{where}: questions must follow the order of questions.yml: {order}")
    first = next(q.id for q in questions.values() if q.first_content)
    if first not in asked:
        raise CodebookError(f"{where}: the first content question {first!r} must be mapped (it defines a response)")
    names = [*metadata.values(), *personal.values(), *ignored, *(c.column for c in columns)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CodebookError(f"{where}: two meanings for the same export column(s) {duplicates}")
    return WaveSpec(
        year=year, title=raw.get("title", f"Flitspeiling {year}"),
        frame_date=_date(raw["frame_date"], f"{where}: frame_date"),
        size_reference_date=_date(raw["size_reference_date"], f"{where}: size_reference_date"),
        file=str(export["file"]), dialect=export["dialect"], sheet=export.get("sheet"),
        metadata=metadata, personal=personal, questions=tuple(asked), columns=tuple(columns), source=path,
        ignored=ignored,
    )


def load_codebook(directory: Path | str = CODEBOOK_DIR) -> Codebook:
    """Read and validate questions.yml and every waves/<year>.yml under `directory`."""
    directory = Path(directory)
    questions, scales = _load_questions(directory / "questions.yml")
    waves = {}
    for path in sorted((directory / "waves").glob("*.yml")):
        wave = _load_wave(path, questions)
        waves[wave.year] = wave
    return Codebook(questions=questions, scales=scales, waves=waves)


@cache
def codebook() -> Codebook:
    """The project's codebook, loaded once per process."""
    return load_codebook()
