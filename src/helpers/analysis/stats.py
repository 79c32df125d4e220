"""Statistics for the report: intervals, trends, comparisons, panel decomposition, weights and disclosure control.

Every function is pure: it takes counts or tidy DataFrames (as helpers.analysis.tables makes them) and returns numbers, a
small dataclass or a new DataFrame; nothing is read from or written to disk. Shares are given in percent and
differences in percentage points ("pp"), as the report writes them; the inputs are counts of units (municipalities).

- wilson_interval: the Wilson score interval of one share.
- trend_model: a binomial GLM (logit link) of a share on the wave year, optionally adjusted for size class.
- compare_two: two shares compared (z-test or Fisher's exact test) with a Dutch verdict "hoger"/"lager"/"gelijk".
- panel_decomposition, transition_table: the change between two waves split into stayers and joiners/leavers.
- poststratification_weights, weighted_share, raking: weights to the municipality frame and a weighted share with
  its standard error (finite population correction).
- apply_disclosure_rules: small groups merged or suppressed, 0 %/100 % cells in small groups flagged.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from helpers.data.municipalities import SIZE_CLASSES

# statsmodels and scipy are imported where they are used: the disclosure rules and weights, which every chapter
# applies, do not need them, and importing them costs every notebook about a second.

SIZE_CODES = tuple(c.code for c in SIZE_CLASSES)


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    from scipy import stats as sps

    return float(sps.norm.ppf(1 - (1 - level) / 2))


def _check_count(count, n, name: str = "") -> tuple[int, int]:
    if n < 0 or count < 0 or count > n:
        raise ValueError(f"need 0 <= count <= n{name}, got count={count}, n={n}")
    return count, n


# --------------------------------------------------------------------------------------------------------------------
# 1. One share


def wilson_interval(count: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of the share count/n, as (low, high) in percent.

    With p = count/n and z the normal quantile of `level` (1.96 for 95 %):

        centre = (p + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)

    (Wilson 1927; Newcombe 1998, Statistics in Medicine 17:857, method 3). Unlike the Wald interval it stays inside
    [0, 100] and is not empty at 0 % or 100 %. n = 0 gives (nan, nan).
    """
    _check_count(count, n)
    if n == 0:
        return (math.nan, math.nan)
    z = _z(level)
    p = count / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At 0 % and 100 % the bound equals the share; avoid -1e-17 from rounding.
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


# --------------------------------------------------------------------------------------------------------------------
# 2. Trend over waves


@dataclass(frozen=True)
class TrendFit:
    """One binomial GLM (logit) of a share on the wave year.

    odds_ratio, odds_ratio_ci: exp(β_year), the factor by which the odds change per year, with its 95 % Wald interval.
    p_value: Wald test of β_year = 0.
    change_pp, change_pp_ci: average marginal effect of one year, in percentage points per year, with its 95 % interval
      (delta method): AME = Σ n_i β p̂_i (1 - p̂_i) / Σ n_i over the rows of the input (each unit counts once).
    fitted: one row per input row: the input columns plus observed_pct, fitted_pct, fitted_low, fitted_high (95 % band:
      the Wald interval of the linear predictor, transformed by the logistic function, so it stays inside 0-100).
    covariates: the terms of the model besides the intercept ("wave", and "size_class" when adjusted).
    result: the statsmodels GLMResults, for anything else.
    """

    odds_ratio: float
    odds_ratio_ci: tuple[float, float]
    p_value: float
    change_pp: float
    change_pp_ci: tuple[float, float]
    fitted: pd.DataFrame
    covariates: tuple[str, ...]
    result: object = field(repr=False)


@dataclass(frozen=True)
class TrendResult:
    """trend_model's answer: the model on the wave year alone, and (by_size=True) the one adjusted for size class.

    `dropped` counts the input rows left out of the adjusted model because their size class is unknown (they are in
    the overall model).
    """

    overall: TrendFit
    by_size: TrendFit | None = None
    dropped: int = 0


