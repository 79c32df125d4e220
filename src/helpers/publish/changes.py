"""What changed between two builds of one wave: the reviewer's question "which published numbers moved, and why".

Two uses, one comparison:

- ``tools/compare_reports.py`` (a refactor changes no number): `compare_wave` compares two report folders file by file
  outside the colophon (cijfers.csv byte for byte, the tabellenboek's cell values, the reader's content of every HTML
  page, every PDF's pages and text) and returns a line per difference.
- ``make diff`` (tools/diff_base.sh builds the base in a scratch worktree): `build_changes` reads the base's and the new
  build's outputs and input files and `write_change_report` writes ``reports/<year>/wijzigingen.html`` and
  ``wijzigingen.csv``: every number of cijfers.csv that changed (old -> new) with its figure/table, labels, base (n)
  and the sentence it stands in; the numbers added and removed; the paragraphs of the whole report that changed, as a
  word diff; the figures whose picture changed, old and new side by side; the input files that changed.

Numbers are matched on their codes (table, item, group, question, answer); a figure that got another number (an item
added before it) shows as numbers removed and added. The sentence of a changed number is a changed sentence of the
report that held the old value (as the report writes it, "59 %") and now holds the new one.

Command line (used by ``make diff``)::

    python -m helpers.publish.changes --year 2023 --base-root build/diff/<commit> --ref <name> [--root .]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import html
import io
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from helpers import REPO_ROOT
from helpers.core import formatting as fmt
from helpers.publish.pages import common_context, report_title, template_environment
from helpers.publish.tabellenboek import CIJFERS_COLUMNS, LABEL_COLUMNS

# ---------------------------------------------------------------------------------------------------------------------
# Two report folders, file by file (tools/compare_reports.py)

COLOPHON_HTML = re.compile(r'<section class="colophon".*?</section>', re.S)
# Build timings and commit hashes outside the colophon section (index.html) are provenance, not content.
HEX_HASH = re.compile(r"\b[0-9a-f]{40,64}\b")
CHANGES_HTML, CHANGES_CSV = "wijzigingen.html", "wijzigingen.csv"
# Not compared: the hashes of every file (colophons included) and the change report itself.
NOT_COMPARED = {"MANIFEST", CHANGES_HTML, CHANGES_CSV}


def _soup(path: Path) -> BeautifulSoup:
    """A page without its colophon section, scripts and styles."""
    soup = BeautifulSoup(COLOPHON_HTML.sub("", Path(path).read_text(encoding="utf-8")), "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return soup


def html_content(path: Path) -> str:
    """The reader's content of a page as lines: text blocks, alt texts and figures, colophon and hashes removed."""
    soup = _soup(path)
    lines = []
    for element in soup.find_all(["svg", "img"]):
        lines.append(f"[figure] {element.get('alt', '')} {element.get('src', '') if element.name == 'img' else element}")
    for element in soup.find_all(["svg"]):
        element.decompose()
    lines.extend(" ".join(block.split()) for block in soup.get_text("\n").split("\n") if block.strip())
    return HEX_HASH.sub("<hash>", "\n".join(lines))


