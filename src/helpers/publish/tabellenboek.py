"""The wave's numbers for reuse: ``tabellenboek.xlsx`` (an index sheet, then one sheet per figure and table) and
``cijfers.csv`` (every number shown, from all parts' cijfers.csv).

The tables come from what each part wrote (``build/<year>/parts/<NN_slug>/tables/*.csv`` and ``cijfers.csv``); the
workbook is normalised (helpers.core.reproducible) so that it is byte-identical from build to build.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

from helpers.analysis.tables import OPEN_ANSWER, OPEN_ANSWER_LABEL, population_label
from helpers.core.reproducible import normalise_xlsx
from helpers.data.codebook import Codebook, codebook
from helpers.publish.manifests import KIND_LABELS, item_code, item_label, load_manifest
from helpers.publish.pages import AUTHORS_NOTE, report_title
from helpers.publish.parts import Part, PublishError
from helpers.report.chapters.other_questions import STANDARD_INDEX
from helpers.report.outline import load_outline

CIJFERS_COLUMNS = ("table", "item", "group", "n", "count", "pct", "question", "answer")
# The standard tables of every asked question (helpers.report.chapters.other_questions, which writes their index
# STANDARD_INDEX in its part's folder) get sheets after those of the figures and tables.
STANDARD_SHEET_PREFIX = "Vraag "
STANDARD_HEADING = ("Standaardtabellen: één blad per vraag die de peiling stelde, met alle antwoorden van alle "
                    "gemeenten, kleine gemeenten en elke grootteklasse (basis n, aantal, percentage), over de "
                    "gemeenten die de vraag beantwoordden.")
SYNTHETIC_NOTICE = ("Let op: synthetische gegevens. Deze cijfers komen uit een synthetische vervanger van de "
                    "enquêtegegevens, niet uit de echte antwoorden van gemeenten.")


def _natural(value: str) -> list:
    """Sort key in natural order: "figuur_2" before "figuur_10"."""
    return [int(piece) if piece.isdigit() else piece.casefold() for piece in re.split(r"(\d+)", value or "")]


def _cell_value(text: str):
    """A CSV cell as the spreadsheet holds it: an int or float when it is one, None when empty, else the text."""
    if text is None:
        return None
    stripped = text.strip()
    if stripped == "":
        return None
    if re.fullmatch(r"[-+]?\d+", stripped):
        return int(stripped)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", stripped):
        return float(stripped)
    return text


# The tidy columns of helpers.analysis.tables, with Dutch headers for the tabellenboek; labels first, then the numbers, then
# the codes. Other columns keep their name and come last; columns without any value are left out.
TABLE_HEADERS = {"item_label": "Onderdeel", "answer_label": "Antwoord", "group_label": "Groep", "count": "Aantal",
                 "n": "Basis (n)", "pct": "Percentage", "item": "Onderdeel (code)", "answer": "Antwoord (code)",
                 "group": "Groep (code)", "question": "Vraag (code)"}


def readable_table(path: Path) -> list[list[str]]:
    """A table CSV of the parts as the tabellenboek shows it: Dutch headers, readable columns first, empty ones out."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise PublishError(f"{path}: empty")
    header, body = rows[0], rows[1:]
    filled = [index for index in range(len(header)) if any(index < len(row) and row[index].strip() for row in body)]
    if not {"count", "pct"} <= set(header):  # not a helpers.analysis.tables table: shown as it is
        return [[header[index] for index in filled]] + [[row[index] if index < len(row) else "" for index in filled]
                                                        for row in body]
    known = [header.index(name) for name in TABLE_HEADERS if name in header and header.index(name) in filled]
    # A code column identical to its label column says nothing new.
    for code, label in (("item", "item_label"), ("answer", "answer_label"), ("group", "group_label")):
        if code in header and label in header and header.index(label) in filled:
            same = all(row[header.index(code)] == row[header.index(label)] for row in body)
            if same and header.index(code) in known:
                known.remove(header.index(code))
    order = known + [index for index in filled if index not in known and header[index] not in TABLE_HEADERS]
    return [[TABLE_HEADERS.get(header[index], header[index]) for index in order]] + \
           [[row[index] if index < len(row) else "" for index in order] for row in body]


