"""Scrubbing personal data from free text before anything is stored.

`scrub_text` replaces, in this order, with the placeholders of cleaning.yml (`scrub_placeholders`):

1. the literal values of the respondent's own e-mail and phone columns (whatever their format);
2. e-mail addresses (before names, so that "jan.jansen@..." is one e-mail address, not two names);
3. the respondent's own name as written in the export's personal name column (full name, case-insensitive, initials
   and dots allowed between the words), then the surname with its prefix ("van den Berg", "de Groot") and every other
   part of the name longer than two letters (also the halves of "Jan-Willem"; titles such as "Dhr." are skipped);
4. IP addresses (IPv4, and IPv6 when the candidate parses as one);
5. Dutch phone numbers: mobile (06-12345678, 06 1234 5678, +31 6 1234 5678, 0031 6 ...), landline with a 2- to
   4-digit area code (030-1234567, 0570 123456, (030) 123 45 67) and service numbers (0800/0900/0906/0909 with 4 or 7
   digits).

What is *not* a name (false positives avoided):

- name parts are matched as whole words only ("Jan" does not touch "januari");
- Dutch surname prefixes (van, de, der, den, ten, ter, ...) are never scrubbed on their own;
- a name part inside a municipality name passed in `protect` is left alone: a respondent called "Jan Bergen" does not
  turn "Bergen op Zoom" into "[naam] op Zoom" (the full name "Jan Bergen" is still scrubbed);
- name parts that are also ordinary Dutch words (`COMMON_WORDS`: "Groot", "Klein", "Meer", "Bakker", ...) are only
  scrubbed when written with a capital and not at the start of a sentence, so "een groot knelpunt" and "Meer aandacht
  nodig." stay as they are for respondents "Anna de Groot" and "Jan van der Meer" (their full name and their surname
  with its prefix, "de Groot", "van der Meer", are always scrubbed);
- digits that look like a date (01-02-2023) or a short number in a sentence ("030 is ...", "0,5 fte") are not phones.

Known false negatives (documented, tested where practical):

- names of *other* people (a colleague, an alderman) are not known to the scrubber and stay;
- a name part that is also a protected municipality name stays inside that municipality name;
- foreign phone numbers other than the respondent's own phone column, and numbers written with unusual separators
  ("06/1234.56.78"), are not recognised; URLs are kept (municipal websites are useful context), except for the
  respondent's name or e-mail address inside them, which are scrubbed.

Known false positives: an ordinary word that is part of the respondent's name, capitalised in the middle of a
sentence ("het Groot Overleg" for respondent "De Groot"); a sequence of ten digits starting with 0 (e.g. a file or case number "0123456789") is taken
for a phone number; a dotted quad such as a version number "1.2.3.4" is taken for an IP address.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SCRUB_KINDS = ("name", "email", "ip", "phone")
DEFAULT_PLACEHOLDERS = {"email": "[e-mailadres]", "phone": "[telefoonnummer]", "ip": "[IP-adres]", "name": "[naam]"}

# Prefixes of Dutch (and Flemish/German) surnames: part of a surname, never scrubbed on their own.
NAME_PREFIXES = frozenset(
    "van de der den het ten ter te op in 't v.d. vd. von zu la le du del della di da dos das des".split()
)
# Titles written in a name column ("Dhr. J. Jansen"): not a name part.
TITLES = frozenset("dhr mevr mw mr drs dr ir ing prof bc msc ma ba".split())
# Surnames or first names that are also everyday Dutch words; scrubbed only when capitalised in the text.
COMMON_WORDS = frozenset(
    """
    groot klein bakker visser smit kok koning bos berg beek boer vos wolf wit zwart bruin meer
    dijk brink haan hoek kuiper schipper timmer smid molen mol graaf prins paus keizer ridder
    wever winter zomer lente hof huis post storm vink vogel vis kuijpers kramer schouten vries
    mens mensen goed best hart hartog man vrouw jong oud oude nieuw blom bloem roos
    will mark rob bas tim tom sam kim eva ben iris hoop grace faith
    """.split()
)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_IPV4 = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![\w:])")
# Separator between digits of a phone number: nothing, a space, a dot, or a hyphen (possibly spaced).
_S = r"(?:\s?-\s?|[ .])?"
_PHONE = re.compile(
    r"(?<![\w+.,/-])(?:"
    # international: +31 or 0031, optional (0), then nine digits starting with 1-9
    rf"(?:\+|00)31{_S}(?:\(0\){_S})?[1-9](?:{_S}\d){{8}}"
    # service numbers 0800/0900/0906/0909: four or seven more digits
    rf"|0[89]0[069](?:{_S}\d){{3}}(?:(?:{_S}\d){{3}})?{_S}\d"
    # area code in brackets: (030) 123 45 67
    rf"|\(0[1-9]\d{{1,2}}\){_S}\d(?:{_S}\d){{5,6}}"
    # national: ten digits starting with 0 (mobile 06, landline with a 2-4 digit area code)
    rf"|0[1-9](?:{_S}\d){{8}}"
    r")(?![\w]|[.,-]?\d)"
)
_DATE_LIKE = re.compile(r"^\d{1,2}([-./])\d{1,2}\1(?:\d{4}|\d{2})\b")


@dataclass
class ScrubResult:
    text: str | None
    counts: Counter = field(default_factory=Counter)


def _placeholders(placeholders: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_PLACEHOLDERS)
    merged.update(placeholders or {})
    return merged


def name_patterns(name: str | None) -> list[tuple[re.Pattern, bool, bool]]:
    """Regular expressions for a respondent's name, longest first: (pattern, respects protected spans, is an
    ordinary word).

    The full name and the surname-with-prefix are scrubbed everywhere; single name parts skip protected spans; parts
    that are ordinary words (COMMON_WORDS) match only capitalised and not at the start of a sentence.
    """
    if not name or not str(name).strip():
        return []
    words = re.findall(r"[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*", str(name))
    if not words:
        return []
    patterns: list[tuple[re.Pattern, bool, bool]] = []

    def phrase(parts: list[str]) -> str:
        return r"[\s.]+".join(re.escape(part) for part in parts)

    def whole(body: str) -> str:
        return rf"(?<![^\W_]){body}(?![^\W_])"

    if len(words) > 1:
        patterns.append((re.compile(whole(phrase(words)), re.IGNORECASE), False, False))
    words = [word for word in words if word.lower().rstrip(".") not in TITLES] or words
    # Surname with its prefix: from the first prefix word after the first name to the end ("Jan van den Berg").
    for start in range(1, len(words)):
        if words[start].lower() in NAME_PREFIXES:
            if start < len(words) - 1:
                patterns.append((re.compile(whole(phrase(words[start:])), re.IGNORECASE), False, False))
            break
    parts = list(words)
    for word in words:  # halves of hyphenated names: "Jan-Willem" -> "Jan", "Willem"
        parts.extend(piece for piece in re.split(r"[-’']", word) if piece != word)
    seen = set()
    for word in sorted(parts, key=lambda w: (-len(w), w.lower())):
        key = word.lower().rstrip(".")
        word = word.rstrip(".")
        if len(word) <= 2 or key in NAME_PREFIXES or key in seen:
            continue
        seen.add(key)
        if key in COMMON_WORDS:  # only the capitalised form: "Groot" but not "groot"
            body = re.escape(word[0].upper()) + re.escape(word[1:].lower())
            patterns.append((re.compile(whole(body)), True, True))
        else:
            patterns.append((re.compile(whole(re.escape(word)), re.IGNORECASE), True, False))
    return patterns


def _protected_spans(text: str, protect: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for term in protect:
        if not term:
            continue
        for match in re.finditer(rf"(?<![^\W_]){re.escape(term)}(?![^\W_])", text, re.IGNORECASE):
            spans.append(match.span())
    return spans


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _replace(pattern: re.Pattern, text: str, placeholder: str, accept=lambda m: True) -> tuple[str, int]:
    count = 0

    def substitute(match: re.Match) -> str:
        nonlocal count
        if not accept(match):
            return match.group(0)
        count += 1
        return placeholder

    return pattern.sub(substitute, text), count


def _sentence_start(match: re.Match) -> bool:
    before = match.string[: match.start()].rstrip()
    return not before or before[-1] in ".!?:;\n(\"'‘“-"


def _is_ipv6(match: re.Match) -> bool:
    candidate = match.group(0)
    if candidate.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _is_phone(match: re.Match) -> bool:
    return not _DATE_LIKE.match(match.group(0))


def scrub_text(
    text: str | None,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    protect: Iterable[str] = (),
    placeholders: Mapping[str, str] | None = None,
) -> ScrubResult:
    """Scrub one free-text answer. `name`, `email` and `phone` are the respondent's own personal cells (may be None);
    `protect` lists terms never scrubbed as a name part (municipality names). Returns the text and counts per kind."""
    counts: Counter = Counter()
    if text is None:
        return ScrubResult(None, counts)
    marks = _placeholders(placeholders)
    out = str(text)
    # Own e-mail and phone literally first, so that unusual formats are caught too.
    for kind, literal in (("email", email), ("phone", phone)):
        if literal and str(literal).strip() and len(str(literal).strip()) >= 5:
            pattern = re.compile(re.escape(str(literal).strip()), re.IGNORECASE)
            out, n = _replace(pattern, out, marks[kind])
            counts[kind] += n
    out, n = _replace(_EMAIL, out, marks["email"])
    counts["email"] += n
    for pattern, respects_protection, ordinary_word in name_patterns(name):
        if respects_protection:
            spans = _protected_spans(out, protect)
            out, n = _replace(pattern, out, marks["name"], lambda m, spans=spans, ordinary=ordinary_word: not _inside(
                m.span(), spans) and not (ordinary and _sentence_start(m)))
        else:
            out, n = _replace(pattern, out, marks["name"])
        counts["name"] += n
    out, n = _replace(_IPV4, out, marks["ip"])
    counts["ip"] += n
    out, n = _replace(_IPV6_CANDIDATE, out, marks["ip"], _is_ipv6)
    counts["ip"] += n
    out, n = _replace(_PHONE, out, marks["phone"], _is_phone)
    counts["phone"] += n
    return ScrubResult(out, +counts)


def scrub_counts_total(counters: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Sum per-kind counts; every kind is present (0 when nothing was replaced)."""
    total = Counter({kind: 0 for kind in SCRUB_KINDS})
    for counter in counters:
        total.update(counter)
    return {kind: int(total[kind]) for kind in sorted(total)}
