"""The report's charts: one theme, a colour-blind-safe palette, Dutch labels, deterministic SVG/PNG bytes.

Every chart function takes a tidy DataFrame (helpers.analysis.tables) and returns a matplotlib Figure built without pyplot, so
a notebook never shows a figure twice (helpers.report.chapter embeds it). Meaning never rests on colour alone: bars carry their
value ("30 %"), compared series also differ in hatching and are named in the legend, stacked segments are hatched
and labelled. Titles are not drawn into the image: the report shows "Figuur N" and the title above it (helpers.report.chapter).

Output is byte-identical for the same data: SVG with a fixed hash salt and no date (`svg_bytes`), PNG without
metadata (`png_bytes`).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from helpers.core import formatting as fmt

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "blauw": "#0072B2",
    "oranje": "#E69F00",
    "groen": "#009E73",
    "hemelsblauw": "#56B4E9",
    "vermiljoen": "#D55E00",
    "paars": "#CC79A7",
    "geel": "#F0E442",
    "zwart": "#000000",
}
PALETTE = list(OKABE_ITO.values())
SERIES_COLOURS = [OKABE_ITO["blauw"], OKABE_ITO["oranje"], OKABE_ITO["groen"], OKABE_ITO["paars"]]
HATCHES = ["", "///", "...", "xxx", "\\\\\\", "---", "ooo"]
TEXT = "#1a1a1a"
GRID = "#d9d9d9"
WIDTH = 8.0  # inches; heights follow the number of bars
DPI = 150  # for PNG; SVG is vector
SVG_SALT = "flitspeiling"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.labelsize": 11,
    "axes.titlesize": 12,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10.5,
    "legend.frameon": False,
    "axes.edgecolor": "#8c8c8c",
    "axes.labelcolor": TEXT,
    "text.color": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "hatch.linewidth": 0.8,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "svg.fonttype": "path",
    "svg.hashsalt": SVG_SALT,
    "path.simplify": True,
}


def apply_theme() -> None:
    """Set the report theme (the rcParams above: seaborn's "white" style in effect, Okabe-Ito colours) for every chart
    made afterwards. Plain matplotlib settings, so seaborn charts made in a notebook follow the same theme."""
    matplotlib.rcParams.update(RC)


def _figure(height: float, width: float = WIDTH) -> tuple[Figure, matplotlib.axes.Axes]:
    apply_theme()
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def wrap(label: str, width: int = 38) -> str:
    """A long category label on several lines."""
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _percent_axis(axis, limit: float = 100) -> None:
    axis.set_major_locator(MultipleLocator(25 if limit >= 60 else 10))
    axis.set_major_formatter(FuncFormatter(lambda value, _: fmt.pct(value)))


def _luminance(colour: str) -> float:
    r, g, b = matplotlib.colors.to_rgb(colour)

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _ordered(values: Sequence, order: Sequence | None) -> list:
    seen = list(dict.fromkeys(values))
    if order is None:
        return seen
    return [value for value in order if value in seen] + [value for value in seen if value not in order]


def bar_shares(data: pd.DataFrame, label: str = "answer_label", value: str = "pct", *, order: Sequence | None = None,
               sort: bool = False, xlabel: str = "Percentage gemeenten", colour: str = OKABE_ITO["blauw"],
               wrap_width: int = 38) -> Figure:
    """Horizontal bars of shares (one series), each labelled with its value ("30 %"). First row at the top."""
    frame = data[[label, value]].copy()
    if sort:
        frame = frame.sort_values(value, ascending=False, kind="stable")
    elif order is not None:
        frame = frame.set_index(label).loc[_ordered(frame[label], order)].reset_index()
    labels = [wrap(text, wrap_width) for text in frame[label]]
    lines = sum(text.count("\n") + 1 for text in labels)
    fig, ax = _figure(height=max(1.6, 0.2 * lines + 0.3 * len(labels) + 0.8))
    positions = list(range(len(frame)))[::-1]
    values = frame[value].fillna(0).to_numpy()
    ax.barh(positions, values, color=colour, height=0.62, edgecolor="white")
    for y, v, raw in zip(positions, values, frame[value], strict=True):
        ax.text(v + 1.2, y, fmt.pct(raw), va="center", ha="left", fontsize=10.5)
    _share_axis(ax, positions, labels, xlabel)
    return fig


def _share_axis(ax, positions: Sequence[float], labels: Sequence[str], xlabel: str) -> None:
    """Categories on the y axis, 0-100 % on the x axis with room on the right for the value labels."""
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, 112)
    _percent_axis(ax.xaxis)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.spines["bottom"].set_bounds(0, 100)
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", length=0)


def grouped_bars(data: pd.DataFrame, label: str = "answer_label", series: str = "group_label", value: str = "pct", *,
                 order: Sequence | None = None, series_order: Sequence | None = None,
                 xlabel: str = "Percentage gemeenten", wrap_width: int = 38) -> Figure:
    """Horizontal grouped bars: per category one bar per series (alle vs klein; 2022 vs 2023; deelnemers vs
    Nederland). Series differ in colour and hatching, are named in the legend, and every bar carries its value."""
    categories = _ordered(data[label], order)
    names = _ordered(data[series], series_order)
    k = len(names)
    height_per = 0.8 / k
    labels = [wrap(text, wrap_width) for text in categories]
    lines = sum(text.count("\n") + 1 for text in labels)
    fig, ax = _figure(height=max(2.0, 0.2 * lines + 0.26 * k * len(categories) + 1.1))
    lookup = data.set_index([label, series])[value]
    centres = list(range(len(categories)))[::-1]
    for index, name in enumerate(names):
        offset = (k - 1) / 2 * height_per - index * height_per
        values = [lookup.get((category, name), float("nan")) for category in categories]
        ys = [c + offset for c in centres]
        ax.barh(ys, [0 if pd.isna(v) else v for v in values], height=height_per * 0.92,
                color=SERIES_COLOURS[index % len(SERIES_COLOURS)], hatch=HATCHES[index % len(HATCHES)],
                edgecolor="white", linewidth=0.6, label=str(name))
        for y, v in zip(ys, values, strict=True):
            ax.text((0 if pd.isna(v) else v) + 1.2, y, fmt.pct(v), va="center", ha="left", fontsize=9.5)
    _share_axis(ax, centres, labels, xlabel)
    handles, legend_labels = ax.get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="outside lower center", ncols=min(k, 4))
    return fig


def stacked_shares(data: pd.DataFrame, category: str = "group_label", segment: str = "answer_label",
                   value: str = "pct", *, category_order: Sequence | None = None,
                   segment_order: Sequence | None = None, category_n: dict | None = None, min_label: float = 6.0,
                   xlabel: str = "Percentage gemeenten") -> Figure:
    """100 % stacked horizontal bars: per category (size class) the shares of the segments (LIA phases).

    Segments differ in colour and hatching and follow the legend's order; segments of at least `min_label` % carry
    their value. `category_n` (category -> n) adds "(n = 9)" to the category labels.
    """
    categories = _ordered(data[category], category_order)
    segments = _ordered(data[segment], segment_order)
    lookup = data.set_index([category, segment])[value]
    labels = [f"{c}\n(n = {fmt.number(category_n[c])})" if category_n and c in category_n else str(c)
              for c in categories]
    fig, ax = _figure(height=max(2.4, 0.62 * len(categories) + 1.6))
    positions = list(range(len(categories)))[::-1]
    left = [0.0] * len(categories)
    for index, name in enumerate(segments):
        colour = PALETTE[index % len(PALETTE)]
        values = [lookup.get((c, name), 0.0) for c in categories]
        values = [0.0 if pd.isna(v) else float(v) for v in values]
        ax.barh(positions, values, left=left, height=0.66, color=colour, hatch=HATCHES[index % len(HATCHES)],
                edgecolor="white", linewidth=0.8, label=wrap(name, 28))
        for y, start, v in zip(positions, left, values, strict=True):
            if v >= min_label:
                ax.text(start + v / 2, y, fmt.pct(v), ha="center", va="center", fontsize=9.5, color=TEXT,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, 100)
    _percent_axis(ax.xaxis)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", length=0)
    handles, legend_labels = ax.get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="outside lower center", ncols=3)
    return fig


def counts_per_year(data: pd.DataFrame, x: str = "item", y: str = "count", *, highlight: str | None = None,
                    hatched: Sequence | None = None, ylabel: str = "Aantal gemeenten") -> Figure:
    """Columns of counts per year (Figuur 1), each labelled with its number ("201"); `hatched` years (e.g. values
    taken from a publication rather than counted) are hatched and grey-blue, `highlight` is the current wave."""
    years = [str(v) for v in data[x]]
    counts = [0 if pd.isna(v) else int(v) for v in data[y]]
    fig, ax = _figure(height=3.6, width=max(4.5, 0.9 * len(years) + 2.0))
    hatched = {str(v) for v in (hatched or [])}
    for position, (year, count) in enumerate(zip(years, counts, strict=True)):
        colour = OKABE_ITO["blauw"] if year == str(highlight) or highlight is None else OKABE_ITO["hemelsblauw"]
        ax.bar(position, count, width=0.62, color=colour, hatch="///" if year in hatched else "", edgecolor="white")
        ax.text(position, count + max(counts) * 0.02, fmt.number(count), ha="center", va="bottom", fontsize=10.5)
    ax.set_xticks(range(len(years)), years)
    ax.set_ylim(0, max(counts) * 1.15 if counts and max(counts) else 1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: fmt.number(value)))
    ax.yaxis.grid(True)
    ax.set_axisbelow(True)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", length=0)
    return fig


def svg_bytes(fig: Figure, fonttype: str = "path") -> bytes:
    """The figure as SVG, identical bytes for identical input (fixed hash salt, no date in the metadata).

    `fonttype` "path" draws text as glyph outlines (the report's figures look the same everywhere); "none" keeps it
    as <text> in the report font (DejaVu Sans), which WeasyPrint renders much faster (the factsheets)."""
    with matplotlib.rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": fonttype}):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG without metadata (no software name or date), identical bytes for identical input."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def trend_panels(series: pd.DataFrame, curves: pd.DataFrame | None = None, *, columns: int = 2,
                 order: Sequence | None = None, ylabel: str = "Percentage gemeenten") -> Figure:
    """Small multiples, one panel per indicator (helpers.analysis.trends: `series` rows indicator, label, wave, pct, pct_low,
    pct_high, fitted_pct, fitted_low, fitted_high, published): the observed share per wave as a dot with its 95 %
    (Wilson) interval and its value, the fitted logit curve with its 95 % band (`curves`: indicator, year, fitted_pct,
    fitted_low, fitted_high on a fine grid; without it the fitted values of the waves are joined), and the published
    share of a wave, where there is one, as an open diamond named "gepubliceerd" in the legend, or, when it was
    published in words ("iets meer dan een kwart": published_low, published_high), as a bar over the range those
    words allow. All panels share one
    percentage axis so that levels compare across panels; meaning does not rest on colour (markers differ in shape)."""
    indicators = _ordered(series["indicator"], order)
    if not indicators:
        raise ValueError("trend_panels needs at least one indicator")
    columns = max(1, min(columns, len(indicators)))
    rows = math.ceil(len(indicators) / columns)
    apply_theme()
    fig = Figure(figsize=(WIDTH, 0.6 + 2.45 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    tops = [column for column in ("pct_high", "fitted_high", "published", "published_high") if column in series]
    top = max(float(series[tops].max(skipna=True).max()), 10.0)
    limit = min(100.0, 10 * math.ceil((top + 8) / 10))
    waves = sorted(int(w) for w in series["wave"].unique())
    observed_colour, fitted_colour, published_colour = OKABE_ITO["blauw"], OKABE_ITO["oranje"], OKABE_ITO["vermiljoen"]
    for index, indicator in enumerate(indicators):
        ax = axes[index // columns][index % columns]
        rows_of = series[series["indicator"] == indicator].sort_values("wave")
        x = rows_of["wave"].astype(int).to_numpy()
        if curves is not None and (curves["indicator"] == indicator).any():
            curve = curves[curves["indicator"] == indicator].sort_values("year")
            cx, cy, clo, chi = curve["year"], curve["fitted_pct"], curve["fitted_low"], curve["fitted_high"]
        else:
            cx, cy, clo, chi = x, rows_of["fitted_pct"], rows_of["fitted_low"], rows_of["fitted_high"]
        ax.fill_between(cx, clo, chi, color=fitted_colour, alpha=0.22, linewidth=0, hatch="////",
                        edgecolor=fitted_colour, label="trendmodel: 95%-band")
        ax.plot(cx, cy, color=fitted_colour, linewidth=2.0, linestyle="--", label="trendmodel (logit)")
        y = rows_of["pct"].to_numpy()
        errors = [y - rows_of["pct_low"].to_numpy(), rows_of["pct_high"].to_numpy() - y]
        ax.errorbar(x, y, yerr=errors, fmt="o", color=observed_colour, markersize=5, capsize=3, elinewidth=1.2,
                    label="gemeten, met 95%-interval")
        for xi, yi, hi in zip(x, y, rows_of["pct_high"], strict=True):
            ax.text(xi, min(hi + 1.5, limit - 1), fmt.pct(yi), ha="center", va="bottom", fontsize=8.5)
        approximate = (rows_of["published_low"].notna() if "published_low" in rows_of
                       else pd.Series(False, index=rows_of.index))
        published = rows_of[rows_of["published"].notna() & ~approximate]
        if len(published):
            ax.plot(published["wave"].astype(int), published["published"], linestyle="none", marker="D",
                    markersize=7, markerfacecolor="none", markeredgecolor=published_colour, markeredgewidth=1.6,
                    label="gepubliceerd")
        ranges = rows_of[approximate]
        if len(ranges):  # "iets meer dan een kwart": the range the words allow, not a point
            ax.vlines(ranges["wave"].astype(int) + 0.18, ranges["published_low"], ranges["published_high"],
                      color=published_colour, linewidth=3.0, label="gepubliceerd, bij benadering")
        ax.set_title(wrap(rows_of["label"].iloc[0], 42), fontsize=10, loc="left")
        ax.set_ylim(0, limit)
        ax.yaxis.set_major_locator(MultipleLocator(25 if limit > 60 else 10))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: fmt.pct(value)))
        ax.yaxis.grid(True)
        ax.set_axisbelow(True)
        ax.set_xticks(waves, [str(w) for w in waves])
        ax.set_xlim(waves[0] - 0.5, waves[-1] + 0.5)
        ax.tick_params(axis="x", labelsize=9, labelbottom=True)
        if index % columns == 0:
            ax.set_ylabel(ylabel, fontsize=9.5)
    for index in range(len(indicators), rows * columns):
        axes[index // columns][index % columns].set_visible(False)
    handles, labels = {}, []
    for ax in fig.axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in handles:
                handles[label] = handle
                labels.append(label)
    order_of = ["gemeten, met 95%-interval", "trendmodel (logit)", "trendmodel: 95%-band", "gepubliceerd",
                "gepubliceerd, bij benadering"]
    labels = [label for label in order_of if label in handles]
    fig.legend([handles[label] for label in labels], labels, loc="outside lower center",
               ncols=len(labels) if len(labels) <= 4 else 3, fontsize=9.5)
    return fig
