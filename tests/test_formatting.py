"""Dutch number, percentage, date and list formats (helpers.core.formatting)."""

import datetime as dt

import pandas as pd
import pytest

from helpers.core import formatting as fmt

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "expected"), [
    (30, f"30{NBSP}%"),
    (66.5, f"67{NBSP}%"),  # half up, as the report rounds (Python's round() would give 66)
    (0.5, f"1{NBSP}%"),
    (2.5, f"3{NBSP}%"),
    (100 * 1 / 8, f"13{NBSP}%"),
    (67.164179, f"67{NBSP}%"),
    (0, f"0{NBSP}%"),
    (100, f"100{NBSP}%"),
])
def test_pct_rounds_half_up_with_a_non_breaking_space(value, expected):
    assert fmt.pct(value) == expected


def test_pct_with_decimals_and_missing_values():
    assert fmt.pct(58.77, 1) == f"58,8{NBSP}%"
    assert fmt.pct(14.45, 1) == f"14,5{NBSP}%"  # the shortest repr, not the binary value slightly below
    for missing in (None, float("nan"), pd.NA):
        assert fmt.pct(missing) == "–"


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (10000, 0, "10.000"),
    (342, 0, "342"),
    (1234567, 0, "1.234.567"),
    (2.45, 1, "2,5"),
    (-1500, 0, "-1.500"),
    (1000.25, 2, "1.000,25"),
])
def test_number_uses_dutch_separators(value, digits, expected):
    assert fmt.number(value, digits) == expected


def test_rounded_pct_and_share():
    assert fmt.rounded_pct(52.5) == 53
    assert fmt.rounded_pct(None) is None
    assert fmt.share(1, 8) == 12.5
    assert fmt.share(3, 0) is None


def test_dates():
    assert fmt.date(dt.date(2022, 1, 1)) == "1 januari 2022"
    assert fmt.date("2023-10-31") == "31 oktober 2023"


def test_join():
    assert fmt.join(["a", "b", "c"]) == "a, b en c"
    assert fmt.join(["a", "b"]) == "a en b"
    assert fmt.join(["a"]) == "a"
    assert fmt.join([]) == ""
    assert fmt.join(["a", "b"], "of") == "a of b"


def test_words_and_municipalities():
    assert fmt.words(4) == "vier"
    assert fmt.words(0) == "nul"
    assert fmt.words(201) == "201"
    assert fmt.municipalities(1) == "1 gemeente"
    assert fmt.municipalities(1500) == "1.500 gemeenten"


def test_capitalize_leaves_the_rest_alone():
    assert fmt.capitalize("meer dan de helft") == "Meer dan de helft"
    assert fmt.capitalize("‘manager’ en X") == "‘Manager’ en X"
    assert fmt.capitalize("30 % van") == "30 % van"


@pytest.mark.parametrize(("value", "expected"), [
    (58.8, "meer dan de helft"),
    (23.9, "iets minder dan een kwart"),
    (49.5, "ongeveer de helft"),
    (52, "ruim de helft"),
    (100, "alle"),
    (0, "geen enkele"),
    (4, "minder dan een tiende"),
])
def test_fraction_phrase(value, expected):
    assert fmt.fraction_phrase(value) == expected


def test_direction_and_change():
    assert fmt.direction(67, 63) == "meer"
    assert fmt.direction(30, 34) == "minder"
    assert fmt.direction(30, 30) == "evenveel"
    assert fmt.change_phrase(201, 160) == "een duidelijke stijging"
    assert fmt.change_phrase(160, 173) == "een lichte daling"
    assert fmt.change_phrase(10, 10) == "geen verandering"
    assert fmt.change_phrase(10, 0) == ""
