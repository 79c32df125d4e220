"""Trend models over the waves (helpers.analysis.trends): the indicator list, the series, the models against simulated series
with a known answer, too few waves, and the tables and texts built from them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import trends
from helpers.data.codebook import codebook
from helpers.data.municipalities import SIZE_CLASSES

SIZES = [c.code for c in SIZE_CLASSES]
WAVES = [2018, 2019, 2020, 2021, 2022, 2023]


def logistic(x):
    return 1 / (1 + np.exp(-x))


def simulated_series(rng, beta: float, size_effects=(0, 0, 0, 0, 0), n_per_class=30, alpha=-0.5) -> pd.DataFrame:
    """Counts per wave and size class from logit P = alpha + beta (wave - 2020.5) + size effect."""
    rows = []
    for wave in WAVES:
        for code, effect in zip(SIZES, size_effects, strict=True):
            p = logistic(alpha + beta * (wave - 2020.5) + effect)
            rows.append({"wave": wave, "size_class": code, "n": n_per_class,
                         "count": int(rng.binomial(n_per_class, p))})
    return pd.DataFrame(rows).astype({"size_class": object})


def true_ame(beta: float, frame: pd.DataFrame, size_effects=(0, 0, 0, 0, 0), alpha=-0.5) -> float:
    effect = dict(zip(SIZES, size_effects, strict=True))
    p = logistic(alpha + beta * (frame["wave"] - 2020.5) + frame["size_class"].map(effect))
    return float(100 * np.sum(frame["n"] * beta * p * (1 - p)) / frame["n"].sum())


INDICATOR = trends.Indicator(id="sim", chapter=2, question="lia_phase", answer="uitgevoerd", label="Gesimuleerd")


# --------------------------------------------------------------------------------------------------------------------
# Models against known answers


def test_a_simulated_trend_is_recovered_within_its_interval_in_95_percent_of_200_series():
    rng = np.random.default_rng(20231)
    beta = 0.3
    covered_or = covered_pp = covered_size = 0
    effects = (-0.8, -0.4, 0.0, 0.4, 0.8)
    runs = 200
    for _ in range(runs):
        flat_mix = simulated_series(rng, beta)
        result = trends.fit(INDICATOR, flat_mix)
        covered_or += result["odds_ratio_low"] <= math.exp(beta) <= result["odds_ratio_high"]
        covered_pp += result["change_pp_low"] <= true_ame(beta, flat_mix) <= result["change_pp_high"]
        with_sizes = simulated_series(rng, beta, effects)
        sized = trends.fit(INDICATOR, with_sizes)  # the size-adjusted model is the true model here
        covered_size += sized["size_odds_ratio_low"] <= math.exp(beta) <= sized["size_odds_ratio_high"]
    for covered in (covered_or, covered_pp, covered_size):
        assert 0.90 <= covered / runs <= 0.99, (covered_or, covered_pp, covered_size)


def test_a_flat_series_is_not_called_a_trend_in_at_least_90_percent_of_200_series():
    rng = np.random.default_rng(7)
    calm = sum(trends.fit(INDICATOR, simulated_series(rng, 0.0))["p_value"] > 0.05 for _ in range(200))
    assert calm >= 180


def test_a_clear_trend_has_the_right_sign_and_a_small_p_value():
    rng = np.random.default_rng(3)
    result = trends.fit(INDICATOR, simulated_series(rng, 0.5, n_per_class=60))
    assert result["p_value"] < 0.001 and result["change_pp_low"] > 0 and result["odds_ratio_low"] > 1
    falling = trends.fit(INDICATOR, simulated_series(rng, -0.5, n_per_class=60))
    assert falling["change_pp_high"] < 0 and falling["odds_ratio_high"] < 1


def test_unknown_size_classes_stay_in_the_overall_model_only():
    rng = np.random.default_rng(11)
    frame = simulated_series(rng, 0.2)
    unknown = pd.DataFrame({"wave": WAVES, "size_class": [None] * 6, "n": [4] * 6, "count": [2] * 6})
    result = trends.fit(INDICATOR, pd.concat([frame, unknown], ignore_index=True).astype({"size_class": object}))
    assert result["size_unknown"] == 24
    assert result["n_per_wave"].startswith("2018: 154;")  # 5 classes x 30 + 4 unknown


# --------------------------------------------------------------------------------------------------------------------
# From processed data: a fake loader with a known series


def fake_loader(shares: dict[int, float], n: int = 100, question="lia_phase", answer="uitgevoerd", other="verkennend"):
    """Processed-data look-alike: per wave n respondents over the size classes (the last one without a size),
    round(share * n) of them answering `answer`."""
    def load(year: int):
        if year not in shares:
            raise FileNotFoundError(year)
        ids = [f"{year}-{i}" for i in range(n)]
        sizes = [SIZES[i % 5] if i < n - 1 else None for i in range(n)]
        responses = pd.DataFrame({"response_id": ids, "size_class": pd.Series(sizes, dtype=object),
                                  "klein": pd.array([None] * n, dtype="boolean")})
        yes = round(shares[year] * n)
        answers = pd.DataFrame({"response_id": ids, "question": question, "item": None, "kind": "answer",
                                "value": [answer if i < yes else other for i in range(n)], "text": None})
        return responses, answers
    return load


def test_analyse_fits_every_indicator_of_the_chapter_with_enough_waves():
    indicators = [INDICATOR, trends.Indicator(id="verkennend", chapter=2, question="lia_phase", answer="verkennend",
                                              label="Verkennend")]
    shares = {2018: 0.05, 2019: 0.1, 2020: 0.2, 2021: 0.27, 2022: 0.34, 2023: 0.40}
    analysis = trends.analyse(2, 2023, fake_loader(shares), indicators=indicators)
    assert list(analysis.table["indicator"]) == ["sim", "verkennend"]
    row = analysis.row("sim")
    assert row["n_waves"] == 6 and row["first_wave"] == 2018 and row["last_wave"] == 2023
    assert row["pct_first"] == pytest.approx(5.0) and row["pct_last"] == pytest.approx(40.0)
    assert row["change_pp"] > 0 and row["p_value"] < 0.001 and row["size_unknown"] == 6
    assert analysis.reworded["sim"] == [2018, 2019, 2020]  # asked about a "plan van aanpak"
    series = analysis.series[analysis.series["indicator"] == "sim"]
    assert list(series["wave"]) == WAVES and (series["pct_low"] <= series["pct"]).all()
    assert (series["pct"] <= series["pct_high"]).all()
    assert set(analysis.curves["indicator"]) == {"sim", "verkennend"}
    # The published 2023 share of LIA uitgevoerd (30 %) is shown next to the measured one.
    assert series.set_index("wave").at[2023, "published"] == 30
    shown = trends.display_table(analysis.table)
    assert list(shown.columns) == ["Onderwerp", "Eerste \u2192 laatste meting (n)", "Procentpunt per jaar (95%-BI)",
                                   "Odds ratio per jaar (95%-BI)", "p",
                                   "Gecorrigeerd voor grootte: procentpunt per jaar (95%-BI); p"]
    assert shown.iloc[0]["Eerste \u2192 laatste meting (n)"].replace("\u00a0", " ") == "5 % \u2192 40 % (100)"
    assert shown.iloc[0]["Odds ratio per jaar (95%-BI)"].count("\u2013") == 1
    assert shown.iloc[0]["p"] == "< 0,001" and shown.iloc[0].iloc[-1].endswith("; p < 0,001")
    book = trends.tabellenboek_table(analysis.table)
    assert {"Verandering per jaar (procentpunt)", "p-waarde", "Odds ratio per jaar"} <= set(book.columns)
    assert book.iloc[0]["group"] == "2018-2023" and book.iloc[0]["n"] == 100
    alt = trends.figure_alt(analysis, ["sim"])
    assert "2018 5 %" in alt.replace("\u00a0", " ") and "procentpunt per jaar" in alt


def test_fewer_than_three_waves_skip_the_model_instead_of_failing():
    shares = {2018: 0.05, 2019: 0.1}
    analysis = trends.analyse(2, 2019, fake_loader(shares), indicators=[INDICATOR])
    assert not analysis.enough and analysis.table.empty and analysis.series.empty
    assert analysis.skipped == [(INDICATOR, [2018, 2019])]
    # A wave without processed data does not count either.
    analysis = trends.analyse(2, 2023, fake_loader({2018: 0.1, 2023: 0.3}), indicators=[INDICATOR])
    assert analysis.skipped == [(INDICATOR, [2018, 2023])]


def test_awareness_qualifies_only_from_its_third_wave():
    cb = codebook()
    bekend = trends.Indicator(id="bekend", chapter=4, question="awareness_idm", answer="ja", label="Bekend")
    assert trends.waves_asking(bekend, cb) == [2020, 2021, 2022, 2023]
    assert trends.waves_asking(bekend, cb, until=2021) == [2020, 2021]
    assert trends.reworded_waves(bekend, [2020, 2021, 2022, 2023], cb) == []


# --------------------------------------------------------------------------------------------------------------------
# The indicator list


def test_the_repository_indicator_list_is_valid_and_covers_chapters_2_to_4():
    indicators = trends.load_indicators()
    assert {i.chapter for i in indicators} == {2, 3, 4}
    ids = {i.id for i in indicators}
    assert {"lia_uitgevoerd", "lia_verkennend", "breed_inclusiebeleid", "bekend_idm"} <= ids
    obstacles = [i for i in indicators if i.question == "obstacles"]
    assert {i.item for i in obstacles} == {it.code for it in codebook().question("obstacles").items if it.in_table}
    assert all(any(i.figure for i in indicators if i.chapter == c) for c in (2, 3, 4))


@pytest.mark.parametrize(("entry", "message"), [
    ("{id: a, chapter: 2, question: nope, answer: x, label: A}", "indicator 'a': unknown question 'nope'"),
    ("{id: b, chapter: 3, question: obstacles, answer: groot_of_zeer_groot, label: B}",
     "indicator 'b': obstacles is a matrix question: name its item"),
    ("{id: c, chapter: 3, question: obstacles, item: geld, answer: groot, label: C}", "unknown item 'geld'"),
    ("{id: d, chapter: 2, question: lia_phase, answer: klaar, label: D}", "unknown answer 'klaar' of lia_phase"),
    ("{id: e, chapter: 2, question: lia_phase, answer: gereed}", "indicator 'e': missing ['label']"),
    ("{id: f, chapter: 2, question: lia_phase, answer: gereed, label: F, colour: red}", "unknown keys ['colour']"),
    ("{id: g, chapter: 2, question: additions, answer: x, label: G}", "additions is an open question"),
    ("{id: h, chapter: 2, question: lia_phase, item: x, answer: gereed, label: H}", "it has no items"),
    ("{id: i, chapter: twee, question: lia_phase, answer: gereed, label: I}", "chapter must be a chapter number"),
])
def test_indicator_errors_name_the_entry(tmp_path, entry, message):
    path = tmp_path / "indicators.yml"
    path.write_text(f"version: 1\nindicators:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(trends.IndicatorError, match=message.replace("[", r"\[").replace("]", r"\]")) as error:
        trends.load_indicators(path)
    assert "indicators.yml" in str(error.value)


def test_every_problem_of_the_file_is_reported_at_once_and_duplicates_are_caught(tmp_path):
    path = tmp_path / "indicators.yml"
    path.write_text("indicators:\n"
                    "  - {id: a, chapter: 2, question: lia_phase, answer: gereed, label: A}\n"
                    "  - {id: a, chapter: 2, question: lia_phase, answer: verkennend, label: A2}\n"
                    "  - {id: b, chapter: 2, question: nope, answer: x, label: B}\n", encoding="utf-8")
    with pytest.raises(trends.IndicatorError) as error:
        trends.load_indicators(path)
    assert "indicator 'a': the id is used twice" in str(error.value)
    assert "indicator 'b': unknown question" in str(error.value)
    path.write_text("indicators: []\n", encoding="utf-8")
    with pytest.raises(trends.IndicatorError, match="at least one entry"):
        trends.load_indicators(path)


# --------------------------------------------------------------------------------------------------------------------
# Formats


def test_dutch_number_formats():
    assert trends.signed(1.234) == "+1,2" and trends.signed(-0.44) == "\u22120,4"
    assert trends.interval(-0.44, 2.31) == "\u22120,4 tot 2,3"
    assert trends.p_text(0.0004) == "< 0,001" and trends.p_text(0.0421) == "0,042" and trends.p_text(0.514) == "0,51"


# --------------------------------------------------------------------------------------------------------------------
# The trend figure (helpers.report.figures.trend_panels)


def _analysis():
    shares = {2018: 0.05, 2019: 0.1, 2020: 0.2, 2021: 0.27, 2022: 0.34, 2023: 0.40}
    other = trends.Indicator(id="verkennend", chapter=2, question="lia_phase", answer="verkennend", label="Verkennend")
    return trends.analyse(2, 2023, fake_loader(shares), indicators=[INDICATOR, other])


def test_trend_figure_is_deterministic_and_marks_published_values():
    from matplotlib.lines import Line2D

    from helpers.report import figures

    analysis = _analysis()
    one = figures.trend_panels(analysis.series, analysis.curves)
    two = figures.trend_panels(analysis.series, analysis.curves)
    assert figures.svg_bytes(one) == figures.svg_bytes(two)
    legend = [t.get_text() for t in one.legends[0].get_texts()]
    assert legend == ["gemeten, met 95%-interval", "trendmodel (logit)", "trendmodel: 95%-band", "gepubliceerd",
                      "gepubliceerd, bij benadering"]
    panel = one.axes[0]
    published = [line for line in panel.get_lines() if isinstance(line, Line2D) and line.get_label() == "gepubliceerd"]
    assert len(published) == 1 and published[0].get_marker() == "D"
    # The exact published shares (2018-2023: 3, 5, 20, 34 and 30 %) are drawn at their waves as points, next to the
    # measured ones; 2021's "iets meer dan een kwart" (published as 25 %, approximately: 25 to 30 %) as a range.
    drawn = dict(zip(map(int, published[0].get_xdata()), map(float, published[0].get_ydata()), strict=True))
    assert drawn == {2018: 3.0, 2019: 5.0, 2020: 20.0, 2022: 34.0, 2023: 30.0}
    ranges = [c for c in panel.collections if c.get_label() == "gepubliceerd, bij benadering"]
    assert len(ranges) == 1
    (segment,) = ranges[0].get_segments()
    assert segment[0][0] == pytest.approx(2021.18) and sorted(segment[:, 1]) == [25.0, 30.0]
    labels = [t.get_text().replace("\u00a0", " ") for t in panel.texts]
    assert labels == ["5 %", "10 %", "20 %", "27 %", "34 %", "40 %"]
    assert [ax.get_title(loc="left") for ax in one.axes if ax.get_visible()] == ["Gesimuleerd", "Verkennend"]
    # No published value: no diamond and no legend entry.
    without = analysis.series.assign(published=float("nan"))
    assert "gepubliceerd" not in [t.get_text() for t in figures.trend_panels(without).legends[0].get_texts()]
    changed = analysis.series.assign(pct=analysis.series["pct"] + 1)
    assert figures.svg_bytes(figures.trend_panels(changed, analysis.curves)) != figures.svg_bytes(one)


def test_a_series_table_is_anchored_on_its_block_not_on_its_hidden_caption():
    """The trend tables are "Tabel T1": the PDF's links must point at the block (the <caption> is hidden in print)."""
    from helpers.publish.fragments import process_fragment
    from helpers.publish.parts import Part

    part = Part(stem="02_x", slug="x", number=2, title="X", kind="chapter")
    manifest = {"items": [{"kind": "tabel", "series": "T", "number": 1, "title": "Trend"}]}
    page = ('<main><h1>2 X</h1><div class="fp-tabel-blok" id="tabel-T1"><p class="fp-caption">Tabel T1<br>Trend</p>'
            '<table><caption>Tabel T1: Trend</caption><tr><td>1</td></tr></table></div></main>')
    rendered = process_fragment(page, part, manifest)
    assert rendered.anchors[("tabel", "T1")] == "x-tabel-T1"
    assert 'class="fp-tabel-blok" id="x-tabel-T1"' in rendered.body and "<caption>Tabel T1" in rendered.body


