"""The rules behind chapter 4 (helpers.report.chapters.support) and the phrase rules it added to helpers.report.text:
options ranked with 'geen behoefte' last, comparisons with the previous wave through the test on the counts, the
sentences on the needs, and the open answers' themes with the note on quotes shown once."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import REPO_ROOT
from helpers.analysis import tables
from helpers.core import formatting as fmt
from helpers.report import text as tekst
from helpers.report.chapters import support

PROCESSED = REPO_ROOT / "data" / "processed"
NBSP = "\u00a0"


def ranked(counts: dict[str, int], n: int, exclusive: str = "geen") -> pd.DataFrame:
    """A matrix_table-like frame of a multi-choice question (group alle), ranked as support.ranked_options does."""
    rows = sorted(counts.items(), key=lambda kv: (kv[0] == exclusive, -kv[1]))
    return pd.DataFrame({"rank": range(1, len(rows) + 1), "question": "q", "item": [code for code, _ in rows],
                         "label": [f"Optie {code} (uitleg)" for code, _ in rows], "answer": "", "answer_label": "",
                         "n_alle": n, "count_alle": [count for _, count in rows],
                         "pct_alle": [100 * count / n for _, count in rows]})


def needs(now: dict[str, int], before: dict[str, int] | None, n: int = 200, n_before: int = 200) -> support.Needs:
    return support.Needs("q", 2023, ranked(now, n), ("geen",), 2022 if before else None,
                         ranked(before, n_before) if before else None)


# --------------------------------------------------------------------------------------------------------------------
# Shared phrase rules (helpers.report.text)


def test_about_share_adds_the_share_when_the_round_figure_differs():
    assert tekst.about_share(77.4) == f"bijna 80{NBSP}% (77{NBSP}%)"
    assert tekst.about_share(71.0) == f"ruim 70{NBSP}% (71{NBSP}%)"
    assert tekst.about_share(70.2) == f"70{NBSP}%"  # the round figure is the share: no brackets
    assert tekst.about_share(75.0) == tekst.round_ten_phrase(75.0) == fmt.pct(75)


def test_shares_list_for_alt_texts():
    assert tekst.shares_list(["Ja", "Nee"], [62.4, 37.6]) == f"Ja: 62{NBSP}%; Nee: 38{NBSP}%"
    assert tekst.shares_list(["Ja", "Nee"], [62.4, 37.6], [55.0, None]) == \
        f"Ja: 62{NBSP}% (55{NBSP}%); Nee: 38{NBSP}% (–)"
    with pytest.raises(ValueError):
        tekst.shares_list(["Ja"], [62.4, 37.6])  # every bar needs its share


def test_series_phrase_and_short_label():
    assert tekst.series_phrase([2020, 2021, 2022], [55.2, 63.0, 70.6]) == \
        f"55{NBSP}% in 2020, 63{NBSP}% in 2021 en 71{NBSP}% in 2022"
    assert tekst.short_label("Uitleg over VN-verdrag (wat betekent het?)") == "uitleg over VN-verdrag"
    assert tekst.short_label("VNG-handreiking (pdf)") == "VNG-handreiking"


def test_rose_every_wave_needs_a_tested_rise_at_every_step():
    rising = pd.DataFrame({"wave": [2020, 2021, 2022], "count": [60, 100, 140], "n": [200, 200, 200]})
    assert tekst.rose_every_wave(rising)
    assert not tekst.rose_every_wave(rising.iloc[:1])  # one measurement is no series
    # 55 %, 63 %, 71 %: higher as shown at every step, but no step is significant with about 170 municipalities
    within_noise = pd.DataFrame({"wave": [2020, 2021, 2022], "count": [82, 107, 121], "n": [149, 170, 170]})
    assert [tekst.rounded(100 * c / n) for c, n in zip(within_noise["count"], within_noise["n"], strict=True)] == \
        [55, 63, 71]
    assert not tekst.rose_every_wave(within_noise)
    published_only = rising.astype({"count": "Int64", "n": "Int64"})
    published_only.loc[1, ["count", "n"]] = pd.NA  # a wave known only from the published report cannot be tested
    assert not tekst.rose_every_wave(published_only)


def test_municipalities_did_agrees_the_verb():
    assert tekst.municipalities_did(1, "koos", "kozen") == "Één gemeente koos"
    assert tekst.municipalities_did(6, "koos", "kozen") == "Zes gemeenten kozen"
    assert tekst.municipalities_did(201, "gaf", "gaven", start=False) == "201 gemeenten gaven"


def test_published_mismatch_note_lists_only_the_waves_that_differ():
    trend = pd.DataFrame({"wave": [2021, 2022], "pct": [63.0, 71.0], "published_match": pd.array([True, False]),
                          "published_quote": ["63%", "68%"]})
    note = tekst.published_mismatch_note(trend)
    assert note.startswith("Deze cijfers wijken af van de gepubliceerde: 2022: hier 71")
    assert "2021" not in note and "‘68%’" in note
    unknown = trend.assign(published_match=pd.array([None, True], dtype="boolean"))
    assert tekst.published_mismatch_note(unknown) == ""  # nothing published or a match: no note


def test_item_shares_of_a_wide_table_and_of_tidy_rows():
    wide = ranked({"a": 50, "b": 20}, 100)
    assert tables.item_shares(wide).to_dict() == {"a": 50.0, "b": 20.0}
    tidy = pd.DataFrame({"item": ["a", "a"], "group": ["alle", "klein"], "pct": [50.0, 40.0]})
    assert tables.item_shares(tidy, "klein").to_dict() == {"a": 40.0}
    assert tables.item_shares(None) is None


# --------------------------------------------------------------------------------------------------------------------
# Needs: this wave next to the previous one


def test_needs_table_and_tidy_rows_carry_the_previous_wave_per_option():
    result = needs({"a": 120, "b": 60, "geen": 20}, {"a": 40, "b": 100, "geen": 30})
    shown = result.shown_table("Ondersteuning")
    assert list(shown.columns) == ["Ondersteuning", "% alle gemeenten", "% in 2022"]
    assert list(shown["Ondersteuning"]) == ["1. Optie a (uitleg)", "2. Optie b (uitleg)", "3. Optie geen (uitleg)"]
    assert shown["% in 2022"].tolist() == [20.0, 50.0, 15.0]  # looked up by code, not by position
    assert set(result.tidy["group"]) == {"alle", "2022"} and set(result.tidy["group_label"]) == {"2023", "2022"}
    assert list(result.wishes["item"]) == ["a", "b"] and result.n == 200
    alone = needs({"a": 120, "geen": 20}, None)
    assert list(alone.shown_table("X").columns) == ["X", "% alle gemeenten"] and set(alone.tidy["group"]) == {"alle"}
    assert alone.compare("a") is None and alone.previous_share("a") is None and alone.largest_change() is None


def test_largest_change_is_read_off_the_shares_as_shown_among_the_needs():
    result = needs({"a": 100, "b": 90, "geen": 10}, {"a": 96, "b": 60, "geen": 80})
    assert result.largest_change() == "b"  # 'geen' moved more, but it is no need
    assert result.change_size("b") == 15
    unchanged = needs({"a": 100, "b": 90, "geen": 10}, {"a": 100, "b": 90, "geen": 10})
    assert unchanged.largest_change() is None and unchanged.same_as_shown("a")


def test_across_the_board_only_when_the_tests_agree():
    more = needs({"a": 150, "b": 140, "geen": 10}, {"a": 80, "b": 70, "geen": 60})
    assert more.compare("geen") == tekst.LOWER and support.more_need(more) is True
    assert support.overall_direction(more) == "meer"
    less = needs({"a": 80, "b": 70, "geen": 60}, {"a": 150, "b": 140, "geen": 10})
    assert support.overall_direction(less) == "minder" and support.more_need(less) is False
    noise = needs({"a": 101, "b": 70, "geen": 30}, {"a": 100, "b": 72, "geen": 31})
    assert support.overall_direction(noise) is None and support.more_need(noise) is False
    assert support.mixed_phrase(noise) == "bij twee onderdelen gelijk (niet significant veranderd)"
    mixed = needs({"a": 150, "b": 40, "geen": 30}, {"a": 80, "b": 110, "geen": 31})
    assert support.mixed_phrase(mixed) == "bij één onderdeel hoger en bij één onderdeel lager"
    assert support.more_need(needs({"a": 1, "geen": 1}, None)) is None


def test_no_need_sentences_follow_the_test_on_the_exclusive_option():
    significant = needs({"a": 150, "b": 90, "geen": 10}, {"a": 80, "b": 90, "geen": 60})
    (sentence,) = support.no_need_sentences(significant)
    assert sentence.startswith("Er zijn minder gemeenten die zeggen géén behoefte te hebben aan ondersteuning")
    assert "en meer die behoefte hebben aan optie a (75" in sentence  # the largest change, its test, short label
    within_noise = needs({"a": 110, "b": 90, "geen": 30}, {"a": 100, "b": 90, "geen": 31})
    first, largest = support.no_need_sentences(within_noise)
    assert first.startswith("Het aandeel gemeenten dat zegt géén behoefte te hebben aan ondersteuning is niet "
                            "significant lager dan in 2022")
    # the largest difference is within noise too: no "verandering" beside "niet significant" (one claim, one wording)
    assert largest.startswith("Het grootste verschil zien we bij optie a (55") and "niet significant" in largest


def test_overall_need_sentence_has_three_outcomes():
    row = pd.Series
    changed = support.overall_need_sentence(row({"count": 180, "n": 200, "pct": 90.0}),
                                            row({"count": 100, "n": 200, "pct": 50.0}), 2022, "de behoefte")
    assert changed.startswith("Over het geheel genomen ligt de behoefte hoger dan in 2022: 90")
    noise = support.overall_need_sentence(row({"count": 172, "n": 200, "pct": 86.0}),
                                          row({"count": 168, "n": 200, "pct": 84.0}), 2022, "de behoefte")
    assert "is de behoefte niet significant veranderd ten opzichte van 2022" in noise and "tegen 84" in noise
    same = support.overall_need_sentence(row({"count": 168, "n": 200, "pct": 84.0}),
                                         row({"count": 167, "n": 199, "pct": 83.9}), 2022, "de behoefte")
    assert "blijft de behoefte gelijk aan 2022: in beide jaren heeft 84" in same


# --------------------------------------------------------------------------------------------------------------------
# On the processed data


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    if not (PROCESSED / "2023" / "answers.parquet").exists():
        pytest.skip("no processed data (make data)")
    from helpers.report.chapter import Chapter

    return Chapter(chapter=4, year=2023, processed_dir=PROCESSED, parts_dir=tmp_path_factory.mktemp("ch4"), show=False)


def test_ranked_options_put_no_need_last_and_leave_out_anders(chapter):
    table = support.ranked_options(chapter, "support_content")
    exclusive = support.exclusive_options(chapter, "support_content")
    assert exclusive and list(table["item"].iloc[-len(exclusive):]) == exclusive
    assert "anders" not in set(table["item"]) and list(table["rank"]) == list(range(1, len(table) + 1))
    wishes = table["pct_alle"].iloc[:-len(exclusive)]
    assert wishes.is_monotonic_decreasing


def test_needs_compare_with_the_latest_wave_that_asked(chapter):
    result = support.needs(chapter, "support_content")
    assert result.previous_year == chapter.previous_wave("support_content") == 2022
    note = support.multi_choice_note(chapter, result)
    assert note.startswith(support.MULTI_CHOICE_NOTE) and "percentages van 2022" in note
    other = support.ticked_other(chapter, "support_content")
    assert ("‘anders, namelijk’" in note) == bool(other)
    row = support.any_need(chapter, "support_content")
    assert row["count"] <= row["n"] == result.n


def test_open_answers_explain_the_quotes_once(chapter):
    answers = support.OpenAnswers(chapter)
    before = len(chapter.shown)
    first = answers.show("support_content")
    second = answers.show("support_form")
    shown = chapter.shown[before:]
    assert first is not None and second is not None
    notes = [body for kind, body in shown if kind == "note" and body.startswith("Citaten zijn letterlijk")]
    quoted = [body for kind, body in shown if kind == "text" and "\n> " in body]
    assert len(notes) == (1 if quoted else 0) and answers.quotes_explained == bool(quoted)
    assert set(first.columns) >= {"theme", "count"}


def test_open_answers_code_only_the_asked_kinds_of_the_question(chapter):
    answers = support.OpenAnswers(chapter)
    texts, coded = answers.coded("support_content", ("comment",))
    assert set(texts["kind"]) <= {"comment"} and set(texts["question"]) <= {"support_content"}
    assert set(coded["response_id"]) <= set(texts["response_id"])
    both, _ = answers.coded("support_content")
    assert len(both) >= len(texts)  # 'anders, namelijk' texts come on top of the comments
    nothing, nothing_coded = answers.coded("no_such_question")
    assert nothing.empty and nothing_coded.empty
