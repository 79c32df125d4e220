"""The CBS reference set on Dutch municipalities: copied from a local directory, or downloaded from CBS open data.

The set (described in its SOURCES.md) is:

- ``gemeenten_<year>.csv`` for 2020-2023: ``code,name,province,population``, one row per municipality on 1 January,
  sorted by code, UTF-8, minimal quoting ("Nuenen, Gerwen en Nederwetten" is quoted);
- ``herindelingen.csv``: the municipal reorganisations 2018-2023 (a curated list, not a CBS table);
- ``SOURCES.md``: where the files come from.

`copy_reference` copies a local set byte for byte after validating it. `download_municipality_list` rebuilds one
``gemeenten_<year>.csv`` from the CBS OData v3 API (opendata.cbs.nl/ODataApi): names and provinces from the yearly
table "Gebieden in Nederland" (the same names as the CBS file "Gemeenten alfabetisch"; 85385NED is the 2023 edition)
and inhabitants from 70072ned "Regionale kerncijfers Nederland", "Bevolking op 1 januari, totale bevolking". The v3 API
is used rather than v4 (odata4.cbs.nl) because its typed data set gives one row per municipality with named columns.
CBS's own client `cbsodata` was evaluated and not used: it would replace `fetch_odata` only, and swaps dimension keys
for titles (the codes are the join key), opens its own session (no offline tests) and sets no timeout
(docs/methods.md, "Reference download").

Either way the destination gets a PROVENANCE.yml with the origin and the sha256 of every file. It records no
retrieval date: a date would make every run differ, and the sha256 already identifies the content.

Command line (used by `make reference`)::

    python -m helpers.data.cbs --dest data/raw/reference [--source REFERENCE_DIR]
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import requests
import yaml

from helpers import RAW_DIR
from helpers.core.reproducible import sha256_file

REFERENCE_YEARS = (2020, 2021, 2022, 2023)
LIST_COLUMNS = ("code", "name", "province", "population")
REORGANISATION_COLUMNS = ("date", "old_code", "old_name", "new_code", "new_name", "kind", "source")
REORGANISATION_KINDS = ("merged into", "split (part of territory)")
REORGANISATIONS_FILE = "herindelingen.csv"
SOURCES_FILE = "SOURCES.md"
PROVENANCE_FILE = "PROVENANCE.yml"
PROVINCES = ("Drenthe", "Flevoland", "Fryslân", "Gelderland", "Groningen", "Limburg", "Noord-Brabant", "Noord-Holland",
             "Overijssel", "Utrecht", "Zeeland", "Zuid-Holland")

# Row counts and national totals stated in SOURCES.md; a copy or download that differs is not the documented set.
EXPECTED_ROWS = {"gemeenten_2020.csv": 355, "gemeenten_2021.csv": 352, "gemeenten_2022.csv": 345,
                 "gemeenten_2023.csv": 342, REORGANISATIONS_FILE: 69}
NATIONAL_TOTALS = {2020: 17_407_585, 2021: 17_475_415, 2022: 17_590_672, 2023: 17_811_291}

ODATA_ROOT = "https://opendata.cbs.nl/ODataApi/odata"
KEY_FIGURES_TABLE = "70072ned"
POPULATION_COLUMN = "TotaleBevolking_1"  # 70072ned: Bevolking op 1 januari, totale bevolking
# "Gebieden in Nederland" has one table per classification year.
AREA_TABLES = {2020: "84721NED", 2021: "84929NED", 2022: "85067NED", 2023: "85385NED"}
# Older area tables spell some provinces differently from "Gemeenten alfabetisch".
PROVINCE_SPELLINGS = {"Friesland": "Fryslân", "Friesland (NL)": "Fryslân", "Limburg (NL)": "Limburg"}
TIMEOUT_SECONDS = 60

_CODE = re.compile(r"^GM\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIX_HINT = ("Give a directory with the reference set: `make reference REFERENCE_DIR=/path/to/reference` or "
            "`python -m helpers.data.cbs --source /path/to/reference --dest data/raw/reference`")


class ReferenceDataError(ValueError):
    """A reference file is missing or not in the documented format; the message names the file, row and fix."""


class CbsError(RuntimeError):
    """CBS open data could not be reached, answered with an error, or lacks the requested data."""


def list_file(year: int) -> str:
    return f"gemeenten_{year}.csv"


def reference_files() -> tuple[str, ...]:
    return (*(list_file(year) for year in REFERENCE_YEARS), REORGANISATIONS_FILE, SOURCES_FILE)


# ---------------------------------------------------------------------------------------------------------------
# Validation


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ReferenceDataError(f"{path}, row 1: header is {','.join(reader.fieldnames or [])!r}; expected "
                                     f"{','.join(columns)!r}. Use the file described in SOURCES.md")
        return list(reader)


def validate_reference_file(path: Path | str) -> int:
    """Check one file of the reference set against SOURCES.md; return its number of data rows."""
    path = Path(path)
    match = re.fullmatch(r"gemeenten_(\d{4})\.csv", path.name)
    if path.name != REORGANISATIONS_FILE and (not match or int(match.group(1)) not in REFERENCE_YEARS):
        raise ReferenceDataError(f"{path}: not a file of the reference set; expected one of {reference_files()}")
    rows = _read_rows(path, REORGANISATION_COLUMNS if match is None else LIST_COLUMNS)
    if len(rows) != EXPECTED_ROWS[path.name]:
        raise ReferenceDataError(f"{path}: {len(rows)} data rows; expected {EXPECTED_ROWS[path.name]} (SOURCES.md)")
    if match is None:
        _validate_reorganisations(path, rows)
    else:
        _validate_list(path, int(match.group(1)), rows)
    return len(rows)


def _validate_list(path: Path, year: int, rows: list[dict[str, str]]) -> None:
    seen: set[str] = set()
    total = 0
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        where = f"{path}, row {number}"
        if not _CODE.match(row["code"]) or row["code"] in seen:
            raise ReferenceDataError(f"{where}, column 'code': {row['code']!r} is a repeated code or not of the form "
                                     "GMdddd")
        seen.add(row["code"])
        if not row["name"].strip() or row["name"] != row["name"].strip():
            raise ReferenceDataError(f"{where}, column 'name': {row['name']!r} is empty or has surrounding spaces")
        if row["province"] not in PROVINCES:
            raise ReferenceDataError(f"{where}, column 'province': {row['province']!r}; expected one of {PROVINCES}")
        if not row["population"].isdigit() or int(row["population"]) <= 0:
            raise ReferenceDataError(f"{where}, column 'population': {row['population']!r}; expected a positive "
                                     "whole number")
        total += int(row["population"])
    if [row["code"] for row in rows] != sorted(seen):
        raise ReferenceDataError(f"{path}: rows are not sorted by code")
    if total != NATIONAL_TOTALS[year]:
        raise ReferenceDataError(f"{path}: inhabitants add up to {total:,}; expected {NATIONAL_TOTALS[year]:,} "
                                 f"(national total on 1-1-{year}, SOURCES.md)")


def _validate_reorganisations(path: Path, rows: list[dict[str, str]]) -> None:
    for number, row in enumerate(rows, start=2):
        where = f"{path}, row {number}"
        if not _DATE.match(row["date"]):
            raise ReferenceDataError(f"{where}, column 'date': {row['date']!r}; expected YYYY-MM-DD")
        if row["old_code"] and not _CODE.match(row["old_code"]):
            raise ReferenceDataError(f"{where}, column 'old_code': {row['old_code']!r}; expected GMdddd or empty")
        if not _CODE.match(row["new_code"]):
            raise ReferenceDataError(f"{where}, column 'new_code': {row['new_code']!r}; expected GMdddd")
        if not row["old_name"] or not row["new_name"]:
            raise ReferenceDataError(f"{where}: old_name and new_name must both be filled in")
        if row["kind"] not in REORGANISATION_KINDS:
            raise ReferenceDataError(f"{where}, column 'kind': {row['kind']!r}; expected one of "
                                     f"{REORGANISATION_KINDS}")


# ---------------------------------------------------------------------------------------------------------------
# Copy


def _missing(source_dir: Path | None, names: Iterable[str]) -> list[str]:
    return [name for name in names if source_dir is None or not (source_dir / name).is_file()]


def copy_reference(source_dir: Path | str, dest_dir: Path | str) -> Path:
    """Validate the reference set in `source_dir`, copy it byte for byte to `dest_dir`, write PROVENANCE.yml.

    Returns the path of PROVENANCE.yml. Nothing is copied when a file is missing or fails validation.
    """
    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    missing = _missing(source_dir, reference_files())
    if missing:
        raise ReferenceDataError(f"{source_dir}: missing {', '.join(missing)}. {FIX_HINT}")
    for name in reference_files():
        if name != SOURCES_FILE:
            validate_reference_file(source_dir / name)
    _start(dest_dir)
    provenance = {}
    for name in reference_files():
        shutil.copyfile(source_dir / name, dest_dir / name)
        provenance[name] = {"origin": str((source_dir / name).resolve())}
    return _write_provenance(dest_dir, provenance)


def _start(dest_dir: Path) -> None:
    # A stale PROVENANCE.yml would tell make that an interrupted run had finished.
    dest_dir.mkdir(parents=True, exist_ok=True)
    (dest_dir / PROVENANCE_FILE).unlink(missing_ok=True)


def _write_provenance(dest_dir: Path, provenance: Mapping[str, dict]) -> Path:
    entries = {}
    for name, entry in sorted(provenance.items()):
        path = dest_dir / name
        entries[name] = {**entry, "sha256": sha256_file(path)}
        if name != SOURCES_FILE:
            entries[name]["rows"] = validate_reference_file(path)
    header = ("# Reference data in this directory, written by `python -m helpers.data.cbs` (make reference).\n"
              "# origin: the file it was copied from, or the CBS OData requests it was built from.\n"
              "# No retrieval date is recorded on purpose (it would change on every run); sha256 identifies\n"
              "# the content.\n")
    target = dest_dir / PROVENANCE_FILE
    target.write_text(header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return target


# ---------------------------------------------------------------------------------------------------------------
# Download


def _get_json(session: requests.Session, url: str, params: Mapping[str, str] | None) -> dict:
    try:
        response = session.get(url, params=params, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise CbsError(f"could not reach CBS open data at {url}: {error}. {FIX_HINT}") from error
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if response.status_code >= 400:
        raise CbsError(f"CBS answered HTTP {response.status_code} for {url} {dict(params or {})}: "
                       f"{_odata_error_message(payload) or response.text[:200]}")
    if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
        raise CbsError(f"CBS answered {url} with something that is not an OData JSON feed (no 'value' list)")
    return payload


def _odata_error_message(payload: object) -> str | None:
    """The message of an OData error body: v3 uses 'odata.error', v4 uses 'error'."""
    if not isinstance(payload, dict):
        return None
    error = payload.get("odata.error") or payload.get("error")
    if not isinstance(error, dict):
        return None
    message = error.get("message")
    return message.get("value") if isinstance(message, dict) else message


def fetch_odata(url: str, params: Mapping[str, str] | None = None, *,
                session: requests.Session | None = None) -> list[dict]:
    """All rows of an OData query, following the server's next links (v3 'odata.nextLink', v4 '@odata.nextLink')."""
    session = session or requests.Session()
    rows: list[dict] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url:
        payload = _get_json(session, next_url, params)
        rows.extend(payload["value"])
        params = None  # a next link already carries the query
        seen.add(next_url)
        next_url = payload.get("odata.nextLink") or payload.get("@odata.nextLink")
        if next_url in seen:
            raise CbsError(f"CBS sent the same next link twice ({next_url}); stopped to avoid an endless loop")
    return rows


