"""Weighted estimates: the participants weighted to all municipalities of the wave's frame.

The participants are not a random sample of the municipalities: small municipalities take part less often. This
module weights the respondents of a wave to the size-class distribution of every municipality in that wave's frame
(post-stratification, helpers.analysis.stats.poststratification_weights), optionally raked on province as well
(helpers.analysis.stats.raking), and gives each headline indicator (helpers.analysis.panel.INDICATORS) weighted beside unweighted with a
95 % interval that uses the finite population correction: 201 respondents of 342 municipalities are more than half of
the population, so the usual interval would be too wide.

Rules (README, "Weighting"):

- Population counts per size class: helpers.analysis.tables.frame_populations(year), the same inhabitants (size reference
  date) that gave the participants their size class. Municipalities of the frame without a known number of
  inhabitants (2018: the 34 dissolved on 1-1-2019) are outside the weighted population.
- Respondents without a known size class (an unidentifiable name, or a municipality without inhabitants) cannot be
  weighted; the weighted share is over the respondents with a size class, the unweighted one over all respondents
  (as the report counts). `unknown_size` says how many were left out.
- Strata are the size classes, per indicator over the respondents who answered it. A class with fewer than
  MIN_STRATUM respondents is merged with its smaller neighbouring class (as the disclosure rule merges groups,
  helpers.analysis.stats.merge_size_classes): a class with 1 respondent has no variance and would get an extreme weight.
- Unweighted interval: the share of a simple random sample of n from N (N = frame size), var = (1 - n/N) p(1-p)/(n-1).
  Weighted (post-stratified): Cochran's stratified variance with the correction per stratum (stats.weighted_share).
- Raking on province (rake_province=True, CLI --rake-province): the post-stratified weights raked to the province
  counts of the frame as well; provinces with fewer than MIN_STRATUM respondents are pooled into one category
  ("overige provincies", with the smallest other province added while the pool has fewer than MIN_STRATUM). Its interval uses the linearised variance of the weighted mean with the correction
  (1 - n/N) · n/(n-1) · Σ w_i²(y_i - p)² / (Σ w_i)², which ignores the gain of calibration (conservative).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from statistics import NormalDist

import pandas as pd

from helpers.analysis import tables
from helpers.analysis.panel import INDICATORS, Indicator, indicator_values
from helpers.analysis.stats import merge_size_classes, poststratification_weights, raking, weighted_share
from helpers.analysis.trends import asks
from helpers.core import formatting as fmt
from helpers.data import municipalities
from helpers.data.codebook import Codebook, codebook
from helpers.data.processed import read_processed

MIN_STRATUM = 5
OTHER_PROVINCES = "overige provincies"
LEVEL = 0.95


@dataclass(frozen=True)
class Frame:
    """The weighting population of one wave: municipalities per size class and per province (known size only)."""

    year: int
    size: dict[str, int]
    province: dict[str, int]
    total: int          # every municipality of the frame (for the unweighted interval)
    unknown_size: int   # frame municipalities without a size class


def frame_counts(year: int, reference_dir=None, cb: Codebook | None = None) -> Frame:
    """Population counts of wave `year`'s frame for weighting."""
    frame, _, _ = tables.frame_populations(year, reference_dir=reference_dir, cb=cb)
    provinces = municipalities.load_frame(year, reference_dir).set_index("code")["province"]
    known = frame[frame["size_class"].notna()]
    size = {code: int((known["size_class"] == code).sum()) for code in tables.SIZE_CODES}
    province = known["code"].map(provinces).astype(str).value_counts().sort_index()
    return Frame(year=int(year), size={k: v for k, v in size.items() if v},
                 province={str(k): int(v) for k, v in province.items()}, total=len(frame),
                 unknown_size=int(frame["size_class"].isna().sum()))


def _strata(classes: pd.Series, population: dict[str, int]) -> tuple[pd.Series, dict[str, int], list[str]]:
    """Size classes merged until every stratum has MIN_STRATUM respondents: (stratum per respondent, population per
    stratum, the merged strata as "a+b")."""
    counts = {code: int((classes == code).sum()) for code in population}
    blocks = merge_size_classes(counts, MIN_STRATUM)
    stratum_of = {code: "+".join(block) for block in blocks for code in block}
    strata = classes.map(stratum_of)
    stratum_population = {"+".join(block): sum(population[c] for c in block) for block in blocks}
    return strata, stratum_population, ["+".join(b) for b in blocks if len(b) > 1]


