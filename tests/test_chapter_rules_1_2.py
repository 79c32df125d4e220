"""The chapter-specific rules of chapters 1 and 2 (helpers.report.chapters.background, .scope), chapter 5's quote
count (.additions) and the data-quality appendix's tables (helpers.report.appendix).

Each rule gets small hand-made tables in the shapes the Chapter API returns, one case per branch of the wording, so
that a change of a threshold or a phrase shows up here and not first in a built report.
"""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest

from helpers import MIN_GROUP
from helpers.analysis import disclosure, tables
from helpers.report import appendix
from helpers.report.chapters import additions
from helpers.report.chapters import background as h1
from helpers.report.chapters import scope as h2

matplotlib.use("Agg")
NBSP = "\u00a0"


def pct(value: int) -> str:
    return f"{value}{NBSP}%"


# --------------------------------------------------------------------------------------------------------------------
# Agreement


def test_singular_or_plural_and_than_or_as():
    assert h1.singular_or_plural(1, "heeft", "hebben") == "heeft"
    assert [h1.singular_or_plural(n, "heeft", "hebben") for n in (0, 2, 17)] == ["hebben"] * 3
    assert h1.than_or_as("evenveel") == "als"
    assert h1.than_or_as("meer") == h1.than_or_as("minder") == "dan"


# --------------------------------------------------------------------------------------------------------------------
# Chapter 1: response


def participation(rows) -> pd.DataFrame:
    """Chapter.participation() with the columns the rules read."""
    columns = ["wave", "count", "frame", "pct", "source", "published", "published_rate_quote"]
    return pd.DataFrame(rows, columns=columns)


PARTICIPATION = participation([
    (2018, 100, 380, 26.3, "gepubliceerd", 100, None),
    (2019, 120, 355, 33.8, "verwerkt", None, "ruim een derde"),
    (2022, 150, 344, 43.6, "verwerkt", 150, None),
    (2023, 201, 342, 58.8, "verwerkt", 199, None),
])


def test_previous_participation_is_the_last_and_last_but_one_earlier_wave():
    last, before_last = h1.previous_participation(PARTICIPATION, 2023)
    assert (last["wave"], before_last["wave"]) == (2022, 2019)
    last, before_last = h1.previous_participation(PARTICIPATION, 2019)
    assert last["wave"] == 2018 and before_last is None
    assert h1.previous_participation(PARTICIPATION, 2018) == (None, None)


def test_good_response_is_more_than_half():
    assert h1.is_good_response(50.1) and not h1.is_good_response(50) and not h1.is_good_response(12)


def test_response_figure_note_names_published_counts_and_rate_only_waves():
    assert h1.published_waves(PARTICIPATION) == ["2018"]
    note = h1.response_figure_note(PARTICIPATION)
    assert note.startswith("Gearceerd: aantal uit de publicatie van dat jaar (2018);")
    assert f"Voor 2019 is geen aantal deelnemers gepubliceerd, alleen een responspercentage: 2019: ‘ruim een derde’ " \
           f"(hier 120 van 355 gemeenten = {pct(34)})." in note
    assert h1.response_figure_note(PARTICIPATION[PARTICIPATION["wave"] >= 2022]) is None


# --------------------------------------------------------------------------------------------------------------------
# Chapter 1: size classes


def size_counts(*counts: int, unknown: int = 0) -> pd.Series:
    return pd.Series([*counts, unknown], index=[*tables.SIZE_CODES, "onbekend"])


def test_largest_size_class_ignores_unknown_sizes_and_takes_the_first_of_a_tie():
    counts = size_counts(3, 40, 40, 20, 10, unknown=90)
    assert h1.largest_size_class(counts) == (tables.SIZE_CODES[1], 40, 113)


def test_g4_sentence_every_case():
    assert h1.g4_sentence(["Amsterdam", "Rotterdam", "Den Haag", "Utrecht"]) == \
        "Alle vier G4-gemeenten hebben de flitspeiling ingevuld."
    assert h1.g4_sentence([]) == "Geen van de G4-gemeenten heeft de flitspeiling ingevuld."
    assert h1.g4_sentence(["Utrecht"]) == "Van de G4 heeft Utrecht de flitspeiling ingevuld."
    assert h1.g4_sentence(["Rotterdam", "Utrecht"]) == "Van de G4 hebben Rotterdam en Utrecht de flitspeiling ingevuld."


