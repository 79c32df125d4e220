"""The parts' manifests (``build/<year>/parts/<NN_slug>/manifest.json``): the figures and tables each part shows.

Every figure and table is an item with a kind ("figuur" or "tabel"), a number (with an optional series letter, "T1")
and a title; the fragments, the PDF checks, Bijlage B and the tabellenboek all name an item the same way
(`item_label`: "Figuur 5", "Tabel T1").
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.publish.parts import Part, PublishError

KIND_LABELS = {"figuur": "Figuur", "tabel": "Tabel"}


def load_manifest(parts_dir: Path, part: Part) -> dict:
    """The part's manifest.json; a summary or appendix without one has no figures or tables."""
    path = Path(parts_dir) / part.stem / "manifest.json"
    if not path.is_file():
        if part.kind == "chapter":
            raise PublishError(f"{path}: not found; chapter {part.stem} did not write its parts "
                               f"(run its notebook first: make report)")
        return {"items": [], "synthetic": None}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for index, item in enumerate(manifest.get("items", []), start=1):
        missing = [key for key in ("kind", "number", "title") if item.get(key) in (None, "")]
        if missing:
            raise PublishError(f"{path}: item {index} lacks {', '.join(missing)}")
        item["kind"] = str(item["kind"]).lower()
        if item["kind"] not in KIND_LABELS:
            raise PublishError(f"{path}: item {index} has kind {item['kind']!r}, expected 'figuur' or 'tabel'")
    return manifest


def item_code(item: dict) -> str:
    """The number of a figure/table as shown: "5", or "T1" for an item in a series of its own (report.yml)."""
    return f"{item.get('series') or ''}{item['number']}"


def item_label(item: dict) -> str:
    return f"{KIND_LABELS[item['kind']]} {item_code(item)}"

