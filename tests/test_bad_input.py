"""Malformed survey-tool exports give one clear message: file, row or column, what was expected and the fix.

The corpus (tests/fixtures/bad_exports/, written by make_corpus.py, listed in cases.yml) holds one raw directory per
case. Each case is read, validated and cleaned straight from the corpus (reads never modify a file: sha256 before and
after), and the outcome is the one cases.yml documents:

- `error`: an ExportError (ExportProblems for cell problems) raised at `stage` (read: helpers.data.exports.read_export;
  validate: helpers.data.cleaning.validate_export), whose message names the file and holds every fragment, is at most
  MAX_LINES lines, and is the same when the whole cleaning (clean_wave) runs;
- `kept_and_listed`: an unknown or ambiguous municipality is no error (cleaning.yml, `unmatched: keep_without_code`):
  the unit is kept without a municipality code and listed in quality["unmatched"] with a located message and the
  closest names or the candidates; nothing is guessed;
- `read_ok`: the file is read as intended (a workbook with extra sheets: the results sheet is found by name).

The user-facing path: the cleaning notebook run by papermill on a copy of a bad case fails with the located message
in its error output (not a traceback) and leaves a previously written processed directory untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.data.cleaning import clean_wave, validate_export
from helpers.data.codebook import codebook, load_codebook
from helpers.data.exports import ExportError, ExportProblems, read_export
from helpers.data.processed import write_processed

HERE = Path(__file__).parent
CORPUS = HERE / "fixtures" / "bad_exports"
NOTEBOOK = HERE.parent / "notebooks" / "00_opschonen.ipynb"
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))["cases"]
BY_ID = {case["id"]: case for case in CASES}
MAX_LINES = 4  # "at most a few lines": a header line and at most three problems

sys.path.insert(0, str(HERE / "fixtures" / "exports"))
sys.path.insert(0, str(HERE / "fixtures" / "wave2024"))
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402
import make_fixture  # noqa: E402
from exportbuilder import FakeMunicipalities  # noqa: E402


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _case_files() -> dict[str, str]:
    """sha256 of every file of the corpus' case directories (not the generator, cases.yml or caches)."""
    return {path.relative_to(CORPUS).as_posix(): _sha256(path)
            for case in CASES for path in sorted((CORPUS / case["id"]).rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def codebooks(tmp_path_factory) -> dict[int, object]:
    """The project's codebook, and for the made-up Qualtrics wave 2024 the codebook assembled as test_new_wave does."""
    cb = codebook()
    cb2024 = load_codebook(make_fixture.assemble_codebook(tmp_path_factory.mktemp("wave2024") / "codebook"))
    return {**{year: cb for year in cb.waves}, 2024: cb2024}


def _real_municipalities():
    municipalities = pytest.importorskip("helpers.data.municipalities")
    try:
        municipalities.load_frame(2023)
    except (OSError, ValueError) as error:
        pytest.skip(f"no CBS reference set: {error}")
    return municipalities


def _located(error: ExportError) -> set[tuple[int | None, str | None]]:
    problems = error.problems if isinstance(error, ExportProblems) else [error]
    return {(p.row, p.column) for p in problems} | {(p.row, None) for p in problems}


# --------------------------------------------------------------------------------------------------------------------
# The corpus


def test_the_corpus_covers_the_cases(codebooks):
    assert len(CASES) >= 20 and len(BY_ID) == len(CASES)
    assert {case["dialect"] for case in CASES} == {"coded_csv", "text_xlsx", "qualtrics_csv"}
    listed = {case["file"] for case in CASES}
    assert listed == {p.relative_to(CORPUS).as_posix() for case in CASES for p in (CORPUS / case["id"]).rglob("*")
                      if p.is_file()}, "every case directory holds exactly the file cases.yml lists"
    for case in CASES:
        assert case["outcome"] in ("error", "kept_and_listed", "read_ok") and case["stage"] in ("read", "validate",
                                                                                              "clean")
        assert case["outcome"] == "read_ok" or case["fragments"], case["id"]
        spec = codebooks[case["wave"]].wave(case["wave"])
        assert case["file"] == f"{case['id']}/{spec.file}", "the file has the name the wave's codebook expects"


def test_committed_corpus_is_reproducible(tmp_path):
    for written in make_corpus.main(tmp_path):
        relative = written.relative_to(tmp_path)
        assert written.read_bytes() == (CORPUS / relative).read_bytes(), (
            f"{relative} differs from a fresh generation: run "
            ".venv/bin/python tests/fixtures/bad_exports/make_corpus.py")


# --------------------------------------------------------------------------------------------------------------------
# Every case


@pytest.mark.parametrize("case", [c for c in CASES if c["outcome"] == "error"], ids=lambda c: c["id"])
def test_bad_export_gives_one_clear_message(case, codebooks):
    cb = codebooks[case["wave"]]
    spec, raw_dir, path = cb.wave(case["wave"]), CORPUS / case["id"], CORPUS / case["file"]
    before = _case_files()
    assert before[case["file"]] == case["sha256"]

    if case["stage"] == "read":
        with pytest.raises(ExportError) as caught:
            read_export(spec, raw_dir)
    else:
        raw = read_export(spec, raw_dir)
        with pytest.raises(ExportError) as caught:
            validate_export(raw, cb)
    error = caught.value
    message = str(error)
    missing = [fragment for fragment in case["fragments"] if fragment not in message]
    assert not missing, f"{case['id']}: {missing} not in the message:\n{message}"
    assert message.startswith(str(path)), "the message starts with the file"
    assert len(message.splitlines()) <= MAX_LINES, message
    assert "Traceback" not in message and 'File "' not in message
    if case["row"] is not None or case["column"] is not None:
        assert (case["row"], case["column"]) in _located(error), f"{case['id']}: not located at " \
                                                                 f"row {case['row']}, column {case['column']}"

    # The whole cleaning step stops with the same message.
    with pytest.raises(ExportError) as through_clean:
        clean_wave(case["wave"], raw_dir, codebook=cb, municipalities=FakeMunicipalities())
    assert str(through_clean.value) == message
    assert _case_files() == before, "reading changed the corpus"


@pytest.mark.parametrize("case", [c for c in CASES if c["outcome"] == "kept_and_listed"], ids=lambda c: c["id"])
def test_unmatched_municipality_is_kept_and_listed(case, codebooks):
    municipalities = _real_municipalities()
    before = _case_files()
    result = clean_wave(case["wave"], CORPUS / case["id"], codebook=codebooks[case["wave"]],
                        municipalities=municipalities)
    assert _case_files() == before
    (entry,) = [u for u in result.quality["unmatched"] if u["file_row"] == case["row"]]
    assert entry["status"] == case["status"]
    assert set(case["candidates_include"]) <= set(entry["candidates"])
    missing = [fragment for fragment in case["fragments"] if fragment not in entry["problem"]]
    assert not missing, f"{case['id']}: {missing} not in {entry['problem']!r}"
    unit = result.responses.set_index("response_id").loc[entry["response_id"]]
    assert unit["match_status"] == case["status"] and pd.isna(unit["municipality_code"])
    # The other rows of the file are ordinary units with a code.
    assert result.responses["municipality_code"].notna().sum() == len(result.responses) - 1


@pytest.mark.parametrize("case", [c for c in CASES if c["outcome"] == "read_ok"], ids=lambda c: c["id"])
def test_file_read_as_intended(case, codebooks):
    cb = codebooks[case["wave"]]
    before = _case_files()
    raw = read_export(cb.wave(case["wave"]), CORPUS / case["id"])
    validate_export(raw, cb)
    assert len(raw.table) == case["rows"] and list(raw.table.columns) == cb.wave(case["wave"]).expected_columns()
    assert _case_files() == before


def test_reads_leave_the_corpus_as_committed():
    assert _case_files() == {case["file"]: case["sha256"] for case in CASES}


# --------------------------------------------------------------------------------------------------------------------
# The user-facing path: the cleaning notebook under papermill


@pytest.fixture(scope="module")
def previous_processed(tmp_path_factory) -> Path:
    """A processed directory written earlier from a valid export (the base table of the corpus)."""
    cb = codebook()
    raw_dir, processed = tmp_path_factory.mktemp("valid_raw"), tmp_path_factory.mktemp("processed")
    make_corpus.write_table(make_corpus.base_table(2023, cb), 2023, cb, raw_dir)
    write_processed(clean_wave(2023, raw_dir, municipalities=FakeMunicipalities()), processed / "2023")
    return processed


@pytest.mark.parametrize("case_id", ["cp1252_encoding", "wrong_wave_file"])
def test_notebook_stops_with_the_located_message(case_id, previous_processed, tmp_path):
    papermill = pytest.importorskip("papermill")
    case = BY_ID[case_id]
    raw_dir = tmp_path / "raw"
    shutil.copytree(CORPUS / case["id"], raw_dir)
    before = {p.relative_to(previous_processed): _sha256(p) for p in previous_processed.rglob("*") if p.is_file()}
    assert before
    output = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(str(NOTEBOOK), str(output), cwd=str(NOTEBOOK.parent), kernel_name="flitspeiling",
                                   parameters={"year": case["wave"], "raw_dir": str(raw_dir),
                                               "processed_dir": str(previous_processed)},
                                   progress_bar=False, log_output=False)
    error = caught.value
    assert error.ename in ("ExportError", "ExportProblems")
    expected = str(raw_dir / case["file"].split("/", 1)[1])
    for text in (error.evalue, str(error)):
        assert expected in text and all(fragment in text for fragment in case["fragments"]), text
    # The notebook shows the message, not a traceback: no stack frames in the error output of the failing cell.
    cells = json.loads(output.read_text(encoding="utf-8"))["cells"]
    (shown,) = [o for cell in cells for o in cell.get("outputs", []) if o["output_type"] == "error"]
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(shown["traceback"]))  # without terminal colours
    assert expected in traceback and "File " not in traceback and "----> " not in traceback, traceback
    assert len(traceback.splitlines()) <= MAX_LINES
    # The processed data written before are untouched.
    after = {p.relative_to(previous_processed): _sha256(p) for p in previous_processed.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in previous_processed.iterdir()) == ["2023"]
