"""The cleaning step (helpers.data.cleaning, helpers.data.processed) on tiny hand-made exports, in both export dialects.

The standard cases (tests/fixtures/exports/exportbuilder.py, `standard_responses`), by respondent id:
1 Utrecht (complete, personal data in a comment), 2-3 test responses, 4 no first content answer, 5 joint answer for
Barendrecht/Albrandswaard/Ridderkerk, 6 Ridderkerk again with fewer answers, 7-8 Den Haag twice (8 later), 9 "Bergen"
(ambiguous), 10 no municipality, 11 Vlieland (answered lia_results although not routed), 12-13 Schiermonnikoog twice
(identical timestamps), 14 Bergen op Zoom (no multi-choice answers, "anders" with a text).
"""

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.core.reproducible import sha256_file
from helpers.data.cleaning import (
    ANSWERS_COLUMNS,
    RESPONSES_COLUMNS,
    CleaningError,
    clean_wave,
    duplicates_table,
    item_response_table,
    load_cleaning_rules,
    size_class_table,
    steps_table,
    unmatched_table,
)
from helpers.data.codebook import codebook
from helpers.data.exports import ExportProblems, read_export
from helpers.data.processed import read_processed, write_processed

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "exports"))
from exportbuilder import FakeMunicipalities, Response, full_answers, standard_responses, write_responses  # noqa: E402

CODED, TEXT = 2023, 2018  # coded_csv and text_xlsx
DIALECTS = pytest.mark.parametrize("year", [CODED, TEXT], ids=["coded_csv", "text_xlsx"])


@pytest.fixture(scope="module")
def cb():
    return codebook()


def _clean(year, raw_dir, **kwargs):
    return clean_wave(year, raw_dir, municipalities=FakeMunicipalities(), **kwargs)


@pytest.fixture(scope="module", params=[CODED, TEXT], ids=["coded_csv", "text_xlsx"])
def standard(request, tmp_path_factory):
    year = request.param
    raw_dir = tmp_path_factory.mktemp(f"raw{year}")
    write_responses(year, standard_responses(year), raw_dir)
    return year, raw_dir, _clean(year, raw_dir)


def _ids(result):
    return list(result.responses["response_id"])


def rid(year, number):
    return f"{year}-{int(number):04d}"


# --------------------------------------------------------------------------------------------------------------------
# The rules, in the order of cleaning.yml


def test_contract_columns_and_dtypes(standard):
    _, _, result = standard
    assert list(result.responses.columns) == list(RESPONSES_COLUMNS)
    assert list(result.answers.columns) == list(ANSWERS_COLUMNS)
    for column, dtype in RESPONSES_COLUMNS.items():
        assert str(result.responses[column].dtype) == dtype, column
    assert result.responses["response_id"].is_unique


def test_test_responses_removed(standard):
    year, _, result = standard
    assert result.quality["test_responses"] == [rid(year, 2), rid(year, 3)]
    assert result.quality["counts"]["test_responses"] == 2
    assert not {rid(year, 2), rid(year, 3)} & set(_ids(result))


def test_rows_without_first_content_excluded(standard):
    year, _, result = standard
    assert result.quality["excluded_no_first_content"] == [rid(year, 4)]
    assert rid(year, 4) not in _ids(result)
    step = next(s for s in result.quality["steps"] if s["step"] == "no_first_content")
    assert (step["in"], step["removed"], step["out"]) == (12, 1, 11)


def test_joint_answer_expanded_to_one_unit_per_municipality(standard):
    year, _, result = standard
    group = rid(year, 5)
    joint = result.responses[result.responses["joint_group"] == group]
    assert list(joint["response_id"]) == [f"{group}a", f"{group}b", f"{group}c"]
    assert list(joint["municipality_code"]) == ["GM0489", "GM0613", "GM0597"]
    assert set(joint["match_status"]) == {"joint"} and set(joint["respondent_id"]) == {"5"}
    answers = result.answers.set_index("response_id")
    a, c = answers.loc[f"{group}a"].reset_index(drop=True), answers.loc[f"{group}c"].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, c)  # the same answers count for every municipality named
    assert result.quality["counts"]["joint_units_added"] == 2
    assert result.quality["joint"] == [{"joint_group": group, "response_ids": list(joint["response_id"]),
                                        "municipality_codes": ["GM0489", "GM0613", "GM0597"]}]


