"""helpers.analysis.weighting: weights that sum to the frame, merged small strata, the finite population correction, raking on
province, and the one line on what weighting changes."""

import math

import pandas as pd
import pytest

from helpers.analysis import panel, weighting
from helpers.analysis.weighting import Frame

FRAME = Frame(year=2023, size={"lt10k": 10, "10k_25k": 40, "25k_50k": 30, "ge100k": 20},
              province={"Utrecht": 60, "Zeeland": 40}, total=104, unknown_size=4)


def _sample(classes, values, provinces=None):
    ids = [f"2023-{i:03d}" for i in range(len(classes))]
    responses = pd.DataFrame({"response_id": ids, "size_class": pd.array(classes, dtype="string"),
                              "province": provinces or ["Utrecht"] * len(classes), "code_2023": ids})
    answers = pd.DataFrame({"response_id": ids, "question": "lia_phase", "kind": "answer", "item": "",
                            "value": values})
    return responses, answers


def test_poststratified_weights_sum_to_the_frame_per_class_and_in_total():
    classes = pd.Series(["lt10k"] * 5 + ["10k_25k"] * 10 + ["25k_50k"] * 6 + ["ge100k"] * 5)
    weights, strata, population, merged = weighting.design_weights(classes, FRAME)
    assert merged == []
    assert weights.sum() == pytest.approx(sum(FRAME.size.values()))
    for code, count in FRAME.size.items():
        assert weights[strata == code].sum() == pytest.approx(count)
    assert weights[classes == "lt10k"].iloc[0] == pytest.approx(10 / 5)


def test_a_class_with_fewer_than_five_respondents_is_merged_with_its_smaller_neighbour():
    classes = pd.Series(["lt10k"] * 2 + ["10k_25k"] * 10 + ["25k_50k"] * 6 + ["ge100k"] * 5)
    weights, strata, population, merged = weighting.design_weights(classes, FRAME)
    assert merged == ["lt10k+10k_25k"]
    assert population["lt10k+10k_25k"] == 50
    assert weights[strata == "lt10k+10k_25k"].sum() == pytest.approx(50)
    assert weights.sum() == pytest.approx(100)


def test_raking_on_province_meets_both_margins():
    classes = pd.Series(["lt10k"] * 5 + ["10k_25k"] * 10 + ["25k_50k"] * 6 + ["ge100k"] * 5)
    provinces = pd.Series(["Utrecht", "Zeeland"] * 13)
    weights, strata, population, _ = weighting.design_weights(classes, FRAME, provinces, rake_province=True)
    assert weights.groupby(provinces).sum().to_dict() == pytest.approx({"Utrecht": 60, "Zeeland": 40}, rel=1e-6)
    assert weights.groupby(strata).sum().to_dict() == pytest.approx(FRAME.size, rel=1e-6)
    with pytest.raises(ValueError, match="provinces"):
        weighting.design_weights(classes, FRAME, rake_province=True)


def test_unweighted_and_weighted_estimates_with_the_finite_population_correction():
    # 26 respondents: 5 lt10k (all exploring), 10 10k_25k (half carrying out), 6 25k_50k, 5 ge100k (all carry out)
    values = (["verkennend"] * 5 + ["uitgevoerd"] * 5 + ["verkennend"] * 5 + ["uitgevoerd"] * 3 + ["gereed"] * 3
              + ["uitgevoerd"] * 5)
    classes = ["lt10k"] * 5 + ["10k_25k"] * 10 + ["25k_50k"] * 6 + ["ge100k"] * 5
    responses, answers = _sample(classes + [None], values + ["uitgevoerd"])  # one respondent without a size class
    e = weighting.estimate(responses, answers, panel.INDICATORS[0], 2023, frame=FRAME)
    n, count = 27, 14
    assert (e.n, e.count, e.n_weighted, e.unknown_size) == (n, count, 26, 1)
    p = count / n
    half = 1.959964 * math.sqrt((1 - n / FRAME.total) * p * (1 - p) / (n - 1))
    assert e.pct == pytest.approx(100 * p)
    assert e.ci == pytest.approx((100 * (p - half), 100 * (p + half)), abs=1e-3)
    # weighted: sum over classes of N_h/N * p_h = (10*0 + 40*0.5 + 30*0.5 + 20*1) / 100
    assert e.pct_weighted == pytest.approx(55.0)
    # Cochran 5.47 with the correction per class: lt10k and ge100k have p_h = 0 and 1 and add nothing
    variance = 0.4 ** 2 * (1 - 10 / 40) * 0.25 / 9 + 0.3 ** 2 * (1 - 6 / 30) * 0.25 / 5
    half = 1.959964 * math.sqrt(variance)
    assert e.ci_weighted == pytest.approx((100 * (0.55 - half), 100 * (0.55 + half)), abs=1e-3)
    raked = weighting.estimate(responses, answers, panel.INDICATORS[0], 2023, frame=FRAME, rake_province=True)
    assert raked.method.startswith("grootteklasse en provincie")
    assert raked.pct_weighted == pytest.approx(55.0)  # one province (pooled): the raked weights stay post-stratified


def test_the_line_on_what_weighting_changes():
    table = pd.DataFrame({"label": ["A", "B"], "pct": [30.0, 50.0], "pct_weighted": [27.5, 50.4],
                          "difference_pp": [-2.5, 0.4]})
    responses = pd.DataFrame({"size_class": ["lt10k"] * 5 + ["10k_25k"] * 30 + ["25k_50k"] * 30 + ["ge100k"] * 35})
    line = weighting.describe(table, FRAME, responses)
    assert "minder dan 10.000 inwoners zijn onder de deelnemers het sterkst ondervertegenwoordigd" in line
    assert "hoogstens 2,5 procentpunt: gewogen ligt ‘A’ lager (28\u00a0% tegen 30\u00a0% ongewogen)" in line
    small = table.assign(difference_pp=[0.3, -0.2])
    assert "nauwelijks" in weighting.describe(small, FRAME, responses)


def test_the_2023_weighted_table_and_the_cli(capsys):
    from helpers.data.processed import read_processed

    try:
        responses, answers, _ = read_processed(2023)
    except FileNotFoundError:
        pytest.skip("no processed data (make data)")
    table = weighting.estimates(responses, answers, 2023, chapter=2)
    assert list(table["indicator"]) == [i.id for i in panel.INDICATORS if i.chapter == 2]
    row = table.set_index("indicator").loc["lia_uitgevoerd"]
    assert (row["n"], row["count"]) == (201, 60)  # as published: 30 % of 201
    assert row["ci_low"] < row["pct_weighted"] < row["ci_high"] + 5
    assert weighting.main(["--year", "2023", "--chapter", "2", "--rake-province"]) == 0
    assert "raking" in capsys.readouterr().out
