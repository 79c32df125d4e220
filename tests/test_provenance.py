"""helpers.publish.provenance (the colophon of every report) and its rendering by helpers.publish.assemble, on small made-up trees.

A temporary repository layout holds everything a wave's build reads: data/raw (export, provenance.yml, reference set
with PROVENANCE.yml), data/codebook, data/published, notebooks (report.yml and the chapter notebooks), data/processed
(this wave, an earlier wave, the frames) and the executed notebooks of build/<year>/notebooks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import REPO_ROOT
from helpers.publish import provenance
from helpers.publish.provenance import (
    DIRTY_NOTE,
    GitState,
    collect,
    data_status,
    display_path,
    git_state,
    notebook_parameters,
)

YEAR = 2023
STEMS = ("01_achtergrond", "06_samenvatting")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def executed_notebook(path: Path, defaults: str, injected: str | None) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Titel"]},
             {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": defaults.splitlines(True),
              "outputs": [], "execution_count": 1}]
    if injected is not None:
        cells.append({"cell_type": "code", "id": "0a1b2c3d", "metadata": {"tags": ["injected-parameters"]},
                      "source": ["# Parameters\n", *injected.splitlines(True)], "outputs": [], "execution_count": 2})
    document = {"cells": cells, "metadata": {"papermill": {"parameters": {"year": 1999}}}, "nbformat": 4,
                "nbformat_minor": 5}
    return write(path, json.dumps(document))


DEFAULTS = 'year = 2023\nprocessed_dir = "../data/processed"\nparts_dir = ""\nsmall_threshold = 25000\n'
EXPORT = "respondent,antwoord\n1,ja\n"


@pytest.fixture
def tree(tmp_path) -> dict:
    """A repository layout with every input of a 2023 build, the export marked synthetic in provenance.yml."""
    root = tmp_path / "repo"
    raw = root / "data" / "raw"
    write(raw / "survey" / "flitspeiling_2023.csv", EXPORT)
    write(raw / "survey" / "provenance.yml", yaml.safe_dump({"synthetic": True, "files": [
        {"wave": 2023, "file": "flitspeiling_2023.csv", "sha256": sha(EXPORT), "synthetic": True}]}))
    write(raw / "reference" / "gemeenten_2023.csv", "code,naam\nGM0344,Utrecht\n")
    write(raw / "reference" / "PROVENANCE.yml", yaml.safe_dump(
        {"gemeenten_2023.csv": {"sha256": sha("code,naam\nGM0344,Utrecht\n")}}))
    codebook = root / "data" / "codebook"
    write(codebook / "questions.yml", "questions: {}\n")
    write(codebook / "waves" / "2023.yml", "wave: 2023\n")
    write(codebook / "coding" / "functie.yml", "themes: []\n")
    write(codebook / ".hidden.yml", "not an input\n")
    published = root / "data" / "published"
    write(published / "published_numbers.yml", "numbers: {}\n")
    notebooks = root / "notebooks"
    write(notebooks / "report.yml", "chapters: []\n")
    for stem in STEMS:
        write(notebooks / f"{stem}.ipynb", f"{{\"source\": \"{stem}\"}}\n")
    processed = root / "data" / "processed"
    quality = {"provenance": {"synthetic": True, "data_status": "synthetic", "provenance_file": "survey/provenance.yml",
                              "input_files": [{"file": "survey/flitspeiling_2023.csv", "sha256": sha(EXPORT)}]}}
    write(processed / "2023" / "quality.json", json.dumps(quality))
    write(processed / "2023" / "responses.parquet", "responses 2023")
    write(processed / "2023" / "answers.parquet", "answers 2023")
    write(processed / "2022" / "quality.json", "{}")
    write(processed / "2024" / "quality.json", "{}")  # a later wave: not read by the 2023 report
    write(processed / "frames.parquet", "frames")
    write(processed / "crosswalk.parquet", "crosswalk")
    executed = root / "build" / str(YEAR) / "notebooks"
    for stem in STEMS:
        executed_notebook(executed / f"{stem}.ipynb", DEFAULTS,
                          f'year = 2023\nparts_dir = "{root}/build/2023/parts/{stem}"\n')
    return {"root": root, "raw": raw, "codebook": codebook, "published": published, "notebooks": notebooks,
            "processed": processed, "executed": executed}


def collect_tree(tree: dict, **changes) -> provenance.Provenance:
    arguments = dict(report_yml=tree["notebooks"] / "report.yml", parts_dir=tree["root"] / "build" / "2023" / "parts",
                     notebooks=[tree["executed"] / f"{stem}.ipynb" for stem in STEMS],
                     chapter_notebooks=[tree["notebooks"] / f"{stem}.ipynb" for stem in STEMS], root=tree["root"],
                     repo=tree["root"], raw_dir=tree["raw"], codebook_dir=tree["codebook"],
                     published_dir=tree["published"], reference_dir=tree["raw"] / "reference",
                     git=GitState("0123456789abcdef0123456789abcdef01234567", dirty=True, changed=("src/x.py",)))
    arguments.update(changes)
    return collect(YEAR, **arguments)


# ------------------------------------------------------------------------------------------------------------------
# Pieces


def test_notebook_parameters_injected_over_defaults(tmp_path):
    path = executed_notebook(tmp_path / "nb.ipynb", DEFAULTS + "label = f'{year}'\n", "year = 2022\nsmall_threshold = 30000\n")
    assert notebook_parameters(path) == {"year": 2022, "processed_dir": "../data/processed", "parts_dir": "",
                                         "small_threshold": 30000}  # the f-string is not a literal: left out
    plain = executed_notebook(tmp_path / "plain.ipynb", DEFAULTS, None)  # no injected cell: papermill's metadata
    assert notebook_parameters(plain)["year"] == 1999


def test_display_path(tmp_path):
    assert display_path(tmp_path / "a" / "b.txt", [tmp_path]) == "a/b.txt"
    assert display_path(tmp_path / "x" / ".." / "a", [tmp_path / "other", tmp_path]) == "a"
    assert display_path("/elsewhere/file", [tmp_path]) == "/elsewhere/file"
    assert display_path(REPO_ROOT / "data" / "processed") == "data/processed"


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_git_state_commit_and_uncommitted_changes(tmp_path):
    repo = tmp_path / "repo"
    write(repo / "src" / "helpers" / "a.py", "x = 1\n")
    write(repo / "docs" / "notes.md", "notes\n")
    write(repo / "Makefile", "all:\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "start")
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert git_state(repo) == GitState(head, False, ())
    write(repo / "src" / "helpers" / "new.py", "untracked\n")  # untracked: not an input of the build
    write(repo / "docs" / "notes.md", "changed outside the inputs\n")
    assert git_state(repo) == GitState(head, False, ())
    write(repo / "Makefile", "all: report\n")
    state = git_state(repo)
    assert (state.dirty, state.changed) == (True, ("Makefile",))
    assert state.text == f"{head} ({DIRTY_NOTE})"
    assert git_state(tmp_path / "not-a-repo").text == "onbekend (geen git-repository)"


def test_data_status(tmp_path):
    survey = write(tmp_path / "provenance.yml", yaml.safe_dump({"files": [
        {"file": "flitspeiling_2023.csv", "sha256": "a" * 64, "synthetic": True}]}))
    quality = {"provenance": {"synthetic": True, "input_files": [{"file": "survey/flitspeiling_2023.csv",
                                                                  "sha256": "a" * 64}]}}
    assert data_status(quality, survey).status == "synthetic" and data_status(quality, survey).synthetic
    assert data_status(quality, survey).text.startswith("Ja: de synthetische vervanger")
    # The cleaning called it synthetic, but provenance.yml no longer lists that hash: not confirmed.
    other = {"provenance": {"synthetic": True, "input_files": [{"file": "survey/flitspeiling_2023.csv",
                                                                "sha256": "b" * 64}]}}
    assert data_status(other, survey).status == "inconsistent"
    real = {"provenance": {"synthetic": False, "input_files": [{"file": "survey/flitspeiling_2023.csv",
                                                                "sha256": "b" * 64}]}}
    status = data_status(real, survey)
    assert (status.synthetic, status.status) == (False, "real/unknown") and status.text.startswith("Nee")
    # The export is not in the raw directory (cleaned from a copy elsewhere): the cleaning's own check counts.
    assert data_status(other, None).status == "synthetic" and data_status(real, None).status == "real/unknown"
    assert data_status(None, survey).status == "unknown"
    assert data_status(None, survey, reported=True).text.startswith("Ja, volgens de hoofdstukken")


# ------------------------------------------------------------------------------------------------------------------
# The whole provenance


def test_collect_lists_every_input_with_its_hash(tree):
    found = collect_tree(tree)
    assert found.parameters == [("year", "2023"), ("small_threshold", "25000"), ("processed_dir", "data/processed"),
                                ("parts_dir", "build/2023/parts")]
    listed = [(item.group, item.path) for item in found.files]
    assert listed == [
        ("survey", "data/raw/survey/flitspeiling_2023.csv"), ("survey", "data/raw/survey/provenance.yml"),
        ("reference", "data/raw/reference/PROVENANCE.yml"), ("reference", "data/raw/reference/gemeenten_2023.csv"),
        ("codebook", "data/codebook/coding/functie.yml"), ("codebook", "data/codebook/questions.yml"),
        ("codebook", "data/codebook/waves/2023.yml"),
        ("published", "data/published/published_numbers.yml"),
        ("notebooks", "notebooks/report.yml"), ("notebooks", "notebooks/01_achtergrond.ipynb"),
        ("notebooks", "notebooks/06_samenvatting.ipynb"),
        ("processed", "data/processed/2022/quality.json"), ("processed", "data/processed/2023/answers.parquet"),
        ("processed", "data/processed/2023/quality.json"), ("processed", "data/processed/2023/responses.parquet"),
        ("processed", "data/processed/frames.parquet"), ("processed", "data/processed/crosswalk.parquet")]
    root = tree["root"]
    for item in found.files:
        assert item.sha256 == hashlib.sha256((root / item.path).read_bytes()).hexdigest(), item.path
        assert item.note == ""
    assert found.data.status == "synthetic" and found.problems == []
    assert [group["title"] for group in found.groups()] == list(provenance.GROUPS.values())
    assert str(root) not in json.dumps(found.to_dict())  # no absolute path of the build


def test_inputs_fingerprint_follows_every_file(tree):
    before = collect_tree(tree)
    assert collect_tree(tree).inputs_sha256 == before.inputs_sha256
    write(tree["codebook"] / "waves" / "2023.yml", "wave: 2023\n# changed\n")
    after = collect_tree(tree)
    assert after.inputs_sha256 != before.inputs_sha256
    assert [item.path for item in after.files if item not in before.files] == ["data/codebook/waves/2023.yml"]


def test_missing_and_changed_inputs_are_named(tree):
    (tree["processed"] / "crosswalk.parquet").unlink()
    write(tree["raw"] / "reference" / "gemeenten_2023.csv", "code,naam\nGM0344,Utrecht (gewijzigd)\n")
    write(tree["raw"] / "survey" / "flitspeiling_2023.csv", EXPORT + "2,nee\n")  # replaced after the cleaning
    found = collect_tree(tree)
    notes = {item.path: item.note for item in found.files if item.note}
    assert notes["data/processed/crosswalk.parquet"] == "ontbreekt"
    assert notes["data/raw/reference/gemeenten_2023.csv"].startswith("vastgelegd: ")
    assert notes["data/raw/survey/flitspeiling_2023.csv"] == f"bij het opschonen: {sha(EXPORT)}"
    assert len(found.problems) == 3
    # Synthetic is decided by what was cleaned (quality.json) and provenance.yml, not by today's export file.
    assert found.data.status == "synthetic"
    # Cleaned from an export that is not in data/raw (a test's copy): its recorded hash, the cleaning's verdict.
    (tree["raw"] / "survey" / "flitspeiling_2023.csv").unlink()
    write(tree["raw"] / "survey" / "provenance.yml", "files: []\n")
    found = collect_tree(tree)
    export = found.files[0]
    assert (export.path, export.sha256) == ("data/raw/survey/flitspeiling_2023.csv", sha(EXPORT))
    assert export.note.startswith("SHA-256 uit quality.json") and found.data.status == "synthetic"


def test_disagreeing_parameters_and_manifests(tree):
    executed_notebook(tree["executed"] / "06_samenvatting.ipynb", DEFAULTS, "year = 2023\nsmall_threshold = 30000\n")
    found = collect_tree(tree, reported_synthetic=False)
    assert dict(found.parameters)["small_threshold"] == "25000 (01_achtergrond); 30000 (06_samenvatting)"
    assert any("the chapters call the data real" in problem for problem in found.problems)


def test_manifest_lines(tree):
    found = collect_tree(tree)
    lines = found.manifest_lines()
    assert lines[0] == f"commit: 0123456789abcdef0123456789abcdef01234567 ({DIRTY_NOTE})"
    assert lines[1] == "parameters: year=2023 small_threshold=25000 processed_dir=data/processed parts_dir=build/2023/parts"
    assert lines[2] == "data: synthetic"
    assert re.fullmatch(r"inputs: [0-9a-f]{64} \(SHA-256 of the 17 input files .*\)", lines[3])


# ------------------------------------------------------------------------------------------------------------------
# Rendering (helpers.publish.assemble)


def test_colophon_partial_and_manifest(tree, tmp_path):
    from helpers.publish.pages import COLOPHON_ID, common_context, template_environment
    from helpers.publish.swap import write_manifest

    found = collect_tree(tree)
    context = common_context(YEAR, True, found)
    html = template_environment().get_template("colophon.html.j2").render(context)
    page = BeautifulSoup(html, "html.parser")
    section = page.find("section", class_="colophon")
    assert section.h2.get_text() == "Colofon" and section["aria-labelledby"] == section.h2["id"] == COLOPHON_ID
    text = " ".join(section.get_text(" ", strip=True).split())
    assert f"Commit 0123456789abcdef0123456789abcdef01234567 ({DIRTY_NOTE})" in text
    assert "year=2023 , small_threshold=25000 , processed_dir=data/processed , parts_dir=build/2023/parts" in text
    assert "Synthetische gegevens Ja: de synthetische vervanger" in text
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in section.find("table").find_all("tr")]
    assert rows[0] == ["Bestand", "SHA-256"] and rows[1] == ["Enquête-export"]
    hashes = {row[0]: row[1] for row in rows if len(row) == 2 and row[0] != "Bestand"}
    assert hashes == {item.path: item.sha256 for item in found.files}
    assert all(cell.get("scope") for cell in section.find_all("th"))
    # Without provenance (a caller that has none): the text only.
    bare = template_environment().get_template("colophon.html.j2").render(common_context(YEAR, True))
    assert "Colofon" in bare and "<table" not in bare

    out = tmp_path / "out"
    write(out / "a.html", "<p>a</p>")
    write(out / "datakwaliteit.html", "<p>d</p>")
    write_manifest(out, YEAR, found)
    lines = (out / "MANIFEST").read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("# ")]
    assert comments[2:6] == [f"# {line}" for line in found.manifest_lines()]
    assert comments[-1] == "# carried over (written by make data, not by helpers.publish.assemble): datakwaliteit.html"
    entries = [line for line in lines if not line.startswith("#")]
    assert [line.split()[-1] for line in entries] == ["a.html", "datakwaliteit.html"]
    for line in entries:
        digest, size, name = re.fullmatch(r"([0-9a-f]{64})  ( {0,8}\d+)  (\S+)", line).groups()
        assert digest == hashlib.sha256((out / name).read_bytes()).hexdigest() and int(size) == (out / name).stat().st_size


# ------------------------------------------------------------------------------------------------------------------
# The repository's own 2023 data


@pytest.mark.skipif(not (REPO_ROOT / "data" / "processed" / "2023" / "quality.json").is_file(),
                    reason="no processed 2023 data (make data)")
def test_the_2023_stand_in_is_synthetic():
    from helpers.publish.parts import load_parts

    report_yml = REPO_ROOT / "notebooks" / "report.yml"
    stems = [part.stem for part in load_parts(report_yml)]
    found = collect(YEAR, report_yml=report_yml, parts_dir=REPO_ROOT / "build" / "2023" / "parts",
                    notebooks=[REPO_ROOT / "build" / "2023" / "notebooks" / f"{stem}.ipynb" for stem in stems],
                    git=GitState(None))
    assert found.data.synthetic and found.data.status == "synthetic"
    export = next(item for item in found.files if item.path == "data/raw/survey/flitspeiling_2023.csv")
    listed = yaml.safe_load((REPO_ROOT / "data" / "raw" / "survey" / "provenance.yml").read_text(encoding="utf-8"))
    assert export.sha256 == next(entry["sha256"] for entry in listed["files"] if entry["wave"] == 2023)
    paths = [item.path for item in found.files]
    for expected in ("data/raw/survey/provenance.yml", "data/raw/reference/PROVENANCE.yml", "data/codebook/questions.yml",
                     "data/published/published_numbers.yml", "notebooks/report.yml", "data/processed/2023/quality.json",
                     "data/processed/frames.parquet", "data/processed/crosswalk.parquet"):
        assert expected in paths
