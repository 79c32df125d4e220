"""Bijlage C "Overige vragen" (notebooks/08_overige_vragen.ipynb) and the standard table of every asked question.

Every question a wave asked gets a standard table (helpers.analysis.tables.standard_table: alle, klein and each size
class, with n, counts and percentages over those who answered), with the small-group rule applied as to every figure
and table (helpers.analysis.disclosure.protect). `register` hands them to the publication: one sheet per question in
the tabellenboek (listed in the part's STANDARD_INDEX file, read by helpers.publish.tabellenboek) and rows
``vraag_<question>`` in cijfers.csv. Bijlage C shows the questions no part shows (report.yml: the `question`/`requires`
of the items and each part's `discusses`, helpers.report.outline.Outline.other_questions), each with its text, its
standard table and one sentence; when there are none it says so in one sentence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pandas as pd

from helpers import SMALL_THRESHOLD
from helpers.analysis import disclosure, tables
from helpers.core import formatting as fmt
from helpers.report import text as tekst
from helpers.report.chapter import CIJFERS_COLUMNS, SMALL_BASE, caution_text

STANDARD_INDEX = "standard_tables.json"  # in the part's folder: what the tabellenboek makes a sheet of
TABLE_PREFIX = "vraag_"  # the `table` of the cijfers rows and the name of tables/<prefix><question>.csv
STANDARD_TITLE = "Standaardtabel: alle antwoorden van alle gemeenten, kleine gemeenten en per grootteklasse"
# Short column headers of the shown tables, so that eight columns fit the page without scrolling sideways; the intro
# says what they mean (column_legend).
COLUMN_HEADERS = {"alle": "Alle", "klein": "Klein", **tables.SIZE_LABELS}


def table_key(question: str) -> str:
    """ "vraag_support_form": the cijfers `table` and tables/<key>.csv of a question's standard table."""
    return f"{TABLE_PREFIX}{question}"


def protected_table(responses: pd.DataFrame, answers: pd.DataFrame, question: str, year: int | None, *,
                    cb=None) -> disclosure.Protection:
    """A question's standard table (helpers.analysis.tables.standard_table) as it may be published: with the
    disclosure rule applied as to every figure and table (caution notes included); its `.attrs` (the wave's wording,
    the question type) kept."""
    table = tables.standard_table(responses, answers, question, year, cb=cb)
    protection = disclosure.protect(table)
    protection.data.attrs.update(table.attrs)
    return protection


def standard_tables(ch) -> dict[str, disclosure.Protection]:
    """The protected standard table (protected_table) of every question the chapter's wave asked, in questionnaire
    order."""
    return {question: protected_table(ch.responses, ch.answers, question, ch.year, cb=ch.cb)
            for question in ch.wave.questions}


def base(data: pd.DataFrame) -> int:
    """The base of a standard table as the tabellenboek's index gives it: the largest n of "alle" (for a matrix the
    item most answered)."""
    rows = data[data["group"] == "alle"]
    return int(rows["n"].max()) if len(rows) else 0


