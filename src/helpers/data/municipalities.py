"""Municipality frames of every wave (2018-2023 and later), inhabitants, size classes, a crosswalk to 2023, matching.

Frames (one row per municipality on 1 January of the wave year), built from the CBS reference set in
data/raw/reference (see helpers.data.cbs and its SOURCES.md):

- 2020-2023: the CBS lists of 1 January with inhabitants on that date. 2022 still has Weesp (it joined Amsterdam on
  24-3-2022).
- 2019: the 2020 list, because no reorganisation took effect on 1-1-2020. Inhabitants are those of 1-1-2020
  (``population_approx`` is True): the reference set has no CBS figures before 2020.
- 2018: the 2019 frame with the reorganisations of 1-1-2019 undone (380 municipalities). The 34 municipalities
  dissolved that day have no CBS code in the reference set, so they get a placeholder code ``X<year>_<slug>``: X (never
  the start of a CBS code), the last year the municipality existed on 1 January, and its name in lower case with
  hyphens (``X2018_aalburg``). Their inhabitants are unknown (<NA>). Continuing municipalities carry 1-1-2020 figures
  (``population_approx``); for Groningen, Haarlemmermeer and Noordwijk these include the territory they absorbed on
  1-1-2019, so they overstate 2018.
- Waves after the last list of the reference set (2023): the CBS list of 1 January of the wave year when the reference
  directory has one (``gemeenten_<year>.csv``, same columns). Without it, the year right after the last list (2024)
  gets the last list, with ``population_approx`` True (inhabitants of 1 January of that list's year), but only when
  herindelingen.csv records no reorganisation after 1 January of the last list's year up to the end of the wave year
  (SOURCES.md: none took effect on 1-1-2024). Otherwise `load_frame` raises `FrameNotAvailable` naming the file to
  add. `available_waves()` lists the years that have a frame; WAVES and FRAME_SIZES are the fixed waves 2018-2023.

`population_on` gives inhabitants on 1 January 2020-2023 for a municipality of any frame: its own figure when it
existed that day (within that day's boundaries), the sum of its predecessors when it was formed later by full mergers
(Voorne aan Zee on 1-1-2022 = Brielle + Hellevoetsluis + Westvoorne), and <NA> when that cannot be computed exactly: a
municipality dissolved before that day, or one formed later from parts of a split municipality.

`crosswalk_to_2023` maps every code of the frames 2018-2023 to one municipality of 1-1-2023. A split municipality maps to the successor
that took the largest part (SPLIT_MAIN_SUCCESSOR); all successors are listed in ``successor_codes_2023``.

`match_municipality` matches a typed name to the frame of a wave and never guesses: see its docstring for the rules
and statuses. Other spellings live in data/codebook/municipality_aliases.yml; a researcher's decisions for names the
matcher cannot resolve (such as "Bergen") live in data/codebook/municipality_resolutions.yml.

Command line (used by make): ``python -m helpers.data.municipalities --reference data/raw/reference --out data/processed``
writes frames.parquet (the waves 2018-2023 and every later wave with a codebook mapping, data/codebook/waves/<year>.yml)
and crosswalk.parquet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from rapidfuzz import fuzz, process

from helpers import CODEBOOK_DIR, PROCESSED_DIR, PUBLISHED_DIR, RAW_DIR
from helpers.core import yamlfiles
from helpers.data.cbs import (
    FIX_HINT,
    LIST_COLUMNS,
    REFERENCE_YEARS,
    REORGANISATION_COLUMNS,
    REORGANISATIONS_FILE,
    list_file,
)
from helpers.data.published import load_published
from helpers.data.schemas import check, frames_schema


class _FrameSizes(dict):
    """Municipalities per wave. Holds the known sizes of 2018-2023, which check the reference set (build_frames); a
    later wave (FRAME_SIZES[2024], FRAME_SIZES.get(2024)) gets the size of its frame in the default reference set, or
    KeyError / the default when it has none. Iterating, `in` and equality see the fixed waves only."""

    def __missing__(self, year):
        try:
            return len(load_frame(int(year)))
        except (ValueError, FileNotFoundError, TypeError) as error:
            raise KeyError(year) from error

    def get(self, year, default=None):
        try:
            return self[year]
        except KeyError:
            return default


# The waves whose frames are built from the reference set's fixed lists 2020-2023, with their known sizes. Later
# waves have frames too when the reference set allows it: see available_waves().
WAVES = (2018, 2019, 2020, 2021, 2022, 2023)
FRAME_SIZES = _FrameSizes({2018: 380, 2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342})
REFERENCE_DIR_ENV = "FLITSPEILING_REFERENCE_DIR"
ALIASES_PATH = CODEBOOK_DIR / "municipality_aliases.yml"
RESOLUTIONS_PATH = CODEBOOK_DIR / "municipality_resolutions.yml"
BIJLAGE_A_PATH = PUBLISHED_DIR / "bijlage_a_2023.csv"
MERGED = "merged into"
SPLIT = "split (part of territory)"

G4 = {"GM0363": "Amsterdam", "GM0599": "Rotterdam", "GM0518": "'s-Gravenhage", "GM0344": "Utrecht"}
G4_CODES = tuple(G4)

# herindelingen.csv does not say whether a successor is new or an existing municipality that absorbed others. For
# 2021-2023 the yearly lists show it; for 1-1-2019 there is no 2018 list, so the three absorbers are named here. The
# 2018 frame size of 380 (FRAME_SIZES) confirms them.
ABSORBERS_2019 = {"GM0014": "Groningen", "GM0394": "Haarlemmermeer", "GM0575": "Noordwijk"}

# Split municipalities in a frame: the successor that took the largest part of the inhabitants, used as code_2023.
SPLIT_MAIN_SUCCESSOR = {
    # Het Hogeland took Winsum, Baflo and most villages; only the former municipality Ezinge went to Westerkwartier.
    "Winsum": "GM1966",
    # Oisterwijk (with the village Haaren) grew most from 1-1-2020 to 1-1-2021: +6,128, Vught +5,111, Boxtel +2,172,
    # Tilburg +2,158 (about its usual yearly growth). Checked against the reference set by the tests.
    "Haaren": "GM0824",
}


class SizeClass(NamedTuple):
    code: str
    label: str
    lower: int  # inclusive
    upper: int | None  # exclusive; None: no upper bound


SIZE_CLASSES = (
    SizeClass("lt10k", "< 10.000", 0, 10_000),
    SizeClass("10k_25k", "10.000 – 25.000", 10_000, 25_000),
    SizeClass("25k_50k", "25.000 – 50.000", 25_000, 50_000),
    SizeClass("50k_100k", "50.000 – 100.000", 50_000, 100_000),
    SizeClass("ge100k", "100.000 of meer", 100_000, None),
)
SMALL_THRESHOLD = 25_000  # the report's "kleine gemeenten": fewer than 25.000 inhabitants

# The report's counts for the 2023 participants (section 1.1, sizes per allecijfers.nl d.d. 1-1-2022).
# The report's own participant counts per group, read from data/published/published_numbers.yml by these ids.
PUBLISHED_COUNT_IDS_2023 = {"lt10k": "2023_par1_1_lt10k_deelnemers", "25k_50k": "2023_par1_1_25k_50k_deelnemers",
                            "ge100k": "2023_par1_1_ge100k_deelnemers", "g4": "2023_par1_1_g4_deelnemers",
                            "total": "2023_par1_1_deelnemers"}


def published_counts_2023() -> dict[str, int]:
    """The participant counts per group that the 2023 report publishes (group -> count)."""
    values = {number.id: number.value for number in load_published()}
    return {group: int(values[number_id]) for group, number_id in PUBLISHED_COUNT_IDS_2023.items()}

MATCHED = frozenset({"exact", "alias", "joint", "resolved"})
STATUSES = (*sorted(MATCHED), "ambiguous", "other_year", "unknown", "empty")


# ---------------------------------------------------------------------------------------------------------------
# Size classes


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def size_class(population):
    """Code of the size class (SIZE_CLASSES) of a number of inhabitants; None for a missing number.

    A pandas Series gives an ordered categorical Series.
    """
    if isinstance(population, pd.Series):
        codes = population.map(size_class, na_action="ignore")
        return codes.astype(pd.CategoricalDtype([c.code for c in SIZE_CLASSES], ordered=True))
    if _is_missing(population):
        return None
    if population < 0:
        raise ValueError(f"a number of inhabitants cannot be negative: {population}")
    return next(c.code for c in SIZE_CLASSES if c.upper is None or population < c.upper)


def is_small(population, threshold: int = SMALL_THRESHOLD):
    """True for fewer than `threshold` inhabitants ("klein" in the report); <NA> for a missing number."""
    return pd.NA if _is_missing(population) else population < threshold


# ---------------------------------------------------------------------------------------------------------------
# Reference set, frames and crosswalk


def default_reference_dir() -> Path:
    """$FLITSPEILING_REFERENCE_DIR when set, else data/raw/reference."""
    return Path(os.environ.get(REFERENCE_DIR_ENV) or RAW_DIR / "reference")


def normalise_name(text: str) -> str:
    """Matching key: no accents, case, punctuation or spacing, no "Gemeente"/"gem." before or after the name.

    Apostrophes and dots are dropped without a gap, so "'s-Gravenhage" and "s-Gravenhage" agree, as do "N.H." and "NH".
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = re.sub(r"[\W_]+", " ", re.sub(r"[.'’‘`´]", "", plain)).split()
    while words and words[0] in ("gemeente", "gem"):
        words.pop(0)
    while words and words[-1] in ("gemeente", "gem"):
        words.pop()
    return " ".join(words)


