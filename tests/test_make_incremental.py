"""The Makefile's cleaning and report targets are real files with real prerequisites (make -n dry runs, nothing is
executed).

Each test copies the Makefile and notebooks/report.yml into a temporary tree in which every other input and output is
an empty file with the real name (the sources of this repository, the processed data with the cleaning's .d files,
the executed chapters with theirs, as helpers.publish.runner writes them, reports/<year>/MANIFEST), with times in the
order a complete build leaves them. Then `make -n` says what a build would do: nothing when nothing changed; after one
chapter notebook changed (make -W: as if it were new) that chapter, the summary when the chapter feeds it, and the
assembly; after a helper changed only the notebooks (cleaning, chapters) whose .d file names it; every helper for a
notebook without a .d file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import REPO_ROOT
from helpers.publish import runner as run_chapter
from helpers.publish import runs
from helpers.report import outline

YEAR = "2023"
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


def _stems() -> list[str]:
    outline = yaml.safe_load((REPO_ROOT / "notebooks" / "report.yml").read_text(encoding="utf-8"))
    return sorted(Path(chapter["notebook"]).stem for chapter in outline["chapters"])


def _sources() -> list[Path]:
    """The repository's files the Makefile looks at, relative to the repository."""
    patterns = ["src/helpers/**/*.py", "src/helpers/templates/**/*", "notebooks/*.ipynb", "notebooks/report.yml",
                "data/codebook/**/*",
                "data/published/*", "data/raw/survey/*", "requirements.lock", "pyproject.toml"]
    found = {path.relative_to(REPO_ROOT) for pattern in patterns for path in REPO_ROOT.glob(pattern)
             if path.is_file() and "__pycache__" not in path.parts}
    return sorted(found)


# The helpers each chapter imports in the fake tree: chapter 01 alone uses analysis/coding.py.
IMPORTS = {"01_achtergrond": ["__init__.py", "report/chapter.py", "analysis/coding.py"]}
DEFAULT_IMPORTS = ["__init__.py", "report/chapter.py", "analysis/tables.py"]
# The helpers the cleaning notebook imports in the fake tree (no chapter imports data/cleaning.py).
CLEANING_IMPORTS = ["__init__.py", "core/formatting.py", "data/cleaning.py"]


def _waves() -> list[str]:
    return sorted(path.stem for path in (REPO_ROOT / "data" / "codebook" / "waves").glob("*.yml"))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A complete, up-to-date build of YEAR as empty files with ordered modification times."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "Makefile", root / "Makefile")
    shutil.copytree(REPO_ROOT / "make", root / "make")  # the included makefiles (factsheets)
    layers: list[list[str]] = [[], [], [], [], [], [], []]
    for path in _sources():
        layers[0].append(str(path))
    layers[0] += ["data/raw/reference/PROVENANCE.yml"]
    layers[1] += [".venv/.installed", "build/outline.mk"]
    layers[2] += ["data/processed/frames.parquet", "data/processed/crosswalk.parquet"]
    layers[3] += [f"data/processed/{wave}/responses.parquet" for wave in _waves()]
    stems = _stems()
    layers[4] += [f"build/{YEAR}/notebooks/{stem}{suffix}" for stem in stems if stem != "06_samenvatting"
                  for suffix in (".ipynb", runs.STAMP_SUFFIX)]
    layers[5] += [f"build/{YEAR}/notebooks/06_samenvatting.ipynb"]
    layers[6] += [f"reports/{YEAR}/MANIFEST"]
    for index, layer in enumerate(layers):
        for name in layer:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if name == "notebooks/report.yml":
                shutil.copyfile(REPO_ROOT / name, path)
            elif name == "build/outline.mk":  # as the Makefile's rule writes it (python -m helpers.report.outline --make)
                path.write_text(outline.make_include(outline.load_outline(REPO_ROOT / "notebooks" / "report.yml")),
                                encoding="utf-8")
            elif not path.exists():
                path.write_text("", encoding="utf-8")
            os.utime(path, (1_700_000_000 + 1000 * index,) * 2)
    helpers = root / "src" / "helpers"
    for stem in stems:
        target = f"build/{YEAR}/notebooks/{stem}.ipynb"
        text = run_chapter.dependency_text(target, [helpers / name for name in IMPORTS.get(stem, DEFAULT_IMPORTS)],
                                           root)
        depfile = root / target.replace(".ipynb", ".d")
        depfile.write_text(text, encoding="utf-8")
        os.utime(depfile, (1_700_000_000 + 4000,) * 2)
    for wave in _waves():
        text = run_chapter.dependency_text(f"data/processed/{wave}/responses.parquet",
                                           [helpers / name for name in CLEANING_IMPORTS], root)
        depfile = root / "build" / "notebooks" / wave / "00_opschonen.d"
        depfile.parent.mkdir(parents=True, exist_ok=True)
        depfile.write_text(text, encoding="utf-8")
        os.utime(depfile, (1_700_000_000 + 3000,) * 2)
    return root


