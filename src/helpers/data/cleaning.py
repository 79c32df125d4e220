"""The cleaning step: from one wave's raw survey-tool export to tidy responses and answers, with a data-quality log.

`validate_export(raw)` checks every cell against the codebook and raises `ExportProblems` listing all problems, each on
one line with file, row, column, what was found, what was expected and a suggestion.

`clean_wave(year)` reads and validates the export, then applies the rules of data/codebook/cleaning.yml, counting each:

1. test responses (typed municipality or e-mail domain of the research team) are removed;
2. rows without an answer to the first content question (the definition of a valid response) are excluded;
3. typed municipality names are matched to the wave's municipality frame (helpers.data.municipalities), with the
   researcher's decisions in municipality_resolutions.yml;
4. joint answers ("Barendrecht, Albrandswaard en Ridderkerk") become one unit per municipality
   (`joint_answers: per_municipality`; response ids 2023-0007a, 2023-0007b, ... sharing `joint_group` 2023-0007),
   or stay one unit without a code (`joint_answers: once`);
5. repeated submissions by one municipality are resolved: one unit per municipality code is kept (most answered
   questions, then latest submission, latest start, highest respondent id). Joint answers are expanded *before* this
   rule, so that a municipality that also answered on its own keeps one unit and its partners keep theirs;
6. units that cannot be matched are kept without a code and listed with the matcher's message;
7. personal columns are dropped and free text is scrubbed (helpers.core.privacy) with the placeholders of cleaning.yml;
8. answers to questions whose routing condition (questions.yml `asked_if`) is not met are dropped and counted.

The results (`CleanResult.responses`, `.answers`, `.quality`) follow a fixed contract; see `RESPONSES_COLUMNS`,
`ANSWERS_COLUMNS` and the README of data/processed (helpers.data.processed writes and reads them).

The functions at the end (`steps_table`, `duplicates_table`, ...) turn the quality log into the tables of the
data-quality appendix (notebooks/00_opschonen.ipynb).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import yaml

from helpers import CODEBOOK_DIR, PUBLISHED_DIR, RAW_DIR, SMALL_THRESHOLD
from helpers.core import yamlfiles
from helpers.core.privacy import SCRUB_KINDS, scrub_counts_total, scrub_text
from helpers.core.reproducible import sha256_file
from helpers.data import municipalities
from helpers.data.codebook import SELECTED, Codebook, ColumnSpec, WaveSpec, load_codebook
from helpers.data.codebook import codebook as project_codebook
from helpers.data.exports import TIMESTAMP_FORMAT, ExportError, ExportProblems, RawExport, closest, read_export
from helpers.data.processed import ANSWERS_COLUMNS, RESPONSES_COLUMNS, CleanResult, coerce

CLEANING_FILE = CODEBOOK_DIR / "cleaning.yml"
ALIASES_FILE = CODEBOOK_DIR / "municipality_aliases.yml"
PROVENANCE_FILE = "survey/provenance.yml"  # relative to the raw directory
# A timestamp further than this from the wave year (in years, either way) means the wrong file or a wrong clock.
WAVE_TOLERANCE_YEARS = 1

MATCHED_STATUSES = ("exact", "alias", "resolved", "joint")
UNMATCHED_STATUSES = ("empty", "unknown", "ambiguous", "other_year")
KINDS = ("answer", "selected", "other", "comment", "text")



class CleaningError(ValueError):
    """cleaning.yml or municipality_resolutions.yml is not usable; the message names the file and the entry."""


# --------------------------------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class CleaningRules:
    test_municipality_pattern: re.Pattern
    test_email_domains: tuple[str, ...]
    duplicates_keep: str
    joint_answers: str
    unmatched: str
    placeholders: Mapping[str, str]
    source: Path

    def parameters(self) -> dict:
        return {
            "test_responses": {"municipality_pattern": self.test_municipality_pattern.pattern,
                               "email_domains": list(self.test_email_domains)},
            "duplicates": {"keep": self.duplicates_keep},
            "joint_answers": self.joint_answers,
            "unmatched": self.unmatched,
            "scrub_placeholders": dict(sorted(self.placeholders.items())),
        }


def load_cleaning_rules(path: Path | str = CLEANING_FILE) -> CleaningRules:
    """Read and check data/codebook/cleaning.yml."""
    path = Path(path)
    try:
        raw = yamlfiles.load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CleaningError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise CleaningError(f"{path}: not valid YAML: {error}") from None

    def need(key: str):
        if key not in raw:
            raise CleaningError(f"{path.name}: the rule {key!r} is missing")
        return raw[key]

    tests = need("test_responses")
    try:
        pattern = re.compile(str(tests["municipality_pattern"]))
    except (KeyError, TypeError):
        raise CleaningError(f"{path.name}: test_responses needs municipality_pattern") from None
    except re.error as error:
        raise CleaningError(f"{path.name}: test_responses.municipality_pattern is not a valid pattern: {error}") from None
    domains = tuple(str(d).lower().lstrip("@") for d in (tests.get("email_domains") or []))
    keep = (need("duplicates") or {}).get("keep")
    if keep != "most_answered_then_latest":
        raise CleaningError(f"{path.name}: duplicates.keep {keep!r} is not known; expected 'most_answered_then_latest'")
    joint = need("joint_answers")
    if joint not in ("per_municipality", "once"):
        raise CleaningError(f"{path.name}: joint_answers {joint!r} is not known; expected 'per_municipality' or 'once'")
    unmatched = need("unmatched")
    if unmatched != "keep_without_code":
        raise CleaningError(f"{path.name}: unmatched {unmatched!r} is not known; expected 'keep_without_code'")
    placeholders = {str(k): str(v) for k, v in (need("scrub_placeholders") or {}).items()}
    missing = [kind for kind in SCRUB_KINDS if kind not in placeholders]
    if missing:
        raise CleaningError(f"{path.name}: scrub_placeholders lacks {missing}")
    return CleaningRules(pattern, domains, keep, joint, unmatched, placeholders, path)


# --------------------------------------------------------------------------------------------------------------------
# Validation of cell values


def _normalise(text: str) -> str:
    return " ".join(str(text).split())


def lookup_value(spec: ColumnSpec, cell: str | None) -> str | None:
    """The harmonised code for what the export wrote in an answer/selected cell; None when empty or unknown."""
    if cell is None:
        return None
    if cell in spec.values:
        return spec.values[cell]
    normalised = _normalise(cell)
    for raw, code in spec.values.items():
        if _normalise(raw) == normalised:
            return code
    return None


def parse_timestamp(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    return dt.datetime.strptime(text.strip(), TIMESTAMP_FORMAT)


def _expected_listing(values: Sequence[str], limit: int = 6) -> str:
    shown = [repr(v if len(v) <= 40 else v[:39] + "…") for v in values[:limit]]
    more = len(values) - limit
    return "one of " + ", ".join(shown) + (f" (and {more} more)" if more > 0 else "")


def _closest_value(found: str, values: Sequence[str]) -> str | None:
    if not values:
        return None
    matches = closest(found, values, n=1)
    if matches:
        return matches[0]
    scored = sorted(values, key=lambda v: (-difflib.SequenceMatcher(None, found.lower(), v.lower()).ratio(), v))
    return scored[0]


def _wave_window(year: int) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(year - WAVE_TOLERANCE_YEARS, 1, 1), dt.datetime(year + WAVE_TOLERANCE_YEARS + 1, 1, 1)


def validate_export(raw: RawExport, codebook: Codebook | None = None) -> None:
    """Check every cell of `raw` against its wave's codebook; raise ExportProblems listing all problems."""
    cb = codebook or _codebook_for(raw.spec)
    problems: list[ExportError] = []

    def problem(text: str, position: int | None = None, column: str | None = None, **extra) -> None:
        problems.append(ExportError(raw.path, text, row=None if position is None else raw.file_row(position),
                                    column=column, **extra))

    _check_respondent_ids(raw, problem)
    _check_timestamps(raw, problem)
    _check_last_page(raw, problem)
    _check_answer_codes(raw, problem)
    _check_exclusive_options(raw, cb, problem)
    if problems:
        raise ExportProblems(raw.path, problems)


