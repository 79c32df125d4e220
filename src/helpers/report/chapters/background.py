"""Rules of chapter 1 (notebooks/01_achtergrond.ipynb): response, representativeness by size class, the differences
with the published numbers and the function of the respondents.

The notebook keeps the sentences it can write as one f-string; the wording that depends on several cases (the G4,
the published list, the ranking of functions) is here, so that a test holds every case.

The participation counts are compared as counts of municipalities (a census of who took part, not a sample share),
so their "meer/minder" is helpers.core.formatting.direction, not the test on counts of helpers.report.text.

`singular_or_plural` and `than_or_as` are small Dutch agreement rules that chapter 2 uses as well; they belong in
helpers.report.text once that module is free to edit.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import tables
from helpers.core import formatting as fmt
from helpers.report import text

# A size class whose share among participants differs this many percentage points (rounded) from its share among
# all municipalities is named in the text ...
NOTABLE_GAP = 2
# ... and from this many points on the difference is "duidelijk" and the participants are no longer a
# representative picture of the municipalities.
CLEAR_GAP = 5
# More than this share of all municipalities taking part is "een goede respons".
GOOD_RESPONSE = 50


# --------------------------------------------------------------------------------------------------------------------
# Dutch agreement


def singular_or_plural(n: int, singular: str, plural: str) -> str:
    """`singular` for exactly one ("heeft", "gemeente"), else `plural` ("hebben", "gemeenten")."""
    return singular if int(n) == 1 else plural


def than_or_as(comparison: str) -> str:
    """The word after a comparison: "als" after "evenveel", else "dan" ("meer ... dan in 2022")."""
    return "als" if comparison == "evenveel" else "dan"


# --------------------------------------------------------------------------------------------------------------------
# 1.1 Response


def previous_participation(participation: pd.DataFrame, year: int) -> tuple[pd.Series | None, pd.Series | None]:
    """The participation rows (wave, count, ...) of the last and the last but one wave before `year`; None where
    there is no such wave. `participation` is Chapter.participation()."""
    earlier = participation[participation["wave"] < year].reset_index(drop=True)
    last = earlier.iloc[-1] if len(earlier) >= 1 else None
    before_last = earlier.iloc[-2] if len(earlier) >= 2 else None
    return last, before_last


def is_good_response(response_pct: float) -> bool:
    """Whether the share of municipalities taking part is a good response (more than half)."""
    return response_pct > GOOD_RESPONSE


def published_waves(participation: pd.DataFrame) -> list[str]:
    """The waves whose count comes from that year's publication (their data are not here): hatched in the figure."""
    return participation.loc[participation["source"] == "gepubliceerd", "wave"].astype(str).tolist()


def response_figure_note(participation: pd.DataFrame) -> str | None:
    """The note under the response figure: which counts are published ones, and for which waves only a response
    rate was published (with the quote and the count here). None when neither applies."""
    notes = []
    published = published_waves(participation)
    if published:
        notes.append(f"Gearceerd: aantal uit de publicatie van dat jaar ({fmt.join(published)}); "
                     "de gegevens van die meting zijn hier niet beschikbaar.")
    rate_only = participation[participation["published"].isna() & (participation["source"] == "verwerkt")]
    if len(rate_only):
        notes.append(
            f"Voor {fmt.join(rate_only['wave'].astype(str))} is geen aantal deelnemers gepubliceerd, alleen een "
            "responspercentage: " + "; ".join(
                f"{row.wave}: ‘{row.published_rate_quote}’ (hier {row.count} van {row.frame} gemeenten = "
                f"{fmt.pct(row.pct)})" for row in rate_only.itertuples() if row.published_rate_quote) + ".")
    return " ".join(notes) or None


# --------------------------------------------------------------------------------------------------------------------
# 1.1 Size of the participating municipalities


def largest_size_class(size_counts: pd.Series) -> tuple[str, int, int]:
    """(code of the size class with the most participants, its count, participants with a known size class).
    `size_counts` is tables.size_counts() indexed by size_class; the first class wins a tie."""
    known = size_counts[list(tables.SIZE_CODES)]
    largest = known.idxmax()
    return largest, int(known[largest]), int(known.sum())


def g4_sentence(g4_taking_part: list[str]) -> str:
    """Which of the four largest cities (G4) took part, in report spelling."""
    if len(g4_taking_part) == 4:
        return "Alle vier G4-gemeenten hebben de flitspeiling ingevuld."
    if not g4_taking_part:
        return "Geen van de G4-gemeenten heeft de flitspeiling ingevuld."
    verb = singular_or_plural(len(g4_taking_part), "heeft", "hebben")
    return f"Van de G4 {verb} {fmt.join(g4_taking_part)} de flitspeiling ingevuld."


def large_municipalities_sentence(n_large: int, g4_taking_part: list[str]) -> str:
    """How many municipalities of 100.000 inhabitants or more took part (naming the G4 among them)."""
    return (f"Van de gemeenten met 100.000 inwoners of meer (het rapport van 2023 spreekt van ‘de G40’) "
            f"{singular_or_plural(n_large, 'heeft', 'hebben')}"
            + (f" – inclusief {fmt.join(g4_taking_part)} –" if g4_taking_part else "")
            + f" {text.counted_municipalities(n_large)} deelgenomen aan de peiling.")


