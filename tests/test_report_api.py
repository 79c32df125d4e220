"""The chapter API (helpers.report.chapter): the outline and its numbering, the parts contract, notices, the stored chapter
notebooks, and a papermill run of chapters 1 and 2 on the small processed fixture (tests/fixtures/processed)."""

import ast
import dataclasses
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

from helpers.analysis import tables
from helpers.report import figures, text
from helpers.report.chapter import CIJFERS_COLUMNS, MANIFEST_ITEM_KEYS, Chapter
from helpers.report.outline import OutlineError, load_outline

ROOT = Path(__file__).parents[1]
NOTEBOOKS = ROOT / "notebooks"
FIXTURE = Path(__file__).parent / "fixtures" / "processed"
CHAPTER_NOTEBOOKS = ["01_achtergrond.ipynb", "02_reikwijdte_fase.ipynb"]

# Bijlage B of the 2023 report, in order.
FIGURES_2023 = [
    ("respons", "Aantal deelnemende gemeenten 2018-2023"),
    ("representativiteit", "Representativiteit deelnemende gemeenten in relatie tot aantal inwoners (procentueel)"),
    ("breedte", "Breedte inclusiebeleid"),
    ("lia_fase", "Stand van zaken Lokale Inclusie Agenda (LIA) (procentueel)"),
    ("lia_grootte", "Uitvoering LIA naar grootte gemeente"),
    ("domeinen", "Domeinen waar gemeenten heel veel of veel aandacht voor hebben"),
    ("bekendheid", "Bekend met ondersteuning vanuit VNG-project ‘Iedereen doet mee!’"),
    ("procesmatig", "Behoefte aan procesmatige ondersteuning"),
    ("vorm", "Voorkeur ondersteuningsvorm"),
]
TABLES_2023 = [
    ("vng_onderwerpen", "Onderwerpen waar de VNG extra aandacht voor vraagt waar gemeenten veel of heel veel aandacht "
                        "voor hebben"),
    ("partners_betrokken", "Zeer veel of veel betrokken partijen"),
    ("partners_niet", "Niet betrokken partijen"),
    ("knelpunten", "Grote en zeer grote knelpunten bij uitvoering VN-verdrag Handicap"),
    ("inhoudelijk", "Behoefte aan inhoudelijke ondersteuning"),
]


@pytest.fixture(scope="module")
def outline():
    return load_outline()


# --------------------------------------------------------------------------------------------------------------------
# Outline and numbering


def test_outline_has_the_titles_and_order_of_bijlage_b(outline):
    for kind, expected in (("figuur", FIGURES_2023), ("tabel", TABLES_2023)):
        items = [(i.id, i.title) for i in outline.items if i.kind == kind and not i.series]
        assert items == expected
        assert [outline.number(item_id, 2023) for item_id, _ in items] == list(range(1, len(items) + 1))


def test_chapters_in_the_order_of_the_combined_report(outline):
    assert [c.slug for c in outline.chapters][0] == "samenvatting"
    appendices = [c.notebook for c in outline.chapters if c.kind == "appendix"]
    assert appendices[0] == "07_bijlage_a.ipynb" and outline.chapters[-len(appendices):][0].kind == "appendix"
    assert "08_leeswijzer.ipynb" in appendices  # Bijlage D Leeswijzer en methoden
    assert [c.heading for c in outline.chapters if c.number] == [
        "1 Achtergrond", "2 Reikwijdte en fase lokaal inclusiebeleid", "3 Inhoud lokaal inclusiebeleid",
        "4 Ondersteuning", "5 Aanvullingen door de gemeenten"]
    assert outline.chapter(2).stem == "02_reikwijdte_fase"
    assert outline.chapter("bijlage_a").stem == "07_bijlage_a"


