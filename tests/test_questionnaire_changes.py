"""Questionnaire changes are data: a made-up 2024 wave in the 2023 tool's dialect that changes the questionnaire in
every way a new wave can (tests/fixtures/wave2024_change/README.md lists the cases), run through every chapter of
notebooks/report.yml and the factsheet, as `make report YEAR=2024` and `make factsheets` run them.

(a) The fixture: the committed export is what its generator writes; the codebook additions change no earlier wave.
(b) The helper rules: what a wave asked (tables.asked_rows), what is new since the previous wave (tables.new_rows,
    "nieuw in 2024"), a clear NotAsked error for an item a wave did not ask, and the chapter sentences that compare
    only what both waves asked.
(c) The whole 2024 report and a factsheet, built into a temporary directory from the fixture (2024) and the stand-in
    (2022, 2023, cleaned with the codebook that has the additions): each change behaves as the README says.
(d) A failing chapter names the chapter, the section, the item and the cause.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import helpers
from helpers.analysis import tables
from helpers.data.codebook import codebook as project_codebook
from helpers.data.codebook import load_codebook
from helpers.data.processed import read_processed
from helpers.report.chapters import content, support

FIXTURE = Path(__file__).parent / "fixtures" / "wave2024_change"
NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
REPORT_YML = NOTEBOOKS / "report.yml"
YEAR = 2024
ENV = helpers.CODEBOOK_DIR_ENV

# The generator, under a name of its own (tests/test_new_wave.py imports the other fixture's make_fixture).
_spec = importlib.util.spec_from_file_location("wave2024_change_make_fixture", FIXTURE / "make_fixture.py")
make_fixture = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(make_fixture)


def _reference_available() -> bool:
    from helpers.data import municipalities

    try:
        municipalities.load_frame(2023)
    except (OSError, ValueError):
        return False
    return True


needs_reference = pytest.mark.skipif(not _reference_available(), reason="no CBS reference set (make reference)")


@pytest.fixture(scope="session")
def codebook_dir(tmp_path_factory) -> Path:
    """data/codebook with questions_additions.yml appended and the fixture's waves/2024.yml (make_fixture)."""
    return make_fixture.assemble_codebook(tmp_path_factory.mktemp("wave2024_change") / "codebook")


@pytest.fixture(scope="module")
def cb(codebook_dir):
    return load_codebook(codebook_dir)


# --------------------------------------------------------------------------------------------------------------------
# (a) The fixture


def test_the_committed_export_is_what_the_generator_writes(tmp_path):
    written = make_fixture.main(tmp_path)
    for path in written:
        committed = FIXTURE / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), (
            f"{committed} differs from a fresh generation; run .venv/bin/python {FIXTURE / 'make_fixture.py'}")


def test_the_export_has_each_change_in_the_2023_dialect():
    text = (FIXTURE / "survey" / "flitspeiling_2024.csv").read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert "G03Q05[SQ010]" in header and "G04Q04[SQ007]" in header and "G05Q02" in header  # (a), (b), (e)
    assert "G03Q02[SQ010]" not in header and "G03Q02[SQ009]" in header  # (c) nine domains
    assert not any(column.startswith("G03Q03") for column in header)  # (f) vng_topics
    assert 60 <= text.count("\n") - 1 <= 120


def test_the_additions_change_no_earlier_wave(cb):
    project = project_codebook()
    for year in sorted(project.waves):
        assert cb.wave(year).expected_columns() == project.wave(year).expected_columns(), year
        assert [(c.question, c.item) for c in cb.wave(year).columns] == \
               [(c.question, c.item) for c in project.wave(year).columns], year
    spec = cb.wave(YEAR)
    by_column = {c.column: c for c in spec.columns}
    assert (by_column["G03Q05[SQ010]"].question, by_column["G03Q05[SQ010]"].item) == ("obstacles",
                                                                                       "financiele_middelen")
    assert (by_column["G04Q04[SQ007]"].question, by_column["G04Q04[SQ007]"].item) == ("support_form", "webinars")
    assert by_column["G05Q02"].values == {"Y": "ja", "N": "nee"}
    assert not spec.asks("vng_topics") and spec.asks("toegankelijkheidstoets")
    assert cb.waves_asking("toegankelijkheidstoets") == [YEAR]


