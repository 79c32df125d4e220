"""Factsheets "Waar staat mijn gemeente?": one confidential page per participating municipality.

A factsheet shows one municipality of one wave its own answers to the closed questions that wave asked, beside the
share of its size class and of all participants giving the same answer, and its phase of the Lokale Inclusie Agenda
(LIA) over the waves it took part in. notebooks/factsheet.ipynb is the factsheet (a researcher edits it there and
runs it for one municipality in JupyterLab); this module holds its logic and the batch build.

Rules the factsheet follows:

- Comparison group: the municipality's size class. A group with fewer than MIN_OTHERS responding municipalities
  besides the municipality itself would reveal named participants' answers, so it is merged with the neighbouring
  size class by helpers.analysis.stats.apply_disclosure_rules (the report's documented rule, applied to the other
  municipalities), and suppressed when merging is impossible. A single share is also left out ("–") when fewer than
  MIN_OTHERS other municipalities of the group answered that question or item (item non-response, routing). The
  shares include the municipality itself; they are the shares of helpers.analysis.tables.
- Item non-response is shown as "Geen antwoord"; a question the routing did not open as "Niet gevraagd".
- Free text (toelichtingen, "anders, namelijk") is left out; the factsheet names no other participating municipality.
- LIA history: the waves are matched through data/processed/crosswalk.parquet (every code of every wave -> its code
  on 1 January 2023), so a municipality formed by a merger sees the answers of its predecessors, named as such.

Batch build (``make factsheets``, ``python -m helpers.factsheets build``): the notebook is executed once per
municipality in one long-lived Jupyter kernel per worker (``--jobs``, default 2): the parameters are injected as
papermill does and the kernel's namespace is reset before each run, but no process, kernel or import is paid per
municipality, and the processed data is read once per worker (wave_data is cached). Each executed notebook becomes HTML
with helpers.publish.assemble's nbconvert template and page template and a PDF/UA-1 with helpers.publish.assemble.write_pdf, in the
worker's own process. Everything goes to build/<year>/factsheets/staging and replaces reports/<year>/factsheets/ only
when every factsheet succeeded.

``python -m helpers.factsheets full-response`` writes a synthetic full-response wave (every municipality of the 2023
frame answering; a scale test, see `write_full_response`).
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import KERNEL, PROCESSED_DIR, REPO_ROOT, SMALL_THRESHOLD, TEMPLATES_DIR
from helpers.analysis import stats, tables
from helpers.core import formatting as fmt
from helpers.data.codebook import SELECTED, Codebook, Question, codebook
from helpers.data.processed import read_processed

NOTEBOOK = REPO_ROOT / "notebooks" / "factsheet.ipynb"
TITLE = "Waar staat mijn gemeente?"
MIN_OTHERS = 5  # fewer other responding municipalities in a comparison group: merged or not shown
CLOSED_TYPES = ("single", "matrix", "multi")
HISTORY_QUESTION = "lia_phase"
NOT_ANSWERED = "Geen antwoord"
NOT_ASKED = "Niet gevraagd"
TICKED, NOT_TICKED = "Aangekruist", "Niet aangekruist"
INDEX_COLUMNS = ("code", "name", "wave", "size_class", "comparison_group", "html", "pdf", "pages", "sha256_html",
                 "sha256_pdf")


class FactsheetError(ValueError):
    """A factsheet cannot be made (unknown municipality, no data); the message says what and suggests a fix."""


def confidential_text(name: str) -> str:
    """The marking on every factsheet (HTML, PDF pages and PDF title)."""
    return f"Vertrouwelijk – alleen bestemd voor gemeente {name}"


def page_title(name: str, year: int) -> str:
    return f"{confidential_text(name)}: {TITLE} Flitspeiling VN-verdrag Handicap {year}"


def slug(name: str) -> str:
    """An ASCII file-name part: "Súdwest-Fryslân" -> "sudwest-fryslan", "'s-Gravenhage" -> "s-gravenhage"."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "gemeente"


def file_stem(code: str, name: str) -> str:
    return f"{code}_{slug(name)}"


# --------------------------------------------------------------------------------------------------------------------
# Data (read once per process: a long-lived kernel makes many factsheets from it)


@dataclass(frozen=True)
class WaveData:
    year: int
    responses: pd.DataFrame
    answers: pd.DataFrame
    synthetic: bool


def _state(directory: Path) -> tuple:
    return tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size)
                 for path in sorted(directory.glob("*")) if path.is_file())


@functools.lru_cache(maxsize=16)
def _cached_wave(directory: str, year: int, state: tuple) -> WaveData:
    responses, answers, quality = read_processed(year, directory)
    synthetic = bool((quality.get("provenance") or {}).get("synthetic", False))
    return WaveData(year, responses, answers, synthetic)


def wave_data(year: int, processed_dir: Path | str = PROCESSED_DIR) -> WaveData:
    """The processed data of a wave, cached as long as its files do not change."""
    directory = Path(processed_dir).resolve() / str(int(year))
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no processed data for {year}; run the cleaning step first (make data)")
    return _cached_wave(str(Path(processed_dir).resolve()), int(year), _state(directory))


@functools.lru_cache(maxsize=4)
def _cached_crosswalk(path: str, state: tuple) -> pd.DataFrame:
    return pd.read_parquet(path)


def crosswalk(processed_dir: Path | str = PROCESSED_DIR) -> pd.DataFrame:
    """data/processed/crosswalk.parquet: every municipality code of 2018-2023 with its code on 1-1-2023."""
    path = Path(processed_dir).resolve() / "crosswalk.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found; it is built by `make data` (helpers.data.municipalities)")
    return _cached_crosswalk(str(path), (path.stat().st_mtime_ns, path.stat().st_size))


def processed_waves(processed_dir: Path | str = PROCESSED_DIR, cb: Codebook | None = None) -> list[int]:
    cb = cb or codebook()
    return [w for w in sorted(cb.waves) if (Path(processed_dir) / str(w) / "responses.parquet").is_file()]


# --------------------------------------------------------------------------------------------------------------------
# Which municipality


def participants(year: int, processed_dir: Path | str = PROCESSED_DIR) -> pd.DataFrame:
    """The identified participants of a wave (one row per municipality code, sorted by code): code, name,
    response_id, size_class. Responses without an identified municipality get no factsheet."""
    responses = wave_data(year, processed_dir).responses
    known = responses[responses["municipality_code"].notna()]
    frame = pd.DataFrame({"code": known["municipality_code"].astype(str).to_numpy(),
                          "name": known["municipality_name"].astype(str).to_numpy(),
                          "response_id": known["response_id"].astype(str).to_numpy(),
                          "size_class": known["size_class"].astype(object).to_numpy()})
    return frame.drop_duplicates("code").sort_values("code", kind="stable").reset_index(drop=True)


