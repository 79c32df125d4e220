"""The standard table of every question (helpers.analysis.tables.standard_table), Bijlage C "Overige vragen"
(helpers.report.chapters.other_questions, notebooks/08_overige_vragen.ipynb), which questions the report shows
(report.yml `discusses`, helpers.report.outline) and the standard tables in the tabellenboek and cijfers.csv.

The hand-made units: r1 5.000 inhabitants (< 10.000, klein), r2 20.000 and r3 22.000 (10.000-25.000, klein), r4 30.000,
r5 40.000, r6 60.000, r7 150.000 and r8 unknown (no municipality: in "alle" only).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import CODEBOOK_DIR, REPO_ROOT
from helpers.analysis import disclosure, tables
from helpers.data.cleaning import ANSWERS_COLUMNS, RESPONSES_COLUMNS, coerce
from helpers.data.codebook import codebook, load_codebook
from helpers.publish.fragments import RenderedPart
from helpers.publish.pages import render_report_page
from helpers.publish.parts import Part
from helpers.publish.tabellenboek import CIJFERS_COLUMNS, standard_entries, write_tabellenboek
from helpers.report.chapters import other_questions as oq
from helpers.report.outline import OUTLINE_FILE, OutlineError, load_outline

POPULATIONS = {"r1": 5_000, "r2": 20_000, "r3": 22_000, "r4": 30_000, "r5": 40_000, "r6": 60_000, "r7": 150_000,
               "r8": None}
SIZES = {"r1": "lt10k", "r2": "10k_25k", "r3": "10k_25k", "r4": "25k_50k", "r5": "25k_50k", "r6": "50k_100k",
         "r7": "ge100k", "r8": None}
LIA = {"r1": "verkennend", "r2": "uitgevoerd", "r3": "uitgevoerd", "r4": "anders", "r5": "gereed", "r6": "uitgevoerd",
       "r7": "uitgevoerd", "r8": "verkennend"}
SECRET = "Wij werken samen met Jan Jansen aan de agenda"


def _responses() -> pd.DataFrame:
    rows = [{"wave": 2023, "response_id": rid, "municipality_code": None if pop is None else f"GM{i:04d}",
             "population": pop, "size_class": SIZES[rid], "klein": None if pop is None else pop < 25_000,
             "in_frame": pop is not None, "completed": True}
            for i, (rid, pop) in enumerate(POPULATIONS.items(), start=1)]
    return coerce(pd.DataFrame(rows), RESPONSES_COLUMNS)


def _answers() -> pd.DataFrame:
    rows = []

    def add(rid, question, kind, value=None, item="", text=None):
        rows.append({"wave": 2023, "response_id": rid, "question": question, "item": item, "kind": kind,
                     "value": value, "text": text})

    for rid, code in LIA.items():
        add(rid, "lia_phase", "answer", code)
    for rid, code in {"r1": "ja", "r2": "ja", "r3": "nee", "r4": "ja", "r6": "ja", "r7": "nee"}.items():
        add(rid, "awareness_idm", "answer", code)  # r5 and r8 did not answer
    add("r2", "awareness_idm", "comment", text="toelichting")  # a comment is no answer
    # lia_results is put to uitgevoerd or anders (r2, r3, r4, r6, r7); r2 and r6 wrote something, r3 an empty text
    add("r2", "lia_results", "text", text=SECRET)
    add("r6", "lia_results", "text", text="Een toegankelijk gemeentehuis")
    add("r3", "lia_results", "text", text="   ")
    for rid, items in {"r1": {"capaciteit": "groot", "kennis": "geen"}, "r2": {"capaciteit": "zeer_groot"},
                       "r4": {"capaciteit": "groot", "kennis": "klein"}}.items():
        for item, code in items.items():
            add(rid, "obstacles", "answer", code, item)
    for rid, codes in {"r1": {"website"}, "r2": {"website", "advies_op_maat"}, "r4": {"kennisproducten"}}.items():
        for option in codebook().question("support_form").options:
            add(rid, "support_form", "selected", "1" if option.code in codes else "0", option.code)
    return coerce(pd.DataFrame(rows), ANSWERS_COLUMNS)


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _responses(), _answers()


def plain(text: str) -> str:
    """The text with the report's no-break spaces ("67\u00a0%") as plain spaces, to compare with."""
    return str(text).replace("\u00a0", " ")


