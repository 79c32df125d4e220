"""Compare two built report trees wave by wave: the safety net of a refactor ("a refactor changes no number").

    python tools/compare_reports.py BEFORE_REPORTS_DIR AFTER_REPORTS_DIR [--years 2018 2023]

Compared per wave, outside the colophon (which lists commits and input hashes, so it changes with every commit):
- cijfers.csv: byte for byte;
- tabellenboek.xlsx: every sheet's cell values (the workbook's own metadata may differ);
- every HTML page: what a reader gets, outside the colophon section: the text (whitespace normalised), the alt texts
  and every embedded figure (inline SVG markup, image sources) in order. The page markup itself may differ (a notebook
  split into more cells has more empty cell wrappers);
- every PDF: its page count and its text up to the colophon heading.
Exit 0 when everything is identical, 1 with a line per difference otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

COLOPHON_HTML = re.compile(r'<section class="colophon".*?</section>', re.S)
# Build timings and commit hashes outside the colophon section (index.html) are provenance, not content.
HEX_HASH = re.compile(r"\b[0-9a-f]{40,64}\b")


def html_content(path: Path) -> str:
    """The reader's content of a page as lines: text blocks, alt texts and figures, colophon and hashes removed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(COLOPHON_HTML.sub("", path.read_text(encoding="utf-8")), "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    lines = []
    for element in soup.find_all(["svg", "img"]):
        lines.append(f"[figure] {element.get('alt', '')} {element.get('src', '') if element.name == 'img' else element}")
    for element in soup.find_all(["svg"]):
        element.decompose()
    lines.extend(" ".join(block.split()) for block in soup.get_text("\n").split("\n") if block.strip())
    return HEX_HASH.sub("<hash>", "\n".join(lines))


def pdf_content(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # The colophon is the last section; its heading is a line of its own.
    cut = text.rfind("\nColofon\n")
    return len(reader.pages), text if cut < 0 else text[:cut]


def workbook_content(path: Path) -> list[tuple[str, list[tuple]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return [(sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]


def first_difference(before: str, after: str, label: str) -> str:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", n=0, lineterm="")
    lines = [line for line in diff if not line.startswith(("---", "+++", "@@"))][:6]
    return f"{label}: " + " | ".join(line[:160] for line in lines)


def compare_wave(before: Path, after: Path) -> list[str]:
    problems: list[str] = []
    names = sorted({p.name for p in before.iterdir() if p.is_file()} | {p.name for p in after.iterdir() if p.is_file()})
    for name in names:
        if name == "MANIFEST":  # hashes of every file, colophons included
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--years", nargs="*", help="waves to compare (default: every wave in BEFORE)")
    args = parser.parse_args(argv)
    years = args.years or sorted(p.name for p in args.before.iterdir() if p.is_dir() and p.name.isdigit())
    failed = False
    for year in years:
        before, after = args.before / year, args.after / year
        if not after.is_dir():
            print(f"{year}: not built in {args.after}")
            failed = True
            continue
        problems = compare_wave(before, after)
        files = sum(1 for p in before.iterdir() if p.is_file() and p.name != "MANIFEST")
        print(f"{year}: {'identical' if not problems else f'{len(problems)} differences'} ({files} files compared)")
        for problem in problems:
            print("  " + problem)
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
