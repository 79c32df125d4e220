"""Trend models over the waves: which indicators qualify, their series per wave and size class, the fitted models.

The indicators are data (data/codebook/indicators.yml, read by `load_indicators`): per indicator a question, an item
(matrix questions), an answer code or codebook group (or a multi-choice option), a chapter and a Dutch label. An
indicator enters a report when the waves up to the report's year asked it in at least MIN_WAVES waves (from the
codebook's wave mappings: the question, and its item or option, in data/codebook/waves/<year>.yml) and those waves
have processed data.

Per indicator `series` counts, per wave and size class, the municipalities that answered and those that gave the
answer (helpers.analysis.tables.group_share: the same bases as the chapters' tables); `analyse` fits helpers.analysis.stats.trend_model
on them (logit of the share on the wave year, and a second model adding size class) and returns:

- `table`: one row per indicator (TABLE_COLUMNS): waves, n per wave, first and last share, the yearly change in
  percentage points (average marginal effect) and the odds ratio per year with 95 % intervals and p-value, for both
  models. `display_table` gives the Dutch table the report shows, `tabellenboek_table` the tidy rows with Dutch
  headers for the model columns (cijfers.csv and the tabellenboek).
- `series`: one row per indicator and wave: observed share with its Wilson interval, the fitted share with its 95 %
  band and the published share of that wave where one exists (helpers.analysis.tables.trend's definition).
- `skipped`: indicators of the chapter asked in fewer than MIN_WAVES waves, `reworded`: waves that asked the question
  in other words (2018-2020: "plan van aanpak").

statsmodels is imported only when a model is fitted (helpers.analysis.stats), so importing this module is cheap.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import CODEBOOK_DIR
from helpers.analysis import stats, tables
from helpers.core import formatting as fmt
from helpers.core import yamlfiles
from helpers.data.codebook import Codebook, codebook
from helpers.data.municipalities import SIZE_CLASSES

INDICATORS_FILE = CODEBOOK_DIR / "indicators.yml"
MIN_WAVES = 3
SIZE_CODES = tuple(c.code for c in SIZE_CLASSES)
ENTRY_KEYS = {"id", "chapter", "question", "item", "answer", "label", "figure"}
REQUIRED_KEYS = ("id", "chapter", "question", "answer", "label")

TABLE_COLUMNS = ["indicator", "label", "chapter", "question", "item", "answer", "waves", "n_waves", "n_per_wave",
                 "first_wave", "pct_first", "last_wave", "pct_last", "n_last", "count_last",
                 "change_pp", "change_pp_low", "change_pp_high", "odds_ratio", "odds_ratio_low", "odds_ratio_high",
                 "p_value", "size_change_pp", "size_change_pp_low", "size_change_pp_high", "size_odds_ratio",
                 "size_odds_ratio_low", "size_odds_ratio_high", "size_p_value", "size_unknown"]
SERIES_COLUMNS = ["indicator", "label", "wave", "n", "count", "pct", "pct_low", "pct_high", "fitted_pct",
                  "fitted_low", "fitted_high", "published", "published_low", "published_high", "published_quote",
                  "reworded"]
# Dutch headers of the model columns in the tabellenboek and cijfers (the tidy columns have theirs in helpers.publish.assemble).
TABELLENBOEK_HEADERS = {
    "waves": "Metingen", "n_per_wave": "Basis per meting (n)", "pct_first": "Percentage eerste meting",
    "change_pp": "Verandering per jaar (procentpunt)", "change_pp_low": "95%-BI ondergrens (procentpunt)",
    "change_pp_high": "95%-BI bovengrens (procentpunt)", "odds_ratio": "Odds ratio per jaar",
    "odds_ratio_low": "Odds ratio 95%-BI ondergrens", "odds_ratio_high": "Odds ratio 95%-BI bovengrens",
    "p_value": "p-waarde", "size_change_pp": "Gecorrigeerd voor grootte: verandering per jaar (procentpunt)",
    "size_change_pp_low": "Gecorrigeerd: 95%-BI ondergrens (procentpunt)",
    "size_change_pp_high": "Gecorrigeerd: 95%-BI bovengrens (procentpunt)",
    "size_odds_ratio": "Gecorrigeerd: odds ratio per jaar", "size_odds_ratio_low": "Gecorrigeerd: odds ratio ondergrens",
    "size_odds_ratio_high": "Gecorrigeerd: odds ratio bovengrens", "size_p_value": "Gecorrigeerd: p-waarde",
    "size_unknown": "Zonder bekende grootteklasse (n, niet in gecorrigeerd model)",
}


class IndicatorError(ValueError):
    """indicators.yml contradicts itself or the codebook; the message names the file and every wrong entry."""


@dataclass(frozen=True)
class Indicator:
    id: str
    chapter: int
    question: str
    answer: str
    label: str
    item: str = ""
    figure: bool = False


# --------------------------------------------------------------------------------------------------------------------
# The indicator list


def load_indicators(path: Path | str | None = None, cb: Codebook | None = None,
                    section: str = "indicators") -> tuple[Indicator, ...]:
    """Read and check one list of indicators.yml against the codebook; every problem of the list is reported at once.
    `section`: "indicators" (the trend models) or "headline" (the panel decomposition and the weighted estimates)."""
    path = Path(path) if path is not None else INDICATORS_FILE
    cb = cb or codebook()
    try:
        raw = yamlfiles.load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise IndicatorError(f"{path}: not found; the trend models, the panel and the weighting need the indicator "
                             "list") from None
    entries = raw.get(section)
    if not isinstance(entries, list) or not entries:
        raise IndicatorError(f"{path.name}: needs a list `{section}:` with at least one entry")
    problems: list[str] = []
    out: list[Indicator] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path.name}: indicator {name!r}" if name else f"{path.name}: entry {position}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with {list(REQUIRED_KEYS)}, got {entry!r}")
            continue
        unknown = set(entry) - ENTRY_KEYS
        missing = [k for k in REQUIRED_KEYS if entry.get(k) in (None, "")]
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(ENTRY_KEYS)}")
        if missing:
            problems.append(f"{where}: missing {missing}")
            continue
        problem = _check_entry(entry, cb)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        if name in seen:
            problems.append(f"{where}: the id is used twice")
            continue
        seen.add(name)
        out.append(Indicator(id=str(name), chapter=int(entry["chapter"]), question=str(entry["question"]),
                             answer=str(entry["answer"]), label=" ".join(str(entry["label"]).split()),
                             item=str(entry.get("item") or ""), figure=bool(entry.get("figure", False))))
    if problems:
        raise IndicatorError("\n".join(problems))
    return tuple(out)


def _check_entry(entry: dict, cb: Codebook) -> str:
    """What is wrong with one entry ("" when nothing)."""
    if not str(entry["id"]).replace("_", "").isalnum() or str(entry["id"]) != str(entry["id"]).lower():
        return "the id must be lower case letters, digits and underscores"
    if not isinstance(entry["chapter"], int) or isinstance(entry["chapter"], bool):
        return f"chapter must be a chapter number (2, 3, 4), got {entry['chapter']!r}"
    if entry["question"] not in cb.questions:
        return f"unknown question {entry['question']!r}; see data/codebook/questions.yml"
    q = cb.question(entry["question"])
    if q.type == "open":
        return f"{q.id} is an open question; it has no share to follow"
    item = str(entry.get("item") or "")
    if q.type == "matrix":
        if not item:
            return f"{q.id} is a matrix question: name its item (one of {[i.code for i in q.items]})"
        if item not in {i.code for i in q.items}:
            return f"unknown item {item!r} of {q.id}; items: {[i.code for i in q.items]}"
    elif item:
        return f"{q.id} is a {q.type} question; it has no items (remove item: {item!r})"
    answer = str(entry["answer"])
    answers = {o.code for o in q.options}
    groups = set(q.groups) if q.type != "multi" else set()
    if answer not in answers | groups:
        return (f"unknown answer {answer!r} of {q.id}; answer codes: {sorted(answers)}"
                + (f", groups: {sorted(groups)}" if groups else ""))
    return ""


def of_chapter(chapter: int, indicators: Sequence[Indicator] | None = None) -> list[Indicator]:
    return [i for i in (load_indicators() if indicators is None else indicators) if i.chapter == int(chapter)]


# --------------------------------------------------------------------------------------------------------------------
# Which waves asked an indicator


def waves_asking(indicator: Indicator, cb: Codebook | None = None, until: int | None = None) -> list[int]:
    """The waves (up to `until`) whose mapping asks the indicator's question and, for a matrix question its item,
    for a multi-choice question its option (a wave may list a subset of items or options)."""
    cb = cb or codebook()
    q = cb.question(indicator.question)
    out = []
    for year in sorted(cb.waves):
        if until is not None and year > int(until):
            continue
        wave = cb.wave(year)
        if not wave.asks(q.id):
            continue
        if q.type in ("matrix", "multi"):
            wanted = indicator.item if q.type == "matrix" else indicator.answer
            if wanted not in {c.item for c in wave.columns_for(q.id)}:
                continue
        out.append(year)
    return out


def asks(indicator: Indicator, year: int, cb: Codebook | None = None) -> bool:
    """Did wave `year` ask the indicator (its question and, for a matrix or multi-choice question, its item or
    option)? An item new in a later wave, or dropped in this one, has no value to estimate or compare."""
    return int(year) in waves_asking(indicator, cb, until=int(year))


def reworded_waves(indicator: Indicator, waves: Sequence[int], cb: Codebook | None = None) -> list[int]:
    """Waves whose mapping gives the question, or the indicator's answers or item, other words (`text`,
    `relabel`, `item_relabel` in data/codebook/waves/<year>.yml): e.g. 2018-2020 asked about a "plan van aanpak"."""
    cb = cb or codebook()
    q = cb.question(indicator.question)
    codes = set(_codes(indicator, cb)) | {indicator.answer}
    out = []
    for year in waves:
        raw = yamlfiles.load(Path(cb.wave(year).source).read_text(encoding="utf-8")) or {}
        entry = (raw.get("questions") or {}).get(q.id) or {}
        if entry.get("text") or codes & set(entry.get("relabel") or {}) \
                or (indicator.item and indicator.item in (entry.get("item_relabel") or {})):
            out.append(int(year))
    return out


def _codes(indicator: Indicator, cb: Codebook) -> tuple[str, ...]:
    return tables._codes(cb.question(indicator.question), indicator.answer)[2]


# --------------------------------------------------------------------------------------------------------------------
# Series and models


def series(indicator: Indicator, waves: Sequence[int], load: tables.Loader, cb: Codebook | None = None
           ) -> pd.DataFrame:
    """Per wave and size class: n (answered) and count (gave the answer); size_class <NA> for the municipalities
    without a known size. Columns wave, size_class, n, count; rows with n = 0 are left out."""
    cb = cb or codebook()
    q = cb.question(indicator.question)
    records = []
    for wave in waves:
        responses, answers = load(int(wave))
        shares = tables.size_class_counts(responses, answers, q, indicator.answer, indicator.item or None, cb=cb)
        known_n = known_count = 0
        for code in SIZE_CODES:
            n, count = int(shares.at[code, "n"]), int(shares.at[code, "count"])
            known_n, known_count = known_n + n, known_count + count
            records.append({"wave": int(wave), "size_class": code, "n": n, "count": count})
        records.append({"wave": int(wave), "size_class": None, "n": int(shares.at["alle", "n"]) - known_n,
                        "count": int(shares.at["alle", "count"]) - known_count})
    frame = pd.DataFrame.from_records(records, columns=["wave", "size_class", "n", "count"])
    frame = frame[frame["n"] > 0].reset_index(drop=True)
    return frame.astype({"wave": "int64", "n": "int64", "count": "int64", "size_class": object})


def per_wave(frame: pd.DataFrame) -> pd.DataFrame:
    """The wave totals of a `series` result: wave, n, count."""
    return frame.groupby("wave", as_index=False)[["n", "count"]].sum().astype("int64")


@dataclass
class TrendAnalysis:
    """`analyse`'s answer for one chapter and report year (see the module docstring)."""

    year: int
    table: pd.DataFrame
    series: pd.DataFrame
    curves: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped: list[tuple[Indicator, list[int]]] = field(default_factory=list)
    reworded: dict[str, list[int]] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        """At least one indicator with MIN_WAVES waves or more."""
        return len(self.table) > 0

    def row(self, indicator_id: str) -> pd.Series:
        rows = self.table[self.table["indicator"] == indicator_id]
        if rows.empty:
            raise KeyError(f"no trend for {indicator_id!r} in {self.year}; "
                           f"indicators with a trend: {list(self.table['indicator'])}")
        return rows.iloc[0]

    def waves(self) -> list[int]:
        return sorted(set(self.series["wave"])) if len(self.series) else []