def design_weights(classes: pd.Series, frame: Frame, provinces: pd.Series | None = None, *,
                   rake_province: bool = False) -> tuple[pd.Series, pd.Series, dict[str, int], list[str]]:
    """Weights of respondents with a known size class (`classes`, index = respondents): post-stratified to the
    frame's size classes (small classes merged, see _strata), and with rake_province also raked to the frame's
    provinces (`provinces`, same index). Returns (weights, stratum per respondent, population per stratum, merged
    strata). The weights of a stratum sum to its population count, all weights to the frame's known total."""
    strata, population, merged = _strata(classes, frame.size)
    weights = poststratification_weights(strata, population)
    if rake_province:
        if provinces is None:
            raise ValueError("design_weights(rake_province=True) needs the respondents' provinces")
        pooled, margin = _pooled_provinces(provinces, frame.province)
        sample = pd.DataFrame({"stratum": strata, "province": pooled})
        weights = raking(sample, {"stratum": {k: float(v) for k, v in population.items()}, "province": margin},
                         weights=weights)
    return weights, strata, population, merged


def _pooled_provinces(provinces: pd.Series, population: dict[str, int]) -> tuple[pd.Series, dict[str, float]]:
    """Provinces with fewer than MIN_STRATUM respondents pooled into OTHER_PROVINCES; while that pool still has fewer
    than MIN_STRATUM respondents, the province with the fewest respondents joins it (a margin without respondents
    cannot be raked to)."""
    counts = provinces.value_counts()
    small = {p for p in population if counts.get(p, 0) < MIN_STRATUM}
    rest = sorted((p for p in population if p not in small), key=lambda p: (counts.get(p, 0), p))
    while small and rest and sum(counts.get(p, 0) for p in small) < MIN_STRATUM:
        small.add(rest.pop(0))
    pooled = provinces.where(~provinces.isin(small), OTHER_PROVINCES)
    margin: dict[str, float] = {}
    for name, count in population.items():
        key = OTHER_PROVINCES if name in small else name
        margin[key] = margin.get(key, 0) + count
    return pooled, margin


@dataclass(frozen=True)
class Estimate:
    """One indicator, unweighted and weighted, in percent with 95 % intervals (finite population correction)."""

    indicator: str
    label: str
    n: int
    count: int
    pct: float
    ci: tuple[float, float]
    n_weighted: int
    pct_weighted: float
    ci_weighted: tuple[float, float]
    unknown_size: int
    merged_strata: tuple[str, ...]
    method: str

    @property
    def difference_pp(self) -> float:
        return self.pct_weighted - self.pct


def estimate(responses: pd.DataFrame, answers: pd.DataFrame, indicator: Indicator, year: int, *,
             frame: Frame | None = None, rake_province: bool = False, cb: Codebook | None = None) -> Estimate:
    """Unweighted and weighted share of one indicator in wave `year` (module docstring for the rules)."""
    cb = cb or codebook()
    frame = frame or frame_counts(year, cb=cb)
    values = indicator_values(responses, answers, indicator, cb)
    answered = values.notna().to_numpy()
    y = values[answered].astype(int)
    n = len(y)
    if n < 2:
        raise ValueError(f"weighting.estimate: {indicator.id} has {n} answers in {year}; at least 2 are needed")
    one = pd.Series("alle", index=y.index)
    plain = weighted_share(y, pd.Series(1.0, index=y.index), one, {"alle": frame.total}, fpc=True, level=LEVEL)
    classes = responses["size_class"].astype(object).to_numpy()[answered]
    sized = pd.Series(classes, index=y.index)
    known = (sized.notna() & sized.isin(list(frame.size))).to_numpy()
    y_known = y[known]
    provinces = pd.Series(responses["province"].astype(object).to_numpy()[answered], index=y.index)[known]
    weights, strata, population, merged = design_weights(sized[known].astype(str), frame, provinces.astype(str),
                                                         rake_province=rake_province)
    if rake_province:
        p = float((weights * y_known).sum() / weights.sum())
        m, big_n = len(y_known), sum(population.values())
        variance = ((1 - m / big_n) * m / (m - 1) * float(((weights * (y_known - p)) ** 2).sum())
                    / float(weights.sum()) ** 2)
        half = NormalDist().inv_cdf(1 - (1 - LEVEL) / 2) * math.sqrt(variance)
        pct_w, ci_w = 100 * p, (100 * max(0.0, p - half), 100 * min(1.0, p + half))
        method = "grootteklasse en provincie (raking)"
    else:
        result = weighted_share(y_known, weights, strata, population, fpc=True, level=LEVEL)
        pct_w, ci_w = result.pct, result.ci_pp
        method = "grootteklasse"
    return Estimate(indicator=indicator.id, label=indicator.label, n=n, count=int(y.sum()), pct=plain.pct,
                    ci=plain.ci_pp, n_weighted=len(y_known), pct_weighted=pct_w, ci_weighted=ci_w,
                    unknown_size=int((~known).sum()), merged_strata=tuple(merged), method=method)


