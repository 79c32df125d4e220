"""Compare two built report trees wave by wave: the safety net of a refactor ("a refactor changes no number").

    python tools/compare_reports.py BEFORE_REPORTS_DIR AFTER_REPORTS_DIR [--years 2018 2023]

Compared per wave, outside the colophon (which lists commits and input hashes, so it changes with every commit), by
helpers.publish.changes.compare_wave (which `make diff` shares):
- cijfers.csv: byte for byte;
- tabellenboek.xlsx: every sheet's cell values (the workbook's own metadata may differ);
- every HTML page: what a reader gets, outside the colophon section: the text (whitespace normalised), the alt texts
  and every embedded figure (inline SVG markup, image sources) in order. The page markup itself may differ (a notebook
  split into more cells has more empty cell wrappers);
- every PDF: its page count and its text up to the colophon heading.
MANIFEST and the change report of `make diff` (wijzigingen.html, .csv) are not compared.
Exit 0 when everything is identical, 1 with a line per difference otherwise. For what changed, number by number and
sentence by sentence, see `make diff` (docs/reviewing-changes.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.publish.changes import NOT_COMPARED, compare_wave


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
        files = sum(1 for p in before.iterdir() if p.is_file() and p.name not in NOT_COMPARED)
        print(f"{year}: {'identical' if not problems else f'{len(problems)} differences'} ({files} files compared)")
        for problem in problems:
            print("  " + problem)
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