def fit(indicator: Indicator, frame: pd.DataFrame) -> dict:
    """The models of one indicator's `series`: a dict with the model columns of TABLE_COLUMNS, and `fitted` (the
    overall model's fitted share per wave)."""
    totals = per_wave(frame)
    # Separation (all or none gave the answer) is handled below; statsmodels forces its warning to "always", so it is
    # recorded here and dropped rather than filtered.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("ignore")
        result = stats.trend_model(frame, by_size=True)
    overall, sized = result.overall, result.by_size
    fitted = overall.fitted.groupby("wave", as_index=False).first()[["wave", "fitted_pct", "fitted_low",
                                                                      "fitted_high"]]
    centre = float((totals["wave"] * totals["n"]).sum() / totals["n"].sum())  # as stats.trend_model centres
    first, last = totals.iloc[0], totals.iloc[-1]
    out = {
        "waves": ", ".join(str(w) for w in totals["wave"]), "n_waves": len(totals),
        "n_per_wave": "; ".join(f"{w}: {n}" for w, n in zip(totals["wave"], totals["n"], strict=True)),
        "first_wave": int(first["wave"]), "pct_first": 100 * first["count"] / first["n"],
        "last_wave": int(last["wave"]), "pct_last": 100 * last["count"] / last["n"],
        "n_last": int(last["n"]), "count_last": int(last["count"]),
        "change_pp": overall.change_pp, "change_pp_low": overall.change_pp_ci[0],
        "change_pp_high": overall.change_pp_ci[1], "odds_ratio": overall.odds_ratio,
        "odds_ratio_low": overall.odds_ratio_ci[0], "odds_ratio_high": overall.odds_ratio_ci[1],
        "p_value": overall.p_value, "size_change_pp": sized.change_pp, "size_change_pp_low": sized.change_pp_ci[0],
        "size_change_pp_high": sized.change_pp_ci[1], "size_odds_ratio": sized.odds_ratio,
        "size_odds_ratio_low": sized.odds_ratio_ci[0], "size_odds_ratio_high": sized.odds_ratio_ci[1],
        "size_p_value": sized.p_value, "size_unknown": int(frame.loc[frame["size_class"].isna(), "n"].sum()),
        "fitted": fitted, "curve": curve(overall.result, centre, int(first["wave"]), int(last["wave"])),
    }
    # A model is not estimable under (quasi-)separation, e.g. a size class in which every municipality, or none, gave
    # the answer in every wave: the coefficients run off and their standard errors explode. Its numbers are left out.
    for prefix, model in (("", overall), ("size_", sized)):
        if not estimable(model):
            for column in ("change_pp", "change_pp_low", "change_pp_high", "odds_ratio", "odds_ratio_low",
                           "odds_ratio_high", "p_value"):
                out[f"{prefix}{column}"] = math.nan
    return out


