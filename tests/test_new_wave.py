"""Adding a wave (README, "Adding a wave"), worked through on a made-up 2024 wave in a third export dialect.

The fixture (tests/fixtures/wave2024/, see its README.md) is a hand-written waves/2024.yml in the dialect qualtrics_csv
and a small invented Qualtrics export. The session fixture `codebook_dir` assembles the codebook directory of the new
wave in a temporary directory (a copy of the current data/codebook plus that waves/2024.yml, make_fixture.py's
assemble_codebook); the pipeline is pointed at it with FLITSPEILING_CODEBOOK_DIR (helpers/__init__.py). The
municipality frame of 2024 comes from the rule for a wave after the last CBS list (helpers.data.municipalities: the 2023
list, since no reorganisation took effect in 2024).

(a) the codebook with 2024 loads and resolves the Qualtrics columns; (b) read_export + clean_wave give the designed
counts per rule; (c) the cleaning notebook runs for 2024 under papermill; (d) bad Qualtrics exports give located
errors; the fixture is reproducible and the environment variable reaches every module.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers.data.cleaning import clean_wave, load_cleaning_rules
from helpers.data.codebook import DIALECT_PROPERTIES, DIALECTS, SELECTED, CodebookError, load_codebook
from helpers.data.exports import ExportError, ExportProblems, read_export, write_export
from helpers.data.processed import read_processed, write_processed

FIXTURE = Path(__file__).parent / "fixtures" / "wave2024"
NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "00_opschonen.ipynb"
YEAR = 2024
ENV = helpers.CODEBOOK_DIR_ENV

sys.path.insert(0, str(FIXTURE))
import make_fixture  # noqa: E402


def _reference_available() -> bool:
    municipalities = pytest.importorskip("helpers.data.municipalities")
    try:
        municipalities.load_frame(2023)
    except (OSError, ValueError):
        return False
    return True


needs_reference = pytest.mark.skipif(not _reference_available(), reason="no CBS reference set (make reference)")


@pytest.fixture(scope="session")
def codebook_dir(tmp_path_factory) -> Path:
    """The codebook directory of the 2024 wave: data/codebook as it is now plus the fixture's waves/2024.yml."""
    return make_fixture.assemble_codebook(tmp_path_factory.mktemp("wave2024") / "codebook")


@pytest.fixture(scope="module")
def cb(codebook_dir):
    return load_codebook(codebook_dir)


@pytest.fixture(scope="module")
def spec(cb):
    return cb.wave(YEAR)


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """A copy of the fixture's survey folder, as data/raw would hold it."""
    directory = tmp_path / "raw"
    shutil.copytree(FIXTURE / "survey", directory / "survey")
    return directory


# --------------------------------------------------------------------------------------------------------------------
# (a) The codebook with 2024


def test_the_codebook_with_2024_loads(cb, spec):
    assert sorted(cb.waves) == [2018, 2019, 2020, 2021, 2022, 2023, 2024]
    assert spec.dialect == "qualtrics_csv" and spec.dialect_spec.first_data_row == 4
    assert (spec.frame_date.isoformat(), spec.size_reference_date.isoformat()) == ("2024-01-01", "2023-01-01")
    assert not spec.asks("vng_topics") and cb.wave(2023).asks("vng_topics")
    assert cb.waves_asking("vng_topics") == [2022, 2023]