def test_large_and_small_municipality_sentences():
    assert h1.large_municipalities_sentence(1, []).endswith("‘de G40’) heeft één gemeente deelgenomen aan de peiling.")
    assert h1.large_municipalities_sentence(25, ["Utrecht"]).endswith(
        "hebben – inclusief Utrecht – 25 gemeenten deelgenomen aan de peiling.")
    assert h1.small_municipalities_sentence(0).endswith("heeft geen enkele gemeente deelgenomen.")
    assert h1.small_municipalities_sentence(1).endswith("inwoners, heeft één gemeente deelgenomen.")
    assert h1.small_municipalities_sentence(4).endswith("inwoners, hebben vier gemeenten deelgenomen.")


# --------------------------------------------------------------------------------------------------------------------
# Chapter 1: representativeness


def gaps(*differences: int) -> pd.DataFrame:
    frame = [20] * len(differences)
    return pd.DataFrame({"size_class": tables.SIZE_CODES[:len(differences)],
                         "text": [tables.SIZE_TEXT[c] for c in tables.SIZE_CODES[:len(differences)]],
                         "participants": [f + d for f, d in zip(frame, differences, strict=True)], "frame": frame,
                         "difference": list(differences)})


def test_representation_deviations_name_notable_gaps_under_first_then_over():
    found = h1.representation_deviations(gaps(3, -1, -6, 2, -2))
    assert [phrase.split(" van de gemeenten")[0] for phrase in found] == [
        "een duidelijke ondervertegenwoordiging", "een lichte ondervertegenwoordiging",
        "een lichte oververtegenwoordiging", "een lichte oververtegenwoordiging"]
    assert found[0] == (f"een duidelijke ondervertegenwoordiging van de gemeenten met {tables.SIZE_TEXT['25k_50k']} "
                        f"({pct(14)} van de deelnemers tegen {pct(20)} van alle gemeenten)")
    assert h1.representation_deviations(gaps(1, -1, 0, 1, -1)) == []


def test_largest_gap_decides_whether_the_picture_is_representative():
    assert h1.largest_gap(gaps(3, -1, -6, 2, -2)) == 6 and not h1.is_representative(6)
    assert h1.largest_gap(gaps(4, -4, 0, 0, 0)) == 4 and h1.is_representative(4)
    assert h1.is_representative(h1.CLEAR_GAP - 1) and not h1.is_representative(h1.CLEAR_GAP)


def test_gaps_listing_for_the_alt_text():
    assert h1.gaps_listing(gaps(3, -1)) == (f"{tables.SIZE_TEXT['lt10k']}: {pct(23)} tegen {pct(20)}; "
                                            f"{tables.SIZE_TEXT['10k_25k']}: {pct(19)} tegen {pct(20)}")


def test_population_source_note():
    reasons = pd.DataFrame({"reason": ["onbekende naam", "geen naam ingevuld"], "count": [2, 1]})
    exact = h1.population_source_note({"approximate": False, "unknown_frame": 0}, "2023-01-01", 2023,
                                      reasons.iloc[:0])
    assert exact == "Inwonertallen: CBS, 1 januari 2023."
    note = h1.population_source_note({"approximate": True, "unknown_frame": 1}, "2018-01-01", 2018, reasons)
    assert note.startswith("Inwonertallen bij benadering: CBS, 1 januari 2020 (de referentieset heeft geen "
                           "CBS-cijfers van 1 januari 2018).")
    assert " 1 gemeente uit de gemeentelijst van 2018 heeft geen inwonertal en telt niet mee." in note
    assert note.endswith("Deelnemers zonder bekend inwonertal (3) tellen niet mee: onbekende naam (2); "
                         "geen naam ingevuld (1).")
    plural = h1.population_source_note({"approximate": False, "unknown_frame": 2}, "2023-01-01", 2023, reasons[:0])
    assert "2 gemeenten uit de gemeentelijst van 2023 hebben geen inwonertal en tellen niet mee." in plural


