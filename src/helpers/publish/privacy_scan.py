"""Scanning every output of the pipeline for personal data that must not be there.

The scrubber (helpers.core.privacy) removes personal data from free text *before* it is stored; this module checks the
result independently, after the fact, in everything the pipeline writes:

- reports/**/*.html (text, attribute values, the text of embedded SVG figures), the text and metadata of every
  reports/**/*.pdf, every cell of every sheet of every .xlsx (and its document properties), every .csv, the
  MANIFEST files;
- data/processed/**/*.parquet (column names and every string column) and quality.json;
- every executed notebook under build/ (sources, outputs, metadata) and the parts' JSON manifests.

Numeric cells of a workbook or a parquet file are not scanned: a number cannot hold the leading 0 of a phone number.

Four detectors (`find_personal_data`):

- ``email``: an e-mail address (``name@domain.tld``, also with accented letters in the domain);
- ``phone``: a Dutch phone number by its shape: mobile (06-12345678, 06 1234 5678, 06 12 34 56 78, 0612345678),
  international (+31 6 1234 5678, +31 (0)6 ..., 0031 6 ..., +31 30 123 4567), landline with a 3- or 4-digit area
  code (030-1234567, 030 123 45 67, (030) 123 4567, 0570-123456, 0164 - 277000) and service numbers (0800/0900/0906/
  0909 with 4 or 7 digits). A candidate is a prefix (06, an area code of 0 + 2 or 3 digits, possibly in brackets,
  +31 or 0031) followed by groups of at least two digits separated by at most one space, dot, slash or hyphen, with
  exactly the number of digits of a real number (ten; nine after +31; 8 or 11 for service numbers); a run of ten
  digits starting with 0 ("0123456789") is phone-shaped and flagged. Numbers that are not phone-shaped are never
  flagged: counts such as 342, percentages, table rows of small numbers ("0 1 2 3 ..."; single-digit groups are not
  phone groups), years, times (09.00-17.00), dates (06-05-2023 14: a dd-mm-yyyy date is not a phone).
- ``ip``: an IPv4 address (four numbers 0-255) or an IPv6 address (validated by `ipaddress`; at least two groups,
  one of them of three or more hex digits, so that Python slices such as ``[1::2]`` or ``a::b`` are not flagged; the
  loopback ``::1`` is not personal).
- ``name``: the names in the personal name column of every wave's raw export (read with helpers.data.exports.read_export
  and the codebook's ``personal`` mapping), matched case-insensitively as whole words. The rule (`NameList`):

  1. every full name ("Jan-Willem van den Broek") is checked, always; between its words any run of spaces, dots,
     hyphens or underscores may stand (line breaks in a PDF, slugs);
  2. the surname is the last word with its prefix ("van den Broek", "de Groot", "ten Hove"). Its core ("Broek") is
     checked on its own when it has three or more letters and is not on the stop list;
  3. the stop list: ordinary Dutch words that are also surnames (helpers.core.privacy.COMMON_WORDS, e.g. "groot", "vos",
     "post", "bakker", "dijk"), the municipality names of the frames, the crosswalk and the aliases ("Beek",
     "Bergen"), every word of three or more letters in them ("Dijk en Waard" -> "Dijk", "Waard"; "Ten Boer" ->
     "Boer"), and the organisations named in the report (`ORGANISATIONS`: Movisie, VNG). A stop-listed core is not
     checked on its own;
  4. a surname with a prefix is checked as a whole ("van den Broek"); when its core is on the stop list only with the
     core capitalised ("de Groot", "De Groot", not "de groot"; "de Boer" but not "de boer"), and when its core is a
     whole municipality name or an organisation not at all ("van Beek" is also "the municipality of Beek"). The full
     name still catches those.

  Names of people who are not in the exports (a colleague, an alderman) are not known and not checked; first names
  on their own are not checked (too many are ordinary words or common in any text).

Explicitly allowed (`ALLOWED`, masked before the detectors run, each as narrow as possible): SHA-256 and git hashes
(64 or 40 hex digits), CBS codes (GM0363, PV27, WK036300), ISO dates and timestamps, and version numbers (two to
four parts) after a version marker ("version 1.2.3.4", "v1.2.3.4", "==1.2.3.4"; a bare dotted quad is an IP address). The placeholders of the scrubber ([naam],
[e-mailadres], [telefoonnummer], [IP-adres]) never match a detector.

`scan_outputs(root)` returns a `ScanResult` (the hits, files per type, names checked); `python -m helpers.publish.privacy_scan`
prints the summary (files scanned per type, names checked, hits, duration) and the hits with file, location and
context (the first 50; --all: every one), and exits 1 when there is a hit or an unreadable file.
Files that are being written by a concurrent build (``*.running.ipynb``, ``build/<year>/staging/``, which
helpers.publish.assemble moves into reports/<year>) are not outputs yet and are skipped; a file removed while the scan runs is
listed as such, not as an error.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import ipaddress
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from helpers import CODEBOOK_DIR, PROCESSED_DIR, RAW_DIR, REPO_ROOT
from helpers.core import yamlfiles
from helpers.core.privacy import COMMON_WORDS, NAME_PREFIXES
from helpers.data.codebook import load_codebook
from helpers.data.exports import read_export

# The readers of the file types (bs4, pypdf, openpyxl, pyarrow) are imported where a file of that type is read, on
# purpose: a scan loads only the heavy libraries its files need.
KINDS = ("email", "phone", "ip", "name")
FILE_TYPES = ("html", "pdf", "xlsx", "csv", "parquet", "json", "ipynb", "text")
# Where the outputs are, relative to the repository root, per file type.
OUTPUT_GLOBS: dict[str, tuple[str, ...]] = {
    "html": ("reports/**/*.html", "build/**/*.html"),
    "pdf": ("reports/**/*.pdf", "build/**/*.pdf"),
    "xlsx": ("reports/**/*.xlsx", "build/**/*.xlsx", "data/processed/**/*.xlsx"),
    "csv": ("reports/**/*.csv", "build/**/*.csv", "data/processed/**/*.csv"),
    "parquet": ("data/processed/**/*.parquet", "build/**/*.parquet"),
    "json": ("data/processed/**/*.json", "build/**/*.json", "reports/**/*.json"),
    "ipynb": ("build/**/*.ipynb",),
    "text": ("reports/**/MANIFEST",),
}
SKIPPED_SUFFIXES = (".running.ipynb",)  # a chapter papermill is still writing (a concurrent `make report`)
# build/<year>/staging: helpers.publish.assemble writes the report there and then moves it into reports/<year> (scanned there).
SKIPPED_DIRECTORIES = ("staging",)
SUFFIX_TYPES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".xlsx": "xlsx", ".csv": "csv", ".parquet": "parquet",
                ".json": "json", ".ipynb": "ipynb"}

# Organisations named in the report (author, colophon): never checked as a respondent's surname on their own.
ORGANISATIONS = frozenset({"movisie", "vng"})
CONTEXT_CHARS = 40

# ---------------------------------------------------------------------------------------------------------------------
# Allowed patterns: masked with underscores (word characters, so that no detector starts or ends inside them).

ALLOWED: tuple[tuple[str, re.Pattern], ...] = (
    ("sha256", re.compile(r"(?<![0-9A-Fa-f])[0-9a-fA-F]{64}(?![0-9A-Fa-f])")),
    ("git sha", re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{40}(?![0-9A-Fa-f])")),
    ("cbs code", re.compile(r"(?<![^\W_])(?:GM|PV|WK|BU|CR|RE|LD|GG|JZ)\d{2,8}(?![^\W_])")),
    ("iso timestamp", re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
                                 r"(?!\d)")),
    ("version", re.compile(r"(?i)(?:\bversion\s*|\bversie\s*|(?<![^\W\d_])v|==|>=|<=)\d+(?:\.\d+){1,3}(?![\d.])")),
)


def mask_allowed(text: str) -> str:
    """The text with every allowed pattern replaced by underscores of the same length (offsets stay valid)."""
    for _label, pattern in ALLOWED:
        text = pattern.sub(lambda m: "_" * len(m.group(0)), text)
    return text


# ---------------------------------------------------------------------------------------------------------------------
# Detectors

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.[^\W\d_]{2,}"
                    r"(?![\w-])")
_IPV4 = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
                   r"(?![\w]|\.\d)")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})"
                             r"(?![\w:])")
# Phone: a prefix, then groups of digits with at most one separator between them; the digits are counted afterwards.
_SEP = r"(?:[ ./]|\s?-\s?)"
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[.,/-])(?:"
    r"(?P<intl>(?:\+|00)\s?31)(?:\s?\(0\))?" + _SEP + r"?(?P<intl_area>[1-9]\d{0,2})"
    r"|\((?P<paren_area>0[1-9]\d{1,2})\)"
    r"|(?P<area>0[1-9]\d{0,2})"
    r")(?P<groups>(?:" + _SEP + r"?\d{2,8}){1,4})(?![\w]|[.,/-]?\d)"
)
_DATE_LIKE = re.compile(r"^\d{1,2}([-./])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)")
_SERVICE = ("0800", "0900", "0906", "0909")


def _phone_end(match: re.Match) -> int | None:
    """Where the phone number of a candidate ends, or None when it is no phone number. The candidate may have taken a
    following number too ("06 12345678 2023"): its trailing groups are dropped until the digits add up."""
    text = match.string
    if _DATE_LIKE.match(match.group(0)):
        return None
    groups = list(re.finditer(r"\d+", match.group("groups")))
    offset = match.start("groups")
    area = match.group("intl_area") or match.group("paren_area") or match.group("area")
    for count in range(len(groups), 0, -1):
        end = offset + groups[count - 1].end()
        if count < len(groups) and re.match(r"[.,/-]?\d|\s?-", text[end:]):
            continue  # a phone number is not followed by more digits joined by a hyphen, dot or slash
        rest = "".join(group.group(0) for group in groups[:count])
        digits = area + rest
        if match.group("intl"):
            if len(digits) == 9:
                return end
            continue
        if area in _SERVICE and len(digits) in (8, 11):
            return end
        # 06 (mobile) or a 3- or 4-digit area code, ten digits in all; or a bare run of ten digits starting with 0.
        if len(digits) == 10 and (area == "06" or len(area) in (3, 4) or (count == 1 and not text[
                match.start("groups")].isspace() and text[match.start("groups")] not in "./-")):
            return end
    return None


def _ipv6_ok(match: re.Match) -> bool:
    candidate = match.group(0)
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    groups = [group for group in re.split(r"[:.]", candidate) if group]
    return len(groups) >= 2 and any(len(group) >= 3 for group in groups)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    found: str
    rule: str = ""  # for names: which name rule matched (full name, surname, ...)


def _find_patterns(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        yield Finding("email", match.start(), match.end(), match.group(0))
    for match in _IPV4.finditer(text):
        yield Finding("ip", match.start(), match.end(), match.group(0))
    for match in _IPV6_CANDIDATE.finditer(text):
        if _ipv6_ok(match):
            yield Finding("ip", match.start(), match.end(), match.group(0))
    position = 0
    while match := _PHONE.search(text, position):
        end = _phone_end(match)
        if end is None:
            position = match.start() + 1  # a rejected candidate may hide a phone number further on
            continue
        yield Finding("phone", match.start(), end, text[match.start():end])
        position = end


# ---------------------------------------------------------------------------------------------------------------------
# Names

_WORD = re.compile(r"[^\W\d_]+")
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*")
_NAME_GAP = r"[\s._-]+"


@dataclass(frozen=True)
class NameRule:
    """One name to look for: `label` is what is reported (full name, surname, ...), `pattern` matches at a word."""

    label: str
    text: str
    pattern: re.Pattern
    first_word: str  # lower case: the rule is tried where this word stands


def _whole(body: str) -> str:
    return rf"(?<![^\W_]){body}(?![^\W_])"


def _phrase(words: Sequence[str], *, capital_last: bool = False) -> str:
    parts = [re.escape(word) for word in words]
    if capital_last:  # the core only with a capital: (?i:de)\s+Groot
        parts = [f"(?i:{part})" for part in parts[:-1]] + [re.escape(words[-1][:1].upper() + words[-1][1:].lower())]
        return _NAME_GAP.join(parts)
    return "(?i:" + _NAME_GAP.join(parts) + ")"


def split_name(name: str) -> tuple[list[str], list[str]]:
    """The words of a name, and its surname with prefix: "Jan-Willem van den Broek" -> (["Jan-Willem", "van", "den",
    "Broek"], ["van", "den", "Broek"])."""
    words = re.findall(r"[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*", str(name))
    surname = words[-1:]
    for start in range(1, len(words)):
        if words[start].lower() in NAME_PREFIXES:
            surname = words[start:]
            break
    return words, surname


@dataclass
class NameList:
    """The names checked in the outputs, built from the exports' name cells by the rule of the module docstring."""

    full_names: list[str] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)  # cores checked on their own, case-insensitively
    prefixed: list[str] = field(default_factory=list)  # surnames with a prefix, checked as a whole
    stopped: dict[str, str] = field(default_factory=dict)  # core -> why it is not checked on its own
    rules: list[NameRule] = field(default_factory=list)

    @classmethod
    def build(cls, names: Iterable[str], municipalities: Iterable[str] = (),
              common_words: Iterable[str] = COMMON_WORDS, organisations: Iterable[str] = ORGANISATIONS) -> NameList:
        common = {word.lower() for word in common_words}
        orgs = {word.lower() for word in organisations}
        places: set[str] = set()  # whole municipality names
        place_words: set[str] = set()  # words in them ("Dijk en Waard" -> "dijk", "waard")
        for municipality in municipalities:
            municipality = re.sub(r"\s*\(.*\)$", "", str(municipality)).strip()
            if municipality:
                places.add(municipality.lower())
                place_words |= {word.lower() for word in _NAME_WORD.findall(municipality) if len(word) >= 3}
        result = cls()
        full, cores, prefixed = set(), {}, {}
        for raw in names:
            if raw is None or not str(raw).strip():
                continue
            words, surname = split_name(str(raw))
            if not words:
                continue
            if len(words) > 1:
                full.add(" ".join(words))
            core = surname[-1]
            if len(core) < 3:
                continue
            key = core.lower()
            why = ("municipality name" if key in places else "organisation" if key in orgs
                   else "word of a municipality name" if key in place_words
                   else "ordinary word" if key in common else None)
            if why:
                result.stopped[core] = why
            else:
                cores.setdefault(key, core)
            if (len(surname) > 1 and why not in ("municipality name", "organisation")
                    and " ".join(surname).lower() not in places):  # "Ten Boer" is a (former) municipality
                prefixed.setdefault(" ".join(surname).lower(), (surname, why is not None))
        result.full_names = sorted(full, key=str.lower)
        result.surnames = sorted(cores.values(), key=str.lower)
        result.prefixed = sorted(" ".join(words) for words, _ in prefixed.values())
        for name in result.full_names:
            words = name.split()
            result.rules.append(NameRule("full name", name, re.compile(_whole(_phrase(words))),
                                         _WORD.match(words[0]).group(0).lower()))
        for words, capital in prefixed.values():
            result.rules.append(NameRule("surname with prefix", " ".join(words),
                                         re.compile(_whole(_phrase(words, capital_last=capital))), words[0].lower()))
        for core in result.surnames:
            result.rules.append(NameRule("surname", core, re.compile(_whole(_phrase([core]))),
                                         _WORD.match(core).group(0).lower()))
        return result

    @property
    def checked(self) -> int:
        """How many names are checked: full names, surnames with a prefix and surnames on their own."""
        return len(self.rules)

    def summary(self) -> str:
        return (f"{self.checked} names checked: {len(self.full_names)} full names, {len(self.prefixed)} surnames with "
                f"prefix, {len(self.surnames)} surnames on their own ({len(self.stopped)} surnames not checked on "
                f"their own: stop list)")

    def find(self, text: str) -> Iterator[Finding]:
        by_word = self._by_word()
        covered = 0  # the end of the last finding: a surname inside a full name found is not found again
        for word in _WORD.finditer(text):
            if word.start() < covered:
                continue
            for rule in by_word.get(word.group(0).lower(), ()):
                match = rule.pattern.match(text, word.start())
                if match:
                    yield Finding("name", match.start(), match.end(), match.group(0), f"{rule.label} {rule.text!r}")
                    covered = match.end()
                    break  # the longest rule first: one finding per position

    def _by_word(self) -> dict[str, list[NameRule]]:
        cached = getattr(self, "_index", None)
        if cached is None or cached[0] != len(self.rules):
            index: dict[str, list[NameRule]] = {}
            for rule in sorted(self.rules, key=lambda r: -len(r.text)):
                index.setdefault(rule.first_word, []).append(rule)
            cached = (len(self.rules), index)
            self._index = cached
        return cached[1]


