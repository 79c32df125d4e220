"""Putting a publication in place: the lock, the atomic swap of a staging directory and the MANIFEST written last.

Everything is built in a staging directory and moved into place (``reports/<year>/``) only when all of it succeeded,
so a failed build leaves the previous publication as it was. Files and folders in the target made by other steps
(CARRIED_OVER: ``datakwaliteit.html`` from ``make data``; CARRIED_OVER_DIRS: ``factsheets/`` from ``make
factsheets``) are carried over. `make report` and `make factsheets` take the same lock (`publication_lock`), so they
may run at once under make -j.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

from helpers.core.reproducible import sha256_file
from helpers.publish.pages import report_title
from helpers.publish.provenance import Provenance

# Files in reports/<year>/ written by other steps; a new publication keeps them.
CARRIED_OVER = ("datakwaliteit.html",)
# Folders in reports/<year>/ written by other steps (make factsheets: confidential, never listed in the MANIFEST or
# linked); a new publication moves them over unchanged.
CARRIED_OVER_DIRS = ("factsheets",)


@contextlib.contextmanager
def publication_lock(target: Path):
    """Hold an exclusive lock on `target`'s swap (file .<name>.lock next to it): `make report` replaces
    reports/<year>/ and `make factsheets` replaces reports/<year>/factsheets/, possibly at once under make -j."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def swap_into_place(staging: Path, target: Path, lock: bool = True) -> None:
    """Replace `target` by `staging` with two renames; on failure the previous target is put back. The folders of
    CARRIED_OVER_DIRS move from the previous target into the new one. `lock=False`: the caller holds the lock."""
    with publication_lock(target) if lock else contextlib.nullcontext():
        _swap_unlocked(staging, target)


def _swap_unlocked(staging: Path, target: Path) -> None:
    """The swap itself: carried-over files copied into staging, staging moved next to the target when it is on
    another file system, the target renamed aside, staging renamed into place, the carried-over folders moved in."""
    for name in CARRIED_OVER:
        if (target / name).is_file() and not (staging / name).exists():
            shutil.copy2(target / name, staging / name)
    target.parent.mkdir(parents=True, exist_ok=True)
    if staging.stat().st_dev != target.parent.stat().st_dev:  # renames cannot cross file systems: copy next to it
        nearby = target.with_name(f".{target.name}.staging")
        if nearby.exists():
            shutil.rmtree(nearby)
        shutil.copytree(staging, nearby)
        shutil.rmtree(staging)
        staging = nearby
    previous = staging.with_name(staging.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        os.replace(target, previous)
    try:
        os.replace(staging, target)
    except OSError:
        if previous.exists():
            os.replace(previous, target)
        raise
    for name in CARRIED_OVER_DIRS:
        if (previous / name).is_dir() and not (target / name).exists():
            os.replace(previous / name, target / name)
    shutil.rmtree(previous, ignore_errors=True)


def write_manifest(directory: Path, year: int, provenance: Provenance | None = None) -> None:
    """reports/<year>/MANIFEST, written last: every file of the publication with its SHA-256 and size.

    Format (UTF-8, "\\n" line ends): comment lines starting with "# " first: the title line, this format, then the
    provenance (``commit: <sha> [(met niet-vastgelegde wijzigingen)]``, ``parameters: name=value ...``, ``data:
    synthetic|real/unknown|inconsistent|unknown``, ``inputs: <SHA-256 over the colophon's list of input files>``) and
    the files not written by helpers.publish.assemble (``carried over: datakwaliteit.html``). Then one line per file in the
    directory except MANIFEST, sorted by name: ``<sha256, 64 hex>  <bytes, right-aligned in 9>  <name>``. Check with
    ``grep -v '^#' MANIFEST | awk '{print $1 "  " $3}' | sha256sum -c``.
    """
    files = sorted(path for path in directory.iterdir() if path.is_file() and path.name != "MANIFEST")
    lines = [f"# {report_title(year)}: published files (sha256, bytes, name)",
             "# Format: '# ' comment lines, then per file: <sha256>  <bytes, right-aligned in 9>  <name>, sorted by "
             "name; check: grep -v '^#' MANIFEST | awk '{print $1 \"  \" $3}' | sha256sum -c"]
    lines += [f"# {line}" for line in (provenance.manifest_lines() if provenance is not None else [])]
    carried = [path.name for path in files if path.name in CARRIED_OVER]
    if carried:
        lines.append(f"# carried over (written by make data, not by helpers.publish.assemble): {', '.join(carried)}")
    lines += [f"{sha256_file(path)}  {path.stat().st_size:>9}  {path.name}" for path in files]
    (directory / "MANIFEST").write_text("\n".join(lines) + "\n", encoding="utf-8")
