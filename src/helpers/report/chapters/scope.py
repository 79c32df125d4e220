"""Rules of chapter 2 (notebooks/02_reikwijdte_fase.ipynb): the breadth of inclusion policy and the phase of the
Lokale Inclusie Agenda (LIA), overall and by size class.

Comparisons with the previous wave go through helpers.report.text (the test on counts); the shares are written with
helpers.core.formatting (half up). Small groups follow helpers.analysis.disclosure: merged size classes are summed
only as whole blocks (disclosure.sum_over_classes) and a flagged 0 %/100 % cell is described as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers import MIN_GROUP
from helpers.analysis import disclosure, tables
from helpers.core import formatting as fmt
from helpers.report import figures
from helpers.report.chapters.background import singular_or_plural

# A share of policy_breadth "breed inclusiebeleid" from this percentage on is "een grote meerderheid".
LARGE_MAJORITY = 60
# A share (rounded) under this percentage is introduced with "Slechts".
FEW = 10
# From this many implementing municipalities on, a majority of 50.000 inhabitants or more is read as "vooral in de
# grotere gemeenten".
MIN_IMPLEMENTERS_FOR_CONCLUSION = 10


def last_before(series: pd.DataFrame, year: int) -> pd.Series | None:
    """The last row of a per-wave table (Chapter.trend) before `year`, or None when `year` is the first wave."""
    earlier = series[series["wave"] < year]
    return earlier.iloc[-1] if len(earlier) else None


# --------------------------------------------------------------------------------------------------------------------
# 2.1 Breadth of inclusion policy


def majority_of_municipalities(share: float) -> str:
    """ "een grote meerderheid van de gemeenten" (LARGE_MAJORITY % or more), "een meerderheid van de gemeenten" (more
    than half), else the rough fraction ("ruim een derde van de gemeenten")."""
    if share >= LARGE_MAJORITY:
        return "een grote meerderheid van de gemeenten"
    if share > 50:
        return "een meerderheid van de gemeenten"
    return f"{fmt.fraction_phrase(share)} van de gemeenten"


def majority_again(share: float, previous: pd.Series | None) -> bool:
    """Whether a majority this wave was a majority (as shown, rounded) in the previous wave too ("Net als afgelopen
    jaar ...")."""
    return previous is not None and fmt.rounded_pct(previous["pct"]) > 50 and share > 50


def is_few(share: float) -> bool:
    """Whether a share as shown (rounded) is under FEW percent ("Slechts 6 %")."""
    return fmt.rounded_pct(share) < FEW


def breadth_history_sentences(series: pd.DataFrame, year: int, previous: pd.Series, share_now: float) -> list[str]:
    """The earlier waves of "breed inclusiebeleid" the text names besides the previous one: the first wave, and the
    wave two years before `year` when that is neither the first nor the previous one. `series` is Chapter.trend."""
    sentences = []
    first = series.iloc[0]
    if first["wave"] != previous["wave"]:
        sentences.append(f"In {first['wave']}, bij de eerste flitspeiling, gaf {fmt.pct(first['pct'])} van de "
                         "gemeenten aan een breed inclusiebeleid te voeren.")
    two_years = series[series["wave"] == year - 2]
    if len(two_years) and year - 2 not in (first["wave"], previous["wave"]):
        sentences.append(f"Twee jaar geleden ging het om {fmt.pct(two_years['pct'].iloc[0])} en inmiddels dus om "
                         f"{fmt.pct(share_now)} van de gemeenten.")
    return sentences


def published_mismatch_note(series: pd.DataFrame) -> str | None:
    """ "Deze cijfers wijken af van de gepubliceerde: 2019: hier 45 %, gepubliceerd ‘…’." for the waves of a per-wave
    table (Chapter.trend) whose share differs from the published one; None when none does."""
    differing = series[series["published_match"].eq(False).fillna(False)]
    if not len(differing):
        return None
    return "Deze cijfers wijken af van de gepubliceerde: " + "; ".join(
        f"{row.wave}: hier {fmt.pct(row.pct)}, gepubliceerd ‘{row.published_quote}’"
        for row in differing.itertuples()) + "."


# --------------------------------------------------------------------------------------------------------------------
# 2.2 Phase of the LIA


def rose_every_wave(series: pd.DataFrame) -> bool:
    """Whether the share rose from each wave to the next over at least two waves (the unrounded shares of the rows, in
    wave order). Note: a rise read off the shares, not the test on counts of helpers.report.text."""
    return len(series) >= 2 and bool(series["pct"].diff().iloc[1:].gt(0).all())


def implementation_history_sentences(series: pd.DataFrame, previous_wave: int) -> list[str]:
    """The share implementing a LIA in the waves up to the previous one (`series`: Chapter.trend rows up to it): that
    it rose every wave (rose_every_wave), else the share per wave; [] with fewer than two waves."""
    if rose_every_wave(series):
        return [f"Van {series['wave'].iloc[0]} tot en met {previous_wave} steeg het percentage gemeenten met een LIA "
                f"(of plan van aanpak) in uitvoering elk jaar: van {fmt.pct(series['pct'].iloc[0])} naar "
                f"{fmt.pct(series['pct'].iloc[-1])}."]
    if len(series) >= 2:
        return ["Het percentage gemeenten met een LIA (of plan van aanpak) in uitvoering was in de eerdere metingen: "
                + ", ".join(f"{fmt.pct(row.pct)} in {row.wave}" for row in series.itertuples()) + "."]
    return []


def size_figure_note(missing: int, n_per_class: dict[str, int]) -> str:
    """The note under the figure of phases by size class: column percentages, the participants without a known size
    left out, and a caution when a size class has fewer than disclosure.CAUTION_BELOW municipalities."""
    note = "Percentages per grootteklasse (kolompercentages)."
    if missing:
        note += f" {fmt.capitalize(fmt.municipalities(missing))} zonder bekend inwonertal tellen niet mee."
    if min(n for n in n_per_class.values() if n) < disclosure.CAUTION_BELOW:
        note += " Kleine aantallen per grootteklasse: lees de percentages met voorzichtigheid."
    return note


def implementing_by_class(crosstab: pd.DataFrame) -> str:
    """ "< 10.000: 0 %; 10.000-25.000: 17 %; …": the share implementing a LIA per size class of the crosstab of phases
    (for the figure's alt text)."""
    return "; ".join(f"{row.group_label}: {fmt.pct(row.pct)}"
                     for row in crosstab[crosstab["answer"] == "uitgevoerd"].itertuples())


@dataclass(frozen=True)
class Implementers:
    """The municipalities implementing a LIA (answer "uitgevoerd") by size: how many (with a known size class) and
    the share of them with 50.000 / 25.000 inhabitants or more (None when a merged size class straddles the bound)."""

    n: int
    share_50k: float | None
    share_25k: float | None


def implementers(crosstab: pd.DataFrame) -> Implementers:
    """Implementers of a LIA by size class from Chapter.crosstab("lia_phase", by="size_class") (after disclosure)."""
    rows = crosstab[crosstab["answer"] == "uitgevoerd"].set_index("group")
    n = int(rows["n_answer"].iloc[0])
    if not n:
        return Implementers(0, None, None)
    over_50k = disclosure.sum_over_classes(rows, ["50k_100k", "ge100k"])
    over_25k = disclosure.sum_over_classes(rows, ["25k_50k", "50k_100k", "ge100k"])
    return Implementers(n, None if over_50k is None else fmt.share(int(over_50k), n),
                        None if over_25k is None else fmt.share(int(over_25k), n))


def implementers_sentence(found: Implementers) -> str:
    """Where the LIA is implemented: the share of implementers with 50.000 inhabitants or more (and, with a majority
    among at least MIN_IMPLEMENTERS_FOR_CONCLUSION of them, that it is mainly the larger municipalities); only the
    count when a merged class hides the share."""
    n, share = found.n, found.share_50k
    if not n:
        return "Geen enkele deelnemende gemeente met een bekend inwonertal voert een LIA uit."
    if share is None:
        return f"{fmt.capitalize(fmt.municipalities(n))} {singular_or_plural(n, 'voert', 'voeren')} een LIA uit."
    if n == 1:
        return ("De enige gemeente waarin een LIA wordt uitgevoerd, heeft "
                + ("50.000 inwoners of meer." if share else "minder dan 50.000 inwoners."))
    return (f"Van de {fmt.municipalities(n)} waarin een LIA wordt uitgevoerd, heeft {fmt.pct(share)} 50.000 inwoners "
            "of meer." + (" Daarmee maakt de figuur duidelijk dat vooral in de grotere gemeenten een LIA wordt "
                          "uitgevoerd." if share > 50 and n >= MIN_IMPLEMENTERS_FOR_CONCLUSION else ""))


@dataclass(frozen=True)
class SmallestClass:
    """The municipalities under 10.000 inhabitants in the crosstab of phases: `merged` is the label of the block they
    were merged into by the disclosure rule (then nothing else is known), else their count `n`, how many implement a
    LIA, whether that cell is flagged (0 %/100 %), and the rows per phase."""

    merged: tuple[str, str] | None  # (group code, group label)
    n: int
    implementing: int | None
    flagged: bool
    rows: pd.DataFrame


def smallest_class(crosstab: pd.DataFrame) -> SmallestClass:
    """The size class under 10.000 inhabitants of Chapter.crosstab("lia_phase", by="size_class")."""
    merged = crosstab[crosstab["group"].str.startswith("lt10k+")]
    rows = crosstab[crosstab["group"] == "lt10k"].set_index("answer")
    if len(merged):
        return SmallestClass((merged["group"].iloc[0], merged["group_label"].iloc[0]), 0, None, False, rows)
    n = int(rows["n"].iloc[0]) if len(rows) else 0
    if not n:
        return SmallestClass(None, 0, None, False, rows)
    flagged = bool(rows.at["uitgevoerd", disclosure.FLAG_COLUMN]) if disclosure.FLAG_COLUMN in rows else False
    return SmallestClass(None, n, int(rows.at["uitgevoerd", "count"]), flagged, rows)


def smallest_class_sentences(small: SmallestClass, figure_ref: str) -> list[str]:
    """What the text may say about the municipalities under 10.000 inhabitants: that they were merged (fewer than
    MIN_GROUP), that none took part, or how many implement a LIA (a flagged cell says it holds for each of them) and
    in which other phases they are."""
    if small.merged is not None:
        return [f"Er deden minder dan {fmt.number(MIN_GROUP)} gemeenten met minder dan 10.000 inwoners mee. Om hun "
                f"antwoorden niet herkenbaar te maken, zijn ze in {figure_ref} samengevoegd tot de groep "
                f"‘{small.merged[1]}’ (aantal inwoners)."]
    if not small.n:
        return ["Er deden geen gemeenten met minder dan 10.000 inwoners mee."]
    sentences = []
    k = small.implementing
    if k == 0:
        sentences.append("Geen enkele gemeente met minder dan 10.000 inwoners geeft in de flitspeiling aan een LIA "
                         "uit te voeren.")
    if small.flagged:
        sentences.append(f"Dat geldt voor elk van de {fmt.number(small.n)} deelnemende gemeenten van die grootte, dus "
                         f"zegt het iets over elke gemeente afzonderlijk; daarom is het in {figure_ref} gemarkeerd "
                         f"({disclosure.FLAG_MARK}).")
    else:
        sentences.append(f"{fmt.capitalize(fmt.municipalities(k))} met minder dan 10.000 inwoners "
                         f"{singular_or_plural(k, 'geeft', 'geven')} in de flitspeiling aan een LIA uit te voeren.")
    rows = small.rows
    others = [code for code in rows.index if code != "uitgevoerd"]
    present = [code for code in others if rows.at[code, "count"] > 0]
    if present and len(present) == len(others):
        sentences.append("Wel zijn deze kleine gemeenten in alle andere fasen vertegenwoordigd"
                         + (", ook in de fase waarin de LIA gereed is." if "gereed" in present else "."))
    elif present:
        sentences.append(f"Deze kleine gemeenten zitten in de {singular_or_plural(len(present), 'fase', 'fasen')} "
                         + fmt.join(f"‘{rows.at[code, 'answer_label']}’" for code in present) + ".")
    return sentences


def middle_class_sentences(crosstab: pd.DataFrame, implementing_pct: float) -> list[str]:
    """Per size class 10.000-25.000 and 25.000-50.000 inhabitants (when it has municipalities): whether it is in every
    phase (other than "anders") and its share implementing a LIA next to that of all municipalities."""
    sentences = []
    for size_class in ("10k_25k", "25k_50k"):
        rows = crosstab[crosstab["group"] == size_class].set_index("answer")
        if rows.empty or int(rows["n"].iloc[0]) == 0:
            continue
        every_phase = bool((rows.drop(index="anders")["count"] > 0).all())
        sentences.append(
            f"Gemeenten met {tables.SIZE_TEXT[size_class]} zijn {'in alle' if every_phase else 'niet in alle'} fasen "
            f"vertegenwoordigd; {fmt.pct(rows.at['uitgevoerd', 'pct'])} van hen voert een LIA uit "
            f"(alle gemeenten: {fmt.pct(implementing_pct)}).")
    return sentences


# --------------------------------------------------------------------------------------------------------------------
# 2.3 Trends and 2.4 the panel


def trend_context(row: pd.Series) -> dict:
    """The context of a trend key figure (trend_<indicator>_pp_per_jaar): the model's interval, p-value and odds ratio,
    the same corrected for size, and the waves. `row` is trends.TrendAnalysis.row()."""
    return {"low": row["change_pp_low"], "high": row["change_pp_high"], "p": row["p_value"],
            "odds_ratio": row["odds_ratio"], "size_pp": row["size_change_pp"], "size_low": row["size_change_pp_low"],
            "size_high": row["size_change_pp_high"], "size_p": row["size_p_value"], "waves": row["waves"]}


def panel_participation_sentence(counts: dict, previous: int, year: int) -> str:
    """How many participants of `year` took part in `previous` too, how many are new and how many of `previous` did
    not take part again (`counts`: panel.compare_waves().counts)."""
    new, left = counts["only_current"], counts["only_previous"]
    return (f"Van de {fmt.number(counts['current'])} deelnemende gemeenten in {year} deden er "
            f"{fmt.number(counts['both'])} ook mee in {previous}; {fmt.number(new)} "
            f"{singular_or_plural(new, 'is', 'zijn')} nieuw, en {fmt.number(left)} "
            f"{singular_or_plural(left, 'gemeente', 'gemeenten')} uit {previous} deden dit jaar niet mee.")


def transitions_chart(transitions: pd.DataFrame, year: int):
    """The figure function of the panel's transitions (panel.transitions_tidy): per phase of the previous wave (rows,
    in their order) the phases of `year` as stacked shares with each row's n."""
    rows = list(dict.fromkeys(transitions["group_label"]))
    phases = list(dict.fromkeys(transitions["answer_label"]))

    def chart(data: pd.DataFrame):
        return figures.stacked_shares(
            data, category="group_label", segment="answer_label", category_order=rows, segment_order=phases,
            category_n=data.drop_duplicates("group_label").set_index("group_label")["n"].to_dict(),
            xlabel=f"Percentage gemeenten (fase in {year})")

    return chart


def decomposition_footnote(year: int, not_split: list[str]) -> str:
    """The footnote of the panel decomposition table: what the parts mean, and which figures are not split because
    fewer than MIN_GROUP municipalities joined or left (their answers could be derived)."""
    return ("Verschil = binnen gemeenten + samenstelling (exact). Binnen gemeenten: de verandering bij de gemeenten die "
            f"beide keren antwoordden, naar hun aandeel in de deelnemers van {year}. Samenstelling: het verschil dat "
            "nieuwe deelnemers en gemeenten die niet meer meededen maken. pp = procentpunt."
            + (f" Niet gesplitst (minder dan {MIN_GROUP} nieuwkomers of vertrekkers, wier antwoorden anders af te "
               f"leiden zijn): {fmt.join(not_split)}." if not_split else ""))