def test_duplicates_keep_rule_with_tie_breaks(standard):
    year, _, result = standard
    listed = {d["municipality_code"]: d for d in result.quality["duplicates"]}
    # Ridderkerk: the joint unit answered more questions than the later solo response.
    assert listed["GM0597"]["kept"] == f"{rid(year, 5)}c" and listed["GM0597"]["removed"] == [rid(year, 6)]
    assert listed["GM0597"]["reason"] == "most_answered"
    # Den Haag: as many answers; the latest submission wins.
    assert (listed["GM0518"]["kept"], listed["GM0518"]["reason"]) == (rid(year, 8), "latest_submission")
    # Schiermonnikoog: everything equal; the highest respondent id wins.
    assert (listed["GM0088"]["kept"], listed["GM0088"]["reason"]) == (rid(year, 13), "highest_id")
    assert result.quality["counts"]["duplicates_removed"] == 3
    assert result.responses["municipality_code"].dropna().is_unique
    table = duplicates_table(result.quality)
    assert list(table["Behouden"]) == [rid(year, 13), rid(year, 8), f"{rid(year, 5)}c"]


@DIALECTS
def test_duplicates_latest_start_breaks_a_tie(tmp_path, year):
    answers = full_answers(year)
    write_responses(year, [
        Response("21", "Utrecht", answers, started="{year}-02-01 09:00:00", submitted="{year}-02-02 09:00:00"),
        Response("20", "Utrecht", answers, started="{year}-02-01 11:00:00", submitted="{year}-02-02 09:00:00"),
        Response("22", "Utrecht", answers, started="{year}-02-01 10:00:00", submitted="{year}-02-02 09:00:00"),
    ], tmp_path)
    result = _clean(year, tmp_path)
    assert _ids(result) == [rid(year, 20)]
    assert result.quality["duplicates"][0]["reason"] == "latest_start"
    assert result.quality["duplicates"][0]["removed"] == [rid(year, 22), rid(year, 21)]


def test_unmatched_units_kept_without_code_and_listed(standard):
    year, _, result = standard
    unmatched = result.responses[result.responses["municipality_code"].isna()]
    assert list(unmatched["response_id"]) == [rid(year, 9), rid(year, 10)]
    assert list(unmatched["match_status"]) == ["ambiguous", "empty"]
    assert unmatched["size_class"].isna().all() and unmatched["klein"].isna().all()
    assert not unmatched["in_frame"].any()
    listed = result.quality["unmatched"]
    assert [u["response_id"] for u in listed] == [rid(year, 9), rid(year, 10)]
    assert listed[0]["typed"] == "Bergen" and "ambiguous" in listed[0]["message"]
    assert listed[0]["candidates"] == ["Bergen (NH.)", "Bergen (L.)"] and listed[0]["file_row"] == 10
    assert result.quality["counts"]["unmatched"] == {"ambiguous": 1, "empty": 1, "other_year": 0, "unknown": 0}
    assert len(unmatched_table(result.quality)) == 2


def test_typed_name_of_unmatched_unit_is_scrubbed(tmp_path):
    write_responses(CODED, [Response("1", "gemeente van Jan Jansen, 06-12345678", full_answers(CODED),
                                     personal={"name": "Jan Jansen"})], tmp_path)
    result = _clean(CODED, tmp_path)
    entry = result.quality["unmatched"][0]
    assert entry["status"] == "unknown"
    assert entry["typed"] == "gemeente van [naam], [telefoonnummer]"
    assert "Jansen" not in json.dumps(result.quality) and "12345678" not in json.dumps(result.quality)


