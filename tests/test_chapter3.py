"""Chapter 3 (notebooks/03_inhoud.ipynb) run by papermill on the processed data: its parts reproduce the published
Tabel 1-4 and Figuur 6 of the 2023 report, its key figures are there for the summary, and 2018 (no VNG topics, no
LIA results) gets notes instead of errors or empty tables."""

from __future__ import annotations

import json
import re

import notebook_runs
import pandas as pd
import pytest

from helpers import PROCESSED_DIR, REPO_ROOT
from helpers.core.formatting import round_half_up
from helpers.data.codebook import codebook
from helpers.data.published import load_published, matches

NOTEBOOK = REPO_ROOT / "notebooks" / "03_inhoud.ipynb"
TABLES = {"vng_onderwerpen": 1, "partners_betrokken": 2, "partners_niet": 3, "knelpunten": 4}


def _run(year: int, tmp_path_factory) -> tuple[dict, pd.DataFrame, str, object]:
    if not (PROCESSED_DIR / str(year) / "answers.parquet").exists():
        pytest.skip(f"no processed data for {year} (make data)")
    root = tmp_path_factory.mktemp(f"ch3_{year}")
    parts = root / "parts"
    output = root / "03_inhoud.ipynb"
    notebook_runs.execute(NOTEBOOK, output, year=year, processed_dir=str(PROCESSED_DIR), parts_dir=str(parts))
    manifest = json.loads((parts / "manifest.json").read_text(encoding="utf-8"))
    cijfers = pd.read_csv(parts / "cijfers.csv", dtype={"item": str, "group": str, "answer": str},
                          keep_default_na=False)
    executed = json.loads(output.read_text(encoding="utf-8"))
    shown = []
    for cell in executed["cells"]:
        for out in cell.get("outputs", []):
            for kind in ("text/markdown", "text/html", "text/plain"):
                if kind in out.get("data", {}):
                    shown.append("".join(out["data"][kind]))
            if out.get("output_type") == "error":
                shown.append(f"ERROR {out.get('ename')}: {out.get('evalue')}")
    return manifest, cijfers, "\n".join(shown), parts


@pytest.fixture(scope="module")
def run_2023(tmp_path_factory):
    return _run(2023, tmp_path_factory)


@pytest.fixture(scope="module")
def run_2018(tmp_path_factory):
    return _run(2018, tmp_path_factory)


def _published(wave: int):
    return [p for p in load_published() if p.wave == wave]


def test_2023_items_and_numbers(run_2023):
    manifest, _, shown, _ = run_2023
    assert manifest["chapter"] == 3 and manifest["year"] == 2023
    items = {item["id"]: item for item in manifest["items"]}
    assert (items["domeinen"]["kind"], items["domeinen"]["number"]) == ("figuur", 6)
    assert {k: (items[k]["kind"], items[k]["number"]) for k in TABLES} == {k: ("tabel", n) for k, n in TABLES.items()}
    assert items["domeinen"]["title"] == "Domeinen waar gemeenten heel veel of veel aandacht voor hebben"
    assert items["domeinen"]["alt"].startswith("Staafdiagram") and "%" in items["domeinen"]["alt"]
    for item in items.values():
        assert item["question"] and item["base"]
    # The trend subsection (3.6): Tabel T4 with the obstacles and top domains, Figuur T3 with the obstacles (chapter
    # 2 has Tabel T1-T3 and Figuur T1-T2: trends, panel, weighting); the weighted table (3.7) is Tabel T5.
    assert {k: (items[k]["kind"], items[k]["series"], items[k]["number"])
            for k in ("trend_inhoud_tabel", "trend_inhoud_figuur", "gewogen_h3")} == {
        "trend_inhoud_tabel": ("tabel", "T", 4), "trend_inhoud_figuur": ("figuur", "T", 3),
        "gewogen_h3": ("tabel", "T", 5)}
    assert "ERROR" not in shown


