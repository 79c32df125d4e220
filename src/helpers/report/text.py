"""Dutch phrasing shared by the chapter notebooks: comparing a share with an earlier wave, quoting answers.

Comparisons with an earlier wave are tested, not read off the rounded shares: every function takes the two shares as
counts and bases, `(count, n)` pairs or rows with `count` and `n` (a tidy row of helpers.analysis.tables), and asks
helpers.analysis.stats.compare_two (two-proportion z-test, or Fisher's exact test for small counts) whether they differ at the
5 % level. Only then does a sentence say "hoger"/"meer" or "lager"/"minder"; a difference within noise is "gelijk"
(compare) and reads "niet significant hoger" or, when the shares as shown are equal, "even hoog" / "evenveel"
(SIGNIFICANCE_NOTE explains it to the reader). The two waves are treated as independent samples; in fact many
municipalities answer in both, which makes the test conservative for a change within the same municipalities.

Quotes: answers are quoted literally from the processed data (which the cleaning step already scrubbed of names,
e-mail addresses, phone numbers and IP addresses); `quote_text` scrubs once more as a safety net and
`has_personal_data` tells a test whether anything that looks personal is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from helpers.analysis import coding, stats
from helpers.core import formatting as fmt
from helpers.core.privacy import DEFAULT_PLACEHOLDERS, scrub_text

HIGHER, LOWER, EQUAL = "hoger", "lager", "gelijk"
ALPHA = 0.05
PLACEHOLDERS = tuple(DEFAULT_PLACEHOLDERS.values())
SIGNIFICANCE_NOTE = ("Verschillen met een eerdere meting heten in de tekst alleen ‘hoger’, ‘lager’, ‘meer’ of "
                     "‘minder’ als een toets op de aantallen (twee-proportietoets, bij kleine aantallen de exacte toets "
                     "van Fisher) ze significant vindt (p < 0,05); anders ‘niet significant hoger/lager’ of ‘gelijk’.")


# --------------------------------------------------------------------------------------------------------------------
# Comparing shares


def rounded(value) -> int | None:
    """The share as the report shows it (whole percentage, half up); None when missing. Delegates to
    helpers.core.formatting.rounded_pct, the one rounding rule."""
    result = fmt.rounded_pct(value)
    return None if result is None else int(result)


def counts(value) -> tuple[int, int] | None:
    """(count, n) of a `(count, n)` pair or a row/mapping with `count` and `n`; None when missing or n is 0."""
    if value is None:
        return None
    if isinstance(value, Mapping) or hasattr(value, "index") and not isinstance(value, (tuple, list)):
        count, n = value["count"], value["n"]
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        count, n = value
    else:
        raise TypeError(f"a share to compare is (count, n) or a row with count and n, not {value!r}")
    if fmt._missing(count) or fmt._missing(n) or int(n) == 0:
        return None
    return int(count), int(n)


def share_pct(value) -> float | None:
    """The share in percent of (count, n) / a row; a plain number is taken as a percentage already."""
    if isinstance(value, (int, float)) or value is None:
        return None if value is None or fmt._missing(value) else float(value)
    pair = counts(value)
    return None if pair is None else 100 * pair[0] / pair[1]


def test(now, before, alpha: float = ALPHA):
    """helpers.analysis.stats.compare_two of the two shares (now minus before), or None when one is missing."""
    a, b = counts(now), counts(before)
    if a is None or b is None:
        return None
    return stats.compare_two(a[0], a[1], b[0], b[1], alpha=alpha)


def compare(now, before) -> str | None:
    """ "hoger" / "lager" when the test finds the shares different at the 5 % level, else "gelijk"; None when one is
    missing. `now` and `before` are (count, n) pairs or rows with count and n."""
    result = test(now, before)
    return None if result is None else result.word


def more_or_fewer(now, before) -> str | None:
    """ "meer" / "minder" (gemeenten) when the test finds a difference; "evenveel" when the shares as shown are equal;
    "niet significant meer" / "niet significant minder" otherwise. None when one is missing."""
    result = test(now, before)
    if result is None:
        return None
    if result.word != EQUAL:
        return "meer" if result.word == HIGHER else "minder"
    if rounded(result.pct1) == rounded(result.pct2):
        return "evenveel"
    return "niet significant meer" if result.pct1 > result.pct2 else "niet significant minder"


def versus(now, before, year_before: int | str | None = None) -> str:
    """ "45 % ten opzichte van 37 % in 2022" ("… 37 %" without a year); shares as (count, n), rows or percentages."""
    tail = f" in {year_before}" if year_before is not None else ""
    return f"{fmt.pct(share_pct(now))} ten opzichte van {fmt.pct(share_pct(before))}{tail}"


def compare_part_with_whole(part_share, whole_share) -> str | None:
    """How a subgroup's share (e.g. small municipalities) relates to that of all participants in the same wave, as
    the report shows them: HIGHER / LOWER / EQUAL on the rounded shares; None when one is missing.

    Not the test on counts: the subgroup is part of the whole, so the two shares are not independent samples and
    compare()'s two-sample test does not apply. Year-on-year wording always goes through compare()."""
    if fmt.rounded_pct(part_share) is None or fmt.rounded_pct(whole_share) is None:
        return None
    return fmt.direction(fmt.rounded_pct(part_share), fmt.rounded_pct(whole_share), more=HIGHER, less=LOWER,
                         same=EQUAL)


