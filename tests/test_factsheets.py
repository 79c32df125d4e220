"""Factsheets per municipality (helpers.factsheets, notebooks/factsheet.ipynb): contents against the processed data
and helpers.analysis.tables, the disclosure rule, the LIA history through the crosswalk, confidentiality, determinism and the
separation from the public report. Builds a few factsheets (the batch path: long-lived kernel, HTML, PDF)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from helpers import PROCESSED_DIR, REPO_ROOT
from helpers.analysis import tables
from helpers.core import formatting as fmt
from helpers.data.codebook import SELECTED, codebook
from helpers.factsheets.data import (
    MIN_OTHERS,
    FactsheetError,
    _share,
    comparison_group,
    lia_history,
    resolve_municipality,
)
from helpers.factsheets.pages import NOTEBOOK
from helpers.factsheets.pool import INDEX_COLUMNS, build_factsheets, slug
from helpers.factsheets.sheet import Factsheet
from helpers.factsheets.texts import NOT_ANSWERED, NOT_TICKED, TICKED, confidential_text
from helpers.publish.pages import external_resources
from helpers.publish.pdf import read_pdf
from helpers.publish.swap import publication_lock, swap_into_place, write_manifest
from helpers.synthetic import full_response

YEAR = 2023
GORINCHEM = "GM0512"  # 25.000-50.000, took part in 2020, 2021 and 2023
LAND_VAN_CUIJK = "GM1982"  # formed on 1-1-2022 from Boxmeer, Cuijk, Grave, Mill en Sint Hubert, Sint Anthonis
OOSTZAAN = "GM0431"  # < 10.000: the smallest size class (9 participants in 2023)
BUILT = [GORINCHEM, LAND_VAN_CUIJK, OOSTZAAN]

pytestmark = pytest.mark.skipif(not (PROCESSED_DIR / str(YEAR) / "responses.parquet").is_file(),
                                reason="needs the processed data (make data)")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same factsheets built twice: all three in one kernel, then two of them in other order in two kernels."""
    root = tmp_path_factory.mktemp("factsheets")
    first = build_factsheets(YEAR, root / "one" / "factsheets", codes=BUILT, jobs=1, build_dir=root / "one" / "build")
    second = build_factsheets(YEAR, root / "two" / "factsheets", codes=[OOSTZAAN, GORINCHEM], jobs=2,
                                 build_dir=root / "two" / "build")
    return root / "one" / "factsheets", root / "two" / "factsheets", first, second


def _files(directory, code):
    index = pd.read_csv(directory / "INDEX.csv", dtype=str)
    row = index[index["code"] == code].iloc[0]
    return directory / row["html"], directory / row["pdf"], row


def _page_text(path) -> str:
    return " ".join(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())


def _sheet(code, processed_dir=PROCESSED_DIR) -> Factsheet:
    return Factsheet(YEAR, code, processed_dir, show=False)


# --------------------------------------------------------------------------------------------------------------------
# Contents