# --------------------------------------------------------------------------------------------------------------------
# Chapter 1: differences with the published numbers


def test_published_comparison_without_a_list():
    equal = participation([(2022, 150, 344, 43.6, "verwerkt", 150, None)])
    assert h1.published_comparison(2022, equal, size_counts(1, 2, 3, 4, 5), "2022-01-01", None, {}) == [
        "Het aantal deelnemers is gelijk aan het gepubliceerde aantal (150)."]
    other = participation([(2022, 150, 344, 43.6, "verwerkt", 152, None)])
    assert h1.published_comparison(2022, other, size_counts(1, 2, 3, 4, 5), "2022-01-01", None, {}) == [
        "Het gepubliceerde aantal deelnemers is 152; hier tellen er 150 mee."]
    rate = h1.published_comparison(2019, PARTICIPATION, size_counts(1, 2, 3, 4, 5), "2019-01-01", None, {})
    assert rate == ["Voor 2019 is geen aantal deelnemers gepubliceerd, alleen een responspercentage (‘ruim een derde’)."]


def test_published_comparison_with_the_participant_list():
    computed = pd.DataFrame({"computed": [5, 50, 60, 40, 40]}, index=list(tables.SIZE_CODES))
    listing = {"entries": 195, "municipalities": 199, "unresolved": [("Bergen", ["Bergen (L.)", "Bergen (NH.)"])],
               "size_counts": computed}
    reported = {"ge100k": 41, "lt10k": 5}
    sentences = h1.published_comparison(2023, PARTICIPATION, size_counts(5, 52, 60, 40, 39), "2023-01-01", listing,
                                        reported)
    assert sentences[0] == ("Het rapport noemt 199 gemeenten als deelnemers; de lijst in Bijlage A noemt 199 gemeenten "
                            "in 195 vermeldingen (een gezamenlijke inzending noemt meer gemeenten).")
    assert sentences[1].startswith("‘Bergen’ is niet eenduidig (Bergen (L.) of Bergen (NH.));")
    # the classes the report published, largest first, with the report's count beside the list's
    assert sentences[2] == ("Met inwonertallen van het CBS op 1 januari 2023 telt de lijst van Bijlage A 40 gemeenten "
                            f"met {tables.SIZE_TEXT['ge100k']} (rapport: 41) en 5 gemeenten met "
                            f"{tables.SIZE_TEXT['lt10k']} (rapport: 5).")
    assert sentences[3] == f"In de gegevens van dit rapport zijn dat er 39 met {tables.SIZE_TEXT['ge100k']}."
    assert sentences[4].startswith("Het rapport deelde de gemeenten in met cijfers van allecijfers.nl")
    same = h1.published_comparison(2023, PARTICIPATION, size_counts(5, 50, 60, 40, 40), "2023-01-01", listing,
                                   {"ge100k": 40})
    assert len(same) == 3  # no difference with the data here nor with the report


def test_unlinked_participants():
    responses = pd.DataFrame({"response_id": ["1", "2", "3"], "municipality_code": ["GM0363", None, None],
                              "size_class": ["ge100k", None, None]})
    quality = {"unmatched": [{"response_id": "2", "status": "empty"}, {"response_id": "3", "status": "empty"}]}
    (sentence,) = h1.unlinked_participants(responses, quality, 3)
    assert sentence == ("Van de 3 deelnemers zijn er 2 niet aan een gemeente te koppelen (geen naam ingevuld: 2); zij "
                        "tellen wel mee in de percentages, maar niet in de grootteklassen.")
    one = h1.unlinked_participants(responses.iloc[:2], quality, 2)[0]
    assert "deelnemers is er 1 niet" in one and "; die telt wel mee" in one
    assert h1.unlinked_participants(responses.iloc[:1], quality, 1) == []


# --------------------------------------------------------------------------------------------------------------------
# Chapter 1: function of the respondents


