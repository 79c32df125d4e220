"""helpers.analysis.stats against known answers: textbook intervals, a simulated trend, hand-made panels, weights, disclosure.

Textbook values: Newcombe (1998a), "Two-sided confidence intervals for the single proportion: comparison of seven
methods", Statistics in Medicine 17:857-872, Table II (Wilson score interval, method 3); Newcombe (1998b), "Interval
estimation for the difference between independent proportions: comparison of eleven methods", Statistics in Medicine
17:873-890, Table II example (a) 56/70 − 48/80 (hybrid score interval, method 10).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from helpers.analysis import stats
from helpers.analysis.stats import (
    apply_disclosure_rules,
    compare_two,
    panel_decomposition,
    poststratification_weights,
    raking,
    transition_table,
    trend_model,
    weighted_share,
    wilson_interval,
)

# ---------------------------------------------------------------------------------------------------------------------
# 1. Wilson


@pytest.mark.parametrize(("count", "n", "low", "high"), [
    (81, 263, 25.53, 36.62),  # Newcombe 1998a, Table II: 0.2553-0.3662
    (15, 148, 6.24, 16.05),   # 0.0624-0.1605
    (0, 20, 0.00, 16.11),     # 0.0000-0.1611
    (1, 29, 0.61, 17.18),     # 0.0061-0.1718
])
def test_wilson_textbook(count, n, low, high):
    got = wilson_interval(count, n)
    assert got == pytest.approx((low, high), abs=0.006)


def test_wilson_edges():
    assert wilson_interval(20, 20)[1] == 100.0
    assert wilson_interval(0, 20)[0] == 0.0
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    narrow, wide = wilson_interval(81, 263, 0.90), wilson_interval(81, 263, 0.99)
    assert wide[0] < narrow[0] and narrow[1] < wide[1]
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


# ---------------------------------------------------------------------------------------------------------------------
# 2. Trend

WAVES = [2018, 2019, 2020, 2021, 2022, 2023]
TRUE_SLOPE = 0.3


def _simulated(rng: np.random.Generator, n: int = 150) -> pd.DataFrame:
    rows = []
    for wave in WAVES:
        p = 1 / (1 + math.exp(-(-1.2 + TRUE_SLOPE * (wave - 2018))))
        rows.append({"wave": wave, "count": int(rng.binomial(n, p)), "n": n})
    return pd.DataFrame(rows)


def test_trend_recovers_simulated_slope():
    series = _simulated(np.random.default_rng(20240501))
    fit = trend_model(series).overall
    low, high = fit.odds_ratio_ci
    assert low < math.exp(TRUE_SLOPE) < high
    assert low < fit.odds_ratio < high and fit.p_value < 0.001
    assert fit.change_pp_ci[0] < fit.change_pp < fit.change_pp_ci[1]
    # The true average marginal effect over these waves (≈ 6 to 7 points a year) is inside the interval too.
    true_p = np.array([1 / (1 + math.exp(-(-1.2 + TRUE_SLOPE * (w - 2018)))) for w in WAVES])
    true_ame = 100 * TRUE_SLOPE * np.mean(true_p * (1 - true_p))
    assert fit.change_pp_ci[0] < true_ame < fit.change_pp_ci[1]
    band = fit.fitted
    assert list(band["wave"]) == WAVES
    assert ((band["fitted_low"] < band["fitted_pct"]) & (band["fitted_pct"] < band["fitted_high"])).all()
    assert band["fitted_pct"].is_monotonic_increasing


def test_trend_margins_match_statsmodels_logit():
    """The delta-method AME equals statsmodels' get_margeff on the same data, one row per unit."""
    series = _simulated(np.random.default_rng(7))
    fit = trend_model(series).overall
    y = np.concatenate([np.r_[np.ones(c), np.zeros(n - c)] for c, n in zip(series["count"], series["n"], strict=True)])
    x = np.concatenate([np.full(n, w, float) for w, n in zip(series["wave"], series["n"], strict=True)])
    logit = sm.Logit(y, sm.add_constant(x - x.mean())).fit(disp=0)
    margeff = logit.get_margeff(at="overall")
    assert fit.change_pp == pytest.approx(100 * margeff.margeff[0], rel=1e-6)
    low, high = margeff.conf_int()[0]
    assert fit.change_pp_ci == pytest.approx((100 * low, 100 * high), rel=1e-5)
    assert math.log(fit.odds_ratio) == pytest.approx(logit.params[1], rel=1e-6)


