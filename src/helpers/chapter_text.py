"""Dutch phrasing shared by the chapter notebooks: comparing a share with an earlier wave, quoting answers.

Every comparison works on the shares as the report shows them (rounded half up to whole percentages, as
helpers.formatting.pct writes them), so a sentence never says "hoger" next to two equal numbers. Whether a difference
is statistically meaningful is not judged here (a later step adds significance tests).

Quotes: answers are quoted literally from the processed data (which the cleaning step already scrubbed of names,
e-mail addresses, phone numbers and IP addresses); `quote_text` scrubs once more as a safety net and
`has_personal_data` tells a test whether anything that looks personal is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from helpers import formatting as fmt
from helpers.privacy import DEFAULT_PLACEHOLDERS, scrub_text

HIGHER, LOWER, EQUAL = "hoger", "lager", "gelijk"
PLACEHOLDERS = tuple(DEFAULT_PLACEHOLDERS.values())


# --------------------------------------------------------------------------------------------------------------------
# Comparing shares


def rounded(value) -> int | None:
    """The share as the report shows it (whole percentage, half up); None when missing."""
    result = fmt.rounded_pct(value)
    return None if result is None else int(result)


def compare(now, before) -> str | None:
    """ "hoger", "lager" or "gelijk" comparing two shares as shown (rounded); None when one is missing."""
    a, b = rounded(now), rounded(before)
    if a is None or b is None:
        return None
    return HIGHER if a > b else LOWER if a < b else EQUAL


def more_or_fewer(now, before) -> str | None:
    """ "meer", "minder" or "evenveel" (gemeenten) comparing two shares as shown; None when one is missing."""
    word = compare(now, before)
    return None if word is None else {HIGHER: "meer", LOWER: "minder", EQUAL: "evenveel"}[word]


def versus(now, before, year_before: int | str | None = None) -> str:
    """ "45 % ten opzichte van 37 % in 2022" ("… 37 %" without a year)."""
    tail = f" in {year_before}" if year_before is not None else ""
    return f"{fmt.pct(now)} ten opzichte van {fmt.pct(before)}{tail}"


def compared_phrase(now, before, year_before: int | str) -> str:
    """How a share relates to an earlier wave, to follow a verb such as "ligt" or "is":
    "hoger dan in 2022 (45 % ten opzichte van 37 %)", "lager dan in 2022 (…)", "even hoog als in 2022 (62 %)"."""
    word = compare(now, before)
    if word is None:
        return ""
    if word == EQUAL:
        return f"even hoog als in {year_before} ({fmt.pct(now)})"
    return f"{word} dan in {year_before} ({versus(now, before)})"


def change_counts(pairs: Iterable[tuple[float, float]]) -> dict[str, int]:
    """How many (now, before) pairs are higher, lower and equal as shown: {"hoger": n, "lager": n, "gelijk": n}."""
    counts = {HIGHER: 0, LOWER: 0, EQUAL: 0}
    for now, before in pairs:
        word = compare(now, before)
        if word is not None:
            counts[word] += 1
    return counts


def counted(n: int, singular: str, plural: str) -> str:
    """ "één onderdeel", "drie onderdelen" (counts up to twenty in words, as the report writes them)."""
    return f"{fmt.words(n)} {singular if int(n) == 1 else plural}"


# --------------------------------------------------------------------------------------------------------------------
# Labels in a sentence


def in_sentence(label: str) -> str:
    """A label inside a sentence: first letter lower case unless the word is an abbreviation ("VNG", "LIA") or a
    name written with a capital inside a word ("VN-verdrag"). Text in brackets is kept."""
    text = " ".join(str(label).split())
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1].isupper() or "-" in first and first.split("-")[0].isupper()):
        return text
    return text[0].lower() + text[1:]


def without_brackets(label: str) -> str:
    """ "Uitleg over VN-verdrag (wat betekent het voor mijn gemeente?)" -> "Uitleg over VN-verdrag"."""
    return re.sub(r"\s*\([^)]*\)", "", str(label)).strip()


def listing(labels_and_shares: Sequence[tuple[str, float]], last: str = "en") -> str:
    """ "a (62 %), b (41 %) en c (32 %)" with the labels in a sentence."""
    return fmt.join((f"{in_sentence(label)} ({fmt.pct(share)})" for label, share in labels_and_shares), last)


def majority_phrase(share: float) -> str:
    """ "een ruime meerderheid" (70 % or more), "een meerderheid" (more than half), "de helft", "een minderheid"."""
    value = rounded(share)
    if value is None:
        return ""
    if value >= 70:
        return "een ruime meerderheid"
    if value > 50:
        return "een meerderheid"
    if value == 50:
        return "de helft"
    return "een minderheid"


def round_ten_phrase(share: float) -> str:
    """The share near a multiple of ten as the report writes it: "bijna 80 %" (77-79), "ruim 70 %" (71-73),
    "70 %" (exactly), else the share itself ("75 %")."""
    value = rounded(share)
    if value is None:
        return ""
    below, above = value - value % 10, value - value % 10 + 10
    if value == below:
        return fmt.pct(value)
    if above - value <= 3 and above <= 100:
        return f"bijna {fmt.pct(above)}"
    if value - below <= 3:
        return f"ruim {fmt.pct(below)}"
    return fmt.pct(value)


# --------------------------------------------------------------------------------------------------------------------
# Quotes


def quote_text(text: str) -> str:
    """An answer ready to quote: whitespace collapsed, scrubbed once more (the stored text is already scrubbed),
    outer quote marks removed (the report sets its own)."""
    scrubbed = scrub_text(" ".join(str(text).split())).text or ""
    return scrubbed.strip().strip("'‘’\"“”").strip()


def has_personal_data(text: str) -> bool:
    """Does the text still hold something the scrubber would replace (an e-mail address, phone number, IP address)?"""
    return bool(scrub_text(str(text)).counts)


def has_placeholder(text: str) -> bool:
    """Does the text hold a placeholder of the scrubber ("[e-mailadres]")? Such answers are not chosen as quotes."""
    return any(mark in str(text) for mark in PLACEHOLDERS)


def quoted(text: str) -> str:
    """ "‘text’" as the report quotes answers."""
    return f"‘{quote_text(text)}’"


def blockquotes(texts: Iterable[str]) -> str:
    """Markdown blockquotes, one per answer, separated by a blank line."""
    return "\n\n".join(f"> {quoted(text)}" for text in texts)


def counted_municipalities(n: int, *, start: bool = False) -> str:
    """ "zes gemeenten", "één gemeente", "201 gemeenten" (up to twenty in words, as the report writes counts);
    `start=True` capitalises it for the beginning of a sentence ("Zes gemeenten", "Eén gemeente")."""
    text = f"{fmt.words(n)} {'gemeente' if int(n) == 1 else 'gemeenten'}"
    return sentence_start(text) if start else text


def sentence_start(text: str) -> str:
    """The text capitalised for the start of a sentence; "één" becomes "Eén" (as the summary writes it)."""
    text = fmt.capitalize(text)
    return "Eén" + text[3:] if text.startswith("Één") else text


def theme_quotes(coded, theme: str, k: int, seed_key: str, exclude: Iterable[str] = ()) -> list[str]:
    """Up to `k` quotes of `theme` from a helpers.coding.code_texts result, chosen with helpers.coding.choose_quotes
    (reproducible, never a text with a placeholder or personal data): texts coded with this theme only come first,
    texts that also belong to other themes fill up."""
    from helpers import coding

    if k <= 0 or coded is None or not len(coded):
        return []
    themes_per_text = coded.groupby("text_hash")["theme"].nunique()
    own = coded[coded["text_hash"].map(themes_per_text) == 1]
    excluded = set(exclude)
    chosen = coding.choose_quotes(own, theme, k, seed_key, exclude=excluded)
    if len(chosen) < k:
        excluded |= {coding.text_hash(text) for text in chosen}
        chosen += coding.choose_quotes(coded, theme, k - len(chosen), seed_key, exclude=excluded)
    return chosen