def _cell(table: pd.DataFrame, group: str, answer: str, item: str = "") -> pd.Series:
    rows = table[(table["group"] == group) & (table["answer"] == answer) & (table["item"] == item)]
    assert len(rows) == 1, (group, answer, item)
    return rows.iloc[0]


# --------------------------------------------------------------------------------------------------------------------
# The standard table


def test_single_question_counts_bases_and_groups(data):
    table = tables.standard_table(*data, "awareness_idm", 2023)
    assert list(table.columns) == tables.TIDY_COLUMNS
    assert list(dict.fromkeys(table["group"])) == list(tables.STANDARD_POPULATIONS)
    ja = _cell(table, "alle", "ja")
    assert (ja["n"], ja["count"]) == (6, 4)  # r5 and r8 did not answer: not in the base; the comment is no answer
    assert ja["pct"] == pytest.approx(100 * 4 / 6)
    assert (_cell(table, "klein", "ja")["n"], _cell(table, "klein", "ja")["count"]) == (3, 2)
    assert (_cell(table, "10k_25k", "nee")["n"], _cell(table, "10k_25k", "nee")["count"]) == (2, 1)
    assert _cell(table, "25k_50k", "ja")["n"] == 1  # r5 did not answer
    assert (_cell(table, "ge100k", "nee")["count"], _cell(table, "ge100k", "nee")["pct"]) == (1, 100.0)
    # Shares of a single question add up to 100 % in every group that answered
    sums = table[table["n"] > 0].groupby("group")["pct"].sum()
    assert sums.round(9).eq(100).all()
    assert table.attrs["question_text"] == codebook().question("awareness_idm").text


def test_matrix_question_has_a_base_per_item_and_every_answer(data):
    table = tables.standard_table(*data, "obstacles", 2023)
    q = codebook().question("obstacles")
    asked = [spec.item for spec in codebook().wave(2023).columns_for("obstacles") if spec.role == "answer"]
    assert list(dict.fromkeys(table["item"])) == asked
    assert len(table) == len(asked) * len(q.options) * len(tables.STANDARD_POPULATIONS)
    assert _cell(table, "alle", "groot", "capaciteit")[["n", "count"]].tolist() == [3, 2]
    assert _cell(table, "alle", "klein", "kennis")[["n", "count"]].tolist() == [2, 1]
    assert _cell(table, "alle", "geen", "draagvlak")["n"] == 0  # nobody answered this item
    assert _cell(table, "alle", "groot", "capaciteit")["item_label"] == q.item("capaciteit").label
    assert _cell(table, "alle", "zeer_groot", "capaciteit")["answer_label"] == "Zeer groot knelpunt"


def test_multi_question_counts_ticked_boxes(data):
    table = tables.standard_table(*data, "support_form", 2023)
    assert _cell(table, "alle", "website")[["n", "count"]].tolist() == [3, 2]
    assert _cell(table, "klein", "advies_op_maat")[["n", "count"]].tolist() == [2, 1]
    assert _cell(table, "25k_50k", "kennisproducten")["pct"] == 100.0
    assert set(table["item"]) == {""}  # the options are the answers