MAX_SE = 5.0  # standard error of the log odds ratio per year beyond which a model is taken as not estimable


def estimable(model) -> bool:
    """Did the model converge to finite estimates with a sensible standard error of the year coefficient?"""
    values = [model.change_pp, *model.change_pp_ci, model.odds_ratio, *model.odds_ratio_ci, model.p_value]
    se = float(model.result.bse["wave"])
    return all(math.isfinite(v) for v in values) and se < MAX_SE


def curve(result, centre: float, first: int, last: int, steps_per_year: int = 4, level: float = 0.95
          ) -> pd.DataFrame:
    """The fitted share of a wave-only model (stats.TrendFit.result) on a grid of years from `first` to `last`, with
    its 95 % band (Wald interval of the linear predictor through the logistic function): year, fitted_pct,
    fitted_low, fitted_high."""
    import numpy as np
    from scipy.stats import norm

    years = np.linspace(first, last, (last - first) * steps_per_year + 1)
    x = np.column_stack([np.ones_like(years), years - centre])
    params = np.asarray(result.params, dtype=float)
    cov = np.asarray(result.cov_params(), dtype=float)
    eta = x @ params
    se = np.sqrt(np.einsum("ij,jk,ik->i", x, cov, x))
    z = float(norm.ppf(1 - (1 - level) / 2))
    with np.errstate(over="ignore"):  # far in the tail exp overflows to inf: the share is then 0 or 100
        shares = [100 / (1 + np.exp(-v)) for v in (eta, eta - z * se, eta + z * se)]
    return pd.DataFrame({"year": years, "fitted_pct": shares[0], "fitted_low": shares[1], "fitted_high": shares[2]})


