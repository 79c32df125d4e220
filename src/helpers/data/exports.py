"""Reading and writing survey-tool exports in the dialects the codebook knows, with clear errors for bad input.

A dialect is how one survey tool writes its export:

- ``coded_csv``: semicolon-separated CSV in UTF-8 with a byte-order mark, coded column names (``G03Q02[SQ001]``) and
  answer codes (``A1``), as LimeSurvey writes it. Empty cells mean "not answered".
- ``text_xlsx``: an XLSX workbook with one results sheet, the question texts as column headers and the answer labels
  as cell values; a ticked box of a multi-choice question repeats the option's label. Timestamps are date cells.
- ``qualtrics_csv``: Qualtrics "CSV, use choice text": comma-separated, UTF-8 with a byte-order mark, three header
  rows: (1) column ids (``ResponseId``, ``StartDate``, ``Q9_3``, ``Q7_6_TEXT``), (2) question texts (``Question -
  item label`` for matrix rows and multi-choice boxes), (3) import ids (``{"ImportId":"QID9_3"}``). Answers are choice
  texts, a ticked box holds the option's label, ``Finished`` is True/False, timestamps are ``YYYY-MM-DD HH:MM:SS``.
  Rows 2 and 3 are checked against the codebook; responses start in row 4.

What differs between dialects (file format, separator, header rows, how a tick looks) is read from
helpers.data.codebook.DIALECT_PROPERTIES, not from dialect names.

`read_export` returns every cell as text (``None`` when empty) with the row number a person sees in the file, so that
later checks can point at the exact cell. It never modifies the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import RAW_DIR
from helpers.core.reproducible import normalise_xlsx
from helpers.data.codebook import Dialect, WaveSpec

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
CSV_SEPARATOR = ";"  # of coded_csv; every dialect's separator is in helpers.data.codebook.DIALECT_PROPERTIES
SEPARATOR_NAMES = {";": "semicolons", ",": "commas", "\t": "tabs"}
MAX_LISTED_PROBLEMS = 10


class ExportError(ValueError):
    """One problem in an export, located as precisely as possible, with a suggestion where one can be made."""

    def __init__(self, file: Path | str, problem: str, *, row: int | None = None, column: str | None = None,
                 expected: str | None = None, found: str | None = None, suggestion: str | None = None):
        self.file, self.problem, self.row, self.column = str(file), problem, row, column
        self.expected, self.found, self.suggestion = expected, found, suggestion
        super().__init__(self.message())

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {_short(self.column)!r}")
        return ", ".join(parts)

    def message(self, with_file: bool = True) -> str:
        text = f"{self.location() if with_file else self.location().removeprefix(self.file + ', ')}: {self.problem}"
        if self.found is not None:
            text += f"; found {_short(self.found)!r}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.suggestion:
            text += f". {self.suggestion}"
        return text


class ExportProblems(ExportError):
    """Several problems in one export, reported together so that one fix round is enough."""

    def __init__(self, file: Path | str, problems: list[ExportError]):
        self.problems = problems
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(shown)
        listing = "\n".join(f"  - {p.message(with_file=False)}" for p in shown)
        if more:
            listing += f"\n  - ... and {more} more of the same kind"
        super().__init__(file, f"{len(problems)} problem(s) in this export:\n{listing}")


@dataclass(frozen=True)
class RawExport:
    """The cells of one export as text, with the row number of each response as it appears in the file."""

    path: Path
    spec: WaveSpec
    table: pd.DataFrame  # one column per export column; values str or None
    file_rows: tuple[int, ...]  # 1-based row in the file (after the header rows: 2, or 4 for qualtrics_csv)

    def file_row(self, position: int) -> int:
        return self.file_rows[position]


def _short(text: str, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=0.6)


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    matches = closest(word, choices)
    return f"Did you mean {', '.join(repr(_short(m)) for m in matches)}?" if matches else None


# --------------------------------------------------------------------------------------------------------------------
# Reading


def read_export(spec: WaveSpec, raw_dir: Path | str = RAW_DIR, path: Path | str | None = None) -> RawExport:
    """Read the export of `spec`'s wave (or the file at `path`) and check its structure against the codebook."""
    path = Path(path) if path is not None else Path(raw_dir) / spec.file
    if not path.exists():
        raise ExportError(path, "export file not found", suggestion=(
            f"Put the survey tool's export for {spec.year} there, or change export.file in {spec.source.name}"))
    if path.stat().st_size == 0:
        raise ExportError(path, "the file is empty", suggestion="Export the responses again from the survey tool")
    dialect = spec.dialect_spec
    extra_header: list[list[str]] = []
    if dialect.file_format == "csv":
        header, extra_header, rows, file_rows = _read_csv(path, dialect)
    elif dialect.file_format == "xlsx":
        header, rows, file_rows = _read_text_xlsx(path, spec)
    else:  # the codebook validates dialects, so this is a programming error
        raise ValueError(f"no reader for file format {dialect.file_format!r} of dialect {spec.dialect!r}")
    _check_header(path, spec, header)
    if extra_header:
        _check_header_rows(path, spec, header, extra_header)
    if not rows:
        raise ExportError(path, "the export has a header but no responses",
                          suggestion="Check the survey tool's filter (all responses, including incomplete ones)")
    table = pd.DataFrame(rows, columns=header, dtype=object)
    table = table.where(table.notna(), None)
    _check_finished(path, spec, table, file_rows)
    return RawExport(path=path, spec=spec, table=table, file_rows=tuple(file_rows))


