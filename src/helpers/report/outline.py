"""The outline of the report (notebooks/report.yml): its parts, its figures and tables, its key figures.

`load_outline` is the one parser of report.yml. The chapters (helpers.report.chapter), the summary
(helpers.report.summary), the build (helpers.publish.parts) and the Makefile (``python -m helpers.report.outline
--make``, see `make_include`) all read the outline through it, and it is strict: an unknown key, kind, chapter,
question or key figure type is an OutlineError naming the entry.

Key figures (report.yml ``key_figures``) are the numbers the chapters hand to the summary with ``ch.number(name,
value)``. Each is declared once with its type, its chapter and a one-line description; a family of names is declared as
a pattern with one placeholder (``gewogen_<indicator>``; ``<wave>`` stands for a year). `requires` and `min_waves` say
in which waves a chapter must register the figure, with the meaning they have for items: a wave that did not ask the
`requires` questions (or in which fewer than `min_waves` waves up to it asked them) may leave it out.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from helpers import REPO_ROOT
from helpers.core import yamlfiles
from helpers.data.codebook import Codebook, codebook

OUTLINE_FILE = REPO_ROOT / "notebooks" / "report.yml"
KINDS = ("figuur", "tabel")
PART_KINDS = ("summary", "chapter", "appendix")
# The types of key figures: what the value registered with ch.number must be (None is always allowed: not asked, or
# no earlier wave to compare with).
KEY_FIGURE_TYPES = {
    "percentage": "a share in percent (int or float)",
    "points": "a difference in percentage points (int or float)",
    "count": "a whole number (int)",
    "flag": "yes or no (bool)",
    "list": "a list of labels (texts or {label: ...})",
    "mapping": "a mapping, e.g. {theme: count}",
}
_TOP_KEYS = {"version", "title", "publisher", "chapters", "items", "key_figures"}
_CHAPTER_KEYS = {"slug", "kind", "number", "title", "notebook", "label", "discusses"}
_ITEM_KEYS = {"id", "kind", "chapter", "title", "requires", "question", "title_wave", "series", "min_waves"}
_KEY_FIGURE_KEYS = {"name", "type", "chapter", "description", "requires", "min_waves"}
_PLACEHOLDER = re.compile(r"<([a-z_]+)>")


class OutlineError(ValueError):
    """report.yml contradicts itself or the codebook; the message names the entry."""


@dataclass(frozen=True)
class ChapterSpec:
    slug: str
    number: int | None
    title: str
    notebook: str
    label: str = ""
    kind: str = "chapter"  # "summary", "chapter" or "appendix" (PART_KINDS); only a chapter has a number
    # Questions the part discusses in its text without a figure or table of their own (report.yml `discusses`): with
    # the `question`/`requires` of its items they are what the part shows (Outline.shown_questions).
    discusses: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """The notebook's file name without .ipynb ("01_achtergrond"): the name of its parts folder."""
        return Path(self.notebook).stem

    @property
    def heading(self) -> str:
        """ "1 Achtergrond", or the title for a part without a number ("Samenvatting en conclusie")."""
        return f"{self.number} {self.title}" if self.number is not None else self.title


@dataclass(frozen=True)
class ItemSpec:
    id: str
    kind: str
    chapter: int | str
    title: str
    requires: tuple[str, ...] = ()
    question: str = ""
    title_wave: str = ""
    series: str = ""  # a letter prefix numbering the item in a series of its own ("Figuur T1"), see report.yml
    min_waves: int = 0  # in a wave's report only when at least this many waves up to it asked `requires` (trends)


@dataclass(frozen=True)
class KeyFigureSpec:
    """One declared key figure, or a family of them (`name` with a placeholder: "gewogen_<indicator>")."""

    name: str
    type: str
    chapters: tuple[str, ...]  # the slugs of the chapters that register it
    description: str
    requires: tuple[str, ...] = ()
    min_waves: int = 0

    @property
    def is_pattern(self) -> bool:
        return bool(_PLACEHOLDER.search(self.name))

    def matches(self, name: str) -> bool:
        if not self.is_pattern:
            return name == self.name
        parts = _PLACEHOLDER.split(self.name)  # literal, placeholder, literal, ...
        regex = "".join(re.escape(part) if i % 2 == 0 else (r"\d{4}" if part == "wave" else r"[a-z0-9_]+")
                        for i, part in enumerate(parts))
        return re.fullmatch(regex, name) is not None

    def accepts(self, value: Any) -> bool:
        """Is `value` of this figure's type (None always is)?"""
        if value is None:
            return True
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return {"percentage": number, "points": number, "count": isinstance(value, int) and not isinstance(value, bool),
                "flag": isinstance(value, bool), "list": isinstance(value, list),
                "mapping": isinstance(value, dict)}[self.type]


