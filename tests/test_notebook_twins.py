"""Every notebook has a text twin (a jupytext percent script, notebooks/jupytext.toml) that a code review reads; a twin
that differs from its notebook would show reviewers something else than what runs, so the suite refuses it."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
from jupytext.config import load_jupytext_config
from jupytext.paired_paths import paired_paths

from helpers import REPO_ROOT

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CONFIG = load_jupytext_config(str(NOTEBOOK_DIR))
FIX = "run `make sync` (it writes every twin from its notebook), or open and save the notebook in `make lab`"


def _twin(notebook: Path) -> tuple[Path, dict]:
    """The text twin of `notebook` and its jupytext format, as jupytext.toml pairs them."""
    (formats,) = CONFIG.formats
    [(path, fmt)] = [(Path(path), fmt) for path, fmt in paired_paths(str(notebook), "ipynb", formats)
                     if fmt["extension"] != ".ipynb"]
    return path, fmt


def expected_twin_text(notebook: Path) -> str:
    _, fmt = _twin(notebook)
    return jupytext.writes(jupytext.read(notebook), fmt=fmt, config=CONFIG)


def test_the_config_pairs_every_notebook_with_a_percent_script_in_notebooks_py():
    path, fmt = _twin(NOTEBOOK_DIR / "03_inhoud.ipynb")
    assert path == NOTEBOOK_DIR / "py" / "03_inhoud.py"
    assert fmt["format_name"] == "percent"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_twin_is_in_sync_with_its_notebook(notebook):
    twin, _ = _twin(notebook)
    relative = twin.relative_to(REPO_ROOT)
    assert twin.is_file(), f"{relative} is missing: the text twin of notebooks/{notebook.name}; {FIX}"
    assert twin.read_text(encoding="utf-8") == expected_twin_text(notebook), (
        f"{relative} is out of sync with notebooks/{notebook.name} (the twin is what reviewers read); {FIX}")


def test_no_twin_without_a_notebook():
    twins = {_twin(notebook)[0] for notebook in NOTEBOOKS}
    orphans = sorted(path.relative_to(REPO_ROOT).as_posix() for path in (NOTEBOOK_DIR / "py").glob("*.py")
                     if path not in twins)
    assert orphans == [], f"{orphans}: text twins of notebooks that no longer exist; `git rm` them"


def test_a_changed_notebook_is_detected(tmp_path):
    """The check can fail: a cell edited in the notebook makes its stored twin differ."""
    notebook = jupytext.read(NOTEBOOK_DIR / "01_achtergrond.ipynb")
    notebook.cells[-1].source += "\n# edited"
    copy = tmp_path / "01_achtergrond.ipynb"
    jupytext.write(notebook, copy)
    stored = _twin(NOTEBOOK_DIR / "01_achtergrond.ipynb")[0].read_text(encoding="utf-8")
    assert expected_twin_text(copy) != stored


def test_make_sync_writes_the_twin_format_of_the_config():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    twin_format = re.search(r"^TWIN_FORMAT\s*:=\s*(\S+)", makefile, re.M)[1]
    assert CONFIG.formats == [f"ipynb,{twin_format}"]