def _base_name(name: str) -> str:
    """A CBS name without its qualifier: 'Bergen (NH.)' -> 'bergen'."""
    return normalise_name(re.sub(r"\s*\([^)]*\)\s*$", "", name))


def placeholder_code(name: str, last_year: int) -> str:
    """Code for a municipality dissolved before 2020, which has no CBS code in the reference set."""
    return f"X{last_year}_" + normalise_name(name).replace(" ", "-")


def _dutch_date(date: dt.date) -> str:
    return f"{date.day}-{date.month}-{date.year}"


@dataclass(frozen=True)
class Reorganisation:
    """One row of herindelingen.csv; old_code is a placeholder code where the file has none (1-1-2018, 1-1-2019)."""

    date: dt.date
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    kind: str


class FrameNotAvailable(ValueError):
    """The reference set holds no municipality frame for a year; the message says which file to add."""


def _later_list_years(directory: Path) -> list[int]:
    """Years of gemeenten_<year>.csv files after the fixed reference years (added for a later wave)."""
    years = []
    for path in directory.glob("gemeenten_*.csv"):
        match = re.fullmatch(r"gemeenten_(\d{4})\.csv", path.name)
        if match and int(match.group(1)) > max(REFERENCE_YEARS):
            years.append(int(match.group(1)))
    return sorted(years)


def _read_reference_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: the CBS reference set is not in {path.parent}. Run `make reference`"
                                f" first. {FIX_HINT}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if tuple(frame.columns) != columns:
        raise ValueError(f"{path}, row 1: columns are {list(frame.columns)}; expected {list(columns)}")
    return frame