def test_2023_cijfers_reproduce_published_tables_1_to_4(run_2023):
    _, cijfers, _, _ = run_2023
    checked = 0
    for number in _published(2023):
        found = re.match(r"2023_tabel([1-4])_", number.id)
        if not found or number.measure != "share":
            continue
        rows = cijfers[(cijfers["table"] == f"tabel_{found.group(1)}") & (cijfers["item"] == number.item)
                       & (cijfers["group"] == number.population) & (cijfers["answer"] == number.group)]
        assert len(rows) == 1, number.id
        assert number.comparison == "rounded"
        assert int(rows["pct"].iloc[0]) == round_half_up(number.value), number.id
        checked += 1
    assert checked == 2 * (11 + 6 + 6 + 8)


def test_2023_tables_in_the_published_order(run_2023):
    """Tabel 2 lists 39 % (cliëntenorganisaties) before 39 % (overige actoren), as published: the rounded share
    decides, ties in questionnaire order."""
    _, _, _, parts = run_2023
    tabel2 = pd.read_csv(parts / "tables" / "tabel_2.csv")
    order = list(dict.fromkeys(tabel2["item"]))
    assert order == ["wmo_raad", "belangenorganisaties", "informele_organisaties", "clientenorganisaties",
                     "overige_actoren", "kennisinstituten"]
    tabel4 = pd.read_csv(parts / "tables" / "tabel_4.csv")
    assert list(dict.fromkeys(tabel4["item"]))[:2] == ["capaciteit", "stakeholders"]
    assert "ander" not in set(tabel4["item"])


def test_2023_figure_6_fits_the_published_ranges(run_2023):
    _, _, _, parts = run_2023
    figure = pd.read_csv(parts / "tables" / "figuur_6.csv")
    checked = 0
    for number in _published(2023):
        if number.question != "domains" or number.group != "veel_of_heel_veel":
            continue
        row = figure[(figure["item"] == number.item) & (figure["group"] == number.population)]
        assert len(row) == 1 and matches(number, float(row["pct"].iloc[0])), number.id
        checked += 1
    assert checked == 6


def test_2023_key_figures_for_the_summary(run_2023):
    manifest, _, shown, _ = run_2023
    key = manifest["key_figures"]
    value = {name: entry["value"] for name, entry in key.items()}
    published = {p.id: p for p in load_published()}
    labels = {item.code: item.label for item in codebook().question("domains").items}
    assert set(value["top_domeinen"]) == {labels[c] for c in ("betrekken", "communicatie", "openbare_gebouwen")}
    for name, population in (("top_domeinen_min_pct", "alle"), ("top_domeinen_max_pct", "alle"),
                             ("top_domeinen_klein_min_pct", "klein"), ("top_domeinen_klein_max_pct", "klein")):
        assert matches(published[f"2023_par3_2_betrekken_{population}"], value[name]), name
    assert set(value["minste_aandacht_domeinen"]) == {labels[c] for c in ("onderwijs", "openbaar_vervoer",
                                                                          "arbeidsmarkt")}
    assert matches(published["2023_par3_3_samenwerken_geen_aandacht"], value["niet_samenwerken_pct"])
    assert matches(published["2023_tabel2_wmo_raad_alle"], value["wmo_raad_pct"])
    assert matches(published["2023_tabel3_clientenorganisaties_alle"], value["clientenorganisaties_niet_pct"])
    assert matches(published["2023_tabel3_belangenorganisaties_alle"], value["belangenorganisaties_niet_pct"])
    assert value["alle_werken_samen"] is True
    assert matches(published["2023_tabel4_capaciteit_alle"], value["knelpunt_capaciteit_pct"])
    assert matches(published["2023_tabel4_capaciteit_klein"], value["knelpunt_capaciteit_klein_pct"])
    assert matches(published["2022_s0_capaciteit"], value["knelpunt_capaciteit_vorig_pct"])
    assert key["knelpunt_capaciteit_pct"]["rank"] == 1 and key["knelpunt_capaciteit_pct"]["meest_genoemd"] is True
    assert key["knelpunt_capaciteit_vorig_pct"]["wave"] == 2022
    obstacle = {item.code: item.label for item in codebook().question("obstacles").items}
    # The report names ervaringsdeskundigen (29 % against 24 %) and onduidelijkheid (27 % against 20 %) as named more
    # often than in 2022; a two-proportion test on the counts finds neither change significant (p = 0.36 and 0.12), so
    # the chapter names none (published_numbers.yml: notes of 2022_s0_ervaringsdeskundigen, 2022_s0_onduidelijkheid).
    assert obstacle and value["knelpunten_vaker_dan_vorig"] == []
    assert key["knelpunten_vaker_dan_vorig"]["toets"].startswith("twee-proportietoets")
    assert value["lia_resultaten_n"] == published["2023_par3_1_resultaten_beantwoord"].value
    assert matches(published["2023_par3_5_ander_knelpunt"], value["knelpunt_ander_pct"])
    for name in ("onderwijs", "openbaar_vervoer", "arbeidsmarkt"):
        assert matches(published[f"2023_par3_2_{name}_geen_of_weinig"], value[f"geen_of_weinig_{name}_pct"]), name