def analyse(chapter: int, year: int, load: tables.Loader, *, available: Sequence[int] | None = None,
            cb: Codebook | None = None, indicators: Sequence[Indicator] | None = None,
            published_path: Path | str | None = None) -> TrendAnalysis:
    """Trend models of every indicator of `chapter` for the report of `year`: the waves up to `year` that asked it
    and have processed data (`available`, default: every codebook wave `load` can read)."""
    cb = cb or codebook()
    chosen = of_chapter(chapter, load_indicators(cb=cb) if indicators is None else indicators)
    if available is None:
        available = [w for w in sorted(cb.waves) if w <= int(year) and tables._available(load, w)]
    available = {int(w) for w in available}
    numbers = tables._published(published_path)
    rows, series_rows, curve_frames, skipped, reworded = [], [], [], [], {}
    for indicator in chosen:
        waves = [w for w in waves_asking(indicator, cb, until=year) if w in available]
        if len(waves) < MIN_WAVES:
            skipped.append((indicator, waves))
            continue
        frame = series(indicator, waves, load, cb)
        waves = sorted(set(frame["wave"]))
        if len(waves) < MIN_WAVES:
            skipped.append((indicator, waves))
            continue
        changed = reworded_waves(indicator, waves, cb)
        if changed:
            reworded[indicator.id] = changed
        result = fit(indicator, frame)
        fitted = result.pop("fitted").set_index("wave")
        curve_frames.append(result.pop("curve").assign(indicator=indicator.id))
        q = cb.question(indicator.question)
        codes = _codes(indicator, cb)
        rows.append({"indicator": indicator.id, "label": indicator.label, "chapter": indicator.chapter,
                     "question": indicator.question, "item": indicator.item, "answer": indicator.answer, **result})
        for wave_row in per_wave(frame).itertuples():
            low, high = stats.wilson_interval(int(wave_row.count), int(wave_row.n))
            published = tables._published_share(numbers, int(wave_row.wave), q, indicator.item, codes, "alle")
            series_rows.append({
                "indicator": indicator.id, "label": indicator.label, "wave": int(wave_row.wave), "n": int(wave_row.n),
                "count": int(wave_row.count), "pct": 100 * wave_row.count / wave_row.n, "pct_low": low,
                "pct_high": high, "fitted_pct": float(fitted.at[wave_row.wave, "fitted_pct"]),
                "fitted_low": float(fitted.at[wave_row.wave, "fitted_low"]),
                "fitted_high": float(fitted.at[wave_row.wave, "fitted_high"]),
                "published": float(published.value) if published is not None else math.nan,
                # an approximate published share ("iets meer dan een kwart") is a range, drawn as one
                **dict(zip(("published_low", "published_high"),
                           published.range if published is not None and published.comparison == "approx"
                           and published.range is not None else (math.nan, math.nan), strict=True)),
                "published_quote": published.quote if published is not None else "",
                "reworded": int(wave_row.wave) in changed})
    table = pd.DataFrame.from_records(rows, columns=TABLE_COLUMNS)
    series_frame = pd.DataFrame.from_records(series_rows, columns=SERIES_COLUMNS)
    curves = (pd.concat(curve_frames, ignore_index=True) if curve_frames
              else pd.DataFrame(columns=["year", "fitted_pct", "fitted_low", "fitted_high", "indicator"]))
    return TrendAnalysis(year=int(year), table=table, series=series_frame, curves=curves, skipped=skipped,
                         reworded=reworded, indicators=chosen)