@dataclass(frozen=True)
class Outline:
    chapters: tuple[ChapterSpec, ...]
    items: tuple[ItemSpec, ...]
    title: str = ""
    key_figures: tuple[KeyFigureSpec, ...] = ()
    cb: Codebook | None = field(default=None, compare=False, repr=False)

    def chapter(self, key: int | str) -> ChapterSpec:
        """A chapter by number (1-5) or slug ("samenvatting", "bijlage_a", "achtergrond")."""
        for chapter in self.chapters:
            if chapter.slug == key or (chapter.number is not None and str(chapter.number) == str(key)):
                return chapter
        raise KeyError(f"no chapter {key!r} in report.yml; chapters: "
                       f"{[c.number if c.number is not None else c.slug for c in self.chapters]}")

    def item(self, item_id: str) -> ItemSpec:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"no figure or table {item_id!r} in report.yml; items: {[i.id for i in self.items]}")

    def items_of(self, chapter: int | str) -> list[ItemSpec]:
        spec = self.chapter(chapter)
        return [i for i in self.items if str(i.chapter) in (str(spec.number), spec.slug)]

    def _asks_all(self, requires: Sequence[str], year: int, min_waves: int = 0,
                  available: Sequence[int] | None = None) -> bool:
        """Did wave `year` ask `requires`, and (with `min_waves`) did that many waves up to it ask them; `available`:
        count only these waves (those with processed data, when a chapter knows them)."""
        cb = self.cb or codebook()
        if not all(cb.wave(year).asks(question) for question in requires):
            return False
        if min_waves:
            asking = [w for w in cb.waves if w <= int(year) and all(cb.wave(w).asks(q) for q in requires)
                      and (available is None or w in available)]
            return len(asking) >= min_waves
        return True

    def asked(self, item_id: str, year: int) -> bool:
        """Did wave `year` ask every question item `item_id` requires (and, for an item with `min_waves`, did at least
        that many waves up to `year` ask them)?"""
        item = self.item(item_id)
        return self._asks_all(item.requires, year, item.min_waves)

    def number(self, item_id: str, year: int) -> int | None:
        """The global number of the item in wave `year` (Figuur 5, Tabel 1), or None when the wave lacks it."""
        item = self.item(item_id)
        if not self.asked(item_id, year):
            return None
        same_kind = [i for i in self.items if i.kind == item.kind and i.series == item.series and self.asked(i.id, year)]
        return [i.id for i in same_kind].index(item_id) + 1

    def code(self, item_id: str, year: int) -> str | None:
        """The item's number as shown: "5" or, in a series of its own, "T1"; None when the wave lacks it."""
        number = self.number(item_id, year)
        return None if number is None else f"{self.item(item_id).series}{number}"

    def title_for(self, item_id: str, year: int) -> str:
        """The item's title; for a wave other than 2023 the `title_wave` variant where there is one."""
        item = self.item(item_id)
        if not item.title_wave:
            return item.title
        waves = sorted(w for w in (self.cb or codebook()).waves if w <= int(year))
        span = f"{waves[0]}-{waves[-1]}" if len(waves) > 1 else str(waves[0])
        return item.title_wave.format(waves=span, year=year)

    def numbering(self, year: int):
        """Every item with its number and title in wave `year` (number <NA> when left out): Bijlage B."""
        import pandas as pd

        rows = [{"id": i.id, "kind": i.kind, "chapter": str(i.chapter), "number": self.number(i.id, year),
                 "series": i.series, "code": self.code(i.id, year), "title": self.title_for(i.id, year),
                 "requires": ", ".join(i.requires)} for i in self.items]
        return pd.DataFrame(rows).astype({"number": "Int64"})

    # Which questions the report shows (Bijlage C shows the others)

    def shown_questions(self, year: int) -> dict[str, list[str]]:
        """{question: [slugs of the parts that show it]} for wave `year`: the `question` and `requires` of every item
        in that wave's report, and each part's `discusses`, for the questions the wave asked (codebook order)."""
        cb = self.cb or codebook()
        wave = cb.wave(year)
        shown: dict[str, list[str]] = {}

        def add(question: str, slug: str) -> None:
            if wave.asks(question) and slug not in shown.setdefault(question, []):
                shown[question].append(slug)

        for chapter in self.chapters:
            for item in self.items_of(chapter.slug):
                if self.number(item.id, year) is not None:
                    for question in (item.question, *item.requires):
                        if question:
                            add(question, chapter.slug)
            for question in chapter.discusses:
                add(question, chapter.slug)
        order = list(cb.questions)
        return {q: shown[q] for q in sorted(shown, key=order.index) if shown[q]}

    def other_questions(self, year: int) -> list[str]:
        """The questions wave `year` asked that no part shows (shown_questions), in questionnaire order: Bijlage C."""
        shown = self.shown_questions(year)
        return [q for q in (self.cb or codebook()).wave(year).questions if q not in shown]

    # Key figures

    def key_figure(self, name: str) -> KeyFigureSpec:
        """The declaration of key figure `name`: its own, else the family (pattern) it belongs to."""
        exact = [spec for spec in self.key_figures if not spec.is_pattern and spec.name == name]
        found = exact or [spec for spec in self.key_figures if spec.is_pattern and spec.matches(name)]
        if not found:
            raise KeyError(f"key figure {name!r} is not declared in report.yml (key_figures); declare it there with "
                           "its type, chapter and description, or use the declared name")
        return found[0]

    def key_figures_of(self, chapter: int | str) -> list[KeyFigureSpec]:
        slug = self.chapter(chapter).slug
        return [spec for spec in self.key_figures if slug in spec.chapters]

    def key_figure_problems(self, chapter: int | str, year: int, figures: dict[str, Any],
                            available: Sequence[int] | None = None) -> list[str]:
        """What is wrong with the key figures {name: value} chapter `chapter` registered in wave `year`: undeclared
        names, figures of another chapter, values of the wrong type, and declared figures it left out although the
        wave asked their questions (counting, for `min_waves`, only the `available` waves with data). [] when all is
        well; each problem names the figure and the fix."""
        spec = self.chapter(chapter)
        problems = []
        for name, value in figures.items():
            try:
                declared = self.key_figure(name)
            except KeyError as error:
                problems.append(str(error.args[0]))
                continue
            if spec.slug not in declared.chapters:
                problems.append(f"key figure {name!r} belongs to {', '.join(declared.chapters)} in report.yml, not to "
                                f"{spec.slug}; register it there or add {spec.slug} to its chapters")
            elif not declared.accepts(value):
                problems.append(f"key figure {name!r} is declared as {declared.type} ({KEY_FIGURE_TYPES[declared.type]}"
                                f") but got {type(value).__name__} {value!r}; register a {declared.type} or change "
                                "its type in report.yml")
        for declared in self.key_figures_of(chapter):
            if declared.is_pattern or declared.name in figures:
                continue
            if self._asks_all(declared.requires, year, declared.min_waves, available):
                asked = f" although {year} asked {', '.join(declared.requires)}" if declared.requires else ""
                problems.append(f"key figure {declared.name!r} ({declared.description}) was not registered{asked}; "
                                f"register it with ch.number({declared.name!r}, ...) (None when there is no value)")
        return problems