def _runs(root: Path, *arguments: str) -> tuple[list[str], list[str], bool]:
    """(waves make would clean, chapters it would run, whether it would publish) for `make -n report <arguments>`."""
    done = subprocess.run(["make", "-n", "-j2", "report", f"YEAR={YEAR}", *arguments], cwd=root, capture_output=True,
                          text=True, check=False, timeout=120, env={**os.environ, "MAKEFLAGS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    commands = re.sub(r"\\\n\s*", " ", done.stdout).splitlines()  # a recipe line continued with a backslash: one
    runs = [line for line in commands if "-m helpers.publish.runner " in line]
    cleanings = sorted(re.search(r"--make-target data/processed/(\d+)/", line).group(1) for line in runs
                       if "--make-target data/processed/" in line)
    chapters = sorted(re.search(r"notebooks/(\w+)\.ipynb$", line.strip()).group(1) for line in runs
                      if "--make-target" not in line)
    return cleanings, chapters, "helpers.publish.assemble --year" in done.stdout


def _dry_run(root: Path, *arguments: str) -> tuple[list[str], bool]:
    """(chapters make would run, whether it would publish) for `make -n report <arguments>`; no wave cleaned."""
    cleanings, chapters, publishes = _runs(root, *arguments)
    assert cleanings == []
    return chapters, publishes


def test_nothing_changed_nothing_to_do(tree):
    assert _dry_run(tree) == ([], False)


def test_one_chapter_edited_runs_that_chapter_and_the_assembly(tree):
    assert _dry_run(tree, "-W", "notebooks/07_bijlage_a.ipynb") == (["07_bijlage_a"], True)
    assert _dry_run(tree, "-W", "notebooks/06_samenvatting.ipynb") == (["06_samenvatting"], True)
    # Chapters 1-5 feed the summary (its key figures), so it may have to run after them again: a dry run cannot know
    # whether the chapter's parts will change (see test_a_text_edit_does_not_run_the_summary_again for a real run).
    assert _dry_run(tree, "-W", "notebooks/03_inhoud.ipynb") == (["03_inhoud", "06_samenvatting"], True)


# A stand-in for .venv/bin/python in the fake tree: `-m helpers.publish.runner ... <notebook>` writes the executed
# notebook and, when the file CHANGED_PARTS names that notebook, a new parts stamp (as the runner does when the parts
# changed); `-m helpers.publish.assemble` writes the MANIFEST; every run is logged to ran.txt.
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> ran.txt
case "$*" in
  *helpers.publish.runner*)
    for last in "$@"; do :; done
    stem=$(basename "$last" .ipynb)
    touch build/{year}/notebooks/$stem.ipynb
    if grep -qx "$stem" CHANGED_PARTS 2>/dev/null; then echo new > build/{year}/notebooks/$stem{stamp}; fi ;;
  *helpers.publish.assemble*) touch reports/{year}/MANIFEST ;;