def test_qualtrics_columns_resolve(spec):
    by_column = {c.column: c for c in spec.columns}
    assert spec.expected_columns()[:5] == ["ResponseId", "StartDate", "EndDate", "Finished", "Q1"]
    assert spec.ignored == ("Status", "Progress", "Duration (in seconds)", "RecordedDate", "DistributionChannel",
                            "UserLanguage")
    # {n} is the position of the item/option; for "other" the position of the option with the text field.
    assert [by_column[f"Q9_{n}"].item for n in (1, 2, 10)] == ["betrekken", "communicatie", "openbaar_vervoer"]
    assert (by_column["Q7_6_TEXT"].role, by_column["Q7_6_TEXT"].item) == ("other", "anders")
    assert (by_column["Q11_9_TEXT"].role, by_column["Q11_9_TEXT"].item) == ("other", "ander")
    assert (by_column["Q13_7_TEXT"].item, by_column["Q14_6_TEXT"].item) == ("anders", "anders")
    # Answers are choice texts; the relabelled 2024 wording maps onto the harmonised code.
    assert by_column["Q7"].values["Wij voeren de Lokale Inclusie Agenda uit."] == "uitgevoerd"
    assert "De Lokale Inclusie Agenda wordt uitgevoerd." not in by_column["Q7"].values
    assert by_column["Q12"].values == {"Ja": "ja", "Nee": "nee"}
    # A ticked box holds the option's label.
    assert by_column["Q13_6"].values == {"Geen behoefte aan ondersteuning op inhoud": SELECTED}
    # Row 2: the question texts, reworded where the wave file says so.
    assert by_column["Q6"].header_text == "Welke omschrijving past het best bij het beleid van uw gemeente?"
    assert by_column["Q9_2"].header_text.endswith(" - Toegankelijkheid van communicatie (website, brieven, sociale "
                                                  "media)")
    assert by_column["Q7_6_TEXT"].header_text.endswith(" - Anders, namelijk - Tekst")
    assert by_column["Q12_toelichting"].header_text == ("Kent u de ondersteuning vanuit het VNG-programma 'Iedereen "
                                                        "doet mee!'? - Toelichting")


def test_dialect_properties_are_declared_once():
    assert set(DIALECTS) == {"coded_csv", "text_xlsx", "qualtrics_csv"} == set(DIALECT_PROPERTIES)
    qualtrics = DIALECT_PROPERTIES["qualtrics_csv"]
    assert (qualtrics.question_codes, qualtrics.coded_answers, qualtrics.tick, qualtrics.separator) == (
        True, False, "label", ",")
    assert qualtrics.header_rows == ("ids", "texts", "import_ids") and qualtrics.finished == {"True": True,
                                                                                            "False": False}
    assert DIALECT_PROPERTIES["coded_csv"].tick == "mark" and DIALECT_PROPERTIES["coded_csv"].first_data_row == 2


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  status: Finished ", "  # status: Finished ", "map that column as metadata.status"),
    ("  lia_results: {qcode: Q8}", "  lia_results: {}", "lia_results: a coded export needs the question code"),
    ("item: '{qcode}_{n}'", "item: '{qcode}_{m}'", "export.columns.item '{qcode}_{m}' uses an unknown field"),
    ("relabel:                   #", "relabels:                   #", None),
    ("      uitgevoerd: Wij voeren", "      uitgevoerd_: Wij voeren", "relabel names unknown answers ['uitgevoerd_']"),
])
def test_mistakes_in_the_new_mapping_are_named(codebook_dir, tmp_path, old, new, message):
    directory = tmp_path / "codebook"
    shutil.copytree(codebook_dir, directory)
    path = directory / "waves" / "2024.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if message is None:  # an unknown key inside a question entry is ignored; the relabelled text then stays unknown
        values = load_codebook(directory).wave(YEAR).columns_for("lia_phase")[0].values
        assert "Wij voeren de Lokale Inclusie Agenda uit." not in values
        return
    with pytest.raises(CodebookError) as caught:
        load_codebook(directory)
    assert "waves/2024.yml" in str(caught.value) and message in str(caught.value)


def test_texts_templates_only_for_dialects_with_a_text_row(codebook_dir, tmp_path):
    directory = tmp_path / "codebook"
    shutil.copytree(codebook_dir, directory)
    path = directory / "waves" / "2023.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  dialect: coded_csv\n", "  dialect: coded_csv\n  texts: {answer: '{text}'}\n"),
                    encoding="utf-8")
    with pytest.raises(CodebookError, match="waves/2023.yml: export.texts"):
        load_codebook(directory)


# --------------------------------------------------------------------------------------------------------------------
# The municipality frame of a wave after the last CBS list


def _reference_copy(tmp_path: Path) -> Path:
    from helpers.data import municipalities

    source = municipalities.default_reference_dir()
    if not (source / "gemeenten_2023.csv").is_file():
        source = Path("/work/shared/reference")
    directory = tmp_path / "reference"
    directory.mkdir()
    for path in source.glob("*.csv"):
        shutil.copyfile(path, directory / path.name)
    return directory