def test_open_question_counts_answers_among_those_routed_never_the_texts(data):
    table = tables.standard_table(*data, "lia_results", 2023)
    everyone = _cell(table, "alle", tables.OPEN_ANSWER)
    # Put to uitgevoerd or anders (r2, r3, r4, r6, r7): r1, r5 and r8 were routed past it; r3's blank text is no answer
    assert (everyone["n"], everyone["count"]) == (5, 2)
    assert _cell(table, "klein", tables.OPEN_ANSWER)[["n", "count"]].tolist() == [2, 1]
    assert _cell(table, "lt10k", tables.OPEN_ANSWER)["n"] == 0
    assert SECRET not in table.to_csv() and "gemeentehuis" not in table.to_csv()
    responses, answers = data
    assert list(tables.routed_ids(responses, answers, "lia_results", 2023)) == ["r2", "r3", "r4", "r6", "r7"]
    # An open question without routing is put to everyone
    assert len(tables.routed_ids(responses, answers, "additions", 2023)) == len(responses)


def test_labels_are_the_waves_own_wording(data):
    text, answers, _ = tables.wave_wording("lia_phase", 2018)
    assert "plan van aanpak" in text and answers["uitgevoerd"] == "Het plan van aanpak wordt uitgevoerd."
    table = tables.standard_table(*data, "lia_phase", 2018)
    assert _cell(table, "alle", "uitgevoerd")["answer_label"] == "Het plan van aanpak wordt uitgevoerd."
    assert table.attrs["question_text"] == text
    assert _cell(tables.standard_table(*data, "lia_phase", 2023), "alle", "uitgevoerd")["answer_label"] == \
        codebook().question("lia_phase").option("uitgevoerd").label


def test_small_groups_follow_the_disclosure_rule(data):
    protected = disclosure.protect(tables.standard_table(*data, "awareness_idm", 2023))
    groups = list(dict.fromkeys(protected.data["group"]))
    # every size class had fewer than 5 units: they are merged into one block; klein (3) is suppressed, its n kept
    assert groups == ["alle", "klein", "lt10k+10k_25k+25k_50k+50k_100k+ge100k"]
    klein = protected.data[protected.data["group"] == "klein"]
    assert klein["count"].isna().all() and klein["pct"].isna().all() and set(klein["n"]) == {3}
    assert any("Niet getoond" in note for note in protected.notes)
    shown = oq.display_table(protected.data)
    assert list(shown.columns) == ["Antwoord", "Alle", "Klein", "< 10.000 + 10.000 – 25.000 + 25.000 – 50.000 + "
                                   "50.000 – 100.000 + 100.000 of meer"]
    assert set(shown["Klein"][:-1]) == {"–"} and shown["Klein"].iloc[-1] == "3"
    assert shown["Antwoord"].tolist() == ["Ja", "Nee", "Basis (n)"]
    assert [plain(cell) for cell in shown["Alle"]] == ["67 % (4)", "33 % (2)", "6"]
    cijfers = oq.cijfers_rows("awareness_idm", protected.data)
    assert tuple(cijfers.columns) == tuple(CIJFERS_COLUMNS)
    assert cijfers[cijfers["group"] == "klein"]["pct"].isna().all()
    assert set(cijfers["table"]) == {"vraag_awareness_idm"}
    assert cijfers.loc[(cijfers["group"] == "alle") & (cijfers["answer"] == "ja"), "pct"].tolist() == [67]


def test_wide_table_has_n_count_and_percentage_per_group(data):
    protected = disclosure.protect(tables.standard_table(*data, "obstacles", 2023))
    wide = oq.wide(protected.data)
    assert list(wide.columns[:5]) == ["Onderdeel", "Antwoord", "alle gemeenten: n", "alle gemeenten: aantal",
                                      "alle gemeenten: %"]
    row = wide[(wide["Onderdeel"] == codebook().question("obstacles").item("capaciteit").label)
               & (wide["Antwoord"] == "Groot knelpunt")].iloc[0]
    # Three municipalities answered: below the small-group rule, only n is shown and the note says why
    assert row["alle gemeenten: n"] == 3 and pd.isna(row["alle gemeenten: aantal"]) and pd.isna(row["alle gemeenten: %"])
    assert "alle gemeenten: niet getoond" in row["Opmerking"]
    single = oq.wide(disclosure.protect(tables.standard_table(*data, "awareness_idm", 2023)).data)
    assert list(single.columns[:4]) == ["Antwoord", "alle gemeenten: n", "alle gemeenten: aantal", "alle gemeenten: %"]
    ja = single.iloc[0]
    assert (ja["Antwoord"], ja["alle gemeenten: n"], ja["alle gemeenten: aantal"]) == ("Ja", 6, 4)
    assert ja["alle gemeenten: %"] == pytest.approx(200 / 3)


