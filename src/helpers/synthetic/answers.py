"""The answers of every valid response of a wave: who stops where, who skips what, and which answer each unit gives.

Steps per wave (all deterministic for a seed):

1. every response gets a latent "engagement" (how far the municipality is, and its size) and a size score;
2. break-off: per size group, the units answering each closed question come from targets.yml; the least persistent
   single responses stop first (joint answers always finish); a unit that answers a later question reached this one,
   so reached - answered units skip it;
3. per question (and item): the integer counts per answer are solved (helpers.synthetic.calibrate) and dealt out
   along a score (helpers.synthetic.allocate);
4. multi-choice questions: an exclusive option ("geen behoefte") is ticked alone, every other answering unit ticks at
   least one box; partners: every unit involves at least one partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from helpers.data.codebook import codebook
from helpers.synthetic.allocate import AllocationError, allocate, pick, standardise
from helpers.synthetic.calibrate import solve_counts
from helpers.synthetic.participants import Participant
from helpers.synthetic.phases import answer_code
from helpers.synthetic.random import stream
from helpers.synthetic.solve import SIZE_GROUPS, group_plan, question_targets

ORDERS = {
    "attention": (["geen", "weinig", "neutraal", "veel", "heel_veel"], ["nvt"]),
    "involvement": (["niet", "enigszins", "veel", "zeer_veel"], []),
    "obstacle": (["geen", "klein", "groot", "zeer_groot"], []),
    "yes_no": (["nee", "ja"], []),
    "policy_breadth": (["fysiek_zintuiglijk", "alle_beperkingen", "breed_inclusiebeleid"], ["anders"]),
}
# How strongly engagement drives ticking a support option (negative: beginners tick it more).
OPTION_LEAN = {
    "specifieke_voorbeelden": 0.3, "generieke_voorbeelden": -0.3, "nulmeting": 0.0, "kaders_lia": -0.5,
    "uitleg_verdrag": -0.9, "geen_behoefte": 0.6, "anders": 0.0,
    "belangenbehartigers": -0.2, "ervaringsdeskundigen": 0.0, "gemeenteraad": -0.3, "eigen_organisatie": 0.2,
    "website": 0.0, "kennisproducten": 0.1, "regionale_bijeenkomsten": 0.0, "landelijke_bijeenkomsten": 0.3,
    "advies_op_maat": -0.2,
}


@dataclass
class Response:
    """One valid response (one export row) and everything it answers."""

    index: int
    participant: Participant
    kind: str  # LIA phase kind (phase_order)
    latent: float = 0.0
    size_z: float = 0.0
    phase_z: float = 0.0
    last_closed: int = -1  # index in the wave's closed questions of the last one reached
    skipped: set[str] = field(default_factory=set)
    item_skipped: set[tuple[str, str]] = field(default_factory=set)
    answers: dict[tuple[str, str], str] = field(default_factory=dict)  # (question, item) -> code; item '' if single
    ticks: dict[str, set[str]] = field(default_factory=dict)  # multi question -> ticked options
    open_answered: set[str] = field(default_factory=set)  # open questions with a text
    texts: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (question, role, item) -> text

    @property
    def weight(self) -> int:
        return self.participant.weight

    @property
    def group(self) -> str:
        return self.participant.group

    @property
    def phase(self) -> str:
        return answer_code(self.kind)

    def answered(self, question: str) -> bool:
        return (any(q == question for q, _ in self.answers) or bool(self.ticks.get(question))
                or question in self.open_answered)


@dataclass
class WaveAnswers:
    year: int
    responses: list[Response]
    closed: list[str]  # closed questions of the wave, in order
    counts: dict = field(default_factory=dict)  # (question, item) -> {group: {code: n}} as solved


def _closed_questions(year: int) -> list[str]:
    book = codebook()
    return [q for q in book.wave(year).questions if book.question(q).type != "open"]


def _plan_breakoff(wave: WaveAnswers, targets, seed: int) -> None:
    """Set last_closed and skipped for every response from the answered counts of targets.yml."""
    year = wave.year
    spec = targets.wave(year).questions
    rng = stream(seed, year, "breakoff")
    closed = wave.closed
    persistence = {r.index: r.latent + float(rng.normal(0, 1.0)) for r in wave.responses}
    for group in SIZE_GROUPS:
        rows = [r for r in wave.responses if r.group == group]
        units = sum(r.weight for r in rows)
        if not rows:
            continue
        answered = []
        for q in closed:
            if q not in spec:
                raise ValueError(f"targets.yml {year}: no targets for {q}")
            answered.append(spec[q].answered.get(group, 0))
        reach = [max(answered[k:]) for k in range(len(closed))]
        if reach[0] != units or max(answered) > units:
            raise ValueError(f"targets.yml {year}: group {group} has {units} units, answered counts {answered}")
        singles = sorted((r for r in rows if r.weight == 1), key=lambda r: (persistence[r.index], r.index))
        for r in rows:
            r.last_closed = len(closed) - 1
        for position, r in enumerate(singles):
            stops = [k for k in range(len(closed)) if position < units - reach[k]]
            if stops:
                r.last_closed = stops[0] - 1
        # skips: reached but not answered
        for k, q in enumerate(closed):
            missing = reach[k] - answered[k]
            if missing <= 0:
                continue
            candidates = [r for r in singles if r.last_closed >= k and r.kind not in ("uitgevoerd",)]
            keys = {r.index: -(r.latent + float(rng.normal(0, 1.0))) for r in candidates}
            chosen = pick([r.index for r in candidates], {r.index: 1 for r in candidates}, keys, missing)
            for r in candidates:
                if r.index in chosen:
                    r.skipped.add(q)
        # item non-response
        for q in closed:
            for item, per_group in spec[q].item_answered.items():
                if group not in per_group:
                    continue
                answering = [r for r in singles if r.last_closed >= closed.index(q) and q not in r.skipped]
                missing = spec[q].answered[group] - per_group[group]
                keys = {r.index: float(rng.random()) for r in answering}
                chosen = pick([r.index for r in answering], {r.index: 1 for r in answering}, keys, missing)
                for r in answering:
                    if r.index in chosen:
                        r.item_skipped.add((q, item))


def _answering(wave: WaveAnswers, question: str, item: str) -> list[Response]:
    k = wave.closed.index(question)
    return [r for r in wave.responses
            if r.last_closed >= k and question not in r.skipped and (question, item) not in r.item_skipped]


def _groups(rows: list[Response], split_size: bool, condition: str | None = None,
            condition_codes: tuple[str, ...] = ()) -> dict[str, list[Response]]:
    """Solver groups: size group (or 'alle'), split into '|in' and '|out' of a condition on an earlier answer."""
    groups: dict[str, list[Response]] = {}
    for r in rows:
        name = r.group if split_size else "alle"
        if condition:
            code = r.phase if condition == "lia_phase" else r.answers.get((condition, ""))
            name += "|in" if code in condition_codes else "|out"
        groups.setdefault(name, []).append(r)
    return dict(sorted(groups.items()))


def _scores(rows: list[Response], kind: str, rng: np.random.Generator, item: str = "") -> dict[int, float]:
    if kind == "attention":
        return {r.index: r.latent + float(rng.normal(0, 0.6)) for r in rows}
    if kind == "involvement":
        return {r.index: r.latent + float(rng.normal(0, 1.2)) for r in rows}
    if kind == "obstacle":
        if item == "ander":
            return {r.index: float(rng.normal(0, 1)) for r in rows}
        return {r.index: -0.6 * r.size_z - 0.3 * r.phase_z + float(rng.normal(0, 1.0)) for r in rows}
    return {r.index: r.latent + float(rng.normal(0, 1.1)) for r in rows}


def _solve_and_deal(wave: WaveAnswers, targets, question: str, item: str, rows: list[Response], order_kind: str,
                    rng: np.random.Generator) -> dict[int, str]:
    split_size, condition = group_plan(targets, wave.year, question, item)
    condition_codes: tuple[str, ...] = ()
    if condition:
        numbers = [targets.number(i) for i in targets.wave(wave.year).questions[question].published]
        condition_codes = next(n.condition[condition] for n in numbers if condition in n.condition)
    groups = _groups(rows, split_size, condition, condition_codes)
    bases = {g: sum(r.weight for r in members) for g, members in groups.items()}
    codes, solver_targets, preferred = question_targets(targets, wave.year, question, item,
                                                        {g: [r.index for r in m] for g, m in groups.items()}, bases)
    counts = solve_counts(bases, codes, solver_targets, preferred)
    wave.counts[(question, item)] = counts
    order, random_codes = ORDERS[order_kind]
    scores = _scores(rows, order_kind, rng, item)
    random_keys = {r.index: (r.latent + float(rng.normal(0, 1.5)) if order_kind == "attention"
                             else float(rng.normal(0, 1))) for r in rows}
    result = {}
    for group, members in groups.items():
        ids = [r.index for r in members]
        weights = {r.index: r.weight for r in members}
        result.update(allocate(ids, weights, scores, counts[group], order,
                               [c for c in random_codes if counts[group].get(c, 0)], random_keys))
    return result


def _multi(wave: WaveAnswers, targets, question: str, rows: list[Response], rng: np.random.Generator) -> None:
    book = codebook()
    q = book.question(question)
    options = [c.item for c in book.wave(wave.year).columns_for(question) if c.role == "selected"]
    exclusive = [o.code for o in q.options if o.exclusive and o.code in options]
    split_size = any(group_plan(targets, wave.year, question, o)[0] for o in options)
    groups = _groups(rows, split_size, None)
    bases = {g: sum(r.weight for r in members) for g, members in groups.items()}
    counts = {}
    for option in options:
        codes, solver_targets, preferred = question_targets(targets, wave.year, question, option,
                                                            {g: [r.index for r in m] for g, m in groups.items()}, bases)
        solved = solve_counts(bases, codes, solver_targets, preferred)
        wave.counts[(question, option)] = solved
        counts[option] = {g: solved[g]["1"] for g in groups}
    for group, members in groups.items():
        weights = {r.index: r.weight for r in members}
        ticks: dict[int, set[str]] = {r.index: set() for r in members}
        excluded: set[int] = set()
        for option in exclusive:
            keys = {r.index: OPTION_LEAN.get(option, 0) * r.latent + float(rng.normal(0, 1)) for r in members
                    if r.weight == 1}
            for i in pick(list(keys), weights, keys, counts[option][group]):
                ticks[i].add(option)
                excluded.add(i)
        eligible = [r for r in members if r.index not in excluded]
        eligible_units = sum(r.weight for r in eligible)
        others = [o for o in options if o not in exclusive]
        if sum(counts[o][group] for o in others) < eligible_units:
            raise AllocationError(f"{wave.year} {question} {group}: {eligible_units} units must tick a box, only "
                                  f"{sum(counts[o][group] for o in others)} ticks")
        most = max(others, key=lambda o: (counts[o][group], -others.index(o)))
        for option in others:
            if counts[option][group] > eligible_units:
                raise AllocationError(f"{wave.year} {question} {group}: {counts[option][group]} ticks for {option}, "
                                      f"only {eligible_units} units may tick it")
            keys = {r.index: OPTION_LEAN.get(option, 0) * r.latent + float(rng.normal(0, 1))
                    + (100.0 if option == most and r.weight > 1 else 0.0) for r in eligible}
            for i in pick(list(keys), weights, keys, counts[option][group]):
                ticks[i].add(option)
        # every eligible unit ticks at least one box: move a tick from a unit with several
        for r in eligible:
            if ticks[r.index]:
                continue
            donors = sorted((d for d in eligible if weights[d.index] == r.weight and len(ticks[d.index]) >= 2),
                            key=lambda d: (-len(ticks[d.index]), d.index))
            if not donors:
                raise AllocationError(f"{wave.year} {question}: no unit can give a tick to an empty answer")
            donor = donors[0]
            option = sorted(ticks[donor.index], key=lambda o: (-counts[o][group], o))[0]
            ticks[donor.index].discard(option)
            ticks[r.index].add(option)
        for r in members:
            r.ticks[question] = ticks[r.index]


def _partners_repair(wave: WaveAnswers, rows: list[Response], items: list[str]) -> None:
    """No unit answers 'niet' on every partner (S0 par. 3.4: every municipality works with one or more partners)."""
    for r in rows:
        given = [i for i in items if ("partners", i) in r.answers]
        if not given or any(r.answers[("partners", i)] != "niet" for i in given):
            continue
        done = False
        for item in given:
            donors = [d for d in rows if d.group == r.group and d.weight == r.weight and d is not r
                      and d.answers.get(("partners", item), "niet") != "niet"
                      and sum(d.answers.get(("partners", i)) not in (None, "niet") for i in items) >= 2]
            if donors:
                donor = sorted(donors, key=lambda d: d.latent)[0]
                r.answers[("partners", item)], donor.answers[("partners", item)] = (
                    donor.answers[("partners", item)], "niet")
                done = True
                break
        if not done:
            raise AllocationError(f"{wave.year}: a unit answers 'niet' for every partner and no swap is possible")


def _open_answers(wave: WaveAnswers, targets, seed: int) -> None:
    book = codebook()
    spec = targets.wave(wave.year).questions
    rng = stream(seed, wave.year, "open")
    for question in book.wave(wave.year).questions:
        q = book.question(question)
        if q.type != "open":
            continue
        target = spec[question].answered
        routed = wave.responses
        if q.asked_if:
            routed = [r for r in routed if all(
                (r.phase if earlier == "lia_phase" else r.answers.get((earlier, ""))) in codes
                for earlier, codes in q.asked_if.items())]
        order = book.wave(wave.year).questions
        if question == "respondent_function" or order.index(question) <= order.index("lia_phase"):
            reached = routed
        else:
            reached = [r for r in routed if r.last_closed >= _last_closed_before(wave, question)]
        if "alle" in target:
            keys = {r.index: (10.0 if r.kind in ("uitgevoerd", "anders_tweede_lia") and question == "lia_results"
                              else 0.0) + 0.3 * r.latent + float(rng.normal(0, 1)) for r in reached}
            chosen = pick([r.index for r in reached], {r.index: r.weight for r in reached}, keys, target["alle"])
        else:
            chosen = []
            for group in SIZE_GROUPS:
                members = [r for r in reached if r.group == group]
                keys = {r.index: (10.0 if r.kind in ("uitgevoerd", "anders_tweede_lia") else 0.0) + r.latent
                        + float(rng.normal(0, 1)) for r in members}
                chosen += pick([r.index for r in members], {r.index: r.weight for r in members}, keys,
                               target.get(group, 0))
        for r in wave.responses:
            if r.index in chosen:
                r.open_answered.add(question)


def _last_closed_before(wave: WaveAnswers, question: str) -> int:
    order = codebook().wave(wave.year).questions
    earlier = [q for q in order[: order.index(question)] if q in wave.closed]
    return wave.closed.index(earlier[-1]) if earlier else -1


def build_answers(year: int, participants: list[Participant], kinds: list[str], targets, seed: int) -> WaveAnswers:
    book = codebook()
    spec = book.wave(year)
    rng = stream(seed, year, "latent")
    order = list(targets.phase_order)
    responses = [Response(i, p, k) for i, (p, k) in enumerate(zip(participants, kinds, strict=True))]
    phase_rank = [order.index(r.kind) if r.kind != "anders_niet_actief" else 0 for r in responses]
    sizes = [np.log(r.participant.population / r.weight) if r.participant.population else np.nan for r in responses]
    mean_size = float(np.nanmean(sizes))
    size_z = standardise([s if not np.isnan(s) else mean_size for s in sizes])
    phase_z = standardise(phase_rank)
    noise = rng.normal(0, 0.6, len(responses))
    for r in responses:
        r.size_z, r.phase_z = float(size_z[r.index]), float(phase_z[r.index])
        r.latent = 0.7 * r.phase_z + 0.4 * r.size_z + float(noise[r.index])
    wave = WaveAnswers(year=year, responses=responses, closed=_closed_questions(year))
    _plan_breakoff(wave, targets, seed)
    for question in spec.questions:
        q = book.question(question)
        qrng = stream(seed, year, f"answers:{question}")
        if question == "lia_phase":
            for r in responses:
                r.answers[("lia_phase", "")] = r.phase
            continue
        if q.type == "open":
            continue
        if q.type == "multi":
            _multi(wave, targets, question, _answering(wave, question, ""), qrng)
            continue
        kind = q.scale if q.scale else question
        items = [c.item for c in spec.columns_for(question) if c.role == "answer" and c.item] or [""]
        for item in items:
            rows = _answering(wave, question, item)
            for index, code in _solve_and_deal(wave, targets, question, item, rows, kind, qrng).items():
                responses[index].answers[(question, item)] = code
        if question == "partners":
            _partners_repair(wave, _answering(wave, question, ""), items)
    _open_answers(wave, targets, seed)
    return wave
