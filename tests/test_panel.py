"""helpers.analysis.panel: matching two waves through the 2023 municipalities, the within/composition split against a split
worked out by hand, the LIA transition table, and the disclosure of a decomposition with few joiners."""

from fractions import Fraction

import pandas as pd
import pytest

from helpers.analysis import disclosure, panel


def _wave(year: int, units: dict[str, str], extra_codes: dict[str, str | None] | None = None):
    """responses and answers of a made-up wave: {response_id suffix: LIA phase}; the code_2023 of a response is its
    suffix unless `extra_codes` says otherwise (None = no code)."""
    extra_codes = extra_codes or {}
    ids = [f"{year}-{key}" for key in units]
    responses = pd.DataFrame({"response_id": ids,
                              "code_2023": [extra_codes.get(key, f"GM_{key}") for key in units],
                              "size_class": "25k_50k", "province": "Utrecht"})
    answers = pd.DataFrame({"response_id": ids, "question": "lia_phase", "kind": "answer", "item": "",
                            "value": list(units.values())})
    return responses, answers


UITGEVOERD = panel.INDICATORS[0]


def test_within_and_composition_split_against_a_hand_computed_example():
    # previous: A, B carry out a LIA, C, D exploring (50 %); current: A, B, C carry out, E, F new and exploring (60 %)
    previous = _wave(2022, {"A": "uitgevoerd", "B": "uitgevoerd", "C": "verkennend", "D": "verkennend"})
    current = _wave(2023, {"A": "uitgevoerd", "B": "uitgevoerd", "C": "uitgevoerd", "E": "verkennend",
                           "F": "verkennend"})
    result = panel.compare_waves(previous, current, 2022, 2023, indicators=[UITGEVOERD])
    assert (result.counts["both"], result.counts["only_previous"], result.counts["only_current"]) == (3, 1, 2)
    row = result.decomposition.iloc[0]
    # stayers A, B, C: 2/3 -> 3/3, weighted by their share of the current wave (3/5): within = 3/5 * 1/3 = 20 points;
    # joiners E, F (0 %): (1 - 3/5) * (0 - 2/3) = -26.67; leaver D (0 %): (1 - 3/4) * (2/3 - 0) = +16.67
    assert row["total_pp"] == pytest.approx(10.0)
    assert row["within_pp"] == pytest.approx(20.0)
    assert row["joiners_pp"] == pytest.approx(float(Fraction(-80, 3)))
    assert row["leavers_pp"] == pytest.approx(float(Fraction(50, 3)))
    assert row["composition_pp"] == pytest.approx(-10.0)
    assert row["within_pp"] + row["composition_pp"] == pytest.approx(row["total_pp"])
    assert (row["pct_stayers_prev"], row["pct_stayers_curr"], row["pct_joiners"], row["pct_leavers"]) == \
        pytest.approx((200 / 3, 100.0, 0.0, 0.0))
    assert panel.verdict(row) == "binnen"


def test_merged_predecessors_and_responses_without_code_are_not_matched():
    # B1 and B2 merged into GM_B by 2023: two previous answers for one municipality -> neither is matched
    previous = _wave(2022, {"A": "uitgevoerd", "B1": "verkennend", "B2": "gereed", "X": "anders"},
                     {"B1": "GM_B", "B2": "GM_B", "X": None})
    current = _wave(2023, {"A": "uitgevoerd", "B": "uitgevoerd"})
    result = panel.compare_waves(previous, current, 2022, 2023, indicators=[UITGEVOERD])
    assert result.counts["both"] == 1  # A only
    assert result.counts["previous_merged_predecessors"] == 2 and result.counts["previous_no_code"] == 1
    assert (result.counts["only_previous"], result.counts["only_current"]) == (3, 1)
    # the overall shares keep every response
    row = result.decomposition.iloc[0]
    assert (row["n_prev"], row["n_curr"], row["pct_prev"], row["pct_curr"]) == (4, 2, 25.0, 100.0)


def test_one_predecessor_is_matched_through_its_successor():
    previous = _wave(2022, {"B1": "gereed"}, {"B1": "GM_B"})
    current = _wave(2023, {"B": "uitgevoerd"})
    result = panel.compare_waves(previous, current, 2022, 2023, indicators=[UITGEVOERD])
    assert result.counts["both"] == 1
    assert result.transitions.at["gereed", "uitgevoerd"] == 1


def test_transition_table_in_codebook_order_with_joiners_and_leavers():
    previous = _wave(2022, {"A": "verkennend", "B": "gereed", "C": "uitgevoerd", "D": "verkennend"})
    current = _wave(2023, {"A": "ontwikkelen", "B": "uitgevoerd", "C": "uitgevoerd", "E": "verkennend"})
    table = panel.compare_waves(previous, current, 2022, 2023, indicators=[UITGEVOERD]).transitions
    assert list(table.index) == ["verkennend", "onderzocht", "ontwikkelen", "gereed", "uitgevoerd", "anders",
                                 panel.JOINED]
    assert table.at["verkennend", "ontwikkelen"] == 1 and table.at["gereed", "uitgevoerd"] == 1
    assert table.at["verkennend", panel.JOINED] == 1  # D left
    assert table.at[panel.JOINED, "verkennend"] == 1  # E joined
    assert int(table.to_numpy().sum()) == 5
    tidy = panel.transitions_tidy(table, 2022, 2023)
    assert set(tidy.loc[tidy["group_public"], "group_label"]) == {"Nieuw in 2023"}
    text = panel.transition_summary(table, 2022, 2023)
    assert "bleven er 1 in dezelfde fase, gingen er 2 een of meer fasen vooruit en 0 terug" in text
    assert "nieuwe deelnemers" not in text  # one joiner: fewer than 5, not described