# --------------------------------------------------------------------------------------------------------------------
# Showing the results


def decimal(value: float, digits: int = 1) -> str:
    """ "1,2", "−0,4" (a real minus sign), "–" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = fmt.number(float(value), digits)
    return text.replace("-", "\u2212")


def signed(value: float, digits: int = 1) -> str:
    """ "+1,2", "−0,4", "0,0"."""
    text = decimal(value, digits)
    return text if text.startswith(("\u2212", "–")) or float(value) == 0 else f"+{text}"


def interval(low: float, high: float, digits: int = 1) -> str:
    """ "−0,4 tot 2,3" """
    return f"{decimal(low, digits)} tot {decimal(high, digits)}"


def p_text(p: float) -> str:
    """ "< 0,001", "0,042", "0,51" (three decimals below 0,1, else two)."""
    if p is None or math.isnan(p):
        return "–"
    if p < 0.001:
        return "< 0,001"
    return decimal(p, 3 if p < 0.1 else 2)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table the report shows: one row per indicator, Dutch headers, numbers as text. Six short columns, so that
    it fits an A4 page; the waves are in the title and the note, the odds ratio of the size-adjusted model and every
    bound as a number are in the tabellenboek. An indicator asked in fewer waves says from when ("vanaf 2020: ")."""
    rows = []
    earliest = int(table["first_wave"].min()) if len(table) else None
    for row in table.itertuples():
        since = f"vanaf {row.first_wave}: " if row.first_wave != earliest else ""  # asked in fewer waves
        rows.append({
            "Onderwerp": row.label,
            "Eerste → laatste meting (n)": (f"{since}{fmt.pct(row.pct_first)} → {fmt.pct(row.pct_last)} "
                                               f"({fmt.number(row.n_last)})"),
            "Procentpunt per jaar (95%-BI)": f"{signed(row.change_pp)} ({interval(row.change_pp_low, row.change_pp_high)})",
            "Odds ratio per jaar (95%-BI)": (f"{decimal(row.odds_ratio, 2)} ({decimal(row.odds_ratio_low, 2)}"
                                             f"–{decimal(row.odds_ratio_high, 2)})"),
            "p": p_text(row.p_value),
            "Gecorrigeerd voor grootte: procentpunt per jaar (95%-BI); p": (
                f"{signed(row.size_change_pp)} ({interval(row.size_change_pp_low, row.size_change_pp_high)}); "
                f"p {_p_phrase(row.size_p_value)}"),
        })
    return pd.DataFrame(rows)