def export_names(codebook_dir: Path | str = CODEBOOK_DIR, raw_dir: Path | str = RAW_DIR) -> list[str]:
    """Every non-empty cell of the personal name column of every wave's raw export (the codebook's `personal.name`)."""
    names: list[str] = []
    for _year, spec in sorted(load_codebook(codebook_dir).waves.items()):
        column = spec.personal.get("name")
        if not column:
            continue
        table = read_export(spec, raw_dir).table
        names.extend(str(cell).strip() for cell in table[column] if cell is not None and str(cell).strip())
    return names


def municipality_names(processed_dir: Path | str = PROCESSED_DIR, codebook_dir: Path | str = CODEBOOK_DIR) -> list[str]:
    """Municipality names of every frame and the crosswalk (data/processed) and the aliases of the codebook."""
    processed_dir = Path(processed_dir)
    names: set[str] = set()
    for file, columns in (("frames.parquet", ["name"]), ("crosswalk.parquet", ["name", "name_2023"])):
        path = processed_dir / file
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `make data` first (the scan needs the municipality names "
                                    "to tell a surname from a place name)")
        table = pd.read_parquet(path, columns=columns)
        for column in columns:
            names |= {str(value) for value in table[column].dropna()}
    aliases = Path(codebook_dir) / "municipality_aliases.yml"
    if aliases.exists():
        content = yamlfiles.load(aliases.read_text(encoding="utf-8")) or {}
        if isinstance(content.get("aliases"), Mapping):
            names |= {str(alias) for alias in content["aliases"]}
    return sorted(names)