# A check reports a problem as problem(text, position, column, found=..., expected=..., suggestion=...).
Problem = Callable[..., None]


def _mapping_file(spec: WaveSpec) -> str:
    """The wave's mapping file, as the suggestions name it."""
    return f"data/codebook/waves/{spec.source.name}"


def _check_respondent_ids(raw: RawExport, problem: Problem) -> None:
    """Respondent ids: present and unique."""
    id_column = raw.spec.metadata["respondent_id"]
    first_row_of: dict[str, int] = {}
    for position, value in enumerate(raw.table[id_column]):
        if value is None or not str(value).strip():
            problem("the respondent id is empty", position, id_column, expected="a unique respondent id",
                    suggestion="Export again including the response id column")
            continue
        key = str(value).strip()
        if key in first_row_of:
            problem(f"respondent id {key!r} occurs twice (rows {raw.file_row(first_row_of[key])} and "
                    f"{raw.file_row(position)})", position, id_column, found=key, expected="unique ids",
                    suggestion="Were two exports pasted together? Remove the copy or export again")
        else:
            first_row_of[key] = position


def _check_timestamps(raw: RawExport, problem: Problem) -> None:
    """Timestamps: format, order (not submitted before started), and close to the wave year."""
    spec, table, path = raw.spec, raw.table, raw.path
    mapping = _mapping_file(spec)
    low, high = _wave_window(spec.year)
    started_column, submitted_column = spec.metadata.get("started_at"), spec.metadata.get("submitted_at")
    parsed: dict[tuple[int, str], dt.datetime | None] = {}
    for position in range(len(table)):
        for column in (started_column, submitted_column):
            if column is not None:
                try:
                    parsed[position, column] = parse_timestamp(table.at[position, column])
                except ValueError:
                    pass
    # No timestamp at all in the wave year: the export of another wave (or a wrong clock); one problem for the file.
    moments = sorted(m for m in parsed.values() if m is not None)
    other_wave = bool(moments) and all(m.year != spec.year for m in moments)
    if other_wave:
        years = ", ".join(str(y) for y in sorted({m.year for m in moments}))
        problem(f"every timestamp lies outside wave {spec.year} (all in {years})", None,
                started_column or submitted_column,
                found=f"{moments[0]:{TIMESTAMP_FORMAT}} … {moments[-1]:{TIMESTAMP_FORMAT}}",
                expected=f"dates in {spec.year}, the wave of this file name",
                suggestion=f"Is {path.name} really the export of {spec.year} (not of {years})? Check the file "
                           f"(export.file in {mapping}) and the survey tool's clock")
    for position in range(len(table)):
        stamps = {}
        for role, column in (("started_at", started_column), ("submitted_at", submitted_column)):
            if column is None:
                continue
            cell = table.at[position, column]
            if (position, column) not in parsed:
                problem("not a timestamp", position, column, found=cell, expected="'YYYY-MM-DD HH:MM:SS'",
                        suggestion="Export dates in ISO format (survey tool setting), or as date cells in XLSX")
                continue
            moment = stamps[role] = parsed[position, column]
            if moment is not None and not other_wave and not (low <= moment < high):
                problem(f"date far from wave {spec.year} (future/wrong wave)", position, column, found=cell,
                        expected=f"a date between {low:%Y-%m-%d} and {high - dt.timedelta(days=1):%Y-%m-%d}",
                        suggestion=f"Check the file name and the wave: is {path.name} really the export of "
                                   f"{spec.year} (export.file in {mapping})?")
        started, submitted = stamps.get("started_at"), stamps.get("submitted_at")
        if started is not None and submitted is not None and submitted < started:
            problem("submitted before it was started", position, submitted_column,
                    found=table.at[position, submitted_column],
                    expected=f"not before the start {table.at[position, started_column]}",
                    suggestion="Check the survey tool's time zone settings or the columns' order")


def _check_last_page(raw: RawExport, problem: Problem) -> None:
    """Last page: an integer."""
    last_page = raw.spec.metadata.get("last_page")
    if last_page is None:
        return
    for position, cell in enumerate(raw.table[last_page]):
        if cell is not None and not re.fullmatch(r"\s*-?\d+\s*", str(cell)):
            problem("the last page is not a whole number", position, last_page, found=cell,
                    expected="a page number such as 3",
                    suggestion="The survey tool writes numbers here: was the file edited, or are columns shifted?")


def _check_answer_codes(raw: RawExport, problem: Problem) -> None:
    """Answer codes and ticked boxes: values the mapping knows (else the closest one is suggested)."""
    mapping = _mapping_file(raw.spec)
    for column_spec in raw.spec.columns:
        if column_spec.role not in ("answer", "selected"):
            continue
        expected = list(column_spec.values)
        for position, cell in enumerate(raw.table[column_spec.column]):
            if cell is None or lookup_value(column_spec, cell) is not None:
                continue
            nearest = _closest_value(str(cell), expected)
            what = "answer" if column_spec.role == "answer" else "mark for a ticked box"
            suggestion = f"Closest expected value: {nearest!r}" if nearest else ""
            suggestion += f"; if the questionnaire changed, map the new value in {mapping}"
            problem(f"unknown {what} for {column_spec.question}" + (f"[{column_spec.item}]" if column_spec.item else ""),
                    position, column_spec.column, found=cell, expected=_expected_listing(expected),
                    suggestion=suggestion)


