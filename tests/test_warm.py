"""helpers.publish.warm: kernels forked from a warm server, one fresh process per notebook.

The isolation test runs notebooks through helpers.publish.runner.execute (as make does) in the project kernel
`flitspeiling` (skipped without it): what one notebook sets (a global, a matplotlib rcParam, a pandas option, an
attribute of an imported module) must not reach the next one, and both must be children of the same warm server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.publish import runner, warm

needs_kernel = pytest.mark.skipif(
    not (Path(sys.prefix) / "share" / "jupyter" / "kernels" / runner.KERNEL).is_dir(),
    reason="no Jupyter kernel 'flitspeiling' (make env)")

REPORTS_PROCESS = "import os\nprint('process', os.getpid(), os.getppid())"
SETS_EVERYTHING = (
    "import json, matplotlib, pandas as pd\n"
    "leaked_global = 42\n"
    "matplotlib.rcParams['lines.linewidth'] = 7.0\n"
    "pd.set_option('display.max_rows', 3)\n"
    "json.flitspeiling_marker = 'set by the first notebook'")
SEES_NOTHING = (
    "import json, sys, matplotlib, pandas as pd\n"
    "found = {'global': 'leaked_global' in globals(), 'rcParam': matplotlib.rcParams['lines.linewidth'],\n"
    "         'pandas': pd.get_option('display.max_rows'), 'module': hasattr(json, 'flitspeiling_marker'),\n"
    "         'helpers': sorted(name for name in sys.modules if name == 'helpers' or name.startswith('helpers.'))}\n"
    "print('found', found)")


def _notebook(path: Path, *cells: str) -> Path:
    path.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{index}", "metadata": {}, "outputs": [],
                   "source": source} for index, source in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python (flitspeiling)", "language": "python",
                                    "name": runner.KERNEL}},
        "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def _printed(executed: Path, prefix: str) -> str:
    for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            for line in "".join(output.get("text", "")).splitlines():
                if line.startswith(prefix + " "):
                    return line[len(prefix) + 1:]
    raise AssertionError(f"{executed.name} printed no line starting with {prefix!r}")


@needs_kernel
def test_a_notebook_cannot_touch_the_next_one(tmp_path, monkeypatch):
    monkeypatch.setenv(warm.ENABLED_ENV, "1")
    first = _notebook(tmp_path / "first.ipynb", SETS_EVERYTHING, REPORTS_PROCESS)
    second = _notebook(tmp_path / "second.ipynb", SEES_NOTHING, REPORTS_PROCESS)
    runner.execute(first, tmp_path / "first.out.ipynb", {}, cwd=tmp_path)
    runner.execute(second, tmp_path / "second.out.ipynb", {}, cwd=tmp_path)

    found = eval(_printed(tmp_path / "second.out.ipynb", "found"))  # noqa: S307 - our own notebook's dict literal
    assert found == {"global": False, "rcParam": 1.5, "pandas": 60, "module": False, "helpers": []}
    first_pid, first_parent = _printed(tmp_path / "first.out.ipynb", "process").split()
    second_pid, second_parent = _printed(tmp_path / "second.out.ipynb", "process").split()
    # Two processes, forked from one warm server (not from this test process: papermill would start them so).
    assert first_pid != second_pid
    assert first_parent == second_parent != str(os.getpid())
    assert warm.alive(warm.socket_path())


@needs_kernel
def test_without_the_warm_server_the_kernel_is_started_as_usual(tmp_path, monkeypatch):
    monkeypatch.setenv(warm.ENABLED_ENV, "0")
    notebook = _notebook(tmp_path / "plain.ipynb", REPORTS_PROCESS)
    runner.execute(notebook, tmp_path / "plain.out.ipynb", {}, cwd=tmp_path)
    _, parent = _printed(tmp_path / "plain.out.ipynb", "process").split()
    assert parent == str(os.getpid())  # the kernel is this process's own child


REPORTS_RUNNER = "import os\nprint('runner', os.environ.get('FLITSPEILING_WARM_CHILD', 'none'))"


def _run_runner(tmp_path: Path, notebook: Path, enabled: str) -> subprocess.CompletedProcess:
    """`python -m helpers.publish.runner` as make runs it (a fresh process, this checkout's helpers)."""
    env = {**os.environ, warm.ENABLED_ENV: enabled}
    return subprocess.run([sys.executable, "-m", "helpers.publish.runner", "--year", "1", "--root", str(tmp_path),
                           "--no-fragment", str(notebook)], capture_output=True, text=True, check=False, env=env,
                          timeout=300)


@needs_kernel
def test_the_runner_runs_as_a_child_of_the_server_and_reports_as_itself(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    good = _notebook(notebooks / "good.ipynb", REPORTS_RUNNER)
    done = _run_runner(tmp_path, good, "1")
    assert done.returncode == 0, done.stderr
    executed = tmp_path / "build" / "1" / "notebooks" / "good.ipynb"
    # The kernel inherits the environment of the runner that started it: the runner forked by the server.
    assert _printed(executed, "runner") == "1"
    # A failing notebook: the same exit status and messages as a runner of its own, the notebook kept as .failed.
    bad = _notebook(notebooks / "bad.ipynb", "raise ValueError('kapot')")
    done = _run_runner(tmp_path, bad, "1")
    assert done.returncode == 1
    assert "ValueError: kapot" in done.stderr and "bad.failed.ipynb" in done.stderr
    assert (tmp_path / "build" / "1" / "notebooks" / "bad.failed.ipynb").is_file()
    # Without the warm server the runner runs in the command's own process.
    done = _run_runner(tmp_path, good, "0")
    assert done.returncode == 0, done.stderr
    assert _printed(executed, "runner") == "none"


def test_only_ipykernel_commands_are_replaced(monkeypatch):
    monkeypatch.setattr(warm, "ensure_server", lambda python: "/tmp/server.sock")
    command = [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "/tmp/kernel-1.json"]
    assert warm.kernel_command(command) == [sys.executable, "-I", "-S", warm.SHIM, "/tmp/server.sock",
                                            "/tmp/kernel-1.json"]
    assert warm.kernel_command(["R", "--slave", "-e", "IRkernel::main()", "--args", "/tmp/k.json"]) is None
    assert warm.kernel_command([sys.executable, "-m", "other_kernel", "-f", "/tmp/k.json"]) is None


def test_the_server_is_per_environment(monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)
    plain = warm.socket_path(sys.executable)
    monkeypatch.setenv("PYTHONPATH", "/elsewhere/src")
    assert warm.socket_path(sys.executable) != plain  # another checkout's helpers: another server
    assert warm.socket_path(sys.executable) == warm.socket_path(sys.executable)


def test_disabled_by_the_environment(monkeypatch):
    for value, expected in (("0", False), ("off", False), ("1", True), ("", True)):
        monkeypatch.setenv(warm.ENABLED_ENV, value)
        assert warm.enabled() is expected


def test_the_shim_needs_no_project_imports():
    """The shim runs with python -I -S (no site-packages): the module must import with the standard library only."""
    done = subprocess.run([sys.executable, "-I", "-S", "-c", f"import runpy; runpy.run_path({warm.SHIM!r})"],
                          capture_output=True, text=True, check=False)
    assert "ModuleNotFoundError" not in done.stderr and "ImportError" not in done.stderr, done.stderr