def compared_phrase(now, before, year_before: int | str) -> str:
    """How a share relates to an earlier wave, to follow a verb such as "ligt" or "is", after the test:
    "hoger dan in 2022 (45 % ten opzichte van 37 %)", "lager dan in 2022 (…)", "niet significant hoger dan in 2022
    (…)" (a difference within noise), "even hoog als in 2022 (62 %)" (equal as shown). "" when one is missing."""
    result = test(now, before)
    if result is None:
        return ""
    if result.word != EQUAL:
        return f"{result.word} dan in {year_before} ({versus(now, before)})"
    if rounded(result.pct1) == rounded(result.pct2):
        return f"even hoog als in {year_before} ({fmt.pct(result.pct1)})"
    direction = HIGHER if result.pct1 > result.pct2 else LOWER
    return f"niet significant {direction} dan in {year_before} ({versus(now, before)})"


def change_counts(pairs: Iterable[tuple]) -> dict[str, int]:
    """How many (now, before) pairs the test finds higher, lower and equal: {"hoger": n, "lager": n, "gelijk": n}."""
    result = {HIGHER: 0, LOWER: 0, EQUAL: 0}
    for now, before in pairs:
        word = compare(now, before)
        if word is not None:
            result[word] += 1
    return result


def table_counts(table, population: str = "alle") -> dict[str, tuple[int, int]] | None:
    """{item: (count, n)} of a helpers.analysis.tables.matrix_table (columns count_<population>, n_<population>) or of tidy
    rows (item, count, n); None for None."""
    if table is None:
        return None
    if f"count_{population}" in table:
        return {str(i): (int(c), int(n)) for i, c, n in zip(table["item"], table[f"count_{population}"],
                                                            table[f"n_{population}"], strict=True)}
    return {str(i): (int(c), int(n)) for i, c, n in zip(table["item"], table["count"], table["n"], strict=True)}


def counted(n: int, singular: str, plural: str) -> str:
    """ "één onderdeel", "drie onderdelen" (counts up to twenty in words, as the report writes them)."""
    return f"{fmt.words(n)} {singular if int(n) == 1 else plural}"


# --------------------------------------------------------------------------------------------------------------------
# Cross-references

# A cross-reference is a Markdown link to "#deel-<part slug>" or "#deel-<part slug>--<section>"; the publishing step
# (helpers.publish.pages.resolve_cross_references) replaces its text by the real heading of that part or section and
# points it at its anchor, and refuses to publish one whose target the report does not have. So no title is typed in
# a sentence, and a renamed or missing section stops the build instead of misleading the reader.
CROSS_REFERENCE_PREFIX = "deel-"
PANEL_SECTION = ("reikwijdte_fase", "verandering-binnen-gemeenten-en-in-de-samenstelling")  # chapter 2, the panel
DATA_QUALITY_PART = "datakwaliteit"  # the data-quality appendix (report.yml)