@pytest.mark.parametrize("code", BUILT)
def test_own_answers_equal_the_processed_data(code):
    sheet = _sheet(code)
    rows = sheet.answers()
    answers = pd.read_parquet(PROCESSED_DIR / str(YEAR) / "answers.parquet")
    mine = answers[answers["response_id"].astype(str) == sheet.response_id]
    cb = codebook()
    asked = [q for q in cb.wave(YEAR).questions if cb.question(q).type in ("single", "matrix", "multi")]
    assert list(dict.fromkeys(rows["question"])) == asked  # every closed question of the wave, in its order
    checked = 0
    for row in rows.itertuples():
        q = cb.question(row.question)
        if q.type == "multi":
            given = mine[(mine["question"] == q.id) & (mine["kind"] == "selected") & mine["value"].notna()]
            if given.empty:
                assert row.status == "geen antwoord" and row.answer_label == NOT_ANSWERED
                continue
            ticked = bool(((given["item"] == row.item) & (given["value"] == SELECTED)).any())
            assert row.answer_label == (TICKED if ticked else NOT_TICKED)
        else:
            given = mine[(mine["question"] == q.id) & (mine["kind"] == "answer") & mine["value"].notna()
                         & (mine["item"].fillna("") == row.item)]
            if given.empty:
                assert row.status in ("geen antwoord", "niet gevraagd") and pd.isna(row.pct_alle)
                continue
            assert row.answer == given["value"].iloc[0]
            assert row.answer_label == q.option(row.answer).display
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("code", [GORINCHEM, OOSTZAAN])
def test_comparison_shares_equal_helpers_tables(code):
    sheet = _sheet(code)
    assert sheet.group.classes == (sheet.size_class,)
    responses = pd.read_parquet(PROCESSED_DIR / str(YEAR) / "responses.parquet")
    answers = pd.read_parquet(PROCESSED_DIR / str(YEAR) / "answers.parquet")
    rows = sheet.answers()
    compared = 0
    for question, part in rows.groupby("question", sort=False):
        dist = tables.distribution(responses, answers, question, "", ("alle", sheet.size_class))
        for row in part[part["status"] == "beantwoord"].itertuples():
            for column, population in (("pct_group", sheet.size_class), ("pct_alle", "alle")):
                if codebook().question(question).type == "multi":
                    hit = dist[(dist["answer"] == row.item) & (dist["group"] == population)].iloc[0]
                    expected = hit["pct"] if row.answer == "1" else 100 - hit["pct"]
                else:
                    hit = dist[(dist["item"] == row.item) & (dist["answer"] == row.answer)
                               & (dist["group"] == population)].iloc[0]
                    expected = hit["pct"]
                if hit["n"] - 1 < MIN_OTHERS:
                    assert pd.isna(getattr(row, column))
                    continue
                assert getattr(row, column) == pytest.approx(expected), (question, row.item, population)
                compared += 1
    assert compared > 80


def test_item_non_response_is_shown_as_such(tmp_path):
    """A municipality that skipped a matrix item sees 'Geen antwoord' and no comparison for it."""
    processed = _copy_processed(tmp_path)
    answers = pd.read_parquet(processed / str(YEAR) / "answers.parquet")
    sheet = _sheet(GORINCHEM)
    drop = (answers["response_id"] == sheet.response_id) & (answers["question"] == "domains") \
        & (answers["item"] == "cultuur")
    assert drop.sum() == 1
    answers[~drop].to_parquet(processed / str(YEAR) / "answers.parquet", index=False)
    row = _sheet(GORINCHEM, processed).answers().query("question == 'domains' and item == 'cultuur'").iloc[0]
    assert (row["status"], row["answer_label"]) == ("geen antwoord", NOT_ANSWERED)
    assert pd.isna(row["pct_group"]) and pd.isna(row["pct_alle"])


# --------------------------------------------------------------------------------------------------------------------
# Disclosure: a comparison group needs MIN_OTHERS other responding municipalities


def _responses(counts: dict[str, int]) -> pd.DataFrame:
    classes = [code for code, count in counts.items() for _ in range(count)]
    return pd.DataFrame({"response_id": [f"r{i}" for i in range(len(classes))], "size_class": classes})


def test_group_with_four_others_is_merged_with_its_neighbour():
    group = comparison_group(_responses({"lt10k": 5, "10k_25k": 30, "25k_50k": 40}), "lt10k")
    assert (group.classes, group.status, group.units) == (("lt10k", "10k_25k"), "samengevoegd", 35)
    assert "samengevoegd" in group.note()


def test_group_with_five_others_stands_alone():
    group = comparison_group(_responses({"lt10k": 6, "10k_25k": 30}), "lt10k")
    assert (group.classes, group.status, group.units) == (("lt10k",), "", 6)


def test_small_group_without_neighbour_is_suppressed():
    group = comparison_group(_responses({"ge100k": 4}), "ge100k")
    assert not group.shown and group.status == "onderdrukt"


def test_merging_counts_the_others_of_the_own_class_only():
    # 5 members in lt10k: for a member 4 others (merged); 5 in 10k_25k is enough for a municipality of 25k_50k's
    # neighbour only when it is not the own class: here 25k_50k is the own class with plenty of others.
    group = comparison_group(_responses({"lt10k": 5, "10k_25k": 5, "25k_50k": 40}), "25k_50k")
    assert group.classes == ("25k_50k",)


