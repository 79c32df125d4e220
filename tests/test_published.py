"""Tests of helpers.data.published: the published-numbers file, its validation, and recomputing numbers.

The processed-data fixture (tests/fixtures/published/) has 10 responses of wave 2023 and one of 2022; the expected
value of every fixture number is worked out by hand in fixtures/published/numbers.yml.
"""

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from helpers.core.formatting import round_half_up
from helpers.data.published import (
    PublishedNumberError,
    check_all,
    compute,
    load_published,
    matches,
    parse_published,
    published_targets,
)

FIXTURES = Path(__file__).parent / "fixtures" / "published"


def _read(name: str) -> pd.DataFrame:
    # Read everything as text first: item must stay "" for single-choice rows, empty values become None.
    data = pd.read_csv(FIXTURES / name, dtype=str, keep_default_na=False)
    data["wave"] = data["wave"].astype(int)
    return data


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    data = _read("responses.csv")
    for column in ("municipality_code", "size_class"):
        data[column] = data[column].replace("", None)
    data["klein"] = data["klein"].map({"True": True, "False": False, "": None}).astype("boolean")
    data["in_frame"] = data["in_frame"] == "True"
    return data


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    data = _read("answers.csv")
    for column in ("value", "text"):
        data[column] = data[column].replace("", None)
    return data


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return _read("frame.csv")


@pytest.fixture(scope="module")
def fixture_numbers() -> dict:
    return {number.id: number for number in load_published(FIXTURES / "numbers.yml")}


def entry(**overrides) -> dict:
    """A valid raw entry (as read from YAML) with some fields replaced."""
    raw = {
        "id": "test_entry",
        "wave": 2023,
        "source": "test",
        "quote": "test",
        "value": 50,
        "measure": "share",
        "question": "vng_topics",
        "item": "website_apps",
        "group": "veel_of_heel_veel",
        "comparison": "rounded",
        "check": "calibrated",
    }
    raw.update(overrides)
    return {key: value for key, value in raw.items() if value is not None}


# ---------------------------------------------------------------------------------------------------------------
# Rounding and comparisons


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (0.5, 0, 1),
        (1.5, 0, 2),
        (2.5, 0, 3),
        (66.5, 0, 67),
        (12.5, 0, 13),
        (0.49, 0, 0),
        (66.49999, 0, 66),
        (100 * 201 / 342, 1, 58.8),
        (14.45, 1, 14.5),  # binary 14.45 is a hair below; reports round the decimal number
    ],
)
def test_round_half_up(x, digits, expected):
    assert round_half_up(x, digits) == expected


def test_round_half_up_differs_from_python_round():
    assert round(2.5) == 2 and round_half_up(2.5) == 3


@pytest.mark.parametrize(
    ("value_range", "bounds", "inside", "outside"),
    [
        ([75, 79.5], "[)", [75, 77, 79.49], [74.99, 79.5, 80]),  # "bijna 80%"
        ([72, 78], "[]", [72, 75, 78], [71.9, 78.1]),  # "ongeveer driekwart"
        ([50, 100], "(]", [50.01, 58.8, 100], [50, 49]),  # "meer dan de helft"
        ([38, 39.5], "()", [38.3], [38, 39.5]),
    ],
)
def test_approx_ranges(value_range, bounds, inside, outside):
    (number,) = parse_published([entry(comparison="approx", range=value_range, bounds=bounds, value=80)])
    assert all(matches(number, x) for x in inside)
    assert not any(matches(number, x) for x in outside)


def test_approx_bounds_default_to_closed():
    (number,) = parse_published([entry(comparison="approx", range=[45, 55])])
    assert number.bounds == "[]" and matches(number, 45) and matches(number, 55)


@pytest.mark.parametrize(
    ("comparison", "value", "computed", "ok"),
    [
        ("rounded", 13, 12.5, True),
        ("rounded", 12, 12.5, False),
        ("exact", 66, 66, True),
        ("exact", 66, 65, False),
        ("min", 100, 100.0, True),
        ("min", 100, 99.5, False),
        ("max", 0, 0, True),
        ("max", 0, 1, False),
    ],
)
def test_comparisons(comparison, value, computed, ok):
    (number,) = parse_published([entry(comparison=comparison, value=value)])
    assert matches(number, computed) is ok


def test_rounded_with_decimals():
    (number,) = parse_published(
        [entry(measure="response_rate", question=None, item=None, group=None, value=58.8, decimals=1)]
    )
    assert matches(number, 100 * 201 / 342)
    assert not matches(number, 100 * 200 / 342)


# ---------------------------------------------------------------------------------------------------------------
# compute() on the hand-made fixture