def _read_csv(path: Path, dialect: Dialect) -> tuple[list[str], list[list[str]], list[list[str | None]], list[int]]:
    """Header (row 1), the further header rows, the responses and their row numbers of a CSV export."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4096].count(b"\x00") > len(data[:4096]) // 4:
        raise ExportError(path, "the file is UTF-16 text (two bytes per character), not UTF-8", row=1,
                          expected="UTF-8 (with or without byte-order mark)",
                          suggestion="Export again as UTF-8, or re-save it as 'CSV UTF-8' in Excel (not as "
                                     "'Unicode text')")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExportError(path, "the file is not UTF-8 text", row=line,
                          found=data[max(0, error.start - 10): error.end + 10].decode("cp1252", errors="replace"),
                          expected="UTF-8 (with or without byte-order mark)",
                          suggestion="Export again as UTF-8, or re-save it as 'CSV UTF-8' in Excel") from None
    separator = dialect.separator
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records = list(reader)
    if not records or not any(cell.strip() for cell in records[0]):
        raise ExportError(path, "the file has no header row", expected="a first row with the column codes")
    header = [cell.strip() for cell in records[0]]
    if len(header) == 1:
        for other in (";", ",", "\t"):
            if other != separator and other in header[0]:
                raise ExportError(path, f"the columns are not separated by {SEPARATOR_NAMES[separator]}", row=1,
                                  found=f"{header[0][:40]}…", expected=f"{separator!r} between columns",
                                  suggestion=f"The file seems to use {other!r}; export again with {separator!r} as "
                                             "separator" + (" (re-saving in Excel can change it)"
                                                            if dialect.name == "qualtrics_csv" else ""))
    n_header = len(dialect.header_rows)
    extra_header = []
    for row_number in range(2, n_header + 1):
        what = _HEADER_ROW_NAMES[dialect.header_rows[row_number - 1]]
        if len(records) < row_number:
            raise ExportError(path, f"header row {row_number} ({what}) is missing", row=row_number,
                              expected=f"{n_header} header rows ({', '.join(_HEADER_ROW_NAMES[r] for r in dialect.header_rows)})",
                              suggestion=_HEADER_ADVICE.get(dialect.name))
        record = records[row_number - 1]
        if len(record) != len(header):
            raise ExportError(path, f"header row {row_number} ({what}) has {len(record)} cells, row 1 has "
                                    f"{len(header)}", row=row_number, suggestion=_HEADER_ADVICE.get(dialect.name))
        extra_header.append(record)
    rows, file_rows = [], []
    for line_number, record in enumerate(records[n_header:], start=n_header + 1):
        if not any(cell.strip() for cell in record):
            continue  # survey tools end files with blank lines
        if len(record) != len(header):
            raise ExportError(path, f"this row has {len(record)} cells, the header has {len(header)}",
                              row=line_number, suggestion="A separator or quote inside an answer may be unescaped")
        rows.append([cell if cell.strip() != "" else None for cell in record])
        file_rows.append(line_number)
    return header, extra_header, rows, file_rows


_HEADER_ROW_NAMES = {"ids": "column ids", "texts": "question texts", "import_ids": "import ids"}
_HEADER_ADVICE = {"qualtrics_csv": "Export again from Qualtrics as 'CSV' with 'Use choice text' and keep the three "
                                   "header rows (do not remove rows in Excel)"}


def _import_id(cell: str) -> str | None:
    """The ImportId of a Qualtrics header cell such as {"ImportId":"QID4_1"}; None when the cell is not one."""
    try:
        value = json.loads(cell)
    except (TypeError, ValueError):
        return None
    if isinstance(value, dict) and isinstance(value.get("ImportId"), str) and value["ImportId"].strip():
        return value["ImportId"].strip()
    return None


_QID = re.compile(r"^QID(\d+)")


def _check_header_rows(path: Path, spec: WaveSpec, header: list[str], extra_rows: list[list[str]]) -> None:
    """Check the header rows after row 1 (question texts, import ids) against the codebook; all problems at once."""
    dialect = spec.dialect_spec
    position = {name: index for index, name in enumerate(header)}
    problems: list[ExportError] = []
    advice = _HEADER_ADVICE.get(dialect.name)
    mapping = f"data/codebook/waves/{spec.source.name}"
    for row_number, (kind, record) in enumerate(zip(dialect.header_rows[1:], extra_rows, strict=True), start=2):
        ids = [_import_id(cell) for cell in record]
        if kind == "texts":
            if sum(i is not None for i in ids) > len(ids) // 2:
                raise ExportError(path, "header row 2 holds import ids, not question texts: the question-text row "
                                        "is missing", row=2, suggestion=advice)
            by_text: dict[str, list[str]] = {}
            for column_spec in spec.columns:
                by_text.setdefault(column_spec.header_text, []).append(column_spec.column)
            for column_spec in spec.columns:
                found = " ".join(record[position[column_spec.column]].split())
                if found == column_spec.header_text:
                    continue
                elsewhere = [c for c in by_text.get(found, []) if c != column_spec.column]
                what = column_spec.question + (f"[{column_spec.item}]" if column_spec.item else "")
                suggestion = (f"That is the text of column {elsewhere[0]!r}: are columns swapped in row 1?" if elsewhere
                              else f"If the questionnaire was reworded, map the export's wording in {mapping} "
                                   "(`text:` for the question, `item_relabel:` for an item or option); if not, the "
                                   "column ids in row 1 may point at another question")
                problems.append(ExportError(path, f"the question text does not match the codebook for {what}",
                                            row=row_number, column=column_spec.column, found=found,
                                            expected=repr(column_spec.header_text), suggestion=suggestion))
        elif kind == "import_ids":
            if not any(i is not None for i in ids):
                raise ExportError(path, "header row 3 (import ids) is missing: this row does not hold "
                                        '{"ImportId": ...} cells', row=3, found=", ".join(record[:3]),
                                  suggestion=advice)
            for name, import_id in zip(header, ids, strict=True):
                if import_id is None:
                    problems.append(ExportError(path, "not an import id", row=row_number, column=name,
                                                found=record[position[name]], expected='{"ImportId": "..."}',
                                                suggestion=advice))
            # All columns of one question (its answer, items, boxes and "anders" text) carry one QID.
            for question in spec.questions:
                columns = [c.column for c in spec.columns_for(question) if c.role != "comment"]
                qids = {c: _QID.match(ids[position[c]] or "") for c in columns}
                numbers = [m.group(1) for m in qids.values() if m]
                common = max(set(numbers), key=numbers.count) if numbers else None
                for column, match in qids.items():
                    if ids[position[column]] is None:
                        continue
                    if match is None or match.group(1) != common:
                        problems.append(ExportError(
                            path, f"the import id does not belong to question {question} (its other columns have "
                                  f"QID{common})" if common else f"the import id of {question} is not a QID",
                            row=row_number, column=column, found=ids[position[column]],
                            expected=f"QID{common}…" if common else "QID…",
                            suggestion="Rows 1 and 3 disagree: were columns moved or renamed by hand? Export again"))
    if problems:
        raise problems[0] if len(problems) == 1 else ExportProblems(path, problems)


def _check_finished(path: Path, spec: WaveSpec, table: pd.DataFrame, file_rows: list[int]) -> None:
    """The status column of dialects that say whether a response was finished holds only the known values."""
    values, column = spec.dialect_spec.finished, spec.metadata.get("status")
    if values is None or column is None:
        return
    problems = []
    for position, cell in enumerate(table[column]):
        if cell is None or str(cell).strip() in values:
            continue
        numeric = str(cell).strip() in ("0", "1")
        problems.append(ExportError(
            path, "not a known value for a finished/unfinished response", row=file_rows[position], column=column,
            found=cell, expected=" or ".join(repr(v) for v in values),
            suggestion="The export holds numeric values: export again with 'Use choice text'" if numeric
            else "Export again from the survey tool"))
    if problems:
        raise problems[0] if len(problems) == 1 else ExportProblems(path, problems)


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime(TIMESTAMP_FORMAT)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() != "" else None


def _read_text_xlsx(path: Path, spec: WaveSpec) -> tuple[list[str], list[list[str | None]], list[int]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _unreadable_workbook(path, error) from None
    expected = set(spec.expected_columns())

    def has_the_columns(rows: list) -> bool:
        return len({(_cell_text(cell) or "").strip() for cell in rows} & expected) > len(expected) // 2

    sheet_name = spec.sheet or workbook.sheetnames[0]
    if sheet_name not in workbook.sheetnames:
        holding = [name for name in workbook.sheetnames
                   if has_the_columns(next(workbook[name].iter_rows(max_row=1, values_only=True), ()))]
        raise ExportError(path, f"the workbook has no sheet {sheet_name!r}", found=", ".join(workbook.sheetnames),
                          suggestion=_did_you_mean(sheet_name, workbook.sheetnames)
                          or (f"Sheet {holding[0]!r} has the export's columns: rename it to {sheet_name!r}, or set "
                              f"export.sheet: {holding[0]!r} in {spec.source.name}" if holding else
                              f"Rename the results sheet to {sheet_name!r} or set export.sheet in {spec.source.name}"))
    sheet = workbook[sheet_name]
    records = [list(row) for row in sheet.iter_rows(values_only=True)]
    merged_header = sorted((m for m in sheet.merged_cells.ranges if m.min_row <= 2),
                           key=lambda m: (m.min_row, m.min_col))
    if merged_header:
        merged = merged_header[0]
        below = merged.min_row == 1 and len(records) > 1 and has_the_columns(records[1])
        raise ExportError(path, f"the header has merged cells ({merged.coord})", row=merged.min_row,
                          expected="one header row with one column name per column",
                          suggestion="Row 2 holds the column names: delete row 1 (group titles above them), or export "
                                     "without grouped question headers" if below else
                                     "Export without grouped question headers, or unmerge the header cells")
    if not records:
        raise ExportError(path, f"sheet {sheet_name!r} is empty")
    header = [(_cell_text(cell) or "").strip() for cell in records[0]]
    while header and header[-1] == "":
        header.pop()
    if "" in header:
        position = header.index("")
        raise ExportError(path, f"column {position + 1} of the header is empty", row=1,
                          suggestion="Every column needs a name; is there a second header row?")
    rows, file_rows = [], []
    for row_number, record in enumerate(records[1:], start=2):
        cells = [_cell_text(cell) for cell in record[: len(header)]]
        cells += [None] * (len(header) - len(cells))
        if all(cell is None for cell in cells):
            continue
        rows.append(cells)
        file_rows.append(row_number)
    return header, rows, file_rows


def _unreadable_workbook(path: Path, error: Exception) -> ExportError:
    """Why openpyxl cannot open `path`: text (a CSV saved as .xlsx), another kind of file, or a damaged workbook."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    again = "export again as .xlsx from the survey tool"
    if head.startswith(b"PK"):  # a zip archive, as every .xlsx is
        what = "the zip archive holds no workbook" if zipfile.is_zipfile(path) else "the file is damaged or incomplete"
        return ExportError(path, f"not a readable XLSX workbook: {what} ({error.__class__.__name__}: {error})",
                           expected="a complete .xlsx workbook",
                           suggestion=f"Copy or download the file again (an interrupted copy cuts it short), or "
                                      f"{again}")
    text = head.decode("utf-8-sig", errors="replace")
    if text.strip() and sum(c.isprintable() or c in "\r\n\t" for c in text) >= 0.95 * len(text):
        return ExportError(path, "not a readable XLSX workbook: the file holds text (a CSV export?), not a workbook",
                           row=1, found=text.strip().splitlines()[0], expected="an .xlsx workbook (a zip archive)",
                           suggestion="Export again as .xlsx, or open the file in Excel and save it as 'Excel "
                                      "Workbook (.xlsx)'")
    return ExportError(path, "not a readable XLSX workbook: the file is not a zip archive as every .xlsx is",
                       found=repr(head[:16]), expected="an .xlsx workbook", suggestion=again.capitalize())


