"""Who takes part in each wave, and how they type their municipality's name.

2023 is the published participant list (Bijlage A of the 2023 report). Earlier waves are drawn from that year's
frame: a fixed number of small, other and unknown-size municipalities (targets.yml), larger municipalities more often,
and municipalities that also take part in the next wave much more often, so that consecutive waves overlap as panels
do. Every draw is made with the wave's own random stream, so the result does not depend on anything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import PUBLISHED_DIR
from helpers.synthetic import frames
from helpers.synthetic.random import stream

GROUPS = ("klein", "niet_klein", "onbekend")
REPORT_2023 = Path("/work/shared/seeds/000_f042a07fedf2d567.txt")
BIJLAGE_A = PUBLISHED_DIR / "bijlage_a_2023.csv"

# How Bijlage A writes names that the CBS list spells differently.
PUBLISHED_ALIASES = {"Den Haag": "'s-Gravenhage", "Hogeland": "Het Hogeland"}
AMBIGUOUS = {"Bergen": ("Bergen (NH.)", "Bergen (L.)")}


@dataclass(frozen=True)
class Member:
    """One municipality behind a response."""

    code: str | None
    name: str | None  # CBS name in the wave's frame
    population: int | None  # on the wave's size reference date
    size_class: str | None
    group: str  # klein / niet_klein / onbekend
    key: str | None  # 2023 code of the municipality that continues it (panel key)


@dataclass
class Participant:
    """One valid response of a wave: one questionnaire, for one municipality or (joint answer) several."""

    wave: int
    entry: str  # the name as it should be typed (Bijlage A entry or CBS name); "" when unidentifiable
    members: tuple[Member, ...]
    kind: str = "single"  # single / joint / ambiguous / unidentified
    typed: str | None = None  # what the respondent typed in the municipality field
    extra: dict = field(default_factory=dict)

    @property
    def weight(self) -> int:
        return len(self.members)

    @property
    def group(self) -> str:
        groups = {m.group for m in self.members}
        if len(groups) != 1:
            raise ValueError(f"joint answer {self.entry!r} mixes size groups {sorted(groups)}")
        return groups.pop()

    @property
    def key(self) -> str | None:
        return self.members[0].key if self.kind == "single" else None

    @property
    def population(self) -> int | None:
        values = [m.population for m in self.members]
        return None if any(v is None for v in values) else sum(values)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def strip_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# --------------------------------------------------------------------------------------------------------------------
# Bijlage A


def _parse_report_list(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    block = text[text.index("OVERZICHT DEELNEMENDE GEMEENTEN"):text.index("BIJLAGE B")]
    lines = [line.rstrip("\n") for line in block.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.strip() == "Amersfoort")
    entries = []
    for line in lines[start:]:
        if not line.strip() or line.strip().startswith("Movisie & VNG"):
            continue
        if line.strip().startswith("Barendrecht, Albrandswaard en Ridderkerk."):
            # the text extraction glued two entries together
            first, second = line.strip().split(".", 1)
            entries += [first, second]
            continue
        entries.append(line.strip(" ").rstrip())
    return entries


@cache
def bijlage_a() -> tuple[str, ...]:
    """The 195 entries of Bijlage A as published (the project's CSV when present, else parsed from the report)."""
    if BIJLAGE_A.exists():
        table = pd.read_csv(BIJLAGE_A, dtype=str, keep_default_na=False)
        column = "name_as_published" if "name_as_published" in table.columns else table.columns[0]
        return tuple(table[column])
    return tuple(_parse_report_list(REPORT_2023))


def split_joint(entry: str) -> list[str]:
    """'Stede Broec, Enkhuizen en Drechterland' -> its three municipalities; a single name -> [name]."""
    if "," not in entry and " en " not in entry:
        return [entry]
    parts = re.split(r",\s*|\s+en\s+", entry.strip())
    return [p.strip() for p in parts if p.strip()]


def _is_joint(entry: str, names: set[str]) -> bool:
    return entry.strip() not in names and PUBLISHED_ALIASES.get(entry.strip()) not in names and len(
        split_joint(entry)) > 1 and all(part in names for part in split_joint(entry))


# --------------------------------------------------------------------------------------------------------------------
# Members of a wave's frame


@cache
def wave_frame(year: int) -> pd.DataFrame:
    """The wave's frame with size reference population, size class, size group and 2023 panel key."""
    frame = frames.load_frame(year).copy()
    frame["ref_population"] = frames.reference_populations(year)
    classes = [frames.size_class(p) for p in frame["ref_population"]]
    frame["size_class"] = pd.Series(classes, index=frame.index, dtype=object)
    frame["group"] = ["onbekend" if s is None else ("klein" if frames.is_small_class(s) else "niet_klein")
                      for s in classes]
    successors = frames.successor_2023(year)
    frame["key"] = [successors.get(code) for code in frame["code"]]
    return frame


@cache
def _members(year: int) -> dict[str, Member]:
    members = {}
    for row in wave_frame(year).itertuples(index=False):
        population = None if pd.isna(row.ref_population) else int(row.ref_population)
        size = None if pd.isna(row.size_class) else row.size_class
        members[row.code] = Member(code=row.code, name=row.name, population=population, size_class=size,
                                   group=row.group, key=row.key)
    return members


def member(year: int, code: str) -> Member:
    return _members(year)[code]


UNIDENTIFIED = Member(code=None, name=None, population=None, size_class=None, group="onbekend", key=None)


def participants_2023() -> list[Participant]:
    frame = wave_frame(2023)
    by_name = dict(zip(frame["name"], frame["code"], strict=True))
    names = set(by_name)
    result = []
    for entry in bijlage_a():
        name = entry.strip()
        if name in AMBIGUOUS:
            result.append(Participant(2023, entry, (UNIDENTIFIED,), kind="ambiguous"))
        elif _is_joint(name, names):
            members = tuple(member(2023, by_name[part]) for part in split_joint(name))
            result.append(Participant(2023, entry, members, kind="joint"))
        else:
            cbs = PUBLISHED_ALIASES.get(name, name)
            if cbs not in by_name:
                raise ValueError(f"Bijlage A entry {entry!r} is not a 2023 municipality; add it to PUBLISHED_ALIASES")
            result.append(Participant(2023, entry, (member(2023, by_name[cbs]),)))
    return result


# --------------------------------------------------------------------------------------------------------------------
# Earlier waves


def _size_weight(population) -> float:
    if population is None or pd.isna(population):
        return 0.6
    return float((max(int(population), 1000) / 25_000) ** 0.45)


def draw_wave(year: int, groups: dict[str, int], unidentified: int, later: Sequence[set[str]],
              carry_over_weight: float, seed: int) -> list[Participant]:
    """Draw a wave's participants: `groups` units per size group (unidentified ones count in onbekend).

    `later` holds the panel keys of the participants of the next waves (next wave first); a municipality taking part
    in the next wave gets `carry_over_weight`, one taking part in a later wave a smaller bonus.
    """
    if year == 2023:
        raise ValueError("2023 participants come from Bijlage A")
    frame = wave_frame(year)
    rng = stream(seed, year, "participants")
    u = rng.random(len(frame))
    weights = np.array([_size_weight(p) for p in frame["ref_population"]])
    next_keys = later[0] if later else set()
    further = set().union(*later[1:]) if len(later) > 1 else set()
    bonus = np.array([carry_over_weight if k in next_keys else (1.8 if k in further else 1.0) for k in frame["key"]])
    # Efraimidis-Spirakis: weighted sampling without replacement by sorting u ** (1 / w)
    score = np.log(u) / (weights * bonus)
    frame = frame.assign(_score=score).sort_values(["_score", "code"], ascending=[False, True])
    chosen: list[Participant] = []
    for group in GROUPS:
        wanted = groups.get(group, 0) - (unidentified if group == "onbekend" else 0)
        if wanted < 0:
            raise ValueError(f"{year}: more unidentified responses than onbekend units")
        taken_keys: set[str] = set()
        pool = frame[frame["group"] == group]
        picked = []
        for code, key in zip(pool["code"], pool["key"], strict=True):
            if len(picked) == wanted:
                break
            if key in taken_keys:
                continue  # one predecessor per later municipality keeps the panel clean
            taken_keys.add(key)
            picked.append(code)
        if len(picked) < wanted:
            raise ValueError(f"{year}: only {len(picked)} municipalities in size group {group}, {wanted} wanted")
        chosen += [Participant(year, member(year, code).name, (member(year, code),)) for code in picked]
    chosen += [Participant(year, "", (UNIDENTIFIED,), kind="unidentified") for _ in range(unidentified)]
    return chosen


def all_participants(targets, seed: int) -> dict[int, list[Participant]]:
    """Participants of every wave: 2023 from Bijlage A, then the earlier waves backwards in time."""
    result = {2023: participants_2023()}
    spec = targets.wave(2023).participants
    result[2023] += [Participant(2023, "", (UNIDENTIFIED,), kind="unidentified") for _ in range(spec.unidentified)]
    for year in (2022, 2021, 2020, 2019, 2018):
        spec = targets.wave(year).participants
        later = [{p.key for p in result[y] if p.key} | {m.key for p in result[y] for m in p.members if m.key}
                 for y in range(year + 1, 2024)]
        result[year] = draw_wave(year, spec.groups, spec.unidentified, later, spec.carry_over_weight, seed)
    for year, participants in result.items():
        check_groups(year, participants, targets.wave(year).participants.groups)
    return dict(sorted(result.items()))


def check_groups(year: int, participants: list[Participant], expected: dict[str, int]) -> None:
    counts = {group: 0 for group in GROUPS}
    for participant in participants:
        counts[participant.group] += participant.weight
    wanted = {group: expected.get(group, 0) for group in GROUPS}
    if counts != wanted:
        raise ValueError(f"{year}: the participants give units per size group {counts}, targets.yml says {wanted}; "
                         "update participants.groups in data/synthetic/targets.yml")


# --------------------------------------------------------------------------------------------------------------------
# Typing the municipality name

# Names people write differently from the CBS list (and that a matcher must know).
COLLOQUIAL = {"'s-Gravenhage": ["Den Haag"], "'s-Hertogenbosch": ["Den Bosch", "'s-Hertogenbosch"],
              "Het Hogeland": ["Hogeland"], "Súdwest-Fryslân": ["Sudwest Fryslan", "Súdwest-Fryslân"],
              "Noardeast-Fryslân": ["Noardeast-Fryslân", "Noardeast Fryslan"]}


def typed_variants(name: str) -> list[str]:
    """Ways a respondent writes a municipality's name (all of which a reasonable matcher resolves)."""
    base = COLLOQUIAL.get(name, [name])
    variants = []
    for form in base:
        variants += [form, form.lower(), f"Gemeente {form}", f"gemeente {form}", f"gem. {form}", f"{form}  ",
                     f" {form}"]
        if strip_accents(form) != form:
            variants.append(strip_accents(form))
    return variants


def type_name(entry: str, kind: str, rng: np.random.Generator) -> str | None:
    """What one respondent types for `entry` (a Bijlage A entry or a CBS name)."""
    if kind in ("joint", "ambiguous"):
        return entry.strip()  # typed as published: the joint answers and the ambiguous 'Bergen'
    if kind == "unidentified":
        return None
    name = PUBLISHED_ALIASES.get(entry.strip(), entry.strip())
    if name in COLLOQUIAL:
        options = typed_variants(name)
        forms = COLLOQUIAL[name]
        first = forms[0]
        pick = rng.random()
        if pick < 0.55:
            return first
        if pick < 0.75:
            return f"Gemeente {first}"
        return options[int(rng.integers(len(options)))]
    if "(" in name:  # Bergen (NH.) / Bergen (L.) in earlier waves: typed as CBS writes it
        return name
    pick = rng.random()
    if pick < 0.55:
        return entry if entry != entry.strip() else name  # as published (a trailing space survives)
    if pick < 0.67:
        return name.lower()
    if pick < 0.82:
        return f"Gemeente {name}"
    if pick < 0.87:
        return f"gemeente {name}"
    if pick < 0.92:
        return f"gem. {name}"
    if pick < 0.97:
        return f"{name} "
    return strip_accents(name) if strip_accents(name) != name else name.upper()
