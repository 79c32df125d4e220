"""The unit run (`make unit`, pytest -m "not build and not data") stays fast: a test that runs a notebook in a kernel,
runs make or builds factsheets must be listed as `build` in tests/conftest.py.

Read from the test files' source (ast), so this needs nothing built. A test counts as running a notebook when its body,
a fixture of its module it asks for or a function of its module it calls (followed further the same way) calls one of
NOTEBOOK_CALLS.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import conftest
import pytest

TESTS = Path(__file__).parent

# Calls that start a Jupyter kernel, make or a report build (as the source writes them).
NOTEBOOK_CALLS = ("notebook_runs.execute", "notebook_runs.run_chapter", "execute_notebook", "run_chapter.run",
                  "run_chapter.main", "build_factsheets", 'parent / "papermill"', '(["make"')


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _runs_a_notebook(name: str, functions: dict[str, ast.FunctionDef], source: str, seen: set[str]) -> bool:
    """Whether function `name`, a module fixture it asks for or a module function it calls (recursively) calls one of
    NOTEBOOK_CALLS."""
    if name in seen or name not in functions:
        return False
    seen.add(name)
    node = functions[name]
    body = ast.get_source_segment(source, node) or ""
    if any(call in body for call in NOTEBOOK_CALLS):
        return True
    called = {call.func.id for call in ast.walk(node) if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)}
    return any(_runs_a_notebook(other, functions, source, seen) for other in [arg.arg for arg in node.args.args] + sorted(called))


def _notebook_tests(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    functions = _functions(path)
    return [name for name in functions if name.startswith("test_") and _runs_a_notebook(name, functions, source, set())]


def _marked_in_the_file(path: Path) -> set[str]:
    """Tests a file marks `build` itself: every test under `pytestmark = pytest.mark.build`, or by decorator."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    functions = _functions(path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets) \
                and "mark.build" in (ast.get_source_segment(source, node.value) or ""):
            return set(functions)
    return {name for name, node in functions.items()
            if any("mark.build" in (ast.get_source_segment(source, d) or "") for d in node.decorator_list)}


def test_the_detector_finds_a_notebook_run_through_a_fixture(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n\n"
        "@pytest.fixture\n"
        "def executed(tmp_path):\n    return notebook_runs.execute(NOTEBOOK, tmp_path / 'x.ipynb', year=2023)\n\n"
        "@pytest.fixture\n"
        "def shown(executed):\n    return executed.read_text()\n\n"
        "def test_fast():\n    assert 1 + 1 == 2\n\n"
        "def test_slow(shown):\n    assert shown\n", encoding="utf-8")
    assert _notebook_tests(sample) == ["test_slow"]


@pytest.mark.parametrize("path", sorted(set(TESTS.glob("test_*.py")) - {Path(__file__)}), ids=lambda path: path.stem)
def test_every_test_that_runs_a_notebook_is_marked_build(path):
    unmarked = [name for name in _notebook_tests(path)
                if not conftest._listed(conftest.BUILD, path.stem, name) and name not in _marked_in_the_file(path)]
    assert unmarked == [], f"add to BUILD in tests/conftest.py: {path.stem}: {unmarked}"


def test_every_listed_module_exists():
    modules = {path.stem for path in TESTS.glob("test_*.py")}
    for marker, table in conftest.MARKERS.items():
        assert set(table) <= modules, (marker, sorted(set(table) - modules))


def test_a_renamed_test_is_reported_as_stale():
    listed = sorted(conftest.BUILD["test_summary"])
    assert conftest.stale_entries({"test_summary": SimpleNamespace(**dict.fromkeys(listed))}) == []
    assert conftest.stale_entries({"test_summary": SimpleNamespace()}) == [f"test_summary::{name} (build)"
                                                                          for name in listed]
    assert conftest.stale_entries({"test_accessibility": SimpleNamespace()}) == []  # a whole module names no test


def test_listed_reads_whole_modules_and_single_tests():
    assert conftest._listed(conftest.BUILD, "test_accessibility", "any_name")
    assert conftest._listed(conftest.BUILD, "test_summary", "test_notebook_on_fake_manifests")
    assert not conftest._listed(conftest.BUILD, "test_summary", "test_compare_counts_exactly")
    assert not conftest._listed(conftest.BUILD, "test_formatting", "test_anything")
