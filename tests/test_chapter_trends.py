"""The trend subsection of the chapters (helpers.report.sections.trend_section in notebooks 02-04), run by papermill on the
processed data: 2023 shows Tabel T1 and Figuur T1 in chapter 2 with the model columns in the HTML table, the
tabellenboek CSV and cijfers.csv; 2019 (two waves) says there are too few measurements instead of failing."""

from __future__ import annotations

import notebook_runs
import pandas as pd
import pytest

from helpers import REPO_ROOT

NOTEBOOK = REPO_ROOT / "notebooks" / "02_reikwijdte_fase.ipynb"
PROCESSED = REPO_ROOT / "data" / "processed"
SHOWN_COLUMNS = ["Onderwerp", "Eerste \u2192 laatste meting (n)", "Procentpunt per jaar (95%-BI)",
                 "Odds ratio per jaar (95%-BI)", "p", "Gecorrigeerd voor grootte: procentpunt per jaar (95%-BI); p"]

pytestmark = pytest.mark.skipif(not (PROCESSED / "2023" / "answers.parquet").exists(),
                                reason="no processed data (make clean-data)")


def run_chapter(year: int, tmp_path):
    return notebook_runs.run_chapter(NOTEBOOK, year, tmp_path)


def test_2023_chapter_2_shows_the_trend_table_and_figure(tmp_path):
    manifest, parts, shown = run_chapter(2023, tmp_path)
    items = {i["id"]: i for i in manifest["items"]}
    assert (items["trend_fase_tabel"]["kind"], items["trend_fase_tabel"]["series"],
            items["trend_fase_tabel"]["number"]) == ("tabel", "T", 1)
    assert (items["trend_fase_figuur"]["kind"], items["trend_fase_figuur"]["number"]) == ("figuur", 1)
    assert items["trend_fase_figuur"]["alt"].startswith("Kleine grafieken per onderwerp")
    assert "Tabel T1" in shown and "Figuur T1" in shown and "## 2.3" not in shown
    for column in SHOWN_COLUMNS:
        assert f'<th scope="col">{column}</th>' in shown
    # The tabellenboek's CSV: one row per indicator with the model estimates under Dutch headers.
    table = pd.read_csv(parts / "tables" / "tabel_T1.csv")
    assert list(table["item"]) == ["lia_uitgevoerd", "lia_verkennend", "lia_in_ontwikkeling_of_uitvoering",
                                   "breed_inclusiebeleid"]
    assert {"Verandering per jaar (procentpunt)", "95%-BI ondergrens (procentpunt)", "Odds ratio per jaar",
            "p-waarde", "Gecorrigeerd voor grootte: verandering per jaar (procentpunt)",
            "Gecorrigeerd: p-waarde"} <= set(table.columns)
    row = table.set_index("item").loc["lia_uitgevoerd"]
    assert row["95%-BI ondergrens (procentpunt)"] < row["Verandering per jaar (procentpunt)"] \
        < row["95%-BI bovengrens (procentpunt)"]
    assert row["group"] == "2018-2023" and row["n"] == 201
    # The figure's data: every wave of the three figure indicators, with the published share where there is one.
    figure = pd.read_csv(parts / "tables" / "figuur_T1.csv")
    assert set(figure["item"]) == {"lia_uitgevoerd", "lia_verkennend", "breed_inclusiebeleid"}
    assert sorted(set(figure["group"])) == [2018, 2019, 2020, 2021, 2022, 2023]
    assert figure["pct_published"].notna().any()
    cijfers = pd.read_csv(parts / "cijfers.csv", dtype=str, keep_default_na=False)
    assert {"tabel_T1", "figuur_T1"} <= set(cijfers["table"])
    key = manifest["key_figures"]["trend_lia_uitgevoerd_pp_per_jaar"]
    assert key["low"] < key["value"] < key["high"] and 0 <= key["p"] <= 1
    # the plain sentence first (direction word only for a significant trend), the margin in brackets, Bijlage D named
    assert "uitvoert steeg van 2018 tot en met 2023 gemiddeld met" in shown.replace("\u00a0", " ")
    assert "procentpunt per jaar: een significante stijging (marge" in shown.replace("\u00a0", " ")
    assert "Bijlage D Leeswijzer en methoden" in shown
    trend_claims = [c for c in manifest["claims"] if c["kind"] == "trend" and c["indicator"] == "lia_uitgevoerd"]
    assert trend_claims and all(c["period"] == [2018, 2023] and c["significant"] for c in trend_claims)
    assert "niet elk jaar doen dezelfde gemeenten mee" in shown


def test_2019_has_too_few_waves_for_a_trend(tmp_path):
    manifest, _, shown = run_chapter(2019, tmp_path)
    assert not any(i["id"].startswith("trend_") for i in manifest["items"])
    assert "te weinig metingen" in shown and "ontbreken daarom in deze editie" in shown
