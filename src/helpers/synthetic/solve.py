"""From targets.yml and published_numbers.yml to the solver's input for one question (or item) of one wave.

Groups: when a question has numbers for the small municipalities (or separate wishes for them) its units are solved
per size group (klein / niet_klein / onbekend); when a number is conditional on another answer ("of the
municipalities carrying out a LIA, ...") the groups are split by that condition too. Otherwise all units form one
group 'alle' and the size pattern comes from the order in which answers are dealt out (larger, further municipalities
first for the "more" answers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from helpers.data.codebook import codebook
from helpers.data.published import PublishedNumber, matches
from helpers.synthetic.calibrate import ShareTarget

SIZE_GROUPS = ("klein", "niet_klein", "onbekend")


def codes_of(question_id: str) -> list[str]:
    question = codebook().question(question_id)
    if question.type == "multi":
        return ["1", "0"]
    return question.answer_codes()


def numbers_for(targets, year: int, question_id: str, item: str) -> list[PublishedNumber]:
    """The published numbers of targets.yml for this question and item that the solver can use."""
    q = targets.wave(year).questions[question_id]
    question = codebook().question(question_id)
    result = []
    for number_id in q.published:
        number = targets.number(number_id)
        if number.question != question_id or number.measure not in ("share", "count"):
            continue
        if number.population not in ("alle", "klein"):
            continue
        if question.type == "matrix":
            if number.item is None or number.item != item:
                continue
        elif question.type == "multi":
            if tuple(number.answer_codes) != (item,):
                continue
        result.append(number)
    return result


def group_plan(targets, year: int, question_id: str, item: str) -> tuple[bool, str | None]:
    """(split by size group?, condition question or None) for this question and item."""
    q = targets.wave(year).questions[question_id]
    numbers = numbers_for(targets, year, question_id, item)
    split_size = any(n.population == "klein" for n in numbers) or bool(q.klein.get(item))
    conditions = {c for n in numbers for c in n.condition}
    if len(conditions) > 1:
        raise ValueError(f"{year} {question_id}: numbers conditional on several questions {sorted(conditions)}")
    return split_size, (conditions.pop() if conditions else None)


def _value(number: PublishedNumber) -> float:
    if number.comparison == "approx":
        lo, hi = number.range
        return (lo + hi) / 2
    return float(number.value)


def _adjust(shares: Mapping[str, float], constraints: Sequence[tuple[tuple[str, ...], float]]) -> dict[str, float]:
    """Scale wished shares so that disjoint code sets get the published totals (nested sets are left to the solver)."""
    result = {code: float(value) for code, value in shares.items()}
    used: set[str] = set()
    for codes, value in constraints:
        if used & set(codes) or not set(codes) <= set(result):
            continue
        current = sum(result[c] for c in codes)
        for c in codes:
            result[c] = value * (result[c] / current if current > 0 else 1 / len(codes))
        used |= set(codes)
    rest = [c for c in result if c not in used]
    rest_total = sum(result[c] for c in rest)
    target_rest = max(0.0, 100.0 - sum(result[c] for c in used))
    for c in rest:
        result[c] = result[c] * target_rest / rest_total if rest_total > 0 else target_rest / max(len(rest), 1)
    return result


def wished_shares(targets, year: int, question_id: str, item: str) -> tuple[dict[str, float], dict[str, float] | None]:
    """(wishes for all units, separate wishes for small units or None), in percent per code."""
    q = targets.wave(year).questions[question_id]
    question = codebook().question(question_id)
    numbers = numbers_for(targets, year, question_id, item)
    raw = q.shares.get(item) if question.type == "matrix" else q.shares.get("")
    if question.type == "multi":
        raw = {"1": q.shares[""][item], "0": None} if q.shares.get("") and item in q.shares[""] else {"1": "published"}
    raw = dict(raw or {})

    def published_value(codes: tuple[str, ...]) -> float:
        for number in numbers:
            wanted = ("1",) if question.type == "multi" else tuple(number.answer_codes)
            if wanted == codes and number.population == "alle" and not number.condition:
                return _value(number)
        raise ValueError(f"targets.yml {year} {question_id} {item}: 'published' share for {codes} but no published "
                         f"number for it is listed")

    shares = {}
    for code, value in raw.items():
        if value == "published":
            shares[code] = published_value((code,))
        elif value is not None:
            shares[code] = float(value)
    if question.type == "multi":
        shares["0"] = 100.0 - shares["1"]
    codes = codes_of(question_id)
    shares = {code: shares.get(code, 0.0) for code in codes}
    alle = [(("1",) if question.type == "multi" else tuple(n.answer_codes), _value(n)) for n in numbers
            if n.population == "alle" and not n.condition]
    shares = _adjust(shares, alle)
    klein_raw = q.klein.get(item) if question.type == "matrix" else q.klein.get("")
    klein_numbers = [(("1",) if question.type == "multi" else tuple(n.answer_codes), _value(n)) for n in numbers
                     if n.population == "klein"]
    if klein_raw:
        klein = _adjust({code: float(klein_raw.get(code, 0.0)) for code in codes}, klein_numbers)
    elif klein_numbers:
        klein = _adjust(shares, klein_numbers)
    else:
        klein = None
    return shares, klein


def question_targets(targets, year: int, question_id: str, item: str, group_rows: Mapping[str, Sequence[int]],
                     bases: Mapping[str, int]) -> tuple[list[str], list[ShareTarget], dict[str, dict[str, float]]]:
    """Codes, hard targets and wishes per group for the solver; groups are the keys of `bases`."""
    question = codebook().question(question_id)
    codes = codes_of(question_id)
    numbers = numbers_for(targets, year, question_id, item)
    groups = list(bases)
    solver_targets = []
    for number in numbers:
        chosen = [g for g in groups if number.population == "alle" or g.split("|")[0] == "klein"]
        if number.condition:
            chosen = [g for g in chosen if g.endswith("|in")]
        answer = ("1",) if question.type == "multi" else tuple(number.answer_codes)
        kind = "count" if number.measure == "count" else "share"
        solver_targets.append(ShareTarget(number.id, answer, tuple(chosen),
                                          lambda x, n=number: matches(n, x), kind=kind))
    shares, klein = wished_shares(targets, year, question_id, item)
    preferred = {}
    total = sum(bases.values()) or 1
    klein_units = sum(n for g, n in bases.items() if g.split("|")[0] == "klein")
    other_units = sum(n for g, n in bases.items() if g.split("|")[0] == "niet_klein")
    for group in groups:
        size = group.split("|")[0]
        if size == "klein" and klein is not None:
            preferred[group] = klein
        elif size == "niet_klein" and klein is not None and other_units:
            # so that all units together come close to the wishes for all
            derived = {code: (total * shares[code] - klein_units * klein[code]
                              - (total - klein_units - other_units) * shares[code]) / other_units for code in codes}
            derived = {code: max(0.0, v) for code, v in derived.items()}
            scale = sum(derived.values()) or 1
            preferred[group] = {code: 100 * v / scale for code, v in derived.items()}
        else:
            preferred[group] = shares
    for number in numbers:  # wishes inside a condition group follow the conditional number
        if number.condition:
            answer = ("1",) if question.type == "multi" else tuple(number.answer_codes)
            for group in groups:
                if group.endswith("|in"):
                    preferred[group] = _adjust(preferred[group], [(answer, _value(number))])
    return codes, solver_targets, preferred