def test_one_sentence_per_kind(data):
    assert plain(oq.sentence(tables.standard_table(*data, "awareness_idm", 2023), "single")) == \
        "‘Ja’ is het vaakst gekozen antwoord: 67 % van de zes gemeenten die deze vraag beantwoordden."
    multi = plain(oq.sentence(tables.standard_table(*data, "support_form", 2023), "multi"))
    assert multi.startswith("‘Informatie via de website van de VNG’ is het vaakst aangekruist: door 67 % van de drie")
    assert plain(oq.sentence(tables.standard_table(*data, "lia_results", 2023), "open")) == \
        ("Twee van de vijf gemeenten aan wie de vraag is gesteld, gaven een antwoord (40 %); de antwoorden zelf staan "
         "niet in dit rapport.")
    matrix = oq.sentence(tables.standard_table(*data, "obstacles", 2023), "matrix")
    assert "negen onderdelen" in matrix and "0 tot 3" in matrix
    tie = pd.DataFrame({"group": "alle", "n": 4, "answer": ["ja", "nee"], "answer_label": ["Ja", "Nee"],
                        "pct": [50.0, 50.0]})
    assert plain(oq.sentence(tie, "single")).startswith("‘Ja’ en ‘Nee’ zijn de vaakst gekozen antwoorden: elk 50 %")
    suppressed = tie.assign(pct=float("nan"))
    assert oq.sentence(suppressed, "single").startswith("Minder dan 5 gemeenten")


def test_intro_says_when_no_question_is_left_over():
    assert oq.intro(2023, []).startswith("Alle vragen van de flitspeiling 2023 komen in de hoofdstukken aan bod")
    assert oq.intro(2023, []).count(".") == 1  # one sentence
    assert "de vraag van de flitspeiling 2024" in oq.intro(2024, ["new"])
    assert "de twee vragen" in oq.intro(2024, ["a", "b"])
    assert "minder dan 50.000 inwoners" in oq.intro(2024, ["a"], small_threshold=50_000)


# --------------------------------------------------------------------------------------------------------------------
# Which questions the report shows: report.yml, not code


NEW_QUESTION = """
  - id: digital_access
    type: single
    section: inhoud
    text: Heeft uw gemeente een toegankelijkheidsverklaring voor haar website?
    scale: yes_no
"""


@pytest.fixture
def changed_codebook(tmp_path) -> Path:
    """data/codebook with one question added to questions.yml and the 2023 wave file (nothing else)."""
    directory = tmp_path / "codebook"
    shutil.copytree(CODEBOOK_DIR, directory)
    questions = directory / "questions.yml"
    questions.write_text(questions.read_text(encoding="utf-8") + NEW_QUESTION, encoding="utf-8")
    wave = directory / "waves" / "2023.yml"
    text = wave.read_text(encoding="utf-8")
    wave.write_text(text.rstrip("\n") + "\n  digital_access:\n    qcode: G05Q02\n    values: {Y: ja, N: nee}\n",
                    encoding="utf-8")
    return directory


def test_the_2018_to_2023_reports_show_every_question_they_asked():
    outline = load_outline()
    for year in codebook().waves:
        assert outline.other_questions(year) == []
        assert set(outline.shown_questions(year)) == set(codebook().wave(year).questions)
    shown = outline.shown_questions(2023)
    assert shown["respondent_function"] == ["achtergrond"] and shown["additions"] == ["aanvullingen"]
    assert shown["lia_results"] == ["inhoud"] and shown["obstacles"] == ["inhoud"]


