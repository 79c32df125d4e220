"""The parts of the report as notebooks/report.yml lists them (summary, chapters, appendices), for the build.

Kept apart from helpers.publish.assemble so that the provenance (which lists the parts' notebooks) and the assembly
both read report.yml through this one function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


class PublishError(RuntimeError):
    """Something the report cannot be published with; the message says what and where."""


@dataclass(frozen=True)
class Part:
    """One notebook of the report: the summary, a chapter or an appendix."""

    stem: str  # notebook file name without .ipynb: the name of its executed notebook, parts folder and outputs
    slug: str
    number: int | None
    title: str
    kind: str  # "summary", "chapter" or "appendix"
    label: str = ""  # report.yml's label of a part without a number ("Bijlage A")

    @property
    def heading(self) -> str:
        """How the part is named: "1 Achtergrond", "Bijlage A Overzicht deelnemende gemeenten", "Samenvatting"."""
        if self.number is not None and self.kind == "chapter":
            return f"{self.number} {self.title}"
        if self.label and self.label.lower() not in self.title.lower() and self.title.lower() not in self.label.lower():
            return f"{self.label} {self.title}"
        return self.title


def _kind_of(entry: dict, slug: str, stem: str, title: str) -> str:
    kind = str(entry.get("kind") or entry.get("type") or "").lower()
    if kind in {"summary", "samenvatting"}:
        return "summary"
    if kind in {"appendix", "bijlage"}:
        return "appendix"
    if kind in {"chapter", "hoofdstuk"}:
        return "chapter"
    if "samenvatting" in slug or "samenvatting" in stem:
        return "summary"
    if slug.startswith("bijlage") or "bijlage" in stem or title.lower().startswith("bijlage"):
        return "appendix"
    return "chapter"


def load_parts(report_yml: Path | str) -> list[Part]:
    """The parts listed in report.yml, in the order of the combined report: summary, chapters, appendices.

    report.yml is a list of entries, or a mapping whose ``chapters`` (or ``parts``) key holds that list. An entry has
    ``notebook`` (file name), ``slug``, ``number`` and ``title``; ``kind`` (summary/chapter/appendix) is optional and
    otherwise inferred from the slug. Within each kind the listed order is kept.
    """
    path = Path(report_yml)
    if not path.is_file():
        raise PublishError(f"{path}: not found (the list of chapters of the report)")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = spec
    if isinstance(spec, dict):
        entries = next((spec[key] for key in ("chapters", "parts", "hoofdstukken") if key in spec), None)
    if not isinstance(entries, list) or not entries:
        raise PublishError(f"{path}: expected a list of chapters (or a mapping with a 'chapters' list)")
    parts = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise PublishError(f"{path}: entry {index} is not a mapping")
        notebook = entry.get("notebook") or entry.get("file") or entry.get("path")
        if not notebook:
            raise PublishError(f"{path}: entry {index} has no 'notebook'")
        stem = Path(str(notebook)).stem
        slug = str(entry.get("slug") or re.sub(r"^\d+_", "", stem))
        title = str(entry.get("title") or slug)
        number = entry.get("number")
        parts.append(Part(stem=stem, slug=slug, number=int(number) if isinstance(number, int) else None,
                          title=title, kind=_kind_of(entry, slug, stem, f"{entry.get('label') or ''} {title}".strip()),
                          label=str(entry.get("label") or "")))
    for attribute in ("stem", "slug"):
        values = [getattr(part, attribute) for part in parts]
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            raise PublishError(f"{path}: {attribute} listed twice: {', '.join(duplicates)}")
    order = {"summary": 0, "chapter": 1, "appendix": 2}
    return sorted(parts, key=lambda part: order[part.kind])  # sorted() is stable: listed order within a kind
