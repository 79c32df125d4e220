"""data/synthetic/targets.yml: the calibration targets, with published numbers resolved from published_numbers.yml."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from helpers import DATA_DIR
from helpers.core import yamlfiles
from helpers.data.codebook import codebook
from helpers.data.published import PublishedNumber, load_published

TARGETS_FILE = DATA_DIR / "synthetic" / "targets.yml"
GROUPS = ("klein", "niet_klein", "onbekend")


class TargetsError(ValueError):
    """targets.yml contradicts itself, the codebook or the published numbers."""


@dataclass(frozen=True)
class ParticipantSpec:
    units: int
    groups: dict[str, int]
    unidentified: int
    carry_over_weight: float
    published: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class QuestionTargets:
    question: str
    answered: dict[str, int]  # per size group, or {'alle': n} for open questions
    item_answered: dict[str, dict[str, int]]
    shares: dict[str, dict[str, float | str]]  # item ('' for non-matrix) -> code -> share or 'published'
    klein: dict[str, dict[str, float]]
    published: tuple[str, ...]
    by_size_class: dict[str, dict[str, int]] | None  # phase kind -> size class / onbekend -> units
    anders: dict[str, int]  # kinds of 'anders' explanation -> units (lia_phase)
    reason: str


@dataclass(frozen=True)
class WaveTargets:
    year: int
    participants: ParticipantSpec
    fieldwork: tuple[dt.date, dt.date]
    fieldwork_source: str
    mess: dict[str, int]
    questions: dict[str, QuestionTargets]


@dataclass(frozen=True)
class Targets:
    seed: int
    phase_order: tuple[str, ...]
    waves: dict[int, WaveTargets]
    numbers: dict[str, PublishedNumber] = field(repr=False)

    def wave(self, year: int) -> WaveTargets:
        return self.waves[year]

    def number(self, number_id: str) -> PublishedNumber:
        try:
            return self.numbers[number_id]
        except KeyError:
            raise TargetsError(f"targets.yml names published number {number_id!r}, which published_numbers.yml "
                               "does not have") from None

    def referenced_ids(self) -> list[str]:
        ids = []
        for wave in self.waves.values():
            ids += wave.participants.published
            for question in wave.questions.values():
                ids += question.published
        return ids


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _question(qid: str, raw: Mapping, year: int) -> QuestionTargets:
    book = codebook()
    question = book.question(qid)
    where = f"targets.yml {year} {qid}"
    if not book.wave(year).asks(qid):
        raise TargetsError(f"{where}: the {year} questionnaire does not ask {qid}")
    answered = {str(k): int(v) for k, v in (raw.get("answered") or {}).items()}
    if not answered:
        raise TargetsError(f"{where}: 'answered' is missing")
    if question.type == "matrix":
        shares = {item: dict(values) for item, values in (raw.get("items") or {}).items()}
        unknown = [item for item in shares if item not in [i.code for i in question.items]]
        if unknown:
            raise TargetsError(f"{where}: unknown items {unknown}")
        klein = {item: dict(values) for item, values in (raw.get("klein") or {}).items()}
    else:
        shares = {"": dict(raw["shares"])} if raw.get("shares") else {}
        klein = {"": dict(raw["klein"])} if raw.get("klein") else {}
    valid = set(question.answer_codes()) | {"1"}
    for item, values in list(shares.items()) + list(klein.items()):
        unknown = [code for code in values if code not in valid]
        if unknown:
            raise TargetsError(f"{where}{' ' + item if item else ''}: unknown answer codes {unknown}; valid {sorted(valid)}")
    by_size = None
    if raw.get("by_size_class"):
        table = dict(raw["by_size_class"])
        columns = table.pop("columns")
        by_size = {kind: dict(zip(columns, values, strict=True)) for kind, values in table.items()}
    return QuestionTargets(
        question=qid, answered=answered,
        item_answered={item: {str(g): int(n) for g, n in v.items()} for item, v in (raw.get("item_answered") or {}).items()},
        shares=shares, klein=klein, published=tuple(raw.get("published") or ()), by_size_class=by_size,
        anders={str(k): int(v) for k, v in (raw.get("anders") or {}).items()}, reason=str(raw.get("reason", "")),
    )


def load_targets(path: Path | str = TARGETS_FILE, published_path: Path | str | None = None) -> Targets:
    raw = yamlfiles.load(Path(path).read_text(encoding="utf-8"))
    numbers = {n.id: n for n in load_published(published_path)}
    waves = {}
    for year, entry in raw["waves"].items():
        year = int(year)
        p = entry["participants"]
        units = p["units"]
        participants = ParticipantSpec(
            units=int(units["value"]), groups={str(k): int(v) for k, v in p["groups"].items()},
            unidentified=int(p.get("unidentified", 0)), carry_over_weight=float(p.get("carry_over_weight", 1.0)),
            published=tuple(units.get("published") or ()), reason=str(p.get("reason", "")))
        if sum(participants.groups.values()) != participants.units:
            raise TargetsError(f"targets.yml {year}: participants.groups add up to {sum(participants.groups.values())}, "
                               f"not {participants.units}")
        questions = {qid: _question(qid, q, year) for qid, q in entry["questions"].items()}
        order = list(codebook().wave(year).questions)
        if list(questions) != [q for q in order if q in questions]:
            raise TargetsError(f"targets.yml {year}: questions must follow the questionnaire order {order}")
        fieldwork = entry["fieldwork"]
        waves[year] = WaveTargets(
            year=year, participants=participants, fieldwork=(_date(fieldwork["start"]), _date(fieldwork["end"])),
            fieldwork_source=str(fieldwork.get("source", "")), mess={k: int(v) for k, v in entry["mess"].items()},
            questions=questions)
    targets = Targets(seed=int(raw["seed"]), phase_order=tuple(raw["phase_order"]), waves=dict(sorted(waves.items())),
                      numbers=numbers)
    for number_id in targets.referenced_ids():
        number = targets.number(number_id)
        if number.check != "calibrated":
            raise TargetsError(f"targets.yml lists {number_id!r}, which is check: {number.check}, not calibrated")
    return targets


@cache
def targets() -> Targets:
    return load_targets()
