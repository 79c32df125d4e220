"""Published numbers of the Flitspeiling reports and how to recompute them from processed data.

data/published/published_numbers.yml lists every number the reports and news items state, each with a machine-checkable
definition (see data/published/README.md). This module loads and validates that file against the codebook,
recomputes a number from processed responses and answers (`compute`), and compares all of them (`check_all`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from helpers import CODEBOOK_DIR, PROCESSED_DIR, PUBLISHED_DIR
from helpers.core import yamlfiles
from helpers.core.formatting import round_half_up
from helpers.data.codebook import codebook
from helpers.data.processed import read_frames, read_processed

PUBLISHED_FILE = PUBLISHED_DIR / "published_numbers.yml"

MEASURES = (
    "participants",
    "response_rate",
    "share",
    "count",
    "n_answered",
    "share_within",
    "count_size_class",
    "frame_size",
)
COMPARISONS = ("rounded", "approx", "exact", "min", "max")
CHECKS = ("calibrated", "frame", "not_checkable")
SIZE_CLASSES = ("lt10k", "10k_25k", "25k_50k", "50k_100k", "ge100k")
POPULATIONS = ("alle", "klein", *SIZE_CLASSES)
# Interval notation for `approx`: "[)" means lo <= x < hi.
BOUNDS = ("[]", "[)", "(]", "()")

# Which definition fields each measure needs (True), may have (None) or must not have (False).
_MEASURE_FIELDS = {
    "participants": {"question": False, "answer": False, "size_classes": False},
    "response_rate": {"question": False, "answer": False, "size_classes": False},
    "frame_size": {"question": False, "answer": False, "size_classes": False},
    "count_size_class": {"question": False, "answer": False, "size_classes": False},
    "share": {"question": True, "answer": True, "size_classes": False},
    "count": {"question": None, "answer": None, "size_classes": False},
    "n_answered": {"question": True, "answer": False, "size_classes": False},
    "share_within": {"question": False, "answer": False, "size_classes": True},
}
_DEFINITION_KEYS = ("question", "item", "answer", "group", "population", "condition", "size_classes")
_ENTRY_KEYS = {
    *("id", "wave", "source", "quote", "value", "measure", "comparison", "check", "reason", "note"),
    *_DEFINITION_KEYS,
    *("range", "bounds", "decimals", "shown_as"),
}


class PublishedNumberError(ValueError):
    """An entry of published_numbers.yml is invalid; the message names the entry, the field and the valid choices."""


@dataclass(frozen=True)
class PublishedNumber:
    """One published number with the definition that recomputes it. `answer_codes` has groups resolved to codes."""

    id: str
    wave: int
    source: str
    quote: str
    value: float
    measure: str | None
    comparison: str
    check: str
    question: str | None = None
    question_type: str | None = None
    item: str | None = None
    answer: tuple[str, ...] = ()
    group: str | None = None
    answer_codes: tuple[str, ...] = ()
    population: str = "alle"
    condition: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    size_classes: tuple[str, ...] = ()
    range: tuple[float, float] | None = None
    bounds: str = "[]"
    decimals: int = 0
    reason: str | None = None
    note: str | None = None
    # Where the report shows the number when its definition alone does not find it in cijfers.csv: (table, item),
    # e.g. ("tekst_reikwijdte_fase", "uitvoerders_50k_of_meer") for a number in the text of chapter 2.
    shown_as: tuple[str, str] | None = None


# ---------------------------------------------------------------------------------------------------------------
# Loading and validation


@cache
def _codebook() -> tuple[dict, dict]:
    """Questions by id and scales by name, read straight from questions.yml."""
    with open(CODEBOOK_DIR / "questions.yml", encoding="utf-8") as f:
        book = yamlfiles.load(f)
    return {q["id"]: q for q in book["questions"]}, book["scales"]


@cache
def _wave_questions(wave: int) -> frozenset[str] | None:
    """Questions asked in a wave (waves/<wave>.yml), or None when the codebook has no such wave."""
    path = CODEBOOK_DIR / "waves" / f"{wave}.yml"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        return frozenset(yamlfiles.load(f)["questions"])


def _answer_options(question: dict) -> list[str]:
    _, scales = _codebook()
    options = scales[question["scale"]]["options"] if "scale" in question else question.get("options", [])
    return [option["code"] for option in options]


def _answer_groups(question: dict) -> dict[str, list[str]]:
    _, scales = _codebook()
    groups = dict(scales[question["scale"]].get("groups", {})) if "scale" in question else {}
    groups.update(question.get("groups", {}))
    return {name: group["codes"] for name, group in groups.items()}


def _choices(values: Iterable) -> str:
    return ", ".join(str(v) for v in values) or "(none)"


class _EntryValidator:
    """Collects every problem of one raw entry, so that a broken file is reported in one go."""

    def __init__(self, raw: dict, position: int):
        self.raw = raw
        self.entry_id = raw.get("id") or f"entry #{position}"
        self.errors: list[str] = []

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(f"{self.entry_id}: field '{field_name}' {message}")

    def choose(self, field_name: str, value, valid: Iterable) -> bool:
        valid = list(valid)
        if value in valid:
            return True
        self.error(field_name, f"has unknown value {value!r}; valid choices: {_choices(valid)}")
        return False

    def build(self) -> PublishedNumber | None:
        raw = self.raw
        for key in sorted(set(raw) - _ENTRY_KEYS):
            self.error(key, f"is not a known field; valid fields: {_choices(sorted(_ENTRY_KEYS))}")
        for key in ("id", "wave", "source", "quote", "value", "comparison", "check"):
            if raw.get(key) is None:
                self.error(key, "is missing")
        if self.errors:
            return None

        check, measure, comparison = raw["check"], raw.get("measure"), raw["comparison"]
        self.choose("check", check, CHECKS)
        self.choose("comparison", comparison, COMPARISONS)
        if check in ("frame", "not_checkable") and not raw.get("reason"):
            self.error("reason", f"is required when check is {check!r}")
        if measure is None:
            # Only a number that cannot be measured may go without a definition.
            if check != "not_checkable":
                self.error("measure", f"is missing; valid choices: {_choices(MEASURES)}")
            for key in _DEFINITION_KEYS:
                if key in raw:
                    self.error(key, "needs a 'measure'")
        elif self.choose("measure", measure, MEASURES):
            self._check_definition(measure)
        self._check_comparison(comparison)
        if self.errors:
            return None

        question = raw.get("question")
        answer = tuple(raw.get("answer") or ())
        group = raw.get("group")
        answer_codes = answer
        if group is not None:
            answer_codes = tuple(_answer_groups(_codebook()[0][question])[group])
        return PublishedNumber(
            id=raw["id"],
            wave=int(raw["wave"]),
            source=raw["source"],
            quote=raw["quote"],
            value=raw["value"],
            measure=measure,
            comparison=comparison,
            check=check,
            question=question,
            question_type=_codebook()[0][question]["type"] if question else None,
            item=raw.get("item"),
            answer=answer,
            group=group,
            answer_codes=answer_codes,
            population=raw.get("population", "alle"),
            condition={q: tuple(codes) for q, codes in (raw.get("condition") or {}).items()},
            size_classes=tuple(raw.get("size_classes") or ()),
            range=tuple(raw["range"]) if "range" in raw else None,
            bounds=raw.get("bounds", "[]"),
            decimals=int(raw.get("decimals", 0)),
            reason=raw.get("reason"),
            note=raw.get("note"),
            shown_as=(raw["shown_as"]["table"], raw["shown_as"]["item"]) if raw.get("shown_as") else None,
        )

    def _check_definition(self, measure: str) -> None:
        raw = self.raw
        questions, _ = _codebook()
        asked = _wave_questions(int(raw["wave"]))
        if asked is None:
            self.error("wave", f"has no codebook file waves/{raw['wave']}.yml")
            return
        population = raw.get("population", "alle")
        self.choose("population", population, POPULATIONS)
        if measure == "count_size_class" and population == "alle":
            self.error("population", f"must be 'klein' or a size class for count_size_class: {_choices(SIZE_CLASSES)}")

        has_answer = raw.get("answer") is not None or raw.get("group") is not None
        present = {
            "question": raw.get("question") is not None,
            "answer": has_answer,
            "size_classes": raw.get("size_classes") is not None,
        }
        for name, rule in _MEASURE_FIELDS[measure].items():
            if rule is True and not present[name]:
                self.error(name, f"is required for measure {measure!r}" + (" (or 'group')" if name == "answer" else ""))
            elif rule is False and present[name]:
                self.error(name, f"is not used by measure {measure!r}")
        if raw.get("answer") is not None and raw.get("group") is not None:
            self.error("group", "cannot be combined with 'answer'; give one of them")
        for size_class in raw.get("size_classes") or ():
            self.choose("size_classes", size_class, SIZE_CLASSES)

        single_choice = [q for q, spec in questions.items() if spec["type"] == "single"]
        for condition_question, codes in (raw.get("condition") or {}).items():
            if self.choose("condition", condition_question, single_choice):
                self._check_asked("condition", condition_question, asked)
                for code in codes:
                    self.choose(f"condition.{condition_question}", code, _answer_options(questions[condition_question]))

        question_id = raw.get("question")
        if question_id is None or not self.choose("question", question_id, questions):
            return
        self._check_asked("question", question_id, asked)
        question = questions[question_id]
        item = raw.get("item")
        if question["type"] == "matrix":
            if item is not None:
                self.choose("item", item, [i["code"] for i in question["items"]])
        elif item is not None:
            self.error("item", f"is only for matrix questions; {question_id!r} is {question['type']}")
        if question["type"] == "open" and has_answer:
            self.error("answer", f"open question {question_id!r} has no answer codes")
        for code in raw.get("answer") or ():
            self.choose("answer", code, _answer_options(question))
        if raw.get("group") is not None:
            self.choose("group", raw["group"], _answer_groups(question))

    def _check_asked(self, field_name: str, question_id: str, asked: frozenset[str]) -> None:
        if question_id not in asked:
            self.error(
                field_name,
                f"{question_id!r} was not asked in wave {self.raw['wave']}; asked: {_choices(sorted(asked))}",
            )

    def _check_comparison(self, comparison: str) -> None:
        raw = self.raw
        shown_as = raw.get("shown_as")
        if shown_as is not None and not (isinstance(shown_as, dict) and set(shown_as) == {"table", "item"}):
            self.error("shown_as", "must be {table: ..., item: ...}: the cijfers.csv row that shows the number")
        if comparison == "approx":
            value_range = raw.get("range")
            if not (isinstance(value_range, list) and len(value_range) == 2 and value_range[0] <= value_range[1]):
                self.error("range", "must be [lo, hi] with lo <= hi for comparison 'approx'")
            self.choose("bounds", raw.get("bounds", "[]"), BOUNDS)
        else:
            for name in ("range", "bounds"):
                if name in raw:
                    self.error(name, f"is only for comparison 'approx', not {comparison!r}")
        if "decimals" in raw and comparison != "rounded":
            self.error("decimals", f"is only for comparison 'rounded', not {comparison!r}")


def parse_published(entries: list[dict]) -> list[PublishedNumber]:
    """Validate raw entries (as read from YAML) against the codebook; raise PublishedNumberError listing all problems."""
    numbers, errors, seen = [], [], set()
    for position, raw in enumerate(entries, start=1):
        validator = _EntryValidator(raw, position)
        if validator.entry_id in seen:
            validator.error("id", "is used by an earlier entry; ids must be unique")
        seen.add(validator.entry_id)
        number = validator.build()
        errors += validator.errors
        if number is not None:
            numbers.append(number)
    if errors:
        raise PublishedNumberError("invalid published numbers:\n  " + "\n  ".join(errors))
    return numbers


def load_published(path: str | Path | None = None) -> list[PublishedNumber]:
    """Read and validate published_numbers.yml (or another file with the same schema)."""
    with open(path or PUBLISHED_FILE, encoding="utf-8") as f:
        return parse_published(yamlfiles.load(f)["numbers"])


def published_targets(wave: int, path: str | Path | None = None) -> list[PublishedNumber]:
    """The numbers of one wave that synthetic data must reproduce (check: calibrated)."""
    return [n for n in load_published(path) if n.wave == wave and n.check == "calibrated"]


# ---------------------------------------------------------------------------------------------------------------
# Recomputing


def _of_wave(data: pd.DataFrame, wave: int) -> pd.DataFrame:
    return data[data["wave"] == wave] if "wave" in data.columns else data


def _population_ids(number: PublishedNumber, responses: pd.DataFrame, answers: pd.DataFrame) -> set[str]:
    """Respondents of the number's population who meet its condition."""
    if number.population == "klein":
        responses = responses[responses["klein"].fillna(False).astype(bool)]
    elif number.population != "alle":
        responses = responses[responses["size_class"] == number.population]
    ids = set(responses["response_id"])
    for question, codes in number.condition.items():
        rows = answers[(answers["question"] == question) & (answers["kind"] == "answer")]
        ids &= set(rows.loc[rows["value"].isin(codes), "response_id"])
    return ids


