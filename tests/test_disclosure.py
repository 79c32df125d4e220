"""helpers.analysis.disclosure: the one rule for every published breakdown (merge or suppress groups under 5, flag 0 %/100 %
cells of groups under 20, caution under 50), applied by the chapter API, and the 2023 report: the published fact on
municipalities under 10.000 reproduced and flagged, and no per-municipality answers outside Bijlage A."""

import csv
import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers import REPO_ROOT
from helpers.analysis import disclosure
from helpers.report import figures
from helpers.report.chapter import Chapter
from helpers.report.outline import load_outline

FIXTURE = Path(__file__).parent / "fixtures" / "processed"
REPORT = REPO_ROOT / "reports" / "2023"
PARTS = REPO_ROOT / "build" / "2023" / "parts"


def _crosstab(n_by_class: dict[str, int], yes_by_class: dict[str, int]) -> pd.DataFrame:
    rows = []
    for answer in ("ja", "nee"):
        for group, n in n_by_class.items():
            count = yes_by_class[group] if answer == "ja" else n - yes_by_class[group]
            rows.append({"question": "q", "item": "", "answer": answer, "answer_label": answer.title(),
                         "group": group, "group_label": f"label {group}", "n": n, "count": count,
                         "pct": 100 * count / n, "n_answer": 0, "pct_answer": 0.0})
    return pd.DataFrame(rows)


def test_a_size_class_of_four_is_merged_with_its_smaller_neighbour():
    table = _crosstab({"lt10k": 4, "10k_25k": 30, "25k_50k": 60, "50k_100k": 40, "ge100k": 17},
                      {"lt10k": 0, "10k_25k": 3, "25k_50k": 10, "50k_100k": 20, "ge100k": 17})
    result = disclosure.protect(table)
    data = result.data
    assert result.changed
    assert "lt10k" not in set(data["group"]) and "lt10k+10k_25k" in set(data["group"])
    merged = data[(data["group"] == "lt10k+10k_25k") & (data["answer"] == "ja")].iloc[0]
    assert (merged["n"], merged["count"], merged["group_label"]) == (34, 3, "label lt10k + label 10k_25k")
    assert merged["pct"] == pytest.approx(100 * 3 / 34)
    assert "samengevoegd met de naastliggende grootteklasse: label lt10k + label 10k_25k" in result.notes[0]
    # ge100k: 17 municipalities, all "ja": 100 % and 0 % cells flagged
    flagged = data[data[disclosure.FLAG_COLUMN]]
    assert set(zip(flagged["group"], flagged["answer"], strict=True)) == {("ge100k", "ja"), ("ge100k", "nee")}
    assert any(note.startswith("* 0 % of 100 % in een groep van minder dan 20 gemeenten") for note in result.notes)
    # caution: groups under 50 other than "alle"/"klein"
    assert any("‘label 10k_25k’" not in n and "‘label lt10k + label 10k_25k’ (n = 34)" in n for n in result.notes)
    # the rule applied again changes nothing
    again = disclosure.protect(data)
    assert not again.changed
    pd.testing.assert_frame_equal(again.data[data.columns], data)


def test_a_group_of_four_that_is_no_size_class_is_suppressed():
    table = pd.DataFrame({"question": "q", "item": "", "answer": ["a", "b", "a", "b"],
                          "group": ["alle", "alle", "klein", "klein"], "n": [40, 40, 4, 4],
                          "count": [10, 30, 1, 3], "pct": [25.0, 75.0, 25.0, 75.0]})
    result = disclosure.protect(table)
    klein = result.data[result.data["group"] == "klein"]
    assert klein["n"].tolist() == [4, 4] and klein["count"].isna().all() and klein["pct"].isna().all()
    assert result.suppressed == ("klein",) and result.changed
    assert "Niet getoond omdat minder dan 5 gemeenten antwoordden: klein" in result.notes[0]
    # a base under 50 for "alle" is noted by the chapter itself (the report's own footnote), not twice
    assert not result.cautioned


def test_rows_without_a_base_or_of_a_confidential_group_are_left_alone():
    table = pd.DataFrame({"question": "", "item": "x", "answer": "", "group": ["a", "b", "verschil"],
                          "n": pd.array([3, 40, pd.NA], dtype="Int64"), "count": pd.array([1, 20, pd.NA], dtype="Int64"),
                          "pct": [33.3, 50.0, -4.0], "group_public": [False, True, True]})
    result = disclosure.protect(table)
    assert result.data["pct"].tolist() == [33.3, 50.0, -4.0]
    assert not result.changed and not result.suppressed


