"""The report-wide consistency check: one claim, one wording.

Reads the claims every part of a wave registered (manifest.json "claims", written by the Chapter API; see
helpers.report.claims) and fails when two statements about the same indicator and period disagree in direction, or
when a direction word is used for a difference its test does not find. Publishing (helpers.publish.assemble) refuses
a report that fails it; `python -m helpers.publish.consistency 2023` prints what it finds for a built wave.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import BUILD_DIR, REPO_ROOT
from helpers.publish.manifests import load_manifest
from helpers.publish.parts import Part, PublishError, load_parts
from helpers.report import claims as claim_rules

REPORT_YML = REPO_ROOT / "notebooks" / "report.yml"


def read_claims(parts_dir: Path | str, parts: list[Part]) -> list[dict]:
    """Every claim the parts registered, in report order (summary first, as report.yml orders the parts)."""
    found = []
    for part in parts:
        for claim in load_manifest(Path(parts_dir), part).get("claims") or []:
            found.append({**claim, "chapter": claim.get("chapter") or part.heading})
    return found


def problems(parts_dir: Path | str, report_yml: Path | str = REPORT_YML) -> list[str]:
    """What the check finds in the parts in `parts_dir` (build/<year>/parts): [] when the claims agree."""
    return claim_rules.problems(read_claims(parts_dir, load_parts(report_yml)))


def check(parts_dir: Path | str, report_yml: Path | str = REPORT_YML) -> int:
    """Raise PublishError listing every contradiction; else the number of claims checked."""
    parts = load_parts(report_yml)
    claims = read_claims(parts_dir, parts)
    found = claim_rules.problems(claims)
    if found:
        raise PublishError(f"{parts_dir}: the report contradicts itself ({len(found)}); fix the wording in the "
                           "chapter named (helpers.report.text, helpers.report.claims):\n- " + "\n- ".join(found))
    return len(claims)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("year", type=int)
    parser.add_argument("--parts", type=Path, default=None, help="parts directory (default build/<year>/parts)")
    args = parser.parse_args(argv)
    parts_dir = args.parts or BUILD_DIR / str(args.year) / "parts"
    found = problems(parts_dir)
    for line in found:
        print(line)
    print(f"{args.year}: {len(read_claims(parts_dir, load_parts(REPORT_YML)))} claims, "
          f"{len(found)} contradictions", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