def _design(frame: pd.DataFrame, centre: float, with_size: bool) -> pd.DataFrame:
    design = pd.DataFrame({"const": 1.0, "wave": frame["wave"].astype(float) - centre}, index=frame.index)
    if with_size:
        present = [c for c in SIZE_CODES if c in set(frame["size_class"])]
        for code in present[1:]:  # the first class present is the reference
            design[f"size_class[{code}]"] = (frame["size_class"] == code).astype(float)
    return design


def _fit_trend(frame: pd.DataFrame, centre: float, with_size: bool, level: float = 0.95) -> TrendFit:
    import statsmodels.api as sm  # imported here: about a second, needed only when a model is fitted

    design = _design(frame, centre, with_size)
    count = frame["count"].to_numpy(float)
    n = frame["n"].to_numpy(float)
    endog = np.column_stack([count, n - count])
    result = sm.GLM(endog, design, family=sm.families.Binomial()).fit()
    z = _z(level)
    params = result.params.to_numpy()
    cov = result.cov_params().to_numpy()
    j = list(design.columns).index("wave")
    beta, se = params[j], math.sqrt(cov[j, j])

    x = design.to_numpy()
    eta = x @ params
    p = 1 / (1 + np.exp(-eta))
    weight = n / n.sum()
    # AME and its gradient with respect to the parameters (delta method).
    dp = p * (1 - p)
    ame = float(np.sum(weight * beta * dp))
    gradient = (weight * beta * dp * (1 - 2 * p)) @ x
    gradient[j] += np.sum(weight * dp)
    ame_se = math.sqrt(float(gradient @ cov @ gradient))

    eta_se = np.sqrt(np.einsum("ij,jk,ik->i", x, cov, x))
    fitted = frame.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        fitted["observed_pct"] = 100 * count / n
    fitted["fitted_pct"] = 100 * p
    with np.errstate(over="ignore"):  # a band far out in the tail: exp overflows to inf, the share to 0 or 100
        fitted["fitted_low"] = 100 / (1 + np.exp(-(eta - z * eta_se)))
        fitted["fitted_high"] = 100 / (1 + np.exp(-(eta + z * eta_se)))
    def exp(value: float) -> float:  # (quasi-)separation gives huge coefficients: inf rather than OverflowError
        return math.exp(value) if value < 700 else math.inf

    return TrendFit(
        odds_ratio=exp(beta), odds_ratio_ci=(exp(beta - z * se), exp(beta + z * se)),
        p_value=float(result.pvalues.iloc[j]),
        change_pp=100 * ame, change_pp_ci=(100 * (ame - z * ame_se), 100 * (ame + z * ame_se)),
        fitted=fitted.reset_index(drop=True),
        covariates=("wave", "size_class") if with_size else ("wave",), result=result)


def trend_model(series: pd.DataFrame, by_size: bool = False) -> TrendResult:
    """Binomial GLM (logit link) of a share on the wave year: logit P(yes) = α + β·(wave − mean wave) [+ γ_size].

    `series` has one row per wave (columns wave, count, n), or with by_size=True one row per wave × size class (and a
    column size_class with the codes of SIZE_CLASSES, or NA). The response is (count, n − count), i.e. the units are
    independent Bernoulli trials; waves are years (2018, 2020, ...) so β is per calendar year, not per wave.

    The overall model always uses all rows (with rows per size class it equals the model on the wave totals). With
    by_size=True a second model adds size class as a categorical covariate (reference: the smallest class present),
    so its odds ratio is the trend within size classes, free of a shift in the size mix of the respondents; rows with
    an unknown size class are left out of that model (TrendResult.dropped). Rows with n = 0 are dropped.
    See TrendFit for what is reported (odds ratio, p-value, average marginal effect in points per year, fitted shares).
    """
    required = {"wave", "count", "n"} | ({"size_class"} if by_size else set())
    missing = required - set(series.columns)
    if missing:
        raise ValueError(f"trend_model needs the columns {sorted(required)}; missing {sorted(missing)}")
    frame = series[series["n"] > 0].copy()
    if ((frame["count"] < 0) | (frame["count"] > frame["n"])).any():
        raise ValueError("trend_model: every row needs 0 <= count <= n")
    if frame["wave"].nunique() < 2:
        raise ValueError("trend_model needs at least two waves with respondents")
    centre = float(np.average(frame["wave"].astype(float), weights=frame["n"].astype(float)))
    overall = _fit_trend(frame, centre, with_size=False)
    if not by_size:
        return TrendResult(overall)
    known = frame["size_class"].notna()
    unknown = set(frame.loc[known, "size_class"]) - set(SIZE_CODES)
    if unknown:
        raise ValueError(f"trend_model: unknown size classes {sorted(unknown)}; expected {SIZE_CODES}")
    sized = frame[known].astype({"size_class": object})
    if sized["wave"].nunique() < 2:
        raise ValueError("trend_model(by_size=True) needs at least two waves with a known size class")
    return TrendResult(overall, _fit_trend(sized, centre, with_size=True), dropped=int((~known).sum()))