def test_resolutions_and_other_year(tmp_path):
    write_responses(CODED, [Response("1", "Bergen", full_answers(CODED)), Response("2", "Weesp", full_answers(CODED))],
                    tmp_path)
    result = _clean(CODED, tmp_path, resolutions={"Bergen": {"code": "GM0373", "reason": "e-mail domain checked"}})
    responses = result.responses.set_index("response_id")
    assert responses.at[rid(CODED, 1), "match_status"] == "resolved"
    assert responses.at[rid(CODED, 1), "municipality_code"] == "GM0373"
    # other_year names the municipality now covering the typed one: information for a decision, not a match.
    assert responses.at[rid(CODED, 2), "match_status"] == "other_year"
    assert pd.isna(responses.at[rid(CODED, 2), "municipality_code"])
    assert result.quality["counts"]["unmatched"]["other_year"] == 1


def test_personal_columns_absent_from_every_output(standard):
    year, raw_dir, result = standard
    spec = codebook().wave(year)
    raw = read_export(spec, raw_dir)
    personal_values = {str(v) for column in spec.personal.values() for v in raw.table[column].dropna()}
    assert personal_values  # the fixture has personal data
    outputs = (result.responses.to_csv(index=False) + result.answers.to_csv(index=False)
               + json.dumps(result.quality, default=str))
    for value in personal_values:
        assert value not in outputs, value
    for column in spec.personal.values():
        assert column not in result.responses.columns
    assert result.quality["counts"]["personal_columns_dropped"] == sorted(spec.personal.values())


def test_free_text_scrubbed_with_placeholders(standard):
    year, _, result = standard
    answers = result.answers
    comment = answers[(answers["response_id"] == rid(year, 1)) & (answers["question"] == "lia_phase")
                      & (answers["kind"] == "comment")]["text"].item()
    assert comment == "Vragen? Mail [e-mailadres] of bel [telefoonnummer] ([naam])."
    other = answers[(answers["response_id"] == rid(year, 14)) & (answers["kind"] == "other")]
    assert list(other["item"]) == ["anders"]
    assert other["text"].item() == "Eerste LIA afgerond, tweede in de maak; info: [telefoonnummer]"
    assert result.quality["counts"]["scrubbed"] == {"email": 1, "ip": 0, "name": 1, "phone": 2}


def test_numbers_in_text_columns_are_fine(standard):
    year, _, result = standard
    texts = result.answers[result.answers["kind"] == "text"]["text"]
    assert texts.str.contains("12 ervaringsdeskundigen").any()


def test_routing_violations_dropped_and_counted(standard):
    year, _, result = standard
    answers = result.answers
    if not codebook().wave(year).asks("lia_results"):
        assert result.quality["counts"]["not_routed_answers_dropped"] == 0
        return
    assert result.quality["not_routed"] == [{"response_id": rid(year, 11), "question": "lia_results", "n_values": 1,
                                             "condition": {"lia_phase": ["uitgevoerd", "anders"]}}]
    assert result.quality["counts"]["not_routed_answers_dropped"] == 1
    assert answers[(answers["response_id"] == rid(year, 11)) & (answers["question"] == "lia_results")].empty
    # Routed respondents keep their answer: 1 (uitgevoerd) and 14 (anders).
    routed = answers[answers["question"] == "lia_results"]["response_id"]
    assert set(routed) == {rid(year, 1), rid(year, 14)}
    assert result.quality["item_response"]["lia_results"]["n_routed"] == 2


def test_multi_selected_rows_only_for_answering_units(standard):
    year, _, result = standard
    spec = codebook().wave(year)
    answers = result.answers
    options = [c.item for c in spec.columns_for("support_form") if c.role == "selected"]
    rows = answers[(answers["question"] == "support_form") & (answers["kind"] == "selected")]
    first = rows[rows["response_id"] == rid(year, 1)]
    assert list(first["item"]) == options  # every option of the wave, in questionnaire order
    assert set(first["value"]) == {"1", "0"} and (first["value"] == "1").sum() == 2
    assert rid(year, 14) not in set(rows["response_id"])  # ticked nothing: no rows
    assert result.quality["item_response"]["support_form"]["n_answered"] == len(result.responses) - 1