def test_separation_leaves_the_model_out_instead_of_failing():
    rng = np.random.default_rng(5)
    frame = simulated_series(rng, 0.3)
    frame.loc[frame["size_class"] == "ge100k", "count"] = frame.loc[frame["size_class"] == "ge100k", "n"]  # all yes
    result = trends.fit(INDICATOR, frame)  # a class where everyone said yes carries no trend: the rest estimates it
    assert math.isfinite(result["change_pp"]) and math.isfinite(result["size_change_pp"])
    # Complete separation by year (nobody before 2021, everybody from 2021): the slope runs off to infinity.
    separated = frame.assign(count=np.where(frame["wave"] >= 2021, frame["n"], 0))
    result = trends.fit(INDICATOR, separated)
    assert math.isnan(result["change_pp"]) and math.isnan(result["size_change_pp"])
    assert math.isnan(result["odds_ratio"]) and math.isnan(result["size_p_value"])
    nobody = frame.assign(count=0)
    empty = trends.fit(INDICATOR, nobody)
    assert math.isnan(empty["change_pp"]) and math.isnan(empty["odds_ratio"])
    row = pd.Series({**empty, "label": "x"})
    assert trends.model_sentence(row, "gemeenten x").startswith("Voor het aandeel gemeenten x is geen trend te schatten")
    assert trends.display_table(pd.DataFrame([{**empty, "label": "x"}])).iloc[0]["p"] == "–"