def cross_reference(part: str, section: str = "", placeholder: str = "") -> str:
    """A Markdown link to a part of the report (its slug in report.yml) or to one of its sections (the heading's
    words as in its anchor, without the section number: "verandering-binnen-gemeenten-en-in-de-samenstelling").
    The link text is filled in when the report is published; `placeholder` is what a notebook run outside the build
    shows meanwhile (default: the slug)."""
    target = f"{CROSS_REFERENCE_PREFIX}{part}" + (f"--{section}" if section else "")
    return f"[{placeholder or (section or part).replace('-', ' ').replace('_', ' ')}](#{target})"


# --------------------------------------------------------------------------------------------------------------------
# Labels in a sentence


# Names that keep their capital inside a sentence although only their first letter is one.
NAMES = ("Wmo", "Omgevingsvisie", "Bouwbesluit")


def in_sentence(label: str) -> str:
    """A label inside a sentence: first letter lower case unless the word is an abbreviation ("VNG", "LIA"), a
    name written with a capital inside a word ("VN-verdrag") or a name in NAMES ("Wmo-raad", "Bouwbesluit"). Text in
    brackets and quote marks are kept: "(Afvaardiging) cliëntenorganisaties" -> "(afvaardiging) cliëntenorganisaties"."""
    text = " ".join(str(label).split())
    if not text:
        return text
    first = text.split(" ", 1)[0].strip("()‘’")
    if len(first) > 1 and (first[1].isupper() or "-" in first and first.split("-")[0].isupper()):
        return text
    if first.startswith(NAMES):
        return text
    for position, char in enumerate(text):
        if char.isalpha():
            return text[:position] + char.lower() + text[position + 1:]
    return text


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
    `start=True` capitalises it for the beginning of a sentence ("Zes gemeenten", "Één gemeente")."""
    text = f"{fmt.words(n)} {'gemeente' if int(n) == 1 else 'gemeenten'}"
    return sentence_start(text) if start else text


def sentence_start(text: str) -> str:
    """The text capitalised for the start of a sentence, accents kept ("één" -> "Één", the report's spelling).
    A sentence never starts with a digit: text that does is a ValueError (use counted_sentence)."""
    if text[:1].isdigit():
        raise ValueError(f"a sentence does not start with a digit: {text[:40]!r}; write the count in words or "
                         "start the sentence otherwise (text.counted_sentence)")
    return fmt.capitalize(text)


def counted_opening(n: int, verb_singular: str, verb_plural: str, aside: str = "", singular: str = "gemeente",
                    plural: str = "gemeenten") -> str:
    """The opening of a sentence about a count, as the report's style says: counts up to twenty in words
    ("Zeventien gemeenten gaven"), larger counts in digits but never at the start of the sentence ("Er gaven 21
    gemeenten"); the verb agrees with the count ("Één gemeente gaf"). `aside` goes in brackets after the count
    ("Er noemen 53 gemeenten (80 %)"). The rest of the sentence follows as it would after "Zes gemeenten gaven"."""
    noun = f"{fmt.words(n)} {singular if int(n) == 1 else plural}" + (f" ({aside})" if aside else "")
    verb = verb_singular if int(n) == 1 else verb_plural
    if int(n) < len(fmt.WORDS):
        return f"{sentence_start(noun)} {verb}"
    return f"Er {verb} {noun}"


def percentage_sentence(share, group: str, rest: str) -> str:
    """A sentence whose subject is a share of a group, never starting with the share's digits and with the verb in
    the singular: percentage_sentence(21, "de gemeenten", "geeft aan cliëntenorganisaties niet te betrekken.") ->
    "Van de gemeenten geeft 21 % aan cliëntenorganisaties niet te betrekken." `rest` starts with the verb; a
    separable verb's particle stays where `rest` puts it."""
    verb, _, tail = rest.partition(" ")
    return f"Van {group} {verb} {fmt.pct(share)} {tail}".rstrip()


def rose_and_fell(total: int, noun: str, rising: int, falling: int) -> str:
    """How many of `total` items rose and fell, counts in words, zero as "geen" and the verb agreeing with each
    count: "Van de acht knelpunten nam er geen aantoonbaar toe en één aantoonbaar af", "… namen er twee aantoonbaar
    toe en nam er één aantoonbaar af", "… nam er geen aantoonbaar toe of af" (no full stop)."""

    def count(n: int) -> str:
        return "geen" if n == 0 else fmt.words(n)

    def verb(n: int) -> str:
        return "namen" if n > 1 else "nam"

    opening = f"Van de {fmt.words(total)} {noun} {verb(rising)} er"
    if rising == falling == 0:
        return f"{opening} geen aantoonbaar toe of af"
    second = "" if verb(rising) == verb(falling) else f"{verb(falling)} er "
    return f"{opening} {count(rising)} aantoonbaar toe en {second}{count(falling)} aantoonbaar af"


def majority_with_share(share) -> str:
    """ "een ruime meerderheid (77 %)": majority_phrase with the share as shown, and no rounded figure beside it."""
    return f"{majority_phrase(share)} ({fmt.pct(share)})"


def theme_quotes(coded, theme: str, k: int, seed_key: str, exclude: Iterable[str] = ()) -> list[str]:
    """Up to `k` quotes of `theme` from a helpers.analysis.coding.code_texts result, chosen with helpers.analysis.coding.choose_quotes
    (reproducible, never a text with a placeholder or personal data): texts coded with this theme only come first,
    texts that also belong to other themes fill up."""
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


# --- shared phrase rules (from chapter 3)


def rank_as_shown(shares: Mapping, codes: Sequence[str]) -> list[str]:
    """`codes` sorted high to low by the share as the report shows it (rounded), equal shares in the given
    (questionnaire) order; a missing share goes last."""
    position = {code: i for i, code in enumerate(codes)}

    def key(code):
        shown = rounded(shares[code])
        return (-(shown if shown is not None else -1), position[code])

    return sorted(codes, key=key)


def sorted_as_shown(table, share_column: str = "pct_alle"):
    """A helpers.analysis.tables.matrix_table (order="codebook") sorted by the rounded share (rank_as_shown),
    renumbered: what the reader sees decides the order (the 2023 report lists 39 % before 39 % this way)."""
    order = rank_as_shown(table.set_index("item")[share_column], list(table["item"]))
    table = table.set_index("item").loc[order].reset_index()
    table["rank"] = range(1, len(table) + 1)
    return table[["rank"] + [column for column in table.columns if column != "rank"]]


def top_three(shares: Mapping, codes: Sequence[str]) -> tuple[list[str], bool]:
    """The three codes with the highest share as shown (rank_as_shown) and whether they are a clear top three: the
    third share, rounded, is higher than the fourth (with a tie at the edge another code could just as well be
    third)."""
    order = rank_as_shown(shares, codes)
    clear = len(order) <= 3 or rounded(shares[order[2]]) > rounded(shares[order[3]])
    return order[:3], clear


def share_range(shares: Iterable) -> str:
    """ "75 %" when the shares as shown are equal, else "tussen de 61 % en 66 %"."""
    shown = sorted(rounded(share) for share in shares)
    if shown[0] == shown[-1]:
        return fmt.pct(shown[0])
    return f"tussen de {fmt.pct(shown[0])} en {fmt.pct(shown[-1])}"


def quote_sentences(text: str) -> set[str]:
    """The sentences of an answer, normalised (case and whitespace), to tell whether two quotes repeat each other."""
    return {part.strip(" .!?;") for part in re.split(r"(?<=[.!?;])\s+", coding.normalise_text(text))
            if part.strip(" .!?;")}


class QuoteShower:
    """Shows quotes as Markdown blockquotes in a chapter and remembers them, so no quote is shown twice in it.

    Quotes are chosen with theme_quotes (coded texts and a theme) or helpers.analysis.coding.choose_quotes (plain
    texts, or several themes at once); the seed key is `seed_prefix/key`. `note` is shown once, under the first quotes
    (e.g. how quotes are chosen)."""

    def __init__(self, chapter, seed_prefix: str, note: str | None = None):
        self.chapter, self.seed_prefix, self.note = chapter, seed_prefix, note
        self.shown: set[str] = set()
        self.sentences: set[str] = set()  # the sentences of the quotes shown (normalised)

    def choose(self, texts, theme, k: int, key: str) -> list[str]:
        """Up to `k` quotes not shown before, without showing them: no text shown before, and no text that repeats
        a sentence of one (answers often share a sentence, and a reader should not meet it twice in a chapter)."""
        if k <= 0:
            return []
        seed_key = f"{self.seed_prefix}/{key}"
        every = len(texts)  # rank every candidate, then keep the best `k` that repeat nothing
        if isinstance(theme, str) and "text_hash" in getattr(texts, "columns", ()):
            ranked = theme_quotes(texts, theme, every, seed_key, exclude=self.shown)
        else:
            ranked = coding.choose_quotes(texts, theme, every, seed_key, exclude=self.shown)
        return [text for text in ranked if not quote_sentences(text) & self.sentences][:k]

    def show(self, texts, theme, k: int, key: str) -> list[str]:
        """Choose up to `k` quotes (choose), show them as blockquotes and remember them; the note after the first."""
        chosen = self.choose(texts, theme, k, key)
        self.shown.update(coding.text_hash(text) for text in chosen)
        for text in chosen:
            self.sentences |= quote_sentences(text)
        if chosen:
            self.chapter.text("\n\n".join(coding.blockquote(text) for text in chosen))
            if self.note:
                self.chapter.note(self.note)
                self.note = None
        return chosen


# --- shared phrase rules (from chapter 4)


def about_share(share: float) -> str:
    """The share near a multiple of ten with the share itself in brackets: "bijna 80 % (77 %)", "ruim 70 % (71 %)";
    just "70 %" or "75 %" when round_ten_phrase already shows the share."""
    near = round_ten_phrase(share)
    exact = fmt.pct(share)
    return near if near == exact else f"{near} ({exact})"


def short_label(label: str) -> str:
    """A label inside a sentence without its explanation in brackets: "uitleg over VN-verdrag"."""
    return in_sentence(without_brackets(label))


def shares_list(labels: Iterable[str], shares: Iterable[float], before: Iterable[float] | None = None) -> str:
    """Every bar of a figure for its alt text: "Ja: 62 %; Nee: 38 %", with `before` (an earlier wave) in brackets:
    "Ja: 62 % (55 %); Nee: 38 % (45 %)"."""
    if before is None:
        return "; ".join(f"{label}: {fmt.pct(share)}" for label, share in zip(labels, shares, strict=True))
    return "; ".join(f"{label}: {fmt.pct(share)} ({fmt.pct(earlier)})"
                     for label, share, earlier in zip(labels, shares, before, strict=True))


def series_phrase(waves: Iterable, shares: Iterable[float]) -> str:
    """ "55 % in 2020, 63 % in 2021 en 71 % in 2022"."""
    return fmt.join(f"{fmt.pct(share)} in {wave}" for wave, share in zip(waves, shares, strict=True))


def rose_every_wave(rows) -> bool:
    """Did the share rise from each measurement to the next? Every step is tested (compare on the counts; `rows` have
    count and n, oldest first, e.g. a helpers.analysis.tables.trend): a rise within noise, or a wave with only a
    published share, is no rise. False for fewer than two rows."""
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    return len(records) >= 2 and all(compare(now, before) == HIGHER
                                     for before, now in zip(records, records[1:], strict=False))


def published_mismatch_note(trend) -> str:
    """ "Deze cijfers wijken af van de gepubliceerde: 2021: hier 63 %, gepubliceerd ‘…’." for the waves of a
    helpers.analysis.tables.trend whose computed share does not reproduce the published one; "" when all do."""
    differ = trend[trend["published_match"].eq(False).fillna(False)]
    if not len(differ):
        return ""
    return "Deze cijfers wijken af van de gepubliceerde: " + "; ".join(
        f"{row.wave}: hier {fmt.pct(row.pct)}, gepubliceerd ‘{row.published_quote}’" for row in differ.itertuples()) + "."


def municipalities_did(n: int, singular: str, plural: str, *, start: bool = True) -> str:
    """The count of municipalities with the verb agreeing: "Één gemeente koos", "Zes gemeenten kozen"; at the start
    of a sentence (`start`) as counted_opening writes it ("Er kozen 21 gemeenten")."""
    if start:
        return counted_opening(n, singular, plural)
    return f"{counted_municipalities(n)} {singular if int(n) == 1 else plural}"
