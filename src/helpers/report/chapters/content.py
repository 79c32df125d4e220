"""Chapter 3 ("Inhoud lokaal inclusiebeleid", notebooks/03_inhoud.ipynb): the rules its sentences follow.

The notebook computes a table with a helper, shows it and says it; what needs a decision lives here: which themes
and domains are named, what counts as a clear top three, when small municipalities differ from all, how the most
named obstacle compares with the previous wave. Functions return Dutch sentences or the values a sentence needs.
Shares are compared as the report shows them (helpers.report.text.rounded); a comparison with an earlier wave, or of
small municipalities with all, is the test on the counts (helpers.report.text.compare).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import pandas as pd

from helpers.analysis import coding, tables, trends
from helpers.core import formatting as fmt
from helpers.report import figures
from helpers.report import text as tekst
from helpers.report.summary import than

# Percentage points between the rounded shares of small and all municipalities from which the text names a
# difference (partners, obstacles), and the share of "geen aandacht" from which a VNG topic is named.
DIFFERENCE_PP = 5
NO_ATTENTION_PCT = 15
# "Verreweg het meest genoemde knelpunt": at least this many points ahead of the second.
FAR_AHEAD_PP = 20
# From this share of municipalities that do not work with residents with a disability, the text says "Opvallend is
# dat" (else "Slechts").
NOTABLE_PCT = 5
# "De grotere gemeenten, met meer dan 50.000 inwoners" (rapport 2023, par. 3.2): these size classes.
LARGE_CLASSES = ("50k_100k", "ge100k")


def quote_count(municipalities: int) -> int:
    """1-3 quotes, more where more municipalities wrote about it."""
    return 3 if municipalities >= 15 else 2 if municipalities >= 5 else 1


def shares(tidy: pd.DataFrame, group: str = "alle") -> pd.Series:
    """The percentages per item of one population of a helpers.analysis.tables.group_share result."""
    return tidy[tidy["group"] == group].set_index("item")["pct"]


def population_counts(tidy: pd.DataFrame, group: str = "alle") -> dict[str, tuple[int, int]]:
    """{item: (count, n)} of one population of a group_share result, for the test on the counts."""
    return tekst.table_counts(tidy[tidy["group"] == group])


def question_list(questions: Sequence[str]) -> str:
    """The questions a chapter answers, one after the other; the last one introduced with "En:" when there are
    several ("… En: welke knelpunten ervaren gemeenten …?")."""
    questions = list(questions)
    if len(questions) > 1:
        questions[-1] = "En: " + tekst.in_sentence(questions[-1])
    return " ".join(questions)


def municipalities_did(n: int, singular: str, plural: str, aside: str = "") -> str:
    """ "Drie gemeenten gaven", "Één gemeente gaf", "Er gaven 21 gemeenten": a count of municipalities at the start
    of a sentence with the verb agreeing (text.counted_opening); `aside` goes in brackets after the count ("Drie
    gemeenten (12 %) noemen")."""
    return tekst.counted_opening(n, singular, plural, aside)


def base_aside(n: int, small_base: int) -> str:
    """ "; basis: 12 gemeenten" to add inside a bracket when a share rests on fewer than `small_base` municipalities,
    else ""."""
    return f"; basis: {fmt.municipalities(int(n))}" if n < small_base else ""


def options_named(question, codes: Sequence[str]) -> str:
    """ "‘a’, ‘b’ of ‘c’": the answer options `codes` of a codebook question as the questionnaire shows them."""
    return fmt.join([f"‘{question.option(code).display}’" for code in codes], last="of")


# --------------------------------------------------------------------------------------------------------------------
# Key figures registered from a computed table (ch: a helpers.report.chapter.Chapter)


def register_labels(ch, name: str, codes: Sequence[str], labels: Mapping[str, str], **context) -> None:
    """A key figure that names items: their labels as a list (text: "a, b en c"), the codes as `items`."""
    ch.number(name, [labels[c] for c in codes], text=fmt.join(labels[c] for c in codes), items=list(codes), **context)


def register_share_range(ch, prefix: str, shares_shown: pd.Series | None, **context) -> None:
    """<prefix>_min_pct and <prefix>_max_pct: the lowest and highest of `shares_shown` (missing when None, e.g. a
    group too small to describe)."""
    for end, pick in (("min", min), ("max", max)):
        ch.percentage(f"{prefix}_{end}_pct", None if shares_shown is None else pick(shares_shown), **context)


def register_shares(ch, name: str, shares_per_item: pd.Series, **context) -> None:
    """A percentage key figure per item of `shares_per_item`, named `name` with the item filled in
    ("vng_geen_{}_pct" -> vng_geen_samenwerken_pct), the item in its context."""
    for item, share in shares_per_item.items():
        ch.percentage(name.format(item), share, item=item, **context)


def register_table_share(ch, name: str, table: pd.DataFrame, item: str, population: str = "alle",
                         with_n: bool = False, **context):
    """The share of `item` in a matrix_table (column pct_<population>) as a percentage key figure with `item` in its
    context, and its base as `n` when `with_n`. Returns the share."""
    row = table.set_index("item").loc[item]
    base = {"n": int(row[f"n_{population}"])} if with_n else {}
    return ch.percentage(name, row[f"pct_{population}"], item=item, **base, **context)


def earlier_shares(ch, question: str, group: str) -> dict[int, pd.Series]:
    """{wave: the shares of all municipalities per item} of `group` in every earlier wave that asked `question`."""
    return {wave: shares(ch.group_share(question, group, year=wave))
            for wave in ch.waves() if wave < ch.year and ch.asks(question, wave)}


def register_themes(ch, name: str, counts: pd.DataFrame, shown: pd.DataFrame, n: int) -> None:
    """The municipalities per theme of a coding frame ({theme: count}, every theme of `counts`); the text lists the
    themes in `shown` ("label: count; …")."""
    ch.number(name, {row.theme: int(row.count) for row in counts.itertuples()},
              text="; ".join(f"{row.label}: {row.count}" for row in shown.itertuples()), n=n)


# --------------------------------------------------------------------------------------------------------------------
# Coded open answers (3.1 LIA results, 3.5 obstacles)


class Coded(NamedTuple):
    texts: pd.DataFrame
    coded: pd.DataFrame
    counts: pd.DataFrame
    method: str  # the note on how the texts were coded


def coded_answers(answers: pd.DataFrame, frame, unit: str = "toelichting") -> Coded:
    """The texts a coding frame codes, their coding (manual codings included), the counts per theme and a note on
    the method. `unit`: what one text is called in the note ("antwoord" or "toelichting")."""
    texts = coding.frame_texts(answers, frame)
    coded = coding.code_texts(texts, frame, coding.MANUAL_FILE)
    counts = coding.theme_counts(coded, texts, frame)
    manual = coded.loc[coded["source"] == "manual", "text_hash"].nunique()
    unused = coded.attrs["unused_manual"]
    method = (f"De {unit}en zijn in thema's ingedeeld met het codeerschema ‘{frame.title}’ (trefwoorden per "
              f"thema); een {unit} kan meer dan één thema noemen.")
    if manual:
        method += f" {tekst.sentence_start(fmt.words(manual))} teksten zijn met de hand gecodeerd."
    if unused:
        method += (f" Let op: {fmt.words(len(unused))} handmatige codering(en) uit de lijst met handmatige "
                   "coderingen passen bij geen enkele tekst van deze editie.")
    return Coded(texts, coded, counts, method)


def routed_count(answers: pd.DataFrame, cb, question: str, routing_question: str) -> tuple[tuple, int]:
    """The answers to `routing_question` that route to `question` and how many municipalities gave one."""
    routing = tuple(cb.question(question).asked_if.get(routing_question, ()))
    rows = answers[(answers["question"] == routing_question) & (answers["kind"] == "answer")]
    return routing, int(rows.loc[rows["value"].isin(routing), "response_id"].nunique())


def named_themes(counts: pd.DataFrame, frame) -> pd.DataFrame:
    """The themes of a theme_counts result that at least one municipality names, the fallback theme left out."""
    return counts[(counts["theme"] != frame.fallback) & (counts["count"] > 0)]


def themes_with_counts(rows: pd.DataFrame) -> str:
    """ "a (12 gemeenten), b (5 gemeenten) en c (1 gemeente)"."""
    return fmt.join(f"{tekst.in_sentence(row.label)} ({fmt.municipalities(row.count)})" for row in rows.itertuples())


def most_named_sentence(named: pd.DataFrame, answered: int) -> str:
    """The (up to three) most named themes with their counts (3.1), after a general opening when at least three are
    named; `named`: named_themes, most named first."""
    top = named.head(3)
    return (("De antwoorden laten zien dat gemeenten op diverse terreinen resultaten behalen. " if len(named) >= 3 else "")
            + f"Het vaakst genoemd {'zijn' if len(top) > 1 else 'is'} {themes_with_counts(top)}"
            + f", van de {fmt.number(answered)} gemeenten die de vraag beantwoordden.")


class ThemeGroup(NamedTuple):
    municipalities: int  # that name at least one theme of the group
    code: str
    label: str
    themes: list[str]
    rows: pd.DataFrame  # the themes of the group that are named, with count and pct


def theme_groups(frame, coded: pd.DataFrame, counts: pd.DataFrame) -> list[ThemeGroup]:
    """The groups of a coding frame that are named, most named first (ties in the frame's order)."""
    groups = []
    for code, label in frame.groups.items():
        themes = [t.code for t in frame.themes if t.group == code and not t.fallback]
        units = int(coded.loc[coded["theme"].isin(themes), "response_id"].nunique())
        rows = counts[counts["theme"].isin(themes) & (counts["count"] > 0)]
        groups.append(ThemeGroup(units, code, label, themes, rows))
    groups.sort(key=lambda group: -group.municipalities)
    return [group for group in groups if group.municipalities]


def theme_list(rows: pd.DataFrame) -> str:
    """A Markdown list "- label: 3 gemeenten (12 %)", one line per theme."""
    return "\n".join(f"- {row.label}: {fmt.municipalities(row.count)} ({fmt.pct(row.pct)})" for row in rows.itertuples())


def rarely_named(counts: pd.DataFrame, frame) -> list[str]:
    """The sentences on the least named themes (when more than three are named), the themes nobody names and the
    answers outside every theme (3.1)."""
    named = named_themes(counts, frame)
    sentences = []
    least = named.sort_values("count", kind="stable").head(3)
    if len(named) > 3 and len(least):
        sentences.append(f"Minder genoemd zijn resultaten op het gebied van {themes_with_counts(least)}.")
    never = counts[(counts["theme"] != frame.fallback) & (counts["count"] == 0)]
    if 0 < len(never) <= 5:
        sentences.append("Geen enkele gemeente noemt resultaten op het gebied van "
                         + fmt.join(tekst.in_sentence(label) for label in never["label"]) + ".")
    elif len(never) > 5:
        sentences.append(f"{tekst.sentence_start(fmt.words(len(never)))} thema's uit het codeerschema noemt geen enkele "
                         "gemeente.")
    other = int(counts.set_index("theme").at[frame.fallback, "count"]) if frame.fallback else 0
    if other:
        sentences.append(f"{tekst.sentence_start(fmt.words(other))} {'antwoord noemt' if other == 1 else 'antwoorden noemen'} "
                         "geen van deze thema's.")
    return sentences


def other_obstacles_sentence(coded: Coded, frame, listed: Sequence[str]) -> str:
    """How many descriptions of "another obstacle" turn out to fit an obstacle in the list (3.5); "" when none."""
    other = coded.texts[coded.texts["kind"] == "other"]
    item_of = {t.code: t.item for t in frame.themes}
    fits = coded.coded[(coded.coded["kind"] == "other") & coded.coded["theme"].map(item_of).isin(listed)]
    n_other, n_fits = other["response_id"].nunique(), fits["response_id"].nunique()
    if not len(other) or not n_fits:
        return ""
    if n_other == 1:
        return ("De enige omschrijving van een ander knelpunt past blijkens de toelichting toch onder een van de "
                "knelpunten in de lijst.")
    return (f"Van de {fmt.number(n_other)} omschrijvingen van een ander knelpunt {'past' if n_fits == 1 else 'passen'} "
            f"er {fmt.number(n_fits)} blijkens de toelichting toch onder een van de knelpunten in de lijst.")


# --------------------------------------------------------------------------------------------------------------------
# 3.2 Domains


def top_domains_sentences(shares_all: Mapping, labels: Mapping[str, str], order: Sequence[str]) -> list[str]:
    """The three domains with the most attention, their range (as a rough fraction when all three are near the same
    one) and a fourth domain that scores as high as the third."""
    top = list(order[:3])
    fractions = {fmt.fraction_phrase(tekst.rounded(shares_all[c])) for c in top}
    span = tekst.share_range(shares_all[c] for c in top)
    sentences = ["Drie domeinen waar gemeenten bijzonder veel aandacht voor hebben zijn: "
                 + fmt.join(tekst.in_sentence(labels[c]) for c in top) + "."]
    if len(fractions) == 1 and "ongeveer" in next(iter(fractions)):
        sentences.append(f"Voor elk van deze domeinen heeft {next(iter(fractions))} van alle gemeenten veel of heel "
                         f"veel aandacht ({span}).")
    else:
        sentences.append(f"Van alle gemeenten heeft {span} veel of heel veel aandacht voor deze domeinen.")
    fourth = order[3] if len(order) > 3 else None
    if fourth and tekst.rounded(shares_all[fourth]) == tekst.rounded(shares_all[top[-1]]):
        sentences.append(f"Even hoog scoort {tekst.in_sentence(labels[fourth])} ({fmt.pct(shares_all[fourth])}).")
    return sentences


class Ranked(NamedTuple):
    shares: pd.Series  # of all municipalities, per item
    small: pd.Series | None  # of small municipalities; None when fewer than min_group answered
    order: list[str]  # items from the highest share as shown (ties in questionnaire order)

    @property
    def top(self) -> list[str]:
        return self.order[:3]

    @property
    def small_top(self) -> pd.Series | None:
        """The shares of small municipalities of the top three of all; None when they are too few to describe."""
        return None if self.small is None else self.small[self.top]


def ranked(tidy: pd.DataFrame, codes: Sequence[str], min_group: int) -> Ranked:
    """The shares of all and small municipalities of a group_share result (populations alle and klein) and the items
    ranked as the report shows them (text.rank_as_shown); small municipalities only when `min_group` answered."""
    shares_all = shares(tidy, "alle")
    small_shown = int(tidy.loc[tidy["group"] == "klein", "n"].max()) >= min_group
    return Ranked(shares_all, shares(tidy, "klein") if small_shown else None, tekst.rank_as_shown(shares_all, list(codes)))


def ordered_for_figure(tidy: pd.DataFrame, order: Sequence[str], group_labels: Mapping[str, str]) -> pd.DataFrame:
    """The group_share rows with a `group_label`, per group in the given item order (the figure's data)."""
    position = {code: i for i, code in enumerate(order)}
    data = tidy.assign(group_label=tidy["group"].map(group_labels), _order=tidy["item"].map(position))
    return data.sort_values(["group", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def domains_bars(domains: Ranked, labels: Mapping[str, str], all_label: str, small_label: str):
    """The domains figure as a function of its (protected) data, for ch.figure: grouped bars per domain label from the
    highest share, a series for all municipalities and one for small municipalities when they are shown (`domains`:
    ranked); suppressed shares are left out."""
    order = [labels[c] for c in domains.order]
    series = [all_label] if domains.small is None else [all_label, small_label]
    return lambda shown: figures.grouped_bars(shown[shown["pct"].notna()], label="item_label", series="group_label",
                                              order=order, series_order=series)


def labelled_shares(shares_all: Mapping, labels: Mapping[str, str], order: Sequence[str],
                    shares_small: Mapping | None = None, small_label: str = "") -> str:
    """ "a: 60 % (kleine gemeenten 55 %); b: …" in `order` (the figure's alt text); the small share only when
    `shares_small` is given."""
    return "; ".join(f"{labels[c]}: {fmt.pct(shares_all[c])}"
                     + (f" ({small_label} {fmt.pct(shares_small[c])})" if shares_small is not None else "")
                     for c in order)


class TopThen(NamedTuple):
    sentences: list[str]
    significance_note: bool  # the sentences call differences not significant: show text.SIGNIFICANCE_NOTE
    all_lower: bool  # all three shares were higher in the previous wave


def top_domains_then(now: pd.DataFrame, before: pd.DataFrame, labels: Mapping[str, str], order: Sequence[str],
                     year_before: int, year: int) -> TopThen:
    """How the current top three compares with the previous wave: was the top three the same, and did (all of) its
    shares change by the test on the counts?
    `now`: the group_share rows of wave `year` (populations alle and klein), `before`: those of `year_before`."""
    when = than(year_before, year)
    shares_now, shares_then = shares(now), shares(before)
    # The top three of then among the domains both waves asked (an item asked in one wave only is not compared).
    both = [c for c in order if c in shares_then.index]
    top, top_then = [c for c in order[:3] if c in both], tekst.rank_as_shown(shares_then, both)[:3]
    counts_now, counts_then = population_counts(now), population_counts(before)
    words = {c: tekst.compare(counts_now[c], counts_then[c]) for c in top}
    span_now, span_then = (tekst.share_range(s[c] for c in top) for s in (shares_now, shares_then))
    if set(top_then) == set(top):
        sentences = [f"Deze resultaten stemmen overeen met resultaten van de flitspeiling in {year_before}. De top drie "
                     "van domeinen waar gemeenten de meeste aandacht aan besteden, was toen hetzelfde."]
    else:
        sentences = [f"In de flitspeiling van {year_before} was de top drie van domeinen waar gemeenten de meeste "
                     "aandacht aan besteden: " + fmt.join(tekst.in_sentence(labels[c]) for c in top_then) + "."]
    if set(words.values()) == {tekst.LOWER}:
        sentences.append(f"Wel is opvallend dat {when} nog meer gemeenten aangaven dat ze veel of heel veel aandacht "
                         f"hadden voor de huidige top drie, namelijk {span_then} (nu {span_now}).")
    elif set(words.values()) == {tekst.HIGHER}:
        sentences.append(f"Wel gaven {when} minder gemeenten aan dat ze veel of heel veel aandacht hadden voor de "
                         f"huidige top drie, namelijk {span_then} (nu {span_now}).")
    elif all(tekst.more_or_fewer(counts_now[c], counts_then[c]) == "evenveel" for c in top):
        sentences.append(f"Ook de percentages waren {when} gelijk ({span_then}).")
    elif set(words.values()) == {tekst.EQUAL}:
        sentences.append(f"Voor de huidige top drie gaf {when} {span_then} van de gemeenten aan er veel of heel veel "
                         f"aandacht voor te hebben (nu {span_now}); die verschillen zijn niet significant.")
        return TopThen(sentences, True, False)
    else:
        sentences.append(f"De percentages voor de huidige top drie waren {when} {span_then}: "
                         + "; ".join(f"{tekst.in_sentence(labels[c])} {fmt.pct(shares_then[c])} (nu "
                                     f"{fmt.pct(shares_now[c])}, {words[c]})" for c in top) + ".")
    return TopThen(sentences, False, set(words.values()) == {tekst.LOWER})


def top_domains_small(tidy: pd.DataFrame, labels: Mapping[str, str], order: Sequence[str], threshold: int) -> str:
    """Small municipalities against all for the top three of all: their own top three (or none clear) and whether
    their shares differ as shown (text.compare_part_with_whole). `labels`: {code: label} in questionnaire order."""
    top = list(order[:3])
    shares_small = shares(tidy, "klein")
    top_small, clear = tekst.top_three(shares_small, list(labels))
    shares_all = shares(tidy, "alle")
    words = {tekst.compare_part_with_whole(shares_small[c], shares_all[c]) for c in top}
    small = f"kleinere gemeenten onder de {fmt.number(threshold)} inwoners"
    if set(top_small) == set(top):
        start, subject = "Hoewel alle gemeenten dezelfde top drie hebben, ", "de aandacht voor deze domeinen"
    elif clear:
        start = ("Kleinere gemeenten hebben een andere top drie: "
                 + fmt.join(tekst.in_sentence(labels[c]) for c in top_small) + ". Voor de top drie van alle gemeenten ")
        subject = "de aandacht"
    else:
        start = "Bij kleinere gemeenten is er geen duidelijke top drie. Voor de top drie van alle gemeenten "
        subject = "de aandacht"
    if words == {tekst.LOWER}:
        how = f"scoort {subject} bij {small} wat minder hoog."
    elif words == {tekst.HIGHER}:
        how = f"scoort {subject} bij {small} hoger."
    elif words == {tekst.EQUAL}:
        how = f"is de aandacht bij {small} vergelijkbaar."
    else:
        how = f"verschilt de aandacht bij {small} per domein."
    return (start + how + f" Van deze categorie geeft {tekst.share_range(shares_small[c] for c in top)} aan veel of "
            "heel veel aandacht te hebben voor deze drie domeinen.")


class LeastAttention(NamedTuple):
    description: str  # "de kleinere gemeenten (minder dan 25.000 inwoners)"
    short: str  # "kleine gemeenten", as the note names the group
    n: int
    top: list[str]
    clear: bool
    shares: pd.Series


def least_attention(description: str, short: str, tidy: pd.DataFrame, codes: Sequence[str],
                    population: str = "alle") -> LeastAttention:
    """The three domains with the most "geen of weinig" answers in one population of a group_share result
    (top_three) and its base."""
    rows = tidy[tidy["group"] == population]
    group_shares = shares(rows, population)
    n = int(rows["n"].max()) if len(rows) else 0
    top, clear = tekst.top_three(group_shares, list(codes)) if len(group_shares) else ([], False)
    return LeastAttention(description, short, n, top, clear, group_shares)


def least_attention_groups(responses: pd.DataFrame, answers: pd.DataFrame, cb, tidy: pd.DataFrame,
                           codes: Sequence[str], threshold: int) -> list[LeastAttention]:
    """least_attention of the larger municipalities (LARGE_CLASSES) and of the small ones (`tidy`: the group_share
    rows of "geen_of_weinig", populations alle and klein), with how the text and the note name them."""
    large = responses[responses["size_class"].isin(LARGE_CLASSES).fillna(False).astype(bool)]
    large_tidy = tables.group_share(large, answers, "domains", "geen_of_weinig", None, ("alle",), cb=cb)
    return [least_attention("de grotere gemeenten, met meer dan 50.000 inwoners,", "meer dan 50.000 inwoners",
                            large_tidy, codes),
            least_attention(f"de kleinere gemeenten (minder dan {fmt.number(threshold)} inwoners)", "kleine gemeenten",
                            tidy, codes, population="klein")]


def least_attention_sentences(everyone: LeastAttention, groups: Sequence[LeastAttention], labels: Mapping[str, str],
                              min_group: int) -> list[str]:
    """The domains with the least attention of all municipalities and whether the groups (large, small) share them;
    a group with fewer than `min_group` municipalities is not described."""
    top, part = everyone.top, everyone.shares
    named = [f"{fmt.pct(part[c])} voor {tekst.in_sentence(labels[c])}" for c in top]
    sentences = [
        "Er is ook gekeken naar de domeinen waar gemeenten op dit moment weinig of geen aandacht voor hebben. "
        + ("Ook hier zien we een top drie: " if everyone.clear else "De hoogste aandelen gelden voor ")
        + fmt.join(tekst.in_sentence(labels[c]) for c in top) + ".",
        tekst.percentage_sentence(part[top[0]], "de gemeenten", "geeft aan geen of weinig aandacht te hebben voor "
                                  + fmt.join([tekst.in_sentence(labels[top[0]])] + named[1:]) + "."),
    ]
    same = [g for g in groups if g.n >= min_group and g.clear and set(g.top) == set(top)]
    if everyone.clear and len(same) == len(groups) == 2:
        sentences.append(f"Voor zowel {groups[0].description} als voor {groups[1].description} geldt dat dit de "
                         "domeinen zijn waar zij de minste aandacht aan besteden.")
        return sentences
    for group in groups:
        if group.n < min_group:
            continue
        if not group.clear:
            sentences.append(f"Bij {group.description} heeft hoogstens {fmt.pct(max(group.shares))} geen of weinig "
                             "aandacht voor een domein; een duidelijke top drie is er daar niet.")
        elif everyone.clear and set(group.top) == set(top):
            sentences.append(f"Ook voor {group.description} zijn dit de domeinen waar zij de minste aandacht aan "
                             "besteden.")
        else:
            sentences.append(f"Voor {group.description} zijn dat "
                             + fmt.join(tekst.in_sentence(labels[c]) for c in group.top) + ".")
    return sentences


def least_attention_note(everyone: LeastAttention, groups: Sequence[LeastAttention], labels: Mapping[str, str],
                         min_group: int, small_base: int) -> str:
    """The note with the shares behind the least-attention sentences, per group, with a caution for small bases."""
    details = ["alle gemeenten: " + ", ".join(f"{tekst.in_sentence(labels[c])} {fmt.pct(everyone.shares[c])}"
                                              for c in everyone.top)]
    for group in groups:
        if group.n >= min_group and group.clear:
            details.append(f"{group.short} (n = {fmt.number(group.n)}): "
                           + ", ".join(f"{tekst.in_sentence(labels[c])} {fmt.pct(group.shares[c])}" for c in group.top))
        elif group.n >= min_group:
            details.append(f"{group.short} (n = {fmt.number(group.n)}): hoogstens {fmt.pct(max(group.shares))}")
    caution = any(0 < group.n < small_base for group in groups)
    return ("Geen of weinig aandacht, " + "; ".join(details) + "."
            + (" Kleine aantallen: lees deze percentages met voorzichtigheid." if caution else ""))


def register_least_attention(ch, everyone: LeastAttention, labels: Mapping[str, str]) -> None:
    """minste_aandacht_domeinen (whether the top three is clear as `duidelijk`) and geen_of_weinig_<domain>_pct of
    each of them."""
    register_labels(ch, "minste_aandacht_domeinen", everyone.top, labels, question="domains", answer="geen_of_weinig",
                    duidelijk=everyone.clear)
    for c in everyone.top:
        ch.percentage(f"geen_of_weinig_{c}_pct", everyone.shares[c])


# --------------------------------------------------------------------------------------------------------------------
# Small municipalities against all (3.3-3.5): a difference of DIFFERENCE_PP or more between the shares as shown


def small_differences(table: pd.DataFrame, min_pp: int = DIFFERENCE_PP) -> tuple[list[str], list[str]]:
    """The items of a matrix_table (pct_alle, pct_klein) where small municipalities score at least `min_pp` points
    higher, and those where they score at least `min_pp` lower, rounded shares as shown, in table order."""
    rows = table.set_index("item")
    gap = {c: tekst.rounded(rows.at[c, "pct_klein"]) - tekst.rounded(rows.at[c, "pct_alle"]) for c in rows.index}
    return [c for c in rows.index if gap[c] >= min_pp], [c for c in rows.index if -gap[c] >= min_pp]


def point_range(table: pd.DataFrame, codes: Sequence[str]) -> str:
    """ "5 tot 12" (procentpunten): the smallest and largest gap between small and all as shown over `codes`."""
    rows = table.set_index("item")
    gaps = [abs(tekst.rounded(rows.at[c, "pct_klein"]) - tekst.rounded(rows.at[c, "pct_alle"])) for c in codes]
    return f"{fmt.number(min(gaps))} tot {fmt.number(max(gaps))}"


def small_against_all(table: pd.DataFrame, codes: Sequence[str], names: Mapping[str, str], quote: bool = False) -> str:
    """ "a (31 % tegenover 24 %) en b (…)": the items with the share of small municipalities against all."""
    rows = table.set_index("item")
    mark = "‘{}’" if quote else "{}"
    return fmt.join(f"{mark.format(names[c])} ({fmt.pct(rows.at[c, 'pct_klein'])} tegenover "
                    f"{fmt.pct(rows.at[c, 'pct_alle'])})" for c in codes)


# --------------------------------------------------------------------------------------------------------------------
# 3.3 VNG topics


def small_base_footnote(n_small: int, n_all: int, small_base: int) -> str | None:
    """The caution under a table when few (small) municipalities answered: below `small_base` answers the
    percentages are to be read with restraint; None when both bases are large enough."""
    notes = []
    if 0 < n_small < small_base:
        notes.append(f"Wel hebben maar {fmt.number(n_small)} van de kleinere gemeenten deze vraag ingevuld. De "
                     "percentages moeten daarom terughoudend worden geïnterpreteerd.")
    if 0 < n_all < small_base:
        notes.append(f"Maar {fmt.number(n_all)} gemeenten hebben deze vraag ingevuld. De percentages moeten daarom "
                     "terughoudend worden geïnterpreteerd.")
    return " ".join(notes) or None


def vng_topics_sentences(table: pd.DataFrame, table_before: pd.DataFrame | None, year_before: int | None, year: int,
                         small_shown: bool) -> list[str]:
    """The highest and lowest three topics (a sorted_as_shown matrix_table of wave `year`), whether the same three
    led in the previous wave (`table_before` of `year_before`, None when there is none) and how small municipalities
    score against all."""
    labels = dict(zip(table["item"], table["label"], strict=True))
    rows = table.set_index("item")
    high, low = list(table["item"][:3]), list(table["item"][-3:])
    named = lambda codes: fmt.join(f"‘{tekst.in_sentence(labels[c])}’" for c in codes)  # noqa: E731
    sentences = [f"Uit de tabel blijkt dat {named(high)} het hoogst scoren "
                 f"({tekst.share_range(rows.at[c, 'pct_alle'] for c in high)}) en {named(low)} het laagst "
                 f"({tekst.share_range(rows.at[c, 'pct_alle'] for c in low)})."]
    if table_before is not None:
        when = than(year_before, year)
        high_then = list(table_before["item"][:3])
        if set(high_then) == set(high):
            sentences.append(f"Dezelfde drie onderwerpen stonden {when} bovenaan.")
        else:
            sentences.append(f"{fmt.capitalize(when)} stonden {named(high_then)} bovenaan.")
    if small_shown:
        shown = [(c, tekst.rounded(rows.at[c, "pct_klein"]), tekst.rounded(rows.at[c, "pct_alle"])) for c in rows.index]
        lower = [c for c, small, everyone in shown if small < everyone]
        not_lower = [(c, small, everyone) for c, small, everyone in shown if small >= everyone]
        if not not_lower:
            sentences.append("We zien dat het beeld bij kleine gemeenten overeenstemt met het algemene beeld, maar dat "
                             "ze steeds lagere scores behalen dan alle gemeenten bij elkaar.")
        else:
            sentences.append(
                f"Kleine gemeenten scoren bij {fmt.words(len(lower))} van de {fmt.words(len(shown))} onderwerpen lager "
                "dan alle gemeenten bij elkaar; niet lager scoren ze bij "
                + fmt.join(f"‘{tekst.in_sentence(labels[c])}’ ({fmt.pct(small)} tegenover {fmt.pct(everyone)})"
                           for c, small, everyone in not_lower) + ".")
    return sentences


def no_attention_sentence(no_attention: pd.Series, labels: Mapping[str, str], leave_out: str = "samenwerken") -> str:
    """The topics that NO_ATTENTION_PCT or more of the municipalities give no attention at all ("ongeveer 1 op de 5"
    when all are near 20 %), else the topic with the largest such share; `leave_out` gets its own sentence."""
    candidates = [c for c in tekst.rank_as_shown(no_attention, list(no_attention.index)) if c != leave_out]
    many = [c for c in candidates if tekst.rounded(no_attention[c]) >= NO_ATTENTION_PCT]
    quoted = lambda c: f"‘{tekst.in_sentence(labels[c])}’"  # noqa: E731
    if many and all(17 <= tekst.rounded(no_attention[c]) <= 23 for c in many):
        return (f"Daarnaast zien we dat er {'enkele onderwerpen' if len(many) > 1 else 'één onderwerp'} in dit "
                "lijstje " + ("zijn" if len(many) > 1 else "is") + " waar ongeveer 1 op de 5 gemeenten helemaal "
                "geen aandacht voor heeft (niet in tabel). Dat betreft " + fmt.join(quoted(c) for c in many)
                + f" ({tekst.share_range(no_attention[c] for c in many)}).")
    if many:
        return ("Daarnaast zien we dat er onderwerpen in dit lijstje zijn waar een deel van de gemeenten helemaal geen "
                "aandacht voor heeft (niet in tabel): "
                + fmt.join(f"{quoted(c)} ({fmt.pct(no_attention[c])})" for c in many) + ".")
    if candidates:
        return (f"Het grootste aandeel gemeenten dat helemaal geen aandacht heeft voor een onderwerp (niet in tabel) is "
                f"{fmt.pct(no_attention[candidates[0]])}, voor {quoted(candidates[0])}.")
    return ""


def notable_or_only(share: float) -> str:
    """How the text introduces the share of municipalities that do not work with residents with a disability:
    "Opvallend is dat" from NOTABLE_PCT as shown, else "Slechts"."""
    return "Opvallend is dat" if tekst.rounded(share) >= NOTABLE_PCT else "Slechts"


# --------------------------------------------------------------------------------------------------------------------
# 3.4 Partners

# How the text names a partner (the table shows the full label).
PARTNER_NAMES = {"wmo_raad": "de Wmo-raad", "belangenorganisaties": "belangenorganisaties",
                 "informele_organisaties": "informele organisaties en/of individuele ervaringsdeskundigen",
                 "clientenorganisaties": "cliëntenorganisaties", "overige_actoren": "overige actoren binnen de gemeente",
                 "kennisinstituten": "kennisinstituten of adviesbureaus"}


def partner_names(labels: Mapping[str, str]) -> dict[str, str]:
    """{code: name in a sentence}: PARTNER_NAMES, else the label in a sentence."""
    return {c: PARTNER_NAMES.get(c, tekst.in_sentence(label)) for c, label in labels.items()}


def partners_sentences(table: pd.DataFrame, names: Mapping[str, str], min_group: int) -> list[str]:
    """The partners (other than the Wmo-raad) that more than half involve (very) much, for small municipalities too,
    and the partners small municipalities involve more or less often than all (small_differences)."""
    rows = table.set_index("item")
    small_shown = rows["n_klein"].max() >= min_group
    sentences = []
    over_half = [c for c in table["item"] if c != "wmo_raad" and rows.at[c, "pct_alle"] > 50]
    if over_half:
        sentences.append("Meer dan de helft van de respondenten betrekt ook " + fmt.join(names[c] for c in over_half)
                         + " veel of zeer veel.")
        if small_shown and all(rows.at[c, "pct_klein"] > 50 for c in over_half):
            sentences.append("Dat geldt zowel voor alle gemeenten als voor kleine gemeenten.")
        elif small_shown:
            sentences.append("Bij kleine gemeenten is dat "
                             + fmt.join(f"{fmt.pct(rows.at[c, 'pct_klein'])} voor {names[c]}" for c in over_half) + ".")
    if not small_shown:
        return sentences
    more, fewer = small_differences(table)
    if more:
        sentences.append("Kleinere gemeenten geven vaker aan dat ze veel of zeer veel samenwerken met "
                         + small_against_all(table, more, names) + ".")
    if fewer and len(fewer) == len(table):
        sentences.append("Kleinere gemeenten betrekken elk van deze partijen minder vaak veel of zeer veel dan alle "
                         f"gemeenten, met {point_range(table, fewer)} procentpunten verschil.")
    elif fewer:
        sentences.append(("Minder vaak doen ze dat met " if more
                          else "Kleinere gemeenten werken minder vaak veel of zeer veel samen met ")
                         + small_against_all(table, fewer, names) + ".")
    return sentences


def without_partner(answers: pd.DataFrame, question) -> tuple[int, int]:
    """(municipalities that answered for at least one partner, those of them that involve none at all)."""
    none_codes = question.group("niet").codes
    rows = answers[(answers["question"] == question.id) & (answers["kind"] == "answer") & answers["value"].notna()]
    rows = rows[rows["item"].isin([item.code for item in question.items])]
    involves = rows.assign(yes=~rows["value"].isin(none_codes)).groupby("response_id")["yes"].any()
    return int(len(involves)), int((~involves).sum())


def register_partner_reach(ch, answered: int, without: int) -> None:
    """alle_werken_samen (every municipality that answered involves at least one partner) and met_partner_pct."""
    ch.number("alle_werken_samen", bool(answered) and without == 0, text="ja" if without == 0 else "nee", n=answered,
              zonder_partner=without)
    ch.percentage("met_partner_pct", fmt.share(answered - without, answered), question="partners", n=answered)


def partners_not_involved(table: pd.DataFrame, names: Mapping[str, str], answered: int, without: int,
                          min_group: int) -> list[str]:
    """Whether every municipality involves at least one partner, and the partner most often not involved (unless it
    is one of the organisations organisations_not_involved names)."""
    rows = table.set_index("item")
    if answered and without == 0:
        sentences = ["Alle gemeenten werken samen met een of meer partners."]
    else:
        sentences = [f"{fmt.capitalize(fmt.municipalities(without))} ({fmt.pct(fmt.share(without, answered))}) "
                     f"{'betrekt' if without == 1 else 'betrekken'} geen enkele van deze partijen."]
    sentences.append("Sommige partijen in het lijstje worden niet betrokken door sommige gemeenten.")
    first = table["item"].iloc[0]
    if first not in ("clientenorganisaties", "belangenorganisaties"):
        small = (f" en {fmt.pct(rows.at[first, 'pct_klein'])} van de kleine gemeenten"
                 if rows.at[first, "n_klein"] >= min_group else "")
        sentences.append(f"Zo werkt {fmt.pct(rows.at[first, 'pct_alle'])} van alle{small} niet samen met "
                         f"{names[first]}.")
    return sentences


def organisations_not_involved(table: pd.DataFrame, min_group: int) -> str:
    """Client and interest organisations that municipalities do not involve (a matrix_table of "niet"), and for
    small municipalities: "zelfs" only when their share of the latter is higher (text.compare_part_with_whole)."""
    rows = table.set_index("item")
    clients, interests = rows.loc["clientenorganisaties"], rows.loc["belangenorganisaties"]
    sentence = tekst.percentage_sentence(clients["pct_alle"], "de gemeenten",
                                         f"geeft aan cliëntenorganisaties niet te betrekken en "
                                         f"{fmt.pct(interests['pct_alle'])} zegt belangenorganisaties niet te "
                                         "betrekken.")
    if interests["n_klein"] < min_group:
        return sentence
    word = tekst.compare_part_with_whole(interests["pct_klein"], interests["pct_alle"])
    if word == tekst.HIGHER:
        return sentence + f" Dat laatste is bij kleinere gemeenten zelfs in {fmt.pct(interests['pct_klein'])} het geval."
    return (sentence + f" Bij kleinere gemeenten is dat {fmt.pct(clients['pct_klein'])} en "
            f"{fmt.pct(interests['pct_klein'])}.")


# --------------------------------------------------------------------------------------------------------------------
# 3.5 Obstacles


def most_named_obstacle(table: pd.DataFrame, min_group: int) -> list[str]:
    """The most named obstacle ("verreweg" when FAR_AHEAD_PP ahead of the second; several when their shares as shown
    are equal) and the one small municipalities name most."""
    rows, labels = table.set_index("item"), dict(zip(table["item"], table["label"], strict=True))
    first, second = table["item"].iloc[0], table["item"].iloc[1]
    shown = {c: tekst.rounded(rows.at[c, "pct_alle"]) for c in table["item"]}
    quoted = lambda c: f"‘{tekst.in_sentence(labels[c])}’"  # noqa: E731
    leaders = [c for c in table["item"] if shown[c] == shown[first]]
    if len(leaders) == 1:
        far = shown[first] - shown[second] >= FAR_AHEAD_PP
        sentences = [f"{'Verreweg het' if far else 'Het'} meest genoemde knelpunt is de {quoted(first)}."]
    else:
        sentences = [f"De meest genoemde knelpunten zijn {fmt.join(quoted(c) for c in leaders)} "
                     f"(elk {fmt.pct(rows.at[first, 'pct_alle'])})."]
    if rows["n_klein"].max() >= min_group:
        first_small = tekst.rank_as_shown(rows["pct_klein"], list(table["item"]))[0]
        highest = tekst.rounded(rows.at[first_small, "pct_klein"])
        leaders_small = [c for c in table["item"] if tekst.rounded(rows.at[c, "pct_klein"]) == highest]
        if leaders_small == [first] and len(leaders) == 1:
            sentences.append("Dat geldt zowel voor alle gemeenten als voor kleine gemeenten.")
        elif len(leaders_small) == 1:
            sentences.append(f"Kleine gemeenten noemen vooral {quoted(first_small)} "
                             f"({fmt.pct(rows.at[first_small, 'pct_klein'])}).")
        else:
            sentences.append(f"Bij kleine gemeenten staan {fmt.join(quoted(c) for c in leaders_small)} gelijk "
                             f"bovenaan ({fmt.pct(highest)}).")
    return sentences


def register_capacity(ch, table: pd.DataFrame, small_shown: bool) -> None:
    """knelpunt_capaciteit_pct (with its rank, and `meest_genoemd` when it leads alone as shown) and
    knelpunt_capaciteit_klein_pct (missing when small municipalities are too few to describe). `table`: a
    sorted_as_shown matrix_table of the obstacles."""
    rows = table.set_index("item")
    first, second = table["item"].iloc[0], table["item"].iloc[1]
    leads = first == "capaciteit" and tekst.rounded(rows.at[first, "pct_alle"]) > tekst.rounded(rows.at[second, "pct_alle"])
    ch.percentage("knelpunt_capaciteit_pct", rows.at["capaciteit", "pct_alle"], question="obstacles", item="capaciteit",
                  answer="groot_of_zeer_groot", n=int(rows.at["capaciteit", "n_alle"]),
                  rank=int(rows.at["capaciteit", "rank"]), meest_genoemd=bool(leads))
    ch.percentage("knelpunt_capaciteit_klein_pct", rows.at["capaciteit", "pct_klein"] if small_shown else None,
                  population="klein", n=int(rows.at["capaciteit", "n_klein"]))


def most_named_before(table: pd.DataFrame, earlier: Mapping[int, pd.Series]) -> str:
    """Whether the most named obstacle led in every earlier wave too; `earlier`: {wave: shares of all}."""
    labels = dict(zip(table["item"], table["label"], strict=True))
    first = table["item"].iloc[0]
    # in each earlier wave among the obstacles it asked of those shown now; none when it did not ask the first one
    leader = {wave: tekst.rank_as_shown(shares_then, [c for c in table["item"] if c in shares_then.index])[0]
              for wave, shares_then in earlier.items() if first in shares_then.index}
    quoted = lambda c: f"‘{tekst.in_sentence(labels[c])}’"  # noqa: E731
    if leader and all(c == first for c in leader.values()):
        return f"Dit resultaat komt jaarlijks terug (sinds {min(leader)})."
    if len(leader) == 1:
        wave, c = next(iter(leader.items()))
        return f"In {wave} stond {quoted(c)} bovenaan."
    if leader:
        return "In eerdere peilingen stond bovenaan: " + "; ".join(f"{w}: {quoted(c)}" for w, c in leader.items()) + "."
    return ""


def most_named_then(table: pd.DataFrame, table_before: pd.DataFrame, year_before: int, year: int) -> str:
    """The share of the most named obstacle (`table`: a sorted_as_shown matrix_table of wave `year`) against the
    previous wave (`table_before`: its group_share rows), by the test on the counts: "net als vorig jaar 76 %" when
    the shares as shown are equal, else text.compared_phrase."""
    when = than(year_before, year)
    first = table["item"].iloc[0]
    counts_then = tekst.table_counts(table_before)
    if first not in counts_then:  # new this wave: nothing to compare with
        return (f"‘{tekst.in_sentence(table['label'].iloc[0])}’ is in {year} voor het eerst gevraagd; een vergelijking "
                f"met {year_before} is er daarom niet.")
    now, then = tekst.table_counts(table)[first], counts_then[first]
    leaders = [c for c in table["item"] if tekst.rounded(table.set_index("item").at[c, "pct_alle"])
               == tekst.rounded(table["pct_alle"].iloc[0])]
    which = "dit" if len(leaders) == 1 else f"‘{tekst.in_sentence(table['label'].iloc[0])}’"
    start = f"Het percentage gemeenten dat {which} als een groot of zeer groot knelpunt ervaart, "
    if tekst.compare(now, then) == tekst.EQUAL and tekst.more_or_fewer(now, then) == "evenveel":
        return start + f"bedraagt net als {when} {fmt.pct(table['pct_alle'].iloc[0])}."
    return start + f"is {tekst.compared_phrase(now, then, year_before)}."


class Changes(NamedTuple):
    more: list[str]  # named more often than in the previous wave (the test on the counts)
    fewer: list[str]
    sentences: list[str]


def obstacles_then(table: pd.DataFrame, table_before: pd.DataFrame, year_before: int, year: int) -> Changes:
    """The obstacles named more or less often than in the previous wave, by the test on the counts, and the
    sentences that say so (the most named one has its own sentence: most_named_then). `table`: a sorted_as_shown
    matrix_table of wave `year`, `table_before`: the group_share rows of the previous wave."""
    when = than(year_before, year)
    labels = dict(zip(table["item"], table["label"], strict=True))
    rows, shares_then = table.set_index("item"), shares(table_before)
    counts_now, counts_then = tekst.table_counts(table), tekst.table_counts(table_before)
    # Only the obstacles both waves asked are compared; one new this wave gets a sentence of its own.
    compared = [c for c in table["item"] if c in counts_then]
    new = [c for c in table["item"] if c not in counts_then]
    word = {c: tekst.compare(counts_now[c], counts_then[c]) for c in compared}
    more = [c for c in compared if word[c] == tekst.HIGHER]
    fewer = [c for c in compared if word[c] == tekst.LOWER]
    first = table["item"].iloc[0]
    quoted = lambda c: f"‘{tekst.in_sentence(labels[c])}’"  # noqa: E731
    against = lambda c: f"{fmt.pct(rows.at[c, 'pct_alle'])} nu versus {fmt.pct(shares_then[c])}"  # noqa: E731
    more_text, fewer_text = [c for c in more if c != first], [c for c in fewer if c != first]
    also_then = f" die ook in {year_before} zijn gevraagd," if new else ""
    not_compared = [f"{fmt.capitalize(fmt.join(quoted(c) for c in new))} {'is' if len(new) == 1 else 'zijn'} in {year_before} niet "
                    f"gevraagd en {'wordt' if len(new) == 1 else 'worden'} daarom niet vergeleken."] if new else []
    if not more_text and not fewer_text:
        who = "De andere knelpunten" if word.get(first, tekst.EQUAL) != tekst.EQUAL or first in new else \
            "Alle knelpunten"
        return Changes(more, fewer, [f"{who}{also_then} worden ongeveer even vaak genoemd als {when}: de verschillen "
                                     "zijn niet significant.", *not_compared])
    sentences = [f"Er zijn ook verschillen met de vorige peiling ({year_before})."]
    if len(more_text) > 2:
        sentences.append(f"Vaker dan {when} genoemd worden: "
                         + "; ".join(f"{quoted(c)} ({against(c)})" for c in more_text) + ".")
    else:
        for position, c in enumerate(more_text):
            if position == 0:
                sentences.append(f"Werd {quoted(c)} {when} door {fmt.pct(shares_then[c])} een groot of zeer groot "
                                 f"knelpunt genoemd, dit jaar is dat {fmt.pct(rows.at[c, 'pct_alle'])} (hoger).")
            else:
                sentences.append(f"Ook {quoted(c)} wordt vaker genoemd ({against(c)} {when}).")
    if len(fewer_text) > 2:
        sentences.append(f"Minder vaak dan {when} genoemd worden: "
                         + "; ".join(f"{quoted(c)} ({against(c)})" for c in fewer_text) + ".")
    else:
        for c in fewer_text:
            sentences.append(f"‘{fmt.capitalize(tekst.in_sentence(labels[c]))}’ wordt minder vaak genoemd: "
                             f"{against(c)} {when} (lager).")
    sentences.append(f"Bij de andere knelpunten{also_then} is het verschil met {when} niet significant.")
    return Changes(more, fewer, sentences + not_compared)


def register_obstacles_then(ch, table: pd.DataFrame, table_before: pd.DataFrame | None, year_before: int | None,
                            more: Sequence[str]) -> None:
    """knelpunt_capaciteit_vorig_pct (with the test word against now as `toets`) and knelpunten_vaker_dan_vorig (the
    obstacles named more often, `more` of obstacles_then); both missing when there is no earlier wave
    (`table_before` None)."""
    if table_before is None:
        ch.missing_numbers("knelpunt_capaciteit_vorig_pct")
        ch.missing_numbers("knelpunten_vaker_dan_vorig", wave=None)
        return
    rows, shares_then = table.set_index("item"), shares(table_before)
    ch.percentage("knelpunt_capaciteit_vorig_pct", shares_then["capaciteit"], wave=year_before,
                  toets=tekst.compare(tekst.table_counts(table)["capaciteit"],
                                      tekst.table_counts(table_before)["capaciteit"]))
    ch.number("knelpunten_vaker_dan_vorig", [rows.at[c, "label"] for c in more],
              text=fmt.join(rows.at[c, "label"] for c in more) or "geen", items=list(more),
              details=[{"item": c, "label": rows.at[c, "label"], "pct": rows.at[c, "pct_alle"],
                        "vorig_pct": shares_then[c]} for c in more],
              wave=year_before, toets="twee-proportietoets, p < 0,05")


def obstacles_small_sentences(table: pd.DataFrame) -> list[str]:
    """The obstacles small municipalities name more or less often than all (small_differences)."""
    labels = {c: tekst.in_sentence(label) for c, label in zip(table["item"], table["label"], strict=True)}
    more, fewer = small_differences(table)
    sentences = []
    if more and len(more) == len(table):
        sentences.append("Kleinere gemeenten noemen elk knelpunt vaker dan alle gemeenten, met "
                         f"{point_range(table, more)} procentpunten verschil.")
    elif more:
        sentences.append(f"Kleinere gemeenten noemen {small_against_all(table, more, labels, quote=True)} vaker als "
                         "knelpunt dan alle gemeenten.")
    if fewer and len(fewer) == len(table):
        sentences.append("Kleinere gemeenten noemen elk knelpunt minder vaak dan alle gemeenten, met "
                         f"{point_range(table, fewer)} procentpunten verschil.")
    elif fewer:
        sentences.append(f"Minder vaak noemen zij {small_against_all(table, fewer, labels, quote=True)}.")
    return sentences


def single_mentions(counts: pd.DataFrame, frame) -> list[str]:
    """The themes one municipality names and the texts outside every theme (3.5)."""
    sentences = []
    once = counts[(counts["theme"] != frame.fallback) & (counts["count"] == 1)]
    if len(once):
        labels = [tekst.in_sentence(label) for label in once["label"]]
        sentences.append(f"Verder noemt één gemeente {labels[0]}." if len(labels) == 1 else
                         f"Verder worden {fmt.join(labels)} elk door één gemeente genoemd.")
    other = int(counts.set_index("theme").at[frame.fallback, "count"])
    if other:
        sentences.append(f"{tekst.sentence_start(fmt.words(other))} "
                         f"{'toelichting valt' if other == 1 else 'toelichtingen vallen'} buiten deze thema's.")
    return sentences


# --------------------------------------------------------------------------------------------------------------------
# 3.6 Trends


class Trends(NamedTuple):
    indicators: int  # of the question in the trend table
    rising: pd.DataFrame  # the rows that rise significantly (p < 0.05)
    falling: pd.DataFrame


def significant_trends(table: pd.DataFrame, question: str, alpha: float = tekst.ALPHA) -> Trends:
    """The indicators of `question` in a trend table (helpers.analysis.trends) and those that rise or fall
    significantly."""
    rows = table[table["question"] == question]
    significant = rows["p_value"] < alpha
    return Trends(len(rows), rows[significant & (rows["change_pp"] > 0)], rows[significant & (rows["change_pp"] < 0)])


def register_trends(ch, trend, rising: pd.DataFrame, falling: pd.DataFrame, indicator: str = "knelpunt_capaciteit"):
    """trend_knelpunten_stijgend and _dalend (how many obstacles rise or fall significantly, `rising` and `falling`
    of significant_trends, with their labels) and, when the trend table (helpers.report.sections.trend_section) has
    `indicator`, trend_<indicator>_pp_per_jaar; returns that indicator's row, or None."""
    ch.number("trend_knelpunten_stijgend", len(rising), labels=list(rising["label"]))
    ch.number("trend_knelpunten_dalend", len(falling), labels=list(falling["label"]))
    if indicator not in set(trend.table["indicator"]):
        return None
    row = trend.row(indicator)
    ch.number(f"trend_{indicator}_pp_per_jaar", row["change_pp"], text=f"{trends.signed(row['change_pp'])} procentpunt",
              low=row["change_pp_low"], high=row["change_pp_high"], p=row["p_value"], odds_ratio=row["odds_ratio"])
    return row
