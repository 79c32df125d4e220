"""The contracts of the processed tables (helpers.data.schemas, pandera), checked where the tables are written and
read: a table that breaks one is refused with the file, the column, what was expected, the rows and a fix."""

import dataclasses
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers.data.cleaning import clean_wave
from helpers.data.codebook import codebook
from helpers.data.processed import ProcessedDataError, read_frames, read_processed, write_processed
from helpers.data.schemas import answers_schema, check, frames_schema, responses_schema

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "exports"))
from exportbuilder import FakeMunicipalities, standard_responses, write_responses  # noqa: E402

YEAR = 2023


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    raw_dir = tmp_path_factory.mktemp("raw")
    write_responses(YEAR, standard_responses(YEAR), raw_dir)
    return clean_wave(YEAR, raw_dir, municipalities=FakeMunicipalities())


def _with(result, **tables):
    return dataclasses.replace(result, **tables)


def _refused(result, tmp_path) -> str:
    out = tmp_path / "processed" / str(YEAR)
    with pytest.raises(ProcessedDataError) as error:
        write_processed(result, out)
    assert not out.exists()  # nothing written
    return str(error.value)


def test_a_cleaned_wave_keeps_its_contract(result):
    spec = codebook().wave(YEAR)
    check(result.responses, responses_schema(YEAR, spec), "responses", "")
    check(result.answers, answers_schema(YEAR, spec), "answers", "")


def test_an_answer_code_outside_the_codebook_is_refused_at_write(result, tmp_path):
    answers = result.answers.copy()
    row = answers.index[answers["kind"] == "answer"][0]
    answers.loc[row, "value"] = "nonsense"
    message = _refused(_with(result, answers=answers), tmp_path)
    assert "answers.parquet" in message and "an answer code of its question in 2023.yml" in message
    assert f"row {row}" in message and "Fix:" in message


def test_a_question_the_wave_did_not_ask_is_refused(result, tmp_path):
    answers = result.answers.copy()
    answers.loc[answers.index[0], "question"] = "not_a_question"
    message = _refused(_with(result, answers=answers), tmp_path)
    assert "column 'question'" in message and "'not_a_question'" in message


def test_a_repeated_response_id_is_refused(result, tmp_path):
    responses = pd.concat([result.responses, result.responses.iloc[[0]]], ignore_index=True)
    message = _refused(_with(result, responses=responses), tmp_path)
    assert "responses.parquet" in message and "column 'response_id': expected a value no other row has" in message


def test_a_repeated_answer_cell_is_refused(result, tmp_path):
    answers = pd.concat([result.answers, result.answers.iloc[[0]]], ignore_index=True)
    assert "answers.parquet" in _refused(_with(result, answers=answers), tmp_path)


def test_an_answer_without_a_response_is_refused(result, tmp_path):
    answers = result.answers.copy()
    answers.loc[answers.index[0], "response_id"] = "2023-9999"
    message = _refused(_with(result, answers=answers), tmp_path)
    assert "'2023-9999'" in message and "without a row in responses.parquet" in message


def test_a_personal_column_is_refused_by_name(result):
    spec = codebook().wave(YEAR)
    export_column = next(iter(spec.personal.values()))
    responses = result.responses.assign(**{export_column: "jan@example.org"})
    with pytest.raises(ProcessedDataError, match=f"personal column.*{export_column}"):
        write_processed(_with(result, responses=responses), "/nonexistent/never-written")


def test_any_other_column_is_refused_too(result):
    with pytest.raises(ProcessedDataError, match=r"column .notes.: expected no column outside the contract"):
        check(result.responses.assign(notes="x"), responses_schema(YEAR), "responses", "")


def test_stored_tables_are_checked_when_read(result, tmp_path):
    """A processed file changed after the cleaning (or older than the codebook) is refused with `make data`."""
    out = write_processed(result, tmp_path / str(YEAR))
    table = pq.read_table(out / "answers.parquet")
    question = table.column("question").to_pylist()
    question[0] = "removed_from_the_codebook"
    pq.write_table(table.set_column(table.schema.get_field_index("question"), "question",
                                    pa.array(question, pa.string())), out / "answers.parquet")
    with pytest.raises(ProcessedDataError, match=r"(?s)answers\.parquet.*column 'question'.*make data"):
        read_processed(YEAR, tmp_path)


def test_frames_keep_their_contract_and_a_wrong_province_is_named(tmp_path):
    frames = pd.DataFrame({"wave": [2023, 2023], "code": ["GM0014", "GM0034"], "name": ["Groningen", "Almere"],
                           "province": ["Groningen", "Flevoland"], "population_frame": pd.array([1, 2], "Int64"),
                           "population_approx": [False, False], "code_2023": ["GM0014", "GM0034"]})
    frames.to_parquet(tmp_path / "frames.parquet")
    assert len(read_frames(tmp_path)) == 2
    wrong = frames.assign(province=["Groningen", "Friesland"])
    with pytest.raises(ProcessedDataError, match=r"column 'province'.*isin.*row 1: 'Friesland'"):
        check(wrong, frames_schema(), "frames.parquet", "")
    with pytest.raises(ProcessedDataError, match=r"column 'wave': expected a combination of \(wave, code\) that no"):
        check(pd.concat([frames, frames]), frames_schema(), "frames.parquet", "")