def test_share_left_out_below_five_other_answering_units():
    lookup = {("q", "", "a"): (5, 2), ("q", "", "b"): (6, 2)}
    assert pd.isna(_share(lookup, ("q", "", "a"), False, True, MIN_OTHERS)[2])
    assert _share(lookup, ("q", "", "b"), False, True, MIN_OTHERS)[2] == pytest.approx(100 * 2 / 6)


def _copy_processed(tmp_path):
    target = tmp_path / "processed"
    shutil.copytree(PROCESSED_DIR, target, ignore=shutil.ignore_patterns("*.xlsx"))
    return target


def test_small_size_class_merged_end_to_end(tmp_path):
    """The 2023 data with the smallest size class cut to four participants: a member is compared with < 10.000 and
    10.000 - 25.000 together, and the shares are those of helpers.analysis.tables over both classes."""
    processed = _copy_processed(tmp_path)
    path = processed / str(YEAR) / "responses.parquet"
    responses = pd.read_parquet(path)
    small = responses[responses["size_class"] == "lt10k"].sort_values("response_id")
    oostzaan_id = str(responses.loc[responses["municipality_code"] == OOSTZAAN, "response_id"].iloc[0])
    keep = set(small["response_id"].iloc[:4]) | {oostzaan_id}
    dropped = set(small["response_id"]) - keep
    responses = responses[~responses["response_id"].isin(dropped)]
    responses.to_parquet(path, index=False)
    answers_path = processed / str(YEAR) / "answers.parquet"  # every answer belongs to a response (the contract)
    answers = pd.read_parquet(answers_path)
    answers[~answers["response_id"].isin(dropped)].to_parquet(answers_path, index=False)
    assert (responses["size_class"] == "lt10k").sum() <= 5
    sheet = _sheet(OOSTZAAN, processed)
    assert sheet.response_id == oostzaan_id
    assert sheet.group.classes == ("lt10k", "10k_25k") and sheet.group.status == "samengevoegd"
    answers = pd.read_parquet(processed / str(YEAR) / "answers.parquet")
    both = responses[responses["size_class"].isin(["lt10k", "10k_25k"])]
    expected = tables.distribution(both, answers, "lia_phase", "", ("alle",))
    row = sheet.answers().query("question == 'lia_phase'").iloc[0]
    assert row["pct_group"] == pytest.approx(expected.set_index("answer").at[row["answer"], "pct"])
    assert row["n_group"] == int(expected["n"].iloc[0])
    assert any("samengevoegd" in text for kind, text in _shown(sheet) if kind == "note")


def _shown(sheet):
    sheet.shown.clear()
    sheet.header()
    sheet.notice()
    sheet.summary()
    sheet.facts()
    sheet.answers_tables()
    sheet.answers_note()
    sheet.history_section()
    sheet.method()
    return sheet.shown


# --------------------------------------------------------------------------------------------------------------------
# LIA history across waves


def test_lia_history_of_a_merged_municipality_through_the_crosswalk():
    history = lia_history(LAND_VAN_CUIJK, YEAR)
    walk = pd.read_parquet(PROCESSED_DIR / "crosswalk.parquet")
    predecessors = set(walk.loc[(walk["code_2023"] == LAND_VAN_CUIJK) & (walk["code"] != LAND_VAN_CUIJK), "code"])
    assert len(predecessors) == 5
    for wave in sorted(history["wave"].unique()):
        responses = pd.read_parquet(PROCESSED_DIR / str(wave) / "responses.parquet")
        answers = pd.read_parquet(PROCESSED_DIR / str(wave) / "answers.parquet")
        mine = responses[responses["municipality_code"].isin(predecessors | {LAND_VAN_CUIJK})]
        rows = history[history["wave"] == wave]
        if mine.empty:
            assert rows["took_part"].tolist() == [False]
            continue
        assert sorted(rows["unit"]) == sorted(mine["municipality_name"])
        for unit in mine.itertuples():
            value = answers[(answers["response_id"] == unit.response_id) & (answers["question"] == "lia_phase")
                            & (answers["kind"] == "answer")]["value"].iloc[0]
            row = rows[rows["unit"] == unit.municipality_name].iloc[0]
            assert row["answer"] == value
            assert row["relation"] == ("same" if unit.municipality_code == LAND_VAN_CUIJK else "merged")
    assert (history.loc[history["wave"] == 2018, "relation"] == "merged").all()  # Boxmeer and Grave in 2018


