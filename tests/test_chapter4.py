"""Chapter 4 "Ondersteuning" (notebooks/04_ondersteuning.ipynb): papermill runs on the processed data of 2023 and 2018.

2023: the manifest has Figuur 7-9 and Tabel 5 with the report's titles, the key figures the summary relies on, and
cijfers.csv reproduces every published share of these questions (data/published/published_numbers.yml, read through
helpers.data.published; the previous wave's column is checked against the 2022 numbers). 2018 did not ask about 'Iedereen
doet mee!': the chapter says so in one line and the other items move up (Tabel 4, Figuur 7 and 8).
"""

from __future__ import annotations

import html
import json
import re

import notebook_runs
import pandas as pd
import pytest

from helpers import REPO_ROOT
from helpers.data.codebook import codebook
from helpers.data.published import load_published, matches
from helpers.report import text as tekst
from helpers.report.outline import load_outline

NOTEBOOK = REPO_ROOT / "notebooks" / "04_ondersteuning.ipynb"
PROCESSED = REPO_ROOT / "data" / "processed"
QUESTIONS = {"awareness_idm": "bekendheid", "support_content": "inhoudelijk", "support_process": "procesmatig",
             "support_form": "vorm"}
KEY_FIGURES = ["bekend_idm_pct", "inhoud_specifieke_voorbeelden_pct", "inhoud_geen_behoefte_pct",
               "inhoud_geen_behoefte_vorig_pct", "inhoud_uitleg_verdrag_pct", "inhoud_uitleg_verdrag_vorig_pct",
               "proces_belangenbehartigers_pct", "proces_belangenbehartigers_vorig_pct", "vorm_top3",
               "meer_behoefte_dan_vorig"]

pytestmark = pytest.mark.skipif(not (PROCESSED / "2023" / "answers.parquet").exists(),
                                reason="no processed data (make clean-data)")


def run_chapter(year: int, tmp_path) -> tuple[dict, pd.DataFrame, str]:
    """Run the notebook for `year` into a temporary parts dir: (manifest, cijfers, all text the notebook showed)."""
    manifest, parts, shown = notebook_runs.run_chapter(NOTEBOOK, year, tmp_path)
    cijfers = pd.read_csv(parts / "cijfers.csv", dtype={"item": str, "group": str, "answer": str},
                          keep_default_na=False)
    return manifest, cijfers, shown


@pytest.fixture(scope="module")
def chapter_2023(tmp_path_factory):
    return run_chapter(2023, tmp_path_factory.mktemp("ch4_2023"))


def test_headings_follow_the_report():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    headings = [line for cell in notebook["cells"] if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if line.startswith("#")]
    assert headings == ["# 4 Ondersteuning", "## 4.1 Bekendheid met ‘Iedereen doet mee’",
                        "## 4.2 Inhoudelijke ondersteuning", "## 4.3 Procesmatige ondersteuning",
                        "## 4.4 Vorm van ondersteuning", "## 4.5 Ontwikkeling sinds 2018",
                        "## 4.6 Gewogen en ongewogen percentages"]


def test_2023_manifest_items_and_key_figures(chapter_2023):
    manifest, _, _ = chapter_2023
    outline = load_outline()
    items = {(i["kind"], i["number"], i["id"]) for i in manifest["items"]}
    assert items == {("figuur", 7, "bekendheid"), ("tabel", 5, "inhoudelijk"), ("figuur", 8, "procesmatig"),
                     ("figuur", 9, "vorm"), ("tabel", 6, "trend_ondersteuning_tabel"),
                     ("figuur", 4, "trend_ondersteuning_figuur"), ("tabel", 7, "gewogen_h4")}  # Tabel T6, Figuur T4, Tabel T7
    assert {i["id"]: i["series"] for i in manifest["items"]}["trend_ondersteuning_tabel"] == "T"
    for item in manifest["items"]:
        assert item["title"] == outline.title_for(item["id"], 2023)  # trend items: "... 2018-2023 ..."
        assert item["csv"] == f"tables/{item['kind']}_{item['series']}{item['number']}.csv"
        if item["kind"] == "figuur":
            assert re.search(r"\d+\s%", item["alt"]), item["alt"]  # the alt text carries the shares
    assert {i["id"]: i["base"] for i in manifest["items"] if not i["series"] or i["id"] == "gewogen_h4"} == {
        "bekendheid": 175, "inhoudelijk": 173, "procesmatig": 172, "vorm": 172,
        "gewogen_h4": 175}  # the weighted table: the largest unweighted base
    figures = manifest["key_figures"]
    assert set(KEY_FIGURES) <= set(figures)
    assert tekst.rounded(figures["bekend_idm_pct"]["value"]) < 80  # "bijna 80%"
    assert figures["inhoud_geen_behoefte_vorig_pct"]["wave"] == 2022
    # 16 % without a need against 21 % in 2022: the published report reads this as more need, but a two-proportion
    # test on the counts (28/173 against 32/150, p = 0.24) finds no significant change, so it is not "more need"
    # (data/published/published_numbers.yml, 2022_s0_geen_behoefte, records the difference from the published text).
    assert figures["meer_behoefte_dan_vorig"]["value"] is False
    top3 = figures["vorm_top3"]["value"]
    assert len(top3) == 3 and "Schriftelijke en/of digitale kennisproducten" in top3