class _Reference:
    """The reference set of one directory with everything derived from it; built once per directory state."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.lists = {year: self._read_list(year) for year in (*REFERENCE_YEARS, *_later_list_years(directory))}
        self.reorganisations = self._read_reorganisations()
        self.successors: dict[str, list[Reorganisation]] = {}
        self.predecessors: dict[str, list[Reorganisation]] = {}
        for row in self.reorganisations:
            self.successors.setdefault(row.old_code, []).append(row)
            self.predecessors.setdefault(row.new_code, []).append(row)
        self.frames = self._build_frames()
        self.unavailable: dict[int, str] = {}  # later years without a frame -> why
        self.frames.update(self._later_frames())
        self.names = {row.old_code: row.old_name for row in self.reorganisations}
        # waves_of (the crosswalk's valid years, MatchResult.other_years) covers the waves 2018-2023, so that their
        # results do not depend on which later lists are present; years_of covers every frame.
        self.waves_of: dict[str, list[int]] = {}
        self.years_of: dict[str, list[int]] = {}
        for wave, frame in sorted(self.frames.items()):
            self.names.update(zip(frame["code"], frame["name"], strict=True))
            for code in frame["code"]:
                self.years_of.setdefault(code, []).append(wave)
                if wave in WAVES:
                    self.waves_of.setdefault(code, []).append(wave)
        # A later list may come without inhabitants yet (CBS publishes them months after 1 January): those stay <NA>.
        self.populations = {year: {code: int(n) for code, n in zip(lst["code"], lst["population"], strict=True)
                                   if not _is_missing(n)} for year, lst in self.lists.items()}
        self.crosswalk = self._build_crosswalk()

    def _read_list(self, year: int) -> pd.DataFrame:
        frame = _read_reference_csv(self.directory / list_file(year), LIST_COLUMNS)
        frame["population"] = pd.to_numeric(frame["population"].replace("", None)).astype("Int64")
        return frame.sort_values("code", ignore_index=True)

    def _read_reorganisations(self) -> list[Reorganisation]:
        frame = _read_reference_csv(self.directory / REORGANISATIONS_FILE, REORGANISATION_COLUMNS)
        rows = []
        for record in frame.itertuples(index=False):
            date = dt.date.fromisoformat(record.date)
            old_code = record.old_code or placeholder_code(record.old_name, date.year - 1)
            rows.append(Reorganisation(date, old_code, record.old_name, record.new_code, record.new_name, record.kind))
        return rows

    def _build_frames(self) -> dict[int, pd.DataFrame]:
        frames = {year: lst.assign(population_approx=False) for year, lst in self.lists.items()}
        frames[2019] = self.lists[2020].assign(population_approx=True)
        frames[2018] = self._undo_2019(frames[2019])
        return {wave: frames[wave] for wave in WAVES}

    def _later_frames(self) -> dict[int, pd.DataFrame]:
        """Frames after 2023: a year's own CBS list, else the previous list when no reorganisation came between."""
        frames = {}
        for year in range(max(WAVES) + 1, max(self.lists) + 2):
            if year in self.lists:
                frames[year] = self.lists[year].assign(population_approx=False)
                continue
            previous = max(y for y in self.lists if y < year)
            between = [row for row in self.reorganisations if dt.date(previous, 1, 1) < row.date <= dt.date(year, 12, 31)]
            if between:
                listing = "; ".join(sorted({f"{_dutch_date(r.date)} {r.new_name}" for r in between})[:5])
                self.unavailable[year] = (
                    f"no municipality frame for {year}: {REORGANISATIONS_FILE} records reorganisations after 1-1-"
                    f"{previous} up to {year} ({listing}), so the CBS list of 1-1-{previous} is not the frame of "
                    f"{year}. Add {self.directory / list_file(year)}: the CBS list of 1 January {year} (columns "
                    f"{','.join(LIST_COLUMNS)}; see README, 'Adding a wave')")
                continue
            frames[year] = self.lists[previous].assign(population_approx=True)
        return frames

    def frame(self, year: int) -> pd.DataFrame:
        """The frame of `year`, or FrameNotAvailable saying what to add."""
        if year in self.frames:
            return self.frames[year]
        available = sorted(self.frames)
        if year in self.unavailable:
            message = self.unavailable[year]
        elif year < min(WAVES):
            message = f"no frame for {year}; the first wave is {min(WAVES)}"
        else:
            last = max(self.lists)
            message = (f"no frame for {year}: the reference set in {self.directory} has CBS lists up to {last}; a "
                       f"frame without a list of its own is only derived for {last + 1} (when no reorganisation came "
                       f"between). Add {self.directory / list_file(year)}: the CBS list of 1 January {year} (columns "
                       f"{','.join(LIST_COLUMNS)}; see README, 'Adding a wave')")
        raise FrameNotAvailable(f"{message} (frames: {available[0]}-{available[-1]})")

    def _undo_2019(self, frame_2019: pd.DataFrame) -> pd.DataFrame:
        rows = [row for row in self.reorganisations if row.date == dt.date(2019, 1, 1)]
        created = {row.new_code for row in rows} - set(ABSORBERS_2019)
        province = dict(zip(frame_2019["code"], frame_2019["province"], strict=True))
        dissolved: dict[str, tuple[str, set[str]]] = {}
        for row in rows:
            dissolved.setdefault(row.old_code, (row.old_name, set()))[1].add(province[row.new_code])
        for name, provinces in dissolved.values():
            if len(provinces) != 1:
                raise ValueError(f"{REORGANISATIONS_FILE}: successors of {name} lie in several provinces "
                                 f"({sorted(provinces)}); the 2018 frame cannot give it one province")
        added = pd.DataFrame({
            "code": list(dissolved),
            "name": [name for name, _ in dissolved.values()],
            "province": [next(iter(provinces)) for _, provinces in dissolved.values()],
            "population": pd.array([pd.NA] * len(dissolved), dtype="Int64"),
            "population_approx": False,
        })
        kept = frame_2019[~frame_2019["code"].isin(created)]
        return pd.concat([kept, added], ignore_index=True).sort_values("code", ignore_index=True)

    # -- crosswalk ------------------------------------------------------------------------------------------------

    def _to_2023(self, code: str) -> tuple[str, tuple[str, ...], str]:
        """(main 2023 code, all 2023 codes covering it, relation) for any code of a frame or reorganisation."""
        if code in self.populations[2023]:
            return code, (code,), "same"
        rows = self.successors.get(code)
        if not rows:
            raise ValueError(f"{self.directory}: {code} ({self.names.get(code)}) is not in gemeenten_2023.csv and "
                             f"{REORGANISATIONS_FILE} has no row saying where it went")
        if any(row.kind == SPLIT for row in rows):
            name = self.names[code]
            if SPLIT_MAIN_SUCCESSOR.get(name) not in {row.new_code for row in rows}:
                raise ValueError(f"{name} ({code}) was split between {', '.join(r.new_name for r in rows)}; record the "
                                 "successor that took the largest part in SPLIT_MAIN_SUCCESSOR (municipalities.py)")
            primary = self._to_2023(SPLIT_MAIN_SUCCESSOR[name])[0]
            covering = sorted({c for row in rows for c in self._to_2023(row.new_code)[1]})
            return primary, tuple(covering), "split"
        if len(rows) != 1:
            raise ValueError(f"{REORGANISATIONS_FILE}: {self.names[code]} is 'merged into' more than one municipality")
        primary, covering, relation = self._to_2023(rows[0].new_code)
        return primary, covering, "merged" if relation == "same" else relation

    def _build_crosswalk(self) -> pd.DataFrame:
        records = []
        for code in sorted(self.waves_of):  # the codes of the frames 2018-2023
            primary, covering, relation = self._to_2023(code)
            waves = self.waves_of[code]
            records.append({"code": code, "name": self.names[code], "valid_from_year": min(waves),
                            "valid_to_year": max(waves), "code_2023": primary, "name_2023": self.names[primary],
                            "relation": relation, "successor_codes_2023": ";".join(covering)})
        return pd.DataFrame.from_records(records)

    # -- counterparts in another year -------------------------------------------------------------------------------

    def counterparts(self, code: str, year: int) -> tuple[str, ...]:
        """The municipalities of `year`'s frame covering a municipality of another year (successors or predecessors)."""
        frame_codes = set(self.frames[year]["code"])
        dissolved = self._dissolved_before(code, year)
        found: set[str] = set()
        todo = [code]
        while todo:
            current = todo.pop()
            if current in frame_codes:
                found.add(current)
            elif dissolved:
                todo.extend(row.new_code for row in self.successors.get(current, []))
            else:
                todo.extend(row.old_code for row in self.formation(current, year))
        return tuple(sorted(found))

    def _dissolved_before(self, code: str, year: int) -> bool:
        """True when `code` ended before 1-1-`year` (or before 2018: in no frame), False when it started after."""
        return max(self.years_of.get(code, [year - 1])) < year

    def formation(self, code: str, year: int) -> list[Reorganisation]:
        """The reorganisation rows after 1-1-`year` that formed `code` (not later absorptions into it)."""
        rows = [row for row in self.predecessors.get(code, []) if row.date > dt.date(year, 1, 1)]
        return [row for row in rows if row.date == min(r.date for r in rows)]

    def history(self, code: str, year: int) -> str:
        """One sentence on how a municipality absent from `year`'s frame came about or ended."""
        name = self.names[code]
        if self._dissolved_before(code, year):
            rows = self.successors[code]
            if rows[0].kind == SPLIT:
                return f"{name} was split on {_dutch_date(rows[0].date)} between " + ", ".join(r.new_name for r in rows)
            return f"{name} merged into {rows[0].new_name} on {_dutch_date(rows[0].date)}"
        rows = self.formation(code, year)
        parts = ", ".join(r.old_name + (" (part)" if r.kind == SPLIT else "") for r in rows)
        return f"{name} was formed on {_dutch_date(rows[0].date)} from {parts}"