def test_trend_by_size():
    rng = np.random.default_rng(11)
    effect = dict(zip(stats.SIZE_CODES, [-0.8, -0.4, 0.0, 0.4, 0.8], strict=True))
    rows = []
    for wave in WAVES:
        for code, shift in effect.items():
            p = 1 / (1 + math.exp(-(-1.0 + shift + TRUE_SLOPE * (wave - 2018))))
            rows.append({"wave": wave, "size_class": code, "count": int(rng.binomial(30, p)), "n": 30})
    rows.append({"wave": 2023, "size_class": pd.NA, "count": 2, "n": 3})
    result = trend_model(pd.DataFrame(rows), by_size=True)
    assert result.dropped == 1
    adjusted = result.by_size
    assert adjusted.covariates == ("wave", "size_class")
    assert adjusted.odds_ratio_ci[0] < math.exp(TRUE_SLOPE) < adjusted.odds_ratio_ci[1]
    assert len(adjusted.result.params) == 2 + 4  # intercept, wave, four size classes against lt10k
    assert len(adjusted.fitted) == 30 and len(result.overall.fitted) == 31
    with pytest.raises(ValueError, match="size_class"):
        trend_model(pd.DataFrame(rows).drop(columns="size_class"), by_size=True)


def test_trend_needs_two_waves():
    with pytest.raises(ValueError, match="two waves"):
        trend_model(pd.DataFrame({"wave": [2023], "count": [3], "n": [10]}))


# ---------------------------------------------------------------------------------------------------------------------
# 3. compare_two


def test_compare_two_z_test_known_answer():
    # 56/70 vs 48/80: pooled p = 104/150, z = 0.2 / sqrt(p(1-p)(1/70 + 1/80)) = 2.6502, two-sided p = 0.00805.
    result = compare_two(56, 70, 48, 80)
    pooled = 104 / 150
    z = 0.2 / math.sqrt(pooled * (1 - pooled) * (1 / 70 + 1 / 80))
    assert z == pytest.approx(2.6502, abs=1e-4)
    assert result.test == "z"
    assert result.p_value == pytest.approx(0.00805, abs=1e-5)
    assert result.p_value == pytest.approx(2 * sps.norm.sf(z))
    # the z-test is Pearson's chi-square without continuity correction
    chi2 = sps.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert result.p_value == pytest.approx(chi2.pvalue)
    assert result.diff_pp == pytest.approx(20.0)
    assert result.ci_pp == pytest.approx((5.24, 33.39), abs=0.006)  # Newcombe 1998b: 0.0524-0.3339
    assert result.word == "hoger"
    assert compare_two(48, 80, 56, 70).word == "lager"


def test_compare_two_not_significant_is_gelijk():
    result = compare_two(30, 60, 33, 60)
    assert result.p_value > 0.05 and result.word == "gelijk"
    assert result.ci_pp[0] < 0 < result.ci_pp[1]
    assert compare_two(0, 10, 0, 12).word == "gelijk"


def test_compare_two_fisher_for_small_counts():
    result = compare_two(9, 10, 3, 10)  # expected cells 4 < 5
    assert result.test == "fisher"
    assert result.p_value == pytest.approx(sps.fisher_exact([[9, 1], [3, 7]])[1])
    assert result.word == "hoger"
    with pytest.raises(ValueError):
        compare_two(1, 0, 1, 5)


# ---------------------------------------------------------------------------------------------------------------------
# 4. Panel


def _frame(values: dict) -> pd.DataFrame:
    return pd.DataFrame({"unit": list(values), "indicator": list(values.values())})