# --------------------------------------------------------------------------------------------------------------------
# (b) The helper rules


def test_what_each_wave_asked(cb):
    obstacles, support_form, domains = (cb.question(q) for q in ("obstacles", "support_form", "domains"))
    codes = lambda q, year: [row.code for row in tables.asked_rows(q, year, cb)]  # noqa: E731
    assert "financiele_middelen" in codes(obstacles, YEAR) and "financiele_middelen" not in codes(obstacles, 2023)
    assert "webinars" in codes(support_form, YEAR) and "webinars" not in codes(support_form, 2018)
    assert "cultuur" not in codes(domains, YEAR) and "cultuur" in codes(domains, 2023)
    assert len(codes(obstacles, None)) == len(obstacles.items)  # no wave: every item of questions.yml
    assert tables.new_rows(obstacles, YEAR, 2023, cb) == ["financiele_middelen"]
    assert tables.new_rows(support_form, YEAR, 2023, cb) == ["webinars"]
    assert tables.new_rows(domains, YEAR, 2023, cb) == [] and tables.new_rows(obstacles, YEAR, None, cb) == []
    assert tables.previous_asking("toegankelijkheidstoets", YEAR, cb) is None
    assert tables.previous_asking("obstacles", YEAR, cb) == 2023
    shown = tables.as_asked(obstacles, YEAR, 2023, cb)
    assert shown.item("financiele_middelen").label == "Financiële middelen (nieuw in 2024)"
    assert shown.item("capaciteit").label == obstacles.item("capaciteit").label
    assert [i.code for i in tables.as_asked(domains, YEAR, 2023, cb).items] == codes(domains, YEAR)


@pytest.fixture(scope="module")
def cleaned_2024(cb, codebook_dir, tmp_path_factory):
    if not _reference_available():
        pytest.skip("no CBS reference set (make reference)")
    from helpers.data.cleaning import clean_wave, load_cleaning_rules

    raw = tmp_path_factory.mktemp("raw2024change")
    shutil.copytree(FIXTURE / "survey", raw / "survey")
    return clean_wave(YEAR, raw, codebook=cb, rules=load_cleaning_rules(codebook_dir / "cleaning.yml"),
                      resolutions={})


@needs_reference
def test_the_cleaning_makes_what_the_readme_says(cleaned_2024):
    counts = cleaned_2024.quality["counts"]
    assert (counts["rows_in"], counts["test_responses"], counts["excluded_no_first_content"]) == (78, 3, 1)
    assert (counts["duplicates_removed"], counts["units_out"], counts["identified_municipalities"]) == (2, 72, 71)
    assert int(cleaned_2024.responses["completed"].sum()) == 70 and counts["not_routed_answers_dropped"] == 1
    answers = cleaned_2024.answers
    assert "cultuur" not in set(answers.loc[answers["question"] == "domains", "item"])
    assert "financiele_middelen" in set(answers.loc[answers["question"] == "obstacles", "item"])


