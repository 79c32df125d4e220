"""The codebook check (`make codebook`): what an edit to questions.yml does to every wave, refused where an earlier
wave's export no longer fits. Each test edits a copy of data/codebook the way a researcher would and compares it
with the unedited copy; the exports are the stand-in's in data/raw (read, never written)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

import helpers
from helpers.data import codebook_check
from helpers.data.codebook import load_codebook

SOURCE = helpers.DATA_DIR / "codebook"
EXPORTS = sorted((helpers.RAW_DIR / "survey").glob("flitspeiling_20*.*"))
needs_exports = pytest.mark.skipif(len(EXPORTS) < 6, reason="no stand-in exports in data/raw/survey (make synthetic)")


@pytest.fixture
def edited(tmp_path) -> Path:
    directory = tmp_path / "codebook"
    shutil.copytree(SOURCE, directory)
    return directory


def _edit(directory: Path, old: str, new: str, name: str = "questions.yml") -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _check(directory: Path) -> codebook_check.CheckResult:
    return codebook_check.check(load_codebook(directory), load_codebook(SOURCE), helpers.RAW_DIR)


def _by_year(result: codebook_check.CheckResult) -> dict[int, codebook_check.WaveChange]:
    return {change.year: change for change in result.changes}


NEW_ITEM = ("      - {code: ander, label: Ander knelpunt, other_text: true, in_table: false}\n",
            "      - {code: ander, label: Ander knelpunt, other_text: true, in_table: false}\n"
            "      - {code: financiele_middelen, label: Financiële middelen}\n")


def test_an_unchanged_codebook_changes_no_wave_and_reads_no_export():
    result = codebook_check.check(load_codebook(SOURCE), load_codebook(SOURCE), helpers.RAW_DIR)
    assert all(change.unchanged for change in result.changes) and len(result.changes) >= 6
    assert result.ok and result.exports_read == []


def test_a_new_item_changes_no_earlier_wave(edited):
    _edit(edited, *NEW_ITEM)
    result = _check(edited)
    assert result.ok and all(change.unchanged for change in result.changes)
    added = codebook_check.question_changes(load_codebook(SOURCE), load_codebook(edited))
    assert added == ["  + item obstacles.financiele_middelen ('Financiële middelen'), asked in: no wave yet (list it "
                     "in the new wave's file)"]


def test_a_new_item_listed_in_a_wave_is_that_wave_only(edited):
    _edit(edited, *NEW_ITEM)
    _edit(edited, "ervaringsdeskundigen, onduidelijkheid, kennis, onuitvoerbaarheid, regelgeving, draagvlak, ander]",
          "ervaringsdeskundigen, onduidelijkheid, kennis, onuitvoerbaarheid, regelgeving, draagvlak, ander, "
          "financiele_middelen]", "waves/2023.yml")
    by_year = _by_year(codebook_check.check(load_codebook(edited), load_codebook(SOURCE), helpers.RAW_DIR))
    assert [year for year, change in by_year.items() if not change.unchanged] == [2023]
    assert [(c.question, c.item) for c in by_year[2023].columns_added] == [("obstacles", "financiele_middelen")]
    lines = codebook_check.report_lines(codebook_check.CheckResult(list(by_year.values())), "HEAD")
    assert "    + expects obstacles.financiele_middelen (answer, column 'G03Q05[SQ010]')" in lines


@needs_exports
def test_a_new_comment_box_is_refused_for_the_waves_whose_export_lacks_it(edited):
    _edit(edited, "    text: Welke resultaten kunt u melden van de uitvoering van de Lokale Inclusie Agenda?\n",
          "    text: Welke resultaten kunt u melden van de uitvoering van de Lokale Inclusie Agenda?\n"
          "    comment: true\n")
    result = _check(edited)
    changed = [year for year, change in _by_year(result).items() if not change.unchanged]
    assert changed == load_codebook(SOURCE).waves_asking("lia_results")
    assert not result.ok and len(result.problems) == len(changed)
    assert all("set `comment: false` under lia_results in data/codebook/waves/" in p for p in result.problems)
    assert result.problems[0].startswith(f"{changed[0]}: the codebook change makes {changed[0]} expect lia_results")


@needs_exports
def test_a_reworded_question_renames_the_columns_of_text_exports(edited):
    old = "aandacht voor de volgende domeinen?\n"
    _edit(edited, old, "aandacht voor deze domeinen?\n")
    result = _check(edited)
    by_year = _by_year(result)
    text_waves = [y for y, w in load_codebook(SOURCE).waves.items() if not w.dialect_spec.question_codes]
    assert text_waves and [y for y, c in by_year.items() if not c.unchanged] == sorted(text_waves)
    first = by_year[text_waves[0]]
    assert len(first.columns_renamed) == len(load_codebook(SOURCE).wave(text_waves[0]).columns_for("domains"))
    assert not first.columns_added and not first.columns_removed
    assert len(result.problems) == len(text_waves)  # one per wave, not one per column
    assert "renames 11 column(s) of domains" in result.problems[0] and "`text:` under domains" in result.problems[0]


@needs_exports
def test_a_relabelled_answer_is_refused_where_an_export_still_writes_the_old_label(edited):
    _edit(edited, "{code: klein, label: Klein knelpunt}", "{code: klein, label: Een klein knelpunt}")
    result = _check(edited)
    changed = {y: c for y, c in _by_year(result).items() if not c.unchanged}
    assert changed and all(not load_codebook(SOURCE).wave(y).dialect_spec.coded_answers for y in changed)
    assert {raw for c in changed.values() for _, raw in c.answers_removed} == {"Klein knelpunt"}
    assert len(result.problems) == len(changed)
    assert "writes 'Klein knelpunt' for obstacles" in result.problems[0] and "`relabel:`" in result.problems[0]


def test_a_new_wave_is_reported_as_new(edited):
    shutil.copyfile(edited / "waves" / "2023.yml", edited / "waves" / "2030.yml")
    _edit(edited, "wave: 2023", "wave: 2030", "waves/2030.yml")
    changes = _by_year(codebook_check.check(load_codebook(edited), load_codebook(SOURCE), edited / "no-raw"))
    assert changes[2030].new_wave and all(c.unchanged for y, c in changes.items() if y != 2030)


def test_the_command_compares_with_a_git_revision(tmp_path):
    """`make codebook` compares the working codebook with the committed one (a scratch repository here)."""
    repo = tmp_path / "repo"
    shutil.copytree(SOURCE, repo / "data" / "codebook")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "core.hooksPath=/dev/null"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "codebook"], check=True)
    _edit(repo / "data" / "codebook", *NEW_ITEM)
    out = io.StringIO()
    code = codebook_check.main(["--codebook-dir", str(repo / "data" / "codebook"), "--raw-dir", str(tmp_path)], out)
    printed = out.getvalue()
    assert code == 0, printed
    assert "Compared with the codebook of HEAD:" in printed and "+ item obstacles.financiele_middelen" in printed
    assert "  2018: unchanged" in printed and "  2023: unchanged" in printed
    out = io.StringIO()
    assert codebook_check.main(["--codebook-dir", str(tmp_path), "--raw-dir", str(tmp_path)], out) == 1
    assert "codebook error" in out.getvalue()
