"""Chapter 5 "Aanvullingen door de gemeenten" (notebooks/05_aanvullingen.ipynb) and its coding frame.

- the notebook runs on the 2023 processed data; its key figures (aanvullingen_n, aanvullingen_themas) equal the counts
  of helpers.analysis.coding with the frame and the manual codings, and those counts do not depend on the order of the rows;
- every quote shown is a literal addition from the data, chosen reproducibly, and contains no e-mail address, phone
  number, IP address or scrubber placeholder;
- the frame codes every text of the synthetic stand-in's pool (data/synthetic/texts/additions.yml, read here only as
  a check, never by the pipeline) as the theme the pool gives it.
"""

from __future__ import annotations

import json
import re

import notebook_runs
import pandas as pd
import pytest
import yaml

from helpers import REPO_ROOT
from helpers.analysis import coding
from helpers.core.privacy import scrub_text
from helpers.data.processed import read_processed
from helpers.report import text as tekst

NOTEBOOK = REPO_ROOT / "notebooks" / "05_aanvullingen.ipynb"
PROCESSED = REPO_ROOT / "data" / "processed"
FRAME = REPO_ROOT / "data" / "codebook" / "coding" / "aanvullingen.yml"
MANUAL = REPO_ROOT / "data" / "codebook" / "coding" / "manual_codings_aanvullingen.yml"
POOL = REPO_ROOT / "data" / "synthetic" / "texts" / "additions.yml"
REPORT_THEMES = ["Informatiebehoefte VN-verdrag Handicap", "Behoefte aan kennissessies en uitwisseling",
                 "Begeleiding uitvoering VN-verdrag Handicap",
                 "Aandacht voor specifieke uitdagingen voor kleine gemeenten en lokale verschillen", "Budget", "Feedback"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(\+31|0031|\b0)[\s-]?\(?\d[\d\s-]{7,}\d")

needs_data = pytest.mark.skipif(not (PROCESSED / "2023" / "answers.parquet").exists(),
                                reason="no processed data (make clean-data)")


def coded(year: int, order_seed: int | None = None) -> pd.DataFrame:
    """The additions of `year` coded as the notebook codes them (optionally with the rows shuffled)."""
    frame = coding.load_frame(FRAME)
    _, answers, _ = read_processed(year, PROCESSED)
    texts = coding.frame_texts(answers, frame)
    if order_seed is not None:
        texts = texts.sample(frac=1, random_state=order_seed).reset_index(drop=True)
    return coding.code_texts(texts, frame, manual=MANUAL)


def counts(result: pd.DataFrame) -> dict[str, int]:
    """{theme label: units} over the units with an addition (not only 'geen aanvulling'), as the chapter counts."""
    frame = coding.load_frame(FRAME)
    additions = result[result["theme"] != "geen_aanvulling"]
    table = coding.theme_counts(additions, sorted(set(additions["response_id"])), frame)
    return {row.label: int(row.count) for row in table.itertuples() if row.theme != "geen_aanvulling"}


@pytest.fixture(scope="module")
def chapter_2023(tmp_path_factory):
    manifest, _, shown = notebook_runs.run_chapter(NOTEBOOK, 2023, tmp_path_factory.mktemp("ch5_2023"))
    return manifest, shown


def test_heading_follows_the_report():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert "".join(notebook["cells"][0]["source"]) == "# 5 Aanvullingen door de gemeenten"


def test_frame_has_the_report_themes_and_manual_codings_load():
    frame = coding.load_frame(FRAME)
    assert [t.label for t in frame.themes][:6] == REPORT_THEMES
    assert frame.fallback == "overig" and frame.questions == ("additions",)
    manual = coding.load_manual(MANUAL, frame)  # validates keys, themes and reasons
    assert all(entry.reason for entry in manual.values())


def test_frame_codes_the_stand_in_pool_as_its_themes():
    frame = coding.load_frame(FRAME)
    pool = yaml.safe_load(POOL.read_text(encoding="utf-8"))
    expected_code = {"contact": "overig"}
    wrong = []
    for entry in pool["texts"] + pool["personal"]:
        text = entry["text"].replace("{agenda}", "de inclusieagenda").replace("{Agenda}", "De inclusieagenda")
        got = frame.match(text, "additions", "text")
        want = expected_code.get(entry["theme"], entry["theme"])
        if text.strip().lower().startswith("geen aanvulling"):
            want = "geen_aanvulling"
        if got != [want]:
            wrong.append((entry["id"], want, got))
    assert not wrong


@needs_data
def test_counts_are_deterministic():
    first = coded(2023)
    assert counts(first) == counts(coded(2023)) == counts(coded(2023, order_seed=7)) == counts(coded(2023, 11))
    again = coded(2023)
    assert first.equals(again)


@needs_data
def test_key_figures_equal_the_coding(chapter_2023):
    manifest, _ = chapter_2023
    assert manifest["items"] == []  # chapter 5 has no figures or tables
    figures = manifest["key_figures"]
    expected = counts(coded(2023))
    assert figures["aanvullingen_themas"]["value"] == expected
    assert set(expected) == {*REPORT_THEMES, "Overig"}
    assert figures["aanvullingen_n"]["value"] == figures["aanvullingen_themas"]["n"] > 0
    assert sum(expected.values()) >= figures["aanvullingen_n"]["value"]  # a text may have several themes


@needs_data
def test_quotes_are_literal_reproducible_and_free_of_personal_data(chapter_2023):
    manifest, shown = chapter_2023
    quotes = re.findall(r"^> ‘(.*)’$", shown, flags=re.M)
    assert quotes
    result = coded(2023)
    literal = {" ".join(t.split()) for t in result["text"]}
    for quote in quotes:
        assert quote in literal, quote
        assert not EMAIL.search(quote) and not PHONE.search(quote), quote
        assert not scrub_text(quote).counts and "[" not in quote, quote
    # 1-3 quotes per theme with texts, and the same choice as helpers.report.text makes with the chapter's seeds
    sections = re.split(r"^## ", shown, flags=re.M)[1:]
    themes = {t.label: t.code for t in coding.load_frame(FRAME).themes}
    chosen: list[str] = []
    for section in sections:
        label = section.splitlines()[0].strip()
        in_section = re.findall(r"^> ‘(.*)’$", section, flags=re.M)
        assert 1 <= len(in_section) <= 3, label
        expected = tekst.theme_quotes(result, themes[label], len(in_section), seed_key=f"2023/aanvullingen/{themes[label]}",
                                      exclude=[coding.text_hash(t) for t in chosen])
        assert in_section == expected, label
        chosen += in_section
    assert "letterlijk overgenomen" in shown