# --------------------------------------------------------------------------------------------------------------------
# 3. Two shares


@dataclass(frozen=True)
class Comparison:
    """compare_two's answer: share 1 − share 2 in points, its 95 % interval, the test's p-value and the verdict.

    test: "z" (pooled two-proportion z-test, equal to Pearson's chi-square without continuity correction) or "fisher"
    (Fisher's exact test, two-sided). word: "hoger" / "lager" (share 1 significantly above / below share 2) or "gelijk".
    """

    diff_pp: float
    ci_pp: tuple[float, float]
    p_value: float
    test: str
    word: str
    pct1: float
    pct2: float


def compare_two(count1: int, n1: int, count2: int, n2: int, alpha: float = 0.05) -> Comparison:
    """Compare the shares count1/n1 and count2/n2 (independent groups, e.g. two waves or two size classes).

    Rule for the test: the pooled two-proportion z-test, z = (p1 − p2) / sqrt(p(1−p)(1/n1 + 1/n2)) with p the pooled
    share, unless an expected cell count of the 2×2 table (n_g · p or n_g · (1 − p)) is below 5 (Cochran's rule); then
    Fisher's exact test (two-sided). When both shares are 0 % or both are 100 % the p-value is 1.

    The interval of the difference is Newcombe's hybrid score interval (Newcombe 1998, Statistics in Medicine 17:873,
    method 10), built from the two Wilson intervals at level 1 − alpha; it behaves well for small counts too.

    The word follows the p-value only: "gelijk" when p >= alpha, else "hoger" (p1 > p2) or "lager" (p1 < p2). The
    interval and the test are different procedures and can, in borderline cases, disagree about 0.
    """
    _check_count(count1, n1, " (group 1)")
    _check_count(count2, n2, " (group 2)")
    if n1 == 0 or n2 == 0:
        raise ValueError("compare_two needs respondents in both groups (n1 > 0 and n2 > 0)")
    from scipy import stats as sps

    p1, p2 = count1 / n1, count2 / n2
    pooled = (count1 + count2) / (n1 + n2)
    expected = [n * s for n in (n1, n2) for s in (pooled, 1 - pooled)]
    if pooled in (0.0, 1.0):
        test, p_value = "z", 1.0
    elif min(expected) < 5:
        test = "fisher"
        p_value = float(sps.fisher_exact([[count1, n1 - count1], [count2, n2 - count2]])[1])
    else:
        test = "z"
        z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        p_value = float(2 * sps.norm.sf(abs(z)))
    l1, u1 = (v / 100 for v in wilson_interval(count1, n1, 1 - alpha))
    l2, u2 = (v / 100 for v in wilson_interval(count2, n2, 1 - alpha))
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    word = "gelijk" if p_value >= alpha or d == 0 else ("hoger" if d > 0 else "lager")
    return Comparison(diff_pp=100 * d, ci_pp=(100 * low, 100 * high), p_value=p_value, test=test, word=word,
                      pct1=100 * p1, pct2=100 * p2)


# --------------------------------------------------------------------------------------------------------------------
# 4. Panel: stayers, joiners and leavers