def _published_rows(year: int, previous: int):
    """Published shares of this chapter's questions for `year` (group alle) and the previous wave (group <year>)."""
    for number in load_published():
        if number.question in QUESTIONS and number.measure == "share" and number.population == "alle" \
                and not number.condition and len(number.answer_codes) == 1 and number.wave in (year, previous):
            yield number, ("alle" if number.wave == year else str(previous))


def test_2023_cijfers_reproduce_the_published_numbers(chapter_2023):
    manifest, cijfers, _ = chapter_2023
    table_of = {i["id"]: f"{i['kind']}_{i['number']}" for i in manifest["items"]}
    checked = []
    for number, group in _published_rows(2023, 2022):
        (code,) = number.answer_codes
        table = table_of[QUESTIONS[number.question]]
        column = "answer" if number.question == "awareness_idm" else "item"  # multi: one row per option
        rows = cijfers[(cijfers["table"] == table) & (cijfers[column] == code) & (cijfers["group"] == group)]
        assert len(rows) == 1, (number.id, table, code, group)
        assert matches(number, float(rows["pct"].iloc[0])), (number.id, int(rows["pct"].iloc[0]), number.value)
        checked.append(number.id)
    # Tabel 5 in full, Figuur 8 (45 % belangenbehartigers), Figuur 7 and the 2022 comparisons
    assert sum(i.startswith("2023_tabel5_") for i in checked) == 6
    assert {"2023_par4_3_belangenbehartigers", "2023_par4_1_bekend_idm", "2022_s0_geen_behoefte",
            "2022_s0_uitleg_verdrag", "2022_s0_belangenbehartigers"} <= set(checked)


def test_2023_tabel5_rows_in_the_published_order(chapter_2023):
    _, _, shown = chapter_2023
    published = sorted((n for n in load_published() if n.id.startswith("2023_tabel5_")),
                       key=lambda n: int(re.match(r"(\d+)\.", n.quote).group(1)))
    question = codebook().question("support_content")
    expected = [f"{rank}. {question.option(n.answer_codes[0]).label}" for rank, n in enumerate(published, start=1)]
    rows = [html.unescape(row) for row in re.findall(r'<th scope="row">(\d+\. [^<]+)</th>', shown)]
    assert rows == expected  # 1. Specifieke voorbeelden ... 6. Geen behoefte aan ondersteuning op inhoud
    assert "<th scope=\"col\">% alle gemeenten</th>" in shown and "<th scope=\"col\">% in 2022</th>" in shown


def test_2023_comparisons_in_the_words_of_the_report(chapter_2023):
    _, _, shown = chapter_2023
    text = shown.replace("\u00a0", " ")
    # The report's words, except where the test on the counts does not support "hoger"/"lager" (p >= 0.05): then the
    # text says "niet significant" on purpose (published_numbers.yml notes 2022_s0_geen_behoefte and
    # 2023_par4_3_belangenbehartigers).
    assert "niet significant lager dan in 2022 (16 % ten opzichte van 21 %)" in text
    assert "22 % ten opzichte van 16 % in 2022" in text
    assert ("De behoefte om belangenbehartigers te betrekken ligt niet significant hoger dan in 2022 "
            "(45 % ten opzichte van 37 %)") in text
    assert "ligt hoger dan in 2022" not in text
    assert "Ook toen scoorden deze drie vormen van ondersteuning het hoogst" in text
    quotes = re.findall(r"^> ‘(.*)’$", shown, flags=re.M)
    assert quotes and not any(tekst.has_personal_data(q) or "[" in q for q in quotes)


def test_2018_awareness_not_asked(tmp_path):
    manifest, cijfers, shown = run_chapter(2018, tmp_path)
    items = {(i["kind"], i["number"], i["id"]) for i in manifest["items"]}
    assert items == {("tabel", 4, "inhoudelijk"), ("figuur", 7, "procesmatig"), ("figuur", 8, "vorm"),
                     ("tabel", 3, "gewogen_h4")}  # Tabel T3: 2018 has no panel table
    assert "is in 2018 niet gesteld" in shown and "Bekend met ondersteuning vanuit VNG-project" in shown
    figures = manifest["key_figures"]
    assert figures["bekend_idm_pct"]["value"] is None
    assert figures["inhoud_geen_behoefte_vorig_pct"]["value"] is None
    assert figures["meer_behoefte_dan_vorig"]["value"] is None
    assert figures["inhoud_specifieke_voorbeelden_pct"]["value"] is not None
    # no earlier wave to compare with; the weighted table (Tabel T3) has its own groups
    assert set(cijfers.loc[cijfers["table"] != "tabel_T3", "group"]) == {"alle"}
