"""The rules chapter 3 (notebooks/03_inhoud.ipynb) follows, on small made-up tables: the shared phrase rules it moved
into helpers.report.text and its own rules in helpers.report.chapters.content."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.core import formatting as fmt
from helpers.report import text as tekst
from helpers.report.chapter import Chapter
from helpers.report.chapters import content

NBSP = "\u00a0"


def matrix(rows: list[tuple]) -> pd.DataFrame:
    """A matrix_table as helpers.analysis.tables makes it: rows (item, label, count_alle, n_alle, count_klein,
    n_klein), in that order, percentages computed."""
    frame = pd.DataFrame(rows, columns=["item", "label", "count_alle", "n_alle", "count_klein", "n_klein"])
    frame["pct_alle"] = 100 * frame["count_alle"] / frame["n_alle"]
    frame["pct_klein"] = 100 * frame["count_klein"] / frame["n_klein"]
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def tidy(rows: list[tuple]) -> pd.DataFrame:
    """A group_share result: rows (group, item, count, n)."""
    frame = pd.DataFrame(rows, columns=["group", "item", "count", "n"])
    frame["pct"] = 100 * frame["count"] / frame["n"]
    return frame


class FakeChapter:
    """Collects what a helper shows, as helpers.report.chapter.Chapter would."""

    def __init__(self):
        self.shown = []

    def text(self, markdown):
        self.shown.append(("text", markdown))

    def note(self, text):
        self.shown.append(("note", text))


# --------------------------------------------------------------------------------------------------------------------
# Shared phrase rules (helpers.report.text)


@pytest.mark.parametrize("label, expected", [
    ("Toegankelijkheid van het onderwijs", "toegankelijkheid van het onderwijs"),
    ("VNG-onderwerpen", "VNG-onderwerpen"),
    ("LIA uitvoeren", "LIA uitvoeren"),
    ("VN-verdrag Handicap", "VN-verdrag Handicap"),
    ("Wmo-raad of een andere consulterende burgerraad", "Wmo-raad of een andere consulterende burgerraad"),
    ("Bouwbesluit en monumenten", "Bouwbesluit en monumenten"),
    ("Omgevingsvisie positioneren", "Omgevingsvisie positioneren"),
    ("(Afvaardiging) cliëntenorganisaties", "(afvaardiging) cliëntenorganisaties"),
    ("‘Niets over ons’ als motto", "‘niets over ons’ als motto"),
    ("Welke  knelpunten\nervaren gemeenten?", "welke knelpunten ervaren gemeenten?"),
])
def test_in_sentence_lowercases_all_but_names_and_abbreviations(label, expected):
    assert tekst.in_sentence(label) == expected


def test_rounded_is_the_one_rounding_rule():
    for value in (0.5, 2.5, 14.5, 38.5, 66.5, 66.49, 99.5, 100 * 77 / 172):
        assert tekst.rounded(value) == fmt.rounded_pct(value) == fmt.round_half_up(value)
    assert tekst.rounded(66.5) == 67 and tekst.rounded(None) is None


def test_rank_as_shown_orders_by_the_rounded_share_with_ties_in_questionnaire_order():
    shares = {"a": 38.6, "b": 39.4, "c": 38.5, "d": None, "e": 50.0, "f": 38.4}
    # a, b and c all read 39 % (38.5 half up): the questionnaire order decides, not the unrounded share; f reads 38 %;
    # a missing share goes last
    assert tekst.rank_as_shown(shares, ["f", "a", "b", "c", "d", "e"]) == ["e", "a", "b", "c", "f", "d"]
    assert tekst.rank_as_shown(shares, ["c", "b", "a", "e", "d", "f"]) == ["e", "c", "b", "a", "f", "d"]


def test_sorted_as_shown_renumbers_the_table():
    table = matrix([("x", "X", 10, 100, 1, 10), ("y", "Y", 30, 100, 3, 10), ("z", "Z", 30, 101, 3, 10)])
    result = tekst.sorted_as_shown(table)
    assert list(result["item"]) == ["y", "z", "x"]
    assert list(result["rank"]) == [1, 2, 3] and list(result.columns)[0] == "rank"


def test_top_three_is_clear_only_when_the_third_is_ahead_of_the_fourth():
    codes = ["a", "b", "c", "d"]
    assert tekst.top_three({"a": 70, "b": 60, "c": 50, "d": 40}, codes) == (["a", "b", "c"], True)
    top, clear = tekst.top_three({"a": 70, "b": 60, "c": 50.2, "d": 49.6}, codes)
    assert top == ["a", "b", "c"] and not clear  # 50 % and 50 % as shown
    assert tekst.top_three({"a": 1, "b": 2}, ["a", "b"]) == (["b", "a"], True)


def test_share_range():
    assert tekst.share_range([75.2, 74.6]) == f"75{NBSP}%"
    assert tekst.share_range([66.0, 61.4, 63.0]) == f"tussen de 61{NBSP}% en 66{NBSP}%"


def test_quote_shower_never_shows_a_quote_twice_and_notes_once():
    chapter = FakeChapter()
    texts = ["Eerste antwoord over toegankelijkheid van het gemeentehuis en de website.",
             "Tweede antwoord: we werken samen met de adviesraad aan toegankelijkheid.",
             "Derde antwoord: er is te weinig budget voor aanpassingen aan gebouwen."]
    shower = tekst.QuoteShower(chapter, seed_prefix="2023", note="Over de citaten.")
    first = shower.show(texts, None, 2, "een")
    second = shower.show(texts, None, 2, "twee")
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert [kind for kind, _ in chapter.shown] == ["text", "note", "text"]
    assert all(line.startswith("> ‘") for kind, block in chapter.shown if kind == "text"
               for line in block.split("\n\n"))
    assert shower.show(texts, None, 2, "drie") == [] and len(chapter.shown) == 3


# --------------------------------------------------------------------------------------------------------------------
# Chapter 3 rules (helpers.report.chapters.content)


def test_quote_count_grows_with_the_municipalities():
    assert [content.quote_count(n) for n in (1, 4, 5, 14, 15, 100)] == [1, 1, 2, 2, 3, 3]


def test_small_differences_use_the_shares_as_shown():
    table = matrix([("a", "A", 50, 100, 11, 20),    # 50 % against 55 %: 5 points more
                    ("b", "B", 50, 100, 9, 20),     # 45 %: 5 points fewer
                    ("c", "C", 505, 1000, 11, 20)])  # 50.5 -> 51 % against 55 %: 4 points, not named
    more, fewer = content.small_differences(table)
    assert (more, fewer) == (["a"], ["b"])
    assert content.point_range(table, ["a", "b", "c"]) == "4 tot 5"


def test_top_domains_small_compares_the_shares_as_shown():
    labels = {"a": "Domein A", "b": "Domein B", "c": "Domein C", "d": "Domein D"}
    order = ["a", "b", "c", "d"]
    everyone = [("alle", "a", 160, 200), ("alle", "b", 150, 200), ("alle", "c", 140, 200), ("alle", "d", 20, 200)]
    # lower as shown (65 % against 80 %, …): small municipalities are part of all, so no two-sample test
    small = tidy(everyone + [("klein", "a", 13, 20), ("klein", "b", 12, 20), ("klein", "c", 11, 20),
                             ("klein", "d", 1, 20)])
    sentence = content.top_domains_small(small, labels, order, 25000)
    assert sentence.startswith("Hoewel alle gemeenten dezelfde top drie hebben, scoort de aandacht voor deze "
                               "domeinen bij kleinere gemeenten onder de 25.000 inwoners wat minder hoog.")
    same = tidy(everyone + [("klein", "a", 16, 20), ("klein", "b", 15, 20), ("klein", "c", 14, 20),
                            ("klein", "d", 2, 20)])
    assert "vergelijkbaar" in content.top_domains_small(same, labels, order, 25000)
    many = tidy(everyone + [("klein", "a", 260, 400), ("klein", "b", 240, 400), ("klein", "c", 220, 400),
                            ("klein", "d", 10, 400)])
    assert "wat minder hoog" in content.top_domains_small(many, labels, order, 25000)


def test_top_domains_then_says_not_significant_when_the_test_finds_no_change():
    labels = {"a": "A", "b": "B", "c": "C", "d": "D"}
    now = tidy([("alle", c, k, 100) for c, k in zip("abcd", (70, 66, 64, 20), strict=True)])
    before = tidy([("alle", c, k, 100) for c, k in zip("abcd", (65, 63, 61, 20), strict=True)])
    result = content.top_domains_then(now, before, labels, ["a", "b", "c", "d"], 2022, 2023)
    assert result.significance_note and not result.all_lower
    assert result.sentences[0].startswith("Deze resultaten stemmen overeen")
    assert result.sentences[1].endswith("die verschillen zijn niet significant.")
    same = content.top_domains_then(now, now, labels, ["a", "b", "c", "d"], 2022, 2023)
    assert same.sentences[1] == f"Ook de percentages waren vorig jaar gelijk (tussen de 64{NBSP}% en 70{NBSP}%)."
    higher_before = tidy([("alle", c, k, 1000) for c, k in zip("abcd", (900, 900, 900, 20), strict=True)])
    assert content.top_domains_then(now, higher_before, labels, list("abcd"), 2022, 2023).all_lower


def test_most_named_obstacle_then_uses_the_shared_comparison():
    table = matrix([("cap", "Capaciteit", 133, 177, 40, 50), ("kennis", "Kennis", 40, 177, 10, 50)])
    before = tidy([("alle", "cap", 111, 148), ("alle", "kennis", 30, 148)])
    sentence = content.most_named_then(table, before, 2022, 2023)
    assert sentence == ("Het percentage gemeenten dat dit als een groot of zeer groot knelpunt ervaart, bedraagt "
                        f"net als vorig jaar 75{NBSP}%.")
    lower_before = tidy([("alle", "cap", 100, 148), ("alle", "kennis", 30, 148)])
    sentence = content.most_named_then(table, lower_before, 2022, 2023)
    assert sentence.endswith("ervaart, is " + tekst.compared_phrase((133, 177), (100, 148), 2022) + ".")
    assert "niet significant hoger dan in 2022" in sentence


def test_obstacles_then_names_only_changes_the_test_finds():
    table = matrix([("a", "Eerste", 150, 200, 1, 10), ("b", "Tweede", 120, 200, 1, 10), ("c", "Derde", 58, 200, 1, 10)])
    before = tidy([("alle", "a", 150, 200), ("alle", "b", 60, 200), ("alle", "c", 48, 200)])
    changes = content.obstacles_then(table, before, 2022, 2023)
    assert changes.more == ["b"] and changes.fewer == []  # 29 % against 24 %: within noise
    assert changes.sentences[1].startswith("Werd ‘tweede’ vorig jaar door 30")
    assert changes.sentences[-1] == "Bij de andere knelpunten is het verschil met vorig jaar niet significant."
    same = tidy([("alle", "a", 150, 200), ("alle", "b", 120, 200), ("alle", "c", 58, 200)])
    none = content.obstacles_then(table, same, 2022, 2023)
    assert none.sentences == ["Alle knelpunten worden ongeveer even vaak genoemd als vorig jaar: de verschillen zijn "
                              "niet significant."]


def test_most_named_obstacle_far_ahead_and_ties():
    far = matrix([("a", "Benodigde capaciteit", 150, 200, 8, 10), ("b", "Kennis", 50, 200, 1, 10)])
    assert content.most_named_obstacle(far, 5) == [
        "Verreweg het meest genoemde knelpunt is de ‘benodigde capaciteit’.",
        "Dat geldt zowel voor alle gemeenten als voor kleine gemeenten."]
    tie = matrix([("a", "Punt een", 100, 200, 1, 10), ("b", "Punt twee", 101, 201, 5, 10)])
    assert content.most_named_obstacle(tie, 50) == [f"De meest genoemde knelpunten zijn ‘punt een’ en ‘punt twee’ "
                                                    f"(elk 50{NBSP}%)."]


def test_most_named_before():
    table = matrix([("a", "A", 150, 200, 8, 10), ("b", "B", 50, 200, 1, 10)])
    always = {2021: pd.Series({"a": 70.0, "b": 10.0}), 2022: pd.Series({"a": 60.0, "b": 20.0})}
    assert content.most_named_before(table, always) == "Dit resultaat komt jaarlijks terug (sinds 2021)."
    assert content.most_named_before(table, {2022: pd.Series({"a": 20.0, "b": 30.0})}) == "In 2022 stond ‘b’ bovenaan."
    assert content.most_named_before(table, {}) == ""


def test_organisations_not_involved_says_zelfs_only_when_the_small_share_is_higher():
    table = matrix([("clientenorganisaties", "C", 40, 200, 10, 50), ("belangenorganisaties", "B", 26, 200, 6, 50)])
    # 12 % of small against 13 % of all: not higher
    assert content.organisations_not_involved(table, 5).endswith(
        f"Bij kleinere gemeenten is dat 20{NBSP}% en 12{NBSP}%.")
    table.loc[1, ["count_klein", "pct_klein"]] = [25, 50.0]
    assert content.organisations_not_involved(table, 5).endswith(
        f"Dat laatste is bij kleinere gemeenten zelfs in 50{NBSP}% het geval.")
    table.loc[1, "n_klein"] = 4
    assert "kleinere" not in content.organisations_not_involved(table, 5)


def test_partners_not_involved_and_without_partner():
    table = matrix([("kennis", "Kennisinstituten", 50, 200, 30, 50), ("wmo_raad", "Wmo-raad", 10, 200, 2, 50)])
    names = {"kennis": "kennisinstituten", "wmo_raad": "de Wmo-raad"}
    assert content.partners_not_involved(table, names, 200, 0, 5) == [
        "Alle gemeenten werken samen met een of meer partners.",
        "Sommige partijen in het lijstje worden niet betrokken door sommige gemeenten.",
        f"Zo werkt 25{NBSP}% van alle en 60{NBSP}% van de kleine gemeenten niet samen met kennisinstituten."]
    assert content.partners_not_involved(table, names, 200, 1, 5)[0] == \
        f"1 gemeente (1{NBSP}%) betrekt geen enkele van deze partijen."


def test_partners_sentences_over_half_and_small_differences():
    table = matrix([("wmo_raad", "Wmo-raad", 120, 200, 30, 50), ("belangenorganisaties", "B", 110, 200, 20, 50),
                    ("kennis", "K", 40, 200, 15, 50)])
    names = content.partner_names(dict(zip(table["item"], table["label"], strict=True)))
    assert names["wmo_raad"] == "de Wmo-raad" and names["kennis"] == "k"
    assert content.partners_sentences(table, names, 5) == [
        "Meer dan de helft van de respondenten betrekt ook belangenorganisaties veel of zeer veel.",
        f"Bij kleine gemeenten is dat 40{NBSP}% voor belangenorganisaties.",
        f"Kleinere gemeenten geven vaker aan dat ze veel of zeer veel samenwerken met k (30{NBSP}% tegenover "
        f"20{NBSP}%).",
        f"Minder vaak doen ze dat met belangenorganisaties (40{NBSP}% tegenover 55{NBSP}%)."]


def test_vng_topics_and_no_attention():
    table = tekst.sorted_as_shown(matrix([(c, f"Onderwerp {c}", k, 100, s, 20) for c, k, s in (
        ("a", 70, 10), ("b", 60, 11), ("c", 50, 9), ("d", 40, 7), ("e", 30, 5), ("f", 20, 3), ("g", 10, 3))]))
    sentences = content.vng_topics_sentences(table, table, 2022, 2023, small_shown=True)
    assert sentences[0].startswith("Uit de tabel blijkt dat ‘onderwerp a’, ‘onderwerp b’ en ‘onderwerp c’ het hoogst")
    assert sentences[1] == "Dezelfde drie onderwerpen stonden vorig jaar bovenaan."
    assert sentences[2].startswith("Kleine gemeenten scoren bij zes van de zeven onderwerpen lager") \
        and "‘onderwerp g’ (15" in sentences[2]
    no_attention = pd.Series({"a": 20.0, "b": 21.0, "c": 3.0, "samenwerken": 30.0})
    labels = {c: f"Onderwerp {c}" for c in no_attention.index}
    assert "ongeveer 1 op de 5" in content.no_attention_sentence(no_attention, labels)
    assert "samenwerken" not in content.no_attention_sentence(no_attention, labels)
    assert content.no_attention_sentence(pd.Series({"a": 3.0, "b": 4.0}), labels).startswith(
        f"Het grootste aandeel gemeenten dat helemaal geen aandacht heeft voor een onderwerp (niet in tabel) is "
        f"4{NBSP}%, voor ‘onderwerp b’")


def test_least_attention_for_groups():
    labels = {c: f"Domein {c}" for c in "abcd"}
    rows = tidy([("alle", c, k, 100) for c, k in zip("abcd", (30, 20, 10, 5), strict=True)]
                + [("klein", c, k, 20) for c, k in zip("abcd", (8, 6, 4, 1), strict=True)])
    everyone = content.least_attention("alle gemeenten", "alle", rows, list(labels))
    small = content.least_attention("de kleinere gemeenten", "kleine gemeenten", rows, list(labels), "klein")
    assert (everyone.top, everyone.clear, everyone.n) == (["a", "b", "c"], True, 100)
    assert small.n == 20 and small.top == ["a", "b", "c"]
    sentences = content.least_attention_sentences(everyone, [small], labels, 5)
    assert sentences[1] == (f"Van de gemeenten geeft 30{NBSP}% aan geen of weinig aandacht te hebben voor domein a, "
                            f"20{NBSP}% voor domein b en 10{NBSP}% voor domein c.")
    assert sentences[2] == "Ook voor de kleinere gemeenten zijn dit de domeinen waar zij de minste aandacht aan besteden."
    note = content.least_attention_note(everyone, [small], labels, 5, 50)
    assert "kleine gemeenten (n = 20)" in note and note.endswith("met voorzichtigheid.")


def test_rarely_named_and_theme_groups():
    class Theme:
        def __init__(self, code, group, fallback=False):
            self.code, self.group, self.fallback = code, group, fallback

    class Frame:
        fallback = "overig"
        groups = {"g1": "Groep een", "g2": "Groep twee"}
        themes = [Theme("t1", "g1"), Theme("t2", "g1"), Theme("t3", "g2"), Theme("overig", "", True)]

    counts = pd.DataFrame({"theme": ["t1", "t2", "t3", "overig"], "label": ["Thema een", "Thema twee", "Thema drie",
                                                                             "Overig"],
                           "count": [4, 0, 6, 2], "pct": [40.0, 0.0, 60.0, 20.0]})
    coded = pd.DataFrame({"theme": ["t1", "t1", "t3", "t3", "t3"], "response_id": [1, 2, 2, 3, 4]})
    groups = content.theme_groups(Frame, coded, counts)
    assert [(g.code, g.municipalities, list(g.rows["theme"])) for g in groups] == [("g2", 3, ["t3"]),
                                                                                  ("g1", 2, ["t1"])]
    assert content.rarely_named(counts, Frame) == ["Geen enkele gemeente noemt resultaten op het gebied van thema twee.",
                                                   "Twee antwoorden noemen geen van deze thema's."]
    assert content.single_mentions(counts, Frame) == ["Twee toelichtingen vallen buiten deze thema's."]


def test_small_base_footnote_and_significant_trends():
    assert content.small_base_footnote(60, 200, 50) is None
    assert content.small_base_footnote(45, 200, 50).startswith("Wel hebben maar 45 van de kleinere gemeenten")
    trend = pd.DataFrame({"question": ["obstacles"] * 3 + ["domains"], "p_value": [0.01, 0.2, 0.03, 0.001],
                          "change_pp": [1.5, 3.0, -2.0, 4.0]})
    found = content.significant_trends(trend, "obstacles")
    assert found.indicators == 3 and len(found.rising) == 1 and len(found.falling) == 1


def test_top_domains_sentences_name_a_fourth_domain_as_high_as_the_third():
    labels = {c: f"Domein {c}" for c in "abcde"}
    shares = {"a": 66.8, "b": 67.2, "c": 66.6, "d": 60.0, "e": 20.0}
    order = tekst.rank_as_shown(shares, list(labels))
    sentences = content.top_domains_sentences(shares, labels, order)
    assert sentences == ["Drie domeinen waar gemeenten bijzonder veel aandacht voor hebben zijn: domein a, domein b en "
                         "domein c.",
                         f"Voor elk van deze domeinen heeft ongeveer twee derde van alle gemeenten veel of heel veel "
                         f"aandacht (67{NBSP}%)."]
    shares["d"] = 66.5
    assert content.top_domains_sentences(shares, labels, tekst.rank_as_shown(shares, list(labels)))[-1] == \
        f"Even hoog scoort domein d (67{NBSP}%)."


def test_obstacles_small_sentences():
    every = matrix([("a", "Punt a", 50, 100, 14, 20), ("b", "Punt b", 40, 100, 12, 20)])
    assert content.obstacles_small_sentences(every) == [
        "Kleinere gemeenten noemen elk knelpunt vaker dan alle gemeenten, met 20 tot 20 procentpunten verschil."]
    some = matrix([("a", "Punt a", 50, 100, 14, 20), ("b", "Punt b", 40, 100, 8, 20), ("c", "Punt c", 30, 100, 4, 20)])
    assert content.obstacles_small_sentences(some) == [
        f"Kleinere gemeenten noemen ‘punt a’ (70{NBSP}% tegenover 50{NBSP}%) vaker als knelpunt dan alle gemeenten.",
        f"Minder vaak noemen zij ‘punt c’ (20{NBSP}% tegenover 30{NBSP}%)."]


def test_ordered_for_figure_keeps_each_group_in_the_given_order():
    rows = tidy([("alle", "a", 1, 10), ("klein", "a", 1, 5), ("alle", "b", 5, 10), ("klein", "b", 2, 5)])
    data = content.ordered_for_figure(rows, ["b", "a"], {"alle": "alle gemeenten", "klein": "kleine gemeenten"})
    assert list(zip(data["group_label"], data["item"], strict=True)) == [
        ("alle gemeenten", "b"), ("alle gemeenten", "a"), ("kleine gemeenten", "b"), ("kleine gemeenten", "a")]


def test_without_partner_counts_municipalities_that_involve_nobody():
    class Item:
        def __init__(self, code):
            self.code = code

    class Question:
        id = "partners"
        items = [Item("x"), Item("y")]

        @staticmethod
        def group(name):
            return type("Group", (), {"codes": ["niet"]})

    answers = pd.DataFrame({"question": "partners", "kind": "answer",
                            "response_id": [1, 1, 2, 2, 3, 4],
                            "item": ["x", "y", "x", "y", "x", "z"],
                            "value": ["niet", "veel", "niet", "niet", None, "veel"]})
    # 1 involves y, 2 involves nobody, 3 gave no answer, 4 only answered an item outside the question
    assert content.without_partner(answers, Question) == (2, 1)


# --------------------------------------------------------------------------------------------------------------------
# Key figures registered from computed tables (Chapter.percentage, missing_numbers, shown_or_noted; content.register_*)

FIXTURE = Path(__file__).parent / "fixtures" / "processed"


@pytest.fixture
def chapter(tmp_path):
    return Chapter(chapter=3, year=2023, processed_dir=FIXTURE, parts_dir=tmp_path, show=False)


def test_percentage_and_missing_numbers_write_the_share_as_shown(chapter):
    assert chapter.percentage("wmo_raad_pct", 66.5, question="partners") == 66.5
    chapter.percentage("met_partner_pct", None)
    chapter.missing_numbers("top_domeinen", "top_domeinen_min_pct", gesteld=False)
    figures = chapter.key_figures
    assert figures["wmo_raad_pct"] == {"value": 66.5, "text": f"67{NBSP}%", "question": "partners"}
    assert figures["met_partner_pct"]["text"] == "–"
    assert figures["top_domeinen"] == figures["top_domeinen_min_pct"] == {"value": None, "text": "–", "gesteld": False}


def test_shown_or_noted_notes_a_question_not_asked_and_its_missing_figures(tmp_path):
    ch = Chapter(chapter=3, year=2018, processed_dir=FIXTURE, parts_dir=tmp_path, show=False)
    assert not ch.shown_or_noted("vng_topics", item="vng_onderwerpen", missing=["niet_samenwerken_pct"],
                                 question="vng_topics", gesteld=False)
    assert ch.shown[-1][0] == "not_asked" and "is in 2018 niet gesteld" in ch.shown[-1][1]
    assert ch.key_figures["niet_samenwerken_pct"] == {"value": None, "text": "–", "question": "vng_topics",
                                                      "gesteld": False}
    shown_before = list(ch.shown)
    assert ch.shown_or_noted("partners", item="partners_betrokken", missing=["wmo_raad_pct"])
    assert ch.shown == shown_before and "wmo_raad_pct" not in ch.key_figures


def test_register_labels_ranges_and_shares(chapter):
    labels = {"a": "Domein A", "b": "Domein B", "c": "Domein C"}
    content.register_labels(chapter, "top_domeinen", ["b", "a"], labels, question="domains")
    content.register_share_range(chapter, "top_domeinen", pd.Series({"a": 40.4, "b": 70.5}))
    content.register_share_range(chapter, "top_domeinen_klein", None, population="klein")
    content.register_shares(chapter, "vng_geen_{}_pct", pd.Series({"a": 2.5, "c": 10.0}), answer="geen")
    figures = chapter.key_figures
    assert figures["top_domeinen"] == {"value": ["Domein B", "Domein A"], "text": "Domein B en Domein A",
                                       "items": ["b", "a"], "question": "domains"}
    assert (figures["top_domeinen_min_pct"]["text"], figures["top_domeinen_max_pct"]["text"]) == (f"40{NBSP}%",
                                                                                                 f"71{NBSP}%")
    assert figures["top_domeinen_klein_max_pct"] == {"value": None, "text": "–", "population": "klein"}
    assert figures["vng_geen_a_pct"] == {"value": 2.5, "text": f"3{NBSP}%", "item": "a", "answer": "geen"}
    assert figures["vng_geen_c_pct"]["item"] == "c"


def test_register_table_share_reads_the_population_and_its_base_only_when_asked(chapter):
    table = matrix([("wmo_raad", "Wmo-raad", 150, 200, 30, 50), ("kennis", "Kennis", 10, 200, 1, 50)])
    assert content.register_table_share(chapter, "wmo_raad_pct", table, "wmo_raad", with_n=True) == 75.0
    content.register_table_share(chapter, "kennis_klein_pct", table, "kennis", population="klein", answer="niet")
    assert chapter.key_figures["wmo_raad_pct"] == {"value": 75.0, "text": f"75{NBSP}%", "item": "wmo_raad", "n": 200}
    assert chapter.key_figures["kennis_klein_pct"] == {"value": 2.0, "text": f"2{NBSP}%", "item": "kennis",
                                                       "answer": "niet"}


def test_register_themes_counts_every_theme_and_lists_the_shown_ones(chapter):
    counts = pd.DataFrame({"theme": ["t1", "t2", "overig"], "label": ["Een", "Twee", "Overig"], "count": [4, 0, 1]})
    content.register_themes(chapter, "knelpunten_themas", counts, counts[counts["count"] > 0], 5)
    assert chapter.key_figures["knelpunten_themas"] == {"value": {"t1": 4, "t2": 0, "overig": 1},
                                                        "text": "Een: 4; Overig: 1", "n": 5}


def test_register_capacity_and_obstacles_then(chapter):
    table = matrix([("capaciteit", "Capaciteit", 80, 100, 16, 20), ("geld", "Geld", 60, 100, 10, 20)])
    content.register_capacity(chapter, table, small_shown=False)
    figure = chapter.key_figures["knelpunt_capaciteit_pct"]
    assert (figure["value"], figure["rank"], figure["meest_genoemd"], figure["n"]) == (80.0, 1, True, 100)
    assert chapter.key_figures["knelpunt_capaciteit_klein_pct"] == {"value": None, "text": "–", "population": "klein",
                                                                   "n": 20}
    tied = matrix([("capaciteit", "Capaciteit", 600, 1000, 16, 20), ("geld", "Geld", 598, 1000, 10, 20)])
    content.register_capacity(chapter, tied, small_shown=True)  # 60 % and 59.8 %: both shown as 60 %, no single leader
    assert not chapter.key_figures["knelpunt_capaciteit_pct"]["meest_genoemd"]
    assert chapter.key_figures["knelpunt_capaciteit_klein_pct"]["text"] == f"80{NBSP}%"

    before = tidy([("alle", "capaciteit", 60, 100), ("alle", "geld", 30, 100)])
    content.register_obstacles_then(chapter, table, before, 2022, ["geld"])
    then = chapter.key_figures["knelpunt_capaciteit_vorig_pct"]
    assert (then["value"], then["wave"], then["toets"]) == (60.0, 2022, tekst.compare((80, 100), (60, 100)))
    more = chapter.key_figures["knelpunten_vaker_dan_vorig"]
    assert (more["value"], more["text"], more["details"][0]["vorig_pct"]) == (["Geld"], "Geld", 30.0)
    content.register_obstacles_then(chapter, table, before, 2022, [])
    assert chapter.key_figures["knelpunten_vaker_dan_vorig"]["text"] == "geen"
    content.register_obstacles_then(chapter, table, None, None, [])
    assert chapter.key_figures["knelpunt_capaciteit_vorig_pct"] == {"value": None, "text": "–"}
    assert chapter.key_figures["knelpunten_vaker_dan_vorig"] == {"value": None, "text": "–", "wave": None}


def test_register_partner_reach_least_attention_and_trends(chapter):
    content.register_partner_reach(chapter, 200, 0)
    assert chapter.key_figures["alle_werken_samen"]["text"] == "ja"
    assert chapter.key_figures["met_partner_pct"]["value"] == 100.0
    content.register_partner_reach(chapter, 200, 3)
    assert chapter.key_figures["alle_werken_samen"] == {"value": False, "text": "nee", "n": 200, "zonder_partner": 3}

    rows = tidy([("alle", c, k, 100) for c, k in zip("abcd", (30, 20, 10, 5), strict=True)])
    least = content.least_attention("alle gemeenten", "alle", rows, list("abcd"))
    content.register_least_attention(chapter, least, {c: f"Domein {c}" for c in "abcd"})
    assert chapter.key_figures["minste_aandacht_domeinen"]["items"] == ["a", "b", "c"]
    assert chapter.key_figures["minste_aandacht_domeinen"]["duidelijk"] is True
    assert chapter.key_figures["geen_of_weinig_b_pct"]["text"] == f"20{NBSP}%"

    class Trend:
        table = pd.DataFrame({"indicator": ["knelpunt_capaciteit"]})

        @staticmethod
        def row(indicator):
            return {"change_pp": 1.25, "change_pp_low": 0.5, "change_pp_high": 2.0, "p_value": 0.01, "odds_ratio": 1.1}

    rising = pd.DataFrame({"label": ["Capaciteit"]})
    row = content.register_trends(chapter, Trend, rising, rising.iloc[0:0])
    assert row["change_pp"] == 1.25
    assert chapter.key_figures["trend_knelpunten_stijgend"] == {"value": 1, "text": "1", "labels": ["Capaciteit"]}
    assert chapter.key_figures["trend_knelpunten_dalend"]["value"] == 0
    assert chapter.key_figures["trend_knelpunt_capaciteit_pp_per_jaar"]["low"] == 0.5
    Trend.table = pd.DataFrame({"indicator": ["knelpunt_geld"]})
    assert content.register_trends(chapter, Trend, rising, rising) is None


def test_earlier_shares_and_least_attention_groups_on_the_fixture(chapter):
    earlier = content.earlier_shares(chapter, "obstacles", "groot_of_zeer_groot")
    assert earlier and max(earlier) < 2023
    assert all(wave in chapter.waves() and chapter.asks("obstacles", wave) for wave in earlier)
    responses, answers = chapter.data()
    weinig = chapter.group_share("domains", "geen_of_weinig", populations=("alle", "klein"))
    codes = [item.code for item in chapter.cb.question("domains").items]
    large, small = content.least_attention_groups(responses, answers, chapter.cb, weinig, codes, 25000)
    n_large = responses["size_class"].isin(content.LARGE_CLASSES).sum()
    assert 0 < large.n <= n_large and large.short == "meer dan 50.000 inwoners"
    assert small.n == int(weinig.loc[weinig["group"] == "klein", "n"].max())
    assert small.description == "de kleinere gemeenten (minder dan 25.000 inwoners)"


# --------------------------------------------------------------------------------------------------------------------
# Small phrase rules of chapter 3


def test_question_list_introduces_the_last_of_several_questions():
    assert content.question_list(["Welke A?"]) == "Welke A?"
    assert content.question_list(["Welke A?", "Welke B?", "Hoe staat de VNG?"]) == "Welke A? Welke B? En: hoe staat de VNG?"


def test_municipalities_did_agrees_and_starts_a_sentence():
    assert content.municipalities_did(1, "gaf", "gaven") == "Één gemeente gaf"
    assert content.municipalities_did(18, "gaf", "gaven") == "Achttien gemeenten gaven"  # up to twenty in words
    assert content.municipalities_did(1200, "gaf", "gaven") == "Er gaven 1.200 gemeenten"  # never a digit first
    assert content.municipalities_did(3, "noemt", "noemen", f"12{NBSP}%") == f"Drie gemeenten (12{NBSP}%) noemen"
    assert content.municipalities_did(53, "noemt", "noemen", f"80{NBSP}%") == f"Er noemen 53 gemeenten (80{NBSP}%)"
    assert content.base_aside(12, 50) == "; basis: 12 gemeenten" and content.base_aside(50, 50) == ""


def test_notable_or_only_uses_the_share_as_shown():
    assert content.notable_or_only(content.NOTABLE_PCT - 0.5) == "Opvallend is dat"  # rounds up to the threshold
    assert content.notable_or_only(content.NOTABLE_PCT - 0.51) == "Slechts"


def test_most_named_sentence_opens_generally_only_with_three_themes():
    named = pd.DataFrame({"label": ["Thema een", "Thema twee", "Thema drie"], "count": [5, 3, 1]})
    assert content.most_named_sentence(named.head(1), 9) == ("Het vaakst genoemd is thema een (5 gemeenten), van de 9 "
                                                             "gemeenten die de vraag beantwoordden.")
    sentence = content.most_named_sentence(named, 9)
    assert sentence.startswith("De antwoorden laten zien dat gemeenten op diverse terreinen resultaten behalen. "
                               "Het vaakst genoemd zijn thema een (5 gemeenten), thema twee")
    assert "thema drie (1 gemeente)" in sentence


def test_ranked_shows_small_municipalities_only_from_min_group():
    rows = tidy([("alle", c, k, 100) for c, k in zip("abcd", (30, 60, 45, 60), strict=True)]
                + [("klein", c, k, 4) for c, k in zip("abcd", (1, 2, 3, 4), strict=True)])
    few = content.ranked(rows, list("abcd"), min_group=5)
    assert few.order == ["b", "d", "c", "a"] and few.top == ["b", "d", "c"]  # tie at 60 %: questionnaire order
    assert few.small is None and few.small_top is None
    enough = content.ranked(rows, list("abcd"), min_group=4)
    assert list(enough.small_top) == [50.0, 100.0, 75.0]
    labels = {c: f"Domein {c}" for c in "abcd"}
    assert content.labelled_shares(enough.shares, labels, enough.top, enough.small_top, "klein").startswith(
        f"Domein b: 60{NBSP}% (klein 50{NBSP}%); Domein d: 60{NBSP}% (klein 100{NBSP}%)")
    assert content.labelled_shares(few.shares, labels, ["a"]) == f"Domein a: 30{NBSP}%"


def test_domains_bars_puts_all_municipalities_first_and_leaves_suppressed_shares_out():
    rows = tidy([("alle", c, k, 100) for c, k in zip("ab", (30, 60), strict=True)]
                + [("klein", c, k, 10) for c, k in zip("ab", (5, 6), strict=True)])
    labels = {"a": "Domein A", "b": "Domein B"}
    data = content.ordered_for_figure(rows, ["b", "a"], {"alle": "alle", "klein": "klein"}).assign(
        item_label=lambda d: d["item"].map(labels)).sort_values("group", ascending=False)  # klein rows first
    draw = content.domains_bars(content.ranked(rows, ["a", "b"], 5), labels, "alle", "klein")
    assert draw(data).axes[0].get_legend_handles_labels()[1] == ["alle", "klein"]
    suppressed = data.assign(pct=data["pct"].where(data["group"] == "alle"))
    legend = draw(suppressed).axes[0].get_legend()
    assert legend is None or [t.get_text() for t in legend.get_texts()] == ["alle"]