def function_counts(policy: int, management: int, other: int, specialisations: dict[str, int]):
    n = policy + management + other
    groups = pd.DataFrame({"theme": ["beleid", "management", "overig"], "label": ["Beleid", "Management", "Overig"],
                           "count": [policy, management, other]})
    groups["pct"] = 100 * groups["count"] / n
    categories = pd.DataFrame({"theme": ["beleid_algemeen", *specialisations, "manager"],
                               "group": ["beleid"] * (1 + len(specialisations)) + ["management"],
                               "count": [policy - sum(specialisations.values()), *specialisations.values(),
                                         management]})
    return groups.set_index("theme"), categories.set_index("theme")


SHORTS = {"beleid_toegankelijkheid": "toegankelijkheid", "beleid_sociaal_domein": "sociaal domein"}


def test_function_sentences_when_policy_advisers_lead():
    groups, categories = function_counts(120, 20, 2, {"beleid_toegankelijkheid": 12, "beleid_sociaal_domein": 30})
    sentences = h1.function_sentences(groups, categories, SHORTS)
    assert sentences[0] == f"Meestal heeft een beleidsadviseur of beleidsmedewerker de flitspeiling ingevuld " \
                           f"(120 keer, {pct(85)})."
    assert sentences[1] == ("Soms is deze persoon specifiek beleidsadviseur of -medewerker sociaal domein (30) of "
                            "toegankelijkheid (12).")
    assert sentences[2] == "‘Management’ (20) werd bij deze vraag ook aangegeven, maar duidelijk minder vaak."
    assert sentences[3] == "Twee antwoorden vallen in geen van deze groepen."


def test_function_sentences_when_another_group_leads():
    groups, categories = function_counts(10, 20, 1, {})
    assert h1.function_sentences(groups, categories, SHORTS) == [
        "Het vaakst genoemd: ‘management’ (20) en ‘beleid’ (10).",
        "Één antwoord valt in geen van deze groepen."]  # text.sentence_start keeps the accents
    groups, categories = function_counts(20, 15, 0, {})
    assert h1.function_sentences(groups, categories, SHORTS)[-1] == \
        "‘Management’ (15) werd bij deze vraag ook aangegeven."  # not less than half as often


# --------------------------------------------------------------------------------------------------------------------
# Chapter 2: breadth of inclusion policy


def series(*shares: float, first: int = 2018, **columns) -> pd.DataFrame:
    """Chapter.trend(): one row per wave from `first`."""
    return pd.DataFrame({"wave": list(range(first, first + len(shares))), "pct": list(shares), **columns})


def test_majority_wording():
    assert h2.majority_of_municipalities(60) == "een grote meerderheid van de gemeenten"
    assert h2.majority_of_municipalities(59.9) == "een meerderheid van de gemeenten"
    assert h2.majority_of_municipalities(50) == "ongeveer de helft van de gemeenten"
    assert h2.majority_again(55, series(50.5).iloc[0])  # 51 % as shown
    assert not h2.majority_again(55, series(50.4).iloc[0]) and not h2.majority_again(50, series(70).iloc[0])
    assert not h2.majority_again(55, None)


def test_is_few_reads_the_share_as_shown():
    assert h2.is_few(9.4) and not h2.is_few(9.5) and not h2.is_few(12)


def test_last_before():
    reeks = series(40, 45, 50)
    assert h2.last_before(reeks, 2020)["wave"] == 2019 and h2.last_before(reeks, 2018) is None


def test_breadth_history_names_the_first_wave_and_two_years_ago_once():
    reeks = series(13, 20, 30, 40, 45, 50)
    previous = reeks.iloc[-2]
    assert h2.breadth_history_sentences(reeks, 2023, previous, 50) == [
        f"In 2018, bij de eerste flitspeiling, gaf {pct(13)} van de gemeenten aan een breed inclusiebeleid te voeren.",
        f"Twee jaar geleden ging het om {pct(40)} en inmiddels dus om {pct(50)} van de gemeenten."]
    assert len(h2.breadth_history_sentences(reeks.iloc[:3], 2020, reeks.iloc[1], 30)) == 1  # 2018 is the first wave
    assert h2.breadth_history_sentences(reeks.iloc[:2], 2019, reeks.iloc[0], 20) == []  # first = previous