def _sheet_names(entries: Sequence[tuple[Part, dict]]) -> list[str]:
    labels = [item_label(item) for _, item in entries]
    names = []
    for (part, item), label in zip(entries, labels, strict=True):
        name = label if labels.count(label) == 1 else f"{KIND_LABELS[item['kind']]} {part.number or part.slug}.{item_code(item)}"
        names.append(re.sub(r"[\[\]:*?/\\]", "-", name)[:31])
    if len(set(names)) != len(names):
        raise PublishError("two figures or tables would get the same sheet name: " + ", ".join(sorted(names)))
    return names


def standard_entries(parts: Sequence[Part], parts_dir: Path) -> list[tuple[Part, dict]]:
    """The standard tables the parts listed in their STANDARD_INDEX (Bijlage C lists every asked question), in part
    and questionnaire order: (part, {question, title, question_text, base, shown_in, notes, csv})."""
    entries = []
    for part in parts:
        path = Path(parts_dir) / part.stem / STANDARD_INDEX
        if path.is_file():
            tables = json.loads(path.read_text(encoding="utf-8")).get("tables") or []
            for index, entry in enumerate(tables, start=1):
                missing = [key for key in ("question", "title", "csv") if not entry.get(key)]
                if missing:
                    raise PublishError(f"{path}: table {index} lacks {', '.join(missing)}")
                entries.append((part, entry))
    return entries


def _standard_sheet_names(standard: Sequence[tuple[Part, dict]], taken: Sequence[str]) -> list[str]:
    names = [re.sub(r"[\[\]:*?/\\]", "-", f"{STANDARD_SHEET_PREFIX}{entry['question']}")[:31] for _, entry in standard]
    clash = sorted({name for name in names if names.count(name) > 1 or name in taken})
    if clash:
        raise PublishError("two sheets of the tabellenboek would get the same name: " + ", ".join(clash))
    return names


def write_tabellenboek(entries: Sequence[tuple[Part, dict]], parts_dir: Path, target: Path, year: int,
                       synthetic: bool, standard: Sequence[tuple[Part, dict]] = ()) -> list[str]:
    """One sheet per figure/table (title, question, base, notice, then the full table), an index sheet first; then
    one sheet per `standard` table (standard_entries: every question the wave asked). Returns the sheet names. The
    file is normalised to be byte-identical from build to build."""
    # openpyxl is heavy and imported when used, on purpose: only this step of the assembly needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    styles = {"bold": Font(bold=True), "title": Font(bold=True, size=13),
              "header_fill": PatternFill("solid", fgColor="E8F0F6"), "notice_fill": PatternFill("solid", fgColor="FFF4D6")}
    names = _sheet_names(entries)
    standard_names = _standard_sheet_names(standard, names)
    workbook = Workbook()
    _write_index_sheet(workbook.active, names, entries, year, synthetic, styles)
    if standard:
        _write_standard_index(workbook.active, standard_names, standard, styles)
    for name, (part, item) in zip(names, entries, strict=True):
        sheet = workbook.create_sheet(name)
        table_row = _write_item_heading(sheet, name, part, item, synthetic, styles)
        csv_name = item.get("csv") or f"tables/{item['kind']}_{item_code(item)}.csv"
        table_path = Path(parts_dir) / part.stem / csv_name
        if not table_path.is_file():
            raise PublishError(f"{table_path}: not found ({name} of {part.stem})")
        _write_table(sheet, readable_table(table_path), table_row, styles)
    for name, (part, entry) in zip(standard_names, standard, strict=True):
        sheet = workbook.create_sheet(name)
        table_row = _write_standard_heading(sheet, name, entry, synthetic, styles)
        table_path = Path(parts_dir) / part.stem / entry["csv"]
        if not table_path.is_file():
            raise PublishError(f"{table_path}: not found ({name} of {part.stem})")
        _write_table(sheet, readable_table(table_path), table_row, styles)

    workbook.properties.title = f"Tabellenboek {report_title(year)}"
    workbook.properties.creator = "helpers.publish.assemble"
    workbook.properties.language = "nl"
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    normalise_xlsx(target)
    return ["Index", *names, *standard_names]