def _answered_and_matching(number: PublishedNumber, answers: pd.DataFrame) -> tuple[set[str], set[str]]:
    """Who answered the question (or its item), and who of them gave one of the number's answer codes.

    A matrix question without an item counts as answered when any item is, and matches when any item matches.
    """
    rows = answers[answers["question"] == number.question]
    if number.question_type == "multi":
        rows = rows[rows["kind"] == "selected"]
        ticked = rows[rows["item"].isin(number.answer_codes) & (rows["value"] == "1")]
        return set(rows["response_id"]), set(ticked["response_id"])
    if number.question_type == "open":
        text = rows.loc[rows["kind"] == "text", ["response_id", "text"]].dropna()
        return set(text.loc[text["text"].str.strip() != "", "response_id"]), set()
    rows = rows[(rows["kind"] == "answer") & rows["value"].notna()]
    if number.item is not None:
        rows = rows[rows["item"] == number.item]
    return set(rows["response_id"]), set(rows.loc[rows["value"].isin(number.answer_codes), "response_id"])


def _percentage(part: int, whole: int, what: str) -> float:
    if whole == 0:
        raise ValueError(f"no respondents in the base ({what}); a percentage is undefined")
    return 100 * part / whole  # multiply first, so that an exact half stays exact for round_half_up