def test_2018_renumbers_the_tables(outline):
    numbers = {i.id: outline.number(i.id, 2018) for i in outline.items}
    assert numbers["vng_onderwerpen"] is None  # the VNG topics were first asked in 2022
    assert [numbers[t] for t in ("partners_betrokken", "partners_niet", "knelpunten", "inhoudelijk")] == [1, 2, 3, 4]
    assert numbers["bekendheid"] is None  # "Iedereen doet mee!" from 2020
    assert (numbers["procesmatig"], numbers["vorm"]) == (7, 8)
    assert outline.number("bekendheid", 2020) == 7 and outline.number("vng_onderwerpen", 2020) is None
    assert outline.number("vng_onderwerpen", 2022) == 1
    bijlage_b = outline.numbering(2018)
    assert bijlage_b.loc[bijlage_b["series"] == "", "number"].isna().sum() == 2
    # The trend items need three waves (`min_waves: 3`): none in 2018 and 2019, numbered from 2020 on.
    trend_items = [i.id for i in outline.items if i.min_waves >= 3]
    assert trend_items and all(outline.number(t, 2018) is None and outline.number(t, 2019) is None
                               for t in trend_items)
    assert all(outline.number(t, 2020) is not None for t in trend_items)


def test_min_waves_is_checked(tmp_path):
    path = tmp_path / "report.yml"
    path.write_text("chapters:\n  - {slug: a, number: 2, notebook: 02_a.ipynb, title: A}\n"
                    "items:\n  - {id: t, kind: tabel, chapter: 2, title: T, requires: [lia_phase], min_waves: drie}\n",
                    encoding="utf-8")
    with pytest.raises(OutlineError, match="item 't': min_waves must be a whole number"):
        load_outline(path)


def test_an_item_on_the_previous_wave_is_left_out_of_the_first_wave(outline, tmp_path):
    # The panel compares with the wave before (`min_waves: 2`): 2018, the first flitspeiling, has no panel figure or
    # table. 2019 has no trend items (three waves needed), so the panel items are T1 there.
    assert outline.number("panel_overgangen", 2018) is None and outline.number("panel_decompositie", 2018) is None
    assert outline.code("panel_overgangen", 2019) == "T1" and outline.code("panel_decompositie", 2019) == "T1"
    assert outline.code("gewogen_h2", 2018) == "T1" and outline.code("gewogen_h2", 2019) == "T2"
    path = tmp_path / "report.yml"
    path.write_text("chapters:\n  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A}\n"
                    "items:\n  - {id: p, kind: figuur, chapter: 1, title: P, requires: [vng_topics], "
                    "min_waves: 2}\n", encoding="utf-8")
    small = load_outline(path)
    assert small.number("p", 2021) is None  # vng_topics was first asked in 2022
    assert small.number("p", 2022) is None  # asked, but no earlier wave asked it
    assert small.number("p", 2023) == 1


def test_a_series_numbers_its_items_apart(tmp_path):
    path = tmp_path / "report.yml"
    path.write_text("chapters:\n  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A}\n"
                    "items:\n  - {id: x, kind: figuur, chapter: 1, title: X}\n"
                    "  - {id: t, kind: figuur, chapter: 1, title: T, series: T}\n"
                    "  - {id: y, kind: figuur, chapter: 1, title: Y}\n"
                    "  - {id: u, kind: tabel, chapter: 1, title: U, series: T}\n", encoding="utf-8")
    outline = load_outline(path)
    assert [outline.code(i, 2023) for i in ("x", "t", "y", "u")] == ["1", "T1", "2", "T1"]
    assert list(outline.numbering(2023)["code"]) == ["1", "T1", "2", "T1"]
    path.write_text(path.read_text(encoding="utf-8").replace("series: T}\n  - {id: y", "series: trend}\n  - {id: y"),
                    encoding="utf-8")
    with pytest.raises(OutlineError, match="series must be one capital letter"):
        load_outline(path)


def test_titles_follow_the_wave(outline):
    assert outline.title_for("respons", 2023) == "Aantal deelnemende gemeenten 2018-2023"
    assert outline.title_for("respons", 2022) == "Aantal deelnemende gemeenten 2018-2022"
    assert outline.title_for("respons", 2018) == "Aantal deelnemende gemeenten 2018"
    assert outline.title_for("breedte", 2018) == "Breedte inclusiebeleid"


def test_outline_errors_name_the_entry(tmp_path):
    bad = tmp_path / "report.yml"
    bad.write_text("chapters:\n  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A}\n"
                   "items:\n  - {id: x, kind: figuur, chapter: 1, title: X, requires: [no_such_question]}\n",
                   encoding="utf-8")
    with pytest.raises(OutlineError, match="item 'x': unknown question 'no_such_question'"):
        load_outline(bad)
    bad.write_text("chapters:\n  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A}\n"
                   "items:\n  - {id: x, kind: grafiek, chapter: 1, title: X}\n", encoding="utf-8")
    with pytest.raises(OutlineError, match="kind must be one of"):
        load_outline(bad)


