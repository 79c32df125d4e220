"""The report's charts (helpers.report.figures): one theme, labels on every bar, deterministic bytes."""

import re

import matplotlib
import pandas as pd
import pytest

from helpers.report import figures

NBSP = "\u00a0"


def shares(values=(4.0, 23.9, 67.2, 5.0)) -> pd.DataFrame:
    labels = ["Fysiek of zintuiglijk", "Alle inwoners met een beperking", "Breed inclusiebeleid", "Anders"]
    return pd.DataFrame({"answer_label": labels, "pct": list(values), "group_label": "alle gemeenten"})


def two_series() -> pd.DataFrame:
    a = shares().assign(group_label="2022")
    b = shares((5.0, 27.0, 63.1, 5.0)).assign(group_label="2023")
    return pd.concat([a, b], ignore_index=True)


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_same_data_gives_the_same_svg_and_png_bytes():
    one, two = figures.bar_shares(shares()), figures.bar_shares(shares())
    assert figures.svg_bytes(one) == figures.svg_bytes(two)
    assert figures.png_bytes(one) == figures.png_bytes(two)
    other = figures.bar_shares(shares((5.0, 23.9, 66.2, 5.0)))
    assert figures.svg_bytes(other) != figures.svg_bytes(one)


def test_svg_has_no_date_and_png_no_software_stamp():
    svg = figures.svg_bytes(figures.grouped_bars(two_series())).decode("utf-8")
    assert "<dc:date>" not in svg
    png = figures.png_bytes(figures.counts_per_year(pd.DataFrame({"item": ["2022", "2023"], "count": [160, 201]})))
    assert b"Software" not in png and b"matplotlib" not in png.lower()


@pytest.mark.parametrize("make", [
    lambda: figures.bar_shares(shares()),
    lambda: figures.grouped_bars(two_series()),
    lambda: figures.stacked_shares(two_series(), category="group_label", segment="answer_label"),
    lambda: figures.counts_per_year(pd.DataFrame({"item": ["2018", "2023"], "count": [94, 201]})),
])
def test_deterministic_for_every_chart_type(make):
    assert figures.svg_bytes(make()) == figures.svg_bytes(make())


def test_every_bar_carries_its_value_in_dutch_format():
    fig = figures.bar_shares(shares())
    assert texts(fig) == [f"4{NBSP}%", f"24{NBSP}%", f"67{NBSP}%", f"5{NBSP}%"]  # rounded half up
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{v}{NBSP}%" for v in (0, 25, 50, 75, 100)]
    counts = figures.counts_per_year(pd.DataFrame({"item": ["2022", "2023"], "count": [1600, 2010]}))
    assert texts(counts) == ["1.600", "2.010"]


def test_compared_series_differ_in_hatching_and_have_a_legend():
    fig = figures.grouped_bars(two_series(), series_order=["2022", "2023"])
    bars = [patch for patch in fig.axes[0].patches]
    hatches = {patch.get_hatch() or "" for patch in bars}
    assert len(hatches) == 2
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["2022", "2023"]
    assert len(texts(fig)) == 8


def test_stacked_segments_are_labelled_and_hatched():
    data = pd.DataFrame({"group_label": ["klein"] * 3, "answer_label": ["A", "B", "C"], "pct": [70.0, 27.0, 3.0]})
    fig = figures.stacked_shares(data, category_n={"klein": 9})
    assert texts(fig) == [f"70{NBSP}%", f"27{NBSP}%"]  # a segment below 6 % has no room for a label
    assert len({p.get_hatch() or "" for p in fig.axes[0].patches}) == 3
    assert "(n = 9)" in fig.axes[0].get_yticklabels()[0].get_text()


def test_palette_is_okabe_ito():
    fig = figures.grouped_bars(two_series())
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert colours <= {c.lower() for c in figures.OKABE_ITO.values()}


def test_theme_and_long_labels():
    figures.apply_theme()
    assert matplotlib.rcParams["svg.hashsalt"] == figures.SVG_SALT
    assert not matplotlib.rcParams["axes.spines.top"]
    assert "\n" in figures.wrap("Ons beleid maakt onderdeel uit van een breed inclusiebeleid gericht op alle burgers")
    svg = figures.svg_bytes(figures.bar_shares(shares())).decode("utf-8")
    assert re.search(r'<svg[^>]+width="[\d.]+pt"', svg)