def small_municipalities_sentence(n_small: int) -> str:
    """How many municipalities under 10.000 inhabitants took part."""
    return ("Van de kleinste gemeenten, de gemeenten met minder dan 10.000 inwoners, "
            + ("heeft geen enkele gemeente deelgenomen." if n_small == 0 else
               f"{singular_or_plural(n_small, 'heeft', 'hebben')} {text.counted_municipalities(n_small)} deelgenomen."))


# --------------------------------------------------------------------------------------------------------------------
# 1.1 Representativeness


def population_source_note(attrs: dict, reference_date, year: int, unknown_reasons: pd.DataFrame) -> str:
    """The source note of the representativeness figure: whose numbers of inhabitants (approximate when the reference
    set lacks the reference date), and which municipalities and participants do not count for want of one.
    `attrs` is tables.representativeness().attrs, `unknown_reasons` tables.unknown_size_reasons()."""
    note = f"Inwonertallen: CBS, {fmt.date(reference_date)}."
    if attrs["approximate"]:
        note = ("Inwonertallen bij benadering: CBS, 1 januari 2020 (de referentieset heeft geen CBS-cijfers van "
                f"{fmt.date(reference_date)}).")
    unknown_frame = attrs["unknown_frame"]
    if unknown_frame:
        note += (f" {fmt.capitalize(fmt.municipalities(unknown_frame))} uit de gemeentelijst van {year} "
                 f"{singular_or_plural(unknown_frame, 'heeft', 'hebben')} geen inwonertal en "
                 f"{singular_or_plural(unknown_frame, 'telt', 'tellen')} niet mee.")
    if len(unknown_reasons):
        note += (f" Deelnemers zonder bekend inwonertal ({int(unknown_reasons['count'].sum())}) tellen niet mee: "
                 + "; ".join(f"{row.reason} ({row.count})" for row in unknown_reasons.itertuples()) + ".")
    return note


def gaps_listing(gaps: pd.DataFrame) -> str:
    """ "minder dan 10.000 inwoners: 5 % tegen 8 %; …" for the alt text (gaps: tables.representation_gaps())."""
    return "; ".join(f"{row.text}: {fmt.pct(row.participants)} tegen {fmt.pct(row.frame)}"
                     for row in gaps.itertuples())


def representation_deviations(gaps: pd.DataFrame) -> list[str]:
    """The size classes under- and then over-represented by NOTABLE_GAP points or more, each as "een lichte
    ondervertegenwoordiging van de gemeenten met … (x % van de deelnemers tegen y % van alle gemeenten)"
    ("duidelijke" from CLEAR_GAP points on)."""
    under = gaps[gaps["difference"] <= -NOTABLE_GAP]
    over = gaps[gaps["difference"] >= NOTABLE_GAP]
    return [f"een {'lichte' if abs(row.difference) < CLEAR_GAP else 'duidelijke'} {word} van de gemeenten met "
            f"{row.text} ({fmt.pct(row.participants)} van de deelnemers tegen {fmt.pct(row.frame)} van alle gemeenten)"
            for rows, word in ((under, "ondervertegenwoordiging"), (over, "oververtegenwoordiging"))
            for row in rows.itertuples()]


def largest_gap(gaps: pd.DataFrame) -> int:
    """The largest difference (percentage points, rounded shares) between participants and all municipalities."""
    return int(gaps["difference"].abs().max())


def is_representative(largest_gap_pp: int) -> bool:
    """Whether the participants are a representative picture by size (every gap under CLEAR_GAP points)."""
    return largest_gap_pp < CLEAR_GAP


# --------------------------------------------------------------------------------------------------------------------
# 1.1 Differences with the published numbers