def test_published_mismatch_note():
    reeks = series(13, 20, 30, published_match=[True, False, None], published_quote=["13 %", "25 %", None])
    assert h2.published_mismatch_note(reeks) == f"Deze cijfers wijken af van de gepubliceerde: 2019: hier {pct(20)}, " \
                                                "gepubliceerd ‘25 %’."
    assert h2.published_mismatch_note(reeks.iloc[[0, 2]]) is None


# --------------------------------------------------------------------------------------------------------------------
# Chapter 2: phase of the LIA


def test_implementation_history():
    assert h2.rose_every_wave(series(10, 20, 30)) and not h2.rose_every_wave(series(10, 20, 20))
    assert not h2.rose_every_wave(series(10))
    assert h2.implementation_history_sentences(series(10, 20, 30), 2020) == [
        f"Van 2018 tot en met 2020 steeg het percentage gemeenten met een LIA (of plan van aanpak) in uitvoering elk "
        f"jaar: van {pct(10)} naar {pct(30)}."]
    assert h2.implementation_history_sentences(series(10, 30, 20), 2020) == [
        "Het percentage gemeenten met een LIA (of plan van aanpak) in uitvoering was in de eerdere metingen: "
        f"{pct(10)} in 2018, {pct(30)} in 2019, {pct(20)} in 2020."]
    assert h2.implementation_history_sentences(series(10), 2018) == []


def test_size_figure_note_cautions_below_the_disclosure_threshold():
    assert h2.size_figure_note(0, {"a": 60, "b": 0}) == "Percentages per grootteklasse (kolompercentages)."
    note = h2.size_figure_note(3, {"a": disclosure.CAUTION_BELOW - 1, "b": 80})
    assert note == ("Percentages per grootteklasse (kolompercentages). 3 gemeenten zonder bekend inwonertal tellen niet "
                    "mee. Kleine aantallen per grootteklasse: lees de percentages met voorzichtigheid.")


def crosstab(groups: dict[str, dict[str, int]], flagged: tuple[str, str] | None = None) -> pd.DataFrame:
    """Chapter.crosstab("lia_phase", by="size_class") after disclosure: {group: {answer: count}}."""
    implementing = sum(counts.get("uitgevoerd", 0) for counts in groups.values())
    rows = []
    for group, counts in groups.items():
        n = sum(counts.values())
        for answer, count in counts.items():
            rows.append({"group": group, "group_label": group.replace("+", " + "), "answer": answer,
                         "answer_label": answer.capitalize(), "count": count, "n": n, "pct": 100 * count / n,
                         "n_answer": implementing, disclosure.FLAG_COLUMN: (group, answer) == flagged})
    return pd.DataFrame(rows)


PHASES = ("verkennend", "ontwikkelen", "gereed", "uitgevoerd", "anders")


def phases(*counts: int) -> dict[str, int]:
    return dict(zip(PHASES, counts, strict=True))


def test_implementers_by_size_and_their_sentence():
    table = crosstab({"lt10k": phases(2, 2, 1, 0, 1), "10k_25k": phases(10, 5, 3, 4, 1),
                      "25k_50k": phases(5, 5, 2, 6, 0), "50k_100k": phases(2, 2, 2, 10, 0),
                      "ge100k": phases(0, 1, 1, 20, 0)})
    found = h2.implementers(table)
    assert found.n == 40 and found.share_50k == 75 and found.share_25k == 90
    assert h2.implementers_sentence(found) == (f"Van de 40 gemeenten waarin een LIA wordt uitgevoerd, heeft {pct(75)} "
                                               "50.000 inwoners of meer. Daarmee maakt de figuur duidelijk dat vooral "
                                               "in de grotere gemeenten een LIA wordt uitgevoerd.")
    few = h2.Implementers(h2.MIN_IMPLEMENTERS_FOR_CONCLUSION - 1, 80.0, 90.0)
    assert h2.implementers_sentence(few).endswith("50.000 inwoners of meer.")
    assert h2.implementers_sentence(h2.Implementers(1, 100.0, 100.0)).endswith("heeft 50.000 inwoners of meer.")
    assert h2.implementers_sentence(h2.Implementers(1, 0.0, 0.0)).endswith("heeft minder dan 50.000 inwoners.")
    assert h2.implementers_sentence(h2.Implementers(0, None, None)) == \
        "Geen enkele deelnemende gemeente met een bekend inwonertal voert een LIA uit."


