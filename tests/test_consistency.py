"""One claim, one wording: the registered claims (helpers.report.claims), the report-wide check on them
(helpers.publish.consistency), the summary's sentence where the trend and the year-on-year comparison differ, and the
wording rules that keep the report from contradicting itself (panel, support needs, the guide's intervals).

The last test reads the claims of every wave built in build/<year>/parts (make report / make all-waves) and fails on
any contradiction, naming the sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers import BUILD_DIR
from helpers.analysis import panel
from helpers.publish import consistency
from helpers.publish.parts import PublishError, load_parts
from helpers.report import claims
from helpers.report import summary as sm
from helpers.report import text as phrases
from helpers.report.chapters import guide, support

REPORT_YML = Path(__file__).resolve().parents[1] / "notebooks" / "report.yml"


def _trend_row(change_pp: float, p_value: float, indicator: str = "breed_inclusiebeleid") -> dict:
    return {"indicator": indicator, "label": "Breed inclusiebeleid voor alle burgers", "first_wave": 2018,
            "last_wave": 2023, "change_pp": change_pp, "p_value": p_value}


# (count, n): 67 % of 201 against 63 % of 160 is within noise; 53 % of 201 against 68 % of 160 is not
WITHIN_NOISE = ((135, 201), (101, 160))
SIGNIFICANT_FALL = ((106, 201), (109, 160))


def test_a_year_claim_follows_the_test_the_wording_uses():
    now, before = WITHIN_NOISE
    claim = claims.from_test("breed_inclusiebeleid", "breed", now, before, 2022, 2023,
                             phrases.compared_phrase(now, before, 2022))
    assert phrases.compare(now, before) == phrases.EQUAL
    assert claim["direction"] == "hoger" and claim["significant"] is False
    assert claims.asserted(claim) == "gelijk" and claim["period"] == [2022, 2023]
    assert claim["pct_now"] == pytest.approx(100 * 135 / 201)
    fall = claims.from_test("lia", "lia", *SIGNIFICANT_FALL, 2022, 2023, "lager")
    assert (fall["direction"], fall["significant"], claims.asserted(fall)) == ("lager", True, "lager")
    assert claims.from_test("x", "x", None, before, 2022, 2023, "") is None


def test_a_trend_claim_is_significant_only_below_five_percent():
    assert claims.asserted(claims.from_trend(_trend_row(3.6, 0.0004), "s")) == "hoger"
    assert claims.asserted(claims.from_trend(_trend_row(-1.2, 0.3), "s")) == "gelijk"
    assert claims.from_trend(_trend_row(1.0, float("nan")), "s") is None
    with pytest.raises(ValueError, match="kind"):
        claims.make("x", "x", (2022, 2023), "vaag", "hoger", True, "s")


def test_direction_words_need_a_significant_test_unless_qualified():
    assert claims.unqualified_direction_words("De bekendheid ligt niet significant hoger dan in 2022.") == []
    assert claims.unqualified_direction_words("veranderde niet aantoonbaar: gemiddeld +0,5 procentpunt") == []
    assert claims.unqualified_direction_words("is de bekendheid elk jaar gestegen") == ["gestegen"]
    now, before = WITHIN_NOISE
    fine = claims.from_test("bekend_idm", "b", now, before, 2022, 2023, "niet significant hoger dan in 2022 (…)")
    wrong = claims.from_test("bekend_idm", "b", now, before, 2022, 2023, "is van 63 % gestegen naar 67 %")
    assert claims.problems([fine]) == []
    found = claims.problems([wrong])
    assert len(found) == 1 and "‘gestegen’" in found[0] and "not significant" in found[0]


def test_two_claims_on_one_indicator_and_period_must_agree():
    now, before = SIGNIFICANT_FALL
    year = claims.from_test("lia", "lia", now, before, 2022, 2023, "lager dan in 2022", chapter="2 Reikwijdte")
    panel_claim = claims.make("lia", "lia", (2022, 2023), "panel", "lager", False, "een verschil van 15 procentpunt",
                              chapter="2.4")
    found = claims.problems([year, panel_claim])
    assert len(found) == 1 and "lia 2022-2023" in found[0] and "2 Reikwijdte" in found[0]
    # a different period is another statement: a fall since last year beside a rise since 2018 is no contradiction
    trend = claims.from_trend(_trend_row(5.2, 0.0001, indicator="lia"), "een significante stijging")
    assert claims.problems([year, trend]) == []
    assert claims.differing([year, trend], 2023) == [(year, trend)]


def test_the_summary_names_both_comparisons_where_they_differ():
    now, before = WITHIN_NOISE
    year = claims.from_test("breed_inclusiebeleid", "breed", now, before, 2022, 2023,
                            phrases.compared_phrase(now, before, 2022))
    trend = claims.from_trend(_trend_row(3.6, 0.0004), "een significante stijging")
    sentences, made = sm.trend_and_year([year, trend], 2023)
    text = " ".join(sentences).replace("\u00a0", " ")
    assert text.startswith("De vergelijking met vorig jaar en de ontwikkeling over alle metingen (de trend)")
    assert ("- het aandeel ‘Breed inclusiebeleid voor alle burgers’: ten opzichte van 2022 niet significant veranderd (67 %, tegen 63 %); over "
            "2018–2023 significant gestegen (gemiddeld 3,6 procentpunt per jaar).") in text
    named = claims.from_test("breed_inclusiebeleid", "breed", now, before, 2022, 2023, "s",
                             subject="het aandeel gemeenten met een breed inclusiebeleid")
    assert "- het aandeel gemeenten met een breed inclusiebeleid: ten opzichte" in sm.trend_and_year([named, trend],
                                                                                                       2023)[0][0]
    assert claims.problems([year, trend, *made]) == []  # the summary's own claims agree with the chapters'
    agreeing = claims.from_trend(_trend_row(0.4, 0.6), "geen aantoonbare verandering")
    assert sm.trend_and_year([year, agreeing], 2023) == ([], [])


def _write_parts(root: Path, claims_by_stem: dict[str, list[dict]]) -> None:
    for part in load_parts(REPORT_YML):
        directory = root / part.stem
        directory.mkdir(parents=True)
        manifest = {"year": 2023, "items": [], "key_figures": {}, "claims": claims_by_stem.get(part.stem, [])}
        (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_publishing_refuses_a_report_that_contradicts_itself(tmp_path):
    now, before = WITHIN_NOISE
    chapter = claims.from_test("breed_inclusiebeleid", "breed", now, before, 2022, 2023, "niet significant meer")
    summary = {**chapter, "sentence": "meer gemeenten dan vorig jaar hebben een breed inclusiebeleid", "chapter": ""}
    _write_parts(tmp_path / "good", {"02_reikwijdte_fase": [chapter]})
    assert consistency.check(tmp_path / "good", REPORT_YML) == 1
    _write_parts(tmp_path / "bad", {"02_reikwijdte_fase": [chapter], "06_samenvatting": [summary]})
    with pytest.raises(PublishError, match="contradicts itself") as error:
        consistency.check(tmp_path / "bad", REPORT_YML)
    assert "Samenvatting en conclusie" in str(error.value)  # the part is named where the claim does not say


def test_the_panel_says_risen_or_fallen_only_when_the_test_does():
    result = panel.PanelResult(2022, 2023, {}, pd.DataFrame([{
        "indicator": "lia_uitgevoerd", "label": "LIA wordt uitgevoerd", "pct_prev": 34.4, "pct_curr": 30.5,
        "total_pp": -3.9, "n_stayers": 136, "pct_stayers_prev": 35.0, "pct_stayers_curr": 41.0, "n_joiners": 65,
        "pct_joiners": 6.0, "within_pp": 4.0, "composition_pp": -7.9, "joiners_pp": -9.4, "leavers_pp": 1.5}]), None)
    untested = panel.describe(result, "lia_uitgevoerd")
    assert "gedaald" in untested and "De daling" not in untested  # the old wording: "de daling komt dus geheel ..."
    within_noise = panel.describe(result, "lia_uitgevoerd", significant=False)
    assert claims.unqualified_direction_words(within_noise.split(". ")[0]) == []
    assert "niet significant" in within_noise and "het verschil komt dus geheel door wie er meedeed" in within_noise
    guess = panel.answer_guess(result, shown={"lia_uitgevoerd"}, fallen=[])
    assert "niet significant gedaald" in guess


def _needs(counts_now: dict[str, int], counts_before: dict[str, int], n_now: int, n_before: int) -> support.Needs:
    def table(counts, n):
        return pd.DataFrame({"item": list(counts), "label": [c.replace("_", " ") for c in counts],
                             "count_alle": list(counts.values()), "n_alle": n,
                             "pct_alle": [100 * v / n for v in counts.values()], "rank": range(1, len(counts) + 1)})
    return support.Needs("support_content", 2023, table(counts_now, n_now), ("geen_behoefte",), 2022,
                         table(counts_before, n_before))


def test_a_picture_without_any_significant_change_is_not_called_mixed():
    quiet = _needs({"voorbeelden": 107, "uitleg": 38, "geen_behoefte": 28}, {"voorbeelden": 95, "uitleg": 24,
                                                                            "geen_behoefte": 31}, 173, 150)
    assert support.mixed_sentence(quiet) == ("Vergeleken met 2022 is bij geen van de twee onderdelen het percentage "
                                             "significant veranderd.")
    sentences = " ".join(support.no_need_sentences(quiet))
    assert "De grootste verandering" not in sentences and "maar ook dat is niet significant" in sentences


def test_the_guide_explains_why_the_two_intervals_differ():
    found = guide.Intervals(label="LIA wordt uitgevoerd", pct=30.3, n=201, frame_total=342, finite=(26.4, 34.2),
                            wilson=(24.4, 36.9))
    text = guide.intervals_paragraph(found, "tabel T3", "figuur T1").replace("\u00a0", " ")
    assert ("In tabel T3 ligt ‘LIA wordt uitgevoerd’ (30 %, n = 201) tussen 26 % en 34 %, in figuur T1 tussen 24 % en "
            "37 %.") in text
    assert "59 %" in text and "eindigepopulatiecorrectie" in text and "Wilson" in text
    without_figure = guide.intervals_paragraph(found, "tabel 7", None).replace("\u00a0", " ")
    assert "In tabel 7 ligt" in without_figure and "als gewone steekproef zou de marge tussen 24 % en 37 % liggen" in without_figure


def _built_waves() -> list[Path]:
    return sorted(path for path in BUILD_DIR.glob("[0-9][0-9][0-9][0-9]/parts")
                  if (path / "06_samenvatting" / "manifest.json").is_file())


def test_every_built_wave_is_consistent():
    built = _built_waves()
    if not built:
        pytest.skip("no built report in build/<year>/parts: make report (or make all-waves)")
    found = {path.parent.name: consistency.problems(path, REPORT_YML) for path in built}
    assert not any(found.values()), json.dumps(found, indent=1, ensure_ascii=False)


def test_the_summary_registers_its_own_year_on_year_statements():
    ch2 = {"breed_inclusiebeleid": {"value": 67.2, "text": "67 %", "count": 135, "n": 201},
           "breed_inclusiebeleid_2022": {"value": 63.1, "text": "63 %", "count": 101, "n": 160}}
    ch4 = {"meer_behoefte_dan_vorig": {"value": False, "text": "nee", "wave": 2022},
           "inhoud_geen_behoefte_pct": {"value": 16.2, "text": "16 %"},
           "inhoud_geen_behoefte_vorig_pct": {"value": 21.3, "text": "21 %", "wave": 2022, "toets": "gelijk"},
           "inhoud_uitleg_verdrag_pct": {"value": 22.0, "text": "22 %"},
           "inhoud_uitleg_verdrag_vorig_pct": {"value": 16.0, "text": "16 %", "wave": 2022, "toets": "gelijk"}}
    made = {c["indicator"]: c for c in sm.year_claims(ch2, ch4, 2023, previous=2022)}
    assert set(made) == {"breed_inclusiebeleid", "inhoud_geen_behoefte", "inhoud_uitleg_verdrag"}
    assert made["breed_inclusiebeleid"]["significant"] is False and "niet significant" in \
        made["breed_inclusiebeleid"]["sentence"]
    assert "géén behoefte" in made["inhoud_geen_behoefte"]["sentence"]
    assert "uitleg over het VN-verdrag" in made["inhoud_uitleg_verdrag"]["sentence"]
    assert claims.problems(made.values()) == []
    # the summary saying "meer" where the chapter's test says "gelijk" would be caught
    wrong = {**made["breed_inclusiebeleid"], "sentence": "meer gemeenten dan vorig jaar voeren een breed beleid"}
    assert claims.problems([wrong])
