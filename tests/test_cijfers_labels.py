"""The labels of cijfers.csv (helpers.publish.tabellenboek.CijfersLabels): found generically, from the part's own
table, else the codebook, else the key figure's declaration, else the population's label; the code columns unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from helpers import REPO_ROOT
from helpers.analysis.tables import population_label
from helpers.data.codebook import codebook
from helpers.publish.parts import Part
from helpers.publish.tabellenboek import CIJFERS_COLUMNS, CIJFERS_HEADER, LABEL_COLUMNS, write_cijfers
from helpers.report.outline import load_outline

REPORT_YML = REPO_ROOT / "notebooks" / "report.yml"
PART = Part(stem="02_reikwijdte_fase", slug="reikwijdte_fase", number=2, title="Reikwijdte en fase", kind="chapter")


def _write(path: Path, header, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _parts(tmp_path: Path) -> Path:
    """One chapter's parts: figure 3 (its table with its own labels) and a number in the text."""
    parts = tmp_path / "parts"
    (parts / PART.stem).mkdir(parents=True)
    manifest = {"items": [{"kind": "figuur", "number": 3, "title": "Breedte van het beleid", "csv": "tables/figuur_3.csv"}]}
    (parts / PART.stem / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _write(parts / PART.stem / "tables" / "figuur_3.csv",
           ["question", "item", "answer", "answer_label", "group", "n", "count", "pct", "item_label", "group_label"],
           [["policy_breadth", "", "anders", "Iets anders, zoals de tabel het noemt", "klein", "80", "8", "10.0", "",
             "kleine gemeenten (< 25.000)"]])
    _write(parts / PART.stem / "cijfers.csv", CIJFERS_COLUMNS, [
        ["figuur_3", "", "klein", "80", "8", "10", "policy_breadth", "anders"],  # its table has the labels
        ["figuur_3", "", "alle", "201", "135", "67", "policy_breadth", "breed_inclusiebeleid"],  # not in the table
        ["tekst_reikwijdte_fase", "breed_inclusiebeleid", "alle", "201", "135", "67", "policy_breadth", ""],  # a key figure
        ["tekst_reikwijdte_fase", "lia_uitgevoerd", "alle", "201", "60", "", "", ""],  # a count
    ])
    return parts


def test_labels_from_the_table_the_codebook_and_the_key_figures(tmp_path):
    parts = _parts(tmp_path)
    target = tmp_path / "cijfers.csv"
    assert write_cijfers([PART], parts, target, REPORT_YML) == 4
    with open(target, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CIJFERS_HEADER == CIJFERS_COLUMNS + LABEL_COLUMNS
    by_key = {(row["table"], row["group"], row["item"], row["answer"]): row for row in rows}
    question = codebook().question("policy_breadth")

    from_table = by_key[("figuur_3", "klein", "", "anders")]
    assert from_table["table_title"] == "Figuur 3. Breedte van het beleid"
    assert from_table["answer_label"] == "Iets anders, zoals de tabel het noemt"  # the table's words, not the codebook's
    assert from_table["group_label"] == "kleine gemeenten (< 25.000)"
    assert from_table["question_label"] == question.text
    assert from_table["unit"] == "percentage"
    assert [from_table[column] for column in CIJFERS_COLUMNS] == ["figuur_3", "", "klein", "80", "8", "10",
                                                                  "policy_breadth", "anders"]

    from_codebook = by_key[("figuur_3", "alle", "", "breed_inclusiebeleid")]
    assert from_codebook["answer_label"] == question.option("breed_inclusiebeleid").display
    assert from_codebook["group_label"] == population_label("alle")

    key_figure = by_key[("tekst_reikwijdte_fase", "alle", "breed_inclusiebeleid", "")]
    assert key_figure["table_title"] == f"Tekst: {PART.heading}"
    assert key_figure["item_label"] == question.option("breed_inclusiebeleid").display  # an answer code: its label
    count = by_key[("tekst_reikwijdte_fase", "alle", "lia_uitgevoerd", "")]
    assert count["item_label"] == load_outline(REPORT_YML).key_figure("lia_uitgevoerd").description
    assert count["unit"] == "aantal"


def test_a_new_row_is_labelled_without_code(tmp_path):
    # A row another chapter adds (a question the report did not show before) gets its labels from the codebook.
    parts = _parts(tmp_path)
    path = parts / PART.stem / "cijfers.csv"
    cb = codebook()
    matrix = next(q for q in cb.questions.values() if q.items and q.options)
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["tabel_9", matrix.items[0].code, "niet_klein", "50", "5", "10", matrix.id, matrix.options[0].code])
    write_cijfers([PART], parts, tmp_path / "cijfers.csv", REPORT_YML)
    with open(tmp_path / "cijfers.csv", newline="", encoding="utf-8") as handle:
        row = next(row for row in csv.DictReader(handle) if row["table"] == "tabel_9")
    assert row["question_label"] == matrix.text
    assert row["item_label"] == matrix.items[0].display
    assert row["answer_label"] == matrix.options[0].display
    assert row["group_label"] == population_label("niet_klein") != "niet_klein"
    assert row["table_title"] == ""  # not in any manifest: no title to give
