"""How the data-quality appendices show the cleaning's quality log: the full log of one wave (the HTML of
notebooks/00_opschonen.ipynb, for the researcher) and Bijlage E Datakwaliteit of the report
(notebooks/10_datakwaliteit.ipynb, for the reader: the same counts in plain Dutch, without file, column or question
names).

The tables themselves are built by helpers.data.cleaning (steps_table, duplicates_table, ...); this module only writes
them as the report writes tables (helpers.report.chapter.html_table), chooses what the report's appendix shows of
them, and composes the few phrases the appendices say about the log. It lives in the report layer because html_table
does; the data layer never imports it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from helpers import interactive_dir, interactive_notice
from helpers.core import formatting as fmt
from helpers.data import cleaning
from helpers.data.cleaning import STATUS_LABELS
from helpers.report.chapter import html_table

# Shares in the appendix's tables (float columns) are written with one decimal.
SHARE_DECIMALS = 1


def quality_table(table: pd.DataFrame, caption: str) -> str:
    """A table of the appendix as HTML: its caption, header scopes, and Dutch numbers with the float columns (shares)
    to SHARE_DECIMALS decimals."""
    decimals = {column: lambda value: fmt.number(value, SHARE_DECIMALS)
                for column in table.columns if table[column].dtype.kind == "f"}
    return html_table(table, caption=caption, formats=decimals)


def unmatched_by_status(unmatched: Mapping[str, int]) -> str:
    """ "2 naam past bij meer dan één gemeente, 1 geen naam ingevuld": the units without a municipality per status of
    the quality log (counts["unmatched"]) that occurs, in the log's order; "geen" when there are none."""
    return ", ".join(f"{n} {STATUS_LABELS.get(status, status)}" for status, n in unmatched.items() if n) or "geen"


def output_dir(year: int, processed_dir: str | Path) -> Path:
    """Where the cleaning notebook writes the wave's processed tables: `processed_dir`/<year> when make runs it (the
    Makefile passes ../data/processed); for a run outside make (an empty `processed_dir`: JupyterLab, papermill by
    hand) a scratch folder that no chapter and no publication reads, and the notebook says so in its first output."""
    if str(processed_dir):
        return Path(processed_dir) / str(year)
    scratch = interactive_dir(year, "processed") / str(year)
    display(HTML(f'<div class="fp-interactive" role="note">{html.escape(interactive_notice(scratch))}</div>'))
    return scratch


# --------------------------------------------------------------------------------------------------------------------
# Bijlage E Datakwaliteit (the report's appendix)

# Columns of the cleaning's tables the report's appendix leaves out: positions in the export file, the tool's messages
# (English, for the researcher) and the question identifiers of the codebook; the reader gets the question texts.
REPORT_HIDDEN_COLUMNS = ("Rij in export", "Melding", "Vraag")


# The log's notes name the rule file for the researcher (", cleaning.yml"); the reader does not need it.
_RULE_FILE = re.compile(r",?\s*\b[\w/.-]+\.ya?ml\b")


def report_table(table: pd.DataFrame) -> pd.DataFrame:
    """A table of the cleaning log as the report's appendix shows it: without REPORT_HIDDEN_COLUMNS, and without the
    names of rule files in its text columns."""
    table = table.drop(columns=[c for c in REPORT_HIDDEN_COLUMNS if c in table.columns])
    for column in table.columns:
        if pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(lambda v: _RULE_FILE.sub("", v) if isinstance(v, str) else v)
    return table


def questions_table(quality: Mapping) -> pd.DataFrame:
    """The response per question (helpers.data.cleaning.item_response_table) as the report's appendix shows it: each
    question by its full text, as the questionnaire asked it, instead of its identifier."""
    table = cleaning.item_response_table(quality)
    cb = cleaning.project_codebook()
    table["Tekst"] = [cb.question(question).text for question in table["Vraag"]]
    return report_table(table.rename(columns={"Tekst": "Vraag in de vragenlijst"}))


def share_formats(table: pd.DataFrame) -> dict:
    """Formats for Chapter.text_table: the float columns (shares) with SHARE_DECIMALS decimals."""
    return {column: (lambda value: fmt.number(value, SHARE_DECIMALS))
            for column in table.columns if table[column].dtype.kind == "f"}