def pdf_content(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # The colophon is the last section; its heading is a line of its own.
    cut = text.rfind("\nColofon\n")
    return len(reader.pages), text if cut < 0 else text[:cut]


def workbook_content(path: Path) -> list[tuple[str, list[tuple]]]:
    book = load_workbook(path, read_only=True)
    return [(sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]


def first_difference(before: str, after: str, label: str) -> str:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", n=0, lineterm="")
    lines = [line for line in diff if not line.startswith(("---", "+++", "@@"))][:6]
    return f"{label}: " + " | ".join(line[:160] for line in lines)


def compare_wave(before: Path, after: Path) -> list[str]:
    """A line per difference between two report folders of one wave (outside colophons, MANIFEST and the change
    report); empty when a reader gets the same."""
    problems: list[str] = []
    names = sorted({p.name for p in before.iterdir() if p.is_file()} | {p.name for p in after.iterdir() if p.is_file()})
    for name in names:
        if name in NOT_COMPARED:
            continue
        old, new = before / name, after / name
        if not old.exists() or not new.exists():
            problems.append(f"{after.name}/{name}: {'only after' if new.exists() else 'only before'}")
            continue
        label = f"{after.name}/{name}"
        if name.endswith(".html"):
            a, b = html_content(old), html_content(new)
            if a != b:
                problems.append(first_difference(a, b, label))
        elif name.endswith(".pdf"):
            (pages_a, a), (pages_b, b) = pdf_content(old), pdf_content(new)
            if pages_a != pages_b:
                problems.append(f"{label}: {pages_a} pages before, {pages_b} after")
            if a != b:
                problems.append(first_difference(a, b, label))
        elif name.endswith(".xlsx"):
            a, b = workbook_content(old), workbook_content(new)
            if a != b:
                problems.append(f"{label}: sheets {[s for s, _ in a]} -> {[s for s, _ in b]}, cell values differ"
                                if [s for s, _ in a] != [s for s, _ in b] else
                                f"{label}: cell values differ in " + ", ".join(
                                    s for (s, ra), (_, rb) in zip(a, b, strict=True) if ra != rb))
        elif old.read_bytes() != new.read_bytes():
            problems.append(first_difference(old.read_text(errors="replace"), new.read_text(errors="replace"), label))
    return problems


# ---------------------------------------------------------------------------------------------------------------------
# Numbers

KEY_COLUMNS = ("table", "item", "group", "question", "answer")
VALUE_COLUMNS = ("n", "count", "pct")
UNIT_COLUMN = {"percentage": "pct", "aantal": "count"}


def read_cijfers(path: Path) -> dict[tuple[str, ...], dict[str, str]]:
    """The rows of a cijfers.csv by their codes (KEY_COLUMNS); a second row with the same codes gets a suffix."""
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    if not Path(path).is_file():
        return rows
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            key = tuple(record.get(column) or "" for column in KEY_COLUMNS)
            while key in rows:
                key = (*key[:-1], key[-1] + "+")
            rows[key] = {column: record.get(column) or "" for column in (*CIJFERS_COLUMNS, *LABEL_COLUMNS)}
    return rows


@dataclass
class NumberChange:
    """One number of cijfers.csv that changed, was added ("toegevoegd") or was removed ("verwijderd")."""

    status: str  # "gewijzigd", "toegevoegd", "verwijderd"
    before: dict[str, str] | None
    after: dict[str, str] | None
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (old sentence, new sentence) it stands in

    @property
    def row(self) -> dict[str, str]:
        """The row whose codes and labels describe it: the new one, or the old one of a removed number."""
        return self.after or self.before or {}

    @property
    def unit(self) -> str:
        return self.row.get("unit") or ("percentage" if self.row.get("pct") else "aantal")

    def shown(self, row: Mapping[str, str] | None) -> str:
        """The number as the report writes it ("59 %", "201"), or "–"."""
        if not row:
            return "–"
        value = row.get(UNIT_COLUMN.get(self.unit, "pct")) or row.get("count") or ""
        if value == "":
            return "–"
        return fmt.pct(float(value)) if self.unit == "percentage" else fmt.number(float(value))


def number_changes(before: Path, after: Path) -> list[NumberChange]:
    """Every number whose n, count or percentage differs between two cijfers.csv, then those added and removed."""
    old, new = read_cijfers(before), read_cijfers(after)
    changed = [NumberChange("gewijzigd", old[key], new[key]) for key in new
               if key in old and any(old[key][c] != new[key][c] for c in VALUE_COLUMNS)]
    added = [NumberChange("toegevoegd", None, new[key]) for key in new if key not in old]
    removed = [NumberChange("verwijderd", old[key], None) for key in old if key not in new]
    return changed + added + removed


# ---------------------------------------------------------------------------------------------------------------------
# Text and figures of the whole report

TEXT_BLOCKS = ["p", "li", "h1", "h2", "h3", "h4", "figcaption", "caption", "summary", "dt", "dd"]
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-Z0-9‘“'(])")


def paragraphs(path: Path) -> list[str]:
    """The text blocks (paragraphs, list items, headings, captions) of a page outside its colophon, in order;
    figures' data tables (inside <details>) left out, as their numbers are compared in cijfers.csv."""
    if not Path(path).is_file():
        return []
    soup = _soup(path)
    for details in soup.find_all("details"):
        details.decompose()
    blocks = []
    for element in soup.find_all(TEXT_BLOCKS):
        if element.find_parent(TEXT_BLOCKS) is not None:
            continue  # a list inside a list item: its text is part of the outer block
        text = " ".join(element.get_text(" ").split())
        if text:
            blocks.append(text)
    return blocks


@dataclass
class TextChange:
    before: str  # "" for an added paragraph
    after: str  # "" for a removed paragraph

    def word_diff(self) -> str:
        """HTML of the paragraph with removed words in <del> and added words in <ins> (escaped)."""
        return word_diff(self.before, self.after)


def text_changes(before: Sequence[str], after: Sequence[str]) -> list[TextChange]:
    """The paragraphs that differ: replaced ones pairwise (in order), then any left over as added or removed."""
    changes: list[TextChange] = []
    matcher = difflib.SequenceMatcher(a=list(before), b=list(after), autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = list(before[a0:a1]), list(after[b0:b1])
        for index in range(max(len(old), len(new))):
            changes.append(TextChange(old[index] if index < len(old) else "", new[index] if index < len(new) else ""))
    return changes


def word_diff(before: str, after: str) -> str:
    """The words of `after` with those not in `before` as <ins> and those of `before` that went as <del>."""
    old, new = before.split(), after.split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            out.append(html.escape(" ".join(old[a0:a1])))
            continue
        if a1 > a0:
            out.append(f'<del><span class="visually-hidden">[verwijderd:] </span>{html.escape(" ".join(old[a0:a1]))}'
                       "</del>")
        if b1 > b0:
            out.append(f'<ins><span class="visually-hidden">[toegevoegd:] </span>{html.escape(" ".join(new[b0:b1]))}'
                       "</ins>")
    return " ".join(out)


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(text) if part.strip()]


def _holds(sentence: str, shown: str) -> bool:
    """Whether a sentence writes the number `shown` ("5 %" must not match "25 %"). The page's text is split on
    whitespace, so the report's non-breaking space before "%" is a space there."""
    shown = " ".join(shown.split())
    return shown != "–" and re.search(rf"(?<![\d.,]){re.escape(shown)}(?!\d|[.,]\d)", sentence) is not None


def attach_sentences(numbers: Iterable[NumberChange], texts: Sequence[TextChange]) -> None:
    """Give every changed number the changed sentences that held its old value and now hold its new one."""
    pairs = []
    for change in texts:
        old, new = sentences(change.before), sentences(change.after)
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, a0, a1, b0, b1 in matcher.get_opcodes():
            if tag != "equal":
                pairs += [(old[a0 + i] if a0 + i < a1 else "", new[b0 + i] if b0 + i < b1 else "")
                          for i in range(max(a1 - a0, b1 - b0))]
    for number in numbers:
        old, new = number.shown(number.before), number.shown(number.after)
        number.sentences = [(a, b) for a, b in pairs
                            if (number.before is None or _holds(a, old)) and (number.after is None or _holds(b, new))
                            and (a or b)]


@dataclass
class Figure:
    key: str  # "figuur_3": as the table column of cijfers.csv
    title: str
    alt: str
    src: str


def figures(path: Path) -> dict[str, Figure]:
    """The figures of a page by their cijfers key, from <figure id="<slug>-figuur-<code>"> with an <img>."""
    found: dict[str, Figure] = {}
    if not Path(path).is_file():
        return found
    for element in _soup(path).find_all("figure"):
        match = re.search(r"(figuur|tabel)-([A-Z]?\d+)$", element.get("id") or "")
        image = element.find("img")
        if match is None or image is None:
            continue
        caption = element.find(class_="fp-bijschrift")  # "Figuur 3" and the title
        title = " ".join(caption.get_text(" ").split()) if caption else ""
        found[f"{match.group(1)}_{match.group(2)}"] = Figure(
            f"{match.group(1)}_{match.group(2)}", title or f"{match.group(1).capitalize()} {match.group(2)}",
            image.get("alt", ""), image.get("src", ""))
    return found


def figure_changes(before: Path, after: Path) -> list[tuple[Figure | None, Figure | None]]:
    """The figures whose picture or description changed (old, new), and those only in one of the two pages."""
    old, new = figures(before), figures(after)
    keys = [*new, *(key for key in old if key not in new)]
    return [(old.get(key), new.get(key)) for key in keys
            if old.get(key) is None or new.get(key) is None or (old[key].src, old[key].alt) != (new[key].src, new[key].alt)]


# ---------------------------------------------------------------------------------------------------------------------
# Inputs

INPUT_GROUPS = {
    "export": "Enquête-export",
    "codebook": "Codeboek",
    "notebook": "Notebooks en rapportopzet",
    "helper": "Helpers (code)",
    "published": "Gepubliceerde cijfers",
    "build": "Bouwinstructies",
}


def input_files(root: Path, year: int) -> dict[str, list[Path]]:
    """The input files of one wave's build in a checkout, by group (INPUT_GROUPS)."""
    root = Path(root)

    def files(*patterns: str) -> list[Path]:
        return sorted({path for pattern in patterns for path in root.glob(pattern)
                       if path.is_file() and "__pycache__" not in path.parts})

    return {"export": files(f"data/raw/survey/flitspeiling_{year}.*", "data/raw/survey/provenance.yml"),
            "codebook": files("data/codebook/**/*"),
            "notebook": files("notebooks/*.ipynb", "notebooks/report.yml"),
            "helper": files("src/helpers/**/*.py", "src/helpers/templates/**/*"),
            "published": files("data/published/*"),
            "build": files("Makefile", "make/*.mk", "requirements.lock")}


def input_hashes(root: Path, year: int) -> dict[str, tuple[str, str]]:
    """The one reader of a build's input hashes: {path relative to the checkout: (group, SHA-256)}."""
    return {path.relative_to(root).as_posix(): (group, hashlib.sha256(path.read_bytes()).hexdigest())
            for group, paths in input_files(root, year).items() for path in paths}


@dataclass
class InputChange:
    group: str
    path: str
    status: str  # "gewijzigd", "toegevoegd", "verwijderd"


def input_changes(before: Mapping[str, tuple[str, str]], after: Mapping[str, tuple[str, str]]) -> list[InputChange]:
    changes = [InputChange(after[path][0], path, "gewijzigd") for path in after
               if path in before and before[path][1] != after[path][1]]
    changes += [InputChange(after[path][0], path, "toegevoegd") for path in after if path not in before]
    changes += [InputChange(before[path][0], path, "verwijderd") for path in before if path not in after]
    return sorted(changes, key=lambda change: (list(INPUT_GROUPS).index(change.group), change.path))


# ---------------------------------------------------------------------------------------------------------------------
# The change report


@dataclass
class Changes:
    year: int
    ref: str  # what the build was compared with ("HEAD", "main~1", a commit)
    numbers: list[NumberChange]
    texts: list[TextChange]
    figures: list[tuple[Figure | None, Figure | None]]
    inputs: list[InputChange]

    @property
    def empty(self) -> bool:
        return not (self.numbers or self.texts or self.figures or self.inputs)

    def count(self, status: str) -> int:
        return sum(1 for number in self.numbers if number.status == status)


def whole_report(reports_dir: Path, year: int) -> Path:
    return Path(reports_dir) / f"flitspeiling_{year}.html"


def build_changes(base_reports: Path, new_reports: Path, year: int, ref: str, base_root: Path | None = None,
                  new_root: Path | None = None) -> Changes:
    """Compare the base build of `year` (reports folder `base_reports`, checkout `base_root`) with the new one."""
    numbers = number_changes(Path(base_reports) / "cijfers.csv", Path(new_reports) / "cijfers.csv")
    texts = text_changes(paragraphs(whole_report(base_reports, year)), paragraphs(whole_report(new_reports, year)))
    attach_sentences(numbers, texts)
    pictures = figure_changes(whole_report(base_reports, year), whole_report(new_reports, year))
    inputs = (input_changes(input_hashes(base_root, year), input_hashes(new_root, year))
              if base_root is not None and new_root is not None else [])
    return Changes(year, ref, numbers, texts, pictures, inputs)


CSV_COLUMNS = ("status", *KEY_COLUMNS, *LABEL_COLUMNS, "n_before", "n_after", "count_before", "count_after",
               "pct_before", "pct_after", "sentence_before", "sentence_after")


def changes_csv(changes: Changes) -> str:
    """wijzigingen.csv: one row per number changed, added or removed (status in Dutch, as on the page)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for number in changes.numbers:
        row, before, after = number.row, number.before or {}, number.after or {}
        sentence = number.sentences[0] if number.sentences else ("", "")
        writer.writerow([number.status, *(row.get(c, "") for c in KEY_COLUMNS), *(row.get(c, "") for c in LABEL_COLUMNS),
                         *(value for c in VALUE_COLUMNS for value in (before.get(c, ""), after.get(c, ""))),
                         *sentence])
    return buffer.getvalue()


def _number_view(number: NumberChange) -> dict:
    row = number.row
    what = ", ".join(part for part in (row.get("item_label") or row.get("item"), row.get("answer_label") or
                                       row.get("answer")) if part) or "–"
    bases = (number.before or {}).get("n", ""), (number.after or {}).get("n", "")
    base = bases[1] or bases[0] or "–"
    if bases[0] and bases[1] and bases[0] != bases[1]:
        base = f"{bases[0]} → {bases[1]}"
    return {"table": row.get("table_title") or row.get("table", ""), "what": what,
            "group": row.get("group_label") or row.get("group", ""), "before": number.shown(number.before),
            "after": number.shown(number.after), "base": base,
            "sentences": [word_diff(a, b) for a, b in number.sentences[:2]]}


def _by_table(numbers: Sequence[NumberChange]) -> list[dict]:
    """The numbers grouped by their figure or table, in the order they first appear: [{"title", "rows"}]."""
    groups: dict[str, list[dict]] = {}
    for number in numbers:
        view = _number_view(number)
        groups.setdefault(view["table"], []).append(view)
    return [{"title": title, "rows": rows} for title, rows in groups.items()]


def render_changes(changes: Changes, synthetic: bool = False) -> str:
    """wijzigingen.html (Dutch, self-contained, accessible)."""
    context = common_context(changes.year, synthetic)
    title = f"Wijzigingen in {report_title(changes.year)}"
    context.update(
        page_title=title, title=title, ref=changes.ref, empty=changes.empty,
        counts={"gewijzigd": changes.count("gewijzigd"), "toegevoegd": changes.count("toegevoegd"),
                "verwijderd": changes.count("verwijderd"), "texts": len(changes.texts),
                "figures": len(changes.figures), "inputs": len(changes.inputs)},
        inputs=[{"group": INPUT_GROUPS[change.group], "path": change.path, "status": change.status}
                for change in changes.inputs],
        numbers={status: _by_table([number for number in changes.numbers if number.status == status])
                 for status in ("gewijzigd", "toegevoegd", "verwijderd")},
        texts=[{"diff": change.word_diff(), "status": "toegevoegd" if not change.before else
                "verwijderd" if not change.after else "gewijzigd"} for change in changes.texts],
        figures=[{"title": (new or old).title, "old": old, "new": new} for old, new in changes.figures])
    return template_environment().get_template("changes.html.j2").render(context)


def write_change_report(changes: Changes, out_dir: Path, synthetic: bool = False) -> tuple[Path, Path]:
    """Write wijzigingen.html and wijzigingen.csv into `out_dir` (reports/<year>/); returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page, table = out_dir / CHANGES_HTML, out_dir / CHANGES_CSV
    page.write_text(render_changes(changes, synthetic), encoding="utf-8", newline="\n")
    table.write_text(changes_csv(changes), encoding="utf-8", newline="\n")
    return page, table


def summary_line(changes: Changes) -> str:
    if changes.empty:
        return f"Geen wijzigingen ten opzichte van {changes.ref}"
    return (f"{changes.count('gewijzigd')} getallen gewijzigd, {changes.count('toegevoegd')} toegevoegd, "
            f"{changes.count('verwijderd')} verwijderd; {len(changes.texts)} tekstblokken, {len(changes.figures)} "
            f"figuren en {len(changes.inputs)} invoerbestanden gewijzigd ten opzichte van {changes.ref}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.changes",
                                     description="Write reports/<year>/wijzigingen.html and .csv: what changed "
                                                 "against the build of a base checkout.")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--base-root", type=Path, required=True, help="the base checkout, built (make report)")
    parser.add_argument("--ref", required=True, help="how to name the base on the page (a git ref)")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the new checkout (default: this repository)")
    args = parser.parse_args(argv)
    base_reports = args.base_root / "reports" / str(args.year)
    new_reports = args.root / "reports" / str(args.year)
    for folder in (base_reports, new_reports):
        if not (folder / "cijfers.csv").is_file():
            print(f"error: {folder} holds no built report (cijfers.csv); run make report YEAR={args.year} there",
                  file=sys.stderr)
            return 1
    changes = build_changes(base_reports, new_reports, args.year, args.ref, args.base_root, args.root)
    manifest = new_reports / "MANIFEST"
    synthetic = manifest.is_file() and "# data: synthetic" in manifest.read_text(encoding="utf-8")
    page, _ = write_change_report(changes, new_reports, synthetic)
    print(f"{page}: {summary_line(changes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