def test_panel_decomposition_hand_example():
    # prev: stayers 1-8 (2 of 8 yes), leavers 9-10 (both yes): p_prev = 4/10
    # curr: stayers 1-8 (4 of 8 yes), joiners 11-14 (1 of 4 yes): p_curr = 5/12
    prev = _frame({**{u: int(u <= 2) for u in range(1, 9)}, 9: 1, 10: 1})
    curr = _frame({**{u: int(u <= 4) for u in range(1, 9)}, 11: 0, 12: 0, 13: 0, 14: 1, 15: pd.NA})
    d = panel_decomposition(prev, curr)
    e = d.exact
    assert e["total"] == Fraction(5, 12) - Fraction(2, 5) == Fraction(1, 60)
    assert e["within"] == Fraction(2, 3) * (Fraction(1, 2) - Fraction(1, 4)) == Fraction(10, 60)
    assert e["joiners"] == 0  # joiners (1/4) are like the stayers were (1/4)
    assert e["leavers"] == Fraction(1, 5) * (Fraction(1, 4) - 1) == Fraction(-9, 60)
    assert e["within"] + e["composition"] == e["total"]  # exact, in fractions
    assert e["joiners"] + e["leavers"] == e["composition"]
    assert (d.n_prev, d.n_curr, d.n_stayers, d.n_joiners, d.n_leavers) == (10, 12, 8, 4, 2)
    assert d.total_pp == pytest.approx(100 / 60)
    assert d.within_pp + d.composition_pp == pytest.approx(d.total_pp, abs=1e-12)
    assert (d.pct_stayers_prev, d.pct_stayers_curr) == (25.0, 50.0)


def test_panel_decomposition_edge_cases():
    same = _frame({1: 1, 2: 0, 3: 0})
    d = panel_decomposition(same, _frame({1: 1, 2: 1, 3: 0}))
    assert d.exact["composition"] == 0 and d.exact["within"] == d.exact["total"] == Fraction(1, 3)
    disjoint = panel_decomposition(_frame({1: 1, 2: 0}), _frame({3: 1, 4: 1}))
    assert disjoint.exact["within"] == 0 and disjoint.exact["composition"] == Fraction(1, 2)
    with pytest.raises(ValueError, match="more than once"):
        panel_decomposition(_frame({1: 1}).pipe(lambda f: pd.concat([f, f])), same)
    with pytest.raises(ValueError, match="0/1"):
        panel_decomposition(_frame({1: 2}), same)


def test_transition_table():
    order = ["fase 1", "fase 2", "fase 3"]
    prev = pd.Series({"a": "fase 1", "b": "fase 1", "c": "fase 2", "d": "fase 3", "e": None})
    curr = pd.Series({"a": "fase 2", "b": "fase 1", "c": "fase 2", "e": "fase 3", "f": "fase 1"})
    table = transition_table(prev, curr, order=order)
    assert list(table.index) == [*order, "onbekend", "niet deelgenomen"]
    assert list(table.columns) == list(table.index)
    assert table.loc["fase 1", "fase 2"] == 1 and table.loc["fase 1", "fase 1"] == 1
    assert table.loc["fase 3", "niet deelgenomen"] == 1  # d left
    assert table.loc["niet deelgenomen", "fase 1"] == 1  # f joined
    assert table.loc["onbekend", "fase 3"] == 1
    assert table.to_numpy().sum() == 6
    assert table.loc["niet deelgenomen", "niet deelgenomen"] == 0
    with pytest.raises(ValueError, match="not in order"):
        transition_table(prev, curr, order=["fase 1"])


# ---------------------------------------------------------------------------------------------------------------------
# 5. Weights

FRAME = {"lt10k": 40, "10k_25k": 120, "25k_50k": 90, "50k_100k": 60, "ge100k": 32}


def _sample(rng: np.random.Generator) -> pd.DataFrame:
    classes = np.repeat(list(FRAME), [12, 50, 45, 30, 20])
    probability = pd.Series(classes).map(dict(zip(FRAME, [0.2, 0.35, 0.5, 0.6, 0.8], strict=True)))
    return pd.DataFrame({"size_class": classes, "y": rng.binomial(1, probability)},
                        index=pd.Index(range(1000, 1000 + len(classes)), name="response_id"))


def test_poststratification_weights_sum_to_frame():
    sample = _sample(np.random.default_rng(3))
    weights = poststratification_weights(sample["size_class"], FRAME)
    assert weights.index.equals(sample.index)
    per_class = weights.groupby(sample["size_class"]).sum()
    for code, total in FRAME.items():
        assert per_class[code] == pytest.approx(total)
    assert weights.sum() == pytest.approx(sum(FRAME.values()))


