"""The parts of the report as notebooks/report.yml lists them (summary, chapters, appendices), for the build.

Kept apart from helpers.publish.assemble so that the provenance (which lists the parts' notebooks) and the assembly
both read report.yml through this one function, an adapter of helpers.report.outline.load_outline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.report.outline import PART_KINDS, OutlineError, load_outline


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


def load_parts(report_yml: Path | str) -> list[Part]:
    """The parts listed in report.yml, in the order of the combined report: summary, chapters, appendices (within
    each kind the listed order). Read by helpers.report.outline.load_outline, the one parser of report.yml; its
    OutlineError becomes a PublishError."""
    try:
        outline = load_outline(report_yml)
    except OutlineError as error:
        raise PublishError(str(error)) from None
    parts = [Part(stem=c.stem, slug=c.slug, number=c.number, title=c.title, kind=c.kind, label=c.label)
             for c in outline.chapters]
    order = {kind: position for position, kind in enumerate(PART_KINDS)}
    return sorted(parts, key=lambda part: order[part.kind])  # sorted() is stable: listed order within a kind
