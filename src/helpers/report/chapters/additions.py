"""Rules of chapter 5 (notebooks/05_aanvullingen.ipynb): how many quotes a theme gets and how the theme "overig" is
described."""

from __future__ import annotations

from helpers.report.chapters.background import singular_or_plural

# (most municipalities in a theme, quotes shown): one quote for one or two, two for up to five, three above.
QUOTES_BY_COUNT = ((2, 1), (5, 2))
MAX_QUOTES = 3


def quotes_for(count: int) -> int:
    """How many quotes a theme written about by `count` municipalities shows (QUOTES_BY_COUNT, else MAX_QUOTES)."""
    for most, quotes in QUOTES_BY_COUNT:
        if count <= most:
            return quotes
    return MAX_QUOTES


def in_past_tense(description: str, count: int) -> str:
    """A theme's description from the coding frame ("… schrijven over …") with its verb in the past tense and agreeing
    with `count` ("schreef" for one municipality, "schreven" for more)."""
    return description.replace("schrijven", singular_or_plural(count, "schreef", "schreven"))
