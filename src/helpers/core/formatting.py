"""Dutch number, percentage, date and list formats for the report text, tables and figures.

Every number the chapters show goes through these functions, so that the whole report writes "30 %" (with a
non-breaking space), "10.000", "1 januari 2022" and "a, b en c" the same way. Percentages of a float are rounded half
up to whole numbers, as the published report does (round_half_up: 66.5 -> 67; the one rounding rule of the project).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd


def round_half_up(x: float, digits: int = 0) -> int | float:
    """Round as reports do (66.5 -> 67, 2.5 -> 3), not to even as Python's round() does.

    The float goes through its shortest repr, so 14.45 rounds to 14.5 at one digit although its binary value is
    slightly below 14.45.
    """
    rounded = Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


NBSP = "\u00a0"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
# Counts in words where the report writes them ("Dit betreft vier gemeenten", "Zes respondenten ...").
WORDS = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
         "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien", "twintig")


def _missing(value) -> bool:
    """None, NaN or pd.NA."""
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def rounded_pct(value, digits: int = 0) -> int | float | None:
    """A percentage rounded as the report rounds (half up); None for a missing value."""
    if _missing(value):
        return None
    return round_half_up(float(value), digits)


def number(value, digits: int = 0, missing: str = "–") -> str:
    """10000 -> "10.000"; 2.5 with digits=1 -> "2,5" (thousands with a dot, decimals with a comma, half up)."""
    if _missing(value):
        return missing
    value = round_half_up(float(value), digits)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if digits == 0:
        whole, fraction = int(value), ""
    else:
        text = f"{value:.{digits}f}"
        whole_text, fraction = text.split(".")
        whole, fraction = int(whole_text), "," + fraction
    grouped = f"{whole:,}".replace(",", ".")
    return f"{sign}{grouped}{fraction}"


def pct(value, digits: int = 0, missing: str = "–") -> str:
    """30 -> "30 %" (non-breaking space); 66.5 -> "67 %"; None/NaN -> "–"."""
    if _missing(value):
        return missing
    return f"{number(value, digits)}{NBSP}%"


def share(part: int, whole: int) -> float | None:
    """100 * part / whole, unrounded (None when whole is 0). Multiply first, so an exact half stays exact."""
    if not whole:
        return None
    return 100 * part / whole


def date(value: dt.date | str) -> str:
    """2022-01-01 -> "1 januari 2022"."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def join(items: Iterable, last: str = "en") -> str:
    """["a", "b", "c"] -> "a, b en c"; ["a"] -> "a"; [] -> ""."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def words(count: int) -> str:
    """A count in words as the report writes small numbers (0-20: "vier"); larger counts as digits ("201")."""
    count = int(count)
    return WORDS[count] if 0 <= count < len(WORDS) else number(count)


def capitalize(text: str) -> str:
    """First letter upper case, the rest untouched ("'s-Hertogenbosch" and "30 %" stay as they are)."""
    for position, char in enumerate(text):
        if char.isalpha():
            return text[:position] + char.upper() + text[position + 1:]
        if char.isdigit():
            return text
    return text


def municipalities(count: int, singular: str = "gemeente", plural: str = "gemeenten") -> str:
    """3 -> "3 gemeenten", 1 -> "1 gemeente" (digits, Dutch thousands)."""
    return f"{number(count)} {singular if int(count) == 1 else plural}"


def fraction_phrase(percentage: float) -> str:
    """A share in the words the report uses for a rough fraction ("meer dan de helft", "ruim twee derde").

    Used next to the exact percentage, never instead of it.
    """
    if _missing(percentage):
        return ""
    p = float(percentage)
    anchors = [(100, "alle"), (75, "driekwart"), (200 / 3, "twee derde"), (50, "de helft"), (100 / 3, "een derde"),
               (25, "een kwart"), (20, "een vijfde"), (10, "een tiende"), (0, "geen enkele")]
    if p >= 100:
        return "alle"
    if p <= 0:
        return "geen enkele"
    anchors = anchors[1:-1]
    for value, phrase in anchors:
        if math.isclose(p, value, abs_tol=1.0):
            return f"ongeveer {phrase}"
    for value, phrase in anchors:
        if 0 < value - p <= 3:
            return f"iets minder dan {phrase}"
        if p > value:
            return f"{'ruim' if p - value <= 5 else 'meer dan'} {phrase}"
    return "minder dan een tiende"


def direction(now: float, before: float, *, more: str = "meer", less: str = "minder", same: str = "evenveel",
              tolerance: float = 0.5) -> str:
    """'meer', 'minder' or 'evenveel' comparing two (rounded) percentages or counts."""
    if _missing(now) or _missing(before):
        return ""
    if abs(float(now) - float(before)) < tolerance:
        return same
    return more if now > before else less


def change_phrase(now: float, before: float, *, clear: float = 10.0) -> str:
    """How a count changed, in the report's words: "een duidelijke stijging" (10 % or more), "een lichte stijging",
    "geen verandering", "een lichte daling", "een duidelijke daling"."""
    if _missing(now) or _missing(before) or not before:
        return ""
    if now == before:
        return "geen verandering"
    relative = 100 * (float(now) - float(before)) / float(before)
    size = "duidelijke" if abs(relative) >= clear else "lichte"
    return f"een {size} {'stijging' if relative > 0 else 'daling'}"
