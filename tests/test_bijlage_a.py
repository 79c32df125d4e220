"""Bijlage A "Overzicht deelnemende gemeenten" (notebooks/07_bijlage_a.ipynb and helpers.report.summary).

The list comes from the processed responses: one line per identified municipality, one line per joint answer, in the
printed report's alphabetical order; participants without one municipality are counted, and no text typed by a
respondent is shown except a municipality name that fits several municipalities ("Bergen").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import notebook_runs
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from helpers import PUBLISHED_DIR
from helpers.data.municipalities import MatchResult
from helpers.data.processed import read_processed
from helpers.report import summary as sm

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_bijlage_a.ipynb"
NBSP = "\u00a0"


def responses_frame(rows) -> pd.DataFrame:
    columns = ["response_id", "joint_group", "municipality_code", "municipality_name"]
    return pd.DataFrame(rows, columns=columns).astype("string")


def test_sort_key_reproduces_the_printed_order():
    printed = pd.read_csv(PUBLISHED_DIR / "bijlage_a_2023.csv", dtype=str, keep_default_na=False)
    names = list(printed["name_as_published"])
    assert sorted(names, key=sm.sort_key) == names


def test_joint_answers_are_one_line_in_the_typed_order():
    responses = responses_frame([
        ("2023-0042b", "2023-0042", "GM0613", "Albrandswaard"), ("2023-0042a", "2023-0042", "GM0489", "Barendrecht"),
        ("2023-0042c", "2023-0042", "GM0597", "Ridderkerk"), ("2023-0013", None, "GM0512", "Gorinchem"),
        ("2023-0099", None, "GM0518", "'s-Gravenhage"), ("2023-0063", None, None, None),
    ])
    lines = sm.participant_lines(responses, {"joint": []})
    assert list(lines["line"]) == ["Barendrecht, Albrandswaard en Ridderkerk", "Gorinchem", "'s-Gravenhage"]
    assert list(lines["joint"]) == [True, False, False]
    assert sum(len(names) for names in lines["names"]) == 5


def test_a_joint_answer_counted_once_gets_its_names_from_the_quality_log():
    responses = responses_frame([("2023-0051", "2023-0051", None, None)])
    quality = {"joint": [{"joint_group": "2023-0051", "municipality_codes": ["GM0532", "GM0388"],
                          "response_ids": ["2023-0051"]}]}
    lines = sm.participant_lines(responses, quality, {"GM0532": "Stede Broec", "GM0388": "Enkhuizen"})
    assert list(lines["line"]) == ["Stede Broec en Enkhuizen"]
    assert sm.unidentified(responses, quality) == []


def test_unidentified_never_returns_typed_text():
    responses = responses_frame([("a", None, None, None), ("b", None, None, None), ("c", None, None, None),
                                 ("d", None, None, None), ("e", None, None, None)])
    quality = {"unmatched": [
        {"response_id": "a", "status": "ambiguous", "typed": "bergen ", "candidates": ["Bergen (NH.)", "Bergen (L.)"]},
        {"response_id": "b", "status": "unknown", "typed": "Team Samenleving", "candidates": ["Kampen", "Almelo"]},
        {"response_id": "c", "status": "empty", "typed": None, "candidates": []},
        {"response_id": "d", "status": "ambiguous", "typed": "Bergen, team [naam]",
         "candidates": ["Bergen (NH.)", "Bergen (L.)"]},
        {"response_id": "e", "status": "other_year", "typed": "Haaren", "candidates": []},
    ]}
    records = sm.unidentified(responses, quality)
    assert [r["name"] for r in records] == ["Bergen", "", "", "", ""]  # the CBS name, not the typed "bergen "
    sentence = sm.unidentified_sentence(records, "2023-01-01").replace(NBSP, " ")
    assert sentence.startswith("Vijf deelnemers zijn niet aan één gemeente toe te wijzen: bij één deelnemer past de "
                               "ingevulde naam ‘Bergen’ bij meer dan één gemeente (Bergen (NH.) of Bergen (L.))")
    assert "bij één deelnemer gaat het om een gemeente die op 1 januari 2023 niet (meer) bestond" in sentence
    assert "bij drie deelnemers ontbreekt de naam of is die onherkenbaar" in sentence
    for typed in ("Team Samenleving", "[naam]", "Haaren", "Kampen", "bergen "):
        assert typed not in sentence
    assert sm.unidentified_sentence([]) == ""
    assert sm.unidentified_sentence([{"status": "empty", "name": ""}]) == \
        "Één deelnemer is niet aan één gemeente toe te wijzen: de naam ontbreekt of is onherkenbaar."


def test_compare_with_published_lists_both_sides():
    lines = pd.DataFrame({"line": ["Assen", "Baarn"], "names": [("Assen",), ("Baarn",)],
                          "codes": [("GM0106",), ("GM0308",)], "joint": [False, False]})
    printed = pd.DataFrame({"name_as_published": ["Assen", "Den Haag", "Bergen"]})
    results = {"Assen": MatchResult("Assen", 2023, "exact", ("GM0106",), ("Assen",)),
               "Den Haag": MatchResult("Den Haag", 2023, "alias", ("GM0518",), ("'s-Gravenhage",)),
               "Bergen": MatchResult("Bergen", 2023, "ambiguous", candidates=("Bergen (NH.)", "Bergen (L.)"))}
    comparison = sm.compare_with_published(lines, printed, 2023, match=lambda text, year: results[text])
    assert comparison["only_published"] == ["Den Haag"] and comparison["only_data"] == ["Baarn"]
    assert comparison["unresolved"] == [("Bergen", ["Bergen (NH.)", "Bergen (L.)"])]
    assert comparison["spelling"] == [("Den Haag", "'s-Gravenhage")]
    note = sm.published_note(comparison, 2023)
    assert "In de gepubliceerde lijst, maar niet in deze gegevens: Den Haag." in note
    assert "In deze gegevens, maar niet in de gepubliceerde lijst: Baarn." in note


@pytest.fixture(scope="module")
def executed_2023(tmp_path_factory):
    try:
        responses, _, quality = read_processed(2023)
    except FileNotFoundError:
        pytest.skip("no processed 2023 data (make data)")
    root = tmp_path_factory.mktemp("bijlage_a")
    output = root / "out.ipynb"
    notebook_runs.execute(NOTEBOOK, output, year=2023, parts_dir=str(root / "parts" / "07_bijlage_a"))
    notebook = json.loads(output.read_text(encoding="utf-8"))
    shown = []
    for cell in notebook["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            shown.append("".join(data.get("text/html") or data.get("text/markdown") or out.get("text") or ""))
    return responses, quality, "\n".join(shown), root / "parts" / "07_bijlage_a"


def test_the_list_has_every_identified_municipality_once(executed_2023):
    responses, quality, shown, _ = executed_2023
    items = [li.get_text() for li in BeautifulSoup(shown, "html.parser").select("ul.fp-gemeenten li")]
    identified = responses[responses["municipality_code"].notna()].sort_values("response_id")
    assert len(identified) == quality["counts"]["identified_municipalities"]
    singles = list(identified.loc[identified["joint_group"].isna(), "municipality_name"])
    groups = {group: list(rows["municipality_name"])
              for group, rows in identified[identified["joint_group"].notna()].groupby("joint_group")}
    joint_lines = [", ".join(names[:-1]) + " en " + names[-1] for names in groups.values()]
    assert sorted(items) == sorted(singles + joint_lines)  # every joint group once, on one line
    assert len(singles) + sum(len(names) for names in groups.values()) == len(identified)
    assert len(set(items)) == len(items)
    assert "Barendrecht, Albrandswaard en Ridderkerk" in items and "Stede Broec, Enkhuizen en Drechterland" in items
    assert items == sorted(items, key=sm.sort_key)


def test_counts_and_reasons_are_stated(executed_2023):
    responses, quality, shown, _ = executed_2023
    text = BeautifulSoup(shown, "html.parser").get_text(" ").replace(NBSP, " ")
    assert f"Aan de flitspeiling 2023 hebben {len(responses)} gemeenten deelgenomen." in text
    assert "Dit betreft vier gemeenten." in text  # quality counts excluded_no_first_content
    assert "Drie deelnemers zijn niet aan één gemeente toe te wijzen" in text
    assert "‘Bergen’ bij meer dan één gemeente (Bergen (NH.) of Bergen (L.))" in text
    assert "Vergelijking met de gepubliceerde lijst" in text and "Afgezien van ‘Bergen’" in text


def test_no_personal_data_or_answers(executed_2023):
    responses, quality, shown, parts = executed_2023
    text = BeautifulSoup(shown, "html.parser").get_text(" ")
    for unit in quality["unmatched"]:
        if unit["typed"] and unit["status"] != "ambiguous":
            assert unit["typed"] not in text
    assert not re.search(r"\d{4}-\d{4}", text)  # no response ids
    assert "@" not in text and "[naam]" not in text and "[e-mailadres]" not in text
    manifest = json.loads((parts / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["items"] == [] and manifest["key_figures"] == {} and manifest["slug"] == "bijlage_a"
