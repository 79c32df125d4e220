"""A synthetic full-response wave for the factsheets' scale test (``make factsheets-full-response``): every
municipality of the frame answering, answers resampled from the stand-in (see `write_full_response`).

Command line::

    python -m helpers.synthetic.full_response --out build/bench/full_response/processed [--year 2023]
        [--processed-dir data/processed]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

import pandas as pd

from helpers import PROCESSED_DIR, SMALL_THRESHOLD
from helpers.analysis import tables
from helpers.data.codebook import codebook
from helpers.data.processed import ANSWERS_COLUMNS, RESPONSES_COLUMNS, _write_parquet, quality_json, read_processed


class FullResponseError(ValueError):
    """The full-response wave cannot be written where asked."""


FULL_RESPONSE_NOTE = ("SYNTHETIC SCALE TEST: every municipality of the 2023 frame answering, answers resampled by size "
                      "class from the 2023 stand-in; not a wave of the flitspeiling")


def write_full_response(out_dir: Path | str, year: int = 2023, processed_dir: Path | str = PROCESSED_DIR) -> Path:
    """A processed wave in which every municipality of the `year` frame answered (out_dir/<year>/), for the scale test.

    Deterministic: a participant keeps its own answers; every other municipality gets the answers of a participant
    of its size class chosen by the SHA-256 of its code (from the participants sorted by response id), under the
    response id "<year>-full-<code>". The other waves and crosswalk.parquet are copied, so the LIA history works.
    quality.json says synthetic and names the scale test. Never writes into data/processed.
    """
    out_dir = Path(out_dir).resolve()
    source = Path(processed_dir).resolve()
    if out_dir == source or source in out_dir.parents or out_dir in source.parents:
        raise FullResponseError(f"{out_dir}: the full-response test data must not be written into {source}")
    responses, answers, quality = read_processed(year, source)
    frame, _, _ = tables.frame_populations(year)
    known = responses[responses["municipality_code"].notna()].sort_values("response_id", kind="stable")
    by_class = {code: known[known["size_class"] == code] for code in tables.SIZE_CODES}
    own = dict(zip(known["municipality_code"].astype(str), known["response_id"].astype(str), strict=True))
    frames = pd.read_parquet(source / "frames.parquet")
    frames = frames[frames["wave"] == year].set_index("code")
    rows, answer_parts = [], []
    for item in frame.sort_values("code").itertuples():
        code = str(item.code)
        if code in own:
            donor_id = own[code]
        else:
            pool = by_class.get(str(item.size_class)) if not pd.isna(item.size_class) else None
            pool = pool if pool is not None and len(pool) else known
            pick = int(hashlib.sha256(code.encode()).hexdigest(), 16) % len(pool)
            donor_id = str(pool["response_id"].iloc[pick])
        donor = responses[responses["response_id"].astype(str) == donor_id].iloc[0].copy()
        new_id = f"{year}-full-{code}"
        donor["response_id"] = new_id
        donor["joint_group"] = pd.NA
        donor["match_status"] = "exact"
        donor["municipality_code"] = code
        donor["municipality_name"] = str(item.name)
        donor["province"] = str(frames.at[code, "province"]) if code in frames.index else pd.NA
        donor["code_2023"] = str(frames.at[code, "code_2023"]) if code in frames.index else code
        donor["population"] = item.population
        donor["size_class"] = item.size_class
        donor["klein"] = pd.NA if pd.isna(item.population) else bool(int(item.population) < SMALL_THRESHOLD)
        donor["in_frame"] = True
        rows.append(donor)
        part = answers[answers["response_id"].astype(str) == donor_id].copy()
        part["response_id"] = new_id
        # Free text of the donor is not copied: it would name the donor municipality.
        part = part[part["kind"].isin(["answer", "selected"])]
        answer_parts.append(part)
    full_responses = pd.DataFrame(rows).reset_index(drop=True)
    full_answers = pd.concat(answer_parts, ignore_index=True)
    target = out_dir / str(year)
    target.mkdir(parents=True, exist_ok=True)
    _write_parquet(full_responses, RESPONSES_COLUMNS, target / "responses.parquet")
    _write_parquet(full_answers, ANSWERS_COLUMNS, target / "answers.parquet")
    quality = dict(quality)
    quality["provenance"] = {**(quality.get("provenance") or {}), "synthetic": True, "scale_test": FULL_RESPONSE_NOTE}
    (target / "quality.json").write_text(quality_json(quality), encoding="utf-8")
    for wave in _processed_waves(source):
        if wave == year:
            continue
        (out_dir / str(wave)).mkdir(parents=True, exist_ok=True)
        for name in ("responses.parquet", "answers.parquet", "quality.json"):
            shutil.copyfile(source / str(wave) / name, out_dir / str(wave) / name)
    for name in ("crosswalk.parquet", "frames.parquet"):
        shutil.copyfile(source / name, out_dir / name)
    (out_dir / "README.txt").write_text(FULL_RESPONSE_NOTE + "\n", encoding="utf-8")
    return target



def _processed_waves(processed_dir: Path) -> list[int]:
    """The waves of the codebook with processed data in `processed_dir`."""
    return [w for w in sorted(codebook().waves) if (processed_dir / str(w) / "responses.parquet").is_file()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.synthetic.full_response",
                                     description="Write the synthetic full-response wave of the factsheets' scale test.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--processed-dir", type=Path, default=PROCESSED_DIR)
    args = parser.parse_args(argv)
    try:
        target = write_full_response(args.out, args.year, args.processed_dir)
    except (FullResponseError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {target} ({len(pd.read_parquet(target / 'responses.parquet'))} responses; synthetic scale test)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