@needs_reference
def test_2024_frame_is_the_2023_list_with_approximate_inhabitants():
    from helpers.data import municipalities as m

    assert m.available_waves() == (*m.WAVES, 2024)
    frame, list_2023 = m.load_frame(2024), m.load_list(2023)
    assert frame["population_approx"].all() and len(frame) == m.FRAME_SIZES[2024] == 342
    assert frame.drop(columns="population_approx").equals(list_2023)
    assert m.FRAME_SIZES.get(2025) is None and 2024 not in m.FRAME_SIZES  # the fixed sizes stay 2018-2023
    assert m.match_municipality("Den Bosch", 2024).codes == ("GM0796",)
    assert m.match_municipality("Weesp", 2024).status == "other_year"
    assert m.crosswalk_to_2023()["valid_to_year"].max() == 2023  # the crosswalk is that of the frames 2018-2023


@needs_reference
def test_a_later_wave_without_its_list_names_the_file_to_add(tmp_path):
    from helpers.data import municipalities as m

    reference = _reference_copy(tmp_path)
    with pytest.raises(m.FrameNotAvailable, match="gemeenten_2025.csv: the CBS list of 1 January 2025"):
        m.load_frame(2025, reference)
    with pytest.raises(ValueError, match="gemeenten_2025.csv"):
        m.match_municipality("Utrecht", 2025, reference_dir=reference)
    # A reorganisation in 2024 means the 2023 list is not the 2024 frame.
    with open(reference / "herindelingen.csv", "a", encoding="utf-8") as handle:
        handle.write("2024-01-01,GM0088,Schiermonnikoog,GM9999,Waddeneiland,merged into,made up for a test\n")
    with pytest.raises(m.FrameNotAvailable) as caught:
        m.load_frame(2024, reference)
    assert "records reorganisations after 1-1-2023 up to 2024 (1-1-2024 Waddeneiland)" in str(caught.value)
    assert str(reference / "gemeenten_2024.csv") in str(caught.value)
    assert m.available_waves(reference) == m.WAVES


@needs_reference
def test_a_later_list_is_used_and_extends_the_frames_by_a_year(tmp_path):
    from helpers.data import municipalities as m

    reference = _reference_copy(tmp_path)
    text = (reference / "gemeenten_2023.csv").read_text(encoding="utf-8")
    (reference / "gemeenten_2024.csv").write_text(text.replace("GM0344,Utrecht,Utrecht,367947",
                                                               "GM0344,Utrecht,Utrecht,370000"), encoding="utf-8")
    assert m.available_waves(reference) == (*m.WAVES, 2024, 2025)
    frame = m.load_frame(2024, reference)
    assert not frame["population_approx"].any() and m.population_on(2024, "GM0344", reference_dir=reference) == 370000
    assert m.load_frame(2025, reference)["population_approx"].all()  # 2025 = the 2024 list (no reorganisation)
    paths = m.build_frames(reference, tmp_path / "processed", waves=[2023, 2024])
    frames = pd.read_parquet(paths[0])
    assert frames.groupby("wave").size().to_dict() == {2023: 342, 2024: 342}
    assert frames.loc[frames["wave"] == 2024, "code_2023"].equals(frames.loc[frames["wave"] == 2024, "code"])


# --------------------------------------------------------------------------------------------------------------------
# The fixture and the environment variable