def published_comparison(year: int, participation: pd.DataFrame, size_counts: pd.Series, reference_date,
                         listing: dict | None, reported: dict[str, int]) -> list[str]:
    """The sentences of the note "Verschillen met de gepubliceerde cijfers" on the participants.

    With a published participant list (`listing`: tables.published_list_summary) they compare the report's count, the
    list's municipalities and entries, name the ambiguous entries, and count the list per size class against the
    report (`reported`: tables.published_size_counts) and against the data here (`size_counts`, as in
    largest_size_class). Without a list: the published count against the count here, or that only a response rate
    was published."""
    by_wave = participation.set_index("wave")
    published, n_here = by_wave.at[year, "published"], int(by_wave.at[year, "count"])
    sentences = []
    if listing is not None:
        counted = listing["size_counts"]
        sentences.append(
            f"Het rapport noemt {fmt.municipalities(published)} als deelnemers; de lijst in Bijlage A noemt "
            f"{fmt.municipalities(listing['municipalities'])} in {fmt.number(listing['entries'])} vermeldingen (een "
            "gezamenlijke inzending noemt meer gemeenten).")
        for name, candidates in listing["unresolved"]:
            sentences.append(f"‘{name}’ is niet eenduidig ({fmt.join(candidates, 'of')}); die vermelding krijgt daarom "
                             "geen gemeente en geen grootteklasse.")
        classes = [code for code in tables.SIZE_CODES if code in reported]
        per_class = [f"{fmt.municipalities(counted.at[code, 'computed'])} met {tables.SIZE_TEXT[code]} "
                     f"(rapport: {reported[code]})" for code in reversed(classes)]
        sentences.append(f"Met inwonertallen van het CBS op {fmt.date(reference_date)} telt de lijst van Bijlage A "
                         f"{fmt.join(per_class)}.")
        here = [f"{int(size_counts[code])} met {tables.SIZE_TEXT[code]}" for code in classes
                if int(size_counts[code]) != int(counted.at[code, "computed"])]
        if here:
            sentences.append(f"In de gegevens van dit rapport zijn dat er {fmt.join(here)}.")
        if any(int(counted.at[code, "computed"]) != reported[code] for code in classes):
            sentences.append("Het rapport deelde de gemeenten in met cijfers van allecijfers.nl; bovendien is de G40 "
                             "een netwerk van steden en niet precies de groep gemeenten met 100.000 inwoners of meer.")
    elif pd.isna(published):
        quote = by_wave.at[year, "published_rate_quote"]
        sentences.append(f"Voor {year} is geen aantal deelnemers gepubliceerd"
                         + (f", alleen een responspercentage (‘{quote}’)." if quote else "."))
    elif int(published) == n_here:
        sentences.append(f"Het aantal deelnemers is gelijk aan het gepubliceerde aantal ({n_here}).")
    else:
        sentences.append(f"Het gepubliceerde aantal deelnemers is {published}; hier tellen er {n_here} mee.")
    return sentences


def unlinked_participants(responses: pd.DataFrame, quality: dict, n_participants: int) -> list[str]:
    """The sentence on participants without a municipality (why, and that they count in the shares but not in the
    size classes) out of `n_participants`; [] when every participant has one."""
    unlinked = responses[responses["municipality_code"].isna()]
    n = len(unlinked)
    if not n:
        return []
    reasons = tables.unknown_size_reasons(unlinked, quality)
    return [f"Van de {n_participants} deelnemers {singular_or_plural(n, 'is', 'zijn')} er {n} niet aan een gemeente "
            "te koppelen (" + "; ".join(f"{row.reason}: {row.count}" for row in reasons.itertuples())
            + f"); {singular_or_plural(n, 'die telt', 'zij tellen')} wel mee in de percentages, maar niet in de "
            "grootteklassen."]


# --------------------------------------------------------------------------------------------------------------------
# 1.2 Function of the respondents


def function_sentences(groups: pd.DataFrame, categories: pd.DataFrame, shorts: dict[str, str]) -> list[str]:
    """What the coded functions say: when policy advisers ("beleid") are the largest named group, how often they
    filled in the survey, which policy specialisations were named and which other groups ("duidelijk minder vaak"
    when each was named less than half as often); else the named groups by frequency. Then how many answers fit no
    group. `groups` and `categories` are coding.theme_counts at group and category level indexed by theme, `shorts`
    the coding frame's short labels."""
    sentences = []
    named = groups.drop(index="overig")
    policy = groups.loc["beleid"]
    if named["count"].max() > 0 and named["count"].idxmax() == "beleid":
        sentences.append(f"Meestal heeft een beleidsadviseur of beleidsmedewerker de flitspeiling ingevuld "
                         f"({policy['count']} keer, {fmt.pct(policy['pct'])}).")
        specialisations = categories[(categories["group"] == "beleid") & (categories.index != "beleid_algemeen")]
        mentioned = specialisations.sort_values("count", ascending=False)
        mentioned = mentioned[mentioned["count"] > 0]
        if len(mentioned):
            sentences.append("Soms is deze persoon specifiek beleidsadviseur of -medewerker "
                             + fmt.join([f"{shorts[row.Index]} ({row.count})" for row in mentioned.itertuples()], "of")
                             + ".")
        others = groups.drop(index=["beleid", "overig"]).sort_values("count", ascending=False)
        others = others[others["count"] > 0]
        if len(others):
            less_often = bool((others["count"] * 2 < policy["count"]).all())
            sentences.append(fmt.capitalize(fmt.join([f"‘{row.label.lower()}’ ({row.count})"
                                                      for row in others.itertuples()]))
                             + f" {singular_or_plural(len(others), 'werd', 'werden')} bij deze vraag ook aangegeven"
                             + (", maar duidelijk minder vaak." if less_often else "."))
    elif named["count"].max() > 0:
        sentences.append("Het vaakst genoemd: " + fmt.join([f"‘{row.label.lower()}’ ({row.count})" for row in
                                                              named[named["count"] > 0]
                                                              .sort_values("count", ascending=False).itertuples()])
                         + ".")
    n_other = int(groups.at["overig", "count"])
    if n_other:
        sentences.append(f"{text.sentence_start(fmt.words(n_other))} "
                         f"{singular_or_plural(n_other, 'antwoord valt', 'antwoorden vallen')} in geen van deze groepen.")
    return sentences
