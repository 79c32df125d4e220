"""The LIA phase of every participant in every wave, so that the panel tells a plausible story.

Every municipality gets a `progress` score: larger municipalities, and those that took part in more earlier waves,
are further. 2023 is dealt out first, per size class, along progress (targets.yml gives the units per phase and size
class). Earlier waves are dealt out backwards in time: a participant's phase in the next wave it took part in (its
"anchor") orders it, so that phases rarely go backwards; participants without a later answer are placed by progress.
'anders' is split into three kinds of explanation (not actively working on it; integrated in broader policy; working
on a second LIA), placed where they belong in that order.
"""

from __future__ import annotations

import numpy as np

from helpers.synthetic.allocate import allocate, standardise
from helpers.synthetic.calibrate import solve_counts
from helpers.synthetic.participants import Participant
from helpers.synthetic.random import stream
from helpers.synthetic.solve import question_targets

ANDERS_KINDS = ("anders_niet_actief", "anders_geintegreerd", "anders_tweede_lia")
SIZE_COLUMNS = ("lt10k", "10k_25k", "25k_50k", "50k_100k", "ge100k", "onbekend")


def answer_code(kind: str) -> str:
    return "anders" if kind in ANDERS_KINDS else kind


def _progress(participants: dict[int, list[Participant]], seed: int) -> dict[int, dict[int, float]]:
    """progress per wave per participant index."""
    history: dict[str, int] = {}
    for year in range(2018, 2023):
        for p in participants[year]:
            for m in p.members:
                if m.key:
                    history[m.key] = history.get(m.key, 0) + 1
    result = {}
    for year, group in participants.items():
        rng = stream(seed, year, "progress")
        noise = rng.normal(0.0, 0.7, len(group))
        sizes = np.log([p.population / p.weight if p.population else 20_000 for p in group])
        size_z = standardise(sizes)
        values = {}
        for index, p in enumerate(group):
            keys = [m.key for m in p.members if m.key]
            hist = np.mean([history.get(k, 0) for k in keys]) if keys else 0.0
            values[index] = float(0.8 * hist + 0.6 * size_z[index] + noise[index] - (0.5 if p.kind == "unidentified"
                                                                                      else 0.0))
        result[year] = values
    return result


def assign_phases(participants: dict[int, list[Participant]], targets, seed: int) -> dict[int, list[str]]:
    """Phase kind (targets.phase_order) per wave per participant, in the order of `participants[year]`."""
    order = list(targets.phase_order)
    rank = {kind: r for r, kind in enumerate(order)}
    progress = _progress(participants, seed)
    kinds: dict[int, list[str]] = {}

    # 2023: per size class, along progress
    spec = targets.wave(2023).questions["lia_phase"].by_size_class
    group = participants[2023]
    result = [None] * len(group)
    for column in SIZE_COLUMNS:
        ids = [i for i, p in enumerate(group) if (p.members[0].size_class or "onbekend") == column]
        counts = {kind: spec[kind][column] for kind in order}
        weights = {i: group[i].weight for i in ids}
        assignment = allocate(ids, weights, progress[2023], counts, order)
        for i, kind in assignment.items():
            result[i] = kind
    kinds[2023] = result

    # earlier waves: backwards, anchored on the next answer of the same municipality
    for year in (2022, 2021, 2020, 2019, 2018):
        wave = targets.wave(year).questions["lia_phase"]
        group = participants[year]
        n = sum(p.weight for p in group)
        codes, solver_targets, preferred = question_targets(targets, year, "lia_phase", "", {"alle": list(range(n))},
                                                            {"alle": n})
        anders_total = sum(wave.anders.values())
        counts = solve_counts({"alle": n}, codes, solver_targets, preferred,
                              minimum={("alle", "anders"): anders_total},
                              maximum={("alle", "anders"): anders_total})["alle"]
        kind_counts = {kind: (wave.anders.get(kind, 0) if kind in ANDERS_KINDS else counts.get(kind, 0))
                       for kind in order}
        later = {}
        for later_year in range(year + 1, 2024):
            for index, p in enumerate(participants[later_year]):
                for m in p.members:
                    if m.key and m.key not in later.get(later_year, {}):
                        later.setdefault(later_year, {})[m.key] = rank[kinds[later_year][index]]
        rng = stream(seed, year, "phase-anchor")
        anchors = {}
        for index, p in enumerate(group):
            key = p.members[0].key
            for later_year in range(year + 1, 2024):
                if key and key in later.get(later_year, {}):
                    # further in the future: probably a step less far now
                    anchors[index] = later[later_year][key] - 0.6 * (later_year - year - 1)
                    break
        anchored = np.array(sorted(anchors.values())) if anchors else np.array([3.0])
        values = np.array([progress[year][i] for i in range(len(group))])
        quantiles = (values.argsort().argsort() + 0.5) / len(values)
        keys = {}
        for index in range(len(group)):
            if index in anchors:
                keys[index] = anchors[index] + float(rng.normal(0, 0.35))
            else:
                keys[index] = float(np.quantile(anchored, quantiles[index])) + float(rng.normal(0, 0.8))
        weights = {i: p.weight for i, p in enumerate(group)}
        assignment = allocate(list(range(len(group))), weights, keys, kind_counts, order)
        kinds[year] = [assignment[i] for i in range(len(group))]
    return dict(sorted(kinds.items()))


def panel_transitions(participants: dict[int, list[Participant]], kinds: dict[int, list[str]]) -> list[tuple]:
    """(key, year, kind, next year, next kind) for consecutive participations of one municipality."""
    seen: dict[str, tuple[int, str]] = {}
    transitions = []
    for year in sorted(participants):
        for p, kind in zip(participants[year], kinds[year], strict=True):
            if p.kind != "single" or not p.members[0].key:
                continue
            key = p.members[0].key
            if key in seen:
                transitions.append((key, seen[key][0], seen[key][1], year, kind))
            seen[key] = (year, kind)
    return transitions