def test_only_non_empty_answers_stored_and_sorted(standard):
    _, _, result = standard
    answers = result.answers
    assert answers[["value", "text"]].notna().sum(axis=1).eq(1).all()
    assert (answers.loc[answers["kind"].isin(["answer", "selected"]), "value"].notna()).all()
    assert answers["response_id"].is_monotonic_increasing
    assert set(answers["response_id"]) <= set(result.responses["response_id"])


def test_size_class_klein_and_frame(standard):
    year, _, result = standard
    responses = result.responses.set_index("response_id")
    assert responses.at[rid(year, 11), "size_class"] == "lt10k" and bool(responses.at[rid(year, 11), "klein"])
    assert responses.at[rid(year, 1), "population"] == 361924
    assert not responses.at[rid(year, 1), "klein"]
    assert responses.at[rid(year, 1), "province"] == "Utrecht"
    assert responses.at[rid(year, 8), "municipality_name"] == "'s-Gravenhage"
    assert responses.at[rid(year, 8), "code_2023"] == "GM0518"
    table = size_class_table(result.responses)
    assert table["n"].sum() == len(result.responses)


def test_small_threshold_is_a_parameter(tmp_path):
    write_responses(CODED, [Response("1", "Vlieland", full_answers(CODED)),
                            Response("2", "Schiermonnikoog", full_answers(CODED))], tmp_path)
    result = _clean(CODED, tmp_path, small_threshold=1000)
    assert list(result.responses["klein"]) == [False, True]
    assert result.quality["parameters"]["small_threshold"] == 1000


def test_completed_and_last_question(tmp_path):
    write_responses(CODED, [Response("1", "Utrecht", {"lia_phase": "verkennend", "domains": {"sport": "veel"}},
                                     submitted=None, last_page="2")], tmp_path)
    result = _clean(CODED, tmp_path)
    row = result.responses.iloc[0]
    assert not row["completed"] and pd.isna(row["submitted_at"]) and row["last_question"] == "domains"
    assert result.quality["item_response"]["vng_topics"]["n_answered"] == 0


def test_joint_answers_once(tmp_path):
    write_responses(CODED, standard_responses(CODED), tmp_path)
    rules = dataclasses.replace(load_cleaning_rules(), joint_answers="once")
    result = _clean(CODED, tmp_path, rules=rules)
    joint = result.responses[result.responses["joint_group"] == rid(CODED, 5)]
    assert list(joint["response_id"]) == [rid(CODED, 5)] and joint["municipality_code"].isna().all()
    # Ridderkerk's own response is then the only one with its code.
    assert "GM0597" in set(result.responses["municipality_code"].dropna())


def test_steps_table_rows_in_and_out(standard):
    _, _, result = standard
    table = steps_table(result.quality)
    assert list(table["In"])[0] == 14 and list(table["Uit"])[-1] == len(result.responses) == 10
    assert (table["In"] - table["Eruit"] + table["Erbij"] == table["Uit"]).all()
    assert (table["Uit"].iloc[:-1].to_numpy() == table["In"].iloc[1:].to_numpy()).all()
    items = item_response_table(result.quality)
    assert list(items["Vraag"]) == list(codebook().wave(result.year).questions)


# --------------------------------------------------------------------------------------------------------------------
# Value validation


def _problems(year, raw_dir) -> ExportProblems:
    with pytest.raises(ExportProblems) as caught:
        _clean(year, raw_dir)
    return caught.value


@DIALECTS
def test_exclusive_option_with_others_is_an_error(tmp_path, year):
    answers = {**full_answers(year), "support_content": ["geen_behoefte", "nulmeting"]}
    write_responses(year, [Response("1", "Utrecht", answers)], tmp_path)
    error = _problems(year, tmp_path)
    (problem,) = error.problems
    assert problem.row == 2 and "exclusive option 'geen_behoefte'" in problem.problem
    assert "nulmeting" in problem.found


