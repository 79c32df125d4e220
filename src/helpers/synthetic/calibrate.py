"""Integer calibration: how many units give each answer, per group, so that every published share reproduces.

A published share is a statement about a population (all units, or the small municipalities, ...) and a set of answer
codes: "round_half_up(100 * k / n) == 41" for the k units of the population that gave one of the codes, out of the n
that answered. Because n and k are integers, not every percentage is reachable for every n; where both an 'alle' and a
'klein' percentage are published the split between the groups must make both reachable at once.

`solve_counts` finds integer counts per (group, answer code) that

- add up to the number of units answering in each group,
- put every target's count inside the interval its published number allows (found by trying every k, with the same
  comparison that checks the number later, so rounding is never re-implemented here), and
- stay as close as possible (L1) to preferred, assumed shares where nothing is published,

with a small mixed-integer programme (scipy's HiGHS, deterministic for a given input). When no solution exists it
raises `InfeasibleTargets` naming each target with the counts it allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from helpers.core.formatting import round_half_up


class InfeasibleTargets(ValueError):
    """No integer counts satisfy all targets; the message lists every target with the counts it would allow."""


@dataclass(frozen=True)
class ShareTarget:
    """A constraint on the share of units, in `groups`, that gave one of `codes`.

    `accept(percentage) -> bool` says whether a percentage reproduces the number (e.g. helpers.data.published.matches).
    `counted` is the units the count may come from and `base` the units the percentage is over; both default to
    `groups`. They differ for a subgroup statement such as "count in class X >= 1".
    """

    label: str
    codes: tuple[str, ...]
    groups: tuple[str, ...]
    accept: Callable[[float], bool]
    kind: str = "share"  # "share": percentage of the base; "count": the count itself is passed to accept

    def allowed(self, base: int) -> list[int]:
        if self.kind == "count":
            return [k for k in range(base + 1) if self.accept(k)]
        if base == 0:
            return []
        return [k for k in range(base + 1) if self.accept(100 * k / base)]


def rounded_target(label: str, codes: Sequence[str], groups: Sequence[str], percent: int) -> ShareTarget:
    """A share that must round half up to `percent` (the report's rounding)."""
    return ShareTarget(label, tuple(codes), tuple(groups), lambda x, v=percent: round_half_up(x) == v)


def range_target(label: str, codes: Sequence[str], groups: Sequence[str], lo: float, hi: float) -> ShareTarget:
    """A share in [lo, hi] (percent)."""
    return ShareTarget(label, tuple(codes), tuple(groups), lambda x: lo <= x <= hi)


def _interval(target: ShareTarget, base: int) -> tuple[int, int]:
    allowed = target.allowed(base)
    if not allowed:
        raise InfeasibleTargets(
            f"target {target.label!r}: no count of {target.codes} out of {base} units in {list(target.groups)} "
            f"reproduces it (the percentage is not reachable with this base; change the number of units answering)")
    lo, hi = allowed[0], allowed[-1]
    if allowed != list(range(lo, hi + 1)):
        raise InfeasibleTargets(f"target {target.label!r}: allowed counts {allowed} are not one interval")
    return lo, hi


def solve_counts(
    bases: Mapping[str, int],
    codes: Sequence[str],
    targets: Sequence[ShareTarget] = (),
    preferred: Mapping[str, Mapping[str, float]] | Mapping[str, float] | None = None,
    minimum: Mapping[tuple[str, str], int] | None = None,
    maximum: Mapping[tuple[str, str], int] | None = None,
) -> dict[str, dict[str, int]]:
    """Integer counts[group][code] with sum over codes == bases[group], meeting every target.

    `preferred` gives the wished shares (percent) per code, either one mapping for every group or one per group;
    the solution minimises the total absolute difference to them. `minimum`/`maximum` bound single cells.
    """
    groups = list(bases)
    codes = list(codes)
    if not targets and not minimum and not maximum:
        return {group: _largest_remainder(bases[group], codes, _wishes(preferred, group)) for group in groups}
    n_groups, n_codes = len(groups), len(codes)
    n_cells = n_groups * n_codes

    def cell(g: int, c: int) -> int:
        return g * n_codes + c

    for target in targets:
        unknown = [c for c in target.codes if c not in codes] + [g for g in target.groups if g not in groups]
        if unknown:
            raise InfeasibleTargets(f"target {target.label!r} names unknown codes or groups {unknown}")

    # preferred counts per cell
    wish = np.zeros(n_cells)
    for g, group in enumerate(groups):
        shares = preferred.get(group) if preferred and isinstance(next(iter(preferred.values()), None), Mapping) \
            else preferred
        if shares is None and preferred and isinstance(next(iter(preferred.values()), None), Mapping):
            shares = preferred.get("alle")
        shares = shares or {}
        total = sum(float(shares.get(code, 0.0)) for code in codes) or 1.0
        for c, code in enumerate(codes):
            wish[cell(g, c)] = bases[group] * float(shares.get(code, 0.0)) / total

    # variables: x (cells, integer) then d (cells, continuous) with d >= |x - wish|
    n_vars = 2 * n_cells
    rows, lower, upper = [], [], []

    def add(row: np.ndarray, lo: float, hi: float) -> None:
        rows.append(row)
        lower.append(lo)
        upper.append(hi)

    for g, group in enumerate(groups):
        row = np.zeros(n_vars)
        for c in range(n_codes):
            row[cell(g, c)] = 1
        add(row, bases[group], bases[group])
    intervals = []
    for target in targets:
        base = sum(bases[g] for g in target.groups)
        lo, hi = _interval(target, base)
        intervals.append((target, base, lo, hi))
        row = np.zeros(n_vars)
        for group in target.groups:
            for code in target.codes:
                row[cell(groups.index(group), codes.index(code))] = 1
        add(row, lo, hi)
    for i in range(n_cells):
        row = np.zeros(n_vars)
        row[i], row[n_cells + i] = 1, -1
        add(row, -np.inf, wish[i])
        row = np.zeros(n_vars)
        row[i], row[n_cells + i] = -1, -1
        add(row, -np.inf, -wish[i])

    low = np.zeros(n_vars)
    high = np.full(n_vars, np.inf)
    for g, group in enumerate(groups):
        for c, code in enumerate(codes):
            high[cell(g, c)] = bases[group]
            if minimum and (group, code) in minimum:
                low[cell(g, c)] = minimum[(group, code)]
            if maximum and (group, code) in maximum:
                high[cell(g, c)] = min(high[cell(g, c)], maximum[(group, code)])
    # a tiny, strictly ordered tie-break makes the optimum unique
    tie = np.array([1e-6 * (1 + i) / n_cells for i in range(n_cells)])
    objective = np.concatenate([tie, np.ones(n_cells)])
    integrality = np.concatenate([np.ones(n_cells), np.zeros(n_cells)])
    result = milp(objective, constraints=LinearConstraint(np.array(rows), lower, upper), integrality=integrality,
                  bounds=Bounds(low, high))
    if result.status != 0 or result.x is None:
        listing = "\n".join(
            f"  - {t.label}: {lo}..{hi} of {base} units in {list(t.groups)} with {list(t.codes)}"
            for t, base, lo, hi in intervals)
        raise InfeasibleTargets(
            f"no integer counts satisfy all targets at once (bases {dict(bases)}):\n{listing}\n"
            "Change the number of units answering in a group, or check that the targets do not contradict each other.")
    x = np.rint(result.x[:n_cells]).astype(int)
    return {group: {code: int(x[cell(g, c)]) for c, code in enumerate(codes)} for g, group in enumerate(groups)}


def _wishes(preferred, group: str) -> Mapping[str, float]:
    if not preferred:
        return {}
    if isinstance(next(iter(preferred.values()), None), Mapping):
        return preferred.get(group) or preferred.get("alle") or {}
    return preferred


def _largest_remainder(base: int, codes: Sequence[str], shares: Mapping[str, float]) -> dict[str, int]:
    """Counts proportional to the wished shares, rounded so that they add up to `base` (ties: the earlier code)."""
    total = sum(float(shares.get(code, 0.0)) for code in codes)
    if total <= 0:
        return {code: (base if i == 0 else 0) for i, code in enumerate(codes)}
    exact = [base * float(shares.get(code, 0.0)) / total for code in codes]
    counts = [int(x) for x in exact]
    order = sorted(range(len(codes)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: base - sum(counts)]:
        counts[i] += 1
    return dict(zip(codes, counts, strict=True))


def counts_for_shares(n_small: int, n_other: int, pct_all: int, pct_small: int,
                      n_unknown: int = 0) -> dict[str, int]:
    """How many small, other and unknown-size units give an answer so that both published percentages round right.

    Returns {'klein': k, 'niet_klein': k, 'onbekend': k}; raises InfeasibleTargets when impossible.
    """
    bases = {"klein": n_small, "niet_klein": n_other, "onbekend": n_unknown}
    bases = {g: n for g, n in bases.items() if n > 0 or g != "onbekend"}
    targets = [rounded_target("alle", ["ja"], list(bases), pct_all), rounded_target("klein", ["ja"], ["klein"], pct_small)]
    preferred = {"ja": pct_all, "nee": 100 - pct_all}
    counts = solve_counts(bases, ["ja", "nee"], targets, preferred)
    return {group: counts.get(group, {}).get("ja", 0) for group in ("klein", "niet_klein", "onbekend")}