EXPECTED = {
    "deelnemers": 10,
    "frame": 20,
    "respons": 50.0,
    "klein_deelnemers": 3,
    "uitgevoerd": 40.0,
    "lia_groep": 60.0,
    "uitvoerders_gt50k": 75.0,
    "aandeel_25k_50k": 100 * 2 / 9,
    "lt10k_uitgevoerd": 0,
    "10k_25k_gereed": 1,
    "resultaten_beantwoord": 3,
    "website_alle": 100 * 5 / 9,
    "website_klein": 100 * 2 / 3,
    "vng_klein_beantwoord": 3,
    "wmo_raad_niet": 12.5,
    "alle_werken_samen": 100.0,
    "specifieke_voorbeelden": 100 * 2 / 3,
    "specifieke_voorbeelden_aantal": 2,
    "uitgevoerd_2022": 100.0,
}


@pytest.mark.parametrize("number_id", sorted(EXPECTED))
def test_compute_each_measure(number_id, fixture_numbers, responses, answers, frame):
    number = fixture_numbers[number_id]
    computed = compute(number, responses, answers, frame)
    assert computed == pytest.approx(EXPECTED[number_id])
    assert matches(number, computed)


def test_fixture_covers_every_measure(fixture_numbers):
    from helpers.data.published import MEASURES

    assert {number.measure for number in fixture_numbers.values()} >= set(MEASURES)


def test_compute_ignores_other_waves(fixture_numbers, responses, answers):
    # r99 (2022) carries out a LIA; the 2023 share must not count it.
    assert compute(fixture_numbers["uitgevoerd"], responses, answers) == 40.0
    assert compute(fixture_numbers["uitgevoerd_2022"], responses, answers) == 100.0


def test_matrix_without_item_needs_one_matching_item(fixture_numbers, responses, answers):
    # r09 involves nobody: one 'niet' and nothing else, so not all respondents work with a partner.
    extra = pd.DataFrame(
        [
            {
                "wave": 2023,
                "response_id": "r09",
                "question": "partners",
                "item": "wmo_raad",
                "kind": "answer",
                "value": "niet",
                "text": None,
            }
        ]
    )
    number = fixture_numbers["alle_werken_samen"]
    computed = compute(number, responses, pd.concat([answers, extra], ignore_index=True))
    assert computed == pytest.approx(100 * 8 / 9)
    assert not matches(number, computed)


def test_compute_needs_frame_for_response_rate(fixture_numbers, responses, answers):
    with pytest.raises(ValueError, match="needs the municipality frame"):
        compute(fixture_numbers["respons"], responses, answers)


def test_compute_refuses_empty_base(fixture_numbers, responses, answers):
    no_small = responses.assign(klein=pd.array([False] * len(responses), dtype="boolean"))
    with pytest.raises(ValueError, match="no respondents in the base"):
        compute(fixture_numbers["website_klein"], no_small, answers)


def test_compute_refuses_number_without_measure(fixture_numbers, responses, answers):
    with pytest.raises(ValueError, match="counts open answers"):
        compute(fixture_numbers["open_telling"], responses, answers)


def test_check_all(fixture_numbers, responses, answers, frame):
    numbers = list(fixture_numbers.values())
    result = check_all({2023: responses}, {2023: answers}, {2023: frame}, numbers=numbers)
    assert list(result.columns) == [
        "id",
        "wave",
        "measure",
        "check",
        "published",
        "computed",
        "ok",
        "comparison",
        "reason",
    ]
    assert set(result["wave"]) == {2023}  # only waves with data are checked
    measured = result[result["measure"].notna()]
    assert measured["ok"].tolist() == [True] * len(measured)
    unmeasured = result.set_index("id").loc["open_telling"]
    assert unmeasured["ok"] is None and unmeasured["computed"] is None
    assert unmeasured["reason"] == "counts open answers by content"


def test_check_all_explains_a_failure(fixture_numbers, responses, answers, frame):
    wrong = parse_published(
        [entry(id="wrong", measure="participants", question=None, item=None, group=None, comparison="exact", value=11)]
    )
    missing_frame = fixture_numbers["respons"]
    result = check_all({2023: responses}, {2023: answers}, {}, numbers=[*wrong, missing_frame]).set_index("id")
    assert result.loc["wrong", "ok"] is False
    assert "computed 10" in result.loc["wrong", "reason"] and "== 11" in result.loc["wrong", "reason"]
    assert result.loc["respons", "ok"] is None
    assert "needs the municipality frame" in result.loc["respons", "reason"]


# ---------------------------------------------------------------------------------------------------------------
# Validation against the codebook


