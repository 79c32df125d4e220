"""The numbers of a factsheet: the processed data of a wave (read once per process), the participating municipality,
its comparison group, its answers beside the shares of that group and of all participants, and its LIA phase over
the waves. The rules are described in helpers.factsheets."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import PROCESSED_DIR
from helpers.analysis import stats, tables
from helpers.core import formatting as fmt
from helpers.core import yamlfiles
from helpers.data.codebook import SELECTED, Codebook, Question, codebook
from helpers.data.municipalities import normalise_name
from helpers.data.processed import read_processed
from helpers.factsheets.texts import NOT_ANSWERED, NOT_ASKED, NOT_TICKED, TICKED

MIN_OTHERS = 5  # fewer other responding municipalities in a comparison group: merged or not shown
CLOSED_TYPES = ("single", "matrix", "multi")
HISTORY_QUESTION = "lia_phase"


class FactsheetError(ValueError):
    """A factsheet cannot be made (unknown municipality, no data); the message says what and suggests a fix."""



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

    choices = {name: normalise_name(name) for name in names}
    scored = process.extract(normalise_name(text), choices, scorer=fuzz.WRatio, limit=None)
    return [key for _, _, key in sorted(scored, key=lambda s: (-s[1], s[2]))[:limit]]


def resolve_municipality(municipality: str, year: int, processed_dir: Path | str = PROCESSED_DIR) -> pd.Series:
    """The participant row (participants()) of a CBS code ("GM0512") or a name ("Gorinchem") in wave `year`.

    Raises FactsheetError naming the wave and suggesting the closest participating municipalities when the code or
    name is not one participant of the wave (unknown, or a municipality that did not take part)."""
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
    for asked in closed_questions(year, cb):
        # the items and options this wave asked; those new since the previous wave marked "(nieuw in <year>)"
        q = tables.as_asked(asked, year, tables.previous_asking(asked.id, year, cb), cb)
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

    return yamlfiles.load(Path(path).read_text(encoding="utf-8")) or {}


def wave_wording(year: int, cb: Codebook | None = None) -> str:
    """The LIA question as wave `year` asked it (its codebook mapping's `text`, else the harmonised text)."""
    cb = cb or codebook()
    raw = _yaml(str(cb.wave(year).source))
    entry = ((raw.get("questions") or {}).get(HISTORY_QUESTION)) or {}
    return " ".join(str(entry.get("text", cb.question(HISTORY_QUESTION).text)).split())