def compute(
    number: PublishedNumber,
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    frame: pd.DataFrame | None = None,
) -> float | int:
    """Recompute a published number from processed responses and answers (and the municipality frame).

    Percentages are over the respondents of the population (and condition) who answered the question or item.
    Rows of other waves are ignored. Raises ValueError when the number has no definition or the data cannot give it.
    """
    if number.measure is None:
        raise ValueError(f"{number.id} has no measure: {number.reason}")
    responses = _of_wave(responses, number.wave)
    answers = _of_wave(answers, number.wave)
    answers = answers[answers["response_id"].isin(set(responses["response_id"]))]

    if number.measure in ("frame_size", "response_rate"):
        if frame is None:
            raise ValueError(f"{number.id} needs the municipality frame of wave {number.wave}")
        frame_size = len(_of_wave(frame, number.wave))
        if number.measure == "frame_size":
            return frame_size
        return _percentage(len(responses), frame_size, "municipalities in the frame")

    ids = _population_ids(number, responses, answers)
    if number.measure in ("participants", "count_size_class"):
        return len(ids)
    if number.measure == "share_within":
        sized = responses[responses["response_id"].isin(ids) & responses["size_class"].notna()]
        inside = sized["size_class"].isin(number.size_classes).sum()
        return _percentage(int(inside), len(sized), "respondents with a known size class")
    if number.measure == "count" and number.question is None:
        return len(ids)

    answered, matching = _answered_and_matching(number, answers)
    answered &= ids
    matching &= ids
    if number.measure == "n_answered":
        return len(answered)
    if number.measure == "count":
        return len(matching)
    return _percentage(len(matching), len(answered), f"answered {number.question} {number.item or ''}".strip())


