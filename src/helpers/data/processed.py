"""Writing and reading the processed data of one wave: data/processed/<year>/{responses,answers}.parquet, quality.json.

The files are written deterministically (same cleaning result, same bytes): an explicit Arrow schema, no pandas index,
no write time anywhere (Parquet files carry only library versions and column types), JSON with sorted keys and no
absolute paths. A write goes to a
temporary directory next to the target first and replaces the target only when every file is complete, so a failed
clean never leaves half-written files, and a failed write leaves the previous files untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers import PROCESSED_DIR
from helpers.data.codebook import WaveSpec

# The contract of the processed tables: column -> dtype (data/processed/README.md describes each column).
RESPONSES_COLUMNS = {
    "wave": "int64",
    "response_id": "string",
    "respondent_id": "string",
    "joint_group": "string",
    "match_status": "string",
    "municipality_code": "string",
    "municipality_name": "string",
    "province": "string",
    "code_2023": "string",
    "population": "Int64",
    "size_class": "string",
    "klein": "boolean",
    "in_frame": "bool",
    "started_at": "datetime64[s]",
    "submitted_at": "datetime64[s]",
    "completed": "bool",
    "last_question": "string",
}
ANSWERS_COLUMNS = {
    "wave": "int64",
    "response_id": "string",
    "question": "string",
    "item": "string",
    "kind": "string",
    "value": "string",
    "text": "string",
}


@dataclass
class CleanResult:
    year: int
    responses: pd.DataFrame
    answers: pd.DataFrame
    quality: dict
    spec: WaveSpec | None = field(default=None, repr=False)


def coerce(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Give every column of the processed contract its dtype (also for empty frames)."""
    out = pd.DataFrame(index=frame.index)
    for column, dtype in columns.items():
        values = frame[column] if column in frame else pd.Series([None] * len(frame), index=frame.index)
        if dtype.startswith("datetime64"):
            out[column] = pd.to_datetime(values.astype(object).where(values.notna(), None)).astype(dtype)
        elif dtype == "string":
            out[column] = values.astype(object).where(values.notna(), None).astype("string")
        elif dtype == "boolean":
            out[column] = values.astype(object).where(values.notna(), None).astype("boolean")
        else:
            out[column] = values.astype(dtype)
    return out


FILES = ("responses.parquet", "answers.parquet", "quality.json")

_ARROW_TYPES = {
    "int64": pa.int64(),
    "Int64": pa.int64(),
    "string": pa.string(),
    "boolean": pa.bool_(),
    "bool": pa.bool_(),
    "datetime64[s]": pa.timestamp("s"),
}


def arrow_schema(columns: dict[str, str]) -> pa.Schema:
    nullable = {"wave": False, "response_id": False, "in_frame": False, "completed": False, "question": False,
                "item": False, "kind": False}
    return pa.schema([pa.field(name, _ARROW_TYPES[dtype], nullable=nullable.get(name, True))
                      for name, dtype in columns.items()])


def _write_parquet(frame: pd.DataFrame, columns: dict[str, str], path: Path) -> None:
    frame = coerce(frame, columns).reset_index(drop=True)
    # The pandas metadata (library versions and column dtypes, no times) lets pd.read_parquet restore Int64/boolean.
    table = pa.Table.from_pandas(frame, schema=arrow_schema(columns), preserve_index=False)
    pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True)


def quality_json(quality: dict) -> str:
    return json.dumps(quality, sort_keys=True, indent=2, ensure_ascii=False, default=str) + "\n"


def write_processed(result: CleanResult, out_dir: Path | str | None = None) -> Path:
    """Write `result` to `out_dir` (default data/processed/<year>/), replacing the previous files only when complete."""
    out_dir = Path(out_dir) if out_dir is not None else PROCESSED_DIR / str(result.year)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.writing-", dir=out_dir.parent))
    try:
        _write_parquet(result.responses, RESPONSES_COLUMNS, staging / "responses.parquet")
        _write_parquet(result.answers, ANSWERS_COLUMNS, staging / "answers.parquet")
        (staging / "quality.json").write_text(quality_json(result.quality), encoding="utf-8")
        for name in FILES:
            os.chmod(staging / name, 0o644)
        os.chmod(staging, 0o755)
        previous = None
        if out_dir.exists():
            previous = out_dir.parent / f".{out_dir.name}.previous-{os.getpid()}"
            if previous.exists():
                shutil.rmtree(previous)
            out_dir.rename(previous)
        staging.rename(out_dir)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def read_processed(year: int, processed_dir: Path | str = PROCESSED_DIR) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(responses, answers, quality) of wave `year`, with the dtypes of the processed contract."""
    directory = Path(processed_dir) / str(int(year))
    missing = [name for name in FILES if not (directory / name).exists()]
    if missing:
        raise FileNotFoundError(
            f"{directory}: no processed data for {year} (missing {', '.join(missing)}); run the cleaning step first: "
            f"make data (or papermill notebooks/00_opschonen.ipynb with -p year {year})")
    responses = coerce(pq.read_table(directory / "responses.parquet").to_pandas(), RESPONSES_COLUMNS)
    answers = coerce(pq.read_table(directory / "answers.parquet").to_pandas(), ANSWERS_COLUMNS)
    quality = json.loads((directory / "quality.json").read_text(encoding="utf-8"))
    return responses, answers, quality