def wide(data: pd.DataFrame) -> pd.DataFrame:
    """A standard table (tidy, protected) as the tabellenboek shows it: one row per answer (per item of a matrix),
    per group the columns "<group>: n", "<group>: aantal" and "<group>: %" (groups in their order, merged size classes
    as one), then "Opmerking" with the disclosure notes of the row's cells."""
    matrix = data["item"].astype(str).ne("").any()
    groups = list(dict.fromkeys(zip(data["group"], data["group_label"], strict=True)))
    keys = ["item", "answer"] if matrix else ["answer"]
    records = []
    for _, rows in data.groupby(keys, sort=False):
        first = rows.iloc[0]
        record = {"Onderdeel": first["item_label"]} if matrix else {}
        record["Antwoord"] = first["answer_label"]
        by_group = rows.set_index("group")
        notes = []
        for group, label in groups:
            present = group in by_group.index
            record[f"{label}: n"] = int(by_group.at[group, "n"]) if present else None
            record[f"{label}: aantal"] = by_group.at[group, "count"] if present else None
            record[f"{label}: %"] = by_group.at[group, "pct"] if present else None
            note = str(by_group.at[group, disclosure.NOTE_COLUMN]) if present and disclosure.NOTE_COLUMN in rows else ""
            if note:
                notes.append(f"{label}: {note}")
        record["Opmerking"] = "; ".join(notes)
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    for column in frame.columns:
        if column.endswith((": n", ": aantal")):  # whole numbers; a suppressed cell stays empty
            frame[column] = pd.to_numeric(frame[column], errors="coerce").round().astype("Int64")
        elif column.endswith(": %"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def cijfers_rows(question: str, data: pd.DataFrame) -> pd.DataFrame:
    """The cijfers.csv rows of a standard table (CIJFERS_COLUMNS, as every figure and table writes them): table
    vraag_<question>, the item, group, n, count and the percentage rounded as shown."""
    return pd.DataFrame({
        "table": table_key(question),
        "item": data["item"].astype(str).to_numpy(),
        "group": data["group"].astype(str).to_numpy(),
        "n": pd.array(data["n"].astype("Int64"), dtype="Int64"),
        "count": pd.array(pd.to_numeric(data["count"]).astype("Int64"), dtype="Int64"),
        "pct": pd.array([fmt.rounded_pct(v) for v in data["pct"]], dtype="Int64"),
        "question": question,
        "answer": data["answer"].astype(str).to_numpy(),
    })[CIJFERS_COLUMNS]


def shown_in(ch) -> dict[str, list[str]]:
    """{question: [headings of the parts that show it]} in the chapter's wave; Bijlage C for the others."""
    shown = ch.outline.shown_questions(ch.year)
    return {question: [ch.outline.chapter(slug).heading for slug in shown.get(question, [])] or [ch.spec.heading]
            for question in ch.wave.questions}


def register(ch, standard: Mapping[str, disclosure.Protection]) -> list[dict]:
    """Hand the standard tables to the publication: tables/vraag_<question>.csv (wide), cijfers rows and the index
    STANDARD_INDEX in the chapter's parts folder (one entry per question: question, title, question_text, base,
    shown_in, notes, csv). Call before ch.finish(), which writes the tables and cijfers. Returns the index."""
    where = shown_in(ch)
    index = []
    for question, protection in standard.items():
        data = protection.data
        ch.full_tables[table_key(question)] = wide(data)
        ch.cijfers.append(cijfers_rows(question, data))
        index.append({"question": question, "title": STANDARD_TITLE, "question_text": data.attrs["question_text"],
                      "base": base(data), "shown_in": where[question], "notes": list(protection.notes),
                      "csv": f"tables/{table_key(question)}.csv"})
    ch.parts_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"year": ch.year, "tables": index}, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    (ch.parts_dir / STANDARD_INDEX).write_text(text, encoding="utf-8", newline="\n")
    return index


# --------------------------------------------------------------------------------------------------------------------
# What Bijlage C says and shows


def column_header(group: str) -> str:
    """The short header of a group's column: "Alle", "Klein", "< 10.000", a merged block "< 10.000 + 10.000 – 25.000"."""
    return " + ".join(COLUMN_HEADERS.get(part, part) for part in str(group).split("+"))


def intro(year: int, questions: Sequence[str], small_threshold: int = SMALL_THRESHOLD) -> str:
    """The opening of Bijlage C: what it shows and how to read its tables, or, with no question left over, that one
    sentence."""
    if not questions:
        return (f"Alle vragen van de flitspeiling {year} komen in de hoofdstukken aan bod; het tabellenboek bevat van "
                "elke vraag een standaardtabel (alle gemeenten, kleine gemeenten en elke grootteklasse, met aantallen "
                "en basis).")
    which = "de vraag" if len(questions) == 1 else f"de {tekst.counted(len(questions), 'vraag', 'vragen')}"
    return (f"Deze bijlage toont {which} van de flitspeiling {year} die geen hoofdstuk bespreekt, met een "
            "standaardtabel: per antwoord het percentage (en het aantal) van alle gemeenten, de kleine gemeenten en "
            "elke grootteklasse, van de gemeenten die de vraag beantwoordden. In de tabellen staat ‘Klein’ voor "
            f"gemeenten met minder dan {fmt.number(small_threshold)} inwoners en staan de andere kolommen na ‘Klein’ "
            "voor grootteklassen naar aantal inwoners; elke cel geeft het percentage en tussen haakjes het aantal "
            "gemeenten. Het tabellenboek bevat zo’n tabel voor elke vraag.")


def _most(rows: pd.DataFrame) -> tuple[list[str], float]:
    """The labels with the highest share as shown (ties together, questionnaire order) and that share."""
    shares = dict(zip(rows["answer"], rows["pct"], strict=True))
    order = tekst.rank_as_shown(shares, list(shares))
    top = tekst.rounded(shares[order[0]])
    labels = dict(zip(rows["answer"], rows["answer_label"], strict=True))
    return [labels[code] for code in order if tekst.rounded(shares[code]) == top], shares[order[0]]


