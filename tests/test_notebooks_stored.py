"""Notebooks are stored as source: no outputs, no execution counts, the project kernel, and a papermill parameters
cell with plain literals (so that `make report YEAR=...` can set them)."""

import ast
import json
from pathlib import Path

import pytest

from helpers import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
REQUIRED_PARAMETERS = {"year", "processed_dir"}
# The report's notebooks also take where their parts go and the small-municipality threshold.
CHAPTER_PARAMETERS = {"year", "processed_dir", "parts_dir", "small_threshold"}
# Notebooks outside the report (helpers.factsheets runs the factsheet once per municipality).
OTHER_PARAMETERS = {"factsheet": {"year", "processed_dir", "municipality"}}


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_there_are_notebooks():
    names = {path.stem for path in NOTEBOOKS}
    assert {"00_opschonen", "01_achtergrond", "02_reikwijdte_fase", "03_inhoud", "04_ondersteuning",
            "05_aanvullingen", "06_samenvatting", "07_bijlage_a"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    dirty = [index for index, cell in enumerate(_cells(path))
             if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert dirty == [], f"{path.name}: cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_project_kernel(path):
    kernelspec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert kernelspec["name"] == "flitspeiling"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_of_plain_literals(path):
    tagged = [cell for cell in _cells(path) if "parameters" in cell.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"
    names = set()
    for statement in ast.parse("".join(tagged[0]["source"])).body:
        assert isinstance(statement, ast.Assign), f"{path.name}: only assignments in the parameters cell"
        ast.literal_eval(statement.value)  # raises on anything but a plain literal
        names |= {target.id for target in statement.targets}
    required = REQUIRED_PARAMETERS if path.stem.startswith("00_") else \
        OTHER_PARAMETERS.get(path.stem, CHAPTER_PARAMETERS)
    assert required <= names, f"{path.name}: parameters {sorted(names)} lack {required - names}"