def _closest_names(text: str, names: Sequence[str], limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process

    from helpers.data.municipalities import normalise_name

    choices = {name: normalise_name(name) for name in names}
    scored = process.extract(normalise_name(text), choices, scorer=fuzz.WRatio, limit=None)
    return [key for _, _, key in sorted(scored, key=lambda s: (-s[1], s[2]))[:limit]]


def resolve_municipality(municipality: str, year: int, processed_dir: Path | str = PROCESSED_DIR) -> pd.Series:
    """The participant row (participants()) of a CBS code ("GM0512") or a name ("Gorinchem") in wave `year`.

    Raises FactsheetError naming the wave and suggesting the closest participating municipalities when the code or
    name is not one participant of the wave (unknown, or a municipality that did not take part)."""
    from helpers.data.municipalities import normalise_name

    people = participants(year, processed_dir)
    text = str(municipality or "").strip()
    if not text:
        raise FactsheetError(f"no municipality given; set the parameter municipality to a CBS code (e.g. "
                             f"{people['code'].iloc[0]}) or a name of a participant of {year}")
    exact = people[people["code"] == text]  # also the placeholder codes of 2018 ("X2018_aalburg")
    if len(exact):
        return exact.iloc[0]
    if re.fullmatch(r"(?i)gm\d{4}", text):
        hits = people[people["code"] == text.upper()]
        if len(hits):
            return hits.iloc[0]
        frame = crosswalk(processed_dir)
        known = frame[frame["code"] == text.upper()]
        what = f"{text.upper()} ({known['name'].iloc[0]})" if len(known) else f"{text.upper()} is no CBS code of " \
                                                                              f"2018-2023 and"
        raise FactsheetError(f"{what} did not take part in the flitspeiling {year} (not in "
                             f"{Path(processed_dir) / str(year) / 'responses.parquet'}), so it has no factsheet; "
                             f"{len(people)} municipalities took part (make factsheets lists them in INDEX.csv)")
    key = normalise_name(text)
    hits = people[[normalise_name(name) == key for name in people["name"]]]
    if len(hits) == 1:
        return hits.iloc[0]
    suggestions = _closest_names(text, list(people["name"]))
    raise FactsheetError(f"{text!r} is not a municipality that took part in the flitspeiling {year}; closest "
                         f"participants: {', '.join(suggestions)} (or give the CBS code, e.g. "
                         f"{people.loc[people['name'] == suggestions[0], 'code'].iloc[0]})")


# --------------------------------------------------------------------------------------------------------------------
# The comparison group


@dataclass(frozen=True)
class ComparisonGroup:
    """The size class(es) the municipality is compared with (empty: none shown)."""

    classes: tuple[str, ...]
    own_class: str | None
    units: int  # responding municipalities in the group, the municipality itself included
    status: str  # "" (its own size class), "samengevoegd", "onderdrukt" or "onbekend" (no size class)
    min_others: int = MIN_OTHERS

    @property
    def shown(self) -> bool:
        return bool(self.classes)

    @property
    def label(self) -> str:
        """ "gemeenten met 25.000 tot 50.000 inwoners" (merged: "... of ...")."""
        if not self.classes:
            return ""
        return "gemeenten met " + " of ".join(tables.SIZE_TEXT[code] for code in self.classes)

    @property
    def short_label(self) -> str:
        return " + ".join(tables.SIZE_LABELS[code] for code in self.classes) + " inwoners" if self.classes else ""

    def note(self) -> str:
        """One Dutch sentence on how the group was chosen."""
        if self.status == "onbekend":
            return ("Van uw gemeente is het aantal inwoners op de peildatum niet bekend, dus ook de grootteklasse niet; "
                    "de factsheet vergelijkt daarom alleen met alle deelnemende gemeenten.")
        own = f"gemeenten met {tables.SIZE_TEXT[self.own_class]}"
        rule = (f"Een vergelijkingsgroep met minder dan {fmt.words(self.min_others)} andere deelnemende gemeenten "
                "zou hun antwoorden herkenbaar maken")
        if self.status == "samengevoegd":
            return (f"{rule}; daarom is uw grootteklasse ({own}) samengevoegd met de aangrenzende grootteklasse: "
                    f"u wordt vergeleken met {self.label} ({fmt.number(self.units)} deelnemers).")
        if self.status == "onderdrukt":
            return (f"{rule}; uw grootteklasse ({own}) is te klein en kon niet met een andere worden samengevoegd, "
                    "dus de factsheet vergelijkt alleen met alle deelnemende gemeenten.")
        return (f"U wordt vergeleken met de {fmt.number(self.units)} deelnemende {self.label} (uw eigen gemeente "
                f"meegeteld). {rule}: een groep of een antwoord met minder dan {fmt.words(self.min_others)} andere "
                "gemeenten wordt samengevoegd of niet getoond.")


def comparison_group(responses: pd.DataFrame, own_class: str | None, min_others: int = MIN_OTHERS) -> ComparisonGroup:
    """The size class(es) to compare with: the own class, merged with its neighbour by
    helpers.analysis.stats.apply_disclosure_rules when it holds fewer than `min_others` responding municipalities besides the
    municipality itself (the other classes count all their members), or none when merging is impossible."""
    if own_class is None or pd.isna(own_class):
        return ComparisonGroup((), None, 0, "onbekend", min_others)
    counts = responses["size_class"].astype(object).value_counts()
    rows = []
    for code in tables.SIZE_CODES:
        members = int(counts.get(code, 0))
        others = members - 1 if code == own_class else members
        if members:
            rows.append({"group": code, "n": others, "count": 0, "pct": 0.0})
    disclosed = stats.apply_disclosure_rules(pd.DataFrame(rows), min_group=min_others, by=[])
    row = disclosed[disclosed["merged_from"].str.split("+").map(lambda groups: own_class in groups)].iloc[0]
    if row["disclosure"] == stats.SUPPRESSED:
        return ComparisonGroup((), own_class, int(row["n"]) + 1, "onderdrukt", min_others)
    classes = tuple(str(row["merged_from"]).split("+"))
    status = "samengevoegd" if row["disclosure"] == stats.MERGED else ""
    return ComparisonGroup(classes, own_class, int(row["n"]) + 1, status, min_others)


# --------------------------------------------------------------------------------------------------------------------
# The answers beside the comparison shares


def closed_questions(year: int, cb: Codebook | None = None) -> list[Question]:
    """The closed questions (single, matrix, multi) wave `year` asked, in its questionnaire order."""
    cb = cb or codebook()
    return [cb.question(q) for q in cb.wave(year).questions if cb.question(q).type in CLOSED_TYPES]


def _routed_out(q: Question, own: dict[tuple[str, str, str], str]) -> bool:
    """True when the routing did not open `q` for this municipality (its answer to the routing question)."""
    for source, codes in q.asked_if.items():
        if own.get((source, "", "answer")) not in codes:
            return True
    return False


@functools.lru_cache(maxsize=256)
def _group_distributions(directory: str, year: int, state: tuple, classes: tuple[str, ...]
                         ) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(question, item, answer) -> (n, count) of helpers.analysis.tables.distribution among the units of `classes` (empty:
    all units), for every closed question of the wave. Multi-choice: (question, "", option) -> ticked."""
    data = _cached_wave(directory, year, state)
    responses = data.responses
    if classes:
        responses = responses[responses["size_class"].isin(list(classes)).fillna(False).astype(bool).to_numpy()]
    lookup = {}
    for q in closed_questions(year):
        dist = tables.distribution(responses, data.answers, q, "", ("alle",))
        for row in dist.itertuples():
            lookup[(q.id, row.item, row.answer)] = (int(row.n), int(row.count))
    return lookup


def distributions(year: int, processed_dir: Path | str, classes: tuple[str, ...]
                  ) -> dict[tuple[str, str, str], tuple[int, int]]:
    directory = Path(processed_dir).resolve()
    return _group_distributions(str(directory), int(year), _state(directory / str(int(year))), tuple(classes))


@functools.lru_cache(maxsize=16)
def _own_answers(directory: str, year: int, state: tuple) -> dict[str, dict[tuple[str, str, str], str]]:
    """response_id -> {(question, item, kind): value} of the answer and selected rows with a value."""
    answers = _cached_wave(directory, year, state).answers
    rows = answers[answers["kind"].isin(["answer", "selected"]) & answers["value"].notna()]
    out: dict[str, dict[tuple[str, str, str], str]] = {}
    for rid, question, item, kind, value in zip(rows["response_id"].astype(str), rows["question"].astype(str),
                                                rows["item"].fillna("").astype(str), rows["kind"].astype(str),
                                                rows["value"].astype(str), strict=True):
        out.setdefault(rid, {})[(question, item, kind)] = value
    return out


ANSWER_COLUMNS = ["question", "question_text", "item", "item_label", "answer", "answer_label", "status",
                  "n_group", "count_group", "pct_group", "n_alle", "count_alle", "pct_alle"]


def _share(lookup: dict, key: tuple[str, str, str], not_ticked: bool, answered: bool, min_others: int):
    """(n, count, pct) of the units giving the answer of `key` (`not_ticked`: the units not ticking the option); pct
    NaN when fewer than `min_others` other units answered, or when the unit itself did not answer."""
    n, count = lookup.get(key, (0, 0))
    if not_ticked:
        count = n - count
    if not answered:
        return n, None, float("nan")
    if n - 1 < min_others or n == 0:
        return n, None, float("nan")
    return n, count, 100 * count / n


def answer_table(year: int, response_id: str, group: ComparisonGroup,
                 processed_dir: Path | str = PROCESSED_DIR, cb: Codebook | None = None) -> pd.DataFrame:
    """One row per closed question (single), item (matrix) or option (multi) of the wave: the municipality's answer
    (labels in codebook order) and the share of its comparison group and of all participants giving that same answer
    (columns ANSWER_COLUMNS). Items and options the codebook keeps out of tables (`in_table: false`, "anders") are
    listed only when the municipality chose or answered them. status: "beantwoord", "geen antwoord" (item non-response) or "niet gevraagd"
    (routing); then the shares are NaN, as they are for a group with fewer than MIN_OTHERS other answering units.
    n_* is the base (units of the group that answered the question or item, the municipality included)."""
    cb = cb or codebook()
    directory = Path(processed_dir).resolve()
    own = _own_answers(str(directory), int(year), _state(directory / str(int(year)))).get(str(response_id), {})
    alle = distributions(year, processed_dir, ())
    comparison = distributions(year, processed_dir, group.classes) if group.shown else None
    records = []
    for q in closed_questions(year, cb):
        routed_out = _routed_out(q, own)
        if q.type == "multi":
            answered = any(key[0] == q.id and key[2] == "selected" for key in own)
            rows = []
            for option in q.options:
                ticked = own.get((q.id, option.code, "selected")) == SELECTED
                if not option.in_table and not ticked:  # "anders" only when chosen
                    continue
                rows.append((option.code, option.label, ("1" if ticked else "0") if answered else None,
                             (TICKED if ticked else NOT_TICKED), (q.id, "", option.code), not ticked))
        else:
            items = [(it.code, it.label) for it in q.items] if q.type == "matrix" else [("", "")]
            rows = []
            for code, label in items:
                value = own.get((q.id, code, "answer"))
                if q.type == "matrix" and not q.item(code).in_table and value is None:  # "ander knelpunt" when given
                    continue
                rows.append((code, label, value, q.option(value).display if value is not None else "",
                             (q.id, code, value), False))
        for item, item_label, answer, answer_label, key, not_ticked in rows:
            answered = answer is not None
            status = "beantwoord" if answered else ("niet gevraagd" if routed_out else "geen antwoord")
            record = {"question": q.id, "question_text": q.text, "item": item, "item_label": item_label,
                      "answer": answer or "", "answer_label": answer_label if answered else
                      (NOT_ASKED if routed_out else NOT_ANSWERED), "status": status}
            for name, lookup in (("group", comparison), ("alle", alle)):
                if lookup is None:
                    record.update({f"n_{name}": 0, f"count_{name}": None, f"pct_{name}": float("nan")})
                    continue
                base_key = key if answered or q.type == "multi" else (q.id, item, q.options[0].code)
                n, count, pct = _share(lookup, base_key, not_ticked, answered, group.min_others)
                record.update({f"n_{name}": n, f"count_{name}": count, f"pct_{name}": pct})
            records.append(record)
    frame = pd.DataFrame.from_records(records, columns=ANSWER_COLUMNS)
    return frame.astype({"n_group": "int64", "n_alle": "int64", "count_group": "Int64", "count_alle": "Int64",
                         "pct_group": "float64", "pct_alle": "float64"})


# --------------------------------------------------------------------------------------------------------------------
# LIA phase over the waves


def lia_history(code: str, year: int, processed_dir: Path | str = PROCESSED_DIR,
                cb: Codebook | None = None) -> pd.DataFrame:
    """The municipality's LIA phase in every wave up to `year` that asked it: columns wave, took_part, unit (the
    municipality that answered then: itself or a predecessor), relation ("same", "merged", "split"), answer,
    answer_label. Matched through crosswalk.parquet on the code of 1-1-2023; a wave in which a merged municipality's
    predecessors answered has one row per predecessor. Waves without processed data are left out."""
    cb = cb or codebook()
    walk = crosswalk(processed_dir)
    target = walk.loc[walk["code"] == code, "code_2023"]
    target_code = str(target.iloc[0]) if len(target) else code
    mapping = dict(zip(walk["code"].astype(str), walk["code_2023"].astype(str), strict=True))
    relation = dict(zip(walk["code"].astype(str), walk["relation"].astype(str), strict=True))
    q = cb.question(HISTORY_QUESTION)
    records = []
    for wave in processed_waves(processed_dir, cb):
        if wave > int(year) or not cb.wave(wave).asks(HISTORY_QUESTION):
            continue
        data = wave_data(wave, processed_dir)
        units = data.responses[data.responses["municipality_code"].notna()]
        codes = units["municipality_code"].astype(str)
        mine = units[[mapping.get(c) == target_code for c in codes]]
        if mine.empty:
            records.append({"wave": wave, "took_part": False, "unit": "", "relation": "", "answer": "",
                            "answer_label": ""})
            continue
        directory = Path(processed_dir).resolve()
        own = _own_answers(str(directory), wave, _state(directory / str(wave)))
        for row in mine.sort_values("municipality_code", kind="stable").itertuples():
            value = own.get(str(row.response_id), {}).get((q.id, "", "answer"))
            records.append({"wave": wave, "took_part": True, "unit": str(row.municipality_name),
                            "relation": "same" if str(row.municipality_code) in (code, target_code)
                            else relation.get(str(row.municipality_code), "merged"),
                            "answer": value or "", "answer_label": q.option(value).display if value else NOT_ANSWERED})
    return pd.DataFrame.from_records(records, columns=["wave", "took_part", "unit", "relation", "answer",
                                                       "answer_label"])


@functools.lru_cache(maxsize=32)
def _yaml(path: str) -> dict:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def wave_wording(year: int, cb: Codebook | None = None) -> str:
    """The LIA question as wave `year` asked it (its codebook mapping's `text`, else the harmonised text)."""
    cb = cb or codebook()
    raw = _yaml(str(cb.wave(year).source))
    entry = ((raw.get("questions") or {}).get(HISTORY_QUESTION)) or {}
    return " ".join(str(entry.get("text", cb.question(HISTORY_QUESTION).text)).split())


def lia_history_figure(history: pd.DataFrame, name: str, cb: Codebook | None = None):
    """The LIA phase per wave as dots on the ordered phases (helpers.report.figures theme, Okabe-Ito): the municipality's
    own answers as blue dots joined by a line, a predecessor's answers (after a merger) as orange hatched squares,
    named in the legend; a wave without a response is marked "niet deelgenomen" under the axis. A fixed layout
    (no constrained layout) keeps it quick to draw; helpers.report.figures.svg_bytes makes the SVG deterministic."""
    from matplotlib.figure import Figure

    from helpers.report import figures

    cb = cb or codebook()
    phases = list(cb.question(HISTORY_QUESTION).options)
    levels = {option.code: index for index, option in enumerate(phases)}
    figures.apply_theme()
    waves = sorted(int(w) for w in history["wave"].unique())
    fig = Figure(figsize=(7.0, 3.3))
    fig.subplots_adjust(left=0.3, right=0.98, top=0.9, bottom=0.16)
    ax = fig.add_subplot()
    answered = history[history["took_part"] & (history["answer"] != "")]
    own = answered[answered["relation"] == "same"]
    before = answered[answered["relation"] != "same"]
    points = [(waves.index(int(w)), levels[a]) for w, a in zip(own["wave"], own["answer"], strict=True)]
    if len(points) > 1:
        ax.plot(*zip(*points, strict=True), color=figures.OKABE_ITO["blauw"], linewidth=1.4, zorder=1)
    if points:
        ax.scatter(*zip(*points, strict=True), s=80, marker="o", color=figures.OKABE_ITO["blauw"], zorder=3,
                   label=name)
    if len(before):
        offsets: dict[int, int] = {}
        xs, ys = [], []
        for wave, answer in zip(before["wave"], before["answer"], strict=True):
            position = waves.index(int(wave))
            offsets[position] = offsets.get(position, 0) + 1
            xs.append(position + 0.14 * offsets[position])
            ys.append(levels[answer])
        ax.scatter(xs, ys, s=70, marker="s", color=figures.OKABE_ITO["oranje"], hatch="///", edgecolor="black",
                   linewidth=0.5, zorder=2, label="voorganger(s)")
    for position, wave in enumerate(waves):
        if not history.loc[history["wave"] == wave, "took_part"].any():
            ax.text(position, -1.0, "niet\ndeelgenomen", ha="center", va="center", fontsize=8.5, color=figures.TEXT)
    ax.set_yticks(range(len(phases)), [figures.wrap(option.display, 26) for option in phases])
    ax.set_ylim(-1.6, len(phases) - 0.5)
    ax.set_xticks(range(len(waves)), [str(w) for w in waves])
    ax.set_xlim(-0.5, len(waves) - 0.5)
    ax.yaxis.grid(True)
    ax.set_axisbelow(True)
    ax.spines["left"].set_bounds(0, len(phases) - 1)
    ax.tick_params(axis="both", length=0)
    if len(before):
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=9)
    return fig