@dataclass(frozen=True)
class PanelDecomposition:
    """panel_decomposition's answer, in percentage points (shares in percent); `exact` holds the same as Fractions.

    total_pp = within_pp + composition_pp, composition_pp = joiners_pp + leavers_pp (exactly in `exact`, where the
    values are shares, not points; the floats are those fractions rounded once).
    """

    total_pp: float
    within_pp: float
    composition_pp: float
    joiners_pp: float
    leavers_pp: float
    pct_prev: float
    pct_curr: float
    pct_stayers_prev: float
    pct_stayers_curr: float
    n_prev: int
    n_curr: int
    n_stayers: int
    n_joiners: int
    n_leavers: int
    exact: dict[str, Fraction] = field(repr=False)


def _panel_frame(frame: pd.DataFrame, name: str) -> pd.Series:
    if not {"unit", "indicator"} <= set(frame.columns):
        raise ValueError(f"panel_decomposition: {name} needs the columns unit and indicator")
    frame = frame[frame["indicator"].notna()]
    if frame["unit"].duplicated().any():
        raise ValueError(f"panel_decomposition: {name} has a unit more than once")
    values = frame.set_index("unit")["indicator"]
    if not values.isin([0, 1]).all():
        raise ValueError(f"panel_decomposition: {name}'s indicator must be 0/1 (or bool); NA means not answered")
    if values.empty:
        raise ValueError(f"panel_decomposition: {name} has no units with an answer")
    return values.astype(int)


def panel_decomposition(prev: pd.DataFrame, curr: pd.DataFrame) -> PanelDecomposition:
    """Split the change in a share between two waves into a within part (stayers) and a composition part.

    `prev` and `curr` have one row per unit (columns unit, indicator 0/1); a unit with indicator NA did not answer and
    is left out. S are the stayers (units in both), L the leavers (prev only), J the joiners (curr only); a = |S|/n_prev
    and b = |S|/n_curr are the stayers' shares of each wave, and s0, s1 the stayers' share with indicator 1 in prev and
    curr, pL and pJ that share among leavers and joiners. Then

        p_prev = a·s0 + (1−a)·pL = s0 − (1−a)·(s0 − pL)
        p_curr = b·s1 + (1−b)·pJ = b·(s1 − s0) + s0 + (1−b)·(pJ − s0)

    and subtracting gives the exact additive decomposition used here:

        total       = p_curr − p_prev
        within      = b·(s1 − s0)                   the stayers' change, weighted by their share of the current wave
        joiners     = (1−b)·(pJ − s0)                 joiners differ from what the stayers had
        leavers     = (1−a)·(s0 − pL)                 leavers differed from the stayers
        composition = joiners + leavers = total − within

    The identity holds exactly: the parts are computed as Fractions of the integer counts (`exact`). Without stayers
    s0 is taken as p_prev (so leavers = 0, joiners = total and within = 0).
    """
    y0, y1 = _panel_frame(prev, "prev"), _panel_frame(curr, "curr")
    stay = y0.index.intersection(y1.index)
    leave = y0.index.difference(y1.index)
    join = y1.index.difference(y0.index)
    n0, n1, ns = len(y0), len(y1), len(stay)
    p0, p1 = Fraction(int(y0.sum()), n0), Fraction(int(y1.sum()), n1)
    a, b = Fraction(ns, n0), Fraction(ns, n1)
    if ns:
        s0, s1 = Fraction(int(y0[stay].sum()), ns), Fraction(int(y1[stay].sum()), ns)
    else:
        s0 = s1 = p0
    p_leave = Fraction(int(y0[leave].sum()), len(leave)) if len(leave) else s0
    p_join = Fraction(int(y1[join].sum()), len(join)) if len(join) else s0
    within = b * (s1 - s0)
    joiners = (1 - b) * (p_join - s0)
    leavers = (1 - a) * (s0 - p_leave)
    composition = joiners + leavers
    total = p1 - p0
    if within + composition != total:  # pragma: no cover - the algebra above guarantees it
        raise AssertionError("panel decomposition is not additive")
    exact = {"total": total, "within": within, "composition": composition, "joiners": joiners, "leavers": leavers,
             "p_prev": p0, "p_curr": p1, "stayers_prev": s0, "stayers_curr": s1}
    return PanelDecomposition(
        total_pp=float(100 * total), within_pp=float(100 * within), composition_pp=float(100 * composition),
        joiners_pp=float(100 * joiners), leavers_pp=float(100 * leavers), pct_prev=float(100 * p0),
        pct_curr=float(100 * p1), pct_stayers_prev=float(100 * s0) if ns else math.nan,
        pct_stayers_curr=float(100 * s1) if ns else math.nan, n_prev=n0, n_curr=n1, n_stayers=ns,
        n_joiners=len(join), n_leavers=len(leave), exact=exact)