def test_unknown_answer_code_names_row_column_and_suggestion(tmp_path):
    write_responses(CODED, [Response("1", "Utrecht", full_answers(CODED)),
                            Response("2", "Utrecht", full_answers(CODED), raw={"G02Q02": "A7", "G04Q01": "y"})],
                    tmp_path)
    error = _problems(CODED, tmp_path)
    assert len(error.problems) == 2
    first = error.problems[0]
    assert (first.row, first.column, first.found) == (3, "G02Q02", "A7")
    assert "'A1'" in first.expected and "Closest expected value" in first.suggestion
    second = error.problems[1]
    assert second.column == "G04Q01" and "Closest expected value: 'Y'" in second.suggestion
    message = str(error)
    assert "flitspeiling_2023.csv" in message and "row 3, column 'G02Q02'" in message


def test_unknown_answer_label_in_text_export(tmp_path):
    spec = codebook().wave(TEXT)
    column = next(c.column for c in spec.columns_for("lia_phase") if c.role == "answer")
    typo = "Wij zitten in de verkennende fase; wij zijn aan het onderzoeken wat de ratificatie betekent."
    write_responses(TEXT, [Response("1", "Utrecht", full_answers(TEXT), raw={column: typo})], tmp_path)
    (problem,) = _problems(TEXT, tmp_path).problems
    assert problem.row == 2 and problem.column == column
    assert "Closest expected value: 'Wij zitten in de verkennende fase; wij zijn aan het onderzoeken" in problem.suggestion


def test_labels_with_other_whitespace_are_accepted(tmp_path):
    spec = codebook().wave(TEXT)
    column = next(c for c in spec.columns_for("lia_phase") if c.role == "answer")
    label = next(raw for raw, code in column.values.items() if code == "verkennend")
    write_responses(TEXT, [Response("1", "Utrecht", full_answers(TEXT), raw={column.column: "  " + label.replace(" ", "  ")})],
                    tmp_path)
    result = _clean(TEXT, tmp_path)
    value = result.answers[(result.answers["question"] == "lia_phase") & (result.answers["kind"] == "answer")]["value"]
    assert value.item() == "verkennend"


@DIALECTS
def test_duplicate_respondent_ids_name_both_rows(tmp_path, year):
    write_responses(year, [Response("7", "Utrecht", full_answers(year)), Response("8", "Vlieland", full_answers(year)),
                           Response("7", "Rotterdam", full_answers(year))], tmp_path)
    (problem,) = _problems(year, tmp_path).problems
    assert "respondent id '7' occurs twice (rows 2 and 4)" in problem.problem and problem.row == 4


@DIALECTS
def test_future_or_wrong_wave_date(tmp_path, year):
    write_responses(year, [Response("1", "Utrecht", full_answers(year), started="2031-02-01 10:00:00",
                                    submitted="2031-02-01 10:30:00"),
                           Response("2", "Utrecht", full_answers(year), started=f"{year - 2}-12-01 10:00:00",
                                    submitted=f"{year}-01-05 10:00:00")], tmp_path)
    problems = _problems(year, tmp_path).problems
    assert [(p.row, "future/wrong wave" in p.problem) for p in problems] == [(2, True), (2, True), (3, True)]
    assert "Check the file name" in problems[0].suggestion


def test_timestamps_order_and_last_page(tmp_path):
    write_responses(CODED, [
        Response("1", "Utrecht", full_answers(CODED), started="{year}-02-01 10:00:00", submitted="{year}-01-31 10:00:00"),
        Response("2", "Utrecht", full_answers(CODED), started="01-02-2023 10:00", last_page="vijf"),
        Response("", "Utrecht", full_answers(CODED)),
    ], tmp_path)
    problems = _problems(CODED, tmp_path).problems
    found = {(p.row, p.column): p.problem for p in problems}
    assert found[(4, "id")] == "the respondent id is empty"
    assert found[(2, "submitdate")] == "submitted before it was started"
    assert found[(3, "startdate")] == "not a timestamp"
    assert found[(3, "lastpage")] == "the last page is not a whole number"


def test_at_most_ten_problems_shown(tmp_path):
    responses = [Response(str(i), "Utrecht", full_answers(CODED), raw={"G02Q02": "A9"}) for i in range(1, 15)]
    write_responses(CODED, responses, tmp_path)
    error = _problems(CODED, tmp_path)
    assert len(error.problems) == 14
    message = str(error)
    assert message.count("\n  - ") == 11 and "and 4 more" in message
    for line in message.splitlines()[1:11]:  # one line per problem: row, column, found, expected, suggestion
        assert "row " in line and "column 'G02Q02'" in line and "found 'A9'" in line and "expected" in line


