"""The outline (helpers.report.outline): the one strict parser of notebooks/report.yml, its make include, and the
declared key figures that ch.finish() checks."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT
from helpers.report import outline as ol
from helpers.report.chapter import Chapter

REPORT_YML = REPO_ROOT / "notebooks" / "report.yml"
FIXTURE = Path(__file__).parent / "fixtures" / "processed"
CHAPTER = "chapters:\n  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A}\n"


@pytest.fixture(scope="module")
def outline() -> ol.Outline:
    return ol.load_outline()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.yml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------------------------
# Parts


def test_the_parts_of_report_yml_and_their_kinds(outline):
    kinds = {c.slug: c.kind for c in outline.chapters}
    assert kinds["samenvatting"] == "summary" and kinds["bijlage_a"] == "appendix"
    assert all(kinds[c.slug] == "chapter" for c in outline.chapters if c.number is not None)
    # every notebook the outline lists exists
    assert all((REPORT_YML.parent / c.notebook).is_file() for c in outline.chapters)


@pytest.mark.parametrize(("chapters", "message"), [
    ("  - {slug: a, number: null, notebook: 01_a.ipynb, title: A}\n", "a chapter has a number"),
    ("  - {slug: a, kind: summary, number: 1, notebook: 01_a.ipynb, title: A}\n", "a chapter has a number"),
    ("  - {slug: a, kind: bijlage, number: null, notebook: 01_a.ipynb, title: A}\n", "kind must be one of"),
    ("  - {slug: a, number: 1, notebook: 01_a.ipynb}\n", r"lacks \['title'\]"),
    ("  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A, file: x}\n", r"unknown keys \['file'\]"),
    ("  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A}\n  - {slug: a, number: 2, notebook: 02_b.ipynb, "
     "title: B}\n", "chapter slug listed twice: a"),
    ("  - {slug: a, number: een, notebook: 01_a.ipynb, title: A}\n", "number must be a whole number"),
])
def test_a_wrong_part_is_an_error_naming_it(tmp_path, chapters, message):
    with pytest.raises(ol.OutlineError, match=message):
        ol.load_outline(_write(tmp_path, "chapters:\n" + chapters))


def test_unknown_top_level_keys_and_a_missing_file(tmp_path):
    with pytest.raises(ol.OutlineError, match=r"unknown keys \['parts'\]"):
        ol.load_outline(_write(tmp_path, CHAPTER + "parts: []\n"))
    with pytest.raises(ol.OutlineError, match="not found"):
        ol.load_outline(tmp_path / "nowhere.yml")


def test_make_include_lists_the_notebooks_in_name_order(outline):
    text = ol.make_include(outline)
    variables = dict(line.split(" := ") for line in text.splitlines() if " := " in line)
    stems = sorted(Path(c.notebook).stem for c in outline.chapters)
    assert variables["CHAPTERS"].split() == stems
    assert variables["SUMMARY"] == "06_samenvatting"
    chapters = sorted(Path(c.notebook).stem for c in outline.chapters if c.kind == "chapter")  # not the appendices
    assert variables["SUMMARY_SOURCES"].split() == chapters


def test_the_module_prints_the_include_and_fails_on_a_bad_outline(tmp_path):
    done = subprocess.run([sys.executable, "-m", "helpers.report.outline", "--make", str(REPORT_YML)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "CHAPTERS := 01_achtergrond" in done.stdout
    bad = _write(tmp_path, "chapters:\n  - {slug: a, number: 1, notebook: 01_a.ipynb}\n")
    done = subprocess.run([sys.executable, "-m", "helpers.report.outline", "--make", str(bad)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 1 and done.stdout == "" and "lacks ['title']" in done.stderr


def test_the_makefile_asks_the_parser_not_grep():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "helpers.report.outline --make" in makefile and "grep -o" not in makefile


# --------------------------------------------------------------------------------------------------------------------
# Key figures


def test_key_figures_and_families_are_found_by_name(outline):
    assert outline.key_figure("lia_uitgevoerd").type == "percentage"
    assert outline.key_figure("gewogen_lia_verkennend").name == "gewogen_<indicator>"
    assert outline.key_figure("lia_uitgevoerd_2022").name == "lia_uitgevoerd_<wave>"
    assert outline.key_figure("functie_beleid").name == "functie_beleid"  # its own declaration before the family's
    with pytest.raises(KeyError, match="not declared"):
        outline.key_figure("lia_uitgevoerd_vorig")  # <wave> is a year
    with pytest.raises(KeyError, match="not declared"):
        outline.key_figure("lia_uitgevoerd_22")


@pytest.mark.parametrize(("entry", "message"), [
    ("{name: x, type: procent, chapter: 1, description: X}", "type must be one of"),
    ("{name: x, type: count, chapter: 9, description: X}", "chapter 9 is not in the chapters list"),
    ("{name: x, type: count, chapter: 1}", "give a one-line description"),
    ("{name: X-y, type: count, chapter: 1, description: X}", "name must be lower case"),
    ("{name: x_<a>_<b>, type: count, chapter: 1, description: X}", "at most one <placeholder>"),
    ("{name: x, type: count, chapter: 1, description: X, requires: [nope]}", "unknown question 'nope'"),
    ("{name: x, type: count, chapter: 1, description: X, unit: n}", r"unknown keys \['unit'\]"),
])
def test_a_wrong_key_figure_declaration_is_an_error(tmp_path, entry, message):
    with pytest.raises(ol.OutlineError, match=message):
        ol.load_outline(_write(tmp_path, CHAPTER + f"key_figures:\n  - {entry}\n"))


def test_key_figure_problems(outline):
    # a complete chapter 5 of 2023 is fine; None is allowed for any type
    assert outline.key_figure_problems(5, 2023, {"aanvullingen_n": 3, "aanvullingen_themas": None}) == []
    problems = outline.key_figure_problems(5, 2023, {"aanvullingen_n": 3.5, "aanvullingen_thema": {}})
    assert any("'aanvullingen_n' is declared as count" in p and "got float 3.5" in p for p in problems)
    assert any("'aanvullingen_thema' is not declared" in p for p in problems)
    assert any("'aanvullingen_themas'" in p and "was not registered although 2023 asked additions" in p
               for p in problems)
    # a figure of another chapter
    assert any("belongs to achtergrond" in p for p in outline.key_figure_problems(5, 2023, {"deelnemers": 1}))


def test_a_left_out_figure_is_fine_only_where_the_wave_did_not_ask(outline):
    chapter_3_2021 = {spec.name: None for spec in outline.key_figures_of(3) if not spec.is_pattern}
    del chapter_3_2021["niet_samenwerken_pct"]  # needs vng_topics: first asked in 2022
    assert outline.key_figure_problems(3, 2021, chapter_3_2021) == []
    assert any("'niet_samenwerken_pct'" in p for p in outline.key_figure_problems(3, 2022, chapter_3_2021))
    # min_waves: the first wave has nothing to compare with; the trend needs three waves asking
    chapter_1 = {spec.name: 1 for spec in outline.key_figures_of(1)
                 if not spec.is_pattern and spec.name != "deelnemers_vorige_meting" and not spec.requires}
    assert outline.key_figure_problems(1, 2018, chapter_1) == []
    assert any("'deelnemers_vorige_meting'" in p for p in outline.key_figure_problems(1, 2019, chapter_1))


def test_every_stored_manifest_matches_the_declarations(outline):
    # The key figures the chapters of each built wave registered (build/<year>/parts), when there is a build.
    manifests = sorted((REPO_ROOT / "build").glob("*/parts/*/manifest.json"))
    if not manifests:
        pytest.skip("no built parts (make report)")
    for path in manifests:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        figures = {name: figure["value"] for name, figure in manifest["key_figures"].items()}
        assert outline.key_figure_problems(manifest["slug"], manifest["year"], figures) == [], path


def test_finish_fails_in_the_chapter_naming_the_figure(tmp_path, outline):
    declared = dataclasses.replace(outline, key_figures=tuple(
        s for s in outline.key_figures if s.name in ("breed_inclusiebeleid", "alle_beperkingen")))
    ch = Chapter(chapter=2, year=2023, processed_dir=FIXTURE, parts_dir=tmp_path, show=False, outline=declared)
    ch.number("breed_inclusiebeleid", 12.5, text="13 %")
    ch.number("breed_beleid", 12.5)  # a misspelt name
    with pytest.raises(ValueError) as error:
        ch.finish()
    message = str(error.value)
    assert message.startswith("2 Reikwijdte en fase lokaal inclusiebeleid (02_reikwijdte_fase.ipynb, 2023)")
    assert "'breed_beleid' is not declared" in message
    assert "'alle_beperkingen'" in message and "ch.number('alle_beperkingen', ...)" in message
    assert not (tmp_path / "manifest.json").exists()  # nothing written
    ch.key_figures.pop("breed_beleid")
    ch.number("alle_beperkingen", None)
    ch.finish()
    assert (tmp_path / "manifest.json").is_file()