def test_a_merged_block_across_the_bound_hides_the_share():
    table = crosstab({"10k_25k": phases(10, 5, 3, 4, 1), "25k_50k+50k_100k": phases(2, 2, 2, 3, 0),
                      "ge100k": phases(0, 1, 1, 20, 0)})
    found = h2.implementers(table)
    assert found.share_50k is None and found.share_25k == pytest.approx(100 * 23 / 27)
    assert h2.implementers_sentence(found) == "27 gemeenten voeren een LIA uit."
    assert h2.implementers_sentence(h2.Implementers(1, None, None)) == "1 gemeente voert een LIA uit."


def test_smallest_class_merged_absent_flagged_and_described():
    merged = h2.smallest_class(crosstab({"lt10k+10k_25k": phases(3, 2, 1, 1, 0), "ge100k": phases(0, 1, 1, 2, 0)}))
    assert merged.merged == ("lt10k+10k_25k", "lt10k + 10k_25k")
    (sentence,) = h2.smallest_class_sentences(merged, "figuur 5")
    assert sentence.startswith(f"Er deden minder dan {MIN_GROUP} gemeenten met minder dan 10.000 inwoners mee.")
    assert sentence.endswith("in figuur 5 samengevoegd tot de groep ‘lt10k + 10k_25k’ (aantal inwoners).")

    absent = h2.smallest_class(crosstab({"ge100k": phases(0, 1, 1, 2, 0)}))
    assert (absent.merged, absent.n) == (None, 0)
    assert h2.smallest_class_sentences(absent, "figuur 5") == ["Er deden geen gemeenten met minder dan 10.000 "
                                                               "inwoners mee."]

    none_implement = h2.smallest_class(crosstab({"lt10k": phases(2, 2, 1, 0, 1)}, flagged=("lt10k", "uitgevoerd")))
    assert (none_implement.n, none_implement.implementing, none_implement.flagged) == (6, 0, True)
    assert h2.smallest_class_sentences(none_implement, "figuur 5") == [
        "Geen enkele gemeente met minder dan 10.000 inwoners geeft in de flitspeiling aan een LIA uit te voeren.",
        "Dat geldt voor elk van de 6 deelnemende gemeenten van die grootte, dus zegt het iets over elke gemeente "
        f"afzonderlijk; daarom is het in figuur 5 gemarkeerd ({disclosure.FLAG_MARK}).",
        "Wel zijn deze kleine gemeenten in alle andere fasen vertegenwoordigd, ook in de fase waarin de LIA gereed is."]

    some = h2.smallest_class(crosstab({"lt10k": phases(3, 0, 0, 1, 2)}))
    assert h2.smallest_class_sentences(some, "figuur 5") == [
        "1 gemeente met minder dan 10.000 inwoners geeft in de flitspeiling aan een LIA uit te voeren.",
        "Deze kleine gemeenten zitten in de fasen ‘Verkennend’ en ‘Anders’."]


def test_implementing_by_class_for_the_alt_text():
    table = crosstab({"lt10k": phases(2, 2, 1, 0, 1), "ge100k": phases(0, 1, 1, 2, 0)})
    assert h2.implementing_by_class(table) == f"lt10k: {pct(0)}; ge100k: {pct(50)}"


def test_middle_class_sentences():
    table = crosstab({"10k_25k": phases(10, 5, 3, 4, 1), "25k_50k": phases(5, 0, 2, 5, 0),
                      "ge100k": phases(0, 1, 1, 20, 0)})
    assert h2.middle_class_sentences(table, 40.4) == [
        f"Gemeenten met {tables.SIZE_TEXT['10k_25k']} zijn in alle fasen vertegenwoordigd; {pct(17)} van hen voert "
        f"een LIA uit (alle gemeenten: {pct(40)}).",
        f"Gemeenten met {tables.SIZE_TEXT['25k_50k']} zijn niet in alle fasen vertegenwoordigd; {pct(42)} van hen "
        f"voert een LIA uit (alle gemeenten: {pct(40)})."]


# --------------------------------------------------------------------------------------------------------------------
# Chapter 2: trends and the panel