def test_indicator_values_match_the_tables():
    from helpers.analysis import tables
    from helpers.data.codebook import codebook

    responses, answers = _wave(2023, {"A": "uitgevoerd", "B": "gereed", "C": "ontwikkelen"})
    answers = answers[answers["response_id"] != "2023-C"]  # C did not answer
    values = panel.indicator_values(responses, answers, panel.INDICATORS[1])  # ontwikkelen, gereed or uitgevoerd
    assert values.tolist()[:2] == [1, 1] and pd.isna(values.iloc[2])
    share = tables.group_share(responses, answers, "lia_phase", "lia_in_ontwikkeling_of_uitvoering", cb=codebook())
    assert int(share["n"].iloc[0]) == 2 and share["pct"].iloc[0] == 100.0


def test_a_decomposition_with_few_joiners_is_not_split():
    previous = _wave(2022, {k: ("uitgevoerd" if i % 2 else "verkennend") for i, k in enumerate("ABCDEFGHIJ")})
    current = _wave(2023, {**{k: "uitgevoerd" for k in "ABCDEFGHIJ"}, "Z": "verkennend"})
    result = panel.compare_waves(previous, current, 2022, 2023, indicators=[UITGEVOERD])
    shown, tidy, hidden = panel.protected_decomposition(result)
    assert hidden == ["LIA wordt uitgevoerd"]  # one joiner: its answer would follow from the split
    assert shown.at[0, "Binnen gemeenten (pp)"] == "–" and shown.at[0, "Samenstelling (pp)"] == "–"
    assert tidy.loc[tidy["group"].isin(["binnen_pp", "samenstelling_pp", "panel_2023"]), "pct"].isna().all()
    assert tidy.loc[tidy["group"] == "2023", "pct"].iloc[0] == pytest.approx(100 * 10 / 11)  # overall: public
    assert panel.MIN_GROUP == disclosure.MIN_GROUP


def test_the_texts_follow_the_decomposition():
    previous = _wave(2022, {**{f"P{i}": "uitgevoerd" for i in range(6)}, **{f"Q{i}": "verkennend" for i in range(4)}})
    current = _wave(2023, {**{f"P{i}": "uitgevoerd" for i in range(6)}, **{f"Q{i}": "uitgevoerd" for i in range(2)},
                           **{f"Q{i}": "verkennend" for i in range(2, 4)}, **{f"N{i}": "verkennend" for i in range(10)}})
    result = panel.compare_waves(previous, current, 2022, 2023, indicators=[UITGEVOERD])
    row = result.decomposition.iloc[0]
    assert row["total_pp"] < 0 < row["within_pp"]  # the panel went up, the share went down: the joiners
    assert panel.verdict(row) == "samenstelling"
    assert "komt dus geheel door wie er meedeed, vooral van nieuwe deelnemers" in panel.describe(result,
                                                                                                 "lia_uitgevoerd")
    assert panel.answer_guess(result).startswith("De daling van ‘LIA wordt uitgevoerd’ komt vooral van nieuwe "
                                                 "deelnemers")
    # nothing fell: no claim about new participants
    rising = panel.compare_waves(current, previous, 2022, 2023, indicators=[UITGEVOERD])
    assert "niet gedaald" in panel.answer_guess(rising)


def test_headline_indicators_come_from_the_codebook_and_are_checked(tmp_path):
    from helpers.analysis.trends import IndicatorError, load_indicators

    assert [i.id for i in panel.INDICATORS] == [i.id for i in load_indicators(section="headline")]
    assert {i.question for i in panel.INDICATORS} >= {"lia_phase", "policy_breadth", "partners", "awareness_idm"}
    path = tmp_path / "indicators.yml"
    path.write_text("indicators:\n  - {id: a, chapter: 2, question: lia_phase, answer: uitgevoerd, label: A}\n"
                    "headline:\n  - {id: b, chapter: 3, question: partners, answer: zeer_veel_of_veel, label: B}\n",
                    encoding="utf-8")
    with pytest.raises(IndicatorError, match="indicator 'b': partners is a matrix question: name its item"):
        load_indicators(path, section="headline")
    path.write_text("indicators:\n  - {id: a, chapter: 2, question: lia_phase, answer: uitgevoerd, label: A}\n",
                    encoding="utf-8")
    with pytest.raises(IndicatorError, match="needs a list `headline:`"):
        load_indicators(path, section="headline")