def test_committed_fixture_is_reproducible(tmp_path):
    """The export and its provenance are what make_fixture.py writes (with data/codebook + waves/2024.yml)."""
    written = make_fixture.main(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == ["survey/flitspeiling_2024.csv",
                                                                            "survey/provenance.yml"]
    for path in written:
        relative = path.relative_to(tmp_path)
        assert path.read_bytes() == (FIXTURE / relative).read_bytes(), (
            f"{relative} differs from a fresh generation: run .venv/bin/python tests/fixtures/wave2024/make_fixture.py")


def test_the_environment_variable_reaches_every_module(codebook_dir):
    """Every module that reads the codebook directory takes it from helpers.CODEBOOK_DIR, set from the environment:
    with the variable set, no module-level path of any helpers module points into data/codebook any more."""
    script = """
import importlib, json, pkgutil
from pathlib import Path
import helpers
from helpers.data import codebook, municipalities, published
default = helpers.DATA_DIR / "codebook"
paths, stuck = {}, []
for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
    module = importlib.import_module(info.name)
    short = info.name.removeprefix("helpers.")
    for name, value in vars(module).items():
        if isinstance(value, Path) and (value == helpers.CODEBOOK_DIR or helpers.CODEBOOK_DIR in value.parents):
            paths[short + "." + name] = str(value)
        if isinstance(value, Path) and (value == default or default in value.parents):
            stuck.append(short + "." + name)
print(json.dumps({
    "CODEBOOK_DIR": str(helpers.CODEBOOK_DIR),
    "waves": sorted(codebook.codebook().waves),
    "codebook_waves": municipalities.codebook_waves(),
    "published": sorted(published._wave_questions(2024)),
    "paths": paths,
    "stuck": stuck,
}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**os.environ, ENV: str(codebook_dir)})
    seen = json.loads(done.stdout)
    assert Path(seen["CODEBOOK_DIR"]) == codebook_dir
    assert seen["waves"] == seen["codebook_waves"] == [2018, 2019, 2020, 2021, 2022, 2023, 2024]
    assert "vng_topics" not in seen["published"] and "lia_phase" in seen["published"]
    assert seen["stuck"] == [], f"module-level paths still in data/codebook: {seen['stuck']}"
    assert {"data.cleaning.CLEANING_FILE", "data.cleaning.ALIASES_FILE", "data.municipalities.ALIASES_PATH",
            "data.municipalities.RESOLUTIONS_PATH"} <= set(seen["paths"])
    # A relative path is taken from the repository root, whatever the working directory (papermill: notebooks/).
    relative = Path(os.path.relpath(codebook_dir.resolve(), helpers.REPO_ROOT)).as_posix()  # ../../tmp/... here
    done = subprocess.run([sys.executable, "-c", "import helpers; print(helpers.CODEBOOK_DIR)"], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).parent, env={**os.environ, ENV: relative})
    assert Path(done.stdout.strip()).resolve() == codebook_dir.resolve()


# --------------------------------------------------------------------------------------------------------------------
# (b) Reading and cleaning the 2024 export


def test_round_trip_and_file_rows(spec, raw_dir, tmp_path):
    raw = read_export(spec, raw_dir)
    assert len(raw.table) == 40 and raw.file_rows == tuple(range(4, 44))
    rewritten = write_export(raw.table, spec, tmp_path / "again")
    assert rewritten.read_bytes() == (raw_dir / spec.file).read_bytes()
    first = raw.table.iloc[0]
    assert first["Finished"] == "True" and first["StartDate"].startswith("2024-02-05 ")


@pytest.fixture(scope="module")
def cleaned(cb, codebook_dir, tmp_path_factory):
    if not _reference_available():
        pytest.skip("no CBS reference set (make reference)")
    from helpers.data import municipalities

    raw_dir = tmp_path_factory.mktemp("raw2024")
    shutil.copytree(FIXTURE / "survey", raw_dir / "survey")
    with pytest.MonkeyPatch.context() as patch:
        # Set as for the notebook; this process imported helpers already, so the fixture's files are passed explicitly.
        patch.setenv(ENV, str(codebook_dir))
        result = clean_wave(YEAR, raw_dir, codebook=cb, rules=load_cleaning_rules(codebook_dir / "cleaning.yml"),
                            resolutions=municipalities.load_resolutions(YEAR,
                                                                        codebook_dir / "municipality_resolutions.yml"))
    out_dir = write_processed(result, tmp_path_factory.mktemp("processed") / str(YEAR))
    return result, out_dir


def test_counts_per_rule(cleaned):
    result, _ = cleaned
    steps = {s["step"]: (s["in"], s["removed"], s["added"], s["out"]) for s in result.quality["steps"]}
    assert steps == {
        "rows_in": (40, 0, 0, 40),
        "test_responses": (40, 1, 0, 39),
        "no_first_content": (39, 1, 0, 38),
        "municipality_matching": (38, 0, 0, 38),
        "joint_answers": (38, 0, 0, 38),
        "duplicates": (38, 1, 0, 37),
        "unmatched": (37, 0, 0, 37),
        "privacy": (37, 0, 0, 37),
        "routing": (37, 0, 0, 37),
    }
    counts = result.quality["counts"]
    assert counts["match_status"] == {"alias": 3, "ambiguous": 1, "exact": 34}
    assert (counts["units_out"], counts["identified_municipalities"], counts["unmatched_total"]) == (37, 36, 1)
    assert counts["not_routed_answers_dropped"] == 1
    assert counts["scrubbed"] == {"email": 1, "phone": 1, "ip": 0, "name": 1}
    assert counts["personal_columns_dropped"] == ["IPAddress", "Q3", "Q4", "Q5"]
    assert result.quality["source"] == {"file": "survey/flitspeiling_2024.csv", "dialect": "qualtrics_csv",
                                        "codebook": "waves/2024.yml"}
    assert result.quality["provenance"]["synthetic"] is True


def test_finished_false_counts_as_not_completed(cleaned, spec):
    result, _ = cleaned
    responses = result.responses
    assert int(responses["completed"].sum()) == 35
    unfinished = responses[~responses["completed"]]
    assert sorted(unfinished["municipality_name"]) == ["Emmen", "Harderwijk"]
    assert unfinished["submitted_at"].isna().all()
    # The unfinished first try of Amersfoort is the duplicate that goes.
    (duplicate,) = result.quality["duplicates"]
    assert duplicate["municipality_code"] == "GM0307" and duplicate["reason"] == "most_answered"


def test_frame_and_sizes_of_2024(cleaned):
    result, _ = cleaned
    parameters = result.quality["parameters"]
    assert (parameters["frame_date"], parameters["population_source"], parameters["population_year"]) == (
        "2024-01-01", "population_on", 2023)
    responses = result.responses.set_index("municipality_name")
    assert responses.at["'s-Hertogenbosch", "match_status"] == "alias"
    assert responses.at["Súdwest-Fryslân", "match_status"] == "exact"
    assert responses.at["Vlieland", "size_class"] == "lt10k" and bool(responses.at["Vlieland", "klein"])
    assert responses.at["Voorne aan Zee", "code_2023"] == "GM1992"
    assert [u["typed"] for u in result.quality["unmatched"]] == ["Bergen"]


def test_answers_follow_the_2024_mapping(cleaned):
    result, _ = cleaned
    answers = result.answers
    assert "vng_topics" not in set(answers["question"])
    assert set(answers.loc[answers["question"] == "lia_phase", "value"].dropna()) <= {
        "verkennend", "onderzocht", "ontwikkelen", "gereed", "uitgevoerd", "anders"}
    assert (answers["value"] == "uitgevoerd").any()
    other = answers[(answers["question"] == "obstacles") & (answers["kind"] == "other")]
    assert list(other["text"]) == ["Personeelstekort bij de bouwtoezichthouders."]
    texts = " ".join(answers["text"].dropna())
    assert "@" not in texts and "024-3299999" not in texts and "Anna Jansen" not in texts
    assert "Vragen? Mail [naam] via [e-mailadres] of bel [telefoonnummer]." in texts


def test_processed_files_have_no_personal_or_ignored_columns(cleaned):
    _, out_dir = cleaned
    responses, answers, quality = read_processed(YEAR, out_dir.parent)
    assert len(responses) == quality["counts"]["units_out"] == 37
    stored = " ".join(p.read_bytes().decode("latin-1") for p in out_dir.iterdir())
    # Values of personal and ignored columns (quality.json names the dropped columns, nothing more).
    for needle in ("192.0.2.", "Survey Preview", "anonymous", "@nijmegen.nl", "06-"):
        assert needle not in stored
    assert set(responses.columns).isdisjoint(["IPAddress", "Q3", "Q4", "Q5", "Status", "Progress"])


# --------------------------------------------------------------------------------------------------------------------
# (c) The cleaning notebook for 2024


@needs_reference
def test_cleaning_notebook_runs_for_2024(codebook_dir, raw_dir, tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    monkeypatch.setenv(ENV, str(codebook_dir))  # the kernel inherits it
    output = tmp_path / "00_opschonen.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(output), cwd=str(NOTEBOOK.parent), kernel_name="flitspeiling",
                               parameters={"year": YEAR, "raw_dir": str(raw_dir),
                                           "processed_dir": str(tmp_path / "processed")},
                               progress_bar=False, log_output=False)
    text = output.read_text(encoding="utf-8")
    assert "Bijlage: datakwaliteit en opschoning 2024" in text and "Let op: synthetische gegevens" in text
    assert "De export telt 40 rijen" in text and "Volledig ingezonden: 35 van 37 eenheden" in text
    responses, _, quality = read_processed(YEAR, tmp_path / "processed")
    assert len(responses) == quality["counts"]["units_out"] == 37
    assert quality["parameters"]["frame_date"] == "2024-01-01"


# --------------------------------------------------------------------------------------------------------------------
# (d) Bad Qualtrics exports


def _records(raw_dir: Path, spec) -> list[list[str]]:
    text = (raw_dir / spec.file).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(raw_dir: Path, spec, records: list[list[str]], separator: str = ",") -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(records)
    (raw_dir / spec.file).write_bytes(buffer.getvalue().encode("utf-8-sig"))


def _error(spec, raw_dir) -> ExportError:
    with pytest.raises(ExportError) as caught:
        read_export(spec, raw_dir)
    return caught.value


def test_missing_header_row_3(spec, raw_dir):
    records = _records(raw_dir, spec)
    _write(raw_dir, spec, records[:2] + records[3:])
    error = _error(spec, raw_dir)
    assert error.row == 3 and "header row 3 (import ids) is missing" in str(error)
    assert "Use choice text" in error.suggestion and "R_" in error.found


def test_missing_header_row_2(spec, raw_dir):
    records = _records(raw_dir, spec)
    _write(raw_dir, spec, records[:1] + records[2:])
    error = _error(spec, raw_dir)
    assert error.row == 2 and "the question-text row is missing" in str(error)


def test_wrong_separator(spec, raw_dir):
    _write(raw_dir, spec, _records(raw_dir, spec), separator=";")
    error = _error(spec, raw_dir)
    assert error.row == 1 and "not separated by commas" in str(error)
    assert "';'" in error.suggestion and "','" in error.suggestion


def test_wrong_question_text_names_the_column(spec, raw_dir):
    records = _records(raw_dir, spec)
    column = records[0].index("Q12")
    records[1][column] = "Bent u bekend met 'Iedereen doet mee!'?"
    _write(raw_dir, spec, records)
    error = _error(spec, raw_dir)
    assert (error.row, error.column) == (2, "Q12")
    assert "question text does not match the codebook for awareness_idm" in str(error)
    assert "Kent u de ondersteuning" in error.expected and "waves/2024.yml" in error.suggestion


def test_swapped_columns_are_recognised_by_their_texts(spec, raw_dir):
    records = _records(raw_dir, spec)
    a, b = records[0].index("Q9_1"), records[0].index("Q9_2")
    records[1][a], records[1][b] = records[1][b], records[1][a]
    _write(raw_dir, spec, records)
    error = _error(spec, raw_dir)
    assert isinstance(error, ExportProblems) and [p.column for p in error.problems] == ["Q9_1", "Q9_2"]
    assert "That is the text of column 'Q9_2'" in error.problems[0].suggestion


def test_import_id_of_another_question(spec, raw_dir):
    records = _records(raw_dir, spec)
    column = records[0].index("Q9_3")
    records[2][column] = '{"ImportId":"QID12_3"}'
    _write(raw_dir, spec, records)
    error = _error(spec, raw_dir)
    assert (error.row, error.column, error.found) == (3, "Q9_3", "QID12_3")
    assert "does not belong to question domains" in str(error)


def test_finished_written_as_numbers(spec, raw_dir):
    records = _records(raw_dir, spec)
    column = records[0].index("Finished")
    for record in records[3:]:
        record[column] = "1" if record[column] == "True" else "0"
    _write(raw_dir, spec, records)
    error = _error(spec, raw_dir)
    assert isinstance(error, ExportProblems) and error.problems[0].row == 4
    assert "'True' or 'False'" in str(error) and "Use choice text" in str(error)


def test_ragged_row_gets_the_row_number_a_person_sees(spec, raw_dir):
    records = _records(raw_dir, spec)
    records[9].append("extra")  # the 7th response, in row 10 of the file
    _write(raw_dir, spec, records)
    error = _error(spec, raw_dir)
    assert error.row == 10 and "cells, the header has" in str(error)


@needs_reference
def test_unknown_choice_text_with_a_suggestion(cb, codebook_dir, spec, raw_dir):
    records = _records(raw_dir, spec)
    column = records[0].index("Q7")
    row = next(i for i, r in enumerate(records) if r[column] == "Wij voeren de Lokale Inclusie Agenda uit.")
    records[row][column] = "De Lokale Inclusie Agenda wordt uitgevoerd."  # the 2023 wording in a 2024 file
    _write(raw_dir, spec, records)
    with pytest.raises(ExportProblems) as caught:
        clean_wave(YEAR, raw_dir, codebook=cb, rules=load_cleaning_rules(codebook_dir / "cleaning.yml"),
                   resolutions={})
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (row + 1, "Q7")
    assert "unknown answer for lia_phase" in str(problem)
    assert "Closest expected value: 'Wij voeren de Lokale Inclusie Agenda uit.'" in problem.suggestion
    assert "waves/2024.yml" in problem.suggestion


def test_processed_contract_unchanged_for_the_new_dialect(cleaned):
    result, _ = cleaned
    from helpers.data.cleaning import RESPONSES_COLUMNS

    assert list(result.responses.columns) == list(RESPONSES_COLUMNS)
    assert isinstance(result.responses, pd.DataFrame) and result.responses["response_id"].is_unique


# --------------------------------------------------------------------------------------------------------------------
# (e) The whole 2024 report, built as `make report YEAR=2024` does, into a temporary directory

REPORT_YML = NOTEBOOK.parent / "report.yml"


def _chapter_notebooks() -> list[Path]:
    """The notebooks of notebooks/report.yml in the order make runs them (by name: the summary, 06, after 01-05)."""
    import yaml

    outline = yaml.safe_load(REPORT_YML.read_text(encoding="utf-8"))
    return sorted((NOTEBOOK.parent / chapter["notebook"] for chapter in outline["chapters"]), key=lambda p: p.name)


@pytest.fixture(scope="module")
def report_2024(cb, codebook_dir, tmp_path_factory):
    """Processed 2024 (fixture) and 2023 (the stand-in in data/raw), every chapter run by helpers.publish.runner,
    then helpers.publish.assemble; returns the publication directory."""
    from helpers.publish import runner
    if not _reference_available():
        pytest.skip("no CBS reference set (make reference)")
    missing = [p.name for p in _chapter_notebooks() if not p.is_file()]
    if missing:
        pytest.skip(f"chapter notebooks of notebooks/report.yml not there yet: {', '.join(missing)}")
    from helpers.data import municipalities
    from helpers.data.codebook import codebook as project_codebook

    root = tmp_path_factory.mktemp("report2024")
    raw_dir, processed = root / "raw", root / "processed"
    shutil.copytree(FIXTURE / "survey", raw_dir / "survey")
    rules = load_cleaning_rules(codebook_dir / "cleaning.yml")
    write_processed(clean_wave(YEAR, raw_dir, codebook=cb, rules=rules, resolutions={}), processed / str(YEAR))
    write_processed(clean_wave(2023, helpers.RAW_DIR, codebook=project_codebook()), processed / "2023")
    municipalities.build_frames(out_dir=processed, waves=sorted(cb.waves))
    notebooks, parts = root / "build" / str(YEAR) / "notebooks", root / "build" / str(YEAR) / "parts"
    notebooks.mkdir(parents=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV, str(codebook_dir))  # papermill's kernels and the publish process inherit it
        for notebook in _chapter_notebooks():  # as make runs them: the runner records each run for publishing
            runner.run(notebook, YEAR, root, extra_parameters={"processed_dir": str(processed)})
        done = subprocess.run([sys.executable, "-m", "helpers.publish.assemble", "--year", str(YEAR), "--root", str(root),
                               "--report-yml", str(REPORT_YML)], capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "reports" / str(YEAR), parts


def test_the_2024_report_is_published(report_2024):
    reports, _ = report_2024
    for name in ("flitspeiling_2024.html", "flitspeiling_2024.pdf", "tabellenboek.xlsx", "cijfers.csv", "MANIFEST"):
        assert (reports / name).is_file() and (reports / name).stat().st_size > 0, name
    for notebook in _chapter_notebooks():
        assert (reports / f"{notebook.stem}.html").is_file() and (reports / f"{notebook.stem}.pdf").is_file()
    whole = (reports / "flitspeiling_2024.html").read_text(encoding="utf-8")
    assert "2024" in whole and "synthetische gegevens" in whole


def test_questions_not_asked_in_2024_are_noted_not_errors(report_2024):
    reports, parts = report_2024
    whole = (reports / "flitspeiling_2024.html").read_text(encoding="utf-8")
    assert "is in 2024 niet gesteld" in whole
    items = [item["id"] for path in parts.glob("*/manifest.json")
             for item in json.loads(path.read_text(encoding="utf-8"))["items"]]
    assert "vng_onderwerpen" not in items and "breedte" in items