# Texts say "van de gemeente <naam>", never "van <naam>": "van Dijk en Waard" reads as the surname "van Dijk" to the
# privacy scan (helpers.publish.privacy_scan), and it is the clearer Dutch anyway.
def history_alt(history: pd.DataFrame, name: str) -> str:
    parts = []
    for wave in sorted(history["wave"].unique()):
        rows = history[history["wave"] == wave]
        if not rows["took_part"].any():
            parts.append(f"{wave}: niet deelgenomen")
            continue
        answers = [f"{row.answer_label}" + (f" ({row.unit})" if row.relation != "same" else "")
                   for row in rows.itertuples()]
        parts.append(f"{wave}: {'; '.join(answers)}")
    return f"Fase van de Lokale Inclusie Agenda van de gemeente {name} per flitspeiling. " + ". ".join(parts) + "."


# --------------------------------------------------------------------------------------------------------------------
# The factsheet as the notebook shows it


def _display_html(text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(text))


class Factsheet:
    """One municipality in one wave, for notebooks/factsheet.ipynb.

    `municipality`: a CBS code ("GM0512") or a participant's name. `processed_dir` relative to the working directory
    (notebooks/ under papermill). `show=False` computes without displaying (tests)."""

    def __init__(self, year: int, municipality: str, processed_dir: Path | str = "../data/processed", *,
                 min_others: int = MIN_OTHERS, show: bool = True):
        self.cb = codebook()
        self.year = int(year)
        self.processed_dir = Path(processed_dir)
        self.show = show
        self.data = wave_data(self.year, self.processed_dir)
        row = resolve_municipality(municipality, self.year, self.processed_dir)
        self.code, self.name, self.response_id = str(row["code"]), str(row["name"]), str(row["response_id"])
        self.size_class = None if pd.isna(row["size_class"]) else str(row["size_class"])
        self.group = comparison_group(self.data.responses, self.size_class, min_others)
        self.synthetic = self.data.synthetic
        unit = self.data.responses[self.data.responses["response_id"].astype(str) == self.response_id].iloc[0]
        self.joint = not pd.isna(unit["joint_group"])
        self.shown: list[tuple[str, str]] = []
        self._answers: pd.DataFrame | None = None
        self._history: pd.DataFrame | None = None

    # Facts ---------------------------------------------------------------------------------------------------------

    @property
    def confidential(self) -> str:
        return confidential_text(self.name)

    @property
    def size_text(self) -> str:
        return f"gemeente met {tables.SIZE_TEXT[self.size_class]}" if self.size_class else \
            "grootteklasse onbekend"

    @property
    def participants(self) -> int:
        return int(len(self.data.responses))

    def answers(self) -> pd.DataFrame:
        if self._answers is None:
            self._answers = answer_table(self.year, self.response_id, self.group, self.processed_dir, self.cb)
        return self._answers

    def history(self) -> pd.DataFrame:
        if self._history is None:
            self._history = lia_history(self.code, self.year, self.processed_dir, self.cb)
        return self._history

    # Display -------------------------------------------------------------------------------------------------------

    def _show(self, kind: str, text: str, markup: str) -> None:
        self.shown.append((kind, text))
        if self.show:
            _display_html(markup)

    def header(self) -> None:
        """The confidential marking, the title (the page's one h1) and the facts: wave, size class, group."""
        mark = self.confidential
        self._show("confidential", mark, f'<p class="fs-vertrouwelijk" role="note"><strong>{html.escape(mark)}'
                                         "</strong></p>")
        title = f"{TITLE} {self.name} in de flitspeiling {self.year}"
        self._show("title", title, f"<h1>{html.escape(title)}</h1>")

    def notice(self) -> None:
        """The synthetic-data notice (as helpers.report.chapter's Chapter.notice; nothing for a real export)."""
        if not self.synthetic:
            return
        text = (f"Let op: synthetische gegevens. Deze factsheet is gemaakt met een synthetische vervanging van de "
                f"vertrouwelijke antwoorden van de flitspeiling {self.year}. De antwoorden van de gemeente {self.name} en alle "
                "andere cijfers zijn verzonnen; gebruik ze niet als uitkomsten van de peiling.")
        head, _, rest = text.partition(". ")
        self._show("notice", text, f'<div class="fp-notice" role="note"><strong>{html.escape(head)}.</strong> '
                                   f"{html.escape(rest)}</div>")

    def summary(self) -> None:
        """One sentence: the municipality's LIA phase and how many in its group and among all gave the same."""
        data = self.answers()
        rows = data[data["question"] == HISTORY_QUESTION]
        if rows.empty or rows["status"].iloc[0] != "beantwoord":
            self.text(f"{self.name} heeft in de flitspeiling {self.year} de vraag naar de fase van de Lokale "
                      "Inclusie Agenda niet beantwoord.")
            return
        row = rows.iloc[0]
        shares = []
        if self.group.shown and row["pct_group"] == row["pct_group"]:
            shares.append(f"{fmt.pct(row['pct_group'])} van de {self.group.label}")
        if row["pct_alle"] == row["pct_alle"]:
            shares.append(f"{fmt.pct(row['pct_alle'])} van alle deelnemende gemeenten")
        same = f" Dat antwoord gaf {fmt.join(shares)}." if shares else ""
        self.text(f"In de flitspeiling {self.year} gaf {self.name} als fase van de Lokale Inclusie Agenda: "
                  f"‘{row['answer_label']}’.{same}")

    def facts(self) -> None:
        """A small table: municipality, CBS code, wave, size class, comparison group, participants."""
        rows = [("Gemeente", f"{self.name} ({self.code})"), ("Flitspeiling", f"Flitspeiling VN-verdrag Handicap {self.year}"),
                ("Grootteklasse", self.size_text),
                ("Vergeleken met", f"{self.group.label} ({fmt.number(self.group.units)} deelnemers)"
                 if self.group.shown else "alleen alle deelnemende gemeenten"),
                ("Alle deelnemers", f"{fmt.number(self.participants)} gemeenten")]
        if self.joint:
            rows.append(("Antwoord", "gezamenlijk gegeven voor meer gemeenten; de antwoorden gelden voor elk"))
        frame = pd.DataFrame(rows, columns=["Gegeven", "Waarde"])
        self.text_table(frame, "Gegevens van deze factsheet")

    def text(self, markdown: str) -> None:
        """A paragraph of Markdown (an f-string with the numbers filled in)."""
        import mistune

        self._show("text", markdown, mistune.html(markdown))

    def text_table(self, frame: pd.DataFrame, caption: str) -> None:
        from helpers.report.chapter import html_table

        rows = "\n".join("\t".join(str(v) for v in row) for row in frame.itertuples(index=False))
        self._show("table", f"{caption}\n{rows}",
                   f'<div class="fs-tabel fs-klein">{html_table(frame, caption=caption)}</div>')

    def answers_tables(self) -> None:
        """One accessible table of every closed question (a row group per question, headed by the question): item,
        the municipality's answer, the share of the comparison group and of all participants giving the same answer.
        One table instead of one per question: the header once, and a shorter, quicker PDF."""
        data = self.answers()
        headers = ["Onderdeel", "Uw antwoord"]
        columns = [("pct_group", f"% zelfde antwoord: {self.group.short_label}")] if self.group.shown else []
        columns.append(("pct_alle", "% zelfde antwoord: alle deelnemers"))
        headers += [header for _, header in columns]
        caption = f"Antwoorden van de gemeente {self.name} naast die van andere gemeenten, flitspeiling {self.year}"
        lines, bodies = [caption, "\t".join(headers)], []
        for number, (question, rows) in enumerate(data.groupby("question", sort=False), start=1):
            q = self.cb.question(question)
            title = f"Vraag {number}: {q.text}"
            lines.append(title)
            body = [f'<tr><th scope="rowgroup" colspan="{len(headers)}">{html.escape(title)}</th></tr>']
            for row in rows.itertuples():
                label = row.item_label if q.type != "single" else "Antwoord"
                values = [fmt.pct(getattr(row, column)) for column, _ in columns]
                lines.append("\t".join([label, row.answer_label, *values]))
                body.append(f'<tr><th scope="row">{html.escape(label)}</th><td>{html.escape(row.answer_label)}</td>'
                            + "".join(f'<td class="num">{html.escape(value)}</td>' for value in values) + "</tr>")
            bodies.append("<tbody>" + "".join(body) + "</tbody>")
        head = "".join(f'<th scope="col">{html.escape(header)}</th>' for header in headers)
        self._show("answers", "\n".join(lines),
                   f'<div class="fs-tabel fs-vraag"><table class="fp-tabel"><caption>{html.escape(caption)}</caption>'
                   f"<thead><tr>{head}</tr></thead>{''.join(bodies)}</table></div>")

    def answers_note(self) -> None:
        data = self.answers()
        missing = int((data["status"] == "geen antwoord").sum())
        routed = int((data["status"] == "niet gevraagd").sum())
        hidden = int(((data["status"] == "beantwoord") & data["pct_group"].isna()).sum()) if self.group.shown else 0
        parts = ["De percentages tellen uw eigen gemeente mee en gaan over de gemeenten die de vraag (het onderdeel) "
                 "beantwoordden. Bij een meerkeuzevraag is ‘hetzelfde antwoord’ het wel of niet aankruisen van de "
                 "optie; ‘anders’ staat er alleen als uw gemeente het koos."]
        if missing:
            parts.append(f"‘{NOT_ANSWERED}’ ({fmt.number(missing)}×): uw gemeente heeft deze vraag of dit onderdeel "
                         "niet ingevuld; dan staat er geen vergelijking.")
        if routed:
            parts.append(f"‘{NOT_ASKED}’ ({fmt.number(routed)}×): de vraag werd na uw eerdere antwoord niet gesteld.")
        if hidden:
            parts.append(f"‘–’ ({fmt.number(hidden)}×): minder dan {fmt.words(self.group.min_others)} andere "
                         "gemeenten in de vergelijkingsgroep beantwoordden dit onderdeel; het percentage wordt niet "
                         "getoond.")
        self.note(" ".join(parts))

    def note(self, text: str) -> None:
        self._show("note", text, f'<p class="fp-noot">{html.escape(text)}</p>')

    def history_section(self) -> None:
        """The LIA phase over the waves: a figure (SVG, alt text) and an accessible table, with the waves the
        municipality did not take part in said as such."""
        from helpers.report import figures

        history = self.history()
        alt = history_alt(history, self.name)
        fig = lia_history_figure(history, self.name, self.cb)
        svg = figures.svg_bytes(fig, fonttype="none")  # text as text: a quicker PDF
        fig.clear()
        table = pd.DataFrame({
            "Flitspeiling": history["wave"].astype(str),
            "Fase": [row.answer_label if row.took_part else "niet deelgenomen" for row in history.itertuples()],
            "Toelichting": [("" if row.relation in ("same", "") else
                             f"antwoord van de gemeente {row.unit} ({'opgegaan in' if row.relation == 'merged' else 'deels opgegaan in'}"
                             f" {self.name})") for row in history.itertuples()]})
        if not table["Toelichting"].str.len().gt(0).any():
            table = table.drop(columns="Toelichting")
        absent = [str(w) for w in sorted(history.loc[~history["took_part"], "wave"])]
        other_wording = [str(w) for w in sorted(history["wave"].unique())
                         if wave_wording(int(w), self.cb) != self.cb.question(HISTORY_QUESTION).text]
        caption = f"Fase van de Lokale Inclusie Agenda van de gemeente {self.name} per flitspeiling"
        self.shown.append(("history", alt))
        if absent:
            self.shown.append(("note", f"niet deelgenomen: {', '.join(absent)}"))
        if not self.show:
            return
        import base64

        src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        from helpers.report.chapter import html_table

        absent_text = (f"<p class=\"fp-noot\">{html.escape(self.name)} deed niet mee aan de flitspeiling van "
                       f"{html.escape(fmt.join(absent))}.</p>") if absent else ""
        if other_wording:
            absent_text += (f'<p class="fp-noot">In {html.escape(fmt.join(other_wording))} luidde de vraag: '
                            f"‘{html.escape(wave_wording(int(other_wording[0]), self.cb))}’ De antwoorden zijn "
                            "omgezet naar de fasen van nu (codeboek).</p>")
        _display_html(f'<figure class="fp-figuur fs-figuur"><img src="{src}" alt="{html.escape(alt)}" '
                      f'style="max-width:100%;height:auto;"><figcaption>{html.escape(caption)}. '
                      "Gemeenten die na een herindeling zijn ontstaan zien de antwoorden van hun voorgangers."
                      f"</figcaption></figure>{absent_text}"
                      f'<div class="fs-tabel fs-klein">{html_table(table, caption=caption)}</div>')

    def method(self) -> None:
        """How the factsheet was made: comparison group and disclosure rule, free text, confidentiality."""
        self.note(self.group.note())
        self.note("Open antwoorden (toelichtingen en ‘anders, namelijk’) staan niet in deze factsheet; de factsheet "
                  "noemt geen andere deelnemende gemeenten en geen namen of contactgegevens van invullers.")
        self.note(f"{self.confidential}. Deze factsheet is niet openbaar en hoort niet bij het openbare rapport "
                  f"Flitspeiling VN-verdrag Handicap in gemeenten {self.year}.")