def estimates(responses: pd.DataFrame, answers: pd.DataFrame, year: int, chapter: int | None = None, *,
              rake_province: bool = False, frame: Frame | None = None, cb: Codebook | None = None) -> pd.DataFrame:
    """One row per headline indicator of `chapter` (all when None) that wave `year` asked: indicator, label, n, count,
    pct, ci_low, ci_high, n_weighted, pct_weighted, ci_weighted_low, ci_weighted_high, difference_pp, unknown_size,
    merged_strata, method."""
    cb = cb or codebook()
    frame = frame or frame_counts(year, cb=cb)
    rows = []
    for indicator in INDICATORS:
        if (chapter is not None and indicator.chapter != chapter) or not asks(indicator, year, cb):
            continue
        e = estimate(responses, answers, indicator, year, frame=frame, rake_province=rake_province, cb=cb)
        rows.append({"indicator": e.indicator, "label": e.label, "n": e.n, "count": e.count, "pct": e.pct,
                     "ci_low": e.ci[0], "ci_high": e.ci[1], "n_weighted": e.n_weighted,
                     "pct_weighted": e.pct_weighted, "ci_weighted_low": e.ci_weighted[0],
                     "ci_weighted_high": e.ci_weighted[1], "difference_pp": e.difference_pp,
                     "unknown_size": e.unknown_size, "merged_strata": ";".join(e.merged_strata), "method": e.method})
    return pd.DataFrame(rows)


def interval(low: float, high: float) -> str:
    """ "26–34 %" (rounded as the report rounds)."""
    return f"{fmt.number(fmt.rounded_pct(low))}–{fmt.pct(high)}"


