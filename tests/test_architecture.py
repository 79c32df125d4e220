"""The package's architecture holds (docs/architecture.md): the layer contract of pyproject.toml, and no import cycle
anywhere in src/helpers (a cycle inside one layer is not caught by a layers contract)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def import_cycles(graph) -> list[list[str]]:
    """Every cycle of direct imports between modules, each as the modules along it (found by a depth-first search)."""
    modules = sorted(graph.modules)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == 1:
                cycles.append(stack[stack.index(imported):] + [imported])
            elif imported not in state:
                visit(imported)
        stack.pop()
        state[module] = 2

    for module in modules:
        if module not in state:
            visit(module)
    return cycles


def test_no_import_cycles():
    graph = grimp.build_graph("helpers", cache_dir=None)
    assert import_cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert import_cycles(graph) == [["p.a", "p.b", "p.c", "p.a"]]


def test_layer_contract_is_kept():
    """`make lint` runs the same command; here it is part of `make test` too."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.fail("lint-imports not installed: run `make env` (import-linter is in requirements.lock)")
    result = subprocess.run([command, "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_makefile_runs_notebooks_in_the_package_kernel():
    """The kernel name is a decision of helpers (helpers.KERNEL); the Makefile, which cannot import it cheaply,
    must name the same kernel."""
    import re

    from helpers import KERNEL

    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^KERNEL\s*:=\s*(\S+)", makefile, re.M)[1] == KERNEL


NOTEBOOK_CODE_LINES = 250  # non-blank code lines: a chapter notebook reads as the analysis; its rules live in helpers/report/chapters/


def _code_cells(path: Path) -> list[str]:
    import json

    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "notebooks").glob("*.ipynb")), ids=lambda path: path.stem)
def test_notebooks_define_nothing_and_stay_short(path):
    import ast

    cells = _code_cells(path)
    for source in cells:
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        defined = [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)]
        assert defined == [], f"{path.name} defines {defined}: move the rule into src/helpers (report/chapters/...)"
    lines = sum(len([line for line in source.splitlines() if line.strip()]) for source in cells)
    assert lines <= NOTEBOOK_CODE_LINES, f"{path.name}: {lines} code lines (at most {NOTEBOOK_CODE_LINES})"


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "notebooks").glob("*.ipynb")), ids=lambda path: path.stem)
def test_the_small_threshold_parameter_is_the_project_constant(path):
    from helpers import SMALL_THRESHOLD

    parameters = [source for source in _code_cells(path) if "small_threshold =" in source]
    for source in parameters:
        value = next(line for line in source.splitlines() if line.startswith("small_threshold ="))
        assert int(value.split("=")[1].split("#")[0]) == SMALL_THRESHOLD, path.name