def _state(paths: Iterable[Path]) -> tuple:
    """Cache key that changes when a file is rewritten."""
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else (str(p), None) for p in paths)


@functools.lru_cache(maxsize=8)
def _cached_reference(directory: Path, state: tuple) -> _Reference:
    return _Reference(directory)


def _reference(reference_dir: Path | str | None) -> _Reference:
    directory = Path(reference_dir) if reference_dir is not None else default_reference_dir()
    files = [directory / list_file(year) for year in (*REFERENCE_YEARS, *_later_list_years(directory))]
    files.append(directory / REORGANISATIONS_FILE)
    return _cached_reference(directory.resolve(), _state(files))


def load_list(year: int, reference_dir: Path | str | None = None) -> pd.DataFrame:
    """The CBS list of 1 January `year` (2020-2023, and later lists in the reference directory): code, name, province,
    population (Int64), sorted by code."""
    reference = _reference(reference_dir)
    if year not in reference.lists:
        raise ValueError(f"no CBS list for {year} in the reference set; lists exist for {sorted(reference.lists)}")
    return reference.lists[year].copy()


def available_waves(reference_dir: Path | str | None = None) -> tuple[int, ...]:
    """Every year with a frame: 2018-2023 and the later years the reference set allows (see the module docstring)."""
    return tuple(sorted(_reference(reference_dir).frames))


def load_frame(year: int, reference_dir: Path | str | None = None) -> pd.DataFrame:
    """The frame of wave `year` (2018-2023 or a later year, see available_waves): code, name, province, population
    (Int64, may be <NA>), population_approx. FrameNotAvailable (a ValueError) says which file to add."""
    return _reference(reference_dir).frame(int(year)).copy()


