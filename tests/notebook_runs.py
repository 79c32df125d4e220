"""Running a report notebook in a test with the project's one runner (helpers.publish.runner), and the text it showed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def execute(notebook: Path, output: Path, **parameters) -> Path:
    """Run `notebook` as the Makefile does (helpers.publish.runner.execute: papermill, kernel flitspeiling, working
    directory notebooks/) into `output`."""
    pytest.importorskip("papermill")
    from helpers.publish import runner

    runner.execute(notebook, output, parameters, cwd=notebook.parent)
    return output


def shown_text(executed: Path) -> str:
    """Everything the executed notebook showed: per output its Markdown, else its HTML."""
    shown = []
    for cell in json.loads(Path(executed).read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            shown.append("".join(data.get("text/markdown", data.get("text/html", ""))))
    return "\n".join(shown)


def run_chapter(notebook: Path, year: int, tmp_path: Path, **parameters) -> tuple[dict, Path, str]:
    """Run a chapter for `year` with its parts in a temporary folder: (manifest, parts folder, shown text)."""
    parts = tmp_path / f"parts_{year}"
    output = execute(notebook, tmp_path / f"{notebook.stem}_{year}.ipynb", year=year, parts_dir=str(parts),
                     **parameters)
    manifest = json.loads((parts / "manifest.json").read_text(encoding="utf-8"))
    return manifest, parts, shown_text(output)