def _check_header(path: Path, spec: WaveSpec, header: list[str]) -> None:
    problems = []
    duplicates = sorted({name for name in header if header.count(name) > 1})
    for name in duplicates:
        problems.append(ExportError(path, "this column name occurs more than once", row=1, column=name))
    expected = spec.expected_columns()
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name not in expected]
    for name in missing:
        problems.append(ExportError(path, "a column the codebook expects is missing", row=1, column=name,
                                    suggestion=_did_you_mean(name, unknown) or
                                    f"If the questionnaire changed, update data/codebook/waves/{spec.source.name}"))
    for name in unknown:
        problems.append(ExportError(path, "a column the codebook does not know", row=1, column=name,
                                    suggestion=_did_you_mean(name, missing) or
                                    f"Map it in data/codebook/waves/{spec.source.name} or remove it from the export"))
    if problems:
        raise problems[0] if len(problems) == 1 else ExportProblems(path, problems)


# --------------------------------------------------------------------------------------------------------------------
# Writing (used by the synthetic stand-in; a real export comes from the survey tool)


def write_export(table: pd.DataFrame, spec: WaveSpec, raw_dir: Path | str = RAW_DIR) -> Path:
    """Write `table` (export column names, text cells, None for empty) as `spec`'s dialect; same input, same bytes."""
    expected = spec.expected_columns()
    if list(table.columns) != expected:
        missing = [c for c in expected if c not in table.columns]
        extra = [c for c in table.columns if c not in expected]
        raise ValueError(f"table columns differ from the codebook for {spec.year}: missing {missing}, extra {extra}")
    path = Path(raw_dir) / spec.file
    path.parent.mkdir(parents=True, exist_ok=True)
    dialect = spec.dialect_spec
    if dialect.file_format == "csv":
        _write_csv(table, spec, path)
    elif dialect.file_format == "xlsx":
        _write_text_xlsx(table, spec, path)
    else:
        raise ValueError(f"no writer for file format {dialect.file_format!r} of dialect {spec.dialect!r}")
    return path