# --------------------------------------------------------------------------------------------------------------------
# The parts contract


def _declaring(*names: str):
    """The outline of notebooks/report.yml with only these key figures declared: for a test chapter that registers
    just a few (ch.finish() fails on a declared figure left out although the wave asked its question)."""
    real = load_outline()
    return dataclasses.replace(real, key_figures=tuple(s for s in real.key_figures if s.name in names))


def _chapter_two(parts_dir, year=2023, processed_dir=FIXTURE):
    ch = Chapter(chapter=2, year=year, processed_dir=processed_dir, parts_dir=parts_dir, show=False,
                 outline=_declaring("breed_inclusiebeleid"))
    data = ch.distribution("policy_breadth", populations=("alle", "klein"))
    # klein has 2 units: suppressed by the disclosure rule, so the figure is drawn from the protected data
    ch.figure("breedte", lambda shown: figures.bar_shares(shown[shown["group"] == "alle"]), data=data,
              alt="Staafdiagram")
    cross = ch.crosstab("lia_phase")
    ch.figure("lia_grootte", figures.stacked_shares(cross), data=cross, alt="Gestapeld", caution=False)
    ch.number("breed_inclusiebeleid", 12.5, text="13 %", question="policy_breadth")
    ch.finish()
    return ch


def test_parts_manifest_schema(tmp_path):
    ch = _chapter_two(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) == {"chapter", "slug", "title", "year", "synthetic", "items", "key_figures", "claims"}
    assert manifest["claims"] == []  # nothing said about a change yet
    phrase = ch.compared_phrase("breed_inclusiebeleid", "gemeenten met een breed inclusiebeleid", (8, 10), (2, 10), 2022)
    (claim,) = ch.claims  # the wording and its claim come from the same test
    assert claim["sentence"] == phrase and claim["period"] == [2022, 2023] and claim["kind"] == "jaar"
    assert claim["significant"] == (text.compare((8, 10), (2, 10)) != text.EQUAL) and claim["direction"] == "hoger"
    assert claim["chapter"] == ch.spec.heading and claim["subject"] == "het aandeel gemeenten met een breed inclusiebeleid"
    assert (manifest["chapter"], manifest["slug"], manifest["year"], manifest["synthetic"]) == (
        2, "reikwijdte_fase", 2023, True)
    assert manifest["title"] == "Reikwijdte en fase lokaal inclusiebeleid"
    assert [tuple(item) for item in manifest["items"]] == [tuple(sorted(MANIFEST_ITEM_KEYS))] * 2
    first, second = manifest["items"]
    assert (first["id"], first["kind"], first["number"], first["csv"]) == ("breedte", "figuur", 3,
                                                                           "tables/figuur_3.csv")
    assert first["title"] == "Breedte inclusiebeleid" and first["base"] == 10 and first["alt"] == "Staafdiagram"
    assert first["question"] == ch.question_text("policy_breadth")
    assert second["number"] == 5 and second["base"] == 8  # units with a known size class
    assert manifest["key_figures"] == {"breed_inclusiebeleid": {"value": 12.5, "text": "13 %",
                                                                "question": "policy_breadth"}}
    for item in manifest["items"]:
        full = pd.read_csv(tmp_path / item["csv"])
        assert {"n", "count", "pct"} <= set(full.columns)


