"""Hand out solved counts to respondents: who gives which answer.

The calibration fixes how many units of a group give each answer; `allocate` decides which units. Units are ordered by
a score (how far a municipality is, how much attention it pays, ...) and the answers, in the scale's order, are dealt
out along that order, so that answers hang together within a respondent and across questions. A response row can
stand for several units (a joint answer counts once per municipality): such a row takes `weight` units of one answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


class AllocationError(ValueError):
    pass


def allocate(ids: Sequence[int], weights: Mapping[int, int], scores: Mapping[int, float], counts: Mapping[str, int],
             order: Sequence[str], random_codes: Sequence[str] = (), random_keys: Mapping[int, float] | None = None,
             ) -> dict[int, str]:
    """Give every row in `ids` one code so that the units (weights) per code equal `counts`.

    Codes in `random_codes` go first to the rows with the lowest `random_keys`; the other codes follow `order` along
    ascending `scores` (lowest score -> first code). Rows of weight > 1 are placed at their position if that code
    still has room for all their units, else at the nearest code that has.
    """
    total = sum(weights[i] for i in ids)
    if total != sum(counts.values()):
        raise AllocationError(f"{total} units to allocate, counts add up to {sum(counts.values())}: {dict(counts)}")
    remaining = {code: int(counts.get(code, 0)) for code in [*order, *random_codes]}
    assignment: dict[int, str] = {}
    free = list(ids)
    for code in random_codes:
        keys = random_keys or scores
        for i in sorted(free, key=lambda i: (keys[i], i)):
            if remaining[code] == 0:
                break
            if weights[i] <= remaining[code]:
                assignment[i] = code
                remaining[code] -= weights[i]
        if remaining[code]:
            raise AllocationError(f"could not give {counts[code]} units the answer {code!r} with rows of these weights")
        free = [i for i in free if i not in assignment]
    ordered = sorted(free, key=lambda i: (scores[i], i))
    codes = [code for code in order if code in remaining]
    # place heavy rows first
    position = 0
    placed_heavy = {}
    for i in ordered:
        w = weights[i]
        if w > 1:
            middle = position + w / 2
            bounds, start = [], 0
            for code in codes:
                bounds.append((start, start + counts.get(code, 0), code))
                start += counts.get(code, 0)
            here = next((k for k, (lo, hi, _) in enumerate(bounds) if lo <= middle < hi), len(codes) - 1)
            candidates = sorted(range(len(codes)), key=lambda k: (abs(k - here), k))
            chosen = next((codes[k] for k in candidates if remaining[codes[k]] >= w), None)
            if chosen is None:
                raise AllocationError(f"no answer has room for a joint row of {w} units: {remaining}")
            placed_heavy[i] = chosen
            remaining[chosen] -= w
        position += w
    assignment.update(placed_heavy)
    pointer = 0
    for i in ordered:
        if i in placed_heavy:
            continue
        while pointer < len(codes) and remaining[codes[pointer]] == 0:
            pointer += 1
        if pointer == len(codes):
            raise AllocationError("more rows than counts")
        assignment[i] = codes[pointer]
        remaining[codes[pointer]] -= 1
    if any(remaining.values()):
        raise AllocationError(f"counts left over after allocation: {remaining}")
    return assignment


def pick(ids: Sequence[int], weights: Mapping[int, int], scores: Mapping[int, float], units: int) -> list[int]:
    """The rows with the highest scores that together hold exactly `units` units."""
    chosen, left = [], units
    for i in sorted(ids, key=lambda i: (-scores[i], i)):
        if left == 0:
            break
        if weights[i] <= left:
            chosen.append(i)
            left -= weights[i]
    if left:
        raise AllocationError(f"could not pick {units} units from rows with weights {sorted(weights[i] for i in ids)}")
    return chosen


def standardise(values: Sequence[float]) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    spread = values.std()
    return (values - values.mean()) / (spread if spread > 0 else 1.0)