def crosswalk_to_2023(reference_dir: Path | str | None = None) -> pd.DataFrame:
    """Every code of any frame 2018-2023 mapped to one municipality of 1-1-2023.

    Columns: code, name, valid_from_year, valid_to_year (first and last wave in which the code is in the frame),
    code_2023, name_2023, relation ("same": the code still exists, possibly with more territory; "merged": it merged
    into code_2023, possibly in several steps; "split": it was split and code_2023 took the largest part, see
    SPLIT_MAIN_SUCCESSOR) and successor_codes_2023 (every 2023 code covering part of it, separated by ';').
    """
    return _reference(reference_dir).crosswalk.copy()


def _population_on(reference: _Reference, code: str, year: int):
    populations = reference.populations[year]
    if code in populations:
        return populations[code]
    if code not in reference.names:
        raise KeyError(f"{code!r} is not the code of a municipality in any frame")
    formed_later = reference.formation(code, year)
    # Dissolved before that day, or formed from a part of a split municipality, which has no figure of its own.
    if not formed_later or any(row.kind == SPLIT for row in formed_later):
        return pd.NA
    parts = [_population_on(reference, row.old_code, year) for row in formed_later]
    return pd.NA if any(part is pd.NA for part in parts) else sum(parts)


def population_on(year: int, codes_or_frame, *, reference_dir: Path | str | None = None):
    """Inhabitants on 1 January `year` (2020-2023, and years of later lists) of municipalities of any frame.

    A municipality that existed that day gets its own figure (that day's boundaries); one formed later by full mergers
    gets the sum of its predecessors; otherwise <NA> (see the module docstring). Accepts one code (returns a number or
    <NA>), an iterable of codes (returns an Int64 Series indexed by code) or a frame with a 'code' column (returns an
    Int64 Series aligned with the frame's index).
    """
    reference = _reference(reference_dir)
    if year not in reference.lists:
        raise ValueError(f"inhabitants on 1-1-{year} are not in the reference set; years: {sorted(reference.lists)}")
    if isinstance(codes_or_frame, str):
        return _population_on(reference, codes_or_frame, year)
    if isinstance(codes_or_frame, pd.DataFrame):
        codes, index = codes_or_frame["code"], codes_or_frame.index
    else:
        codes = list(codes_or_frame)
        index = pd.Index(codes, name="code")
    values = [_population_on(reference, code, year) for code in codes]
    return pd.Series(pd.array(values, dtype="Int64"), index=index, name=f"population_{year}")


def codebook_waves() -> list[int]:
    """The waves with a codebook mapping (helpers.CODEBOOK_DIR/waves/<year>.yml)."""
    return sorted(int(path.stem) for path in (CODEBOOK_DIR / "waves").glob("*.yml") if path.stem.isdigit())


def build_frames(reference_dir: Path | str | None = None, out_dir: Path | str = PROCESSED_DIR,
                 waves: Iterable[int] | None = None) -> tuple[Path, Path]:
    """Write frames.parquet and crosswalk.parquet to `out_dir`; the same input gives the same bytes.

    frames.parquet: wave, code, name, province, population_frame, population_approx, code_2023, sorted by wave and code.
    `waves` defaults to 2018-2023 plus every later wave with a codebook mapping (codebook_waves()); a later wave
    without a frame raises FrameNotAvailable. code_2023 of a later frame is set for codes that existed on 1-1-2023.
    """
    reference = _reference(reference_dir)
    waves = sorted(set(WAVES) | set(codebook_waves())) if waves is None else sorted(set(waves))
    selected = {wave: reference.frame(wave) for wave in waves}
    for wave, frame in selected.items():
        if wave in FRAME_SIZES and len(frame) != FRAME_SIZES[wave]:
            raise ValueError(f"the {wave} frame has {len(frame)} municipalities; expected {FRAME_SIZES[wave]}. "
                             f"Check {reference.directory / REORGANISATIONS_FILE}")
    to_2023 = dict(zip(reference.crosswalk["code"], reference.crosswalk["code_2023"], strict=True))
    frames = pd.concat([frame.assign(wave=wave) for wave, frame in selected.items()], ignore_index=True)
    frames = frames.rename(columns={"population": "population_frame"}).assign(code_2023=frames["code"].map(to_2023))
    frames = frames[["wave", "code", "name", "province", "population_frame", "population_approx", "code_2023"]]
    out_dir = Path(out_dir)
    check(frames, frames_schema(), out_dir / "frames.parquet",
          f"Fix: check the reference set in {reference.directory} (make reference); nothing was written.")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = out_dir / "frames.parquet", out_dir / "crosswalk.parquet"
    for table, path in zip((frames.sort_values(["wave", "code"]), reference.crosswalk.sort_values("code")), paths,
                           strict=True):
        # pyarrow stores no write time; the pandas metadata only holds library versions and column types.
        pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path)
    return paths


# ---------------------------------------------------------------------------------------------------------------
# Name matching


@dataclass(frozen=True)
class MatchResult:
    """Outcome of matching one typed name to the frame of one wave.

    status: exact (the CBS name, ignoring case, accents, punctuation, spacing and "Gemeente"), alias (an other
    spelling from municipality_aliases.yml), joint (several municipalities named in one answer; every part matched),
    resolved (a researcher's decision), ambiguous (several municipalities fit, such as "Bergen" without its CBS
    qualifier; nothing is guessed: see candidates), other_year (a municipality, but not on 1 January of `year`),
    unknown (see candidates for the closest names) or empty.

    codes/names: the matched municipalities of `year`'s frame. For other_year they are the municipalities of `year`
    covering the typed one (successors or predecessors): information for a decision, not a match.
    candidates/candidate_codes: the options for ambiguous, the closest names for unknown.
    other_years: for other_year, the waves in which the typed municipality is in the frame.
    """

    text: str
    year: int
    status: str
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    candidate_codes: tuple[str, ...] = ()
    message: str = ""
    other_years: tuple[int, ...] = ()

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown match status {self.status!r}; expected one of {STATUSES}")

    @property
    def matched(self) -> bool:
        return self.status in MATCHED


