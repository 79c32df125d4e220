"""`make lab` is the researchers' front door: it starts as root (a container) and without a display (it prints the
URL), and every chapter notebook opens with the project kernel. The test starts it headless on a free port, asks the
server over its REST API, opens a session on chapter 3 (which starts the kernel) and stops everything."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import KERNEL

REPO_ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.build


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture()
def lab():
    port, token = _free_port(), secrets.token_hex(16)
    env = {key: value for key, value in os.environ.items() if key not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    process = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_PORT={port}",
                                f"LAB_ARGS=--ServerApp.token={token}"],
                               cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"make lab stopped (exit {process.returncode}):\n{process.stdout.read()[-3000:]}")
            try:
                _api(base, token, "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within 120 s")
                time.sleep(0.5)
        yield base, token, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_lab_starts_headless_and_opens_a_chapter_with_the_project_kernel(lab):
    base, token, process = lab
    specs = _api(base, token, "/api/kernelspecs")
    assert specs["default"] == KERNEL
    assert KERNEL in specs["kernelspecs"]
    notebook = _api(base, token, "/api/contents/03_inhoud.ipynb?content=1")
    assert notebook["content"]["metadata"]["kernelspec"]["name"] == KERNEL
    session = _api(base, token, "/api/sessions", "POST",
                   {"path": "03_inhoud.ipynb", "type": "notebook", "name": "03_inhoud.ipynb", "kernel": {"name": KERNEL}})
    assert session["kernel"]["name"] == KERNEL
    _api(base, token, f"/api/sessions/{session['id']}", "DELETE")
    # As root the server only started because make passed --allow-root; without a display no browser was tried.
    assert process.poll() is None


def test_every_report_notebook_names_the_project_kernel():
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        assert metadata["kernelspec"]["name"] == KERNEL, path.name


def test_saving_in_lab_writes_the_text_twin_too(lab):
    """jupytext's contents manager (notebooks/jupytext.toml): a notebook saved in Lab gets its notebooks/py twin."""
    base, token, _ = lab
    name = "zz_twin_probe.ipynb"
    twin = REPO_ROOT / "notebooks" / "py" / "zz_twin_probe.py"
    notebook = {"cells": [{"cell_type": "code", "source": "n = 1 + 1", "metadata": {}, "outputs": [],
                           "execution_count": None}],
                "metadata": {"kernelspec": {"name": KERNEL, "display_name": "Python (flitspeiling)",
                                            "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    try:
        _api(base, token, f"/api/contents/{name}", "PUT", {"type": "notebook", "format": "json", "content": notebook})
        assert "# %%\nn = 1 + 1" in twin.read_text(encoding="utf-8")
    finally:
        (REPO_ROOT / "notebooks" / name).unlink(missing_ok=True)
        twin.unlink(missing_ok=True)
