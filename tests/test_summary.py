"""The summary (helpers.report.summary and notebooks/06_samenvatting.ipynb): sentences from key figures.

The sentence functions get plain dictionaries of key figures as the chapters register them ({name: {"value", "text",
...}}): complete, with figures missing (question not asked) and with None values (no previous wave). A change since an
earlier wave is only stated as the test on the counts found it (registered "toets", or count and n on both figures);
a name report.yml does not declare is refused; nothing prints "None". The notebook is run once by
papermill on fake chapter manifests in a temporary directory.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import notebook_runs
import pytest

from helpers.report import summary as sm
from helpers.report.outline import load_outline

NBSP = "\u00a0"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_samenvatting.ipynb"


def kf(**values) -> dict:
    """Key figures as a chapter registers them; a tuple (value, context) adds context."""
    out = {}
    for name, value in values.items():
        if isinstance(value, tuple):
            value, context = value
            out[name] = {"value": value, "text": str(value), **context}
        else:
            out[name] = {"value": value, "text": str(value)}
    return out


# The 2023 report's numbers (rapport 2023, samenvatting and chapters 1-4).
CH1 = kf(deelnemers=201, gemeenten_nederland=342, responspercentage=58.77, deelnemers_vorige_meting=(160, {"jaar": 2022}))
# The shares of a broad inclusion policy with their counts (count, n): the summary tests the changes itself.
CH2 = kf(breed_inclusiebeleid=(67.16, {"count": 135, "n": 201}), breed_inclusiebeleid_2018=(50.0, {"count": 47, "n": 94}),
         breed_inclusiebeleid_2019=(52.1, {"count": 63, "n": 121}), breed_inclusiebeleid_2020=(53.7, {"count": 73, "n": 136}),
         breed_inclusiebeleid_2021=(56.1, {"count": 97, "n": 173}), breed_inclusiebeleid_2022=(63.1, {"count": 101, "n": 160}),
         lia_uitgevoerd=29.85, lia_gereed=7.96, lia_ontwikkelen=14.93, lia_verkennend=22.89,
         lia_in_ontwikkeling_of_uitvoering=52.74, lia_verkennend_2022=(16.25, {"toets": "hoger"}),
         lia_uitgevoerd_2022=(33.75, {"toets": "gelijk"}),
         uitvoerders_25k_of_meer=93.3, uitvoerders_50k_of_meer=75.0)
CH3 = kf(top_domeinen=["Betrekken van (vertegenwoordigers van) mensen met een beperking",
                       "Toegankelijkheid van communicatie-uitingen", "Fysieke toegankelijkheid van openbare gebouwen"],
         top_domeinen_min_pct=72.4, top_domeinen_max_pct=76.2, top_domeinen_klein_min_pct=61.0,
         top_domeinen_klein_max_pct=66.0,
         minste_aandacht_domeinen=["Toegankelijkheid van het onderwijs", "Toegankelijkheid van het openbaar vervoer",
                                   "Toegankelijkheid van de arbeidsmarkt"],
         niet_samenwerken_pct=11.4, wmo_raad_pct=62.0, clientenorganisaties_niet_pct=21.2,
         belangenorganisaties_niet_pct=12.8, alle_werken_samen=True, knelpunt_capaciteit_pct=(75.8, {"rank": 1, "n": 178}),
         knelpunt_capaciteit_klein_pct=(80.0, {"n": 50}), knelpunt_capaciteit_vorig_pct=(76.1, {"jaar": 2022, "toets": "gelijk"}),
         knelpunten_vaker_dan_vorig=(["Betrekken van ervaringsdeskundigen en belangenorganisaties",
                                      "Onduidelijkheid over wat volgens het VN-verdrag Handicap wettelijk verplicht c.q. "
                                      "mogelijk is"], {"jaar": 2022}),
         lia_resultaten_n=66)
CH4 = kf(bekend_idm_pct=79.0, inhoud_specifieke_voorbeelden_pct=62.0,
         inhoud_geen_behoefte_pct=16.2, inhoud_geen_behoefte_vorig_pct=(21.0, {"wave": 2022, "toets": "lager"}),
         inhoud_uitleg_verdrag_pct=22.0, inhoud_uitleg_verdrag_vorig_pct=(16.0, {"wave": 2022, "toets": "hoger"}),
         meer_behoefte_dan_vorig=(True, {"wave": 2022}))


def text(sentences: list[str]) -> str:
    return " ".join(sentences).replace(NBSP, " ")


def all_sentences(ch1, ch2, ch3, ch4, year=2023) -> str:
    return text([*sm.inleiding(year, range(2018, year + 1)), *sm.respons(ch1, year), *sm.verkennend_vergelijking(ch2, year),
                 *sm.lia(ch2, year), *sm.breedte(ch2, year), *sm.domeinen(ch3), *sm.partners(ch3),
                 *sm.knelpunten(ch3, year, 2022, sm.capaciteit_meest_genoemd(ch3)),
                 *sm.ondersteuning(ch4, year, 2022), *sm.beginnende_gemeenten(ch1, ch2, ch4, year)])


# --------------------------------------------------------------------------------------------------------------------
# Reading key figures


def test_values_absent_none_and_nan_are_none():
    figures = kf(deelnemers=3, gemeenten_nederland=None, responspercentage=float("nan"), alle_werken_samen=True,
                 top_domeinen=["x", {"label": "y"}, None])
    assert sm.number(figures, "deelnemers") == 3.0 and sm.number(figures, "gemeenten_nederland") is None
    assert sm.number(figures, "responspercentage") is None
    assert sm.number(figures, "lia_gereed") is None and sm.number(None, "deelnemers") is None  # declared, absent
    assert sm.number(figures, "alle_werken_samen") is None and sm.flag(figures, "alle_werken_samen") is True
    assert sm.flag(figures, "deelnemers") is None
    assert sm.labels(figures, "top_domeinen") == ["x", "y"] and sm.labels(figures, "deelnemers") is None
    assert sm.number({"deelnemers": None}, "deelnemers") is None  # a key figure registered as None altogether


def test_readers_refuse_undeclared_names():
    # A renamed or misspelt key figure fails loudly instead of silently leaving its sentence out.
    figures = kf(deelnemers=3)
    for read in (sm.entry, sm.value, sm.number, sm.flag, sm.labels):
        with pytest.raises(KeyError, match="'deelnemer' is not declared in report.yml"):
            read(figures, "deelnemer")
    with pytest.raises(KeyError, match="not declared"):
        sm.context(figures, "deelnemer", "jaar")
    with pytest.raises(KeyError, match="breed_beleid_<wave>"):
        sm.series(figures, "breed_beleid")
    assert sm.number(kf(functie_manager=4), "functie_manager") == 4.0  # a member of a declared family


def test_series_and_previous_year():
    assert sm.series(CH2, "breed_inclusiebeleid") == {2018: 50.0, 2019: 52.1, 2020: 53.7, 2021: 56.1, 2022: 63.1}
    assert sm.previous_year(CH1, "deelnemers_vorige_meting", None) == 2022
    assert sm.previous_year(CH4, "inhoud_geen_behoefte_vorig_pct", None) == 2022  # chapter 4 says "wave"
    assert sm.previous_year(kf(knelpunt_capaciteit_vorig_pct=1.0), "knelpunt_capaciteit_vorig_pct", 2020) == 2020


@pytest.mark.parametrize(("now", "before", "expected"), [
    (22.0, 16.0, "hoger"), (16.2, 21.0, "lager"), (75.8, 76.1, "gelijk"),  # 76 % and 76 % as shown
    (76.5, 76.4, "hoger"),  # 77 % against 76 % (half up)
    (None, 3.0, None), (3.0, None, None), (math.nan, 3.0, None),
])
def test_as_shown_uses_the_numbers_as_shown(now, before, expected):
    assert sm.as_shown(now, before) == expected


def test_as_shown_counts_exactly():
    assert sm.as_shown(201, 160, percentage=False) == "hoger"
    assert sm.as_shown(160.4, 160.0, percentage=False) == "hoger"


def test_a_change_between_waves_is_the_test_on_the_counts():
    # 40 of 100 against 20 of 100 differ at the 5 % level; 32 % against 30 % do not, though they differ as shown.
    counted = kf(lia_verkennend=(40.0, {"count": 40, "n": 100}), lia_verkennend_2022=(20.0, {"count": 20, "n": 100}))
    assert sm.tested(counted, "lia_verkennend_2022", "lia_verkennend") == "hoger"
    close = kf(lia_verkennend=(32.0, {"count": 32, "n": 100}), lia_verkennend_2022=(30.0, {"count": 30, "n": 100}))
    assert sm.as_shown(32.0, 30.0) == "hoger" and sm.tested(close, "lia_verkennend_2022", "lia_verkennend") == "gelijk"
    # The word of the chapter's own test, registered with the earlier figure, for this wave against it
    registered = kf(lia_verkennend=30.0, lia_verkennend_2022=(20.0, {"toets": "gelijk"}))
    assert sm.tested(registered, "lia_verkennend_2022", "lia_verkennend") == "gelijk"
    # ... but not between two earlier waves; and no test at all means no word (never the rounded shares)
    assert sm.tested(registered, "lia_verkennend_2022", "lia_verkennend", this_wave=False) is None
    assert sm.tested(kf(lia_verkennend=30.0, lia_verkennend_2022=20.0), "lia_verkennend_2022", "lia_verkennend") is None
    assert sm.tested(kf(lia_verkennend=None, lia_verkennend_2022=(20.0, {"toets": "hoger"})), "lia_verkennend_2022",
                     "lia_verkennend") is None


def test_labels_in_a_sentence():
    assert sm.inline("Toegankelijkheid van het onderwijs") == "de toegankelijkheid van het onderwijs"
    assert sm.inline("Betrekken van ervaringsdeskundigen") == "het betrekken van ervaringsdeskundigen"
    assert sm.inline("OV-chipkaart") == "OV-chipkaart"
    assert sm.join_labels(sm.labels(CH3, "minste_aandacht_domeinen")) == \
        "de toegankelijkheid van het onderwijs, het openbaar vervoer en de arbeidsmarkt"
    assert sm.join_labels(sm.labels(CH3, "top_domeinen")) == (
        "het betrekken van (vertegenwoordigers van) mensen met een beperking, de toegankelijkheid van "
        "communicatie-uitingen en de fysieke toegankelijkheid van openbare gebouwen")


# --------------------------------------------------------------------------------------------------------------------
# Sentences


def test_the_2023_summary_statements():
    summary = all_sentences(CH1, CH2, CH3, CH4)
    for expected in (
        "Sinds 2018 brengt Movisie samen met de VNG elk jaar in beeld",
        "Meer dan de helft van de gemeenten neemt deel aan deze flitspeiling: 201 van de 342 gemeenten (59 %).",
        "De respons is dit jaar hoger dan vorig jaar: 201 gemeenten, tegen 160 in 2022.",
        "in 30 % van de gemeenten die de flitspeiling ingevuld hebben een Lokale Inclusie Agenda (LIA) wordt uitgevoerd",
        "Nog eens 8 % heeft de LIA vastgesteld", "nog eens 15 % is bezig met de ontwikkeling van de LIA",
        "In totaal heeft dus 53 % van de gemeenten", "Het zijn met name de grotere gemeenten",
        "Zeven jaar na de ratificatie",
        # 135 of 201 against 101 of 160: not a significant change (the published report read "weer meer" off 67 % and
        # 63 %)
        "niet significant is veranderd ten opzichte van vorig jaar: 67 %, tegen 63 % in 2022",
        "Ongeveer twee derde van de gemeenten (67 %)",
        "Drie domeinen waar gemeenten bijzonder veel aandacht voor hebben zijn: het betrekken van",
        "relatief minder aandacht voor: tussen 61 % en 66 %",
        "weinig of geen aandacht te hebben voor de toegankelijkheid van het onderwijs, het openbaar vervoer en de "
        "arbeidsmarkt",
        "Opvallend genoeg geeft 11 % van alle gemeenten aan dat zij níet samenwerken",
        "Positief is dat alle gemeenten", "De Wmo-raad wordt door meer dan de helft van de gemeenten (62 %)",
        "21 % van de gemeenten aan cliëntenorganisaties niet te betrekken", "zegt 13 % belangenorganisaties",
        "‘Benodigde uitvoeringscapaciteit’ is het meest genoemde knelpunt", "Dat is net als vorig jaar 76 %.",
        "Zowel grote als kleine gemeenten geven dit aan: van de gemeenten met minder dan 25.000 inwoners noemt 80 % "
        "dit een groot of zeer groot knelpunt, van de grotere gemeenten 74 %.",
        "Voor elk van deze domeinen heeft tussen 72 % en 76 % van de gemeenten veel of heel veel aandacht.",
        "Vergeleken met 2022 worden het betrekken van ervaringsdeskundigen en belangenorganisaties en onduidelijkheid "
        "over wat volgens het VN-verdrag Handicap wettelijk verplicht",
        "Ten opzichte van vorig jaar zien we dat meer gemeenten behoefte hebben aan ondersteuning.",
        "Vooral zegt een kleiner deel van de gemeenten géén behoefte te hebben aan inhoudelijke ondersteuning (16 %, "
        "tegen 21 % in 2022) en wenst een groter deel uitleg over het VN-verdrag Handicap (22 %, tegen 16 % in 2022).",
        "Waarschijnlijk komt dit doordat er dit jaar meer ‘beginnende’ gemeenten", "Dat is een interpretatie",
        "Een groter deel van de deelnemers dan vorig jaar zit nog in de eerste, verkennende fase: 23 %, tegen 16 %",
    ):
        assert expected in summary, expected


def test_respons_directions_come_from_the_numbers():
    lower = kf(deelnemers=160, gemeenten_nederland=344, responspercentage=46.5,
               deelnemers_vorige_meting=(173, {"jaar": 2021}))
    said = text(sm.respons(lower, 2022))
    assert "lager dan vorig jaar: 160 gemeenten, tegen 173 in 2021" in said and "hoger" not in said
    assert said.startswith("Meer dan een derde van de gemeenten neemt deel")
    same = kf(deelnemers=150, deelnemers_vorige_meting=(150, {"jaar": 2020}))
    assert "evenveel gemeenten mee als in 2020" in text(sm.respons(same, 2022))
    first = kf(deelnemers=94, gemeenten_nederland=380, responspercentage=24.7, deelnemers_vorige_meting=None)
    said = text(sm.respons(first, 2018))
    assert "94 van de 380" in said and "vorig" not in said and "None" not in said


def test_respons_highest_so_far_only_with_the_earlier_counts():
    assert "hoogste" not in text(sm.respons(CH1, 2023))  # chapter 1 registers no counts per wave (yet)
    series = dict(CH1, deelnemers_2018={"value": 94}, deelnemers_2021={"value": 173}, deelnemers_2022={"value": 160})
    assert "Het is het hoogste aantal deelnemers sinds de eerste flitspeiling in 2018." in text(sm.respons(series, 2023))
    higher_before = dict(series, deelnemers_2021={"value": 210})
    assert "hoogste" not in text(sm.respons(higher_before, 2023))


def test_lia_rounding_note_and_plan_van_aanpak():
    odd = kf(lia_uitgevoerd=10.4, lia_gereed=10.4, lia_ontwikkelen=10.4, lia_in_ontwikkeling_of_uitvoering=31.2,
             lia_verkennend=40.0)
    said = text(sm.lia(odd, 2019, plan_van_aanpak=True))
    assert "31 %" in said and "door afronding" in said  # 10 + 10 + 10 = 30, shown total 31
    assert "een plan van aanpak voor de uitvoering van het VN-verdrag Handicap wordt uitgevoerd" in said
    assert "LIA" not in said and "Drie jaar na de ratificatie" in said
    assert "door afronding" not in text(sm.lia(CH2, 2023))
    assert sm.lia({}, 2023) == []


def test_lia_few_implementers_are_counted_not_shared():
    few = kf(lia_uitgevoerd=3.2, uitvoerders_25k_of_meer=(100.0, {"n": 3}))
    said = text(sm.lia(few, 2018, plan_van_aanpak=True))
    assert "Van de drie gemeenten die een plan van aanpak uitvoeren, hebben er drie 25.000 inwoners of meer." in said
    assert "met name de grotere gemeenten" not in said


def test_capacity_is_not_repeated_in_the_obstacles_named_more_often():
    rising = kf(knelpunt_capaciteit_pct=83.0, knelpunt_capaciteit_vorig_pct=(78.0, {"wave": 2020, "toets": "hoger"}),
                knelpunten_vaker_dan_vorig=(["Benodigde uitvoeringscapaciteit"], {"wave": 2020}))
    said = text(sm.knelpunten(rising, 2021))
    assert "Dat is meer dan vorig jaar, toen 78 %." in said and "Vergeleken met" not in said


def test_one_year_after_ratification_is_een_not_een_with_accents():
    said = text(sm.lia(kf(lia_uitgevoerd=1.0), 2017))
    assert "Één jaar na de ratificatie" in said and "Eén" not in said


def test_lia_no_ratification_sentence_when_most_carry_it_out():
    assert "ratificatie van het VN-verdrag Handicap is" not in text(sm.lia(kf(lia_uitgevoerd=55.0), 2030))


def test_breedte_lower_and_first_wave():
    lower = kf(breed_inclusiebeleid=55.0, breed_inclusiebeleid_2020=(60.0, {"toets": "lager"}))
    said = text(sm.breedte(lower, 2021))
    assert "minder gemeenten dan vorig jaar" in said and "trend" not in said
    first = text(sm.breedte(kf(breed_inclusiebeleid=50.0), 2018))
    assert first == ("Kijkend naar de inhoud van het inclusiebeleid zien we dat ongeveer de helft van de gemeenten "
                     "(50 %) zich niet richt op één specifieke doelgroep, maar een breed inclusiebeleid heeft, gericht "
                     "op alle burgers.")
    once = text(sm.breedte(kf(breed_inclusiebeleid=56.0, breed_inclusiebeleid_2020=(54.0, {"toets": "hoger"})), 2021))
    assert "stellen we vast dat meer gemeenten" in once and "weer" not in once and "trend" not in once
    untested = text(sm.breedte(kf(breed_inclusiebeleid=56.0, breed_inclusiebeleid_2020=54.0), 2021))
    assert untested == first.replace("ongeveer de helft", "meer dan de helft").replace("50 %", "56 %")


def test_breedte_a_trend_needs_the_tests_between_the_earlier_waves():
    def share(count, n):
        return (100 * count / n, {"count": count, "n": n})
    rising = kf(breed_inclusiebeleid=share(160, 200), breed_inclusiebeleid_2020=share(60, 200),
                breed_inclusiebeleid_2021=share(90, 200), breed_inclusiebeleid_2022=share(120, 200))
    said = text(sm.breedte(rising, 2023))
    assert "ook dit jaar vast dat weer meer gemeenten een breed inclusiebeleid" in said
    assert "Deze trend uit de afgelopen jaren zet zich dus voort: in 2020 ging het om 30 %." in said
    flat_before = dict(rising, breed_inclusiebeleid_2021={"value": 59.0, "text": "", "count": 118, "n": 200})
    said = text(sm.breedte(flat_before, 2023))  # 59 % against 60 %: no rise the year before, so no "weer"
    assert "stellen we vast dat meer gemeenten" in said and "weer" not in said and "trend" not in said


def test_domeinen_small_municipalities_compared_with_all():
    more = kf(top_domeinen=["Houding ten opzichte van mensen met een beperking"], top_domeinen_min_pct=60.0,
              top_domeinen_max_pct=60.0, top_domeinen_klein_min_pct=70.0, top_domeinen_klein_max_pct=72.0)
    said = text(sm.domeinen(more, 10_000))
    assert "Het domein waar gemeenten de meeste aandacht voor hebben is de houding" in said
    assert "60 % van de gemeenten" in said and "relatief meer aandacht voor: tussen 70 % en 72 %" in said
    assert "minder dan 10.000 inwoners" in said
    overlap = dict(CH3, top_domeinen_klein_max_pct={"value": 74.0, "text": ""})
    assert "Bij kleine gemeenten (minder dan 25.000 inwoners) is dat tussen 61 % en 74 %." in text(sm.domeinen(overlap))


def test_knelpunten_changes_and_empty_list():
    changed = dict(CH3, knelpunt_capaciteit_vorig_pct={"value": 70.0, "text": "70 %", "jaar": 2022, "toets": "hoger"},
                   knelpunten_vaker_dan_vorig={"value": [], "text": "", "jaar": 2022, "verschil": 5},
                   knelpunt_capaciteit_klein_pct={"value": 40.0, "text": "40 %"},
                   knelpunt_capaciteit_pct={"value": 75.8, "text": "76 %"})
    said = text(sm.knelpunten(changed, 2023, 2022, most_named=None))
    assert "Dat is meer dan vorig jaar, toen 70 %." in said
    assert "Vergeleken met 2022 wordt geen knelpunt duidelijk vaker (5 procentpunt of meer) genoemd." in said
    assert "Van de gemeenten met minder dan 25.000 inwoners noemt 40 % dit een groot of zeer groot knelpunt." in said
    assert "meest genoemde" not in said and said.startswith("Van de gemeenten noemt 76 %")
    detailed = dict(CH3, knelpunten_vaker_dan_vorig={"value": [{"label": "Conflicterende regelgeving", "pct": 13.0,
                                                                "vorig_pct": 9.0}], "text": "", "jaar": 2021})
    assert "Vergeleken met 2021 wordt conflicterende regelgeving (13 %, tegen 9 %) vaker als knelpunt genoemd." in \
        text(sm.knelpunten(detailed, 2023, 2022))
    in_context = dict(CH3, knelpunten_vaker_dan_vorig={
        "value": ["Conflicterende regelgeving"], "text": "", "wave": 2022,
        "details": [{"label": "Conflicterende regelgeving", "pct": 13.0, "vorig_pct": 9.0}]})
    assert "Vergeleken met 2022 wordt conflicterende regelgeving (13 %, tegen 9 %) vaker" in \
        text(sm.knelpunten(in_context, 2023))


def test_rest_share():
    assert sm.rest_share(75.84, 178, 80.0, 50) == pytest.approx(74.22, abs=0.01)  # 135 of 178, 40 of 50: 95 of 128
    assert sm.rest_share(75.0, None, 80.0, 50) is None and sm.rest_share(75.0, 50, 80.0, 50) is None


def test_capacity_most_named_from_the_table_ranking():
    plain = dict(CH3, knelpunt_capaciteit_pct={"value": 75.8, "text": "76 %"})
    assert sm.capaciteit_meest_genoemd(plain, [("capaciteit", 76), ("stakeholders", 30)]) is True
    assert sm.capaciteit_meest_genoemd(plain, [("stakeholders", 80), ("capaciteit", 76)]) is False
    assert sm.capaciteit_meest_genoemd(plain, [("capaciteit", 76), ("kennis", 76)]) is False  # a tie is no "most"
    assert sm.capaciteit_meest_genoemd(plain, None) is None
    assert sm.capaciteit_meest_genoemd(CH3) is True  # rank=1 registered with the key figure


def test_ranked_items_reads_the_chapter_parts(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"items": [{"id": "knelpunten", "kind": "tabel", "number": 4}]}))
    (tmp_path / "cijfers.csv").write_text(
        "table,item,group,n,count,pct,question,answer\n"
        "tabel_4,capaciteit,alle,178,135,76,obstacles,\ntabel_4,capaciteit,klein,45,36,80,obstacles,\n"
        "tabel_4,kennis,alle,178,44,25,obstacles,\ntabel_3,wmo_raad,alle,179,111,62,partners,\n")
    assert sm.ranked_items(tmp_path, "knelpunten") == [("capaciteit", 76.0), ("kennis", 25.0)]
    assert sm.ranked_items(tmp_path, "domeinen") is None
    assert sm.ranked_items(tmp_path / "nowhere", "knelpunten") is None


def test_support_without_more_need_has_no_interpretation():
    less = kf(inhoud_geen_behoefte_pct=25.0, inhoud_geen_behoefte_vorig_pct=(21.0, {"wave": 2022, "toets": "hoger"}),
              inhoud_uitleg_verdrag_pct=15.0, inhoud_uitleg_verdrag_vorig_pct=(16.0, {"wave": 2022, "toets": "gelijk"}),
              meer_behoefte_dan_vorig=(False, {"wave": 2022}))
    said = text(sm.ondersteuning(less, 2023))
    assert "niet toegenomen" in said and "Een groter deel van de gemeenten zegt géén behoefte" in said
    assert "Vooral" not in said and "een niet significant kleiner deel wenst uitleg" in said
    assert sm.beginnende_gemeenten(CH1, CH2, less, 2023) == []


def test_interpretation_needs_every_condition():
    assert sm.beginnende_gemeenten(CH1, CH2, CH4, 2023)
    fewer = dict(CH1, deelnemers={"value": 150, "text": "150"})
    assert sm.beginnende_gemeenten(fewer, CH2, CH4, 2023) == []
    settled = dict(CH2, lia_verkennend={"value": 15.0, "text": "15 %"},
                   lia_verkennend_2022={"value": 16.25, "text": "16 %", "toets": "gelijk"})
    assert sm.beginnende_gemeenten(CH1, settled, CH4, 2023) == []
    assert sm.beginnende_gemeenten(CH1, CH2, {}, 2023) == []


def test_support_first_wave_states_the_need():
    said = text(sm.ondersteuning(kf(inhoud_specifieke_voorbeelden_pct=58.0, inhoud_geen_behoefte_vorig_pct=None), 2018))
    assert said == "Aan specifieke voorbeelden van invulling op beleidsvelden heeft 58 % van de gemeenten behoefte."


def test_inleiding_first_and_later_waves():
    assert "voor het eerst" in text(sm.inleiding(2018, [2018, 2019]))
    assert "Sinds 2018 brengt Movisie samen met de VNG in beeld" in text(sm.inleiding(2024, [2018, 2020, 2024]))


def _variants():
    """Every key figure in turn absent, None, or registered as None altogether."""
    chapters = {"ch1": CH1, "ch2": CH2, "ch3": CH3, "ch4": CH4}
    for chapter, figures in chapters.items():
        for name in figures:
            for how in ("absent", "none", "entry_none"):
                changed = dict(figures)
                if how == "absent":
                    del changed[name]
                elif how == "none":
                    changed[name] = dict(changed[name], value=None)
                else:
                    changed[name] = None
                yield pytest.param({**chapters, chapter: changed}, id=f"{name}-{how}")


@pytest.mark.parametrize("chapters", list(_variants()))
def test_no_none_or_nan_ever_printed(chapters):
    said = all_sentences(chapters["ch1"], chapters["ch2"], chapters["ch3"], chapters["ch4"])
    assert not re.search(r"\bNone\b|\bnan\b|–|\{|\}", said), said


def test_empty_chapters_give_no_sentences():
    for function in (lambda: sm.respons({}, 2023), lambda: sm.verkennend_vergelijking({}, 2023),
                     lambda: sm.lia({}, 2023), lambda: sm.breedte({}, 2023), lambda: sm.domeinen({}),
                     lambda: sm.partners({}), lambda: sm.knelpunten({}, 2023, 2022), lambda: sm.ondersteuning({}, 2023),
                     lambda: sm.beginnende_gemeenten({}, {}, {}, 2023)):
        assert function() == []
    assert sm.paragraph([], []) == ""


# --------------------------------------------------------------------------------------------------------------------
# Loading the chapters' parts


def _write_manifest(root: Path, stem: str, year: int, key_figures: dict) -> None:
    (root / stem).mkdir(parents=True, exist_ok=True)
    (root / stem / "manifest.json").write_text(json.dumps({"year": year, "items": [], "key_figures": key_figures}),
                                               encoding="utf-8")


def _notebooks(tmp_path: Path, stems) -> Path:
    directory = tmp_path / "notebooks"
    directory.mkdir(exist_ok=True)
    for stem in stems:
        (directory / f"{stem}.ipynb").write_text("{}", encoding="utf-8")
    return directory


def test_load_key_figures_skips_chapters_not_written_yet(tmp_path):
    parts = tmp_path / "parts"
    _write_manifest(parts, "01_achtergrond", 2023, CH1)
    _write_manifest(parts, "02_reikwijdte_fase", 2023, CH2)
    notebooks = _notebooks(tmp_path, ["01_achtergrond", "02_reikwijdte_fase"])
    figures = sm.load_key_figures(2023, parts, notebooks_dir=notebooks)
    assert set(figures) == {"achtergrond", "reikwijdte_fase"} and figures.of("inhoud") == {}
    assert [spec.number for spec in figures.absent] == [3, 4, 5]
    note = sm.absent_note(figures.absent)
    assert "hoofdstuk 3 (Inhoud lokaal inclusiebeleid), hoofdstuk 4 (Ondersteuning) en hoofdstuk 5" in note


def test_load_key_figures_names_the_missing_part_and_the_make_target(tmp_path):
    parts = tmp_path / "parts"
    _write_manifest(parts, "01_achtergrond", 2023, CH1)
    notebooks = _notebooks(tmp_path, ["01_achtergrond", "02_reikwijdte_fase"])
    with pytest.raises(sm.MissingParts) as error:
        sm.load_key_figures(2023, parts, notebooks_dir=notebooks)
    message = str(error.value)
    assert "02_reikwijdte_fase/manifest.json" in message and "Reikwijdte en fase" in message
    assert "make build/2023/notebooks/02_reikwijdte_fase.ipynb" in message
    _write_manifest(parts, "02_reikwijdte_fase", 2022, CH2)
    with pytest.raises(sm.MissingParts, match="of 2022, not of 2023"):
        sm.load_key_figures(2023, parts, notebooks_dir=notebooks)


def test_default_parts_root():
    assert sm.default_parts_root(2023, "/x/parts") == Path("/x/parts")
    assert sm.default_parts_root(2023, "", "/y/parts/06_samenvatting") == Path("/y/parts")
    assert sm.default_parts_root(2023) == sm.BUILD_DIR / "2023" / "parts"


# --------------------------------------------------------------------------------------------------------------------
# The notebook


def test_one_heading_summary_and_conclusion():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    headings = [line for cell in notebook["cells"] if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if line.startswith("# ")]
    assert headings == ["# Samenvatting en conclusie"]


def _outputs(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    texts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append("".join(data.get("text/markdown") or data.get("text/html") or output.get("text") or ""))
    return "\n".join(texts).replace(NBSP, " ")


def test_notebook_on_fake_manifests(tmp_path):
    from helpers import PROCESSED_DIR

    if not (PROCESSED_DIR / "2023" / "responses.parquet").is_file():
        pytest.skip("no processed 2023 data (make data)")
    parts = tmp_path / "parts"
    outline = load_outline()
    sparse_ch3 = {name: entry for name, entry in CH3.items() if not name.startswith("knelpunt")}
    sparse_ch3["wmo_raad_pct"] = {"value": None, "text": "niet gevraagd"}
    figures = {"achtergrond": CH1, "reikwijdte_fase": CH2, "inhoud": sparse_ch3, "ondersteuning": CH4,
               "aanvullingen": {}}
    for spec in outline.chapters:
        if spec.number is not None:
            _write_manifest(parts, spec.stem, 2023, figures[spec.slug])
    output = tmp_path / "out.ipynb"
    notebook_runs.execute(NOTEBOOK, output, year=2023, parts_dir=str(parts / "06_samenvatting"))
    shown = _outputs(output)
    assert "De respons is dit jaar hoger dan vorig jaar" in shown and "53 %" in shown
    assert "Opvallend genoeg geeft 11 %" in shown and "Wmo-raad wordt" not in shown
    assert "uitvoeringscapaciteit" not in shown
    assert "Waarschijnlijk komt dit doordat" in shown
    assert not re.search(r"\bNone\b|\bnan\b", shown)
    if all((NOTEBOOK.parent / spec.notebook).is_file() for spec in outline.chapters if spec.number is not None):
        assert "onvolledig" not in shown
    manifest = json.loads((parts / "06_samenvatting" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["items"] == [] and manifest["key_figures"] == {} and manifest["slug"] == "samenvatting"