def test_a_new_question_appears_in_bijlage_c_until_a_chapter_declares_it(changed_codebook, tmp_path):
    cb = load_codebook(changed_codebook)
    assert cb.wave(2023).asks("digital_access") and not cb.wave(2022).asks("digital_access")
    outline = load_outline(OUTLINE_FILE, cb)
    assert outline.other_questions(2023) == ["digital_access"]
    assert outline.other_questions(2022) == []  # not asked there
    # Declared as discussed in chapter 3's text: no longer left over
    report_yml = tmp_path / "report.yml"
    text = OUTLINE_FILE.read_text(encoding="utf-8")
    assert "discusses: [lia_results]" in text
    report_yml.write_text(text.replace("discusses: [lia_results]", "discusses: [lia_results, digital_access]"),
                          encoding="utf-8")
    declared = load_outline(report_yml, cb)
    assert declared.other_questions(2023) == []
    assert declared.shown_questions(2023)["digital_access"] == ["inhoud"]
    # ... or shown by an item of its own
    report_yml.write_text(text.replace("  # Hoofdstuk 4 Ondersteuning\n", "  - {id: verklaring, kind: tabel, chapter: 3, "
                                       "title: Toegankelijkheidsverklaring, question: digital_access, requires: "
                                       "[digital_access]}\n\n  # Hoofdstuk 4 Ondersteuning\n", 1), encoding="utf-8")
    assert load_outline(report_yml, cb).other_questions(2023) == []


def test_discusses_must_name_known_questions(tmp_path):
    report_yml = tmp_path / "report.yml"
    text = OUTLINE_FILE.read_text(encoding="utf-8")
    report_yml.write_text(text.replace("discusses: [additions]", "discusses: [additionz]"), encoding="utf-8")
    with pytest.raises(OutlineError, match="unknown question 'additionz'"):
        load_outline(report_yml)
    report_yml.write_text(text.replace("discusses: [additions]", "discusses: additions"), encoding="utf-8")
    with pytest.raises(OutlineError, match="discusses must be a list"):
        load_outline(report_yml)


def test_the_standard_table_of_a_new_question_needs_no_code(changed_codebook, data):
    cb = load_codebook(changed_codebook)
    responses, answers = data
    extra = coerce(pd.DataFrame([{"wave": 2023, "response_id": rid, "question": "digital_access", "item": "",
                                  "kind": "answer", "value": value}
                                 for rid, value in {"r1": "ja", "r4": "nee", "r6": "ja"}.items()]), ANSWERS_COLUMNS)
    table = tables.standard_table(responses, pd.concat([answers, extra], ignore_index=True), "digital_access", 2023,
                                  cb=cb)
    assert _cell(table, "alle", "ja")[["n", "count"]].tolist() == [3, 2]
    assert table.attrs["question_text"].startswith("Heeft uw gemeente een toegankelijkheidsverklaring")


# --------------------------------------------------------------------------------------------------------------------
# Publishing: the tabellenboek sheets and the place of Bijlage C


def _standard_part(root: Path, data) -> Part:
    """A part folder with the standard tables of two questions, as register() writes them."""
    part = Part(stem="08_overige_vragen", slug="bijlage_c", number=None, title="Overige vragen", kind="appendix",
                label="Bijlage C")
    folder = root / part.stem
    (folder / "tables").mkdir(parents=True)
    index = []
    for question in ("awareness_idm", "lia_results"):
        protected = oq.protected_table(*data, question, 2023)
        oq.wide(protected.data).to_csv(folder / "tables" / f"vraag_{question}.csv", index=False)
        index.append({"question": question, "title": oq.STANDARD_TITLE, "base": oq.base(protected.data),
                      "question_text": protected.data.attrs["question_text"], "shown_in": ["4 Ondersteuning"],
                      "notes": list(protected.notes), "csv": f"tables/vraag_{question}.csv"})
    (folder / oq.STANDARD_INDEX).write_text(json.dumps({"year": 2023, "tables": index}), encoding="utf-8")
    return part