# --------------------------------------------------------------------------------------------------------------------
# Batch build: one long-lived kernel per worker


@dataclass
class BuildSettings:
    year: int
    processed_dir: Path
    staging: Path
    notebooks_dir: Path
    notebook: Path = NOTEBOOK
    pdf: bool = True
    timeout: int = 300


@dataclass
class BuiltFactsheet:
    code: str
    name: str
    size_class: str
    comparison_group: str
    html: str
    pdf: str
    pages: int
    seconds: dict = field(default_factory=dict)  # execute, html, pdf


def _template_notebook(path: Path):
    """The notebook as papermill loads it (every cell with a tags list, papermill metadata)."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(str(path))


def parameterised(template, parameters: dict):
    """The notebook with papermill's injected-parameters cell (as `papermill -p` would run it)."""
    import copy

    from papermill.parameterize import parameterize_notebook

    return parameterize_notebook(copy.deepcopy(template), parameters, kernel_name=KERNEL, language="python")


class KernelRunner:
    """A long-lived kernel that executes a notebook again and again, each time in a fresh namespace."""

    def __init__(self, cwd: Path, timeout: int = 300):
        from jupyter_client.manager import KernelManager

        self.timeout = timeout
        self.km = KernelManager(kernel_name=KERNEL)
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def execute(self, nb):
        from nbclient import NotebookClient

        # A fresh namespace: the modules stay imported (and helpers' caches filled), the variables go.
        self.kc.execute_interactive("get_ipython().run_line_magic('reset', '-f')", store_history=False,
                                    timeout=self.timeout)
        client = NotebookClient(nb, km=self.km, kernel_name=KERNEL, timeout=self.timeout, allow_errors=False)
        client.kc = self.kc
        return client.execute()

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


