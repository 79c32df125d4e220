"""Which run wrote a part: the record helpers.publish.runner keeps of every build run of a report notebook, and the
check helpers.publish.assemble makes against it before it publishes anything.

A chapter run outside the build (JupyterLab, nbclient, papermill by hand) writes to build/<year>/interactive/ (see
helpers.report.chapter.Chapter), but a run given the build's parts_dir by hand could still overwrite what the build
wrote. So after each run the runner records the notebook, its parameters, the executed notebook and every file of the
parts folder with its SHA-256 in build/<year>/notebooks/<stem>.run.json, and publishing refuses parts that are not
exactly what the recorded run wrote.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from helpers.core.reproducible import sha256_file

RECORD_SUFFIX = ".run.json"
# What the notebooks that read this part's output (the summary reads the chapters' key figures and cijfers) depend on in
# make: the hash of every file of the parts folder, rewritten only when that changed (see write_parts_stamp).
STAMP_SUFFIX = ".parts.sha256"


def record_path(notebooks_dir: Path, stem: str) -> Path:
    return Path(notebooks_dir) / f"{stem}{RECORD_SUFFIX}"


def parts_hashes(parts_dir: Path) -> dict[str, str]:
    """Every file under `parts_dir` (relative POSIX path) with its SHA-256; {} when the folder does not exist."""
    parts_dir = Path(parts_dir)
    if not parts_dir.is_dir():
        return {}
    return {path.relative_to(parts_dir).as_posix(): sha256_file(path)
            for path in sorted(parts_dir.rglob("*")) if path.is_file()}


def stamp_path(notebooks_dir: Path, stem: str) -> Path:
    return Path(notebooks_dir) / f"{stem}{STAMP_SUFFIX}"


def write_parts_stamp(path: Path, hashes: Mapping[str, str]) -> bool:
    """Write the parts' hashes to `path` only when they differ from what it holds; returns whether it wrote.

    An untouched stamp keeps its modification time, so make (which re-reads a target's time after its rule ran) does
    not run the summary again after an edit that changed a chapter's text but none of its numbers."""
    path = Path(path)
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(hashes.items()))
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return True


def write_record(path: Path, notebook: Path, parameters: Mapping, executed: Path, parts_dir: Path) -> dict:
    """Record one build run (atomically); returns the record."""
    record = {"notebook": Path(notebook).name, "notebook_sha256": sha256_file(notebook),
              "parameters": {key: parameters[key] for key in sorted(parameters)},
              "executed_sha256": sha256_file(executed), "parts": parts_hashes(parts_dir)}
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(record, sort_keys=True, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return record


def check_parts(notebooks_dir: Path, parts_dir: Path, stem: str) -> list[str]:
    """What differs between part `stem` as it is on disk and what its recorded build run wrote ([] when they agree)."""
    path = record_path(notebooks_dir, stem)
    if not path.is_file():
        return [f"{stem}: no record of a build run ({path.name}); its parts were not written by make"]
    record = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    executed = Path(notebooks_dir) / f"{stem}.ipynb"
    if not executed.is_file() or sha256_file(executed) != record.get("executed_sha256"):
        problems.append(f"{stem}: the executed notebook {executed.name} is not the one of the recorded run")
    recorded, found = record.get("parts") or {}, parts_hashes(Path(parts_dir) / stem)
    changed = sorted(name for name in recorded.keys() & found.keys() if recorded[name] != found[name])
    added, missing = sorted(found.keys() - recorded.keys()), sorted(recorded.keys() - found.keys())
    for label, names in (("changed after the run", changed), ("not written by the run", added),
                         ("written by the run but gone", missing)):
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            problems.append(f"{stem}: {label}: {shown}")
    return problems
