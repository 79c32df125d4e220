"""Reading and writing survey-tool exports in the dialects the codebook knows, with clear errors for bad input.

A dialect is how one survey tool writes its export:

- ``coded_csv``: semicolon-separated CSV in UTF-8 with a byte-order mark, coded column names (``G03Q02[SQ001]``) and
  answer codes (``A1``), as LimeSurvey writes it. Empty cells mean "not answered".
- ``text_xlsx``: an XLSX workbook with one results sheet, the question texts as column headers and the answer labels
  as cell values; a ticked box of a multi-choice question repeats the option's label. Timestamps are date cells.

`read_export` returns every cell as text (``None`` when empty) with the row number a person sees in the file, so that
later checks can point at the exact cell. It never modifies the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import RAW_DIR
from helpers.codebook import WaveSpec
from helpers.reproducible import normalise_xlsx

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
CSV_SEPARATOR = ";"
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
    file_rows: tuple[int, ...]  # 1-based row in the file (the header is row 1)

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
    if spec.dialect == "coded_csv":
        header, rows, file_rows = _read_coded_csv(path)
    elif spec.dialect == "text_xlsx":
        header, rows, file_rows = _read_text_xlsx(path, spec)
    else:  # the codebook validates dialects, so this is a programming error
        raise ValueError(f"no reader for dialect {spec.dialect!r}")
    _check_header(path, spec, header)
    if not rows:
        raise ExportError(path, "the export has a header but no responses",
                          suggestion="Check the survey tool's filter (all responses, including incomplete ones)")
    table = pd.DataFrame(rows, columns=header, dtype=object)
    table = table.where(table.notna(), None)
    return RawExport(path=path, spec=spec, table=table, file_rows=tuple(file_rows))


def _read_coded_csv(path: Path) -> tuple[list[str], list[list[str | None]], list[int]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExportError(path, "the file is not UTF-8 text", row=line,
                          found=data[max(0, error.start - 10): error.end + 10].decode("cp1252", errors="replace"),
                          expected="UTF-8 (with or without byte-order mark)",
                          suggestion="Export again as UTF-8, or re-save it as 'CSV UTF-8' in Excel") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=CSV_SEPARATOR)
    records = list(reader)
    if not records or not any(cell.strip() for cell in records[0]):
        raise ExportError(path, "the file has no header row", expected="a first row with the column codes")
    header = [cell.strip() for cell in records[0]]
    if len(header) == 1:
        for other in (",", "\t"):
            if other in header[0]:
                raise ExportError(path, "the columns are not separated by semicolons", row=1,
                                  found=f"{header[0][:40]}…", expected="';' between columns",
                                  suggestion=f"The file seems to use {other!r}; export again with ';' as separator")
    rows, file_rows = [], []
    for line_number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # survey tools end files with blank lines
        if len(record) != len(header):
            raise ExportError(path, f"this row has {len(record)} cells, the header has {len(header)}",
                              row=line_number, suggestion="A separator or quote inside an answer may be unescaped")
        rows.append([cell if cell.strip() != "" else None for cell in record])
        file_rows.append(line_number)
    return header, rows, file_rows


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
        raise ExportError(path, f"not a readable XLSX workbook ({error.__class__.__name__})",
                          suggestion="Export again as .xlsx from the survey tool") from None
    sheet_name = spec.sheet or workbook.sheetnames[0]
    if sheet_name not in workbook.sheetnames:
        raise ExportError(path, f"the workbook has no sheet {sheet_name!r}", found=", ".join(workbook.sheetnames),
                          suggestion=_did_you_mean(sheet_name, workbook.sheetnames)
                          or f"Rename the results sheet to {sheet_name!r} or set export.sheet in {spec.source.name}")
    sheet = workbook[sheet_name]
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= 2:
            raise ExportError(path, f"the header has merged cells ({merged.coord})", row=merged.min_row,
                              expected="one header row with one column name per column",
                              suggestion="Export without grouped question headers, or unmerge the header cells")
    records = [list(row) for row in sheet.iter_rows(values_only=True)]
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
    if spec.dialect == "coded_csv":
        _write_coded_csv(table, path)
    elif spec.dialect == "text_xlsx":
        _write_text_xlsx(table, spec, path)
    else:
        raise ValueError(f"no writer for dialect {spec.dialect!r}")
    return path


def _write_coded_csv(table: pd.DataFrame, path: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.columns)
    for record in table.itertuples(index=False):
        writer.writerow(["" if value is None or (isinstance(value, float) and pd.isna(value)) else value
                         for value in record])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


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