def tabellenboek_table(table: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """Tidy rows for cijfers.csv and the tabellenboek: question, item (the indicator id), answer, labels, group (the
    span of waves), n / count / pct of the last wave, then the model columns under Dutch headers."""
    cb = cb or codebook()
    frame = pd.DataFrame({
        "question": table["question"].astype(str), "item": table["indicator"].astype(str),
        "answer": table["answer"].astype(str),
        "answer_label": [tables._codes(cb.question(q), a)[1] for q, a in zip(table["question"], table["answer"],
                                                                             strict=True)],
        "group": [f"{a}-{b}" for a, b in zip(table["first_wave"], table["last_wave"], strict=True)],
        "n": table["n_last"].astype("int64"), "count": table["count_last"].astype("int64"),
        "pct": table["pct_last"].astype(float), "item_label": table["label"].astype(str),
        "group_label": [f"laatste meting ({b}), trend {a}-{b}" for a, b in zip(table["first_wave"], table["last_wave"],
                                                                               strict=True)],
    })
    for column, header in TABELLENBOEK_HEADERS.items():
        frame[header] = table[column].to_numpy()
    for column in ("p_value", "size_p_value"):  # three significant digits: a p of 1e-12 must not be written as 0
        frame[TABELLENBOEK_HEADERS[column]] = ["" if math.isnan(p) else f"{p:.3g}" for p in table[column]]
    return frame


def figure_data(series_frame: pd.DataFrame) -> pd.DataFrame:
    """The trend figure's data as tidy rows (one per indicator and wave) for cijfers.csv and the table under the
    figure: item = indicator id, group = wave, plus the interval, the fitted share and the published share."""
    return pd.DataFrame({
        "question": "", "item": series_frame["indicator"].astype(str), "answer": "",
        "answer_label": "", "group": series_frame["wave"].astype(str), "n": series_frame["n"].astype("int64"),
        "count": series_frame["count"].astype("int64"), "pct": series_frame["pct"].astype(float),
        "item_label": series_frame["label"].astype(str), "group_label": series_frame["wave"].astype(str),
        "pct_low": series_frame["pct_low"], "pct_high": series_frame["pct_high"],
        "pct_fitted": series_frame["fitted_pct"], "pct_fitted_low": series_frame["fitted_low"],
        "pct_fitted_high": series_frame["fitted_high"], "pct_published": series_frame["published"],
    })


def model_sentence(row: pd.Series, what: str) -> str:
    """One plain Dutch sentence with the yearly change of an indicator, the direction word only when the model finds
    it: "Het aandeel gemeenten dat ... steeg van 2018 tot en met 2023 gemiddeld met 6,4 procentpunt per jaar: een
    significante stijging (marge 4,7 tot 8,1 procentpunt; p < 0,001).", or "... veranderde van 2018 tot en met 2023
    niet aantoonbaar: gemiddeld +0,5 procentpunt per jaar (marge −1,0 tot 2,0; p = 0,41)." Then the same within
    size classes. What the marge and p mean is in the appendix Leeswijzer en methoden."""
    if math.isnan(row["p_value"]):
        return (f"Voor het aandeel {what} is geen trend te schatten: te weinig gemeenten met (of zonder) dit "
                "antwoord.")
    significant = row["p_value"] < 0.05
    period = f"van {row['first_wave']} tot en met {row['last_wave']}"
    margin = f"(marge {interval(row['change_pp_low'], row['change_pp_high'])}; p {_p_phrase(row['p_value'])})"
    if significant:
        rose = row["change_pp"] > 0
        first = (f"Het aandeel {what} {'steeg' if rose else 'daalde'} {period} gemiddeld met "
                 f"{decimal(abs(row['change_pp']))} procentpunt per jaar: een significante "
                 f"{'stijging' if rose else 'daling'} {margin}.")
    else:
        first = (f"Het aandeel {what} veranderde {period} niet aantoonbaar: gemiddeld {signed(row['change_pp'])} "
                 f"procentpunt per jaar {margin}.")
    return first + " " + (f"Binnen dezelfde grootteklasse is dat {signed(row['size_change_pp'])} procentpunt per jaar "
                          f"({interval(row['size_change_pp_low'], row['size_change_pp_high'])})."
                          if not math.isnan(row["size_change_pp"]) else
                          "Het model met grootteklasse is niet te schatten (te weinig gemeenten per grootteklasse).")


def _p_phrase(p: float) -> str:
    text = p_text(p)
    return text if text.startswith("<") else f"= {text}"


def figure_alt(analysis: TrendAnalysis, indicator_ids: Sequence[str]) -> str:
    """The alt text of a trend figure, from its numbers: per indicator the measured shares per wave, the published
    shares that differ and the modelled yearly change with its interval."""
    parts = []
    for indicator_id in indicator_ids:
        rows = analysis.series[analysis.series["indicator"] == indicator_id].sort_values("wave")
        row = analysis.row(indicator_id)
        measured = ", ".join(f"{r.wave} {fmt.pct(r.pct)}" for r in rows.itertuples())
        published = [f"{r.wave} {fmt.pct(r.published)}" for r in rows.itertuples()
                     if not math.isnan(r.published) and fmt.rounded_pct(r.published) != fmt.rounded_pct(r.pct)]
        parts.append(f"{row['label']}: gemeten {measured}"
                     + (f" (gepubliceerd: {', '.join(published)})" if published else "")
                     + f"; trendmodel {signed(row['change_pp'])} procentpunt per jaar "
                       f"(95%-betrouwbaarheidsinterval {interval(row['change_pp_low'], row['change_pp_high'])})")
    return ("Kleine grafieken per onderwerp: het gemeten percentage per meting met een 95%-interval, de trendlijn "
            "van het model met een 95%-band en, waar bekend, het gepubliceerde percentage. " + ". ".join(parts) + ".")


# --------------------------------------------------------------------------------------------------------------------
# In a chapter

MODEL_QUESTION = ("Aandeel gemeenten per onderwerp en meting; de gemiddelde verandering per jaar volgens het trendmodel, "
                  "ook binnen gemeenten van dezelfde grootte (Bijlage D Leeswijzer en methoden)")
TABLE_NOTE = ("Eerste → laatste meting: het percentage in de eerste en in de laatste meting, tussen haakjes het "
              "aantal gemeenten dat de vraag in de laatste meting beantwoordde. Procentpunt per jaar: hoeveel het "
              "aandeel gemiddeld per jaar veranderde, met de marge (95%-betrouwbaarheidsinterval, BI); ligt 0 in de "
              "marge, dan is er geen aantoonbare trend. Odds ratio per jaar en p: dezelfde trend in de maat van het "
              "model, en de kans op een minstens zo grote trend als er in werkelijkheid geen trend is (Bijlage D). "
              "Gecorrigeerd voor grootte: de trend binnen gemeenten van dezelfde grootte (aantal inwoners); gemeenten "
              "zonder bekend inwonertal tellen daarin niet mee. Elke meting telt de gemeenten die de vraag "
              "beantwoordden; dat zijn niet elk jaar dezelfde gemeenten.")
FIGURE_NOTE = ("Punten: gemeten percentage met de marge van die meting (95%-betrouwbaarheidsinterval, als steekproef "
               "uit alle mogelijke metingen; daarom breder dan de marge in de tabel ‘gewogen en ongewogen’, zie "
               "Bijlage D). Gestippelde lijn met band: het trendmodel met zijn marge. Open ruit: het gepubliceerde "
               "percentage van die meting; streep: een gepubliceerde benadering (zoals ‘iets meer dan een kwart’), "
               "getekend als de marge die die woorden laten.")


PARTICIPANTS_CAVEAT = ("Let op: niet elk jaar doen dezelfde gemeenten mee. Een trend in deze cijfers kan dus ook komen "
                       "doordat andere gemeenten deelnamen; het model met grootteklasse corrigeert alleen voor de "
                       "grootte.")


def n_range(values) -> str:
    low, high = int(min(values)), int(max(values))
    return f"n = {fmt.number(low)}" if low == high else f"n = {fmt.number(low)} tot {fmt.number(high)}"


def reworded_note(analysis: TrendAnalysis, indicator_ids: Sequence[str] | None = None) -> str:
    """ "In 2018, 2019 en 2020 luidde de vraag anders (…)" for the indicators whose question was reworded."""
    ids = set(analysis.reworded) if indicator_ids is None else set(analysis.reworded) & set(indicator_ids)
    if not ids:
        return ""
    waves = sorted({w for i in ids for w in analysis.reworded[i]})
    labels = [i.label for i in analysis.indicators if i.id in ids]
    return (f"In {fmt.join(str(w) for w in waves)} was de vraag anders geformuleerd ("
            + ("het ‘plan van aanpak’ voor de uitvoering van het VN-verdrag in plaats van de LIA"
               if any(analysis.row(i)["question"] == "lia_phase" for i in ids) else "andere woorden")
            + f"); de antwoorden zijn gelijkgesteld ({fmt.join(labels)}).")