esac
"""


def _make_report(root: Path) -> list[str]:
    """Run `make report` for real with the stand-in interpreter; the notebooks it ran."""
    (root / "ran.txt").write_text("", encoding="utf-8")
    done = subprocess.run(["make", "-j2", "report", f"YEAR={YEAR}", "V=1"], cwd=root, capture_output=True, text=True,
                          check=False, timeout=120, env={**os.environ, "MAKEFLAGS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    lines = (root / "ran.txt").read_text(encoding="utf-8").splitlines()
    return sorted(re.search(r"(\w+)\.ipynb$", line).group(1) for line in lines if "helpers.publish.runner" in line)


def test_a_text_edit_does_not_run_the_summary_again(tree):
    python = tree / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text(FAKE_PYTHON.format(year=YEAR, stamp=runs.STAMP_SUFFIX), encoding="utf-8")
    python.chmod(0o755)
    shutil.copytree(REPO_ROOT / "tools", tree / "tools")  # the step runner of the recipes
    # What a complete build leaves besides: the system packages are there (their check is skipped here).
    (tree / "Makefile").write_text((tree / "Makefile").read_text(encoding="utf-8").replace(
        "| system-packages", ""), encoding="utf-8")
    notebook = tree / "notebooks" / "03_inhoud.ipynb"
    os.utime(notebook)  # the researcher saves an edit to the chapter's text: its parts stay the same
    assert _make_report(tree) == ["03_inhoud"]
    assert _make_report(tree) == []  # and the next build has nothing to do
    (tree / "CHANGED_PARTS").write_text("03_inhoud\n", encoding="utf-8")
    os.utime(notebook)  # an edit that changes the chapter's numbers: the summary quotes them, so it runs again
    assert _make_report(tree) == ["03_inhoud", "06_samenvatting"]


def test_the_parts_stamp_changes_only_with_the_parts(tmp_path):
    stamp = tmp_path / f"03_inhoud{runs.STAMP_SUFFIX}"
    assert runs.write_parts_stamp(stamp, {"manifest.json": "a" * 64, "cijfers.csv": "b" * 64})
    os.utime(stamp, (1_700_000_000, 1_700_000_000))
    assert not runs.write_parts_stamp(stamp, {"cijfers.csv": "b" * 64, "manifest.json": "a" * 64})
    assert stamp.stat().st_mtime == 1_700_000_000
    assert runs.write_parts_stamp(stamp, {"manifest.json": "c" * 64, "cijfers.csv": "b" * 64})
    assert stamp.stat().st_mtime > 1_700_000_000 and "c" * 64 in stamp.read_text(encoding="utf-8")


def test_edited_helper_reruns_only_the_chapters_that_imported_it(tree):
    assert _dry_run(tree, "-W", "src/helpers/analysis/coding.py") == (["01_achtergrond", "06_samenvatting"], True)
    every = sorted(_stems())
    assert _dry_run(tree, "-W", "src/helpers/report/chapter.py") == (every, True)
    # A helper no chapter imported, and the publishing code: the assembly only.
    assert _dry_run(tree, "-W", "src/helpers/analysis/stats.py") == ([], False)
    assert _dry_run(tree, "-W", "src/helpers/publish/assemble.py") == ([], True)


def test_without_dependency_file_a_chapter_depends_on_every_helper(tree):
    (tree / "build" / YEAR / "notebooks" / "07_bijlage_a.d").unlink()
    assert _dry_run(tree, "-W", "src/helpers/analysis/stats.py") == (["07_bijlage_a"], True)
    assert _dry_run(tree, "-W", "src/helpers/publish/assemble.py") == ([], True)


def test_removed_helper_does_not_stop_make(tree):
    (tree / "src" / "helpers" / "analysis" / "coding.py").unlink()
    chapters, publishes = _dry_run(tree)
    assert "01_achtergrond" in chapters and publishes


def test_data_and_outline_are_chapter_inputs(tree):
    every = sorted(_stems())
    assert _dry_run(tree, "-W", "data/processed/2023/responses.parquet") == (every, True)
    # The codebook is read by the cleaning too (the trend indicators by the chapters only).
    assert _runs(tree, "-W", "data/codebook/questions.yml") == (_waves(), every, True)
    assert _runs(tree, "-W", "data/codebook/indicators.yml") == ([], every, True)


def test_cleaning_reruns_for_its_notebook_its_helpers_and_the_runner(tree):
    every, waves = sorted(_stems()), _waves()
    assert _runs(tree, "-W", "notebooks/00_opschonen.ipynb") == (waves, every, True)
    # Its helpers are the ones in its .d file: cleaning.py reruns every wave, a helper it did not import none.
    assert _runs(tree, "-W", "src/helpers/data/cleaning.py") == (waves, every, True)
    assert _runs(tree, "-W", "src/helpers/analysis/coding.py")[0] == []
    # The runner renders the appendix (datakwaliteit.html), and so does the nbconvert template.
    assert _runs(tree, "-W", "src/helpers/publish/runner.py")[0] == waves
    assert _runs(tree, "-W", "src/helpers/templates/flitspeiling/index.html.j2")[0] == waves


def test_without_its_dependency_file_a_cleaning_depends_on_every_helper(tree):
    (tree / "build" / "notebooks" / YEAR / "00_opschonen.d").unlink()
    assert _runs(tree, "-W", "src/helpers/analysis/stats.py") == ([YEAR], sorted(_stems()), True)