def _check_exclusive_options(raw: RawExport, cb: Codebook, problem: Problem) -> None:
    """Exclusive options of multi questions ticked together with others."""
    spec, table = raw.spec, raw.table
    for question in spec.questions:
        selected = [c for c in spec.columns_for(question) if c.role == "selected"]
        if not selected:
            continue
        exclusive = {option.code for option in cb.question(question).options if option.exclusive}
        for column_spec in selected:
            if column_spec.item not in exclusive:
                continue
            for position in range(len(table)):
                if lookup_value(column_spec, table.at[position, column_spec.column]) != SELECTED:
                    continue
                others = [c.item for c in selected if c is not column_spec
                          and lookup_value(c, table.at[position, c.column]) == SELECTED]
                if others:
                    problem(f"the exclusive option {column_spec.item!r} of {question} is ticked together with others",
                            position, column_spec.column, found=f"also ticked: {', '.join(others)}",
                            expected=f"{column_spec.item!r} alone",
                            suggestion="The questionnaire should prevent this; ask the respondent or record a decision "
                                       "and remove one of the ticks in a documented correction")


@cache
def _codebook_at(directory: str) -> Codebook:
    return load_codebook(directory)


def _codebook_for(spec: WaveSpec) -> Codebook:
    """The codebook a wave spec was loaded from (the project's, or a test's in a temporary directory)."""
    directory = spec.source.parent.parent
    if directory.resolve() == CODEBOOK_DIR.resolve():
        return project_codebook()
    return _codebook_at(str(directory))


# --------------------------------------------------------------------------------------------------------------------
# Cleaning


@dataclass
class Unit:
    """One counted response: a row of the export, or one municipality of a joint answer."""

    position: int
    response_id: str
    respondent_id: str
    joint_group: str | None
    match_status: str
    code: str | None
    n_answered: int
    submitted_at: dt.datetime | None
    started_at: dt.datetime | None


def _municipalities(module: ModuleType | Any | None):
    return municipalities if module is None else module


def _response_ids(ids: Sequence[str], year: int) -> list[str]:
    numeric = [i for i in ids if i.isdigit()]
    width = max([4, *(len(str(int(i))) for i in numeric)])
    return [f"{year}-{int(i):0{width}d}" if i.isdigit() else f"{year}-{i}" for i in ids]


def _suffixes(n: int) -> list[str]:
    letters = string.ascii_lowercase
    if n <= len(letters):
        return list(letters[:n])
    return [f"{i + 1:02d}" for i in range(n)]


def _answered_questions(spec: WaveSpec, row: Mapping[str, str | None]) -> list[str]:
    return [q for q in spec.questions if any(row[c.column] is not None for c in spec.columns_for(q))]


def _keep_preference(unit: Unit):
    """Larger is better: most answered questions, then latest submission, latest start, highest respondent id."""
    numeric = unit.respondent_id.isdigit()
    return (
        unit.n_answered,
        unit.submitted_at or dt.datetime.min,
        unit.started_at or dt.datetime.min,
        (1, int(unit.respondent_id), "") if numeric else (0, 0, unit.respondent_id),
    )


def _is_test(row: Mapping, spec: WaveSpec, rules: CleaningRules) -> bool:
    typed = row.get(spec.metadata["municipality"])
    if typed and rules.test_municipality_pattern.search(str(typed)):
        return True
    email_column = spec.personal.get("email")
    email = str(row.get(email_column) or "").strip().lower() if email_column else ""
    if "@" in email:
        domain = email.rsplit("@", 1)[1]
        return any(domain == d or domain.endswith("." + d) for d in rules.test_email_domains)
    return False


def _as_dict(result, codes: Sequence[str], what: str) -> dict[str, Any]:
    """Normalise what helpers.data.municipalities returns for a list of codes into {code: value}."""
    if result is None:
        return {}
    if isinstance(result, pd.DataFrame):
        value_column = what if what in result.columns else result.columns[-1]
        if "code" in result.columns:
            return dict(zip(result["code"], result[value_column], strict=True))
        return result[value_column].to_dict()
    if isinstance(result, pd.Series):
        if set(codes) <= {str(i) for i in result.index}:
            return {str(k): v for k, v in result.to_dict().items()}
        return dict(zip(codes, result.tolist(), strict=True))
    if isinstance(result, Mapping):
        return dict(result)
    values = list(result)
    return dict(zip(codes, values, strict=True))


def _none_if_na(value):
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _provenance(path: Path, raw_dir: Path, spec: WaveSpec, rules: CleaningRules) -> dict:
    """Input files with hashes, and whether provenance.yml marks the export as the synthetic stand-in."""
    digest = sha256_file(path)
    try:
        relative = path.resolve().relative_to(raw_dir.resolve()).as_posix()
    except ValueError:
        relative = path.name
    info: dict[str, Any] = {
        "input_files": [{"file": relative, "sha256": digest, "size_bytes": path.stat().st_size}],
        "provenance_file": None,
        "synthetic": False,
        "data_status": "real/unknown",
        "provenance_note": "",
    }
    info.update(_data_status(raw_dir / PROVENANCE_FILE, path, relative, spec, digest))
    codebook_dir = spec.source.parent.parent
    files = {
        "questions.yml": codebook_dir / "questions.yml",
        f"waves/{spec.source.name}": spec.source,
        rules.source.name: rules.source,
    }
    info["codebook_files"] = {name: sha256_file(p) for name, p in sorted(files.items()) if p.exists()}
    return info