def project_names(root: Path | str = REPO_ROOT) -> NameList:
    root = Path(root)
    return NameList.build(export_names(root / "data" / "codebook", root / "data" / "raw"),
                          municipality_names(root / "data" / "processed", root / "data" / "codebook"))


# ---------------------------------------------------------------------------------------------------------------------
# Scanning text


@dataclass(frozen=True)
class Hit:
    path: str
    where: str
    kind: str
    found: str
    context: str
    rule: str = ""

    def __str__(self) -> str:
        rule = f" ({self.rule})" if self.rule else ""
        return f"{self.path} [{self.where}]: {self.kind} {self.found!r}{rule} in …{self.context}…"


def _context(text: str, start: int, end: int) -> str:
    snippet = text[max(0, start - CONTEXT_CHARS): end + CONTEXT_CHARS]
    return re.sub(r"\s+", " ", snippet).strip()


def find_personal_data(text: str, names: NameList | None = None) -> list[Finding]:
    """Every e-mail address, phone number, IP address and (with `names`) known name in `text`, after masking the
    allowed patterns; sorted by position."""
    if not text:
        return []
    masked = mask_allowed(text)
    found = list(_find_patterns(masked))
    if names is not None:
        found.extend(names.find(masked))
    findings = [Finding(f.kind, f.start, f.end, text[f.start:f.end], f.rule) for f in found]
    return sorted(findings, key=lambda f: (f.start, f.kind))