def test_2023_text_says_what_the_report_says(run_2023):
    _, _, shown, _ = run_2023
    klein = int(next(p for p in _published(2023) if p.id == "2023_tabel1_klein_beantwoord").value)
    assert f"Wel hebben maar {klein} van de kleinere gemeenten deze vraag ingevuld" in shown
    assert "ongeveer 1 op de 5 gemeenten helemaal geen aandacht" in shown
    assert "Alle gemeenten werken samen met een of meer partners." in shown
    assert "net als vorig jaar 76\u00a0%" in shown
    # The report says ervaringsdeskundigen (24 % -> 29 %) and onduidelijkheid (20 % -> 27 %) are named more often than
    # last year; the test on the counts finds neither significant (p = 0.36, 0.12), so the chapter says so instead
    # (published_numbers.yml: notes of 2022_s0_ervaringsdeskundigen and 2022_s0_onduidelijkheid).
    assert "vorig jaar door 24\u00a0% een groot of zeer groot knelpunt genoemd" not in shown
    assert "Alle knelpunten worden ongeveer even vaak genoemd als vorig jaar: de verschillen zijn niet significant." \
        in shown
    assert "6\u00a0% aan nog een ander groot of zeer groot knelpunt" in shown
    for theme in ("Conflicterende regelgeving", "Bouwbesluit", "Gebrek aan financiering", "Verschillende belangen",
                  "Ervaringsdeskundigheid", "Prioriteren"):
        assert f"### {theme}" in shown, theme
    quotes = re.findall(r"^> ‘(.*)’$", shown, flags=re.MULTILINE)
    assert len(quotes) >= 10
    assert not any(re.search(r"\[[^\]]*[a-z][^\]]*\]|@", quote) for quote in quotes)   # no placeholders, no e-mail
    assert len(quotes) == len(set(quotes))
    assert "letterlijk overgenomen uit de synthetische antwoorden" in shown


def test_2018_has_notes_instead_of_missing_questions(run_2018):
    manifest, cijfers, shown, _ = run_2018
    items = {item["id"]: (item["kind"], item["number"]) for item in manifest["items"]}
    assert "vng_onderwerpen" not in items
    assert items["partners_betrokken"] == ("tabel", 1) and items["knelpunten"] == ("tabel", 3)
    assert "domeinen" in items
    assert "is in 2018 niet gesteld" in shown and "ontbreekt daarom in deze editie" in shown
    assert "ERROR" not in shown
    key = manifest["key_figures"]
    assert key["niet_samenwerken_pct"]["value"] is None and key["lia_resultaten_n"]["value"] is None
    assert key["knelpunt_capaciteit_vorig_pct"]["value"] is None
    # tabel_T2: weighted and unweighted (T1 is chapter 2's; 2018 has no panel table)
    assert set(cijfers["table"]) - {"tekst_inhoud"} == {"figuur_6", "tabel_1", "tabel_2", "tabel_3", "tabel_T2"}