def _css() -> str:
    return (TEMPLATES_DIR / "factsheet.css").read_text(encoding="utf-8")


def render_page(body_html: str, name: str, year: int, synthetic: bool) -> str:
    """The factsheet page: helpers.publish.assemble's page template and CSS, the confidential marking in the title, in a
    banner and in the PDF's running header; no link to the report."""
    from helpers.publish.pages import NOTICE_MARKERS, common_context, template_environment

    context = common_context(year, synthetic)
    context.update(css=context["css"] + "\n" + _css(), page_title=page_title(name, year),
                   running_title=confidential_text(name),
                   description=f"{confidential_text(name)}. {TITLE} Factsheet bij de flitspeiling {year}.",
                   confidential=confidential_text(name), body=body_html,
                   has_notice=any(mark in body_html for mark in NOTICE_MARKERS))
    return template_environment().get_template("factsheet.html.j2").render(context)


def notebook_body(notebook: Path, exporter) -> str:
    """The executed factsheet notebook as an HTML fragment (publish.notebook_html and process_fragment)."""
    from helpers.publish.fragments import notebook_html, process_fragment
    from helpers.publish.parts import Part

    part = Part(stem="factsheet", slug="fs", number=None, title=TITLE, kind="appendix")
    page = notebook_html(notebook, exporter, resources_dir=NOTEBOOK.parent)
    return process_fragment(page, part, {"items": []}).body