def test_lia_history_says_which_waves_were_missed(builds):
    history = lia_history(GORINCHEM, YEAR)
    missed = sorted(history.loc[~history["took_part"], "wave"])
    took_part = set()
    for wave in range(2018, YEAR + 1):
        responses = pd.read_parquet(PROCESSED_DIR / str(wave) / "responses.parquet")
        if (responses["municipality_code"] == GORINCHEM).any():
            took_part.add(wave)
    assert missed == [w for w in range(2018, YEAR + 1) if w not in took_part] and missed
    html, _, _ = _files(builds[0], GORINCHEM)
    assert f"Gorinchem deed niet mee aan de flitspeiling van {fmt.join(str(w) for w in missed)}" in _page_text(html)


# --------------------------------------------------------------------------------------------------------------------
# The built files


def test_index_lists_every_built_factsheet(builds):
    index = pd.read_csv(builds[0] / "INDEX.csv", dtype=str)
    assert list(index["code"]) == sorted(BUILT)
    assert list(index.columns) == list(INDEX_COLUMNS)
    for row in index.itertuples():
        assert row.html == f"{row.code}_{slug(row.name)}.html" and (builds[0] / row.pdf).is_file()
    assert builds[2]["count"] == 3 and set(builds[2]["mean_seconds"]) == {"execute", "html", "pdf"}


@pytest.mark.parametrize("code", BUILT)
def test_confidential_marking_in_html_and_pdf(builds, code):
    from pypdf import PdfReader

    html, pdf, row = _files(builds[0], code)
    mark = confidential_text(row["name"])
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text().startswith(mark)
    assert mark in soup.find(class_="fs-banner").get_text()
    reader = PdfReader(str(pdf))
    assert reader.metadata.title.startswith(mark)
    for number, page in enumerate(reader.pages, start=1):
        assert mark in " ".join((page.extract_text() or "").split()), f"page {number} of {pdf.name} lacks the mark"


@pytest.mark.parametrize("code", BUILT)
def test_synthetic_notice_and_accessibility(builds, code):
    html, pdf, _ = _files(builds[0], code)
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "nl"
    assert len(soup.find_all("h1")) == 1
    assert soup.find(class_="fp-notice") is not None and "synthetische gegevens" in soup.get_text().lower()
    for table in soup.find_all("table"):
        assert table.find("caption") is not None
        assert all(th.get("scope") in ("col", "row", "rowgroup") for th in table.find_all("th"))
    images = soup.find_all("img")
    assert images and all(image.get("alt", "").strip() for image in images)
    assert not soup.find_all("script") and not external_resources(str(soup))
    contents = read_pdf(pdf)
    assert contents.figures and all(contents.figures)  # tagged PDF: every figure has its alt text


