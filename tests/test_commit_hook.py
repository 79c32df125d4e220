"""The commit-time guard against notebooks with outputs (tools/git-hooks/pre-commit, installed by `make env`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
HOOK = REPO_ROOT / "tools" / "git-hooks" / "pre-commit"


def _git(repo: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *arguments], cwd=repo,
                          capture_output=True, text=True)


def _notebook(path: Path, outputs: bool) -> None:
    cell = {"cell_type": "code", "execution_count": 1 if outputs else None, "id": "c1", "metadata": {},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "53\n"}] if outputs else [],
            "source": "print(53)"}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")


@pytest.fixture()
def repo(tmp_path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("no git")
    _git(tmp_path, "init", "-q")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy2(HOOK, hooks / "pre-commit")
    _git(tmp_path, "config", "core.hooksPath", "hooks")
    return tmp_path


def test_a_notebook_with_outputs_is_refused_at_commit(repo):
    _notebook(repo / "03_inhoud.ipynb", outputs=True)
    _git(repo, "add", "03_inhoud.ipynb")
    done = _git(repo, "commit", "-q", "-m", "analysis")
    assert done.returncode != 0
    assert "03_inhoud.ipynb: 1 code cell(s) with outputs" in done.stderr and "--clear-output" in done.stderr
    assert _git(repo, "rev-parse", "--verify", "HEAD").returncode != 0  # nothing was committed


def test_a_clean_notebook_is_committed(repo):
    _notebook(repo / "03_inhoud.ipynb", outputs=False)
    _git(repo, "add", "03_inhoud.ipynb")
    assert _git(repo, "commit", "-q", "-m", "analysis").returncode == 0


def test_make_env_installed_the_hook_in_this_checkout():
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "config", "--get", "core.hooksPath"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "tools/git-hooks", "run make env (it sets git config core.hooksPath tools/git-hooks)"
