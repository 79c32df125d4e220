"""Reading and writing survey-tool exports (helpers.data.exports): round trips and one clear error per kind of bad file."""

import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from helpers.data.codebook import codebook
from helpers.data.exports import ExportError, read_export, write_export

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "exports"))
from exportbuilder import export_table, standard_responses  # noqa: E402

CODED, TEXT = 2023, 2018  # one wave per dialect


@pytest.fixture(scope="module")
def cb():
    return codebook()


def _table(cb, year):
    return export_table(cb.wave(year), standard_responses(year, cb))


@pytest.mark.parametrize("year", [CODED, TEXT])
def test_round_trip(cb, tmp_path, year):
    spec = cb.wave(year)
    table = _table(cb, year)
    path = write_export(table, spec, tmp_path)
    raw = read_export(spec, tmp_path)
    assert raw.path == path
    assert list(raw.table.columns) == spec.expected_columns()
    pd.testing.assert_frame_equal(raw.table, table, check_dtype=False)
    assert raw.file_rows == tuple(range(2, len(table) + 2))


@pytest.mark.parametrize("year", [CODED, TEXT])
def test_rewrite_is_byte_identical(cb, tmp_path, year):
    spec = cb.wave(year)
    first = write_export(_table(cb, year), spec, tmp_path / "a").read_bytes()
    second = write_export(_table(cb, year), spec, tmp_path / "b").read_bytes()
    assert first == second


def _csv(cb, tmp_path, text: str, encoding="utf-8-sig") -> Path:
    path = tmp_path / cb.wave(CODED).file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _csv_text(cb, table=None, separator=";") -> str:
    table = _table(cb, CODED) if table is None else table
    lines = [separator.join(table.columns)]
    for record in table.itertuples(index=False):
        lines.append(separator.join("" if v is None else str(v).replace(";", ",") for v in record))
    return "\r\n".join(lines) + "\r\n"


def _read_error(cb, tmp_path, year=CODED) -> ExportError:
    with pytest.raises(ExportError) as caught:
        read_export(cb.wave(year), tmp_path)
    return caught.value


def test_missing_file_names_the_path(cb, tmp_path):
    error = _read_error(cb, tmp_path)
    assert "flitspeiling_2023.csv" in str(error) and "not found" in str(error)


def test_cp1252_file(cb, tmp_path):
    table = _table(cb, CODED)
    table.iloc[0, table.columns.get_loc("G01Q02")] = "Beleidsmedewerker toegankelijkheid (café)"
    _csv(cb, tmp_path, _csv_text(cb, table), encoding="cp1252")
    error = _read_error(cb, tmp_path)
    assert "not UTF-8" in str(error) and error.row == 2 and "UTF-8" in error.suggestion


def test_comma_separator(cb, tmp_path):
    table = _table(cb, CODED).iloc[:, :8]
    _csv(cb, tmp_path, _csv_text(cb, table, separator=","))
    error = _read_error(cb, tmp_path)
    assert "not separated by semicolons" in str(error) and "','" in error.suggestion


def test_missing_column_with_suggestion(cb, tmp_path):
    table = _table(cb, CODED).rename(columns={"G02Q02": "G02Q2"})
    _csv(cb, tmp_path, _csv_text(cb, table))
    message = str(_read_error(cb, tmp_path))
    assert "column 'G02Q02': a column the codebook expects is missing" in message
    assert "Did you mean 'G02Q2'?" in message
    assert "column 'G02Q2': a column the codebook does not know" in message


def test_unknown_column(cb, tmp_path):
    table = _table(cb, CODED).assign(refurl=None)
    _csv(cb, tmp_path, _csv_text(cb, table))
    error = _read_error(cb, tmp_path)
    assert error.column == "refurl" and "does not know" in str(error) and "2023.yml" in str(error)


def test_empty_file(cb, tmp_path):
    _csv(cb, tmp_path, "", encoding="utf-8")
    assert "empty" in str(_read_error(cb, tmp_path))


def test_header_only_file(cb, tmp_path):
    _csv(cb, tmp_path, ";".join(cb.wave(CODED).expected_columns()) + "\r\n")
    error = _read_error(cb, tmp_path)
    assert "header but no responses" in str(error)


def test_ragged_row(cb, tmp_path):
    text = _csv_text(cb).split("\r\n")
    text[3] = text[3] + ";extra"
    _csv(cb, tmp_path, "\r\n".join(text))
    error = _read_error(cb, tmp_path)
    assert error.row == 4 and "cells, the header has" in str(error)


def test_duplicate_column(cb, tmp_path):
    table = _table(cb, CODED)
    columns = list(table.columns)
    columns[columns.index("G05Q01")] = "G04Q01"
    table.columns = columns
    _csv(cb, tmp_path, _csv_text(cb, table))
    message = str(_read_error(cb, tmp_path))
    assert "column 'G04Q01': this column name occurs more than once" in message


def _xlsx(cb, tmp_path, table, sheet="Resultaten", merge=None) -> Path:
    path = tmp_path / cb.wave(TEXT).file
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(table.columns))
    for record in table.itertuples(index=False):
        worksheet.append(list(record))
    if merge:
        worksheet.merge_cells(merge)
    workbook.save(path)
    return path


def test_xlsx_wrong_sheet_name_lists_the_sheets(cb, tmp_path):
    _xlsx(cb, tmp_path, _table(cb, TEXT), sheet="Resultaat")
    error = _read_error(cb, tmp_path, TEXT)
    assert "no sheet 'Resultaten'" in str(error) and "Resultaat" in error.found
    assert "Did you mean 'Resultaat'?" in str(error)


def test_xlsx_merged_header_cells(cb, tmp_path):
    _xlsx(cb, tmp_path, _table(cb, TEXT), merge="E1:F1")
    error = _read_error(cb, tmp_path, TEXT)
    assert "merged cells (E1:F1)" in str(error) and error.row == 1


def test_xlsx_not_a_workbook(cb, tmp_path):
    path = tmp_path / cb.wave(TEXT).file
    path.parent.mkdir(parents=True)
    path.write_text("Respondentnummer;Gemeente\n1;Utrecht\n", encoding="utf-8")
    assert "not a readable XLSX workbook" in str(_read_error(cb, tmp_path, TEXT))


def test_several_header_problems_listed_together(cb, tmp_path):
    table = _table(cb, CODED).rename(columns={"G02Q02": "G02Q2", "G03Q01": "G03Q1"})
    _csv(cb, tmp_path, _csv_text(cb, table))
    message = str(_read_error(cb, tmp_path))
    assert "4 problem(s)" in message and message.count("\n  - ") == 4