def _write_index_sheet(index, names: Sequence[str], entries: Sequence[tuple[Part, dict]], year: int, synthetic: bool,
                       styles: dict) -> None:
    """The first sheet: title, what the workbook holds, the synthetic-data notice, then one linked row per sheet."""
    index.title = "Index"
    index["A1"] = f"Tabellenboek {report_title(year)}"
    index["A1"].font = styles["title"]
    index["A2"] = f"{AUTHORS_NOTE}. Elk blad bevat één figuur of tabel uit het rapport met de vraag, de basis, " \
                  "aantallen en percentages."
    row = 3
    if synthetic:
        index.cell(row=row, column=1, value=SYNTHETIC_NOTICE).font = styles["bold"]
        index.cell(row=row, column=1).fill = styles["notice_fill"]
        row += 1
    row += 1
    headers = ("Blad", "Hoofdstuk", "Titel", "Vraag", "Basis")
    for column, header in enumerate(headers, start=1):
        cell = index.cell(row=row, column=column, value=header)
        cell.font, cell.fill = styles["bold"], styles["header_fill"]
    for name, (part, item) in zip(names, entries, strict=True):
        row += 1
        cell = index.cell(row=row, column=1, value=name)
        cell.hyperlink = f"#'{name}'!A1"
        cell.style = "Hyperlink"
        index.cell(row=row, column=2, value=part.heading)
        index.cell(row=row, column=3, value=item["title"])
        index.cell(row=row, column=4, value=item.get("question"))
        index.cell(row=row, column=5, value=item.get("base"))
    for column, width in zip("ABCDE", (12, 28, 60, 60, 8), strict=True):
        index.column_dimensions[column].width = width


def _write_standard_index(index, names: Sequence[str], standard: Sequence[tuple[Part, dict]], styles: dict) -> None:
    """The standard tables' rows of the index sheet, under those of the figures and tables: a heading line, then one
    linked row per question (Hoofdstuk: the parts that show the question)."""
    row = index.max_row + 2
    index.cell(row=row, column=1, value=STANDARD_HEADING).font = styles["bold"]
    for name, (_, entry) in zip(names, standard, strict=True):
        row += 1
        cell = index.cell(row=row, column=1, value=name)
        cell.hyperlink = f"#'{name}'!A1"
        cell.style = "Hyperlink"
        index.cell(row=row, column=2, value="; ".join(entry.get("shown_in") or []))
        index.cell(row=row, column=3, value=entry["title"])
        index.cell(row=row, column=4, value=entry.get("question_text"))
        index.cell(row=row, column=5, value=entry.get("base"))


def _write_heading(sheet, title: str, lines: Sequence[tuple[str, object]], synthetic: bool, styles: dict) -> int:
    """The top of a sheet: its title in A1, one labelled line per non-empty value, the synthetic-data notice.
    Returns the row where its table starts."""
    sheet["A1"] = title
    sheet["A1"].font = styles["title"]
    row = 1
    for label, value in lines:
        if value in (None, ""):
            continue
        row += 1
        sheet.cell(row=row, column=1, value=label).font = styles["bold"]
        sheet.cell(row=row, column=2, value=value)
    if synthetic:
        row += 1
        sheet.cell(row=row, column=1, value=SYNTHETIC_NOTICE).font = styles["bold"]
        sheet.cell(row=row, column=1).fill = styles["notice_fill"]
    return row + 2