def transition_table(prev_codes: pd.Series, curr_codes: pd.Series, order: Sequence[Hashable] | None = None,
                     absent: str = "niet deelgenomen", missing: str = "onbekend") -> pd.DataFrame:
    """Counts of units by their code (e.g. LIA phase) in the previous wave (rows) and the current wave (columns).

    `prev_codes` and `curr_codes` are indexed by unit (each unit once). A unit in only one wave counts under `absent`
    in the other (so joiners are the `absent` row and leavers the `absent` column); a unit in a wave with code NA
    counts under `missing`. The order of the codes is `order`, else the categories of a categorical Series, else
    sorted; `missing` and `absent` come last, and only when they occur. The cell absent × absent is always 0.
    Index name "vorige golf", columns name "huidige golf".
    """
    for name, codes in (("prev_codes", prev_codes), ("curr_codes", curr_codes)):
        if codes.index.duplicated().any():
            raise ValueError(f"transition_table: {name} has a unit more than once")
    if order is None:
        categories = [c.cat.categories for c in (prev_codes, curr_codes) if isinstance(c.dtype, pd.CategoricalDtype)]
        if categories:
            order = list(dict.fromkeys(v for cats in categories for v in cats))
        else:
            order = sorted(set(prev_codes.dropna()) | set(curr_codes.dropna()), key=str)
    order = list(order)
    seen = set(prev_codes.dropna()) | set(curr_codes.dropna())
    extra = seen - set(order)
    if extra:
        raise ValueError(f"transition_table: codes not in order: {sorted(map(str, extra))}")
    units = prev_codes.index.union(curr_codes.index)

    def labels(codes: pd.Series) -> pd.Series:
        values = codes.astype(object).where(codes.notna(), missing)
        return values.reindex(units).where(units.isin(codes.index), absent)

    before, after = labels(prev_codes), labels(curr_codes)
    extras = [v for v in (missing, absent) if (before == v).any() or (after == v).any()]
    levels = order + extras
    table = pd.crosstab(pd.Categorical(before, levels), pd.Categorical(after, levels), dropna=False)
    table = table.reindex(index=levels, columns=levels, fill_value=0).astype(int)
    table.index.name, table.columns.name = "vorige golf", "huidige golf"
    return table


# --------------------------------------------------------------------------------------------------------------------
# 5. Weights


def _population(population_counts: Mapping) -> dict:
    population = {k: v for k, v in population_counts.items() if v}
    if any(v < 0 for v in population.values()):
        raise ValueError("population counts cannot be negative")
    return population


def _class_counts(classes: pd.Series, population: Mapping[Hashable, int], caller: str) -> pd.Series:
    """Respondents per class; every class needs a population count, and every class of the population respondents."""
    counts = classes.value_counts()
    unknown = set(counts.index) - set(population)
    if unknown:
        raise ValueError(f"{caller}: classes without a population count: {sorted(map(str, unknown))}")
    empty = [k for k in population if counts.get(k, 0) == 0]
    if empty:
        raise ValueError(f"{caller}: no respondents in class(es) {empty}; these classes cannot be weighted to their "
                         "population - merge them with a neighbouring class")
    return counts


def poststratification_weights(sample_classes: pd.Series, population_counts: Mapping[Hashable, int]) -> pd.Series:
    """Weight N_h / n_h for every unit of class h, so that the weights of a class sum to its population count N_h.

    `sample_classes` holds each respondent's class (e.g. size class), `population_counts` the frame's number of units
    per class (e.g. data/processed/frames.parquet's population_frame per size class). The weights sum to Σ N_h, the
    frame total. Errors: a class of the frame (N_h > 0) without respondents (it cannot be represented: merge classes),
    a respondent with an unknown or missing class, and a class with more respondents than units in the frame.
    Classes with N_h = 0 are ignored. Returns a float Series with the index of `sample_classes`, named "weight".
    """
    population = _population(population_counts)
    if sample_classes.isna().any():
        raise ValueError(f"poststratification_weights: {int(sample_classes.isna().sum())} respondents have no class; "
                         "leave them out or give them a class first")
    counts = _class_counts(sample_classes, population, "poststratification_weights")
    too_many = [k for k in population if counts[k] > population[k]]
    if too_many:
        raise ValueError(f"poststratification_weights: more respondents than population in class(es) {too_many}")
    factor = {k: population[k] / counts[k] for k in population}
    return sample_classes.map(factor).astype(float).rename("weight")