def sentence(data: pd.DataFrame, kind: str) -> str:
    """One sentence on a standard table, from the "alle" rows: the most given answer (single), the most ticked option
    (multi), the number of items and answering municipalities (matrix), or how many answered (open)."""
    rows = data[data["group"] == "alle"]
    n_values = sorted({int(n) for n in rows["n"]})
    n = n_values[-1] if n_values else 0
    if n == 0:
        return "Geen gemeente heeft deze vraag beantwoord."
    if rows["pct"].isna().all():
        return (f"Minder dan {disclosure.MIN_GROUP} gemeenten beantwoordden deze vraag; daarom staan alleen de "
                "aantallen gemeenten (basis) in de tabel.")
    if kind == "open":
        count, pct = int(rows["count"].iloc[0]), rows["pct"].iloc[0]
        return (f"{tekst.sentence_start(fmt.words(count))} van de {tekst.counted_municipalities(n)} aan wie de vraag "
                f"is gesteld, {'gaf' if count == 1 else 'gaven'} een antwoord ({fmt.pct(pct)}); de antwoorden zelf "
                "staan niet in dit rapport.")
    if kind == "matrix":
        span = fmt.number(n) if len(n_values) == 1 else f"{fmt.number(n_values[0])} tot {fmt.number(n)}"
        items = rows["item"].nunique()
        return (f"Deze vraag heeft {tekst.counted(items, 'onderdeel', 'onderdelen')}, elk beantwoord door {span} "
                "gemeenten; per onderdeel staat hieronder hoe zij antwoordden.")
    labels, share = _most(rows)
    quoted = fmt.join((f"‘{label}’" for label in labels), "en")
    one = len(labels) == 1
    what = ("is het vaakst aangekruist" if one else "zijn het vaakst aangekruist") if kind == "multi" else \
        ("is het vaakst gekozen antwoord" if one else "zijn de vaakst gekozen antwoorden")
    return (f"{quoted} {what}: {'' if one else 'elk '}{'door ' if kind == 'multi' else ''}{fmt.pct(share)} van de "
            f"{tekst.counted_municipalities(n)} die deze vraag beantwoordden.")


def display_table(data: pd.DataFrame, item: str = "") -> pd.DataFrame:
    """The shown table of a standard table (or of one matrix item): a row per answer with "45 % (12)" per group
    (flagged cells marked *, suppressed cells "–"), and a last row "Basis (n)"."""
    rows = data[data["item"].astype(str) == item] if item else data
    groups = list(dict.fromkeys(rows["group"]))
    flagged = disclosure.FLAG_COLUMN in rows
    records = []
    for _, of_answer in rows.groupby("answer", sort=False):
        by_group = of_answer.set_index("group")
        record = {"Antwoord": of_answer["answer_label"].iloc[0]}
        for group in groups:
            count, pct = by_group.at[group, "count"], by_group.at[group, "pct"]
            cell = "–" if pd.isna(pct) else f"{fmt.pct(pct)} ({fmt.number(int(count))})"
            if flagged and bool(by_group.at[group, disclosure.FLAG_COLUMN]):
                cell += f" {disclosure.FLAG_MARK}"
            record[column_header(group)] = cell
        records.append(record)
    base_row = {"Antwoord": "Basis (n)"}
    for group in groups:
        base_row[column_header(group)] = fmt.number(int(rows.loc[rows["group"] == group, "n"].max()))
    records.append(base_row)
    return pd.DataFrame.from_records(records)


def notes(data: pd.DataFrame, protection_notes: Sequence[str]) -> str:
    """The notes under a question's table: the report's caution for a small base of all or small municipalities,
    then what the disclosure rule did."""
    lines = []
    for group in ("alle", "klein"):
        rows = data[data["group"] == group]
        if len(rows) and 0 < int(rows["n"].max()) < SMALL_BASE:
            lines.append(caution_text(int(rows["n"].max()), group))
    return " ".join([*lines, *protection_notes])


def show(ch, question: str, protection: disclosure.Protection) -> None:
    """A question of Bijlage C: its text as heading, one sentence, its standard table (a table per item for a matrix
    question) with the base and the notes."""
    data = protection.data
    kind = data.attrs.get("type") or ch.cb.question(question).type
    text = data.attrs.get("question_text") or ch.question_text(question)
    ch.text(f"## {text}")
    ch.text(sentence(data, kind))
    note = notes(data, protection.notes)
    items = list(dict.fromkeys(data["item"].astype(str))) if kind == "matrix" else [""]
    for position, item in enumerate(items):
        label = data.loc[data["item"].astype(str) == item, "item_label"].iloc[0] if item else ""
        caption = f"Vraag: {text}" + (f" – {label}" if label else "")
        ch.text_table(display_table(data, item), caption, note if position == len(items) - 1 else None)