# ---------------------------------------------------------------------------------------------------------------------
# Text of each file type: (where, text) segments


def _svg_text(svg: str) -> str:
    """The readable text of an SVG: comments (matplotlib writes each label as one), text nodes, titles; not paths."""
    svg = re.sub(r"<style\b.*?</style>", " ", svg, flags=re.S | re.I)
    comments = re.findall(r"<!--(.*?)-->", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", " ", svg, flags=re.S)
    nodes = [node for node in re.findall(r">([^<]+)<", svg) if node.strip()]
    labels = re.findall(r"\b(?:aria-label|title|alt)\s*=\s*\"([^\"]*)\"", svg)
    return "\n".join([*comments, *nodes, *labels])


def _data_uri_text(uri: str) -> str | None:
    match = re.match(r"data:image/svg\+xml(;base64)?,(.*)", uri, flags=re.S)
    if not match:
        return None
    payload = match.group(2)
    if match.group(1):
        try:
            payload = base64.b64decode(payload).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return None
    else:
        payload = unquote(payload)
    return _svg_text(payload)


_INLINE_TAGS = ("a", "abbr", "b", "bdi", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "samp", "small", "span",
                "strong", "sub", "sup", "time", "u", "var", "wbr")
# Attributes that hold layout or graphics, never text a person reads.
_SKIPPED_ATTRIBUTES = frozenset({"class", "style", "d", "transform", "viewbox", "points", "width", "height", "x", "y",
                                 "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "fill", "stroke", "colspan",
                                 "rowspan", "charset", "lang", "rel", "type", "integrity", "crossorigin"})


def html_segments(html: str) -> Iterator[tuple[str, str]]:
    """The text of an HTML document (inline markup removed so that "<b>06</b>-1234..." stays one string), the values of
    its attributes (alt, title, href, meta content, ...), and the text of embedded SVG figures."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for style in soup.find_all("style"):
        style.decompose()
    svgs = 0
    attributes: list[str] = []
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            if attribute.lower() in _SKIPPED_ATTRIBUTES:
                continue
            value = " ".join(value) if isinstance(value, list) else str(value)
            if value.startswith("data:"):
                svg = _data_uri_text(value)
                if svg:
                    svgs += 1
                    yield f"embedded SVG {svgs}", svg
                continue
            attributes.append(f"{tag.name}[{attribute}]={value}")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        attributes.append(f"<!--{comment}-->")
        comment.extract()
    for tag in soup.find_all(_INLINE_TAGS):
        tag.unwrap()
    soup.smooth()
    yield "text", soup.get_text("\n")
    if attributes:
        yield "attributes", "\n".join(attributes)


def pdf_segments(path: Path) -> Iterator[tuple[str, str]]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.metadata:
        yield "metadata", "\n".join(f"{key}={value}" for key, value in reader.metadata.items())
    for number, page in enumerate(reader.pages, start=1):
        yield f"page {number}", page.extract_text() or ""
    try:
        outline = reader.outline
    except Exception:  # noqa: BLE001 - a broken outline is not a privacy question
        outline = []

    def titles(items) -> Iterator[str]:
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            elif getattr(item, "title", None):
                yield str(item.title)

    outline_text = "\n".join(titles(outline))
    if outline_text:
        yield "bookmarks", outline_text


def xlsx_segments(path: Path) -> Iterator[tuple[str, str]]:
    """Every string cell of every sheet (numbers cannot hold a leading zero, so no phone number), the sheet names and
    the document properties (creator, title, ...)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        properties = workbook.properties
        props = [f"{key}={getattr(properties, key)}" for key in ("creator", "lastModifiedBy", "title", "subject",
                                                                  "description", "keywords", "category")
                 if getattr(properties, key, None)]
        yield "properties", "\n".join(props)
        yield "sheet names", "\n".join(workbook.sheetnames)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if isinstance(value, str) and value.strip():
                        column = get_column_letter(cell.column) if getattr(cell, "column", None) else "?"
                        yield f"{sheet.title}!{column}{cell.row}", value
    finally:
        workbook.close()


def parquet_segments(path: Path) -> Iterator[tuple[str, str]]:
    """Column names, then every distinct value of every string column (located at its first row)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    yield "column names", "\n".join(table.column_names)
    for name in table.column_names:
        column = table.column(name)
        kind = column.type
        if pa.types.is_dictionary(kind):
            column, kind = column.cast(kind.value_type), kind.value_type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)
                or getattr(pa.types, "is_string_view", lambda _t: False)(kind)):
            continue
        first_row: dict[str, int] = {}
        for row, value in enumerate(column.to_pylist()):
            if value is not None and value not in first_row:
                first_row[value] = row
        for value, row in first_row.items():
            yield f"column {name!r} row {row}", value


def _source(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BINARY_MIME = re.compile(r"^(image/(png|jpeg|gif|webp)|application/pdf)$")


def notebook_segments(path: Path) -> Iterator[tuple[str, str]]:
    """Sources, outputs (text, HTML, Markdown, SVG, JSON, tracebacks; not binary images) and metadata of a notebook."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    yield "notebook metadata", json.dumps(notebook.get("metadata", {}), ensure_ascii=False)
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        where = f"cell {number}"
        yield f"{where} source", _source(cell.get("source"))
        if cell.get("metadata"):
            yield f"{where} metadata", json.dumps(cell["metadata"], ensure_ascii=False)
        for attachment, bundle in (cell.get("attachments") or {}).items():
            yield f"{where} attachment", attachment + "\n" + "\n".join(
                _source(v) for k, v in bundle.items() if not _BINARY_MIME.match(k))
        for out_number, output in enumerate(cell.get("outputs", []), start=1):
            here = f"{where} output {out_number}"
            if "text" in output:
                yield f"{here} {output.get('name', 'stream')}", _source(output["text"])
            if "traceback" in output:
                yield f"{here} traceback", _ANSI.sub("", "\n".join(output["traceback"]))
            for key in ("ename", "evalue"):
                if output.get(key):
                    yield f"{here} {key}", str(output[key])
            for mime, value in (output.get("data") or {}).items():
                if _BINARY_MIME.match(mime):
                    continue
                text = _source(value) if not isinstance(value, dict) else json.dumps(value, ensure_ascii=False)
                if mime == "text/html":
                    for part, segment in html_segments(text):
                        yield f"{here} {mime} {part}", segment
                elif mime == "image/svg+xml":
                    yield f"{here} {mime}", _svg_text(text)
                else:
                    yield f"{here} {mime}", text


def csv_segments(path: Path) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(path.read_text(encoding="utf-8-sig", errors="replace").splitlines(), start=1):
        yield f"line {number}", line


def text_segments(path: Path) -> Iterator[tuple[str, str]]:
    yield "text", path.read_text(encoding="utf-8", errors="replace")


SEGMENTS = {
    "html": lambda path: html_segments(path.read_text(encoding="utf-8", errors="replace")),
    "pdf": pdf_segments,
    "xlsx": xlsx_segments,
    "csv": csv_segments,
    "parquet": parquet_segments,
    "json": text_segments,
    "ipynb": notebook_segments,
    "text": text_segments,
}


def file_type(path: Path) -> str:
    return SUFFIX_TYPES.get(path.suffix.lower(), "text")


# ---------------------------------------------------------------------------------------------------------------------
# Scanning files


@dataclass
class ScanResult:
    hits: list[Hit] = field(default_factory=list)
    files: Counter = field(default_factory=Counter)  # file type -> number of files scanned
    scanned: list[str] = field(default_factory=list)  # the files scanned, as shown in the hits
    errors: list[str] = field(default_factory=list)  # files that could not be read
    vanished: list[str] = field(default_factory=list)  # files removed while scanning (a concurrent build)
    names: NameList | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        per_type = ", ".join(f"{kind} {self.files[kind]}" for kind in FILE_TYPES if self.files[kind])
        per_kind = Counter(hit.kind for hit in self.hits)
        lines = [f"files scanned: {sum(self.files.values())} ({per_type or 'none'})",
                 self.names.summary() if self.names else "names: not checked",
                 f"hits: {len(self.hits)}" + (f" ({', '.join(f'{k} {per_kind[k]}' for k in KINDS if per_kind[k])})"
                                              if self.hits else ""),
                 f"duration: {self.seconds:.1f} s"]
        if self.vanished:
            lines.append(f"removed while scanning (concurrent build), not scanned: {len(self.vanished)}")
        if self.errors:
            lines.append(f"unreadable files: {len(self.errors)}")
        return "\n".join(lines)

    def report(self, limit: int | None = 50) -> str:
        lines = [self.summary()]
        shown = self.hits if limit is None else self.hits[:limit]
        lines += [f"  {hit}" for hit in shown]
        if len(shown) < len(self.hits):
            lines.append(f"  ... and {len(self.hits) - len(shown)} more")
        lines += [f"  unreadable: {error}" for error in self.errors]
        return "\n".join(lines)


def _shown(path: Path, root: Path | None) -> str:
    try:
        return path.relative_to(root).as_posix() if root else str(path)
    except ValueError:
        return str(path)


def scan_file(path: Path, names: NameList | None, root: Path | None = None, kind: str | None = None) -> list[Hit]:
    """The hits in one file; raises what its reader raises (FileNotFoundError, a parse error)."""
    path = Path(path)
    kind = kind or file_type(path)
    shown = _shown(path, root)
    hits = []
    for where, text in SEGMENTS[kind](path):
        for finding in find_personal_data(text, names):
            hits.append(Hit(shown, where, finding.kind, finding.found, _context(text, finding.start, finding.end),
                            finding.rule))
    return hits


def _scan_one(path: Path, names: NameList | None, root: Path | None) -> tuple[str, list[Hit] | None, str | None]:
    """(file type, hits or None, problem): one file, never raising, so that it can run in a worker process."""
    kind = file_type(path)
    try:
        return kind, scan_file(path, names, root, kind), None
    except FileNotFoundError:
        return kind, None, "vanished"
    except Exception as error:  # noqa: BLE001 - reported, and the scan goes on with the other files
        return kind, None, f"{type(error).__name__}: {error}"


def scan_files(paths: Iterable[Path], names: NameList | None, root: Path | None = None,
               workers: int | None = None) -> ScanResult:
    """Scan the files; with `workers` > 1 (default: up to four, one per CPU) the PDFs, whose text extraction takes
    most of the time, are read in worker processes. The hits are in the order of `paths` either way."""
    started = time.perf_counter()
    paths = [Path(path) for path in paths]
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    slow = [path for path in paths if file_type(path) == "pdf"]
    outcomes: dict[Path, tuple[str, list[Hit] | None, str | None]] = {}
    if workers > 1 and len(slow) > 1:
        if names is not None:
            # Build the name index (cached on the object) before the pool's feeder thread pickles `names` for the
            # workers: built lazily by the first file scanned here meanwhile, it changed the object while it was
            # being pickled ("dictionary changed size during iteration", seen once in CI).
            names._by_word()
        with ProcessPoolExecutor(max_workers=min(workers, len(slow))) as pool:
            biggest_first = sorted(slow, key=lambda path: -path.stat().st_size if path.exists() else 0)
            futures = {path: pool.submit(_scan_one, path, names, root) for path in biggest_first}
            for path in paths:
                if path not in futures:
                    outcomes[path] = _scan_one(path, names, root)
            outcomes.update({path: future.result() for path, future in futures.items()})
    result = ScanResult(names=names)
    for path in paths:
        kind, hits, problem = outcomes.get(path) or _scan_one(path, names, root)
        if problem == "vanished":
            result.vanished.append(str(path))
        elif problem:
            result.errors.append(f"{path}: {problem}")
        else:
            result.hits.extend(hits or [])
            result.files[kind] += 1
            result.scanned.append(_shown(path, root))
    result.seconds = time.perf_counter() - started
    return result


def output_files(root: Path | str = REPO_ROOT) -> list[Path]:
    """Every output file of the pipeline under `root` (OUTPUT_GLOBS), sorted, without files still being written."""
    root = Path(root)
    found: set[Path] = set()
    for patterns in OUTPUT_GLOBS.values():
        for pattern in patterns:
            found |= {path for path in root.glob(pattern) if path.is_file()}
    return sorted(path for path in found if not path.name.endswith(SKIPPED_SUFFIXES)
                  and not set(path.relative_to(root).parts[:-1]) & set(SKIPPED_DIRECTORIES))


def scan_outputs(root: Path | str = REPO_ROOT, names: NameList | None = None) -> ScanResult:
    """Scan every output under `root` for personal data, with the names of the project's raw exports."""
    started = time.perf_counter()
    root = Path(root)
    names = names if names is not None else project_names(root)
    result = scan_files(output_files(root), names, root)
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.privacy_scan", description=(
        "Scan every output (reports, processed data, executed notebooks) for e-mail addresses, phone numbers, IP "
        "addresses and the respondents' names; exit 1 when something is found."))
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this repository)")
    parser.add_argument("--all", action="store_true", help="list every hit (default: the first 50)")
    parser.add_argument("--show-names", action="store_true", help="list the surnames not checked on their own")
    args = parser.parse_args(argv)
    result = scan_outputs(args.root)
    print(result.report(limit=None if args.all else 50))
    if args.show_names and result.names:
        for core, why in sorted(result.names.stopped.items()):
            print(f"  not checked on its own: {core} ({why})")
    return 1 if result.hits or result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