def test_parts_cijfers_columns_rounding_and_order(tmp_path):
    _chapter_two(tmp_path)
    raw = (tmp_path / "cijfers.csv").read_bytes()
    assert b"\r\n" not in raw
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == ",".join(CIJFERS_COLUMNS)
    cijfers = pd.read_csv(tmp_path / "cijfers.csv", dtype={"item": str, "answer": str}, keep_default_na=False,
                          na_values={"pct": [""], "n": [""], "count": [""]})
    assert set(cijfers["table"]) == {"figuur_3", "figuur_5", "tekst_reikwijdte_fase"}
    # A number in the text (a key figure) is a cijfers row too, rounded as it is shown.
    text_row = cijfers[cijfers["table"] == "tekst_reikwijdte_fase"].iloc[0]
    assert (text_row["item"], text_row["group"], text_row["pct"], text_row["question"]) == (
        "breed_inclusiebeleid", "alle", 13, "policy_breadth")
    breedte = cijfers[cijfers["table"] == "figuur_3"].set_index(["answer", "group"])
    assert breedte.at[("fysiek_zintuiglijk", "alle"), "pct"] == 40
    assert breedte.at[("fysiek_zintuiglijk", "alle"), "n"] == 10
    # 2 small municipalities: fewer than 5, so suppressed (helpers.analysis.disclosure): the base stays, the count goes
    assert breedte.at[("fysiek_zintuiglijk", "klein"), "n"] == 2
    assert pd.isna(breedte.at[("fysiek_zintuiglijk", "klein"), "count"])
    assert set(breedte["question"]) == {"policy_breadth"}
    lia = cijfers[cijfers["table"] == "figuur_5"].set_index(["answer", "group"])
    # every size class of the fixture has fewer than 5 units: merged into one block by the disclosure rule
    assert lia.at[("gereed", "lt10k+10k_25k+25k_50k+50k_100k+ge100k"), "pct"] == 50
    shown = cijfers[cijfers["table"].str.startswith("figuur_")]
    keys = list(zip(shown["table"], shown["item"], shown["group"], shown["answer"], strict=True))
    assert keys == sorted(keys)
    assert list(cijfers["table"])[-1] == "tekst_reikwijdte_fase"  # text numbers after figures and tables