def test_poststratification_weights_errors():
    sample = _sample(np.random.default_rng(3))
    without_small = sample[sample["size_class"] != "lt10k"]["size_class"]
    with pytest.raises(ValueError, match="no respondents in class.*lt10k"):
        poststratification_weights(without_small, FRAME)
    with pytest.raises(ValueError, match="without a population count"):
        poststratification_weights(pd.Series(["xx"]), FRAME)
    with pytest.raises(ValueError, match="no class"):
        poststratification_weights(pd.Series(["lt10k", None]), FRAME)


def test_weighted_share_known_value_and_fpc():
    # A: N=10, n=5, p=0.4; B: N=30, n=10, p=0.5. W = 0.25, 0.75.
    strata = pd.Series(["A"] * 5 + ["B"] * 10)
    y = pd.Series([1, 1, 0, 0, 0] + [1] * 5 + [0] * 5)
    population = {"A": 10, "B": 30}
    weights = poststratification_weights(strata, population)
    with_fpc = weighted_share(y, weights, strata, population)
    without = weighted_share(y, weights, strata, population, fpc=False)
    assert with_fpc.pct == pytest.approx(47.5)
    var_fpc = 0.25**2 * 0.5 * 0.4 * 0.6 / 4 + 0.75**2 * (2 / 3) * 0.25 / 9
    var_srs = 0.25**2 * 0.4 * 0.6 / 4 + 0.75**2 * 0.25 / 9
    assert with_fpc.se_pp == pytest.approx(100 * math.sqrt(var_fpc))
    assert without.se_pp == pytest.approx(100 * math.sqrt(var_srs))
    assert with_fpc.se_pp < without.se_pp
    assert with_fpc.ci_pp[0] < 47.5 < with_fpc.ci_pp[1]
    assert (with_fpc.ci_pp[1] - with_fpc.ci_pp[0]) < (without.ci_pp[1] - without.ci_pp[0])


def test_weighted_share_fpc_on_simulated_sample():
    sample = _sample(np.random.default_rng(5))
    weights = poststratification_weights(sample["size_class"], FRAME)
    with_fpc = weighted_share(sample["y"], weights, sample["size_class"], FRAME)
    without = weighted_share(sample["y"], weights, sample["size_class"], FRAME, fpc=False)
    expected = sum(FRAME[h] * sample.loc[sample["size_class"] == h, "y"].mean() for h in FRAME) / sum(FRAME.values())
    assert with_fpc.pct == pytest.approx(100 * expected)
    assert 0 < with_fpc.se_pp < without.se_pp
    census = weighted_share(pd.Series([1, 0]), pd.Series([1.0, 1.0]), pd.Series(["A", "A"]), {"A": 2})
    assert census.se_pp == 0.0


def test_raking_matches_margins():
    rng = np.random.default_rng(9)
    sample = pd.DataFrame({"size_class": rng.choice(["klein", "groot"], 200, p=[0.3, 0.7]),
                           "province": rng.choice(["noord", "midden", "zuid"], 200)})
    margins = {"size_class": {"klein": 160, "groot": 182}, "province": {"noord": 100, "midden": 142, "zuid": 100}}
    weights = raking(sample, margins)
    for name, margin in margins.items():
        sums = weights.groupby(sample[name]).sum()
        for key, total in margin.items():
            assert sums[key] == pytest.approx(total, rel=1e-7)
    # one margin only: raking is poststratification
    one = raking(sample, {"size_class": margins["size_class"]})
    assert one.to_numpy() == pytest.approx(poststratification_weights(sample["size_class"], margins["size_class"]))


def test_raking_errors():
    sample = pd.DataFrame({"a": ["x", "y"], "b": ["p", "q"]})  # a and b coincide: margins below contradict
    with pytest.raises(RuntimeError, match="converge"):
        raking(sample, {"a": {"x": 50, "y": 50}, "b": {"p": 30, "q": 70}}, max_iter=50)
    with pytest.raises(ValueError, match="different totals"):
        raking(sample, {"a": {"x": 50, "y": 50}, "b": {"p": 30, "q": 60}})
    with pytest.raises(ValueError, match="no respondents"):
        raking(sample, {"a": {"x": 50, "y": 40, "z": 10}})


# ---------------------------------------------------------------------------------------------------------------------
# 6. Disclosure