@needs_reference
def test_tables_show_what_the_wave_asked_and_name_what_it_did_not(cleaned_2024, cb):
    responses, answers = cleaned_2024.responses, cleaned_2024.answers
    table = tables.matrix_table(responses, answers, "obstacles", "groot_of_zeer_groot", cb=cb)
    assert "financiele_middelen" in set(table["item"]) and len(table) == 9  # eight old ones + the new; "ander" out
    assert "cultuur" not in set(tables.group_share(responses, answers, "domains", "veel_of_heel_veel", cb=cb)["item"])
    assert "webinars" in set(tables.matrix_table(responses, answers, "support_form", cb=cb)["item"])
    # The same answers as if they were 2023's: the items 2023 did not ask are no rows, and asking for one is named.
    as_2023 = responses.assign(wave=2023)
    table_2023 = tables.matrix_table(as_2023, answers, "obstacles", "groot_of_zeer_groot", cb=cb)
    assert "financiele_middelen" not in set(table_2023["item"])
    assert "webinars" not in set(tables.distribution(as_2023, answers, "support_form", cb=cb)["answer"])
    for question in ("obstacles", tables.as_asked(cb.question("obstacles"), 2023, None, cb)):  # also as 2023 asked it
        with pytest.raises(tables.NotAsked) as raised:
            tables.group_share(as_2023, answers, question, "groot_of_zeer_groot", item="financiele_middelen", cb=cb)
        assert str(raised.value).startswith("item financiele_middelen of question obstacles has no value for 2023: "
                                            "not asked that year (asked in 2024;")
    with pytest.raises(KeyError, match="has no item 'geld'"):  # an unknown item is another mistake
        tables.group_share(as_2023, answers, "obstacles", "groot_of_zeer_groot", item="geld", cb=cb)


def _obstacle_tables(shares_now: dict, shares_then: dict, n: int = 100):
    """A sorted matrix_table of this wave and the group_share rows of the previous one, from shares in %."""
    now = pd.DataFrame({"item": list(shares_now), "label": [f"Knelpunt {c}" for c in shares_now],
                        "pct_alle": [float(v) for v in shares_now.values()],
                        "count_alle": list(shares_now.values()), "n_alle": n})
    now = now.sort_values("pct_alle", ascending=False, kind="stable").reset_index(drop=True)
    then = pd.DataFrame({"item": list(shares_then), "group": "alle", "count": list(shares_then.values()), "n": n,
                         "pct": [float(v) for v in shares_then.values()]})
    return now, then


def test_a_new_item_is_not_covered_by_the_comparison():
    now, then = _obstacle_tables({"nieuw": 60, "a": 50, "b": 40}, {"a": 50, "b": 40, "weg": 70})
    changes = content.obstacles_then(now, then, 2023, 2024)
    text = " ".join(changes.sentences)
    assert "Alle knelpunten" not in text and "die ook in 2023 zijn gevraagd" in text
    assert "‘Knelpunt nieuw’ is in 2023 niet gevraagd en wordt daarom niet vergeleken." in text
    assert "nieuw" not in changes.more + changes.fewer
    first = content.most_named_then(now, then, 2023, 2024)
    assert "voor het eerst gevraagd" in first and "%" not in first
    assert content.most_named_before(now, {2023: content.shares(then)}) == ""  # the leader was not asked then


def test_without_a_change_the_sentences_are_as_before():
    now, then = _obstacle_tables({"a": 50, "b": 40}, {"a": 50, "b": 40})
    assert content.obstacles_then(now, then, 2023, 2024).sentences == [
        "Alle knelpunten worden ongeveer even vaak genoemd als vorig jaar: de verschillen zijn niet significant."]


def test_a_new_option_of_a_support_question_is_not_compared():
    table = pd.DataFrame({"rank": [1, 2, 3], "item": ["webinars", "website", "geen"], "label": ["W", "V", "G"],
                          "pct_alle": [60.0, 30.0, 10.0], "count_alle": [60, 30, 10], "n_alle": 100})
    previous = table[table["item"] != "webinars"].assign(pct_alle=[50.0, 10.0], count_alle=[50, 10])
    needs = support.Needs("support_form", YEAR, table, ("geen",), 2023, previous)
    assert needs.compared_wishes == ["website"]
    assert needs.largest_change() == "website"
    assert "bij één onderdeel" in support.mixed_phrase(needs)