def test_bad_cleaning_rules_file(tmp_path):
    path = tmp_path / "cleaning.yml"
    path.write_text("test_responses: {municipality_pattern: '^test'}\nduplicates: {keep: first}\n", encoding="utf-8")
    with pytest.raises(CleaningError, match="cleaning.yml: duplicates.keep 'first' is not known"):
        load_cleaning_rules(path)


def test_the_shipped_rules_load():
    rules = load_cleaning_rules()
    assert rules.joint_answers == "per_municipality" and "movisie.nl" in rules.test_email_domains
    assert rules.placeholders["phone"] == "[telefoonnummer]"


# --------------------------------------------------------------------------------------------------------------------
# Provenance and processed files


def _provenance(raw_dir: Path, year: int, sha: str):
    spec = codebook().wave(year)
    document = {"files": [{"wave": year, "file": spec.file, "sha256": sha, "synthetic": True}]}
    (raw_dir / "survey" / "provenance.yml").write_text(yaml.safe_dump(document), encoding="utf-8")


def test_synthetic_only_when_the_hash_matches(tmp_path):
    path = write_responses(CODED, standard_responses(CODED), tmp_path)
    assert _clean(CODED, tmp_path).quality["provenance"]["data_status"] == "real/unknown"
    _provenance(tmp_path, CODED, sha256_file(path))
    provenance = _clean(CODED, tmp_path).quality["provenance"]
    assert provenance["synthetic"] is True and provenance["data_status"] == "synthetic"
    assert provenance["input_files"] == [{"file": "survey/flitspeiling_2023.csv", "sha256": sha256_file(path),
                                          "size_bytes": path.stat().st_size}]
    _provenance(tmp_path, CODED, "0" * 64)
    provenance = _clean(CODED, tmp_path).quality["provenance"]
    assert provenance["synthetic"] is False and provenance["data_status"] == "real/unknown"
    assert "another sha256" in provenance["provenance_note"]