def test_the_chapter_applies_the_rule_to_every_figure_and_table(tmp_path):
    ch = Chapter(chapter=2, year=2023, processed_dir=FIXTURE, parts_dir=tmp_path, show=False)
    data = ch.distribution("policy_breadth", populations=("alle", "klein"))  # klein: 2 municipalities
    with pytest.raises(ValueError, match="disclosure rule merged or suppressed"):
        ch.figure("breedte", figures.bar_shares(data), data=data, alt="x")
    # registers no key figures: an outline that declares none (ch.finish() checks them against report.yml)
    ch = Chapter(chapter=2, year=2023, processed_dir=FIXTURE, parts_dir=tmp_path, show=False,
                 outline=dataclasses.replace(load_outline(), key_figures=()))
    ch.figure("breedte", lambda shown: figures.bar_shares(shown[shown["group"] == "alle"]), data=data, alt="x")
    kind, text = ch.shown[-1]
    assert "Niet getoond omdat minder dan 5 gemeenten antwoordden: kleine gemeenten" in text
    ch.finish()
    published = pd.read_csv(tmp_path / "tables" / "figuur_3.csv")
    assert published.loc[published["group"] == "klein", "count"].isna().all()
    assert "opmerking" in published.columns


# --------------------------------------------------------------------------------------------------------------------
# The 2023 report (built by make report, which make test runs first)


def _need_report():
    if not (REPORT / "MANIFEST").exists() or not (PARTS / "02_reikwijdte_fase" / "manifest.json").exists():
        pytest.skip("the 2023 report is not built (make report)")


def test_the_published_fact_on_municipalities_under_10000_is_reproduced_and_flagged():
    _need_report()
    manifest = json.loads((PARTS / "02_reikwijdte_fase" / "manifest.json").read_text(encoding="utf-8"))
    item = next(i for i in manifest["items"] if i["id"] == "lia_grootte")
    table = pd.read_csv(PARTS / "02_reikwijdte_fase" / item["csv"])
    row = table[(table["group"] == "lt10k") & (table["answer"] == "uitgevoerd")].iloc[0]
    assert (row["count"], row["pct"], bool(row[disclosure.FLAG_COLUMN])) == (0, 0.0, True)
    assert row["n"] < disclosure.FLAG_BELOW
    figure = manifest["key_figures"]["uitvoerders_minder_dan_10k"]
    assert figure["value"] == 0 and figure["gemarkeerd"] is True
    page = (REPORT / "02_reikwijdte_fase.html").read_text(encoding="utf-8")
    assert "Geen enkele gemeente met minder dan 10.000 inwoners geeft in de flitspeiling aan een LIA uit te " \
           "voeren." in page
    assert "daarom is het in figuur 5 gemarkeerd (*)" in page
    assert "0 % of 100 % in een groep van minder dan 20 gemeenten" in page.replace("\u00a0", " ")


def _participants() -> tuple[set[str], set[str]]:
    from helpers.data.processed import read_processed

    responses, _, _ = read_processed(2023)
    names = set(responses["municipality_name"].dropna().astype(str))
    codes = set(responses["municipality_code"].dropna().astype(str))
    return names, codes


def _cells_of_html(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", text, flags=re.S)]


def test_no_output_lists_a_municipality_with_its_answers():
    """Participation is public, answers are not: outside chapter 1 (participation) and Bijlage A (the participant
    list), no table cell of the HTML pages, no cell of the tabellenboek and no row of cijfers.csv holds the name or
    the code of a participating municipality. (Quotes in running text may mention a place; they are not a listing of
    answers, and the privacy scan covers personal data.)"""
    _need_report()
    from openpyxl import load_workbook

    names, codes = _participants()
    wanted = names | codes
    found = []
    for page in sorted(REPORT.glob("0[2-6]_*.html")):
        found += [(page.name, cell.strip()) for cell in _cells_of_html(page) if cell.strip() in wanted]
    workbook = load_workbook(REPORT / "tabellenboek.xlsx", read_only=True)
    for sheet in workbook.worksheets:
        if "bijlage" in sheet.title.lower():
            continue
        for row in sheet.iter_rows(values_only=True):
            found += [(sheet.title, str(value)) for value in row if value is not None and str(value).strip() in wanted]
    with open(REPORT / "cijfers.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("table", "").startswith("tekst_bijlage"):
                continue
            found += [("cijfers.csv", value) for value in row.values() if value in wanted]
    assert found == [], f"municipality names or codes next to answers: {found[:10]}"
    assert len(wanted) > 150  # the check looked for the real participant list
