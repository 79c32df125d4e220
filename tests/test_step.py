"""tools/step.py, the build's step runner: a quiet line on success; on failure the error and the log's path."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from helpers import REPO_ROOT

STEP = REPO_ROOT / "tools" / "step.py"


def _step(*arguments: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(STEP), *arguments], capture_output=True, text=True, check=False,
                          cwd=cwd, env=env, timeout=60)


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_succeeding_step_prints_one_line_and_keeps_its_output_in_the_log(tmp_path):
    log = tmp_path / "logs" / "chapter.log"
    chatty = "import sys; print('papermill progress 100%'); print('[IPKernelApp] WARNING | TCP', file=sys.stderr)"
    done = _step("run", "--log", str(log), "chapter 03_inhoud (2023)", "--", *_python(chatty))
    assert done.returncode == 0
    assert done.stderr == ""
    assert re.fullmatch(r"chapter 03_inhoud \(2023\)  \d+\.\d s\n", done.stdout), done.stdout
    assert "papermill progress" in log.read_text() and "IPKernelApp" in log.read_text()


def test_a_failing_step_prints_the_error_and_the_log_path_and_fails(tmp_path):
    log = tmp_path / "cleaning.log"
    failing = "import sys; print('noise ' * 3); sys.exit('ValueError: data/raw/x.csv, row 3: expected a code')"
    done = _step("run", "--log", str(log), "cleaning (2023)", "--", *_python(failing))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "FAILED cleaning (2023)" in done.stderr
    assert "ValueError: data/raw/x.csv, row 3: expected a code" in done.stderr
    assert f"full log: {log}" in done.stderr


def test_a_command_that_cannot_start_fails_with_its_log(tmp_path):
    done = _step("run", "--log", str(tmp_path / "x.log"), "missing", "--", str(tmp_path / "no-such-program"))
    assert done.returncode == 127 and "full log" in done.stderr


def test_verbose_lets_the_output_through(tmp_path):
    done = _step("run", "--verbose", "--log", str(tmp_path / "x.log"), "step", "--", *_python("print('chatter')"))
    assert done.returncode == 0 and "chatter" in done.stdout
    assert not (tmp_path / "x.log").exists()


def test_last_line_ends_the_success_line_with_the_commands_summary(tmp_path):
    done = _step("run", "--last-line", "--log", str(tmp_path / "x.log"), "factsheets (2023)", "--",
                 *_python("print('kernel chatter'); print('74 factsheets in 12.0 s')"))
    assert done.stdout.startswith("factsheets (2023)") and done.stdout.rstrip().endswith("(74 factsheets in 12.0 s)")


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_a_plan_shows_progress_over_the_steps_make_runs(tmp_path):
    """A small Makefile of three steps under `plan`: the dry run counts three; each line says done/total."""
    step = f"{sys.executable} {STEP} run"
    rules = "".join(f"s{i}:\n\t@{step} --log logs/s{i}.log \"step {i}\" -- true\n" for i in range(3))
    (tmp_path / "Makefile").write_text(f"all: s0 s1 s2\n{rules}", encoding="utf-8")
    done = _step("plan", "three steps", "--", "make", "--no-print-directory", "-j2", "all", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "three steps: 3 steps" and lines[-1].startswith("three steps: done in ")
    counters = sorted(re.match(r"\[(\d)/3\] step \d  ", line)[1] for line in lines[1:-1])
    assert counters == ["1", "2", "3"]
    assert "about" in lines[1] and "left" in lines[1] and "left" not in lines[3]