@dataclass(frozen=True)
class WeightedShare:
    """weighted_share's answer: the weighted share in percent, its standard error in points and 95 % interval."""

    pct: float
    se_pp: float
    ci_pp: tuple[float, float]
    n: int
    population: int
    fpc: bool


def weighted_share(indicator: pd.Series, weights: pd.Series, strata: pd.Series,
                   population_counts: Mapping[Hashable, int], fpc: bool = True, level: float = 0.95) -> WeightedShare:
    """Weighted share of `indicator` (0/1 per respondent) with the stratified standard error.

    Point estimate: Σ w_i y_i / Σ w_i; with poststratification_weights this is the stratified estimator
    Σ_h W_h p_h, W_h = N_h / N. Variance (Cochran, Sampling Techniques, 3rd ed., eq. 5.47, stratified random sampling
    of a proportion):

        var = Σ_h W_h² (1 − n_h/N_h) p_h (1 − p_h) / (n_h − 1)

    with (1 − n_h/N_h) the finite population correction (left out with fpc=False). A stratum that is a census
    (n_h = N_h) contributes 0 with the correction; otherwise a stratum needs n_h >= 2. The interval is
    estimate ± z·SE, cut to [0, 100]. The three Series share one index (the respondents); pass only respondents who
    answered (no NA).
    """
    if not (indicator.index.equals(weights.index) and indicator.index.equals(strata.index)):
        raise ValueError("weighted_share: indicator, weights and strata need the same index")
    if indicator.isna().any() or weights.isna().any() or strata.isna().any():
        raise ValueError("weighted_share: no NA allowed; pass only respondents who answered and have a stratum")
    if not indicator.isin([0, 1]).all():
        raise ValueError("weighted_share: indicator must be 0/1")
    population = _population(population_counts)
    y = indicator.astype(float)
    total_n = sum(population.values())
    _class_counts(strata, population, "weighted_share")  # validates the strata
    variance = 0.0
    for h, big_n in population.items():
        y_h = y[strata == h]
        n_h = len(y_h)
        if n_h > big_n:
            raise ValueError(f"weighted_share: stratum {h!r} has more respondents ({n_h}) than population ({big_n})")
        finite = 1 - n_h / big_n if fpc else 1.0
        if finite == 0:
            continue
        if n_h < 2:
            raise ValueError(f"weighted_share: stratum {h!r} has one respondent; its variance cannot be estimated")
        p_h = y_h.mean()
        variance += (big_n / total_n) ** 2 * finite * p_h * (1 - p_h) / (n_h - 1)
    estimate = float(np.sum(weights * y) / np.sum(weights))
    se = math.sqrt(variance)
    z = _z(level)
    return WeightedShare(pct=100 * estimate, se_pp=100 * se,
                         ci_pp=(100 * max(0.0, estimate - z * se), 100 * min(1.0, estimate + z * se)),
                         n=len(y), population=int(total_n), fpc=fpc)