def matches(number: PublishedNumber, computed: float) -> bool:
    """Does a computed value reproduce the published number under the entry's comparison?"""
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return False
    if number.comparison == "rounded":
        return round_half_up(computed, number.decimals) == number.value
    if number.comparison == "exact":
        return computed == number.value
    if number.comparison == "min":
        return computed >= number.value
    if number.comparison == "max":
        return computed <= number.value
    lo, hi = number.range
    above_lo = computed >= lo if number.bounds[0] == "[" else computed > lo
    below_hi = computed <= hi if number.bounds[1] == "]" else computed < hi
    return above_lo and below_hi


def _describe_expectation(number: PublishedNumber) -> str:
    if number.comparison == "rounded":
        return f"rounds to {number.value}"
    if number.comparison == "approx":
        lo, hi = number.range
        return f"in {number.bounds[0]}{lo}, {hi}{number.bounds[1]}"
    return {"exact": "==", "min": ">=", "max": "<="}[number.comparison] + f" {number.value}"


def check_all(
    responses_by_wave: Mapping[int, pd.DataFrame],
    answers_by_wave: Mapping[int, pd.DataFrame],
    frames: Mapping[int, pd.DataFrame] | None = None,
    numbers: list[PublishedNumber] | None = None,
) -> pd.DataFrame:
    """Recompute every published number of the waves present in `responses_by_wave` and compare.

    One row per number: id, wave, measure, check, published, computed, ok, comparison, reason. `ok` is the comparison
    result, or None when nothing could be computed; whether a failure matters depends on `check` (only `calibrated`
    numbers must be reproduced). `reason` explains a failure or repeats why a number is `frame` or `not_checkable`.
    """
    frames = frames or {}
    rows = []
    for number in numbers if numbers is not None else load_published():
        if number.wave not in responses_by_wave:
            continue
        computed, ok, reason = None, None, number.reason
        if number.measure is not None:
            try:
                computed = compute(
                    number, responses_by_wave[number.wave], answers_by_wave[number.wave], frames.get(number.wave)
                )
            except ValueError as problem:
                reason = str(problem)
            else:
                ok = matches(number, computed)
                if not ok and number.check == "calibrated":
                    reason = f"computed {computed:.4g}, expected a value that {_describe_expectation(number)}"
        rows.append(
            {
                "id": number.id,
                "wave": number.wave,
                "measure": number.measure,
                "check": number.check,
                "published": number.value,
                "computed": computed,
                "ok": ok,
                "comparison": number.comparison,
                "reason": reason,
            }
        )
    columns = ["id", "wave", "measure", "check", "published", "computed", "ok", "comparison", "reason"]
    # object columns keep None for "not computed" instead of turning it into NaN
    return pd.DataFrame(rows, columns=columns, dtype=object).astype({"wave": int})


def check_processed(processed_dir: Path | str | None = None, waves: Iterable[int] | None = None) -> pd.DataFrame:
    """`check_all` on the processed data of `waves` (default: every wave with a codebook mapping)."""
    processed_dir = Path(processed_dir) if processed_dir is not None else PROCESSED_DIR
    waves = sorted(waves) if waves is not None else sorted(codebook().waves)
    frames = read_frames(processed_dir)
    responses, answers = {}, {}
    for wave in waves:
        responses[wave], answers[wave], _ = read_processed(wave, processed_dir)
    return check_all(responses, answers, {wave: frames[frames["wave"] == wave] for wave in waves})