def test_parts_are_byte_identical_across_runs_and_stale_tables_go(tmp_path):
    _chapter_two(tmp_path / "a")
    _chapter_two(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert [str(f) for f in files] == ["cijfers.csv", "manifest.json", "tables/figuur_3.csv", "tables/figuur_5.csv"]
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes(), relative
    (tmp_path / "a" / "tables" / "figuur_9.csv").write_text("old\n", encoding="utf-8")
    _chapter_two(tmp_path / "a")
    assert not (tmp_path / "a" / "tables" / "figuur_9.csv").exists()


def test_half_up_rounding_in_cijfers(tmp_path):
    ch = Chapter(chapter=2, year=2023, processed_dir=FIXTURE, parts_dir=tmp_path, show=False, outline=_declaring())
    data = pd.DataFrame({"question": "policy_breadth", "item": "", "answer": ["a", "b"], "group": "alle", "n": 8,
                         "count": [1, 7], "pct": [12.5, 87.5]})
    ch.figure("breedte", figures.bar_shares(data.assign(answer_label=["A", "B"])), data=data, alt="x")
    ch.finish()
    cijfers = pd.read_csv(tmp_path / "cijfers.csv")
    assert cijfers["pct"].tolist() == [13, 88]


def test_not_asked_items_wrong_chapter_and_small_bases(tmp_path):
    ch = Chapter(chapter=3, year=2018, processed_dir=FIXTURE, parts_dir=tmp_path, show=False)
    assert not ch.shows("vng_onderwerpen") and ch.shows("partners_betrokken")
    ch.not_asked("vng_topics", item="vng_onderwerpen")
    kind, text = ch.shown[-1]
    assert kind == "not_asked" and "is in 2018 niet gesteld" in text and "De tabel ‘Onderwerpen waar" in text
    with pytest.raises(ValueError, match="not in the 2018 report"):
        ch.table("vng_onderwerpen", ch.matrix_table("partners", "zeer_veel_of_veel"))
    with pytest.raises(ValueError, match="belongs to chapter 2"):
        ch.figure("breedte", figures.bar_shares(ch.distribution("policy_breadth")),
                  data=ch.distribution("policy_breadth"), alt="x")
    ch.table("partners_betrokken", ch.matrix_table("partners", "zeer_veel_of_veel"), label_header="Partijen")
    kind, text = ch.shown[-1]
    assert kind == "tabel" and text.startswith("Tabel 1\nZeer veel of veel betrokken partijen")
    assert "Maar 2 kleine gemeenten hebben deze vraag ingevuld; de percentages moeten terughoudend worden " \
           "geïnterpreteerd." in text
    assert "Basis: alle gemeenten n = " in text


def test_notice_only_for_synthetic_data(tmp_path):
    ch = Chapter(chapter=1, year=2023, processed_dir=FIXTURE, parts_dir=tmp_path / "p", show=False)
    ch.notice()
    assert ch.shown[0][0] == "notice" and "synthetische" in ch.shown[0][1]
    real = tmp_path / "real"
    for year_dir in FIXTURE.iterdir():
        if year_dir.is_dir():
            shutil.copytree(year_dir, real / year_dir.name)
            quality = json.loads((real / year_dir.name / "quality.json").read_text(encoding="utf-8"))
            quality["provenance"]["synthetic"] = False
            (real / year_dir.name / "quality.json").write_text(json.dumps(quality), encoding="utf-8")
    ch = Chapter(chapter=1, year=2023, processed_dir=real, parts_dir=tmp_path / "q", show=False, outline=_declaring())
    ch.notice()
    ch.finish()
    assert ch.shown == []
    assert json.loads((tmp_path / "q" / "manifest.json").read_text(encoding="utf-8"))["synthetic"] is False


def test_default_parts_dir_and_threshold(tmp_path):
    ch = Chapter(chapter=1, year=2022, processed_dir=FIXTURE, small_threshold=50_000, show=False)
    # no parts_dir: a run outside the build, which writes where publishing never reads
    assert ch.interactive and ch.parts_dir == ROOT / "build" / "2022" / "interactive" / "01_achtergrond"
    # with a threshold of 50.000, the 25.000-50.000 municipalities count as klein too
    assert int(ch.responses["klein"].sum()) == int(tables.population_ids(ch.responses, "lt10k").size
                                                   + tables.population_ids(ch.responses, "10k_25k").size
                                                   + tables.population_ids(ch.responses, "25k_50k").size)
    assert ch.wave_wording("lia_phase", 2018)[0].startswith("In welke fase bevindt uw gemeente zich met het plan")


# --------------------------------------------------------------------------------------------------------------------
# The stored notebooks


@pytest.mark.parametrize("name", CHAPTER_NOTEBOOKS)
def test_notebooks_are_stored_clean_with_plain_parameters(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "flitspeiling"
    assert nb.metadata["kernelspec"]["display_name"] == "Python (flitspeiling)"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    assigned = {}
    for node in ast.parse(parameters[0].source).body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
        assigned[node.targets[0].id] = node.value.value
    assert assigned == {"year": 2023, "processed_dir": "../data/processed", "parts_dir": "",
                        "small_threshold": 25000}


@pytest.mark.parametrize("name", CHAPTER_NOTEBOOKS)
def test_no_number_typed_into_markdown(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    headings = [line for text in markdown for line in text.splitlines() if line.startswith("#")]
    assert len([h for h in headings if re.match(r"# ", h)]) == 1  # one h1 per chapter
    prose = [line for text in markdown for line in text.splitlines() if not line.startswith("#")]
    assert not [line for line in prose if re.search(r"\d", line)]


# --------------------------------------------------------------------------------------------------------------------
# Papermill on the fixture: both chapters in the newest wave, and chapter 2 in the first wave (no earlier wave to
# compare with, the LIA question still about a "plan van aanpak"). Chapter 1 in 2018 (the function of respondents not
# asked) is covered in-process by test_chapter_one_in_a_wave_without_the_function_question.

RUNS = [("01_achtergrond.ipynb", 2023), ("02_reikwijdte_fase.ipynb", 2023), ("02_reikwijdte_fase.ipynb", 2018)]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    if shutil.which("papermill", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("papermill is not installed in this environment")
    out = tmp_path_factory.mktemp("executed")
    processes = {}
    for name, year in RUNS:  # in parallel: each run starts its own kernel
        target = out / f"{Path(name).stem}_{year}.ipynb"
        command = [str(Path(sys.executable).parent / "papermill"), "--log-level", "WARNING", "--no-progress-bar",
                   "--cwd", str(NOTEBOOKS), "-k", "flitspeiling", "-p", "year", str(year),
                   "-p", "processed_dir", str(FIXTURE), "-p", "parts_dir", str(out / "parts" / str(year) / name),
                   str(NOTEBOOKS / name), str(target)]
        processes[(name, year)] = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                    env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}),
                                   target)
    results = {}
    for key, (process, target) in processes.items():
        log, _ = process.communicate(timeout=120)
        results[key] = (process.returncode, log.decode("utf-8", "replace"), target)
    return out, results


def _outputs(notebook: Path) -> list[dict]:
    nb = nbformat.read(notebook, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.parametrize(("name", "year"), RUNS)
def test_chapter_runs_and_writes_its_parts(executed, name, year):
    out, results = executed
    returncode, log, target = results[(name, year)]
    assert returncode == 0, log[-3000:]
    outputs = _outputs(target)
    assert not [o for o in outputs if o.output_type == "error"]
    # only rich displays: no stray Out[] values, no printed text, no warnings in the report
    assert all(o.output_type == "display_data" for o in outputs), [o.get("text", o.get("data")) for o in outputs
                                                                  if o.output_type != "display_data"]
    shown = "\n".join(o.data.get("text/html", o.data.get("text/markdown", "")) for o in outputs)
    assert "Let op: synthetische gegevens." in shown
    manifest = json.loads((out / "parts" / str(year) / name / "manifest.json").read_text(encoding="utf-8"))
    expected = {("01_achtergrond.ipynb", 2023): ["respons", "representativiteit"],
                # trends need three waves, the panel the previous wave: neither is in the first wave (2018)
                ("02_reikwijdte_fase.ipynb", 2023): ["breedte", "lia_fase", "lia_grootte", "trend_fase_figuur",
                                                     "panel_overgangen", "trend_fase_tabel", "panel_decompositie",
                                                     "gewogen_h2"],
                ("02_reikwijdte_fase.ipynb", 2018): ["breedte", "lia_fase", "lia_grootte", "gewogen_h2"]}[(name, year)]
    assert [item["id"] for item in manifest["items"]] == expected
    for item in manifest["items"]:
        code = f"{item['series']}{item['number']}"
        if item["kind"] == "tabel":
            assert f"<strong>Tabel {code}</strong>" in shown
            continue
        label = f"Figuur {code}"
        assert f"<strong>{label}</strong>" in shown and f'alt="{item["alt"]}"'.replace("<", "&lt;") in shown
        assert f"<summary>Tabel bij figuur {code.lower()}</summary>" in shown
        assert "Basis: n = " in shown or "Basis: " in shown
    if name == "02_reikwijdte_fase.ipynb" and year == 2018:
        assert "luidde de vraag: ‘In welke fase bevindt uw gemeente zich met het plan van aanpak" in shown
    if name == "01_achtergrond.ipynb" and year == 2023:
        assert "Verschillen met de gepubliceerde cijfers." in shown and "Bijlage A" in shown
    if name == "02_reikwijdte_fase.ipynb":
        # the fixture has fewer than 5 municipalities under 10.000: merged (disclosure rule), not described apart
        assert "Om hun antwoorden niet herkenbaar te maken, zijn ze in figuur 5 samengevoegd" in shown
        assert "Geen enkele gemeente met minder dan 10.000 inwoners" not in shown


def test_read_manifests_for_the_summary(tmp_path):
    from helpers.report.chapter import read_manifests

    _chapter_two(tmp_path / "02_reikwijdte_fase")
    manifests = read_manifests(2023, tmp_path)
    assert list(manifests) == ["reikwijdte_fase"]
    assert manifests["reikwijdte_fase"]["key_figures"]["breed_inclusiebeleid"]["text"] == "13 %"


def test_chapter_one_in_a_wave_without_the_function_question(tmp_path):
    """The cells of 01_achtergrond run in this process (displays off) for 2018: the question is left out with a note."""
    nb = nbformat.read(NOTEBOOKS / "01_achtergrond.ipynb", as_version=4)
    namespace = {}
    cwd = os.getcwd()
    os.chdir(NOTEBOOKS)
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = cell.source
            if "parameters" in cell.metadata.get("tags", []):
                source += f"\nyear = 2018\nprocessed_dir = {str(FIXTURE)!r}\nparts_dir = {str(tmp_path)!r}"
            source = source.replace("small_threshold=small_threshold)", "small_threshold=small_threshold, show=False)")
            exec(compile(source, "01_achtergrond", "exec"), namespace)
    finally:
        os.chdir(cwd)
    shown = namespace["ch"].shown
    assert ("not_asked", "Deze vraag (‘Wat is uw functie?’) is in 2018 niet gesteld.") in shown
    assert [kind for kind, _ in shown].count("figuur") == 2
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == 2018 and "functie_beantwoord" not in manifest["key_figures"]
    assert manifest["items"][0]["title"] == "Aantal deelnemende gemeenten 2018"