def test_tabellenboek_gets_a_sheet_per_standard_table(tmp_path, data):
    part = _standard_part(tmp_path / "parts", data)
    other = Part(stem="01_achtergrond", slug="achtergrond", number=1, title="Achtergrond", kind="chapter")
    standard = standard_entries([other, part], tmp_path / "parts")
    assert [entry["question"] for _, entry in standard] == ["awareness_idm", "lia_results"]
    target = tmp_path / "tabellenboek.xlsx"
    sheets = write_tabellenboek([], tmp_path / "parts", target, 2023, True, standard)
    assert sheets == ["Index", "Vraag awareness_idm", "Vraag lia_results"]
    workbook = load_workbook(target)
    index_rows = [[cell.value for cell in row] for row in workbook["Index"].iter_rows()]
    linked = [row for row in index_rows if row[0] in sheets[1:]]
    assert [row[0] for row in linked] == sheets[1:] and linked[0][1] == "4 Ondersteuning" and linked[0][4] == 6
    sheet = [[cell.value for cell in row] for row in workbook["Vraag awareness_idm"].iter_rows()]
    header = next(row for row in sheet if row[0] == "Antwoord")
    assert header[1:4] == ["alle gemeenten: n", "alle gemeenten: aantal", "alle gemeenten: %"]
    ja = next(row for row in sheet if row[0] == "Ja")
    assert ja[1:4] == [6, 4, pytest.approx(200 / 3, abs=1e-5)]
    assert any(row[0] == "Opmerking" for row in sheet)  # the disclosure notes
    assert not any(SECRET in str(value) for row in sheet for value in row)


def test_bijlage_c_comes_after_bijlage_b():
    def rendered(stem, slug, kind, label, title):
        part = Part(stem=stem, slug=slug, number=1 if kind == "chapter" else None, title=title, kind=kind, label=label)
        anchor = f"{slug}-kop"
        return RenderedPart(part=part, manifest={"items": []}, body=f'<h1 id="{anchor}">{part.heading}</h1>',
                            headings=[(1, anchor, part.heading)], anchors={}, images=0)

    parts = [rendered("01_a", "a", "chapter", "", "A"),
             rendered("07_bijlage_a", "bijlage_a", "appendix", "Bijlage A", "Deelnemers"),
             rendered("08_overige_vragen", "bijlage_c", "appendix", "Bijlage C", "Overige vragen")]
    html = render_report_page(parts, 2023, False)
    positions = [html.index(f'id="{anchor}"') for anchor in ("bijlage_a-kop", "bijlage-b-overzicht", "bijlage_c-kop")]
    assert positions == sorted(positions)
    toc = html[html.index('<nav class="toc"'):html.index("</nav>")]
    assert toc.index("Bijlage A") < toc.index("Bijlage B") < toc.index("Bijlage C") < toc.index("Colofon")


# --------------------------------------------------------------------------------------------------------------------
# The 2023 report (built)


def test_every_asked_question_of_2023_has_a_sheet_and_cijfers_rows():
    reports = REPO_ROOT / "reports" / "2023"
    asked = codebook().wave(2023).questions
    sheets = load_workbook(reports / "tabellenboek.xlsx", read_only=True).sheetnames
    assert [s for s in sheets if s.startswith("Vraag ")] == [f"Vraag {q}" for q in asked]
    with open(reports / "cijfers.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for question in asked:
        own = [row for row in rows if row["table"] == f"vraag_{question}"]
        assert own and {row["question"] for row in own} == {question}
        assert {row["group"].split("+")[0] for row in own} >= {"alle", "klein"}
    html = (reports / "flitspeiling_2023.html").read_text(encoding="utf-8")
    assert html.index("Bijlage B Overzicht figuren en tabellen") < html.index("Bijlage C Overige vragen")
    assert "Alle vragen van de flitspeiling 2023 komen in de hoofdstukken aan bod" in html