def _table(ns: dict, counts: dict | None = None) -> pd.DataFrame:
    counts = counts or {g: n // 2 for g, n in ns.items()}
    return pd.DataFrame({"group": list(ns), "n": list(ns.values()), "count": [counts[g] for g in ns],
                         "pct": [100 * counts[g] / n if n else math.nan for g, n in ns.items()]})


def test_four_municipalities_merged_with_only_neighbour():
    table = _table({"lt10k": 4, "10k_25k": 30, "25k_50k": 60, "50k_100k": 70, "ge100k": 80})
    out = apply_disclosure_rules(table).set_index("group")
    assert list(out.index) == ["lt10k+10k_25k", "25k_50k", "50k_100k", "ge100k"]
    merged = out.loc["lt10k+10k_25k"]
    assert (merged["n"], merged["count"], merged["disclosure"]) == (34, 2 + 15, "samengevoegd")
    assert merged["pct"] == pytest.approx(100 * 17 / 34)
    assert merged["caution"] and "samengevoegd" in merged["disclosure_note"]
    assert (out.loc[["25k_50k", "50k_100k", "ge100k"], "disclosure"] == "").all()


def test_merge_picks_smaller_neighbour_and_breaks_ties_downward():
    out = apply_disclosure_rules(_table({"lt10k": 50, "10k_25k": 30, "25k_50k": 4, "50k_100k": 12, "ge100k": 8}))
    assert "25k_50k+50k_100k" in set(out["group"])
    tie = apply_disclosure_rules(_table({"lt10k": 50, "10k_25k": 12, "25k_50k": 4, "50k_100k": 12, "ge100k": 8}))
    assert "10k_25k+25k_50k" in set(tie["group"])
    # a merged group still below min_group merges again
    chain = apply_disclosure_rules(_table({"lt10k": 2, "10k_25k": 1, "25k_50k": 40}))
    assert list(chain["group"]) == ["lt10k+10k_25k+25k_50k"] and chain["n"].iloc[0] == 43


def test_four_municipalities_without_neighbour_suppressed():
    out = apply_disclosure_rules(_table({"ge100k": 4, "alle": 3, "klein": 40}))
    by_group = out.set_index("group")
    for group in ("ge100k", "alle"):
        row = by_group.loc[group]
        assert row["disclosure"] == "onderdrukt" and math.isnan(row["count"]) and math.isnan(row["pct"])
        assert row["n"] < 5 and not row["flag_extreme"] and "niet getoond" in row["disclosure_note"]
    assert by_group.loc["klein", "disclosure"] == ""


def test_merge_is_the_same_for_every_answer_of_an_item():
    rows = []
    for answer, share in (("ja", 0.25), ("nee", 0.75)):
        for group, n in {"lt10k": 4, "10k_25k": 20, "25k_50k": 8}.items():
            count = round(share * n)
            rows.append({"question": "q1", "item": "", "answer": answer, "group": group, "n": n, "count": count,
                         "pct": 100 * count / n, "group_label": group.upper()})
    out = apply_disclosure_rules(pd.DataFrame(rows))
    assert list(out["group"]) == ["lt10k+10k_25k", "25k_50k"] * 2
    assert list(out["answer"]) == ["ja", "ja", "nee", "nee"]
    assert out.loc[0, "group_label"] == "LT10K + 10K_25K"
    assert out.loc[0, "count"] + out.loc[2, "count"] == 24


def test_extreme_cells_flagged_in_small_groups():
    table = _table({"lt10k": 15, "10k_25k": 12, "25k_50k": 25, "50k_100k": 60, "ge100k": 19},
                   {"lt10k": 15, "10k_25k": 0, "25k_50k": 25, "50k_100k": 60, "ge100k": 10})
    out = apply_disclosure_rules(table).set_index("group")
    assert out.loc["lt10k", "flag_extreme"] and out.loc["10k_25k", "flag_extreme"]  # 100 % and 0 % with n < 20
    assert not out.loc["25k_50k", "flag_extreme"] and out.loc["25k_50k", "caution"]  # 100 % but n = 25
    assert not out.loc["ge100k", "flag_extreme"] and out.loc["ge100k", "caution"]  # n < 20 but not 0/100 %
    assert not out.loc["50k_100k", "flag_extreme"] and not out.loc["50k_100k", "caution"]
    assert out.loc["50k_100k", "disclosure_note"] == ""
    assert "onthult" in out.loc["lt10k", "disclosure_note"]