def test_trend_context_carries_the_model_and_the_size_corrected_model():
    row = pd.Series({"change_pp": 2.0, "change_pp_low": 1.0, "change_pp_high": 3.0, "p_value": 0.01,
                     "odds_ratio": 1.1, "size_change_pp": 1.5, "size_change_pp_low": 0.5, "size_change_pp_high": 2.5,
                     "size_p_value": 0.04, "waves": "2018-2023"})
    context = h2.trend_context(row)
    assert context == {"low": 1.0, "high": 3.0, "p": 0.01, "odds_ratio": 1.1, "size_pp": 1.5, "size_low": 0.5,
                       "size_high": 2.5, "size_p": 0.04, "waves": "2018-2023"}


def test_panel_participation_sentence_agrees_in_number():
    counts = {"current": 201, "both": 120, "only_current": 81, "only_previous": 30}
    assert h2.panel_participation_sentence(counts, 2022, 2023) == (
        "Van de 201 deelnemende gemeenten in 2023 deden er 120 ook mee in 2022; 81 zijn nieuw, en 30 gemeenten uit "
        "2022 deden dit jaar niet mee.")
    one = h2.panel_participation_sentence({**counts, "only_current": 1, "only_previous": 1}, 2022, 2023)
    assert "; 1 is nieuw, en 1 gemeente uit 2022" in one


def test_decomposition_footnote_names_what_is_not_split():
    assert h2.decomposition_footnote(2023, []).endswith("pp = procentpunt.")
    assert h2.decomposition_footnote(2023, ["Breed inclusiebeleid", "LIA in uitvoering"]).endswith(
        f"pp = procentpunt. Niet gesplitst (minder dan {MIN_GROUP} nieuwkomers of vertrekkers, wier antwoorden anders "
        "af te leiden zijn): Breed inclusiebeleid en LIA in uitvoering.")


def test_transitions_chart_keeps_the_row_and_phase_order():
    transitions = pd.DataFrame({"group_label": ["Verkennend", "Verkennend", "Nieuw", "Nieuw"],
                                "answer_label": ["Uitgevoerd", "Verkennend", "Uitgevoerd", "Verkennend"],
                                "pct": [25.0, 75.0, 50.0, 50.0], "n": [8, 8, 6, 6]})
    figure = h2.transitions_chart(transitions, 2023)(transitions)
    axis = figure.axes[0]
    labels = [tick.get_text() for tick in axis.get_yticklabels()]
    assert any(label.startswith("Verkennend") for label in labels) and any("(n = 6)" in label for label in labels)
    assert axis.get_xlabel() == "Percentage gemeenten (fase in 2023)"


# --------------------------------------------------------------------------------------------------------------------
# Chapter 5 and the data-quality appendix


def test_quotes_per_theme():
    assert [additions.quotes_for(n) for n in (1, 2, 3, 5, 6, 40)] == [1, 1, 2, 2, 3, 3]


def test_description_in_past_tense():
    description = "schrijven over iets anders"
    assert additions.in_past_tense(description, 1) == "schreef over iets anders"
    assert additions.in_past_tense(description, 3) == "schreven over iets anders"


def test_quality_table_writes_shares_with_one_decimal():
    table = pd.DataFrame({"Stap": ["Export", "Na opschoning"], "Aantal": [1204, 201], "Aandeel": [100.0, 16.6944]})
    html = appendix.quality_table(table, "Van export naar eenheden")
    assert html.startswith('<table class="fp-tabel"><caption>Van export naar eenheden</caption>')
    assert '<th scope="col">Aandeel</th>' in html and '<th scope="row">Export</th>' in html
    assert ">16,7</td>" in html and ">100,0</td>" in html and ">1.204</td>" in html
    assert not math.isnan(table["Aandeel"].iloc[1])  # the table itself is left as it was


def test_unmatched_by_status():
    assert appendix.unmatched_by_status({"empty": 2, "unknown": 0, "ambiguous": 1}) == \
        "2 geen naam ingevuld, 1 naam past bij meer dan één gemeente"
    assert appendix.unmatched_by_status({"empty": 0}) == "geen"
    assert appendix.unmatched_by_status({"new_status": 1}) == "1 new_status"