_SEPARATORS = re.compile(r"\s*(?:[,&/+;]|\ben\b)\s*", re.IGNORECASE)
CANDIDATE_COUNT = 3


class _Matcher:
    """Name indexes of every frame, plus the aliases; built once per state of the reference set and the aliases."""

    def __init__(self, reference: _Reference, aliases_path: Path):
        self.reference = reference
        self.exact: dict[int, dict[str, tuple[str, ...]]] = {}
        self.base: dict[int, dict[str, tuple[str, ...]]] = {}
        for wave, frame in reference.frames.items():
            self.exact[wave] = _group(zip(map(normalise_name, frame["name"]), frame["code"], strict=True))
            self.base[wave] = _group(zip(map(_base_name, frame["name"]), frame["code"], strict=True))
        # Every name ever seen, including municipalities dissolved on 1-1-2018 (in no frame).
        self.any_year = _group((normalise_name(name), code) for code, name in reference.names.items())
        self.aliases = self._load_aliases(aliases_path)

    def _load_aliases(self, path: Path) -> dict[str, str]:
        content = yamlfiles.load(path.read_text(encoding="utf-8")) if path.is_file() else None
        entries = (content or {}).get("aliases") if isinstance(content, dict) else None
        if not isinstance(entries, dict):
            raise ValueError(f"{path}: expected a mapping 'aliases:' of other spelling -> CBS name")
        aliases: dict[str, str] = {}
        for alias, target in entries.items():
            where = f"{path}, alias {alias!r}"
            key, target_key = normalise_name(str(alias)), normalise_name(str(target))
            if key in aliases:
                raise ValueError(f"{where}: same as an earlier alias after normalisation ({key!r}); remove one")
            if key in self.any_year:
                raise ValueError(f"{where}: already matches a CBS name without an alias; remove it")
            if any(len(index.get(key, ())) > 1 for index in self.base.values()):
                raise ValueError(f"{where}: the name is ambiguous; record a decision in {RESOLUTIONS_PATH.name} "
                                 "instead")
            if target_key not in self.any_year:
                closest = _closest(target_key, {n: n for n in self.any_year}, 1)
                raise ValueError(f"{where}: target {target!r} is not a CBS name of any frame 2018-2023"
                                 + (f"; did you mean {closest[0][0]!r}?" if closest else ""))
            aliases[key] = target_key
        return aliases

    # -- single names ---------------------------------------------------------------------------------------------

    def _result(self, text: str, year: int, status: str, codes: Iterable[str], message: str, **extra) -> MatchResult:
        codes = tuple(codes)
        return MatchResult(text, year, status, codes, tuple(self.reference.names[c] for c in codes), message=message,
                           **extra)

    def match_single(self, text: str, year: int) -> MatchResult | None:
        """exact, alias, ambiguous or other_year for one name; None when it is not a municipality name at all."""
        key = normalise_name(text)
        exact, alias_target = self.exact[year].get(key), self.aliases.get(key)
        if exact and len(exact) == 1:
            return self._result(text, year, "exact", exact, f"{self.reference.names[exact[0]]} ({exact[0]})")
        if alias_target and alias_target in self.exact[year]:
            codes = self.exact[year][alias_target]
            return self._result(text, year, "alias", codes, f"alias of {self.reference.names[codes[0]]} ({codes[0]})")
        options = exact or self.base[year].get(key, ())
        if len(options) > 1:
            names = tuple(self.reference.names[c] for c in options)
            listing = " or ".join(f"{n} ({c})" for n, c in zip(names, options, strict=True))
            return MatchResult(text, year, "ambiguous", candidates=names, candidate_codes=options,
                               message=f"{text.strip()!r} is ambiguous on 1-1-{year}: {listing}; nothing is guessed")
        typed_codes = self.any_year.get(key) or self.any_year.get(alias_target or "", ())
        if typed_codes:
            return self._other_year(text, year, typed_codes)
        return None

    def _other_year(self, text: str, year: int, typed_codes: tuple[str, ...]) -> MatchResult:
        reference = self.reference
        codes = sorted({c for code in typed_codes for c in reference.counterparts(code, year)})
        histories = "; ".join(reference.history(code, year) for code in typed_codes)
        listing = ", ".join(f"{reference.names[c]} ({c})" for c in codes)
        waves = sorted({w for code in typed_codes for w in reference.waves_of.get(code, [])})
        return self._result(text, year, "other_year", codes, other_years=tuple(waves),
                            message=f"{text.strip()!r} is not a municipality of 1-1-{year}: {histories}. "
                                    f"On 1-1-{year} that territory belongs to {listing}")

    # -- joint answers ---------------------------------------------------------------------------------------------

    def match_joint(self, text: str, year: int) -> MatchResult | None:
        """A joint answer ("A, B en C"): every part must match. None when no part is a municipality name at all."""
        spans, start = [], 0
        for separator in _SEPARATORS.finditer(text):
            spans.append((start, separator.start()))
            start = separator.end()
        spans = [(a, b) for a, b in [*spans, (start, len(text))] if text[a:b].strip()]
        if len(spans) < 2:
            return None

        @functools.cache
        def segment(i: int, j: int) -> MatchResult | None:
            """spans[i:j] read as one name (so that "Gilze en Rijen" stays one part)."""
            return self.match_single(text[spans[i][0]:spans[j - 1][1]].strip(), year)

        def readings(accept) -> list[tuple[MatchResult, ...]]:
            """Up to two ways to read all spans as consecutive names whose results `accept`; longest parts first."""
            @functools.cache
            def rest(i: int) -> tuple[tuple[MatchResult, ...], ...]:
                if i == len(spans):
                    return ((),)
                found = [(segment(i, j), *tail) for j in range(len(spans), i, -1)
                         if segment(i, j) is not None and accept(segment(i, j)) for tail in rest(j)]
                return tuple(found[:2])
            return list(rest(0))

        matched = readings(lambda part: part.status in ("exact", "alias"))
        if matched:
            distinct = {tuple(c for part in reading for c in part.codes): reading for reading in matched}
            if len(distinct) > 1:
                options = [" + ".join(part.names[0] for part in reading) for reading in distinct.values()]
                return MatchResult(text, year, "ambiguous", candidates=tuple(options),
                                   message=f"{text.strip()!r} can be read as {' or as '.join(options)}")
            ((codes, reading),) = distinct.items()
            parts = ", ".join(f"{part.text!r} = {part.message}" for part in reading)
            return self._result(text, year, "joint", dict.fromkeys(codes), f"joint answer: {parts}")
        recognised = readings(lambda part: True)
        if recognised:
            parts = recognised[0]
            failures = [part for part in parts if part.status not in ("exact", "alias")]
            status = "ambiguous" if any(part.status == "ambiguous" for part in failures) else "other_year"
            codes = () if status == "ambiguous" else dict.fromkeys(c for part in parts for c in part.codes)
        else:
            covered = {k for i in range(len(spans)) for j in range(i + 1, len(spans) + 1) if segment(i, j)
                       for k in range(i, j)}
            if not covered:
                return None
            failures = [self.unknown(text[a:b].strip(), year) for k, (a, b) in enumerate(spans) if k not in covered]
            status, codes = "unknown", ()
        options = dict.fromkeys(zip((c for f in failures for c in f.candidates),
                                    (c for f in failures for c in f.candidate_codes), strict=True))
        return self._result(text, year, status, codes, candidates=tuple(name for name, _ in options),
                            candidate_codes=tuple(code for _, code in options),
                            message=f"{text.strip()!r} is read as a joint answer, but not every part is a municipality "
                                    f"of 1-1-{year}: " + "; ".join(f.message for f in failures))

    # -- unknown ---------------------------------------------------------------------------------------------------

    def unknown(self, text: str, year: int) -> MatchResult:
        frame = self.reference.frames[year]
        choices = dict(zip(frame["code"], map(normalise_name, frame["name"]), strict=True))
        closest = _closest(normalise_name(text), choices, CANDIDATE_COUNT)
        names = tuple(self.reference.names[code] for _, code in closest)
        return MatchResult(text, year, "unknown", candidates=names, candidate_codes=tuple(c for _, c in closest),
                           message=f"{text.strip()!r} is not a municipality of 1-1-{year}; closest: {', '.join(names)}")


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for key, code in pairs:
        if code not in grouped.setdefault(key, []):
            grouped[key].append(code)
    return {key: tuple(sorted(codes)) for key, codes in grouped.items()}


