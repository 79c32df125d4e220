"""Writing and reading the processed data of one wave: data/processed/<year>/{responses,answers}.parquet, quality.json.

The files are written deterministically (same cleaning result, same bytes): an explicit Arrow schema, no pandas index,
no write time anywhere (Parquet files carry only library versions and column types), JSON with sorted keys and no
absolute paths. A write goes to a
temporary directory next to the target first and replaces the target only when every file is complete, so a failed
clean never leaves half-written files, and a failed write leaves the previous files untouched.

The tables keep the contracts of helpers.data.schemas (pandera): checked before they are written and after they are
read, against the codebook mapping of their wave.
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
from helpers.data.codebook import Codebook, CodebookError, WaveSpec
from helpers.data.codebook import codebook as project_codebook
from helpers.data.schemas import (  # the contract lives in schemas; its names stay importable from here
    ANSWERS_COLUMNS,
    RESPONSES_COLUMNS,
    ProcessedDataError,
    answers_schema,
    check,
    frames_schema,
    nullable,
    personal_columns,
    responses_schema,
)

__all__ = ["ANSWERS_COLUMNS", "RESPONSES_COLUMNS", "CleanResult", "ProcessedDataError", "coerce", "read_frames",
           "read_processed", "write_processed"]


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
    may_be_empty = nullable(columns)
    return pa.schema([pa.field(name, _ARROW_TYPES[dtype], nullable=may_be_empty[name])
                      for name, dtype in columns.items()])


WRITE_FIX = ("Fix: this is a bug in the cleaning (helpers.data.cleaning), or the codebook mapping changed in a way the "
             "cleaning does not follow; the previous processed files were left in place.")
READ_FIX = ("Fix: the processed data is older than the codebook, or was not written by the cleaning: run `make data` "
            "(it rewrites data/processed/<year>/ from data/raw).")


def wave_spec(year: int, codebook: Codebook | None = None) -> WaveSpec | None:
    """The codebook mapping of `year` that the tables are checked against; None for a wave the codebook does not map
    (a test's own codebook): the structure is still checked, the codes were checked when the tables were written."""
    try:
        return (codebook or project_codebook()).wave(int(year))
    except (CodebookError, KeyError):
        return None


def validate(responses: pd.DataFrame, answers: pd.DataFrame, year: int, spec: WaveSpec | None, where: Path | str,
             fix: str) -> None:
    """Both tables of a wave against their schemas; every answer belongs to a response of the wave."""
    personal = personal_columns(spec)
    check(responses, responses_schema(year, spec), Path(where) / "responses.parquet", fix, personal)
    check(answers, answers_schema(year, spec), Path(where) / "answers.parquet", fix, personal)
    orphans = answers.loc[~answers["response_id"].isin(responses["response_id"]), "response_id"].unique()
    if len(orphans):
        raise ProcessedDataError(f"{Path(where) / 'answers.parquet'}, column 'response_id': {len(orphans)} id(s) "
                                 f"without a row in responses.parquet, e.g. {list(orphans[:3])}. {fix}")


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
    # The tables as the cleaning made them: a column outside the contract is refused here, not dropped silently.
    validate(result.responses, result.answers, result.year, result.spec or wave_spec(result.year), out_dir, WRITE_FIX)
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


def has_processed(year: int, processed_dir: Path | str = PROCESSED_DIR) -> bool:
    """Whether wave `year` has processed data (every file read_processed reads), without reading it."""
    directory = Path(processed_dir) / str(int(year))
    return all((directory / name).exists() for name in FILES)


def read_processed(year: int, processed_dir: Path | str = PROCESSED_DIR, *, codebook: Codebook | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(responses, answers, quality) of wave `year`, with the dtypes of the processed contract, checked against it
    (and against the mapping of `year` in `codebook`, default the project's)."""
    directory = Path(processed_dir) / str(int(year))
    missing = [name for name in FILES if not (directory / name).exists()]
    if missing:
        raise FileNotFoundError(
            f"{directory}: no processed data for {year} (missing {', '.join(missing)}); run the cleaning step first: "
            f"make data (or papermill notebooks/00_opschonen.ipynb with -p year {year})")
    responses = coerce(pq.read_table(directory / "responses.parquet").to_pandas(), RESPONSES_COLUMNS)
    answers = coerce(pq.read_table(directory / "answers.parquet").to_pandas(), ANSWERS_COLUMNS)
    quality = json.loads((directory / "quality.json").read_text(encoding="utf-8"))
    validate(responses, answers, year, wave_spec(year, codebook), directory, READ_FIX)
    return responses, answers, quality


def read_frames(processed_dir: Path | str = PROCESSED_DIR) -> pd.DataFrame:
    """frames.parquet (the municipalities of every wave's frame), checked against its contract."""
    path = Path(processed_dir) / "frames.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `make data` (it writes the frames from the CBS reference set)")
    return check(pd.read_parquet(path), frames_schema(), path, READ_FIX)
