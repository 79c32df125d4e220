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