def raking(sample: pd.DataFrame, margins: Mapping[str, Mapping[Hashable, float]], weights: pd.Series | None = None,
           max_iter: int = 100, tol: float = 1e-8) -> pd.Series:
    """Raking (iterative proportional fitting): weights whose sums match every margin, e.g. size class and province.

    `sample` has one row per respondent and a column per margin variable; `margins` maps each column to the population
    count per category; all margins must have the same total. Starting from `weights` (default 1), each step multiplies
    the weights of a category by target / current sum, one variable after the other. It stops when, after a full
    cycle, every category sum is within `tol` (relative) of its target, and raises RuntimeError when that has not
    happened after `max_iter` cycles (margins that contradict each other, e.g. an empty cell combination that the
    margins need). Errors for a category of the sample not in the margins, or a category with a target > 0 and no
    respondents. Returns float weights named "weight" with the index of `sample`.
    """
    if max_iter < 1:
        raise ValueError("raking needs max_iter >= 1")
    totals = {name: float(sum(m.values())) for name, m in margins.items()}
    if not totals:
        raise ValueError("raking needs at least one margin")
    first = next(iter(totals.values()))
    if any(not math.isclose(t, first, rel_tol=1e-9) for t in totals.values()):
        raise ValueError(f"raking: the margins have different totals: {totals}")
    for name, margin in margins.items():
        if name not in sample.columns:
            raise ValueError(f"raking: the sample has no column {name!r}")
        values = sample[name]
        if values.isna().any():
            raise ValueError(f"raking: column {name!r} has missing values")
        unknown = set(values) - set(margin)
        if unknown:
            raise ValueError(f"raking: categories of {name!r} without a margin: {sorted(map(str, unknown))}")
        empty = [k for k, v in margin.items() if v > 0 and not (values == k).any()]
        if empty:
            raise ValueError(f"raking: no respondents in {name!r} = {empty}")
    w = pd.Series(1.0, index=sample.index) if weights is None else weights.astype(float).copy()
    for _ in range(max_iter):
        for name, margin in margins.items():
            sums = w.groupby(sample[name]).sum()
            factor = sample[name].map(lambda k, sums=sums, margin=margin: margin[k] / sums[k] if sums[k] else 0.0)
            w = w * factor.astype(float)
        worst = max(abs(w.groupby(sample[name]).sum().get(k, 0.0) - t) / max(t, 1e-300)
                    for name, margin in margins.items() for k, t in margin.items() if t > 0)
        if worst < tol:
            return w.rename("weight")
    raise RuntimeError(f"raking did not converge in {max_iter} iterations (largest relative margin error {worst:.2g})")


# --------------------------------------------------------------------------------------------------------------------
# 6. Disclosure control

MERGED = "samengevoegd"
SUPPRESSED = "onderdrukt"


def _merge_plan(n_by_group: dict[str, float], min_group: int) -> list[list[str]]:
    """Blocks of adjacent size classes (in SIZE_CODES order, only the classes present) after the merging rule."""
    blocks = [[g] for g in SIZE_CODES if g in n_by_group]
    while len(blocks) > 1:
        sizes = [sum(n_by_group[g] for g in block) for block in blocks]
        small = [i for i, s in enumerate(sizes) if s < min_group]
        if not small:
            break
        i = min(small, key=lambda k: (sizes[k], k))  # the smallest block first; tie: the first in size order
        neighbours = [k for k in (i - 1, i + 1) if 0 <= k < len(blocks)]
        k = min(neighbours, key=lambda k: (sizes[k], k))  # the smaller neighbour; tie: the smaller size class
        lo, hi = sorted((i, k))
        blocks[lo:hi + 1] = [blocks[lo] + blocks[hi]]
    return blocks


def merge_size_classes(n_by_group: Mapping[str, float], min_group: int) -> list[list[str]]:
    """The size classes present in `n_by_group` as blocks of adjacent classes, each with at least `min_group` units
    where possible, by the merging rule of apply_disclosure_rules (also used for the strata of helpers.analysis.weighting)."""
    return _merge_plan(dict(n_by_group), min_group)