def _province_name_column(row: Mapping[str, object], table: str) -> str:
    """The Naam_n+1 column next to the Code_n column holding PVnn codes (column numbers differ per year)."""
    for key, value in row.items():
        if key.startswith("Code_") and isinstance(value, str) and value.strip().startswith("PV"):
            name_key = f"Naam_{int(key.removeprefix('Code_')) + 1}"
            if name_key in row:
                return name_key
    raise CbsError(f"CBS table {table} has no province columns (a Code_n column with PVnn codes); "
                   f"check {ODATA_ROOT}/{table}/DataProperties")


def municipality_list_urls(year: int) -> list[str]:
    """The requests `download_municipality_list` makes, as recorded in PROVENANCE.yml."""
    return [f"{ODATA_ROOT}/{_area_table(year)}/TypedDataSet",
            f"{ODATA_ROOT}/{KEY_FIGURES_TABLE}/TypedDataSet?$filter=startswith(RegioS,'GM') and "
            f"Perioden eq '{year}JJ00'&$select=RegioS,Perioden,{POPULATION_COLUMN}"]


def _area_table(year: int) -> str:
    if year not in AREA_TABLES:
        raise CbsError(f"no CBS 'Gebieden in Nederland' table is known for {year} (known: {sorted(AREA_TABLES)}); "
                       f"add the table id of 'Gebieden in Nederland {year}' to AREA_TABLES in src/helpers/data/cbs.py")
    return AREA_TABLES[year]