@pytest.mark.parametrize(
    ("overrides", "field", "choice"),
    [
        ({"item": "websites"}, "item", "website_apps"),
        ({"group": "veel"}, "group", "veel_of_heel_veel"),
        ({"group": None, "answer": ["heel veel"]}, "answer", "heel_veel"),
        ({"question": "vng_onderwerpen"}, "question", "vng_topics"),
        ({"measure": "percentage"}, "measure", "share"),
        ({"population": "small"}, "population", "klein"),
        ({"comparison": "about"}, "comparison", "approx"),
        ({"check": "calibrate"}, "check", "calibrated"),
        ({"condition": {"lia_phase": ["uitvoering"]}}, "condition.lia_phase", "uitgevoerd"),
        ({"condition": {"domains": ["veel"]}}, "condition", "lia_phase"),
        (
            {"measure": "share_within", "question": None, "item": None, "group": None, "size_classes": ["gt50k"]},
            "size_classes",
            "50k_100k",
        ),
        ({"wave": 2021}, "question", "policy_breadth"),  # vng_topics was not asked in 2021
    ],
)
def test_unknown_code_names_entry_field_and_choices(overrides, field, choice):
    with pytest.raises(PublishedNumberError) as error:
        parse_published([entry(**overrides)])
    message = str(error.value)
    assert "test_entry" in message and f"field '{field}'" in message and choice in message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"group": None}, "answer"),  # a share needs answer codes
        ({"answer": ["veel"]}, "group"),  # answer and group together
        ({"measure": "participants"}, "question"),  # participants take no question
        ({"comparison": "approx"}, "range"),
        ({"bounds": "[)"}, "bounds"),  # bounds only with approx
        ({"check": "frame"}, "reason"),
        ({"measure": None, "check": "not_checkable", "reason": "open text"}, "question"),
        ({"measure": None}, "measure"),
        ({"question": "support_content", "item": "website_apps", "group": None, "answer": ["nulmeting"]}, "item"),
        ({"wave": 2031}, "wave"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_inconsistent_definitions_are_rejected(overrides, field):
    with pytest.raises(PublishedNumberError, match=f"test_entry: field '{field}'"):
        parse_published([entry(**overrides)])


def test_all_errors_are_reported_together():
    with pytest.raises(PublishedNumberError) as error:
        parse_published([entry(id="first", item="x"), entry(id="second", group="y"), entry(id="second")])
    message = str(error.value)
    assert "first: field 'item'" in message and "second: field 'group'" in message
    assert "second: field 'id' is used by an earlier entry" in message


def test_group_resolves_to_codes():
    (scale_group,) = parse_published([entry()])
    assert scale_group.answer_codes == ("veel", "heel_veel")
    (question_group,) = parse_published(
        [entry(question="lia_phase", item=None, group="lia_in_ontwikkeling_of_uitvoering")]
    )
    assert question_group.answer_codes == ("ontwikkelen", "gereed", "uitgevoerd")


# ---------------------------------------------------------------------------------------------------------------
# The real published_numbers.yml


@pytest.fixture(scope="module")
def published():
    return load_published()


def test_published_file_loads_and_references_codebook_codes(published):
    # load_published validates every question, item, answer, group, condition and population code.
    assert len(published) == len({number.id for number in published})
    assert {number.wave for number in published} == {2018, 2019, 2020, 2021, 2022, 2023}


def test_published_file_has_every_2023_table_cell(published):
    ids = {number.id for number in published}
    per_table = Counter(i.split("_")[1] for i in ids if i.startswith("2023_tabel"))
    # Tabel 1-4 have an 'alle' and a 'klein' column (Tabel 1 also the footnote-4 count), Tabel 5 only 'alle'.
    assert per_table == {"tabel1": 23, "tabel2": 12, "tabel3": 12, "tabel4": 16, "tabel5": 6}
    assert "2023_tabel1_website_apps_klein" in ids


def test_published_file_earlier_waves(published):
    by_id = {number.id: number for number in published}
    participants = {n.wave: n.value for n in published if n.measure == "participants"}
    assert participants == {2018: 94, 2021: 173, 2022: 160, 2023: 201}
    assert by_id["2023_s10_responspercentage"].value == 58.8
    assert by_id["2020_s2_frame_gemeenten"].value == 355


def test_published_file_explains_unchecked_numbers(published):
    for number in published:
        if number.check != "calibrated":
            assert number.reason, number.id
        if number.measure is None:
            assert number.check == "not_checkable", number.id


def test_published_targets_are_calibrated_numbers_of_the_wave():
    targets = published_targets(2023)
    assert targets and all(t.wave == 2023 and t.check == "calibrated" for t in targets)
    assert "2023_tabel1_website_apps_klein" in {t.id for t in targets}
    assert "2023_par1_1_lt10k_deelnemers" not in {t.id for t in targets}  # check: frame