def apply_disclosure_rules(table: pd.DataFrame, min_group: int = 5, flag_below: int = 20, caution_below: int = 50,
                           by: Sequence[str] | None = None) -> pd.DataFrame:
    """Apply the report's disclosure rules to a table of shares per group (columns group, n, count, pct, ...).

    The rule, per distribution (the rows with equal values in `by`; default the columns question, item and answer
    that the table has, i.e. one row per group in each):

    1. Merging: a size class (group in SIZE_CODES) with n < min_group is merged with an adjacent size class in
       SIZE_CODES order - of the adjacent classes present, the one with the smaller n; on a tie the smaller size
       class (the one before it). The smallest group is handled first (tie: the smaller size class), and a merged
       group that is still below min_group is merged again, with the classes next to its span. The merged row has
       group "a+b", n and count summed, pct = 100·count/n, a group_label (if any) "label a + label b", and the other
       columns of its first class; it takes the place of its first class. Because n is the base of the question (equal
       for every answer of one group), the same classes merge for every answer of an item.
    2. Suppression: a group with n < min_group that cannot be merged (no other size class present, or a group that is
       not a size class, such as "alle" or "klein") keeps its n, but count and pct become NA.
    3. Flag: a cell of 0 % or 100 % in a group with n < flag_below reveals every member's answer: flag_extreme True.
    4. Caution: a group with n < caution_below gets caution True (a note to read its percentages with care).

    Added columns: disclosure ("" / "samengevoegd" / "onderdrukt"), merged_from (the original groups, "+"-joined),
    flag_extreme, caution and disclosure_note (a Dutch note for the reader, "" when nothing applies).
    """
    missing = {"group", "n", "count", "pct"} - set(table.columns)
    if missing:
        raise ValueError(f"apply_disclosure_rules: missing columns {sorted(missing)}")
    if not min_group <= flag_below <= caution_below:
        raise ValueError("apply_disclosure_rules needs min_group <= flag_below <= caution_below")
    by = [c for c in ("question", "item", "answer") if c in table.columns] if by is None else list(by)
    frame = table.reset_index(drop=True).copy()
    frame["count"] = frame["count"].astype(float)
    frame["pct"] = frame["pct"].astype(float)
    out_rows: list[dict] = []
    groups = frame.groupby(by, sort=False, dropna=False) if by else [((), frame)]
    order_keys: list[int] = []
    for _, part in groups:
        if part["group"].duplicated().any():
            raise ValueError("apply_disclosure_rules: a group occurs twice in one distribution; pass `by`")
        sized = part[part["group"].isin(SIZE_CODES)]
        n_by_group = dict(zip(sized["group"], sized["n"], strict=True))
        plan = {block[0]: block for block in _merge_plan(n_by_group, min_group)}
        merged_away = {g for block in plan.values() for g in block[1:]}
        for position, row in part.iterrows():
            group = row["group"]
            if group in merged_away:
                continue
            record = row.to_dict()
            record["disclosure"], record["merged_from"] = "", str(group)
            block = plan.get(group, [group])
            if len(block) > 1:
                rows = part.set_index("group").loc[block]
                record["group"] = "+".join(block)
                record["merged_from"] = "+".join(block)
                record["n"] = rows["n"].sum()
                record["count"] = float(rows["count"].sum())
                record["pct"] = 100 * record["count"] / record["n"] if record["n"] else math.nan
                if "group_label" in record:
                    record["group_label"] = " + ".join(map(str, rows["group_label"]))
                record["disclosure"] = MERGED
            if record["n"] < min_group:
                record["count"], record["pct"] = math.nan, math.nan
                record["disclosure"] = SUPPRESSED
            out_rows.append(record)
            order_keys.append(position)
    out = pd.DataFrame(out_rows, index=order_keys).sort_index().reset_index(drop=True)
    if out.empty:
        return out.assign(disclosure="", merged_from="", flag_extreme=False, caution=False, disclosure_note="")
    shown = out["disclosure"] != SUPPRESSED
    out["flag_extreme"] = shown & (out["n"] < flag_below) & out["pct"].isin([0.0, 100.0])
    out["caution"] = shown & (out["n"] < caution_below)

    def note(row) -> str:
        parts = []
        if row["disclosure"] == MERGED:
            parts.append(f"groepen samengevoegd ({row['merged_from'].replace('+', ', ')}): te weinig gemeenten")
        elif row["disclosure"] == SUPPRESSED:
            parts.append(f"niet getoond: minder dan {min_group} gemeenten")
        if row["flag_extreme"]:
            parts.append("0 % of 100 % in een kleine groep onthult het antwoord van elke gemeente")
        elif row["caution"]:
            parts.append(f"voorzichtig lezen: minder dan {caution_below} gemeenten")
        return "; ".join(parts)

    out["disclosure_note"] = out.apply(note, axis=1).astype(str)
    return out