def download_municipality_list(year: int, *, session: requests.Session | None = None) -> pd.DataFrame:
    """Municipalities on 1 January of `year` with code, name, province and inhabitants, sorted by code."""
    table = _area_table(year)
    session = session or requests.Session()
    areas = [row for row in fetch_odata(f"{ODATA_ROOT}/{table}/TypedDataSet", {"$format": "json"}, session=session)
             if str(row.get("Code_1") or "").strip().startswith("GM")]
    if not areas:
        raise CbsError(f"CBS table {table} ('Gebieden in Nederland {year}') returned no municipalities (Code_1 GMdddd)")
    province_name = _province_name_column(areas[0], table)
    frame = pd.DataFrame({
        "code": [row["Code_1"].strip() for row in areas],
        "name": [row["Naam_2"].strip() for row in areas],
        "province": [PROVINCE_SPELLINGS.get(p.strip(), p.strip()) for p in (row[province_name] for row in areas)],
    })
    frame["population"] = frame["code"].map(_download_population(year, session))
    missing = frame.loc[frame["population"].isna(), "code"].tolist()
    if missing:
        raise CbsError(f"CBS table {KEY_FIGURES_TABLE} has no {POPULATION_COLUMN} on 1-1-{year} for "
                       f"{len(missing)} municipalities of {table}: {', '.join(missing[:10])}")
    frame["population"] = frame["population"].astype("int64")
    return frame.sort_values("code", ignore_index=True)