@pytest.mark.parametrize("code", BUILT)
def test_no_other_participant_is_named(builds, code):
    html, pdf, row = _files(builds[0], code)
    walk = pd.read_parquet(PROCESSED_DIR / "crosswalk.parquet")
    own = set(walk.loc[walk["code_2023"] == code, "name"]) | {row["name"]}
    names = set()
    for wave in range(2018, YEAR + 1):
        responses = pd.read_parquet(PROCESSED_DIR / str(wave) / "responses.parquet")
        names |= set(responses["municipality_name"].dropna().astype(str))
    others = sorted(name for name in names - own if not any(name in mine for mine in own))
    texts = {"html": _page_text(html), "pdf": " ".join(read_pdf(pdf).text.split())}
    for where, text in texts.items():
        found = [name for name in others if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
        assert found == [], f"{where} of {code} names other participants: {found}"


def test_deterministic(builds):
    one, two = builds[0], builds[1]
    for code in (GORINCHEM, OOSTZAAN):
        for first, second in zip(_files(one, code)[:2], _files(two, code)[:2], strict=True):
            assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between two builds"


def test_unknown_municipality_gives_close_names():
    with pytest.raises(FactsheetError, match="Gorinchem"):
        resolve_municipality("Gorinchm", YEAR)
    with pytest.raises(FactsheetError, match="no CBS code"):
        resolve_municipality("GM9999", YEAR)
    frame = pd.read_parquet(PROCESSED_DIR / "frames.parquet")
    responses = pd.read_parquet(PROCESSED_DIR / str(YEAR) / "responses.parquet")
    absent = sorted(set(frame.loc[frame["wave"] == YEAR, "code"]) - set(responses["municipality_code"].dropna()))[0]
    with pytest.raises(FactsheetError, match=f"{absent}.*did not take part"):
        resolve_municipality(absent, YEAR)
    assert resolve_municipality("gorinchem", YEAR)["code"] == GORINCHEM


# --------------------------------------------------------------------------------------------------------------------
# Never public


def test_public_report_never_references_factsheets():
    reports = REPO_ROOT / "reports" / str(YEAR)
    if not (reports / "MANIFEST").is_file():
        pytest.skip("needs the 2023 report (make report)")
    for path in [reports / "MANIFEST", *sorted(reports.glob("*.html"))]:
        text = path.read_text(encoding="utf-8")
        assert "factsheets" not in text and "Vertrouwelijk" not in text, path.name


def test_publication_swap_keeps_the_factsheets_and_leaves_them_out_of_the_manifest(tmp_path):
    target = tmp_path / "reports" / "2023"
    (target / "factsheets").mkdir(parents=True)
    (target / "factsheets" / "GM0512_gorinchem.html").write_text("vertrouwelijk", encoding="utf-8")
    (target / "old.html").write_text("old", encoding="utf-8")
    staging = tmp_path / "build" / "staging"
    staging.mkdir(parents=True)
    (staging / "index.html").write_text("new", encoding="utf-8")
    write_manifest(staging, 2023)
    swap_into_place(staging, target)
    assert (target / "factsheets" / "GM0512_gorinchem.html").read_text(encoding="utf-8") == "vertrouwelijk"
    assert not (target / "old.html").exists() and (target / "index.html").is_file()
    assert "factsheets" not in (target / "MANIFEST").read_text(encoding="utf-8")
    # and the other way round: replacing the factsheets leaves the publication alone
    new = tmp_path / "build" / "fs-staging"
    new.mkdir()
    (new / "INDEX.csv").write_text("code\n", encoding="utf-8")
    with publication_lock(target):
        swap_into_place(new, target / "factsheets", lock=False)
    assert sorted(p.name for p in (target / "factsheets").iterdir()) == ["INDEX.csv"]
    assert (target / "index.html").read_text(encoding="utf-8") == "new"


def test_factsheets_are_ignored_by_git():
    if shutil.which("git") is None:
        pytest.skip("no git")
    paths = [f"reports/{YEAR}/factsheets/GM0512_gorinchem.pdf", f"reports/{YEAR}/factsheets/INDEX.csv",
             "build/bench/full_response/factsheets/GM0003_appingedam.html"]
    result = subprocess.run(["git", "-C", str(REPO_ROOT), "check-ignore", "--no-index", *paths],
                            capture_output=True, text=True, check=False)
    assert sorted(result.stdout.split()) == sorted(paths)


# --------------------------------------------------------------------------------------------------------------------
# The synthetic full-response wave (scale test)


def test_full_response_wave(tmp_path):
    target = full_response.write_full_response(tmp_path / "processed", YEAR)
    responses = pd.read_parquet(target / "responses.parquet")
    frame = pd.read_parquet(PROCESSED_DIR / "frames.parquet")
    codes = sorted(frame.loc[frame["wave"] == YEAR, "code"])
    assert sorted(responses["municipality_code"]) == codes and len(codes) == 342
    answers = pd.read_parquet(target / "answers.parquet")
    assert set(answers["kind"]) <= {"answer", "selected"}  # no free text of the donors
    original = pd.read_parquet(PROCESSED_DIR / str(YEAR) / "answers.parquet")
    source = pd.read_parquet(PROCESSED_DIR / str(YEAR) / "responses.parquet")
    rid = source.loc[source["municipality_code"] == GORINCHEM, "response_id"].iloc[0]
    mine = original[(original["response_id"] == rid) & original["kind"].isin(["answer", "selected"])]
    copied = answers[answers["response_id"] == f"{YEAR}-full-{GORINCHEM}"]
    assert sorted(zip(mine["question"], mine["item"], mine["value"].fillna(""), strict=True)) == \
        sorted(zip(copied["question"], copied["item"], copied["value"].fillna(""), strict=True))
    assert "SYNTHETIC SCALE TEST" in (target / "quality.json").read_text(encoding="utf-8")
    with pytest.raises(full_response.FullResponseError, match="must not be written"):
        full_response.write_full_response(PROCESSED_DIR, YEAR)


def test_factsheet_pages_pass_the_accessibility_check(builds, tmp_path):
    """The report's own check (tests/accessibility/axe_check.mjs: axe-core WCAG 2.1 AA, one h1, heading order, alt
    texts, captions, header scopes) on the built factsheets, in Debian's Chromium."""
    import json
    import os

    node_project = REPO_ROOT / "tests" / "accessibility"
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    node = shutil.which("node")
    if not os.path.isfile(chromium) or node is None or not (node_project / "node_modules" / "axe-core").is_dir():
        pytest.skip("needs Chromium, node and tests/accessibility/node_modules (make browser node_modules)")
    pages = [_files(builds[0], code)[0] for code in BUILT]
    out = tmp_path / "axe.json"
    run = subprocess.run([node, str(node_project / "axe_check.mjs"), "--json", str(out), *map(str, pages)],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "CHROMIUM": chromium},
                         check=False)
    assert out.is_file(), run.stderr[-2000:]
    for page in json.loads(out.read_text(encoding="utf-8"))["pages"]:
        problems = [v["id"] for v in page["violations"]] + [p["id"] for p in page["report"]]
        assert problems == [], f"{page['file']}: {problems}"