def _int_or_none(value: Any, where: str, key: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise OutlineError(f"{where}: {key} must be a whole number or null, got {value!r}")
    return value


def _min_waves(entry: dict, where: str) -> int:
    min_waves = entry.get("min_waves") or 0
    if not isinstance(min_waves, int) or isinstance(min_waves, bool) or min_waves < 0:
        raise OutlineError(f"{where}: min_waves must be a whole number >= 0, got {entry.get('min_waves')!r}")
    return min_waves


def _questions(questions: Sequence[str], where: str, cb: Codebook) -> None:
    for question in questions:
        if question not in cb.questions:
            raise OutlineError(f"{where}: unknown question {question!r}; known: {list(cb.questions)}")


def _mapping(entry: Any, where: str, allowed: set[str]) -> dict:
    if not isinstance(entry, dict):
        raise OutlineError(f"{where}: expected a mapping, got {entry!r}")
    unknown = set(entry) - allowed
    if unknown:
        raise OutlineError(f"{where} has unknown keys {sorted(unknown)}")
    return entry


def _chapter(entry: Any, where: str, cb: Codebook | None) -> ChapterSpec:
    entry = _mapping(entry, where, _CHAPTER_KEYS)
    missing = [key for key in ("slug", "title", "notebook") if not entry.get(key)]
    if missing:
        raise OutlineError(f"{where} lacks {missing}")
    kind = entry.get("kind", "chapter")
    if kind not in PART_KINDS:
        raise OutlineError(f"{where}: kind must be one of {PART_KINDS}, got {kind!r}")
    number = _int_or_none(entry.get("number"), where, "number")
    if (number is None) == (kind == "chapter"):
        raise OutlineError(f"{where}: a chapter has a number, a {kind} has none (number: null, kind: summary or "
                           f"appendix); got kind {kind!r} with number {number!r}")
    if not str(entry["notebook"]).endswith(".ipynb"):
        raise OutlineError(f"{where}: notebook must be a .ipynb file name, got {entry['notebook']!r}")
    discusses = entry.get("discusses") or []
    if not isinstance(discusses, list):
        raise OutlineError(f"{where}: discusses must be a list of question ids (questions.yml), got {discusses!r}")
    discusses = tuple(str(q) for q in discusses)
    _questions(discusses, where, cb or codebook())
    return ChapterSpec(slug=str(entry["slug"]), number=number, title=str(entry["title"]),
                       notebook=str(entry["notebook"]), label=str(entry.get("label") or ""), kind=kind,
                       discusses=discusses)


def _item(entry: Any, where: str, chapter_keys: set[str], cb: Codebook | None) -> ItemSpec:
    entry = _mapping(entry, where, _ITEM_KEYS)
    series = str(entry.get("series") or "")
    if series and not re.fullmatch(r"[A-Z]", series):
        raise OutlineError(f"{where}: series must be one capital letter (numbers 'Figuur T1'), got {series!r}")
    if entry.get("kind") not in KINDS:
        raise OutlineError(f"{where}: kind must be one of {KINDS}, got {entry.get('kind')!r}")
    if str(entry.get("chapter")) not in chapter_keys:
        raise OutlineError(f"{where}: chapter {entry.get('chapter')!r} is not in the chapters list")
    requires = tuple(str(q) for q in entry.get("requires") or [])
    min_waves = _min_waves(entry, where)
    _questions((*requires, *([entry["question"]] if entry.get("question") else [])), where, cb or codebook())
    return ItemSpec(id=str(entry["id"]), kind=entry["kind"], chapter=entry["chapter"],
                    title=" ".join(str(entry["title"]).split()), requires=requires,
                    question=str(entry.get("question") or ""), title_wave=str(entry.get("title_wave") or ""),
                    series=series, min_waves=min_waves)


def _key_figure(entry: Any, where: str, chapters: Sequence[ChapterSpec], cb: Codebook | None) -> KeyFigureSpec:
    entry = _mapping(entry, where, _KEY_FIGURE_KEYS)
    name = str(entry.get("name") or "")
    if not re.fullmatch(r"([a-z0-9_]|<[a-z_]+>)+", name) or len(_PLACEHOLDER.findall(name)) > 1:
        raise OutlineError(f"{where}: name must be lower case with underscores and at most one <placeholder>, got "
                           f"{name!r}")
    if entry.get("type") not in KEY_FIGURE_TYPES:
        raise OutlineError(f"{where}: type must be one of {list(KEY_FIGURE_TYPES)}, got {entry.get('type')!r}")
    if not str(entry.get("description") or "").strip():
        raise OutlineError(f"{where}: give a one-line description")
    listed = entry.get("chapter")
    slugs = []
    for key in listed if isinstance(listed, list) else [listed]:
        found = [c.slug for c in chapters if c.slug == key or (c.number is not None and str(c.number) == str(key))]
        if not found:
            raise OutlineError(f"{where}: chapter {key!r} is not in the chapters list")
        slugs += found
    requires = tuple(str(q) for q in entry.get("requires") or [])
    _questions(requires, where, cb or codebook())
    return KeyFigureSpec(name=name, type=entry["type"], chapters=tuple(slugs),
                         description=" ".join(str(entry["description"]).split()), requires=requires,
                         min_waves=_min_waves(entry, where))


def load_outline(path: Path | str = OUTLINE_FILE, cb: Codebook | None = None) -> Outline:
    """Read and check report.yml: known keys, kinds and types, unique slugs, ids and key figure names, chapters that
    exist, questions the codebook knows. `cb`: the codebook (default: the project's, loaded when first needed)."""
    path = Path(path)
    if not path.is_file():
        raise OutlineError(f"{path}: not found (the outline of the report)")
    raw = yamlfiles.load(path.read_text(encoding="utf-8"))
    raw = _mapping(raw, path.name, _TOP_KEYS)
    if not isinstance(raw.get("chapters"), list) or not raw["chapters"]:
        raise OutlineError(f"{path.name}: expected a 'chapters' list")
    chapters = [_chapter(entry, f"{path.name}: chapter {i}", cb) for i, entry in enumerate(raw["chapters"], start=1)]
    for attribute in ("slug", "stem"):
        values = [getattr(c, attribute) for c in chapters]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise OutlineError(f"{path.name}: chapter {attribute} listed twice: {', '.join(duplicates)}")
    keys = {str(c.number) for c in chapters if c.number is not None} | {c.slug for c in chapters}
    items = [_item(entry, f"{path.name}: item {entry.get('id') if isinstance(entry, dict) else entry!r}", keys, cb)
             for entry in raw.get("items") or []]
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise OutlineError(f"{path.name}: duplicate item ids in {ids}")
    figures = [_key_figure(entry, f"{path.name}: key figure {entry.get('name') if isinstance(entry, dict) else entry!r}",
                           chapters, cb) for entry in raw.get("key_figures") or []]
    names = [f.name for f in figures]
    if len(set(names)) != len(names):
        raise OutlineError(f"{path.name}: key figures declared twice: {sorted({n for n in names if names.count(n) > 1})}")
    return Outline(chapters=tuple(chapters), items=tuple(items), title=str(raw.get("title", "")),
                   key_figures=tuple(figures), cb=cb)


@cache
def default_outline() -> Outline:
    """notebooks/report.yml, read once per process (the summary's readers check names against it)."""
    return load_outline()


def make_include(outline: Outline) -> str:
    """The outline as make variables (build/outline.mk): CHAPTERS, every notebook stem in name order (the order make
    runs them in); SUMMARY, the summary's stem; SUMMARY_SOURCES, the stems of the numbered chapters it reads."""
    stems = sorted(c.stem for c in outline.chapters)
    summary = [c.stem for c in outline.chapters if c.kind == "summary"]
    sources = sorted(c.stem for c in outline.chapters if c.kind == "chapter")
    return ("# Generated by `python -m helpers.report.outline --make` from notebooks/report.yml; do not edit.\n"
            f"CHAPTERS := {' '.join(stems)}\n"
            f"SUMMARY := {' '.join(summary)}\n"
            f"SUMMARY_SOURCES := {' '.join(sources)}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check notebooks/report.yml; --make prints it as make variables.")
    parser.add_argument("report_yml", nargs="?", default=str(OUTLINE_FILE))
    parser.add_argument("--make", action="store_true", help="print CHAPTERS, SUMMARY and SUMMARY_SOURCES for make")
    args = parser.parse_args(argv)
    try:
        outline = load_outline(args.report_yml)
    except OutlineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(make_include(outline) if args.make else f"{args.report_yml}: {len(outline.chapters)} parts, "
          f"{len(outline.items)} figures and tables, {len(outline.key_figures)} key figures", end="" if args.make else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