def _hashes(directory: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@DIALECTS
def test_write_processed_is_deterministic_and_round_trips(tmp_path, year):
    raw_dir = tmp_path / "raw"
    write_responses(year, standard_responses(year), raw_dir)
    first = write_processed(_clean(year, raw_dir), tmp_path / "a" / str(year))
    second = write_processed(_clean(year, raw_dir), tmp_path / "b" / str(year))
    assert _hashes(first) == _hashes(second)
    assert sorted(_hashes(first)) == ["answers.parquet", "quality.json", "responses.parquet"]
    responses, answers, quality = read_processed(year, tmp_path / "a")
    result = _clean(year, raw_dir)
    pd.testing.assert_frame_equal(responses, result.responses)
    pd.testing.assert_frame_equal(answers, result.answers)
    assert quality == json.loads(json.dumps(result.quality, default=str))
    text = (first / "quality.json").read_text(encoding="utf-8")
    assert text == json.dumps(quality, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert str(tmp_path) not in text  # no absolute paths


def test_failed_clean_leaves_previous_processed_files_untouched(tmp_path, monkeypatch):
    raw_dir, out = tmp_path / "raw", tmp_path / "processed" / str(CODED)
    write_responses(CODED, standard_responses(CODED), raw_dir)
    write_processed(_clean(CODED, raw_dir), out)
    before = _hashes(out)
    # A broken export: cleaning fails before anything is written.
    write_responses(CODED, [Response("1", "Utrecht", full_answers(CODED), raw={"G02Q02": "A9"})], raw_dir)
    with pytest.raises(ExportProblems):
        write_processed(_clean(CODED, raw_dir), out)
    assert _hashes(out) == before
    # A write that fails half-way: the previous files stay, no temporary directory is left behind.
    write_responses(CODED, standard_responses(CODED)[:3] + standard_responses(CODED)[4:], raw_dir)
    result = _clean(CODED, raw_dir)
    import helpers.data.processed as processed

    original = processed._write_parquet

    def fail_on_answers(frame, columns, path):
        if path.name == "answers.parquet":
            raise OSError("disk full")
        original(frame, columns, path)

    monkeypatch.setattr(processed, "_write_parquet", fail_on_answers)
    with pytest.raises(OSError, match="disk full"):
        write_processed(result, out)
    assert _hashes(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [str(CODED)]


def test_read_processed_missing_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="no processed data for 2021.*run the cleaning step"):
        read_processed(2021, tmp_path)


# --------------------------------------------------------------------------------------------------------------------
# With the real municipality frame (skipped when the CBS reference set is not there)


def test_standard_cases_with_the_real_municipality_frame(tmp_path):
    municipalities = pytest.importorskip("helpers.data.municipalities")
    try:
        municipalities.load_frame(CODED)
    except (OSError, ValueError) as error:
        pytest.skip(f"no CBS reference set: {error}")
    write_responses(CODED, standard_responses(CODED), tmp_path)
    result = clean_wave(CODED, tmp_path)
    responses = result.responses.set_index("response_id")
    assert responses.at[rid(CODED, 8), "municipality_code"] == "GM0518"
    assert responses.at[rid(CODED, 1), "population"] > 300_000
    assert responses.at[rid(CODED, 11), "size_class"] == "lt10k"
    assert list(responses.loc[[f"{rid(CODED, 5)}{s}" for s in "abc"], "municipality_code"]) == [
        "GM0489", "GM0613", "GM0597"]
    assert [u["status"] for u in result.quality["unmatched"]] == ["ambiguous", "empty"]


# --------------------------------------------------------------------------------------------------------------------
# The committed fixture exports and the notebook

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "00_opschonen.ipynb"


def test_committed_fixture_exports_are_reproducible(tmp_path):
    from make_fixtures import main

    for written in main(tmp_path):
        relative = written.relative_to(tmp_path)
        assert written.read_bytes() == (FIXTURES / relative).read_bytes(), relative


def test_notebook_is_stored_clean_with_plain_parameters():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"] == {"name": "flitspeiling", "display_name": "Python (flitspeiling)",
                                                  "language": "python"}
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    (parameters,) = [cell for cell in code if "parameters" in cell["metadata"].get("tags", [])]
    assert "".join(parameters["source"]).splitlines() == [
        "year = 2023", 'raw_dir = "../data/raw"',
        'processed_dir = ""  # make passes ../data/processed; empty: a run outside make writes to build/<year>/interactive/',
        "small_threshold = 25000"]


def test_notebook_runs_on_the_fixture_exports(tmp_path):
    papermill = pytest.importorskip("papermill")
    municipalities = pytest.importorskip("helpers.data.municipalities")
    try:
        municipalities.load_frame(CODED)
    except (OSError, ValueError) as error:
        pytest.skip(f"no CBS reference set: {error}")
    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(output), cwd=str(NOTEBOOK.parent), kernel_name="flitspeiling",
                               parameters={"year": CODED, "raw_dir": str(FIXTURES),
                                           "processed_dir": str(tmp_path / "processed")},
                               progress_bar=False, log_output=False)
    text = output.read_text(encoding="utf-8")
    assert "Bijlage: datakwaliteit en opschoning 2023" in text and "Let op: synthetische gegevens" in text
    responses, _, quality = read_processed(CODED, tmp_path / "processed")
    assert len(responses) == quality["counts"]["units_out"] == 10


@DIALECTS
def test_an_export_of_test_responses_only_stops_the_cleaning(tmp_path, year):
    """A wave of 0 units used to be written without a word; now the cleaning names the file, what it removed and why."""
    responses = [response for response in standard_responses(year) if response.id in {"2", "3"}]
    write_responses(year, responses, tmp_path)
    with pytest.raises(CleaningError) as caught:
        _clean(year, tmp_path)
    message = str(caught.value)
    assert "no response survives the cleaning" in message and "2 rows, 2 test responses" in message
    assert str(year) in message and "first content question" in message
