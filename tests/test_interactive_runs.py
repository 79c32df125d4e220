"""Exploring in JupyterLab never reaches a publication (issue: "A researcher's year", point 1).

The scenario that used to change the official 2023 numbers without an error: open chapter 3 in Lab, set
small_threshold = 50000 in the parameters cell, Run All, do not save; later touch another chapter and run
`make report`. A run outside the build now writes to build/<year>/interactive/ and says so first; and publishing
refuses parts that are not what make's recorded run wrote. The same for the cleaning and the factsheet notebook.
Runs like Lab does: nbclient on the notebook in memory, in notebooks/, with the project kernel.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import BUILD_DIR, KERNEL, REPO_ROOT

pytestmark = pytest.mark.build
YEAR = 2023
NOTEBOOKS = REPO_ROOT / "notebooks"
REPORT = REPO_ROOT / "reports" / str(YEAR)


def _lab_run(name: str, **changed) -> nbformat.NotebookNode:
    """Run a notebook as JupyterLab's Run All does after editing the parameters cell (the file is not saved)."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    parameters = next(cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))
    lines = parameters.source.splitlines()
    for key, value in changed.items():
        lines = [f"{key} = {value!r}" if line.split("=")[0].strip() == key else line for line in lines]
    parameters.source = "\n".join(lines)
    NotebookClient(notebook, kernel_name=KERNEL, timeout=600, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def _first_output_text(notebook: nbformat.NotebookNode) -> str:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            return str(data.get("text/html") or data.get("text/markdown") or data.get("text/plain") or output.get("text"))
    return ""


def _hashes(directory: Path) -> dict[str, str]:
    return {path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def _make(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *arguments], cwd=REPO_ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def built():
    if not (REPORT / "MANIFEST").is_file():
        pytest.fail(f"{REPORT}/MANIFEST missing: make test builds the 2023 report first")
    return {"cijfers": (REPORT / "cijfers.csv").read_bytes(), "tabellenboek": _cells(REPORT / "tabellenboek.xlsx")}


def _cells(path: Path) -> list:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return [(sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]


def test_an_unsaved_parameter_change_in_lab_does_not_reach_the_report(built):
    official_parts = _hashes(BUILD_DIR / str(YEAR) / "parts" / "03_inhoud")
    executed = _lab_run("03_inhoud.ipynb", small_threshold=50000)
    first = _first_output_text(executed)
    assert "Verkennende run buiten de build" in first and f"build/{YEAR}/interactive/03_inhoud/" in first
    scratch = BUILD_DIR / str(YEAR) / "interactive" / "03_inhoud"
    assert (scratch / "cijfers.csv").is_file()  # the researcher's exploration is kept apart, with its own numbers
    assert _hashes(BUILD_DIR / str(YEAR) / "parts" / "03_inhoud") == official_parts

    (NOTEBOOKS / "01_achtergrond.ipynb").touch()  # an edit elsewhere: make runs chapter 1, the summary, publishes
    done = _make("report", f"YEAR={YEAR}")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "chapter 01_achtergrond" in done.stdout and "chapter 03_inhoud" not in done.stdout
    assert (REPORT / "cijfers.csv").read_bytes() == built["cijfers"]
    assert _cells(REPORT / "tabellenboek.xlsx") == built["tabellenboek"]


def test_publishing_refuses_parts_a_run_outside_make_overwrote(built):
    """Defence in depth: papermill by hand given the build's parts_dir would overwrite the parts; publishing
    compares them with make's record of the run and publishes nothing."""
    cijfers = BUILD_DIR / str(YEAR) / "parts" / "03_inhoud" / "cijfers.csv"
    original = cijfers.read_bytes()
    before = _hashes(REPORT)
    try:
        cijfers.write_bytes(original.replace(b",53,", b",131,", 1) if b",53," in original else original + b"\n")
        done = subprocess.run([sys.executable, "-m", "helpers.publish.assemble", "--year", str(YEAR)], cwd=REPO_ROOT,
                              capture_output=True, text=True)
        assert done.returncode == 1
        assert "03_inhoud: changed after the run: cijfers.csv" in done.stderr
        assert "JupyterLab" in done.stderr and f"make report YEAR={YEAR}" in done.stderr
        assert _hashes(REPORT) == before
    finally:
        cijfers.write_bytes(original)
    assert (REPORT / "cijfers.csv").read_bytes() == built["cijfers"]


def test_a_lab_run_of_the_cleaning_writes_no_processed_data():
    processed = REPO_ROOT / "data" / "processed" / str(YEAR)
    before = _hashes(processed)
    executed = _lab_run("00_opschonen.ipynb", small_threshold=50000)
    assert "Verkennende run buiten de build" in _first_output_text(executed)
    assert (BUILD_DIR / str(YEAR) / "interactive" / "processed" / str(YEAR) / "responses.parquet").is_file()
    assert _hashes(processed) == before


def test_a_lab_run_of_the_factsheet_writes_nothing():
    watched = [REPO_ROOT / "data" / "processed", REPO_ROOT / "reports", BUILD_DIR / str(YEAR) / "factsheets"]
    before = [_hashes(path) if path.is_dir() else None for path in watched]
    executed = _lab_run("factsheet.ipynb")
    assert any(cell.get("outputs") for cell in executed.cells)
    assert [_hashes(path) if path.is_dir() else None for path in watched] == before