def test_tiny_p_values_keep_their_digits_in_the_tabellenboek():
    book = trends.tabellenboek_table(_analysis().table)
    p = book["p-waarde"].iloc[0]
    assert isinstance(p, str) and "e-" in p and float(p) > 0  # not rounded to 0 by the CSV writer


# --------------------------------------------------------------------------------------------------------------------
# The series' counts in one pass (tables.size_class_counts) are group_share's


def _group_share_counts(responses, answers, indicator, cb):
    from helpers.analysis import tables

    shares = tables.group_share(responses, answers, cb.question(indicator.question), indicator.answer,
                                indicator.item or None, ["alle", *SIZES], cb=cb).set_index("group")
    return shares[["n", "count"]].astype("int64")


def test_size_class_counts_equal_group_share_on_a_fixture():
    from helpers.analysis import tables

    cb = codebook()
    responses, answers = fake_loader({2023: 0.37}, n=53)(2023)
    answers.loc[answers.index[:3], "value"] = None  # three units did not answer
    counts = {}
    for answer in ("uitgevoerd", ("uitgevoerd", "verkennend")):
        fast = tables.size_class_counts(responses, answers, "lia_phase", answer, cb=cb).astype("int64")
        slow = tables.group_share(responses, answers, "lia_phase", answer, None, ["alle", *SIZES],
                                  cb=cb).set_index("group")[["n", "count"]].astype("int64")
        pd.testing.assert_frame_equal(fast, slow, check_names=False)
        counts[answer] = (int(fast.at["alle", "n"]), int(fast.at["alle", "count"]), int(fast["n"].iloc[1:].sum()))
    # 53 units, 20 answered "uitgevoerd" of whom 3 lost their answer; the last unit has no size class
    assert counts == {"uitgevoerd": (50, 17, 49), ("uitgevoerd", "verkennend"): (50, 50, 49)}


def test_size_class_counts_equal_group_share_for_every_indicator_and_wave():
    from pathlib import Path

    from helpers import REPO_ROOT
    from helpers.analysis import tables

    processed = Path(REPO_ROOT) / "data" / "processed"
    if not (processed / "2023" / "answers.parquet").exists():
        pytest.skip("no processed data (make data)")
    cb = codebook()
    load = tables.reader(processed)
    compared = 0
    for indicator in trends.load_indicators(cb=cb):
        for wave in trends.waves_asking(indicator, cb, until=max(cb.waves)):
            responses, answers = load(wave)
            fast = tables.size_class_counts(responses, answers, indicator.question, indicator.answer,
                                            indicator.item or None, cb=cb).astype("int64")
            pd.testing.assert_frame_equal(fast, _group_share_counts(responses, answers, indicator, cb),
                                          check_names=False, obj=f"{indicator.id} {wave}")
            compared += 1
    assert compared > 50