def build_one(runner: KernelRunner, template, exporter, settings: BuildSettings, code: str) -> BuiltFactsheet:
    import nbformat

    from helpers.publish.pages import external_resources
    from helpers.publish.pdf import write_pdf

    row = resolve_municipality(code, settings.year, settings.processed_dir)
    name = str(row["name"])
    stem = file_stem(code, name)
    seconds = {}
    begin = time.perf_counter()
    nb = parameterised(template, {"year": settings.year, "municipality": code,
                                  "processed_dir": str(settings.processed_dir)})
    try:
        executed = runner.execute(nb)
    except Exception:
        nbformat.write(nb, settings.notebooks_dir / f"{stem}.failed.ipynb")  # the build log with the failing cell
        raise
    notebook_path = settings.notebooks_dir / f"{stem}.ipynb"
    nbformat.write(executed, notebook_path)
    seconds["execute"] = time.perf_counter() - begin
    begin = time.perf_counter()
    group = comparison_group(wave_data(settings.year, settings.processed_dir).responses,
                             None if pd.isna(row["size_class"]) else str(row["size_class"]))
    page = render_page(notebook_body(notebook_path, exporter), name, settings.year,
                       wave_data(settings.year, settings.processed_dir).synthetic)
    problems = external_resources(page)
    if problems:
        raise FactsheetError(f"{stem}.html would load from elsewhere: {problems[:3]}")
    (settings.staging / f"{stem}.html").write_text(page, encoding="utf-8")
    seconds["html"] = time.perf_counter() - begin
    pages = 0
    if settings.pdf:
        begin = time.perf_counter()
        pages = write_pdf(page, settings.staging / f"{stem}.pdf", base_url=settings.staging)
        seconds["pdf"] = time.perf_counter() - begin
    return BuiltFactsheet(code=code, name=name, size_class="" if pd.isna(row["size_class"]) else str(row["size_class"]),
                          comparison_group="+".join(group.classes), html=f"{stem}.html",
                          pdf=f"{stem}.pdf" if settings.pdf else "", pages=pages, seconds=seconds)