def test_failed_build_leaves_the_previous_factsheets(tmp_path):
    """A failing notebook stops the build with the municipality and the error named, keeps the executed notebook
    as <stem>.failed.ipynb and leaves the previous factsheets in place."""
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("kapot in de test")'))
    bad = tmp_path / "notebooks" / "factsheet.ipynb"
    bad.parent.mkdir()
    nbformat.write(notebook, bad)
    out = tmp_path / "reports" / "factsheets"
    out.mkdir(parents=True)
    (out / "INDEX.csv").write_text("previous\n", encoding="utf-8")
    with pytest.raises(FactsheetError, match=f"{GORINCHEM}: RuntimeError: kapot in de test"):
        build_factsheets(YEAR, out, codes=[GORINCHEM], jobs=1, build_dir=tmp_path / "build", notebook=bad)
    assert (out / "INDEX.csv").read_text(encoding="utf-8") == "previous\n"
    assert (tmp_path / "build" / "notebooks" / "GM0512_gorinchem.failed.ipynb").is_file()


def test_built_factsheets_hold_no_personal_data(builds):
    """helpers.publish.privacy_scan over the built factsheets and their executed notebooks (as `make test` scans reports/)."""
    from helpers.publish import privacy_scan

    paths = sorted(path for path in builds[0].iterdir() if path.suffix in (".html", ".pdf", ".csv"))
    paths += sorted((builds[0].parent / "build" / "notebooks").glob("*.ipynb"))
    result = privacy_scan.scan_files(paths, privacy_scan.project_names(REPO_ROOT), REPO_ROOT, workers=1)
    assert not result.hits and not result.errors, result.report(limit=None)
    assert result.files["pdf"] == len(BUILT) and result.files["ipynb"] == len(BUILT)


def test_texts_of_every_municipality_pass_the_name_rules(tmp_path):
    """Every municipality of the frame (the full-response wave) gets texts in which the privacy scan's name rules
    find nothing: "van Dijk en Waard" would read as the surname "van Dijk", so the factsheet writes "van de gemeente"."""
    from helpers.publish import privacy_scan

    processed = tmp_path / "processed"
    full_response.write_full_response(processed, YEAR)
    rules = privacy_scan.project_names(REPO_ROOT).rules
    for code in ("GM1980", GORINCHEM, LAND_VAN_CUIJK):  # Dijk en Waard, and two with a history
        texts = [text for _, text in _shown(_sheet(code, processed))]
        found = [(rule.text, text[:80]) for rule in rules for text in texts if rule.pattern.search(text)]
        assert found == [], found