def test_trend_panel_and_weighting_indicators_need_the_item_in_both_waves(cb):
    from helpers.analysis import panel, trends

    capacity = trends.Indicator("knelpunt_capaciteit", 3, "obstacles", "groot_of_zeer_groot", "capaciteit",
                                item="capaciteit")
    money = trends.Indicator("knelpunt_geld", 3, "obstacles", "groot_of_zeer_groot", "geld", item="financiele_middelen")
    culture = trends.Indicator("domein_cultuur", 3, "domains", "veel_of_heel_veel", "cultuur", item="cultuur")
    webinars = trends.Indicator("vorm_webinars", 4, "support_form", "webinars", "webinars")
    assert trends.asks(capacity, 2023, cb) and trends.asks(capacity, YEAR, cb)
    assert trends.asks(money, YEAR, cb) and not trends.asks(money, 2023, cb)
    assert trends.asks(culture, 2023, cb) and not trends.asks(culture, YEAR, cb)
    assert trends.waves_asking(webinars, cb) == [YEAR]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(panel, "INDICATORS", (capacity, money, culture))
        assert [i.id for i in panel.indicators_for(3, YEAR, cb)] == ["knelpunt_capaciteit", "knelpunt_geld"]
        assert [i.id for i in panel.indicators_for(3, 2023, cb)] == ["knelpunt_capaciteit", "domein_cultuur"]


# --------------------------------------------------------------------------------------------------------------------
# (c) The 2024 report and a factsheet


def _chapter_notebooks() -> list[Path]:
    import yaml

    outline = yaml.safe_load(REPORT_YML.read_text(encoding="utf-8"))
    return sorted((NOTEBOOKS / chapter["notebook"] for chapter in outline["chapters"]), key=lambda p: p.name)


@pytest.fixture(scope="module")
def processed(cb, codebook_dir, cleaned_2024, tmp_path_factory) -> Path:
    """Processed 2024 (the fixture) and 2022-2023 (the stand-in, cleaned with the codebook that has the additions)."""
    from helpers.data import municipalities
    from helpers.data.cleaning import clean_wave, load_cleaning_rules
    from helpers.data.processed import write_processed

    directory = tmp_path_factory.mktemp("processed2024change")
    rules = load_cleaning_rules(codebook_dir / "cleaning.yml")
    write_processed(cleaned_2024, directory / str(YEAR))
    for year in (2022, 2023):
        write_processed(clean_wave(year, helpers.RAW_DIR, codebook=cb, rules=rules), directory / str(year))
    municipalities.build_frames(out_dir=directory, waves=sorted(cb.waves))
    return directory


@pytest.fixture(scope="module")
def built(codebook_dir, processed, tmp_path_factory):
    """Every chapter of report.yml and the factsheet of Aalsmeer run by helpers.publish.runner on `processed`, as
    make runs them, then published."""
    from helpers.publish import runner

    root = tmp_path_factory.mktemp("report2024change")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV, str(codebook_dir))  # papermill's kernels and the publish process inherit it
        for notebook in _chapter_notebooks():
            runner.run(notebook, YEAR, root, extra_parameters={"processed_dir": str(processed)})
        runner.run(NOTEBOOKS / "factsheet.ipynb", YEAR, root, parts=False, fragment=False,
                   out=root / "factsheet" / "factsheet.ipynb", html=Path("factsheet") / "factsheet.html",
                   extra_parameters={"processed_dir": str(processed), "municipality": "GM0358"})  # Aalsmeer
        done = subprocess.run([sys.executable, "-m", "helpers.publish.assemble", "--year", str(YEAR), "--root",
                               str(root), "--report-yml", str(REPORT_YML)], capture_output=True, text=True,
                              env=os.environ.copy())
    assert done.returncode == 0, done.stderr[-3000:]
    return root


