"""The report's tables (helpers.analysis.tables) on hand-made processed data with known answers, and on the small processed
fixture (tests/fixtures/processed, cleaned from tests/fixtures/exports by the project's own cleaning).

The hand-made units:  r1 5.000 inhabitants (< 10.000, klein), r2 20.000 (10.000-25.000, klein), r3 30.000,
r4 60.000, r5 150.000, r6 unknown (no municipality: klein and size class <NA>).
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis import tables
from helpers.data.cleaning import ANSWERS_COLUMNS, RESPONSES_COLUMNS, coerce
from helpers.data.codebook import codebook

FIXTURE = Path(__file__).parent / "fixtures" / "processed"
POPULATIONS = {"r1": 5_000, "r2": 20_000, "r3": 30_000, "r4": 60_000, "r5": 150_000, "r6": None}
SIZES = {"r1": "lt10k", "r2": "10k_25k", "r3": "25k_50k", "r4": "50k_100k", "r5": "ge100k", "r6": None}


def _responses() -> pd.DataFrame:
    rows = [{"wave": 2023, "response_id": rid, "municipality_code": None if pop is None else f"GM{i:04d}",
             "population": pop, "size_class": SIZES[rid], "klein": None if pop is None else pop < 25_000,
             "in_frame": pop is not None, "completed": True}
            for i, (rid, pop) in enumerate(POPULATIONS.items(), start=1)]
    return coerce(pd.DataFrame(rows), RESPONSES_COLUMNS)


def _answers() -> pd.DataFrame:
    rows = []

    def answer(rid, question, value, item=""):
        rows.append({"wave": 2023, "response_id": rid, "question": question, "item": item, "kind": "answer",
                     "value": value})

    def ticked(rid, question, codes):
        for option in codebook().question(question).options:
            rows.append({"wave": 2023, "response_id": rid, "question": question, "item": option.code,
                         "kind": "selected", "value": "1" if option.code in codes else "0"})

    for rid, code in {"r1": "breed_inclusiebeleid", "r2": "breed_inclusiebeleid", "r3": "alle_beperkingen",
                      "r4": "breed_inclusiebeleid", "r5": "anders"}.items():  # r6 did not answer
        answer(rid, "policy_breadth", code)
    for rid, code in {"r1": "verkennend", "r2": "ontwikkelen", "r3": "uitgevoerd", "r4": "uitgevoerd",
                      "r5": "uitgevoerd", "r6": "gereed"}.items():
        answer(rid, "lia_phase", code)
    for rid, items in {"r1": {"betrekken": "veel", "communicatie": "nvt"}, "r2": {"betrekken": "heel_veel"},
                       "r3": {"betrekken": "geen", "communicatie": "veel"},
                       "r4": {"betrekken": "weinig", "communicatie": "heel_veel"}}.items():
        for item, code in items.items():
            answer(rid, "domains", code, item)
    for rid, items in {"r1": {"capaciteit": "groot", "ander": "zeer_groot"}, "r2": {"capaciteit": "zeer_groot"},
                       "r3": {"capaciteit": "geen"}}.items():
        for item, code in items.items():
            answer(rid, "obstacles", code, item)
    ticked("r1", "support_content", {"specifieke_voorbeelden"})
    ticked("r2", "support_content", {"specifieke_voorbeelden", "generieke_voorbeelden"})
    ticked("r3", "support_content", {"geen_behoefte"})
    rows.append({"wave": 2023, "response_id": "r4", "question": "policy_breadth", "item": "", "kind": "comment",
                 "value": None, "text": "Een toelichting"})
    return coerce(pd.DataFrame(rows), ANSWERS_COLUMNS)


@pytest.fixture(scope="module")
def data():
    return _responses(), _answers()


def by(frame, *columns):
    return frame.set_index(list(columns))


# --------------------------------------------------------------------------------------------------------------------
# Populations


def test_populations(data):
    responses, _ = data
    assert list(tables.population_ids(responses, "alle")) == list(POPULATIONS)
    assert list(tables.population_ids(responses, "klein")) == ["r1", "r2"]
    assert list(tables.population_ids(responses, "niet_klein")) == ["r3", "r4", "r5"]
    assert list(tables.population_ids(responses, "ge100k")) == ["r5"]
    with pytest.raises(ValueError, match="unknown population"):
        tables.population_ids(responses, "groot")


def test_with_threshold_recomputes_klein(data):
    responses, _ = data
    assert tables.with_threshold(responses, 10_000)["klein"].tolist() == [True, False, False, False, False, pd.NA]


# --------------------------------------------------------------------------------------------------------------------
# Distributions


def test_single_percentages_over_those_who_answered(data):
    table = tables.distribution(*data, "policy_breadth", populations=("alle", "klein"))
    assert list(table.columns[:8]) == ["question", "item", "answer", "answer_label", "group", "n", "count", "pct"]
    alle = table[table["group"] == "alle"]
    assert alle["answer"].tolist() == codebook().question("policy_breadth").answer_codes()  # codebook order
    assert set(alle["n"]) == {5}  # r6 did not answer: not in the base
    assert by(alle, "answer")["count"].to_dict() == {"fysiek_zintuiglijk": 0, "alle_beperkingen": 1,
                                                     "breed_inclusiebeleid": 3, "anders": 1}
    assert by(alle, "answer").at["breed_inclusiebeleid", "pct"] == pytest.approx(60.0)
    assert alle["pct"].sum() == pytest.approx(100.0)
    klein = by(table[table["group"] == "klein"], "answer")
    assert klein.at["breed_inclusiebeleid", "n"] == 2 and klein.at["breed_inclusiebeleid", "pct"] == 100.0
    assert by(alle, "answer").at["fysiek_zintuiglijk", "answer_label"] == \
        "Primair gericht op fysieke of zintuiglijke beperking"  # the codebook's short label


def test_multi_base_is_units_with_selected_rows(data):
    table = by(tables.distribution(*data, "support_content"), "answer")
    assert set(table["n"]) == {3}  # r4-r6 have no rows for the question: they did not answer it
    assert table.at["specifieke_voorbeelden", "count"] == 2
    assert table.at["specifieke_voorbeelden", "pct"] == pytest.approx(200 / 3)
    assert table.at["geen_behoefte", "pct"] == pytest.approx(100 / 3)
    assert table.at["anders", "count"] == 0
    assert table["pct"].sum() > 100  # several ticks per unit


def test_matrix_item_base_includes_niet_van_toepassing(data):
    table = tables.distribution(*data, "domains", "communicatie")
    assert set(table["n"]) == {3}  # r1 (nvt), r3, r4; r2 skipped the item
    assert by(table, "answer").at["nvt", "count"] == 1
    every_item = tables.distribution(*data, "domains")
    assert every_item["item"].unique().tolist() == [i.code for i in codebook().question("domains").items]


def test_group_share_per_item_and_population(data):
    share = tables.group_share(*data, "domains", "veel_of_heel_veel", populations=("alle", "klein"))
    rows = by(share, "item", "group")
    assert rows.at[("betrekken", "alle"), "n"] == 4 and rows.at[("betrekken", "alle"), "count"] == 2
    assert rows.at[("betrekken", "alle"), "pct"] == pytest.approx(50.0)
    assert rows.at[("communicatie", "alle"), "pct"] == pytest.approx(200 / 3)
    assert rows.at[("betrekken", "klein"), "pct"] == 100.0
    assert rows.at[("communicatie", "klein"), "n"] == 1 and rows.at[("communicatie", "klein"), "pct"] == 0.0
    assert share["answer_label"].iloc[0] == "Veel of heel veel aandacht"
    single = tables.group_share(*data, "lia_phase", "lia_in_ontwikkeling_of_uitvoering").iloc[0]
    assert (single["n"], single["count"]) == (6, 5)
    codes = tables.group_share(*data, "lia_phase", ["verkennend", "gereed"]).iloc[0]
    assert (codes["answer"], codes["count"]) == ("verkennend+gereed", 2)
    empty = by(share, "item", "group").loc[("sport", "alle")]
    assert empty["n"] == 0 and pd.isna(empty["pct"])


def test_matrix_table_sorted_descending_without_items_left_out_of_tables(data):
    table = tables.matrix_table(*data, "obstacles", "groot_of_zeer_groot")
    assert "ander" not in table["item"].tolist()  # in_table: false
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    first = table.iloc[0]
    assert first["item"] == "capaciteit" and first["n_alle"] == 3 and first["count_alle"] == 2
    assert first["pct_alle"] == pytest.approx(200 / 3)
    assert first["n_klein"] == 2 and first["pct_klein"] == 100.0
    # items nobody answered keep the codebook order behind the answered one
    codes = [i.code for i in codebook().question("obstacles").items if i.in_table and i.code != "capaciteit"]
    assert table["item"].tolist()[1:] == codes
    everything = tables.matrix_table(*data, "obstacles", "groot_of_zeer_groot", only_in_table=False)
    assert "ander" in everything["item"].tolist()


def test_matrix_table_of_a_multi_question_and_long_form(data):
    table = tables.matrix_table(*data, "support_content", populations=("alle",))
    assert table["item"].tolist()[:1] == ["specifieke_voorbeelden"]
    assert "anders" not in table["item"].tolist()
    assert table.at[0, "label"].startswith("Specifieke voorbeelden")
    long = tables.matrix_long(table)
    assert list(long.columns) == tables.TIDY_COLUMNS
    assert len(long) == len(table) and set(long["group"]) == {"alle"}
    with pytest.raises(ValueError, match="matrix question"):
        tables.matrix_table(*data, "domains")


def test_crosstab_counts_and_percentages(data):
    table = tables.crosstab(*data, "lia_phase", by="size_class")
    assert table.attrs["missing"] == 1  # r6 has no size class
    rows = by(table, "answer", "group")
    assert rows.at[("uitgevoerd", "25k_50k"), "count"] == 1
    assert rows.at[("uitgevoerd", "25k_50k"), "n"] == 1 and rows.at[("uitgevoerd", "25k_50k"), "pct"] == 100.0
    assert rows.at[("uitgevoerd", "lt10k"), "count"] == 0
    assert rows.at[("uitgevoerd", "ge100k"), "n_answer"] == 3
    assert rows.at[("uitgevoerd", "ge100k"), "pct_answer"] == pytest.approx(100 / 3)
    for size in tables.SIZE_CODES:  # column percentages add up to 100 within every size class
        assert table.loc[table["group"] == size, "pct"].sum() == pytest.approx(100.0)
    assert table["group"].unique().tolist() == list(tables.SIZE_CODES)


def test_size_counts_and_reasons_for_unknown_sizes(data):
    responses, _ = data
    counts = tables.size_counts(responses).set_index("size_class")["count"]
    assert counts.to_dict() == {"lt10k": 1, "10k_25k": 1, "25k_50k": 1, "50k_100k": 1, "ge100k": 1, "onbekend": 1}
    reasons = tables.unknown_size_reasons(responses, {"unmatched": [{"response_id": "r6", "status": "ambiguous"}]})
    assert reasons.to_dict("records") == [{"reason": "naam past bij meer dan één gemeente", "count": 1}]


def test_representativeness_with_a_given_frame(data):
    responses, _ = data
    frame = pd.DataFrame({"code": [f"F{i}" for i in range(10)],
                          "size_class": ["lt10k"] * 1 + ["10k_25k"] * 4 + ["25k_50k"] * 3 + ["50k_100k"] + [None]})
    table = tables.representativeness(responses, 2023, frame=frame)
    rows = by(table, "item", "group")
    assert rows.at[("lt10k", "deelnemers"), "n"] == 5 and rows.at[("lt10k", "deelnemers"), "pct"] == 20.0
    assert rows.at[("10k_25k", "nederland"), "n"] == 9
    assert rows.at[("10k_25k", "nederland"), "pct"] == pytest.approx(400 / 9)
    assert table.attrs["unknown_participants"] == 1 and table.attrs["unknown_frame"] == 1
    gaps = tables.representation_gaps(table).set_index("size_class")
    assert gaps.at["10k_25k", "difference"] == 20 - 44


# --------------------------------------------------------------------------------------------------------------------
# The processed fixture (several waves)


def test_fixture_known_answers():
    from helpers.data.processed import read_processed

    responses, answers, _ = read_processed(2023, FIXTURE)
    table = by(tables.distribution(responses, answers, "policy_breadth", populations=("alle", "klein")),
               "answer", "group")
    assert table.at[("fysiek_zintuiglijk", "alle"), "count"] == 4
    assert table.at[("fysiek_zintuiglijk", "alle"), "pct"] == 40.0
    assert table.at[("alle_beperkingen", "klein"), "n"] == 2
    assert table.at[("alle_beperkingen", "klein"), "pct"] == 50.0
    multi = by(tables.distribution(responses, answers, "support_content"), "answer")
    assert multi.at["specifieke_voorbeelden", "n"] == 9  # Bergen op Zoom answered no multi-choice question
    share = tables.group_share(responses, answers, "lia_phase", "lia_in_ontwikkeling_of_uitvoering").iloc[0]
    assert (share["count"], share["n"], share["pct"]) == (5, 10, 50.0)
    cross = tables.crosstab(responses, answers, "lia_phase")
    assert cross.attrs["missing"] == 2  # "Bergen" (ambiguous) and an empty municipality
    assert by(cross, "answer", "group").at[("gereed", "25k_50k"), "pct"] == 100.0


def test_trend_and_participation_over_the_fixture_waves():
    trend = tables.trend("lia_phase", "uitgevoerd", range(2018, 2024), FIXTURE)
    assert trend["wave"].tolist() == list(range(2018, 2024))
    assert set(trend["source"]) == {"verwerkt"} and set(trend["n"]) == {10}
    assert trend.set_index("wave").at[2018, "published"] == 3.0  # the published share, for comparison
    assert not trend.set_index("wave").at[2018, "published_match"]
    part = tables.participation(range(2018, 2024), FIXTURE)
    assert part["count"].tolist() == [10] * 6 and part["frame"].tolist() == [380, 355, 355, 352, 345, 342]
    assert part.set_index("wave").at[2023, "published"] == 201
    assert pd.isna(part.set_index("wave").at[2019, "published"])  # 2019 was published as a response rate only
    long = tables.participation_long(part)
    assert long["item"].tolist() == [str(w) for w in range(2018, 2024)]


def test_trend_falls_back_to_published_values(tmp_path):
    shutil.copytree(FIXTURE / "2023", tmp_path / "2023")
    trend = tables.trend("lia_phase", "uitgevoerd", [2019, 2022, 2023], tmp_path).set_index("wave")
    assert trend.at[2022, "source"] == "gepubliceerd" and trend.at[2022, "pct"] == 34.0
    assert pd.isna(trend.at[2022, "n"])
    assert trend.at[2023, "source"] == "verwerkt"
    part = tables.participation([2019, 2022, 2023], tmp_path).set_index("wave")
    assert part.at[2022, "source"] == "gepubliceerd" and part.at[2022, "count"] == 160
    assert part.at[2019, "source"] == "ontbreekt" and pd.isna(part.at[2019, "count"])
    no_data = tables.trend("policy_breadth", "anders", [2019], tmp_path)
    assert no_data.empty  # neither processed data nor a published value: left out


def test_representativeness_with_the_cbs_frame():
    from helpers.data.processed import read_processed

    try:
        frame, reference_year, approximate = tables.frame_populations(2023)
    except (OSError, ValueError) as error:
        pytest.skip(f"no CBS reference set: {error}")
    assert (len(frame), reference_year, approximate) == (342, 2022, False)
    responses, _, _ = read_processed(2023, FIXTURE)
    table = tables.representativeness(responses, 2023, frame=frame)
    assert set(table.loc[table["group"] == "nederland", "n"]) == {342}
    assert table.loc[table["group"] == "nederland", "count"].sum() == 342


def test_processed_fixture_is_the_cleaning_of_the_fixture_exports(tmp_path):
    """The committed fixture equals a fresh clean of tests/fixtures/exports; if not, regenerate it with
    `.venv/bin/python tests/fixtures/processed/make_processed.py` (the cleaning rules changed)."""
    import sys

    from helpers.data import municipalities
    from helpers.data.processed import read_processed

    try:
        municipalities.load_frame(2023)
    except (OSError, ValueError) as error:
        pytest.skip(f"no CBS reference set: {error}")
    sys.path.insert(0, str(FIXTURE))
    from make_processed import main

    main(tmp_path)
    for year in range(2018, 2024):
        fresh, committed = read_processed(year, tmp_path), read_processed(year, FIXTURE)
        pd.testing.assert_frame_equal(fresh[0], committed[0])
        pd.testing.assert_frame_equal(fresh[1], committed[1])
