"""The report's cijfers.csv for 2023 (one row per number shown) reproduces every published number it is calibrated to.

reports/2023/cijfers.csv is built by `make report` (`make test` builds it first). A published number is looked up by
its definition (question, item, answer or answer group, population) among the rows of the figures, tables and text;
`shown_as` in published_numbers.yml names the row where the definition alone does not (e.g. "75 % of the municipalities
carrying out a LIA have more than 50.000 inhabitants", a number in the text of chapter 2). Where a row has n and count,
the exact share is compared (a published 58.8 % needs more than the integer shown); else the share as shown.
"""

import pandas as pd
import pytest

from helpers import REPO_ROOT
from helpers.data.published import PublishedNumber, load_published, matches

CIJFERS = REPO_ROOT / "reports" / "2023" / "cijfers.csv"


@pytest.fixture(scope="module")
def cijfers() -> pd.DataFrame:
    if not CIJFERS.exists():
        pytest.fail(f"{CIJFERS} is missing: run `make report` (or `make test`, which builds it first)")
    frame = pd.read_csv(CIJFERS, dtype=str, keep_default_na=False)
    for column in ("n", "count", "pct"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _candidates(number: PublishedNumber, cijfers: pd.DataFrame) -> pd.DataFrame:
    if number.shown_as is not None:
        table, item = number.shown_as
        return cijfers[(cijfers["table"] == table) & (cijfers["item"] == item)]
    rows = cijfers[cijfers["group"] == number.population]
    if number.measure == "participants":
        return rows[(rows["table"] == "figuur_1") & (rows["item"] == str(number.wave))]
    question, answer = number.question, number.group or (number.answer[0] if len(number.answer) == 1 else None)
    if question is None and len(number.condition) == 1:
        # A count of a size class within one answer ("no municipality under 10.000 carries out a LIA") is a cell
        # of the cross-table of that answer by size class (Figuur 5).
        (question, codes), = number.condition.items()
        answer = codes[0] if len(codes) == 1 else None
    rows = rows[rows["question"] == (question or "")]
    if number.question_type == "multi":  # the ticked option is the row's item
        return rows[rows["item"] == answer]
    if number.item is not None:
        rows = rows[rows["item"] == number.item]
    if number.measure in ("share", "count"):
        rows = rows[rows["answer"] == answer] if answer is not None else rows.iloc[0:0]
    return rows


def _values(number: PublishedNumber, rows: pd.DataFrame) -> list[float]:
    if number.measure in ("count", "participants", "n_answered", "count_size_class"):
        column = "n" if number.measure == "n_answered" and rows["n"].notna().any() else "count"
        return rows[column].dropna().tolist()
    exact = (100 * rows["count"] / rows["n"]).where(rows["n"].gt(0) & rows["count"].notna())
    return exact.fillna(rows["pct"]).dropna().tolist()


def _reproduced(number: PublishedNumber, cijfers: pd.DataFrame) -> tuple[bool, str]:
    values = _values(number, _candidates(number, cijfers))
    if not values:
        return False, "not shown in the report (no cijfers row)"
    if any(matches(number, value) for value in values):
        return True, ""
    return False, f"shown as {sorted(set(round(v, 2) for v in values))}"


def test_every_calibrated_2023_number_is_shown_and_reproduced(cijfers):
    numbers = [n for n in load_published() if n.wave == 2023 and n.check == "calibrated"]
    assert len(numbers) >= 100
    failures = []
    for number in numbers:
        ok, reason = _reproduced(number, cijfers)
        if not ok:
            failures.append(f"  {number.id}: published {number.value} ({number.comparison}); {reason}")
    assert not failures, f"{len(failures)} of {len(numbers)} published numbers:\n" + "\n".join(failures)


def test_cijfers_has_the_agreed_columns(cijfers):
    # The code columns first, in this order (published checks read them), then the labels a reader sees and the unit
    assert list(cijfers.columns) == ["table", "item", "group", "n", "count", "pct", "question", "answer", "table_title",
                                     "question_label", "item_label", "answer_label", "group_label", "unit"]
    # Items in a series of their own (report.yml `series`, e.g. the trend models) are "tabel_T1", "figuur_T1".
    assert cijfers["table"].str.fullmatch(r"(figuur|tabel)_[A-Z]?\d+|tekst_[a-z_]+|vraag_[a-z_]+").all()


def test_cijfers_are_readable_without_the_codebook(cijfers):
    # Every row says which figure, table or chapter text it belongs to, and every number its unit; every code a
    # reader meets (item, answer, group) has its label next to it.
    assert (cijfers["table_title"] != "").all()
    numbered = cijfers[cijfers["pct"].notna() | cijfers["count"].notna()]
    assert set(numbered["unit"]) <= {"percentage", "aantal"} and (numbered["unit"] != "").all()
    assert (numbered.loc[numbered["pct"].notna(), "unit"] == "percentage").all()
    for code, label in (("item", "item_label"), ("answer", "answer_label"), ("group", "group_label")):
        unlabelled = cijfers[(cijfers[code] != "") & (cijfers[label] == "")]
        assert unlabelled.empty, f"{code} without {label}:\n{unlabelled.head().to_string()}"