def _write_standard_heading(sheet, name: str, entry: dict, synthetic: bool, styles: dict) -> int:
    """The top of a standard table's sheet: title, where the report shows the question, the question, the base, the
    disclosure notes and the synthetic-data notice. Returns the row where its table starts."""
    lines = [("In het rapport", "; ".join(entry.get("shown_in") or [])), ("Vraag", entry.get("question_text")),
             ("Basis", entry.get("base")), *(("Opmerking", note) for note in entry.get("notes") or [])]
    return _write_heading(sheet, f"{name}. {entry['title']}", lines, synthetic, styles)


def _write_item_heading(sheet, name: str, part: Part, item: dict, synthetic: bool, styles: dict) -> int:
    """The top of a figure's or table's sheet: its title, chapter, question, base and the synthetic-data notice.
    Returns the row where its table starts."""
    lines = [("Hoofdstuk", part.heading), ("Vraag", item.get("question")), ("Basis", item.get("base"))]
    return _write_heading(sheet, f"{name}. {item['title']}", lines, synthetic, styles)


def _write_table(sheet, table: list[list[str]], header_row: int, styles: dict) -> None:
    """A readable table from `header_row` on: bold wrapped headers, numbers as numbers (percentages with one
    decimal), columns as wide as their longest value (at most 60), panes frozen below the headers."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for offset, values in enumerate(table):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=column,
                              value=value if offset == 0 else _cell_value(value))
            if offset == 0:
                cell.font, cell.fill = styles["bold"], styles["header_fill"]
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif (table[0][column - 1] == TABLE_HEADERS["pct"] or table[0][column - 1].endswith(": %")) \
                    and isinstance(cell.value, float):
                cell.number_format = "0.0"
            widths[column] = max(widths.get(column, 8), min(len(str(value)) + 2, 60))
    widths[1] = max(widths.get(1, 8), 12)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


# The labels a reader sees next to the codes, after the code columns (whose order and values stay as they were).
LABEL_COLUMNS = ("table_title", "question_label", "item_label", "answer_label", "group_label", "unit")
CIJFERS_HEADER = CIJFERS_COLUMNS + LABEL_COLUMNS
# The unit of a row: what its number is. A row with a percentage is a percentage (its count and n are the counts
# behind it); a row with only a count is a number of municipalities (or answers).
UNIT_PERCENTAGE, UNIT_COUNT = "percentage", "aantal"
_EMPTY = {"", "nan", "None", "<NA>", "NaN"}


def _clean(value) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text in _EMPTY else text


class CijfersLabels:
    """The labels of cijfers.csv rows, found generically so that every new row is labelled without code:

    - table title: the part's manifest ("Figuur 3. <title>"); a number in the text: "Tekst: <part heading>"; a
      standard table (vraag_<question>): "Standaardtabel: <question text>";
    - item, answer and group label: the row's own line in the part's tables/<table>.csv (the tidy table the chapter
      showed, with its item_label, answer_label and group_label), else the codebook (item or option of the row's
      question, or a group of its answers), else for a number in the text the description of its key figure
      (report.yml); the group label else helpers.analysis.tables.population_label;
    - question label: the codebook's question text.
    """

    def __init__(self, parts: Sequence[Part], parts_dir: Path, report_yml: Path | None = None,
                 cb: Codebook | None = None):
        self.parts_dir = Path(parts_dir)
        self.titles: dict[str, str] = {}
        self.stems: dict[str, str] = {}
        for part in parts:
            self.titles[f"tekst_{part.slug}"] = f"Tekst: {part.heading}"
            manifest = load_manifest(self.parts_dir, part)
            for item in manifest.get("items", []):
                key = f"{item['kind']}_{item_code(item)}"
                self.titles[key] = f"{item_label(item)}. {item['title']}"
                self.stems[key] = part.stem
        for part, entry in standard_entries(parts, self.parts_dir):  # vraag_<question>: the standard tables
            key = f"vraag_{entry['question']}"
            self.titles[key] = f"Standaardtabel: {entry.get('question_text') or entry['question']}"
            self.stems[key] = part.stem
        self._tables: dict[str, dict[tuple[str, str, str], tuple[str, str, str]]] = {}
        self.codebook = cb or codebook()
        self.outline = load_outline(report_yml) if report_yml is not None else None

    def _table_rows(self, table: str) -> dict[tuple[str, str, str], tuple[str, str, str]]:
        """(item, group, answer) -> (item_label, answer_label, group_label) of the part's tables/<table>.csv."""
        if table not in self._tables:
            found: dict[tuple[str, str, str], tuple[str, str, str]] = {}
            path = self.parts_dir / self.stems.get(table, "") / "tables" / f"{table}.csv"
            if table in self.stems and path.is_file():
                with open(path, newline="", encoding="utf-8") as handle:
                    for row in csv.DictReader(handle):
                        key = (_clean(row.get("item")), _clean(row.get("group")), _clean(row.get("answer")))
                        found.setdefault(key, (_clean(row.get("item_label")), _clean(row.get("answer_label")),
                                               _clean(row.get("group_label"))))
            self._tables[table] = found
        return self._tables[table]

    def _question(self, question_id: str):
        return self.codebook.questions.get(question_id) if question_id else None

    def _key_figure(self, name: str) -> str:
        if self.outline is None:
            return ""
        try:
            return self.outline.key_figure(name).description
        except KeyError:
            return ""

    def labels(self, record: Sequence[str]) -> tuple[str, ...]:
        """The LABEL_COLUMNS of one row of CIJFERS_COLUMNS."""
        table, item, group, _n, count, pct, question_id, answer = (_clean(value) for value in record)
        item_text, answer_text, group_text = self._table_rows(table).get((item, group, answer), ("", "", ""))
        question = self._question(question_id)
        if question is not None:
            for options in (question.items, question.options):
                item_text = item_text or next((o.display for o in options if o.code == item), "")
            answer_text = answer_text or next((o.display for o in question.options if o.code == answer), "")
            if not answer_text and answer in question.groups:  # a group of answers ("groot_of_zeer_groot")
                answer_text = question.groups[answer].label
            if not answer_text and question.type == "open" and answer == OPEN_ANSWER:  # a standard table's row
                answer_text = OPEN_ANSWER_LABEL
        if not item_text and table.startswith("tekst_"):
            item_text = self._key_figure(item)
        if not group_text and group:
            group_text = population_label(group)
        unit = UNIT_PERCENTAGE if pct else UNIT_COUNT if count else ""
        return (self.titles.get(table, ""), question.text if question is not None else "", item_text, answer_text,
                group_text, unit)


def write_cijfers(parts: Sequence[Part], parts_dir: Path, target: Path, report_yml: Path | None = None) -> int:
    """All parts' cijfers.csv in one file: the columns of CIJFERS_COLUMNS, duplicate rows once, sorted by table
    (natural order: figuur_2 before figuur_10), item, group and answer; then the labels a reader sees next to the codes
    and the unit (LABEL_COLUMNS, see CijfersLabels). Returns the number of rows."""
    rows: set[tuple[str, ...]] = set()
    for part in parts:
        path = Path(parts_dir) / part.stem / "cijfers.csv"
        if not path.is_file():
            if part.kind == "chapter":
                raise PublishError(f"{path}: not found (chapter {part.stem})")
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in CIJFERS_COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise PublishError(f"{path}: columns missing: {', '.join(missing)}")
            rows.update(tuple(record[column] or "" for column in CIJFERS_COLUMNS) for record in reader)
    ordered = sorted(rows, key=lambda record: (_natural(record[0]), _natural(record[1]), _natural(record[2]),
                                               _natural(record[7]), record))
    labels = CijfersLabels(parts, parts_dir, report_yml)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CIJFERS_HEADER)
    writer.writerows(record + labels.labels(record) for record in ordered)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return len(ordered)
