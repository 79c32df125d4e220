"""Command line: python -m helpers.synthetic [--out DIR] [--seed N] [--report] [--no-check]."""

from __future__ import annotations

import argparse
import sys

from helpers.synthetic import DEFAULT_OUT, CalibrationFailed, build, check, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.synthetic", description=(
        "Write the synthetic stand-in exports (one per wave 2018-2023) and provenance.yml; the same seed gives the "
        "same bytes. The data is checked against every calibrated published number before anything is written."))
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="folder for the exports (default: data/raw/survey)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the seed in targets.yml)")
    parser.add_argument("--report", action="store_true",
                        help="print rows per wave, units answering per question and the published checks; write nothing")
    parser.add_argument("--no-check", action="store_true", help="write even when a published number is not reproduced")
    args = parser.parse_args(argv)
    if args.report:
        from helpers.synthetic import verify
        from helpers.synthetic.rows import row_summary

        stand_in = build(args.seed)
        for year, rows in stand_in.rows.items():
            print(year, row_summary(rows))
        print(verify.summary(stand_in.waves).to_string(index=False))
        results = verify.published_checks(stand_in.waves)
        print(results[["id", "published", "computed", "ok"]].to_string(index=False))
        print("story:", verify.story_checks(stand_in.waves, stand_in.participants, stand_in.kinds) or "all hold")
        try:
            check(stand_in)
        except CalibrationFailed as problem:
            print(problem, file=sys.stderr)
            return 1
        return 0
    try:
        files = generate(args.out, args.seed, verify=not args.no_check)
    except CalibrationFailed as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    for year, path in files.items():
        print(f"{year}: {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