def _data_status(provenance_path: Path, path: Path, relative: str, spec: WaveSpec, digest: str) -> dict[str, Any]:
    """What provenance.yml says of the export: synthetic only when its entry for the file has the file's sha256 and
    synthetic: true; otherwise real/unknown, with a note saying why (no file, invalid YAML, no entry, other hash)."""
    if not provenance_path.exists():
        return {"provenance_note": f"no {PROVENANCE_FILE} next to the export: treated as real/unknown"}
    status: dict[str, Any] = {"provenance_file": PROVENANCE_FILE}
    try:
        document = yamlfiles.load(provenance_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        document = None
        status["provenance_note"] = f"{PROVENANCE_FILE} is not valid YAML ({error.__class__.__name__})"
    candidates = [e for e in provenance_entries(document) if str(e.get("file", "")) in (relative, path.name, spec.file)
                  or Path(str(e.get("file", ""))).name == path.name]
    if not candidates and document is not None:
        status["provenance_note"] = f"{PROVENANCE_FILE} has no entry for {relative}: treated as real/unknown"
    for entry in candidates:
        if entry.get("sha256") == digest:
            if entry.get("synthetic") is True:
                status["synthetic"], status["data_status"] = True, "synthetic"
                status["provenance_note"] = f"{PROVENANCE_FILE} marks this file as the synthetic stand-in (hash checked)"
            else:
                status["provenance_note"] = f"{PROVENANCE_FILE} lists this file as not synthetic"
            break
    else:
        if candidates:
            status["provenance_note"] = (f"{PROVENANCE_FILE} lists {relative}, but with another sha256: the file is "
                                         "not the one described there, so it is treated as real/unknown")
    return status


def provenance_entries(node) -> list[dict]:
    """Every mapping of a provenance.yml document that describes a file (has "file" or "sha256"), depth first."""
    entries = []
    if isinstance(node, dict):
        if "file" in node or "sha256" in node:
            entries.append(node)
        for value in node.values():
            entries += provenance_entries(value)
    elif isinstance(node, list):
        for value in node:
            entries += provenance_entries(value)
    return entries


def clean_wave(
    year: int,
    raw_dir: Path | str = RAW_DIR,
    codebook: Codebook | None = None,
    resolutions: Mapping[str, Mapping] | None = None,
    *,
    small_threshold: int = SMALL_THRESHOLD,
    rules: CleaningRules | None = None,
    municipalities: ModuleType | Any | None = None,
) -> CleanResult:
    """Clean wave `year`: read and validate its export under `raw_dir`, apply cleaning.yml, return tidy tables.

    `resolutions` (typed name -> {code, reason}) defaults to the wave's decisions in municipality_resolutions.yml;
    `municipalities` to the module helpers.data.municipalities (tests pass a stand-in with the same functions).
    `small_threshold`: fewer inhabitants than this is "klein".
    """
    year = int(year)
    raw_dir = Path(raw_dir)
    cb = codebook or project_codebook()
    spec = cb.wave(year)
    rules = rules or load_cleaning_rules()
    muni = _municipalities(municipalities)
    if resolutions is None:
        resolutions = muni.load_resolutions(year) if hasattr(muni, "load_resolutions") else {}

    raw = read_export(spec, raw_dir)
    validate_export(raw, cb)
    rows = raw.table.to_dict(orient="records")
    respondent_ids = [str(v).strip() for v in raw.table[spec.metadata["respondent_id"]]]
    base_ids = _response_ids(respondent_ids, year)
    log = _CleaningLog(rows_in=len(rows))

    # 0. Rows in.
    n = log.step("rows_in", len(rows), detail=f"rows in {raw.path.name}")

    # 1. Test responses.
    log.tests, positions = _partition(range(len(rows)), lambda p: _is_test(rows[p], spec, rules))
    n = log.step("test_responses", n, removed=len(log.tests),
                 detail="typed municipality or e-mail domain of the research team")

    # 2. Valid response: the first content question is answered.
    first = cb.first_content_question
    first_column = next(c.column for c in spec.columns_for(first.id) if c.role == "answer")
    log.no_first, positions = _partition(positions, lambda p: rows[p][first_column] is None)
    log.valid_rows = len(positions)
    n = log.step("no_first_content", n, removed=len(log.no_first),
                 detail=f"no answer to {first.id} (rapport 2023, voetnoot 1)")
    if not positions:  # a wave of 0 units would be written without a word (an export of test responses only)
        raise CleaningError(
            f"{raw.path}: no response survives the cleaning: {len(rows)} rows, {len(log.tests)} test responses "
            f"(cleaning.yml: test_municipality_pattern, test_email_domains), {len(log.no_first)} without an answer "
            f"to the first content question {first.id} (column {first_column!r}). Expected at least one real "
            "response: check that this is the wave's real export (not a test export) and that its column "
            f"{first_column!r} is mapped in waves/{year}.yml.")

    # 3. Municipality matching.
    frame = muni.load_frame(year)
    matches = _match_municipalities(rows, positions, spec, muni, year, resolutions)
    log.match_status = Counter(str(m.status) for m in matches.values())
    n = log.step("municipality_matching", n, detail="typed names matched to the CBS list of 1 January")

    # 4. Joint answers: one unit per municipality (or one unit without a code).
    units, log.joint = _units(rows, positions, matches, spec, rules.joint_answers, respondent_ids, base_ids)
    log.joint_added = sum(len(j["response_ids"]) - 1 for j in log.joint)
    n = log.step("joint_answers", n, added=log.joint_added,
                 detail=f"joint_answers: {rules.joint_answers} ({len(log.joint)} joint answer(s))")

    # 5. Duplicates: one unit per municipality code.
    units, log.duplicates, log.duplicates_removed = _resolve_duplicates(units)
    n = log.step("duplicates", n, removed=log.duplicates_removed,
                 detail="one unit per municipality: most answered, then latest")

    # 6. Unmatched units kept without a code, 7. privacy: personal columns dropped, free text scrubbed.
    protect = protected_names(frame)
    scrubbed, scrub_counts = _scrub_free_text(rows, units, spec, protect, rules.placeholders)
    log.unmatched = _unmatched_units(units, rows, matches, raw, spec, muni, protect, rules.placeholders)
    n = log.step("unmatched", n, detail="kept without a municipality code (unmatched: keep_without_code)")
    log.scrubbed = scrub_counts_total(scrub_counts)
    n = log.step("privacy", n, detail=f"personal columns dropped ({', '.join(spec.personal.values()) or 'none'}); "
                                      f"{sum(log.scrubbed.values())} replacement(s) in free text")

    # 8. Answers, with routing.
    answer_rows, log.not_routed = _answer_rows(units, rows, spec, cb, scrubbed)
    n = log.step("routing", n, detail=f"{log.n_not_routed} answer(s) to questions not routed to the respondent dropped")

    populations, population_source = unit_populations(muni, spec, frame, sorted({u.code for u in units if u.code}))
    responses = _responses_frame(year, units, answer_rows, muni, spec, frame, populations, small_threshold)
    answers = _answers_frame(year, answer_rows, spec)
    parameters = {**rules.parameters(), "small_threshold": int(small_threshold),
                  "size_reference_date": spec.size_reference_date.isoformat(),
                  "frame_date": spec.frame_date.isoformat(), "resolutions": len(resolutions),
                  "population_source": population_source, "population_year": spec.size_reference_date.year}
    quality = _quality_log(year, spec, parameters, log, base_ids, responses, answers,
                           _item_response(spec, cb, responses, answers), _provenance(raw.path, raw_dir, spec, rules))
    return CleanResult(year=year, responses=responses, answers=answers, quality=quality, spec=spec)


@dataclass
class _CleaningLog:
    """What the cleaning steps did, as they go: each step's counts (`step`) and the rows or units it set apart."""

    rows_in: int
    steps: list[dict] = field(default_factory=list)
    tests: list[int] = field(default_factory=list)  # positions of the test responses
    no_first: list[int] = field(default_factory=list)  # positions of the rows without the first content question
    valid_rows: int = 0
    match_status: Counter = field(default_factory=Counter)
    joint: list[dict] = field(default_factory=list)
    joint_added: int = 0
    duplicates: list[dict] = field(default_factory=list)
    duplicates_removed: int = 0
    unmatched: list[dict] = field(default_factory=list)
    scrubbed: dict = field(default_factory=dict)  # replacements in free text per kind
    not_routed: list[dict] = field(default_factory=list)

    def step(self, name: str, n_in: int, removed: int = 0, added: int = 0, detail: str = "") -> int:
        """Record one step (units in, removed, added, out and what it did); returns the units out."""
        out = n_in - removed + added
        self.steps.append({"step": name, "in": n_in, "removed": removed, "added": added, "out": out, "detail": detail})
        return out

    @property
    def n_not_routed(self) -> int:
        return sum(d["n_values"] for d in self.not_routed)


def _partition(positions: Iterable[int], rule: Callable[[int], bool]) -> tuple[list[int], list[int]]:
    """(the positions the rule holds for, the others), each in their order."""
    hits, others = [], []
    for position in positions:
        (hits if rule(position) else others).append(position)
    return hits, others


def _match_municipalities(rows: Sequence[Mapping], positions: Sequence[int], spec: WaveSpec, muni, year: int,
                          resolutions: Mapping[str, Mapping]) -> dict[int, Any]:
    """The matcher's result for the typed municipality name of every row (by position), with the researcher's
    resolutions."""
    match_column = spec.metadata["municipality"]
    return {p: muni.match_municipality(rows[p][match_column] or "", year, resolutions=resolutions) for p in positions}


def _timestamps(row: Mapping, spec: WaveSpec) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(started, submitted) of an export row; no submission when the survey tool says it was not finished."""
    metadata = spec.metadata
    started = parse_timestamp(row.get(metadata.get("started_at"))) if metadata.get("started_at") else None
    submitted = parse_timestamp(row.get(metadata.get("submitted_at"))) if metadata.get("submitted_at") else None
    if spec.finished(row) is False:  # qualtrics_csv: an end date without Finished=True is no submission
        submitted = None
    return started, submitted


def _units(rows: Sequence[Mapping], positions: Sequence[int], matches: Mapping[int, Any], spec: WaveSpec,
           joint_answers: str, respondent_ids: Sequence[str], base_ids: Sequence[str]) -> tuple[list[Unit], list[dict]]:
    """The counted units of the valid rows, and the joint answers.

    A row matched to one municipality is one unit with its code; an unmatched row one unit without a code. A joint
    answer (several municipalities) becomes one unit per municipality with `joint_answers: per_municipality`
    (response ids <id>a, <id>b, ... sharing joint_group <id>), else one unit without a code."""
    units: list[Unit] = []
    joint: list[dict] = []
    for p in positions:
        result = matches[p]
        status = str(result.status)
        codes = [str(c) for c in (result.codes or ())]
        started, submitted = _timestamps(rows[p], spec)
        n_answered = len(_answered_questions(spec, rows[p]))
        # other_year codes are the municipalities now covering the typed one: information for a decision, no match.
        usable = codes if status in MATCHED_STATUSES else []
        if len(usable) > 1 and joint_answers == "per_municipality":
            group = base_ids[p]
            ids = [f"{group}{suffix}" for suffix in _suffixes(len(usable))]
            for response_id, code in zip(ids, usable, strict=True):
                units.append(Unit(p, response_id, respondent_ids[p], group, status, code, n_answered, submitted, started))
            joint.append({"joint_group": group, "response_ids": ids, "municipality_codes": usable})
        elif len(usable) > 1:  # joint answer counted once: no single municipality, so no code
            units.append(Unit(p, base_ids[p], respondent_ids[p], base_ids[p], status, None, n_answered, submitted,
                              started))
            joint.append({"joint_group": base_ids[p], "response_ids": [base_ids[p]], "municipality_codes": usable})
        else:
            code = usable[0] if usable else None
            units.append(Unit(p, base_ids[p], respondent_ids[p], None, status, code, n_answered, submitted, started))
    return units, joint


def _resolve_duplicates(units: list[Unit]) -> tuple[list[Unit], list[dict], int]:
    """One unit per municipality code: the preferred one (`_keep_preference`) is kept. Returns the units left, the
    duplicates (code, kept, removed, reason) by code, and the number of units removed."""
    by_code: dict[str, list[Unit]] = {}
    for unit in units:
        if unit.code is not None:
            by_code.setdefault(unit.code, []).append(unit)
    duplicates, removed_ids = [], set()
    for code in sorted(by_code):
        group = by_code[code]
        if len(group) < 2:
            continue
        ordered = sorted(group, key=_keep_preference, reverse=True)
        kept, dropped = ordered[0], ordered[1:]
        removed_ids.update(u.response_id for u in dropped)
        duplicates.append({
            "municipality_code": code,
            "kept": kept.response_id,
            "removed": [u.response_id for u in dropped],
            "reason": _keep_reason(kept, dropped[0]),
        })
    return [u for u in units if u.response_id not in removed_ids], duplicates, len(removed_ids)


def _scrub(text, row: Mapping, personal: Mapping[str, str], protect: Sequence[str], placeholders: Mapping[str, str]):
    """helpers.core.privacy.scrub_text with the row's own name, e-mail and phone number."""
    return scrub_text(text, name=row.get(personal.get("name", "")), email=row.get(personal.get("email", "")),
                      phone=row.get(personal.get("phone", "")), protect=protect, placeholders=placeholders)


def _scrub_free_text(rows: Sequence[Mapping], units: Sequence[Unit], spec: WaveSpec, protect: Sequence[str],
                     placeholders: Mapping[str, str]) -> tuple[dict[tuple[int, str], str | None], list[Counter]]:
    """Every free-text cell of the kept rows scrubbed (once per export row, whatever the number of its units):
    (position, column) -> text, and the replacements per cell."""
    scrub_counts: list[Counter] = []
    scrubbed: dict[tuple[int, str], str | None] = {}
    text_columns = [c for c in spec.columns if c.role in ("other", "comment", "text")]
    for p in sorted({u.position for u in units}):
        row = rows[p]
        for column_spec in text_columns:
            cell = row[column_spec.column]
            if cell is None:
                continue
            result = _scrub(cell, row, spec.personal, protect, placeholders)
            scrubbed[(p, column_spec.column)] = result.text
            scrub_counts.append(result.counts)
    return scrubbed, scrub_counts


def _unmatched_units(units: Sequence[Unit], rows: Sequence[Mapping], matches: Mapping[int, Any], raw: RawExport,
                     spec: WaveSpec, muni, protect: Sequence[str], placeholders: Mapping[str, str]) -> list[dict]:
    """The units kept without a municipality code (not a joint answer): the matcher's status, what was typed and the
    matcher's message and candidates, all scrubbed."""
    match_column = spec.metadata["municipality"]
    unmatched = []
    for unit in units:
        if unit.code is not None or unit.joint_group is not None:
            continue
        p = unit.position
        row = rows[p]
        result = matches[p]

        def clean(text, row=row):
            return _scrub(text, row, spec.personal, protect, placeholders).text

        try:
            problem = muni.format_match_problem(result, raw.path.name, raw.file_row(p), match_column)
        except Exception:  # noqa: BLE001 - the message is a convenience; the status is what counts
            problem = str(result.message or "")
        unmatched.append({
            "response_id": unit.response_id,
            "file_row": raw.file_row(p),
            "status": str(result.status),
            "typed": clean(rows[p][match_column]),
            "message": clean(str(result.message or "")),
            "problem": clean(problem),
            "candidates": [_candidate_text(c) for c in (result.candidates or ())],
        })
    return unmatched


def _answer_rows(units: Sequence[Unit], rows: Sequence[Mapping], spec: WaveSpec, cb: Codebook,
                 scrubbed: Mapping) -> tuple[list[dict], list[dict]]:
    """The long answer rows of every unit, and the answers dropped because the question was not routed to it."""
    answer_rows, not_routed = [], []
    for unit in units:
        unit_answers, dropped = _unit_answers(spec, cb, unit, rows[unit.position], scrubbed)
        answer_rows.extend(unit_answers)
        not_routed.extend(dropped)
    return answer_rows, not_routed


def _item_response(spec: WaveSpec, cb: Codebook, responses: pd.DataFrame, answers: pd.DataFrame) -> dict[str, dict]:
    """Per question: the units, the units it was routed to (asked_if), the units that answered and that commented."""
    item_response = {}
    units_out = len(responses)
    for question in spec.questions:
        rows_q = answers[answers["question"] == question]
        answered = rows_q[rows_q["kind"].isin(["answer", "selected", "text", "other"])]
        q = cb.question(question)
        n_routed = units_out
        if q.asked_if and all(spec.asks(earlier) for earlier in q.asked_if):
            eligible = set(responses["response_id"])
            for earlier, codes in q.asked_if.items():
                hits = answers[(answers["question"] == earlier) & (answers["kind"] == "answer")
                               & (answers["item"] == "") & answers["value"].isin(list(codes))]
                eligible &= set(hits["response_id"])
            n_routed = len(eligible)
        item_response[question] = {
            "n_units": units_out,
            "n_routed": n_routed,
            "n_answered": int(answered["response_id"].nunique()),
            "n_commented": int(rows_q[rows_q["kind"] == "comment"]["response_id"].nunique()),
        }
    return item_response


def _quality_log(year: int, spec: WaveSpec, parameters: dict, log: _CleaningLog, base_ids: Sequence[str],
                 responses: pd.DataFrame, answers: pd.DataFrame, item_response: dict, provenance: dict) -> dict:
    """quality.json: the source, the parameters, every step with its counts, what each step set apart, the item
    response, the last question answered and the provenance of the input."""
    unmatched_counts = Counter(entry["status"] for entry in log.unmatched)
    last_question = Counter(str(v) for v in responses["last_question"].dropna())
    return {
        "wave": year,
        "source": {"file": spec.file, "dialect": spec.dialect, "codebook": f"waves/{spec.source.name}"},
        "parameters": parameters,
        "steps": log.steps,
        "counts": {
            "rows_in": log.rows_in,
            "test_responses": len(log.tests),
            "excluded_no_first_content": len(log.no_first),
            "valid_rows": log.valid_rows,
            "match_status": dict(sorted(log.match_status.items())),
            "joint_rows": len(log.joint),
            "joint_units_added": log.joint_added,
            "duplicates_removed": log.duplicates_removed,
            "unmatched": {status: int(unmatched_counts.get(status, 0))
                          for status in sorted(set(UNMATCHED_STATUSES) | set(unmatched_counts))},
            "unmatched_total": len(log.unmatched),
            "personal_columns_dropped": sorted(spec.personal.values()),
            "scrubbed": log.scrubbed,
            "not_routed_answers_dropped": log.n_not_routed,
            "units_out": len(responses),
            "identified_municipalities": int(responses["municipality_code"].nunique()),
            "answers_rows": len(answers),
        },
        "test_responses": [base_ids[p] for p in log.tests],
        "excluded_no_first_content": [base_ids[p] for p in log.no_first],
        "joint": log.joint,
        "duplicates": log.duplicates,
        "unmatched": log.unmatched,
        "not_routed": log.not_routed,
        "item_response": item_response,
        "last_question": dict(sorted(last_question.items())),
        "provenance": provenance,
    }


def _keep_reason(kept: Unit, runner_up: Unit) -> str:
    if kept.n_answered != runner_up.n_answered:
        return "most_answered"
    if kept.submitted_at != runner_up.submitted_at:
        return "latest_submission"
    if kept.started_at != runner_up.started_at:
        return "latest_start"
    return "highest_id"


def _candidate_text(candidate) -> str:
    if isinstance(candidate, str):
        return candidate
    if isinstance(candidate, Sequence):
        return " ".join(str(part) for part in candidate)
    return str(candidate)


def protected_names(frame: pd.DataFrame, aliases_file: Path | str = ALIASES_FILE) -> list[str]:
    """Municipality names never scrubbed as a person's name part: the frame's names, the same without their CBS
    qualifier ("Bergen (NH.)" -> "Bergen"), and the other spellings of municipality_aliases.yml ("Den Haag")."""
    names = {str(name) for name in frame["name"].dropna()}
    names |= {re.sub(r"\s*\(.*\)$", "", name) for name in names}
    path = Path(aliases_file)
    if path.exists():
        content = yamlfiles.load(path.read_text(encoding="utf-8")) or {}
        aliases = content.get("aliases") if isinstance(content, dict) else None
        if isinstance(aliases, Mapping):
            names |= {str(alias) for alias in aliases}
    return sorted(name for name in names if name)


def _unit_answers(spec: WaveSpec, cb: Codebook, unit: Unit, row: Mapping, scrubbed: Mapping) -> tuple[list, list]:
    """Long answer rows of one unit (only non-empty answers), and the routing violations dropped."""
    out, dropped = [], []
    single_answers: dict[str, str] = {}
    for column_spec in spec.columns:
        if column_spec.role == "answer" and column_spec.item == "":
            code = lookup_value(column_spec, row[column_spec.column])
            if code is not None:
                single_answers[column_spec.question] = code
    order = {c.column: i for i, c in enumerate(spec.columns)}
    for question in spec.questions:
        q = cb.question(question)
        rows_q = []
        columns = spec.columns_for(question)
        ticked = [c for c in columns if c.role == "selected" and lookup_value(c, row[c.column]) == SELECTED]
        for column_spec in columns:
            cell = row[column_spec.column]
            base = {"response_id": unit.response_id, "question": question, "item": column_spec.item,
                    "kind": column_spec.role, "order": order[column_spec.column]}
            if column_spec.role == "answer":
                code = lookup_value(column_spec, cell)
                if code is not None:
                    rows_q.append({**base, "value": code, "text": None})
            elif column_spec.role == "selected":
                if ticked:
                    value = SELECTED if column_spec in ticked else "0"
                    rows_q.append({**base, "value": value, "text": None})
            elif cell is not None:
                text = scrubbed.get((unit.position, column_spec.column), cell)
                if text is not None and text.strip():
                    rows_q.append({**base, "value": None, "text": text})
        if rows_q and q.asked_if and all(spec.asks(earlier) for earlier in q.asked_if):
            routed = all(single_answers.get(earlier) in codes for earlier, codes in q.asked_if.items())
            if not routed:
                dropped.append({"response_id": unit.response_id, "question": question,
                                "n_values": len(rows_q),
                                "condition": {k: list(v) for k, v in q.asked_if.items()}})
                continue
        out.extend(rows_q)
    return out, dropped


def unit_populations(muni, spec: WaveSpec, frame: pd.DataFrame, codes: Sequence[str]) -> tuple[dict, str]:
    """Inhabitants per code on the wave's size reference date, and where they come from.

    "population_on": population_on(year of size_reference_date), when the reference set has that year;
    "frame_approximate": otherwise (2018, 2019) the frame's own figures, which helpers.data.municipalities marks as
    approximate (population_approx: figures of a later year).
    """
    if not codes:
        return {}, "none"
    reference_year = spec.size_reference_date.year
    try:
        return _as_dict(muni.population_on(reference_year, list(codes)), list(codes), "population"), "population_on"
    except ValueError:  # no CBS figures for that year in the reference set
        by_code = dict(zip(frame["code"].astype(str), frame["population"], strict=True))
        return {code: by_code.get(code) for code in codes}, "frame_approximate"


def _responses_frame(year, units: list[Unit], answer_rows: list[dict], muni, spec: WaveSpec, frame: pd.DataFrame,
                     populations: Mapping[str, Any], small_threshold: int) -> pd.DataFrame:
    by_code = frame.assign(code=frame["code"].astype(str)).set_index("code")
    crosswalk = muni.crosswalk_to_2023()
    code_2023: dict[str, str | None] = {}
    if crosswalk is not None and len(crosswalk):
        for code, group in crosswalk.groupby(crosswalk["code"].astype(str)):
            targets = sorted({str(c) for c in group["code_2023"].dropna()})
            code_2023[code] = targets[0] if len(targets) == 1 else None
    last_question: dict[str, str] = {}
    question_order = {q: i for i, q in enumerate(spec.questions)}
    for answer in answer_rows:
        current = last_question.get(answer["response_id"])
        if current is None or question_order[answer["question"]] > question_order[current]:
            last_question[answer["response_id"]] = answer["question"]
    records = []
    for unit in units:
        code = unit.code
        population = _none_if_na(populations.get(code)) if code else None
        population = int(population) if population is not None else None
        in_frame = code is not None and code in by_code.index
        records.append({
            "wave": year,
            "response_id": unit.response_id,
            "respondent_id": unit.respondent_id,
            "joint_group": unit.joint_group,
            "match_status": unit.match_status,
            "municipality_code": code,
            "municipality_name": _none_if_na(by_code.at[code, "name"]) if in_frame else None,
            "province": _none_if_na(by_code.at[code, "province"]) if in_frame and "province" in by_code else None,
            "code_2023": code_2023.get(code, code if (code and year == 2023 and in_frame) else None) if code else None,
            "population": population,
            "size_class": muni.size_class(population) if population is not None else None,
            "klein": (population < small_threshold) if population is not None else None,
            "in_frame": in_frame,
            "started_at": unit.started_at,
            "submitted_at": unit.submitted_at,
            "completed": unit.submitted_at is not None,
            "last_question": last_question.get(unit.response_id),
        })
    responses = pd.DataFrame.from_records(records, columns=list(RESPONSES_COLUMNS))
    responses = responses.sort_values("response_id", kind="stable").reset_index(drop=True)
    return coerce(responses, RESPONSES_COLUMNS)


def _answers_frame(year: int, answer_rows: list[dict], spec: WaveSpec) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(answer_rows, columns=["response_id", "question", "item", "kind", "value", "text",
                                                            "order"])
    frame = frame.sort_values(["response_id", "order"], kind="stable").drop(columns="order")
    frame.insert(0, "wave", year)
    frame = frame.reset_index(drop=True)[list(ANSWERS_COLUMNS)]
    return coerce(frame, ANSWERS_COLUMNS)


# --------------------------------------------------------------------------------------------------------------------
# Tables for the data-quality appendix

STEP_LABELS = {
    "rows_in": "Rijen in de export",
    "test_responses": "Testresponsen verwijderd",
    "no_first_content": "Eerste inhoudelijke vraag niet beantwoord (geen geldige respons)",
    "municipality_matching": "Gemeentenaam gekoppeld aan de CBS-lijst",
    "joint_answers": "Gezamenlijke antwoorden: één eenheid per gemeente",
    "duplicates": "Dubbele inzendingen van één gemeente",
    "unmatched": "Niet te koppelen namen: behouden zonder gemeentecode",
    "privacy": "Persoonsgegevens verwijderd en vrije tekst geschoond",
    "routing": "Antwoorden op niet-gerouteerde vragen verwijderd",
}
SIZE_CLASS_LABELS = {
    "lt10k": "minder dan 10.000",
    "10k_25k": "10.000 tot 25.000",
    "25k_50k": "25.000 tot 50.000",
    "50k_100k": "50.000 tot 100.000",
    "ge100k": "100.000 of meer",
}
STATUS_LABELS = {
    "empty": "geen naam ingevuld",
    "unknown": "onbekende naam",
    "ambiguous": "naam past bij meer dan één gemeente",
    "other_year": "gemeente bestond niet op de peildatum van deze ronde",
}


STEP_NOTES = {
    "rows_in": "alle rijen van de export, ook onvolledige",
    "test_responses": "ingevuld door het onderzoeksteam (gemeentenaam of e-maildomein, cleaning.yml)",
    "no_first_content": "rapport 2023, voetnoot 1: zonder antwoord op de eerste inhoudelijke vraag telt een "
                        "respons niet mee",
    "municipality_matching": "ingevulde naam gekoppeld aan de gemeenten op 1 januari van het jaar van de ronde",
    "joint_answers": "één ingevulde peiling voor meer gemeenten telt voor elke genoemde gemeente",
    "duplicates": "per gemeente blijft één inzending over (meeste antwoorden, dan laatst ingezonden)",
    "unmatched": "blijven meetellen, zonder gemeentecode en grootteklasse",
    "privacy": "geen rijen eruit; persoonsgegevens weg, vrije tekst geschoond",
    "routing": "geen rijen eruit; alleen losse antwoorden",
}


def steps_table(quality: Mapping) -> pd.DataFrame:
    """Rows in and out per cleaning rule, in the order applied."""
    records = [{"Stap": STEP_LABELS.get(s["step"], s["step"]), "In": s["in"], "Eruit": s["removed"],
                "Erbij": s["added"], "Uit": s["out"], "Toelichting": STEP_NOTES.get(s["step"], s["detail"])}
               for s in quality["steps"]]
    return pd.DataFrame.from_records(records)


def duplicates_table(quality: Mapping) -> pd.DataFrame:
    reasons = {"most_answered": "meeste vragen beantwoord", "latest_submission": "laatst ingezonden",
               "latest_start": "laatst begonnen", "highest_id": "hoogste respondentnummer"}
    records = [{"Gemeentecode": d["municipality_code"], "Behouden": d["kept"], "Verwijderd": ", ".join(d["removed"]),
                "Reden": reasons.get(d["reason"], d["reason"])} for d in quality["duplicates"]]
    return pd.DataFrame.from_records(records, columns=["Gemeentecode", "Behouden", "Verwijderd", "Reden"])


def unmatched_table(quality: Mapping) -> pd.DataFrame:
    records = [{"Respons": u["response_id"], "Rij in export": u["file_row"], "Ingevuld (geschoond)": u["typed"],
                "Status": STATUS_LABELS.get(u["status"], u["status"]), "Melding": u["message"],
                "Kandidaten": ", ".join(u["candidates"])} for u in quality["unmatched"]]
    return pd.DataFrame.from_records(
        records, columns=["Respons", "Rij in export", "Ingevuld (geschoond)", "Status", "Melding", "Kandidaten"])


def size_class_table(responses: pd.DataFrame) -> pd.DataFrame:
    """Units per size class (inhabitants on the size reference date), with 'onbekend' for units without a code."""
    counts = responses["size_class"].value_counts(dropna=False)
    records = []
    for code, label in SIZE_CLASS_LABELS.items():
        records.append({"Grootteklasse (inwoners)": label, "n": int(counts.get(code, 0))})
    unknown = int(responses["size_class"].isna().sum())
    records.append({"Grootteklasse (inwoners)": "onbekend (geen gemeente of inwonertal)", "n": unknown})
    table = pd.DataFrame.from_records(records)
    total = int(table["n"].sum())
    table["%"] = (100 * table["n"] / total).round(1) if total else 0.0
    return table


def item_response_table(quality: Mapping, cb: Codebook | None = None) -> pd.DataFrame:
    """Per question: units, units routed to it, units that answered it (item non-response and break-off)."""
    cb = cb or project_codebook()
    records = []
    for question, counts in quality["item_response"].items():
        text = cb.question(question).text
        records.append({
            "Vraag": question,
            "Tekst": text if len(text) <= 70 else text[:69] + "…",
            "Gesteld aan (n)": counts["n_routed"],
            "Beantwoord (n)": counts["n_answered"],
            "Beantwoord (%)": round(100 * counts["n_answered"] / counts["n_routed"], 1) if counts["n_routed"] else None,
            "Laatst beantwoorde vraag (n)": int(quality["last_question"].get(question, 0)),
        })
    return pd.DataFrame.from_records(records)


def published_participants(year: int, path: Path | str = PUBLISHED_DIR / "published_numbers.yml") -> int | None:
    """The number of participating municipalities the report for `year` states (published_numbers.yml), if any."""
    path = Path(path)
    if not path.exists():
        return None
    document = yamlfiles.load(path.read_text(encoding="utf-8")) or {}
    for entry in document.get("numbers") or []:
        if int(entry.get("wave", 0)) == int(year) and entry.get("measure") == "participants":
            return int(entry["value"])
    return None


@dataclass
class Reconciliation:
    """How the cleaned units relate to a published participant list (Bijlage A)."""

    available: bool
    message: str
    entries: int = 0  # entries of the list (a joint entry is one entry)
    municipalities: int = 0  # distinct municipality codes the matched entries name
    unmatched_entries: int = 0  # entries not matched to one municipality (e.g. "Bergen")
    matched_to_units: int = 0  # of those codes, how many have a unit in the cleaned data
    not_in_responses: pd.DataFrame = field(default_factory=pd.DataFrame)
    not_in_list: pd.DataFrame = field(default_factory=pd.DataFrame)


def reconcile_participant_list(responses: pd.DataFrame, year: int, path: Path | str | None = None,
                               municipalities: ModuleType | Any | None = None,
                               resolutions: Mapping[str, Mapping] | None = None) -> Reconciliation:
    """Compare the units with a published participant list (data/published/bijlage_a_<year>.csv).

    Each entry (column name_as_published) is matched with the same matcher and resolutions as the survey answers: a
    joint entry names several municipalities, an ambiguous one such as "Bergen" stays unmatched. Returns the entries
    without a unit for (one of) their municipalities, and the identified units that are not on the list.
    """
    path = Path(path) if path is not None else PUBLISHED_DIR / f"bijlage_a_{year}.csv"
    if not path.exists():
        return Reconciliation(False, f"{path.name} is er (nog) niet; de aansluiting met de gepubliceerde lijst "
                                     "deelnemers is overgeslagen.")
    listing = pd.read_csv(path, dtype=str, keep_default_na=False)
    name_column = next((c for c in ("name_as_published", "name", "gemeente", "naam", "typed")
                        if c in listing.columns), listing.columns[-1])
    muni = _municipalities(municipalities)
    if resolutions is None:
        resolutions = muni.load_resolutions(year) if hasattr(muni, "load_resolutions") else {}
    unit_codes = set(responses["municipality_code"].dropna().astype(str))
    records, listed_codes, unmatched = [], set(), 0
    for position, entry in enumerate(listing[name_column]):
        result = muni.match_municipality(entry, year, resolutions=resolutions)
        codes = [str(c) for c in (result.codes or ())] if str(result.status) in MATCHED_STATUSES else []
        listed_codes |= set(codes)
        number = listing["entry"].iloc[position] if "entry" in listing.columns else str(position + 1)
        if not codes:
            unmatched += 1
            reason = f"naam niet te koppelen aan één gemeente ({result.status})"
        elif any(code not in unit_codes for code in codes):
            reason = "geen respons met deze gemeentecode"
        else:
            continue
        records.append({"Nr.": number, "Vermelding": entry,
                        "Gemeentecode(s) zonder respons": ", ".join(c for c in codes if c not in unit_codes) or "–",
                        "Reden": reason})
    identified = responses[responses["municipality_code"].notna()]
    extra = identified[~identified["municipality_code"].astype(str).isin(listed_codes)]
    not_in_list = pd.DataFrame({"Respons": extra["response_id"].astype(str).tolist(),
                                "Gemeentecode": extra["municipality_code"].astype(str).tolist(),
                                "Gemeente": extra["municipality_name"].astype(object).tolist()})
    return Reconciliation(
        True, "", entries=len(listing), municipalities=len(listed_codes), unmatched_entries=unmatched,
        matched_to_units=len(listed_codes & unit_codes),
        not_in_responses=pd.DataFrame.from_records(
            records, columns=["Nr.", "Vermelding", "Gemeentecode(s) zonder respons", "Reden"]),
        not_in_list=not_in_list)