def _worker(settings: BuildSettings, codes: list[str]) -> tuple[list[BuiltFactsheet], str, dict]:
    """Build `codes` in one kernel; returns (built, error message or "", start-up seconds)."""
    import logging

    from helpers.publish.fragments import html_exporter

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    begin = time.perf_counter()
    template = _template_notebook(settings.notebook)
    exporter = html_exporter()
    runner = KernelRunner(settings.notebook.parent, settings.timeout)
    startup = {"startup": time.perf_counter() - begin}
    built: list[BuiltFactsheet] = []
    try:
        for code in codes:
            try:
                built.append(build_one(runner, template, exporter, settings, code))
            except Exception as error:  # noqa: BLE001 - reported with the municipality, the build stops
                message = str(error)
                if hasattr(error, "ename"):  # nbclient's CellExecutionError
                    message = f"{error.ename}: {error.evalue}"
                return built, f"{code}: {message}", startup
    finally:
        runner.shutdown()
    return built, "", startup


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_index(built: Sequence[BuiltFactsheet], directory: Path, year: int) -> Path:
    """INDEX.csv for the researcher (not public): one row per factsheet, sorted by code, with file hashes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for item in sorted(built, key=lambda b: b.code):
        writer.writerow([item.code, item.name, year, item.size_class, item.comparison_group, item.html, item.pdf,
                         item.pages, _sha256(directory / item.html),
                         _sha256(directory / item.pdf) if item.pdf else ""])
    path = directory / "INDEX.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the workers, and through them their kernels): a figure
    that, unlike the wall time, hardly depends on what else the machine is doing."""
    import resource

    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def build_factsheets(year: int, out_dir: Path, *, processed_dir: Path | str = PROCESSED_DIR,
                     codes: Sequence[str] | None = None, jobs: int = 2, pdf: bool = True,
                     build_dir: Path | None = None, notebook: Path = NOTEBOOK) -> dict:
    """Build the factsheets of `codes` (default: every identified participant of `year`) into `out_dir`.

    Built in build_dir/staging (default build/<year>/factsheets) and moved into `out_dir` only when all succeeded (a
    failed build leaves the previous factsheets in place). Returns a summary with per-factsheet timings."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from helpers.publish.swap import publication_lock, swap_into_place

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    processed_dir = Path(processed_dir).resolve()
    out_dir = Path(out_dir).resolve()
    everyone = participants(year, processed_dir)
    if codes is None:
        codes = list(everyone["code"])
    else:
        codes = [str(resolve_municipality(code, year, processed_dir)["code"]) for code in codes]
    build_dir = Path(build_dir or REPO_ROOT / "build" / str(year) / "factsheets").resolve()
    staging = build_dir / "staging"
    notebooks_dir = build_dir / "notebooks"
    for directory in (staging, notebooks_dir):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    settings = BuildSettings(year=int(year), processed_dir=processed_dir, staging=staging,
                             notebooks_dir=notebooks_dir, notebook=Path(notebook), pdf=pdf)
    jobs = max(1, min(int(jobs), len(codes)))
    shares = [list(codes[index::jobs]) for index in range(jobs)]
    built: list[BuiltFactsheet] = []
    errors: list[str] = []
    startups: list[float] = []
    if jobs == 1:
        results = [_worker(settings, shares[0])]
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_worker, [settings] * jobs, shares))
    for done, error, startup in results:
        built += done
        startups.append(startup["startup"])
        if error:
            errors.append(error)
    if errors:
        raise FactsheetError(f"factsheet build failed ({'; '.join(errors)}); the executed notebooks are in "
                             f"{notebooks_dir}; {out_dir} was not changed")
    write_index(built, staging, year)
    with publication_lock(out_dir.parent):  # the same lock as make report's swap of reports/<year>/
        swap_into_place(staging, out_dir, lock=False)
    seconds = time.perf_counter() - started
    timings = pd.DataFrame([item.seconds for item in built])
    summary = {"year": int(year), "count": len(built), "seconds": round(seconds, 2), "jobs": jobs,
               "cpu_seconds": round(_cpu_seconds() - cpu_started, 1),
               "startup_seconds": [round(s, 2) for s in startups],
               "mean_seconds": {column: round(float(timings[column].mean()), 3) for column in timings.columns},
               "pages": int(sum(item.pages for item in built)), "out": str(out_dir)}
    (build_dir / "timing.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return summary


# --------------------------------------------------------------------------------------------------------------------
# A synthetic full-response wave (scale test)


FULL_RESPONSE_NOTE = ("SYNTHETIC SCALE TEST: every municipality of the 2023 frame answering, answers resampled by size "
                      "class from the 2023 stand-in; not a wave of the flitspeiling")


def write_full_response(out_dir: Path | str, year: int = 2023, processed_dir: Path | str = PROCESSED_DIR) -> Path:
    """A processed wave in which every municipality of the `year` frame answered (out_dir/<year>/), for the scale test.

    Deterministic: a participant keeps its own answers; every other municipality gets the answers of a participant
    of its size class chosen by the SHA-256 of its code (from the participants sorted by response id), under the
    response id "<year>-full-<code>". The other waves and crosswalk.parquet are copied, so the LIA history works.
    quality.json says synthetic and names the scale test. Never writes into data/processed.
    """
    out_dir = Path(out_dir).resolve()
    source = Path(processed_dir).resolve()
    if out_dir == source or source in out_dir.parents or out_dir in source.parents:
        raise FactsheetError(f"{out_dir}: the full-response test data must not be written into {source}")
    responses, answers, quality = read_processed(year, source)
    frame, _, _ = tables.frame_populations(year)
    known = responses[responses["municipality_code"].notna()].sort_values("response_id", kind="stable")
    by_class = {code: known[known["size_class"] == code] for code in tables.SIZE_CODES}
    own = dict(zip(known["municipality_code"].astype(str), known["response_id"].astype(str), strict=True))
    frames = pd.read_parquet(source / "frames.parquet")
    frames = frames[frames["wave"] == year].set_index("code")
    rows, answer_parts = [], []
    for item in frame.sort_values("code").itertuples():
        code = str(item.code)
        if code in own:
            donor_id = own[code]
        else:
            pool = by_class.get(str(item.size_class)) if not pd.isna(item.size_class) else None
            pool = pool if pool is not None and len(pool) else known
            pick = int(hashlib.sha256(code.encode()).hexdigest(), 16) % len(pool)
            donor_id = str(pool["response_id"].iloc[pick])
        donor = responses[responses["response_id"].astype(str) == donor_id].iloc[0].copy()
        new_id = f"{year}-full-{code}"
        donor["response_id"] = new_id
        donor["joint_group"] = pd.NA
        donor["match_status"] = "exact"
        donor["municipality_code"] = code
        donor["municipality_name"] = str(item.name)
        donor["province"] = str(frames.at[code, "province"]) if code in frames.index else pd.NA
        donor["code_2023"] = str(frames.at[code, "code_2023"]) if code in frames.index else code
        donor["population"] = item.population
        donor["size_class"] = item.size_class
        donor["klein"] = pd.NA if pd.isna(item.population) else bool(int(item.population) < SMALL_THRESHOLD)
        donor["in_frame"] = True
        rows.append(donor)
        part = answers[answers["response_id"].astype(str) == donor_id].copy()
        part["response_id"] = new_id
        # Free text of the donor is not copied: it would name the donor municipality.
        part = part[part["kind"].isin(["answer", "selected"])]
        answer_parts.append(part)
    full_responses = pd.DataFrame(rows).reset_index(drop=True)
    full_answers = pd.concat(answer_parts, ignore_index=True)
    from helpers.data.processed import ANSWERS_COLUMNS, RESPONSES_COLUMNS, _write_parquet, quality_json

    target = out_dir / str(year)
    target.mkdir(parents=True, exist_ok=True)
    _write_parquet(full_responses, RESPONSES_COLUMNS, target / "responses.parquet")
    _write_parquet(full_answers, ANSWERS_COLUMNS, target / "answers.parquet")
    quality = dict(quality)
    quality["provenance"] = {**(quality.get("provenance") or {}), "synthetic": True, "scale_test": FULL_RESPONSE_NOTE}
    (target / "quality.json").write_text(quality_json(quality), encoding="utf-8")
    for wave in processed_waves(source):
        if wave == year:
            continue
        (out_dir / str(wave)).mkdir(parents=True, exist_ok=True)
        for name in ("responses.parquet", "answers.parquet", "quality.json"):
            shutil.copyfile(source / str(wave) / name, out_dir / str(wave) / name)
    for name in ("crosswalk.parquet", "frames.parquet"):
        shutil.copyfile(source / name, out_dir / name)
    (out_dir / "README.txt").write_text(FULL_RESPONSE_NOTE + "\n", encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.factsheets",
                                     description="Confidential factsheets per municipality ('Waar staat mijn gemeente?').")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the factsheets of a wave (HTML and PDF)")
    build.add_argument("--year", type=int, required=True)
    build.add_argument("--processed-dir", type=Path, default=PROCESSED_DIR)
    build.add_argument("--out", type=Path, help="default: reports/<year>/factsheets")
    build.add_argument("--build-dir", type=Path, help="staging and executed notebooks (default build/<year>/factsheets)")
    build.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="kernels (default 2)")
    build.add_argument("--only", nargs="*", help="CBS codes or names (default: every participant); without --out they "
                                                 "go to build/<year>/factsheets-selection")
    build.add_argument("--no-pdf", action="store_true")
    build.add_argument("--label", default="factsheets", help="what the timing line names")
    full = commands.add_parser("full-response", help="write the synthetic full-response wave (scale test)")
    full.add_argument("--out", type=Path, required=True)
    full.add_argument("--year", type=int, default=2023)
    full.add_argument("--processed-dir", type=Path, default=PROCESSED_DIR)
    args = parser.parse_args(argv)
    try:
        if args.command == "full-response":
            target = write_full_response(args.out, args.year, args.processed_dir)
            print(f"wrote {target} ({len(pd.read_parquet(target / 'responses.parquet'))} responses; synthetic scale test)")
            return 0
        # A selection never replaces the full set in reports/<year>/factsheets unless --out says so.
        default = REPO_ROOT / ("build" if args.only else "reports") / str(args.year) / \
            ("factsheets-selection" if args.only else "factsheets")
        out = args.out or default
        summary = build_factsheets(args.year, out, processed_dir=args.processed_dir, codes=args.only, jobs=args.jobs,
                                   pdf=not args.no_pdf, build_dir=args.build_dir)
    except (FactsheetError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    mean = summary["mean_seconds"]
    print(f"{summary['count']} factsheets in {summary['seconds']} s ({args.label}, {summary['jobs']} kernels, "
          f"CPU {summary['cpu_seconds']} s; "
          f"per factsheet: execute {mean.get('execute', 0):.2f} s, html {mean.get('html', 0):.2f} s, "
          f"pdf {mean.get('pdf', 0):.2f} s; kernel start-up {', '.join(map(str, summary['startup_seconds']))} s) "
          f"-> {summary['out']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