def _write_rows(header_rows: list[list[str]], table: pd.DataFrame, path: Path, separator: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(header_rows)
    for record in table.itertuples(index=False):
        writer.writerow(["" if value is None or (isinstance(value, float) and pd.isna(value)) else value
                         for value in record])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


# What Qualtrics writes in header rows 2 and 3 for its own (non-question) columns.
QUALTRICS_FIELDS = {
    "StartDate": ("Start Date", {"ImportId": "startDate", "timeZone": "Europe/Amsterdam"}),
    "EndDate": ("End Date", {"ImportId": "endDate", "timeZone": "Europe/Amsterdam"}),
    "Status": ("Response Type", {"ImportId": "status"}),
    "IPAddress": ("IP Address", {"ImportId": "ipAddress"}),
    "Progress": ("Progress", {"ImportId": "progress"}),
    "Duration (in seconds)": ("Duration (in seconds)", {"ImportId": "duration"}),
    "Finished": ("Finished", {"ImportId": "finished"}),
    "RecordedDate": ("Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/Amsterdam"}),
    "ResponseId": ("Response ID", {"ImportId": "_recordId"}),
    "LocationLatitude": ("Location Latitude", {"ImportId": "locationLatitude"}),
    "LocationLongitude": ("Location Longitude", {"ImportId": "locationLongitude"}),
    "DistributionChannel": ("Distribution Channel", {"ImportId": "distributionChannel"}),
    "UserLanguage": ("User Language", {"ImportId": "userLanguage"}),
}