def _closest(key: str, choices: Mapping[str, str], limit: int) -> list[tuple[str, str]]:
    """The `limit` choices closest to `key` by rapidfuzz WRatio as (choice, choice key); ties in name order."""
    scored = process.extract(key, choices, scorer=fuzz.WRatio, limit=None)
    return [(choice, choice_key) for choice, _, choice_key in sorted(scored, key=lambda s: (-s[1], s[0]))[:limit]]


@functools.lru_cache(maxsize=8)
def _cached_matcher(reference: _Reference, aliases_path: Path, state: tuple) -> _Matcher:
    return _Matcher(reference, aliases_path)


def _matcher(reference_dir: Path | str | None, aliases_path: Path | str | None) -> _Matcher:
    aliases_path = Path(aliases_path) if aliases_path is not None else ALIASES_PATH
    return _cached_matcher(_reference(reference_dir), aliases_path.resolve(), _state([aliases_path]))


def _resolution_codes(typed: str, decision: Mapping, year: int, frame_codes: set[str]) -> tuple[str, ...]:
    codes = decision.get("code")
    codes = (codes,) if isinstance(codes, str) else tuple(codes or ())
    if not codes or not str(decision.get("reason") or "").strip():
        raise ValueError(f"resolution for {typed!r} ({year}) needs a code and a reason; got {dict(decision)}")
    wrong = [code for code in codes if code not in frame_codes]
    if wrong:
        raise ValueError(f"resolution for {typed!r} ({year}): {', '.join(wrong)} is not in the frame of 1-1-{year}")
    return codes


def match_municipality(text, year: int, resolutions: Mapping[str, Mapping] | None = None, *,
                       reference_dir: Path | str | None = None, aliases_path: Path | str | None = None) -> MatchResult:
    """Match a typed municipality name to the frame of wave `year`; never guesses.

    In this order: empty text; a researcher's decision from `resolutions` (typed text -> {"code": code or list of
    codes, "reason": why}; typed texts are compared after normalisation) gives "resolved"; the whole text as one name
    (exact, alias, ambiguous, other_year); a joint answer split at ",", " en ", "&", "/", "+" or ";" where every part
    must match (a name containing a separator, such as "Nuenen, Gerwen en Nederwetten", stays one name); else unknown
    with the closest names of the frame. See MatchResult for the statuses.
    """
    matcher = _matcher(reference_dir, aliases_path)
    matcher.reference.frame(year)  # FrameNotAvailable (a ValueError) for a year without a frame
    text = "" if _is_missing(text) else str(text)
    key = normalise_name(text)
    if not key:
        return MatchResult(text, year, "empty", message="no municipality given (empty answer)")
    decisions = {normalise_name(typed): (typed, decision) for typed, decision in (resolutions or {}).items()}
    if key in decisions:
        typed, decision = decisions[key]
        codes = _resolution_codes(typed, decision, year, set(matcher.reference.frames[year]["code"]))
        return matcher._result(text, year, "resolved", codes, f"resolved by a researcher: {decision['reason']}")
    return (matcher.match_single(text, year) or matcher.match_joint(text, year) or matcher.unknown(text, year))