def _download_population(year: int, session: requests.Session) -> dict[str, int]:
    params = {"$format": "json", "$filter": f"startswith(RegioS,'GM') and Perioden eq '{year}JJ00'",
              "$select": f"RegioS,Perioden,{POPULATION_COLUMN}"}
    rows = fetch_odata(f"{ODATA_ROOT}/{KEY_FIGURES_TABLE}/TypedDataSet", params, session=session)
    if rows and POPULATION_COLUMN not in rows[0]:
        raise CbsError(f"CBS table {KEY_FIGURES_TABLE} has no column {POPULATION_COLUMN}; CBS may have renamed it: "
                       f"check {ODATA_ROOT}/{KEY_FIGURES_TABLE}/DataProperties")
    # Former municipalities are in the table too, with no value for years after they were dissolved.
    population = {row["RegioS"].strip(): round(row[POPULATION_COLUMN]) for row in rows
                  if row.get(POPULATION_COLUMN) is not None}
    if not population:
        raise CbsError(f"CBS table {KEY_FIGURES_TABLE} has no inhabitants on 1-1-{year} (Perioden '{year}JJ00'); "
                       "CBS may not have published that year yet")
    return population


def write_municipality_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write a municipality list in the format of the reference set (see the module docstring)."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LIST_COLUMNS)
        for row in frame.sort_values("code").itertuples(index=False):
            writer.writerow([row.code, row.name, row.province, int(row.population)])
    return path


def download_reference(dest_dir: Path | str, source_dir: Path | str | None = None, *,
                       session: requests.Session | None = None) -> Path:
    """Download the municipality lists from CBS; copy herindelingen.csv (and SOURCES.md) from `source_dir`.

    herindelingen.csv is curated, not a CBS table, so it cannot be downloaded. Returns the path of PROVENANCE.yml.
    """
    dest_dir = Path(dest_dir)
    source_dir = Path(source_dir) if source_dir is not None else None
    if _missing(source_dir, [REORGANISATIONS_FILE]):
        raise ReferenceDataError(
            f"cannot build {dest_dir}: {REORGANISATIONS_FILE} is missing"
            + (f" in {source_dir}" if source_dir else " (no --source given)")
            + ". The municipality lists can be downloaded from CBS, but herindelingen.csv is a curated list (see "
            f"SOURCES.md) that CBS does not publish as a table. {FIX_HINT}")
    validate_reference_file(source_dir / REORGANISATIONS_FILE)
    lists = {year: download_municipality_list(year, session=session) for year in REFERENCE_YEARS}
    _start(dest_dir)
    provenance: dict[str, dict] = {}
    for year, frame in lists.items():
        write_municipality_csv(frame, dest_dir / list_file(year))
        provenance[list_file(year)] = {"origin": municipality_list_urls(year)}
    for name in (REORGANISATIONS_FILE, SOURCES_FILE):
        if (source_dir / name).is_file():
            shutil.copyfile(source_dir / name, dest_dir / name)
            provenance[name] = {"origin": str((source_dir / name).resolve())}
    return _write_provenance(dest_dir, provenance)


def main(argv: list[str] | None = None, *, session: requests.Session | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.data.cbs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="directory with the reference set (copied when complete)")
    parser.add_argument("--dest", type=Path, default=RAW_DIR / "reference", help="default: data/raw/reference")
    args = parser.parse_args(argv)
    try:
        if args.source is not None and not _missing(args.source, reference_files()):
            provenance = copy_reference(args.source, args.dest)
            print(f"copied the reference set from {args.source} to {args.dest} ({provenance.name} written)")
        else:
            missing = _missing(args.source, reference_files())
            where = f"{args.source} lacks {', '.join(missing)}" if args.source else "no --source given"
            print(f"{where}: downloading the municipality lists from CBS open data", file=sys.stderr)
            provenance = download_reference(args.dest, args.source, session=session)
            print(f"downloaded the municipality lists into {args.dest} ({provenance.name} written)")
    except (ReferenceDataError, CbsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