def _text(path: Path) -> str:
    """The reader's text of an HTML page: tags, images and styles out, entities resolved, spaces collapsed."""
    import html

    page = re.sub(r"<(style|script)\b.*?</\1>|<img[^>]*>", "", path.read_text(encoding="utf-8"), flags=re.S)
    page = re.sub(r"<(br|p|li|tr|h\d|div|figcaption|summary)\b[^>]*>", "\n", page)
    return re.sub(r"[ \t\xa0]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _chapter(built: Path, stem: str) -> str:
    return _text(built / "reports" / str(YEAR) / f"{stem}.html")


def _cijfers(built: Path) -> pd.DataFrame:
    return pd.read_csv(built / "reports" / str(YEAR) / "cijfers.csv", dtype=str, keep_default_na=False)


@needs_reference
def test_a_new_item_is_shown_marked_and_not_compared(built):
    chapter = _chapter(built, "03_inhoud")
    assert re.search(r"\d+\. Financiële middelen \(nieuw in 2024\) +\d+ %", chapter)  # the row of the table
    assert "‘Financiële middelen’ is nieuw in 2024: in 2023 niet gevraagd, dus zonder vergelijking met 2023." in chapter
    assert "Alle knelpunten worden ongeveer even vaak genoemd" not in chapter
    comparisons = [line for line in chapter.splitlines() if "vorig jaar" in line or "vorige peiling" in line]
    assert comparisons and not any(re.search(r"financiële middelen[^’]*’ \(\d+ % nu versus", line, re.I)
                                   for line in comparisons)
    summary = _chapter(built, "06_samenvatting")
    assert not re.search(r"financiële middelen \(\d+ %, tegen", summary, re.I)
    cijfers = _cijfers(built)
    rows = cijfers[(cijfers["question"] == "obstacles") & (cijfers["item"] == "financiele_middelen")]
    assert len(rows) and set(rows["table"]).isdisjoint({"tekst_samenvatting"})
    knelpunten = json.loads((built / "build" / str(YEAR) / "parts" / "03_inhoud" / "manifest.json").read_text())
    vaker = knelpunten["key_figures"]["knelpunten_vaker_dan_vorig"]
    assert "financiele_middelen" not in vaker["items"]


@needs_reference
def test_a_new_option_is_shown_marked_and_left_out_of_the_earlier_wave(built):
    chapter = _chapter(built, "04_ondersteuning")
    assert "‘Webinars en e-learning’ is nieuw in 2024: in 2023 niet gevraagd" in chapter
    assert re.search(r"Webinars en e-learning \(nieuw in 2024\) +2024 +\d+ +\d+ +\d+ %", chapter)
    assert not re.search(r"Webinars en e-learning[^\n]* 2023 +\d+ +\d+ +\d+ %", chapter)  # no 2023 bar or row


@needs_reference
def test_a_dropped_item_is_left_out_with_a_note_and_2023_is_unchanged(built, processed, cb):
    chapter = _chapter(built, "03_inhoud")
    assert "‘Toegankelijkheid van cultuur’ is in 2024 niet gevraagd (in 2023 wel)" in chapter
    assert "over negen domeinen" in chapter
    figure = chapter[chapter.index("Gegevens bij figuur"):]
    assert "Toegankelijkheid van cultuur" not in figure[:figure.index("Tabel bij") if "Tabel bij" in figure else None]
    cijfers = _cijfers(built)
    assert cijfers[(cijfers["question"] == "domains") & (cijfers["item"] == "cultuur")].empty
    # 2023 as the codebook with the additions reads it: every table as before, no row for what 2023 did not ask.
    responses, answers, _ = read_processed(2023, processed)
    with_additions = tables.matrix_table(responses, answers, "obstacles", "groot_of_zeer_groot", cb=cb)
    as_before = tables.matrix_table(responses, answers, "obstacles", "groot_of_zeer_groot", cb=project_codebook())
    pd.testing.assert_frame_equal(with_additions, as_before)
    assert "financiele_middelen" not in set(with_additions["item"])


@needs_reference
def test_a_relabelled_answer_shows_this_waves_label(built):
    chapter = _chapter(built, "02_reikwijdte_fase")
    assert "De Lokale Inclusie Agenda is vastgesteld door de gemeenteraad." in chapter
    assert "De Lokale Inclusie Agenda is gereed, besproken in College B&W" not in chapter


@needs_reference
def test_a_question_asked_for_the_first_time_has_no_year_on_year_claim(built, cb):
    text = cb.question("toegankelijkheidstoets").text
    for notebook in _chapter_notebooks():
        chapter = _chapter(built, notebook.stem)
        for line in chapter.splitlines():
            if "toegankelijkheid" in line.lower() and ("toetsen" in line.lower() or text in line):
                assert not re.search(r"vorig jaar|in 2023|dan in|ten opzichte van", line), (notebook.stem, line)
    factsheet = _text(built / "factsheet" / "factsheet.html")
    assert text in factsheet


@needs_reference
def test_a_question_no_longer_asked_gets_the_one_line_note(built):
    chapter = _chapter(built, "03_inhoud")
    assert "is in 2024 niet gesteld" in chapter and "In hoeverre zet uw gemeente" in chapter
    items = [item["id"] for path in (built / "build" / str(YEAR) / "parts").glob("*/manifest.json")
             for item in json.loads(path.read_text(encoding="utf-8"))["items"]]
    assert "vng_onderwerpen" not in items and "knelpunten" in items and "vorm" in items


@needs_reference
def test_trends_panel_and_weighting_use_what_both_waves_asked(built):
    cijfers = _cijfers(built)
    trend_items = set(cijfers.loc[cijfers["table"].str.contains("T"), "item"])
    assert "financiele_middelen" not in trend_items and "cultuur" not in trend_items
    parts = built / "build" / str(YEAR) / "parts"
    for chapter in ("02_reikwijdte_fase", "03_inhoud", "04_ondersteuning"):
        manifest = json.loads((parts / chapter / "manifest.json").read_text(encoding="utf-8"))
        assert any(item["series"] for item in manifest["items"]), chapter  # trends / weighting are there


@needs_reference
def test_the_factsheet_shows_what_2024_asked(built):
    factsheet = _text(built / "factsheet" / "factsheet.html")
    assert "Financiële middelen (nieuw in 2024)" in factsheet and "Webinars en e-learning (nieuw in 2024)" in factsheet
    assert "Toegankelijkheid van cultuur" not in factsheet


# --------------------------------------------------------------------------------------------------------------------
# (d) A failing chapter says why


@needs_reference
def test_a_failing_chapter_names_chapter_section_item_and_cause(processed, codebook_dir, tmp_path):
    """A cell that asks the 2023 value of the new item (the mistake of a hand-made comparison) stops the chapter with
    the chapter, the section, the item and the cause; the failed notebook is kept."""
    from helpers.publish import runner

    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    path = tmp_path / "notebooks" / "03_inhoud.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code" and "knelpunten_gesteld :=" in c.source)
    cell.source += "\nch.group_share(\"obstacles\", \"groot_of_zeer_groot\", item=\"financiele_middelen\", year=2023)"
    nbformat.write(notebook, path)
    with pytest.MonkeyPatch.context() as patch, pytest.raises(runner.NotebookFailed) as failed:
        patch.setenv(ENV, str(codebook_dir))
        runner.run(path, YEAR, tmp_path, fragment=False, extra_parameters={"processed_dir": str(processed)})
    message = str(failed.value)
    assert "03_inhoud.ipynb failed for 2024 in section '3.5 Knelpunten'" in message
    assert "item financiele_middelen of question obstacles has no value for 2023: not asked that year" in message
    assert (tmp_path / "build" / str(YEAR) / "notebooks" / "03_inhoud.failed.ipynb").is_file()