def display(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the report shows it: indicator, unweighted and weighted share with their intervals, difference."""
    return pd.DataFrame({
        "Indicator": table["label"].to_numpy(),
        "% ongewogen": table["pct"].to_numpy(),
        "95%-BI ongewogen": [interval(a, b) for a, b in zip(table["ci_low"], table["ci_high"], strict=True)],
        "% gewogen": table["pct_weighted"].to_numpy(),
        "95%-BI gewogen": [interval(a, b) for a, b in zip(table["ci_weighted_low"], table["ci_weighted_high"],
                                                           strict=True)],
        "Verschil (pp)": [("+" if v > 0.05 else "−" if v < -0.05 else "") + fmt.number(abs(round(v, 1)), 1)
                          for v in table["difference_pp"]],
        "Basis (n)": table["n"].astype(int).to_numpy(),
    })


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows (helpers.analysis.tables columns) for cijfers and the tabellenboek: per indicator the groups "ongewogen"
    (n, count, pct) and "gewogen" (n with a size class, pct; no count), with the interval columns."""
    records = []
    for row in table.itertuples():
        common = {"question": "", "item": row.indicator, "answer": "", "answer_label": "", "item_label": row.label}
        records.append({**common, "group": "ongewogen", "group_label": "ongewogen", "n": row.n, "count": row.count,
                        "pct": row.pct, "ci_low": row.ci_low, "ci_high": row.ci_high})
        records.append({**common, "group": "gewogen", "group_label": f"gewogen naar {row.method}",
                        "n": row.n_weighted, "count": pd.NA, "pct": row.pct_weighted, "ci_low": row.ci_weighted_low,
                        "ci_high": row.ci_weighted_high})
    frame = pd.DataFrame.from_records(records)
    return frame.astype({"n": "Int64", "count": "Int64"})


def describe(table: pd.DataFrame, frame: Frame, responses: pd.DataFrame) -> str:
    """One Dutch line on what weighting changes: the largest difference in points and its direction, and which size
    class counts most (the class most under-represented among the respondents)."""
    if table.empty:
        return ""
    largest = table.loc[table["difference_pp"].abs().idxmax()]
    total_frame = sum(frame.size.values())
    classes = responses["size_class"].dropna().astype(str)
    ratio = {code: (frame.size[code] / total_frame) / ((classes == code).sum() / len(classes))
             for code in frame.size if (classes == code).any()}
    heaviest = max(ratio, key=ratio.get)
    who = (f"Gemeenten met {tables.SIZE_TEXT[heaviest]} zijn onder de deelnemers het sterkst ondervertegenwoordigd "
           "en tellen na weging het zwaarst mee")
    diff = float(largest["difference_pp"])
    if abs(diff) < 1:
        return (f"{who}; weging naar grootteklasse verandert de percentages nauwelijks: het grootste verschil is "
                f"{fmt.number(abs(round(diff, 1)), 1)} procentpunt ({largest['label']}).")
    direction = "hoger" if diff > 0 else "lager"
    return (f"{who}; weging naar grootteklasse verandert de percentages met hoogstens "
            f"{fmt.number(abs(round(diff, 1)), 1)} procentpunt: gewogen ligt ‘{largest['label']}’ {direction} "
            f"({fmt.pct(largest['pct_weighted'])} tegen {fmt.pct(largest['pct'])} ongewogen).")


def main(argv: list[str] | None = None) -> int:
    """python -m helpers.analysis.weighting --year 2023 [--chapter 2] [--rake-province]: print the weighted table."""
    parser = argparse.ArgumentParser(prog="python -m helpers.analysis.weighting", description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--chapter", type=int, default=None)
    parser.add_argument("--processed", default=None, help="processed data directory (default data/processed)")
    parser.add_argument("--rake-province", action="store_true", help="also rake the weights to the province counts")
    args = parser.parse_args(argv)
    responses, answers, _ = (read_processed(args.year, args.processed) if args.processed
                             else read_processed(args.year))
    table = estimates(responses, answers, args.year, args.chapter, rake_province=args.rake_province)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.drop(columns=["label"]).round(2).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def method_note(table: pd.DataFrame, frame: Frame) -> str:
    """The footnote of a weighted table: what was weighted to what, the intervals, unknown sizes, merged strata."""
    total = sum(frame.size.values())
    parts = [f"Gewogen: de antwoorden tellen zo mee dat elke grootteklasse even zwaar weegt als onder alle "
             f"{fmt.number(total)} gemeenten van {frame.year} met een bekend inwonertal (Bijlage D); ongewogen: alle "
             "deelnemers die de vraag beantwoordden. 95%-betrouwbaarheidsintervallen (BI) die meetellen dat de "
             f"deelnemers een groot deel zijn van alle {fmt.number(frame.total)} gemeenten (tot "
             f"{fmt.pct(100 * int(table['n'].max()) / frame.total)}); daarom smaller dan de marges in de trendfiguur "
             "(Bijlage D)."]
    unknown = int(table["unknown_size"].max()) if len(table) else 0
    if unknown:
        parts.append(f"{fmt.capitalize(fmt.words(unknown))} {'gemeente' if unknown == 1 else 'gemeenten'} zonder "
                     "bekend inwonertal "
                     f"{'telt' if unknown == 1 else 'tellen'} alleen ongewogen mee.")
    merged = sorted({m for value in table["merged_strata"] for m in str(value).split(";") if m})
    if merged:
        labels = [" en ".join(tables.SIZE_TEXT[c] for c in m.split("+")) for m in merged]
        parts.append(f"Grootteklassen met minder dan {MIN_STRATUM} deelnemers zijn voor de weging samengevoegd met "
                     f"de naastliggende klasse: {fmt.join(labels, last='; ')}.")
    return " ".join(parts)
