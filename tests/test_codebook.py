"""The codebook (helpers.data.codebook): the shipped files load and are consistent; broken files give a located error."""

import shutil
from pathlib import Path

import pytest

from helpers import CODEBOOK_DIR
from helpers.data.codebook import COLUMN_ROLES, CodebookError, codebook, load_codebook

WAVES = (2018, 2019, 2020, 2021, 2022, 2023)


@pytest.fixture(scope="module")
def cb():
    return codebook()


def test_shipped_codebook_loads_every_wave(cb):
    assert sorted(cb.waves) == list(WAVES)
    for year in WAVES:
        wave = cb.wave(year)
        assert wave.year == year and wave.columns


@pytest.mark.parametrize("year", WAVES)
def test_every_wave_maps_the_first_content_question(cb, year):
    wave = cb.wave(year)
    first = cb.first_content_question
    assert first.id == "lia_phase"
    assert wave.asks("lia_phase")
    answer_columns = [c for c in wave.columns_for("lia_phase") if c.role == "answer"]
    assert len(answer_columns) == 1
    # Every harmonised answer of lia_phase can be written by the export.
    assert set(answer_columns[0].values.values()) == set(first.answer_codes())


@pytest.mark.parametrize("year", WAVES)
def test_columns_of_each_wave_are_unique_and_well_formed(cb, year):
    wave = cb.wave(year)
    names = wave.expected_columns()
    assert len(names) == len(set(names))
    for column in wave.columns:
        assert column.role in COLUMN_ROLES
        assert column.question in wave.questions
        question = cb.question(column.question)
        if column.role == "answer":
            assert column.values and set(column.values.values()) <= set(question.answer_codes())
        if column.role == "selected":
            assert list(column.values.values()) == ["1"]
            assert column.item in question.answer_codes()
    assert {"respondent_id", "municipality"} <= set(wave.metadata)


def test_groups_use_valid_codes(cb):
    for question in cb.questions.values():
        for group in question.groups.values():
            assert group.codes, f"{question.id}: empty group {group.code}"
            assert set(group.codes) <= set(question.answer_codes()), (question.id, group.code)
    for scale in cb.scales.values():
        codes = {option.code for option in scale.options}
        for group in scale.groups.values():
            assert set(group.codes) <= codes, (scale.id, group.code)


def test_routing_refers_to_earlier_questions(cb):
    order = list(cb.questions)
    for question in cb.questions.values():
        for earlier, answers in question.asked_if.items():
            assert order.index(earlier) < order.index(question.id)
            assert set(answers) <= set(cb.question(earlier).answer_codes())


# --------------------------------------------------------------------------------------------------------------------
# Broken codebooks in a temporary directory


@pytest.fixture
def broken(tmp_path) -> Path:
    directory = tmp_path / "codebook"
    shutil.copytree(CODEBOOK_DIR, directory)
    return directory


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(directory: Path) -> str:
    with pytest.raises(CodebookError) as caught:
        load_codebook(directory)
    return str(caught.value)


def test_the_copy_loads(broken):
    assert sorted(load_codebook(broken).waves) == list(WAVES)


def test_unknown_question(broken):
    _edit(broken / "waves" / "2023.yml", "  additions: {qcode: G05Q01}", "  aditions: {qcode: G05Q01}")
    message = _error(broken)
    assert "waves/2023.yml" in message and "'aditions'" in message


def test_unknown_answer_code_in_values(broken):
    _edit(broken / "waves" / "2022.yml", "A1: verkennend,", "A1: verkenend,")
    message = _error(broken)
    assert "waves/2022.yml" in message and "lia_phase" in message and "verkenend" in message


def test_duplicate_column(broken):
    _edit(broken / "waves" / "2023.yml", "  lia_results: {qcode: G03Q01}", "  lia_results: {qcode: G02Q01}")
    message = _error(broken)
    assert "waves/2023.yml" in message and "G02Q01" in message and "same export column" in message


def test_unknown_dialect(broken):
    _edit(broken / "waves" / "2021.yml", "dialect: coded_csv", "dialect: coded_tsv")
    message = _error(broken)
    assert "waves/2021.yml" in message and "coded_tsv" in message


def test_first_content_missing_in_questions(broken):
    _edit(broken / "questions.yml", "first_content: true", "first_content: false")
    message = _error(broken)
    assert "questions.yml" in message and "first_content" in message


def test_first_content_question_not_mapped_in_a_wave(broken):
    path = broken / "waves" / "2019.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  lia_phase:")
    end = text.index("  domains:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    message = _error(broken)
    assert "waves/2019.yml" in message and "lia_phase" in message


def test_unknown_item_of_a_matrix(broken):
    _edit(broken / "waves" / "2023.yml", "items: [wmo_raad,", "items: [wmo_raadd,")
    message = _error(broken)
    assert "waves/2023.yml" in message and "wmo_raadd" in message


def test_group_with_unknown_code(broken):
    _edit(broken / "questions.yml", "codes: [ontwikkelen, gereed, uitgevoerd]", "codes: [ontwikkelen, klaar, uitgevoerd]")
    message = _error(broken)
    assert "questions.yml" in message and "lia_phase" in message and "klaar" in message


def test_an_item_added_to_questions_yml_changes_no_wave(broken):
    """Every wave lists the items and options it asked, so a new item in questions.yml (for a new wave) leaves the
    resolved columns of every existing wave as they were, whatever its export dialect."""
    before = load_codebook(broken)
    _edit(broken / "questions.yml", "      - {code: ander, ", "      - {code: financiele_middelen, label: Financiële middelen}\n"
          "      - {code: ander, ")
    after = load_codebook(broken)
    assert "financiele_middelen" in [item.code for item in after.questions["obstacles"].items]
    for year in before.waves:
        assert after.wave(year).columns == before.wave(year).columns, year


def test_a_wave_without_its_item_list_is_refused(broken):
    text = (broken / "waves" / "2018.yml").read_text(encoding="utf-8")
    listed = text[text.index("  domains:\n"):]
    listed = listed[:listed.index("]\n") + 2]
    _edit(broken / "waves" / "2018.yml", listed, "  domains: {}\n")
    message = _error(broken)
    assert "waves/2018.yml" in message and "list the items this wave asked" in message
