"""Command line of the factsheet build (make/factsheets.mk)::

    python -m helpers.factsheets build --year 2023 [--jobs 2] [--only GM0512 ...] [--no-pdf] [--out DIR]
        [--processed-dir DIR] [--build-dir DIR] [--label TEXT]

It prints "N factsheets in S s (...)" (make bench reads that line). The synthetic full-response wave of the scale
test is written by ``python -m helpers.synthetic.full_response``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpers import PROCESSED_DIR, REPO_ROOT
from helpers.factsheets.data import FactsheetError
from helpers.factsheets.pool import build_factsheets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.factsheets",
                                     description="Confidential factsheets per municipality ('Waar staat mijn gemeente?').")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the factsheets of a wave (HTML and PDF)")
    build.add_argument("--year", type=int, required=True)
    build.add_argument("--processed-dir", type=Path, default=PROCESSED_DIR)
    build.add_argument("--out", type=Path, help="default: reports/<year>/factsheets")
    build.add_argument("--build-dir", type=Path, help="staging and executed notebooks (default build/<year>/factsheets)")
    build.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="kernels (default 2)")
    build.add_argument("--only", nargs="*", help="CBS codes or names (default: every participant); without --out they "
                                                 "go to build/<year>/factsheets-selection")
    build.add_argument("--no-pdf", action="store_true")
    build.add_argument("--label", default="factsheets", help="what the timing line names")
    args = parser.parse_args(argv)
    try:
        # A selection never replaces the full set in reports/<year>/factsheets unless --out says so.
        default = REPO_ROOT / ("build" if args.only else "reports") / str(args.year) / \
            ("factsheets-selection" if args.only else "factsheets")
        out = args.out or default
        summary = build_factsheets(args.year, out, processed_dir=args.processed_dir, codes=args.only, jobs=args.jobs,
                                   pdf=not args.no_pdf, build_dir=args.build_dir)
    except (FactsheetError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    mean = summary["mean_seconds"]
    print(f"{summary['count']} factsheets in {summary['seconds']} s ({args.label}, {summary['jobs']} kernels, "
          f"CPU {summary['cpu_seconds']} s; "
          f"per factsheet: execute {mean.get('execute', 0):.2f} s, html {mean.get('html', 0):.2f} s, "
          f"pdf {mean.get('pdf', 0):.2f} s; kernel start-up {', '.join(map(str, summary['startup_seconds']))} s) "
          f"-> {summary['out']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