def load_resolutions(year: int, path: Path | str = RESOLUTIONS_PATH, *,
                     reference_dir: Path | str | None = None) -> dict[str, dict]:
    """A wave's decisions from municipality_resolutions.yml as the `resolutions` of match_municipality.

    The file maps a wave to a list of {typed, code, reason}; every code must be in that wave's frame.
    """
    path = Path(path)
    content = yamlfiles.load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(content, dict):
        raise ValueError(f"{path}: expected a mapping of wave -> list of {{typed, code, reason}}")
    frame_codes = set(load_frame(year, reference_dir)["code"])
    resolutions: dict[str, dict] = {}
    for number, entry in enumerate(content.get(year) or [], start=1):
        if not isinstance(entry, dict) or not str(entry.get("typed") or "").strip():
            raise ValueError(f"{path}, wave {year}, entry {number}: expected typed, code and reason; got {entry!r}")
        try:
            _resolution_codes(entry["typed"], entry, year, frame_codes)
        except ValueError as error:
            raise ValueError(f"{path}, wave {year}, entry {number}: {error}") from None
        resolutions[entry["typed"]] = {"code": entry["code"], "reason": entry["reason"]}
    return resolutions


_ADVICE = {
    "unknown": "Add an alias to data/codebook/municipality_aliases.yml or a resolution to "
               "data/codebook/municipality_resolutions.yml",
    "ambiguous": "Add a resolution (typed, code, reason) to data/codebook/municipality_resolutions.yml",
    "other_year": "If the answer means one of these, add a resolution to data/codebook/municipality_resolutions.yml",
    "empty": "Check the export: the municipality question is required",
}


def format_match_problem(result: MatchResult, file: Path | str, row: int, column: str) -> str:
    """One line locating an unmatched name and saying how to fix it, for data-quality reports and errors."""
    if result.matched:
        raise ValueError(f"{result.text!r} matched ({result.status}); there is no problem to report")
    return f"{file}, row {row}, column {column!r}: {result.message}. {_ADVICE[result.status]}"


class MunicipalityNotFound(LookupError):
    """A typed name that is not exactly one municipality of the wave's frame (unknown, ambiguous, other year, empty)."""

    def __init__(self, result: MatchResult, file: Path | str, row: int, column: str):
        self.result, self.file, self.row, self.column = result, str(file), row, column
        super().__init__(format_match_problem(result, file, row, column))


# ---------------------------------------------------------------------------------------------------------------
# Bijlage A (participants 2023) by size class


def bijlage_a_size_counts(*, reference_dir: Path | str | None = None, path: Path | str = BIJLAGE_A_PATH,
                          population_year: int = 2022) -> pd.DataFrame:
    """Municipalities of the published 2023 participant list per size class, next to the report's counts.

    Entries are matched to the frame of 1-1-2023; a joint entry counts every municipality it names. Sizes use
    inhabitants on 1-1-`population_year` (the report used 1-1-2022), so Voorne aan Zee counts as the sum of its three
    predecessors. Rows: the size classes, g4, unresolved (entries not matched to one municipality, such as "Bergen",
    counted once each and left out of the size classes) and total. Columns: group, label, computed, published,
    difference (computed - published; <NA> where the report gives no number).
    """
    entries = pd.read_csv(path, dtype=str, keep_default_na=False)
    results = [match_municipality(name, 2023, reference_dir=reference_dir) for name in entries["name_as_published"]]
    codes = [code for result in results if result.matched for code in result.codes]
    unresolved = [result.text for result in results if not result.matched]
    populations = population_on(population_year, codes, reference_dir=reference_dir)
    if populations.isna().any():
        missing = ", ".join(populations[populations.isna()].index)
        raise ValueError(f"no inhabitants on 1-1-{population_year} for {missing}; they cannot be put in a size class")
    classes = size_class(populations)
    counts = classes.value_counts(sort=False)
    rows = [(c.code, c.label, int(counts[c.code])) for c in SIZE_CLASSES]
    rows += [("g4", "G4: " + ", ".join(G4.values()), sum(code in G4 for code in codes)),
             ("unresolved", "not one municipality: " + (", ".join(unresolved) or "none"), len(unresolved)),
             ("total", "municipalities named in the list", len(codes) + len(unresolved))]
    table = pd.DataFrame(rows, columns=["group", "label", "computed"])
    published = published_counts_2023()
    table["published"] = pd.array([published.get(group) for group in table["group"]], dtype="Int64")
    table["difference"] = table["computed"] - table["published"]
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.data.municipalities",
                                     description="Write frames.parquet and crosswalk.parquet from the reference set.")
    parser.add_argument("--reference", type=Path, default=None, help="reference set (default: data/raw/reference)")
    parser.add_argument("--out", type=Path, default=PROCESSED_DIR, help="output directory (default: data/processed)")
    args = parser.parse_args(argv)
    try:
        paths = build_frames(args.reference, args.out)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    written = pd.read_parquet(paths[0], columns=["wave"]).groupby("wave").size()
    sizes = ", ".join(f"{wave}: {size}" for wave, size in written.items())
    print(f"wrote {paths[0]} and {paths[1]} (municipalities per wave: {sizes})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