def count_phrase(n: int, singular: str, plural: str) -> str:
    """ "geen dubbele inzendingen", "één dubbele inzending", "vier dubbele inzendingen" (in words up to twenty)."""
    return f"geen {plural}" if int(n) == 0 else f"{fmt.words(n)} {singular if int(n) == 1 else plural}"


def steps_sentences(quality: Mapping) -> str:
    """What the cleaning did, from export to the units the report counts, in plain Dutch."""
    counts = quality["counts"]
    tests, excluded = counts["test_responses"], counts["excluded_no_first_content"]
    joint = count_phrase(counts["joint_rows"], "gezamenlijk antwoord", "gezamenlijke antwoorden")
    duplicates = count_phrase(counts["duplicates_removed"], "dubbele inzending", "dubbele inzendingen")
    return (f"De export van de peiling telt {fmt.number(counts['rows_in'])} rijen. Daarvan "
            f"{'is' if tests == 1 else 'zijn'} {count_phrase(tests, 'testrespons', 'testresponsen')} verwijderd"
            + (f" en {count_phrase(excluded, 'rij', 'rijen')} niet meegeteld omdat de eerste inhoudelijke vraag niet "
               "is beantwoord" if excluded else "")
            + f". Er blijven {fmt.number(counts['valid_rows'])} geldige responsen over. Na het splitsen van {joint} "
            f"voor meer gemeenten en het verwijderen van {duplicates} telt het rapport "
            f"{fmt.number(counts['units_out'])} deelnemers, van wie {fmt.number(counts['identified_municipalities'])} "
            "aan een gemeente uit de gemeentelijst van het CBS gekoppeld zijn.")


def privacy_sentence(quality: Mapping) -> str:
    """What was removed to protect personal data, counted."""
    counts = quality["counts"]
    scrubbed = counts["scrubbed"]
    return (f"De export bevat {count_phrase(len(counts['personal_columns_dropped']), 'kolom', 'kolommen')} met "
            "persoonsgegevens (zoals naam en e-mailadres van de invuller); die gaan niet mee naar de verwerkte "
            "gegevens. In de open antwoorden zijn vervangen: "
            + fmt.join([count_phrase(scrubbed["email"], "e-mailadres", "e-mailadressen"),
                        count_phrase(scrubbed["phone"], "telefoonnummer", "telefoonnummers"),
                        count_phrase(scrubbed["ip"], "IP-adres", "IP-adressen"),
                        count_phrase(scrubbed["name"], "naam", "namen")])
            + ". Zulke antwoorden worden niet geciteerd. Verder "
            + ("is " if counts["not_routed_answers_dropped"] == 1 else "zijn ")
            + count_phrase(counts["not_routed_answers_dropped"], "antwoord", "antwoorden")
            + " verwijderd op vragen die volgens de vragenlijst niet aan de invuller gesteld waren.")


def unmatched_sentence(quality: Mapping) -> str:
    """How many participants could not be linked to one municipality, and why."""
    counts = quality["counts"]
    if not counts["unmatched_total"]:
        return "Elke deelnemer is aan één gemeente gekoppeld."
    return (f"{fmt.capitalize(count_phrase(counts['unmatched_total'], 'deelnemer is', 'deelnemers zijn'))} niet aan "
            f"één gemeente te koppelen ({unmatched_by_status(counts['unmatched'])}). Zij tellen mee als deelnemer, "
            "maar zonder gemeente en dus zonder grootteklasse; er wordt niets gegokt.")


def published_sentence(quality: Mapping, year: int) -> str:
    """The number of participants the published report gives beside the count of this cleaning."""
    published = cleaning.published_participants(year)
    units = quality["counts"]["units_out"]
    if published is None:
        return f"Het aantal deelnemers van {year} is niet gepubliceerd; deze gegevens tellen er {fmt.number(units)}."
    same = "gelijk aan" if published == units else "anders dan"
    return (f"Het gepubliceerde rapport van {year} noemt {fmt.number(published)} deelnemende gemeenten; dat is "
            f"{same} de {fmt.number(units)} deelnemers van deze gegevens.")