def _header_rows(spec: WaveSpec, columns: list[str]) -> list[list[str]]:
    """Header rows 2.. of a dialect with more than one: question texts and import ids.

    Import ids: Qualtrics' own columns as in QUALTRICS_FIELDS; the columns of one question share one QID (numbered in
    file order): QID<k> for a single answer, QID<k>_<n> for an item or box, QID<k>_<n>_TEXT for an "anders" text,
    QID<k>_TEXT for open text; comment boxes and other text questions (municipality, personal) get a QID of their own.
    """
    by_column = {c.column: c for c in spec.columns}
    qid_of: dict[str, int] = {}
    next_qid = 0
    texts, import_ids = [], []
    for name in columns:
        column_spec = by_column.get(name)
        if name in QUALTRICS_FIELDS:
            text, import_id = QUALTRICS_FIELDS[name]
        elif column_spec is None or column_spec.role == "comment":
            next_qid += 1
            text, import_id = (column_spec.header_text if column_spec else name), {"ImportId": f"QID{next_qid}_TEXT"}
        else:
            if column_spec.question not in qid_of:
                next_qid += 1
                qid_of[column_spec.question] = next_qid
            qid, n = f"QID{qid_of[column_spec.question]}", column_spec.position
            suffix = {"answer": f"_{n}" if n else "", "selected": f"_{n}", "other": f"_{n}_TEXT",
                      "text": "_TEXT"}[column_spec.role]
            text, import_id = column_spec.header_text, {"ImportId": qid + suffix}
        texts.append(text)
        import_ids.append(json.dumps(import_id, separators=(",", ":")))
    rows = {"texts": texts, "import_ids": import_ids}
    return [rows[kind] for kind in spec.dialect_spec.header_rows[1:]]


def _write_csv(table: pd.DataFrame, spec: WaveSpec, path: Path) -> None:
    columns = list(table.columns)
    _write_rows([columns, *_header_rows(spec, columns)], table, path, spec.dialect_spec.separator)


def _write_text_xlsx(table: pd.DataFrame, spec: WaveSpec, path: Path) -> None:
    from openpyxl import Workbook

    timestamp_columns = {spec.metadata.get("started_at"), spec.metadata.get("submitted_at")} - {None}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.sheet or "Resultaten"
    sheet.append(list(table.columns))
    for record in table.itertuples(index=False):
        row = []
        for column, value in zip(table.columns, record, strict=True):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                row.append(None)
            elif column in timestamp_columns:
                row.append(dt.datetime.strptime(value, TIMESTAMP_FORMAT))
            else:
                row.append(value)
        sheet.append(row)
    for column in timestamp_columns:
        letter = sheet.cell(row=1, column=list(table.columns).index(column) + 1).column_letter
        for cell in sheet[letter][1:]:
            cell.number_format = "dd-mm-yyyy hh:mm:ss"
    workbook.properties.creator = "survey tool export"
    workbook.save(path)
    normalise_xlsx(path)
