"""The change report (helpers.publish.changes, `make diff`) and the landing page (helpers.publish.index).

Two builds of the tiny report of tests/fixtures/parts (the one tests/test_publish.py publishes), without PDFs: the
base as it is, and a changed copy in which chapter 2 shows other numbers in figure 3 (one changed, one added, one
removed), its sentence says the new percentage and its figure is another picture; their checkouts differ in one
codebook file. The page must show all of it, and an unchanged build must say so in one line.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import REPO_ROOT
from helpers.publish.assemble import Paths, publish
from helpers.publish.changes import (
    CHANGES_CSV,
    CHANGES_HTML,
    build_changes,
    compare_wave,
    summary_line,
    word_diff,
    write_change_report,
)
from helpers.publish.index import built_waves, write_landing

FIXTURE = Path(__file__).parent / "fixtures" / "parts"
YEAR = 2023
NBSP = "\u00a0"
SENTENCE = "De helft van de gemeenten voert breed inclusiebeleid."
BASE_SENTENCE = f"De helft van de gemeenten ({50}{NBSP}%) voert breed inclusiebeleid."
NEW_SENTENCE = f"Iets meer dan de helft van de gemeenten ({52}{NBSP}%) voert breed inclusiebeleid."


def _copy_fixture(root: Path, sentence: str) -> tuple[Path, Path]:
    """The fixture's parts and executed notebooks under `root`, chapter 2's sentence replaced by `sentence`."""
    parts, executed = root / "parts", root / "executed"
    shutil.copytree(FIXTURE / "parts", parts)
    shutil.copytree(FIXTURE / "executed", executed)
    notebook = executed / "02_reikwijdte_fase.ipynb"
    text = notebook.read_text(encoding="utf-8")
    assert SENTENCE in text
    notebook.write_text(text.replace(SENTENCE, sentence), encoding="utf-8")
    return parts, executed


def _change_chapter_2(parts: Path, executed: Path) -> None:
    """Figure 3 of chapter 2: 'breed' 50 % -> 52 %, 'weet niet' removed, 'nieuw' added; another picture."""
    cijfers = parts / "02_reikwijdte_fase" / "cijfers.csv"
    text = cijfers.read_text(encoding="utf-8")
    text = text.replace("figuur_3,figuur_3,totaal,201,101,50.2,Op wie richt het beleid zich?,breed",
                        "figuur_3,figuur_3,totaal,201,105,52.2,Op wie richt het beleid zich?,breed")
    text = text.replace("figuur_3,figuur_3,totaal,201,40,19.9,Op wie richt het beleid zich?,weet niet\n",
                        "figuur_3,figuur_3,totaal,201,36,17.9,Op wie richt het beleid zich?,nieuw\n")
    cijfers.write_text(text, encoding="utf-8")
    notebook = executed / "02_reikwijdte_fase.ipynb"
    content = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in content["cells"]:
        for output in cell.get("outputs", []):
            markup = "".join(output.get("data", {}).get("text/html", []))
            if 'id="figuur-3"' in markup:
                prefix = "data:image/svg+xml;base64,"
                start = markup.index(prefix) + len(prefix)
                end = markup.index('"', start)
                svg = base64.b64decode(markup[start:end]).replace(b"</svg>", b"<!-- nieuw --></svg>")
                markup = markup[:start] + base64.b64encode(svg).decode("ascii") + markup[end:]
                output["data"]["text/html"] = [markup]
    notebook.write_text(json.dumps(content), encoding="utf-8")


def _publish(root: Path, parts: Path, executed: Path) -> Path:
    paths = Paths(year=YEAR, report_yml=FIXTURE / "report.yml", notebooks_dir=executed, parts_dir=parts,
                  reports_dir=root / "reports" / str(YEAR), staging_dir=root / "build" / str(YEAR) / "staging")
    publish(paths, pdf=False)
    return paths.reports_dir


def _checkout(root: Path, codebook_text: str) -> Path:
    """The input files of a checkout, as far as the comparison of inputs reads them."""
    (root / "data" / "codebook").mkdir(parents=True)
    (root / "data" / "codebook" / "questions.yml").write_text(codebook_text, encoding="utf-8")
    (root / "notebooks").mkdir()
    (root / "notebooks" / "report.yml").write_text("version: 1\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    base, new = tmp_path_factory.mktemp("base"), tmp_path_factory.mktemp("new")
    base_reports = _publish(base, *_copy_fixture(base, BASE_SENTENCE))
    parts, executed = _copy_fixture(new, NEW_SENTENCE)
    _change_chapter_2(parts, executed)
    new_reports = _publish(new, parts, executed)
    return {"base": base_reports, "new": new_reports,
            "base_root": _checkout(base / "checkout", "groups: {breed: [a, b]}\n"),
            "new_root": _checkout(new / "checkout", "groups: {breed: [a, b, c]}\n")}


@pytest.fixture(scope="module")
def report(builds, tmp_path_factory) -> dict:
    changes = build_changes(builds["base"], builds["new"], YEAR, "HEAD", builds["base_root"], builds["new_root"])
    out = tmp_path_factory.mktemp("changes")
    page, table = write_change_report(changes, out, synthetic=True)
    with open(table, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {"changes": changes, "page": page, "soup": BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"),
            "rows": rows}


def _section(soup: BeautifulSoup, heading_id: str) -> list:
    """The elements after the h2 with `heading_id` up to the next h2."""
    heading = soup.find("h2", id=heading_id)
    assert heading is not None, heading_id
    elements = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        elements.append(sibling)
    return elements


def test_changed_number_shows_old_new_its_figure_base_and_sentence(report):
    heading, table = _section(report["soup"], "getallen-gewijzigd")  # per figure or table: its title, its numbers
    assert heading.name == "h3" and heading.get_text().startswith("Figuur 3.")
    cells = [[" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
             for row in table.find("tbody").find_all("tr")]
    assert len(cells) == 1
    what, group, old, new, base, sentence = cells[0]
    assert what.endswith("breed") and group == "totaal"
    assert (old, new, base) == ("50 %", "52 %", "201")
    assert sentence.endswith("%) voert breed inclusiebeleid.")  # the sentence, its old and new words marked
    cell = table.find("tbody").find_all("td")[-1]
    assert "(50" in cell.find_all("del")[-1].get_text() and "(52" in cell.find_all("ins")[-1].get_text()
    changed = [row for row in report["rows"] if row["status"] == "gewijzigd"]
    assert [(row["table"], row["answer"], row["pct_before"], row["pct_after"], row["count_before"], row["count_after"])
            for row in changed] == [("figuur_3", "breed", "50.2", "52.2", "101", "105")]
    assert changed[0]["sentence_before"] == BASE_SENTENCE.replace(NBSP, " ")
    assert changed[0]["sentence_after"] == NEW_SENTENCE.replace(NBSP, " ")


def test_added_and_removed_numbers_text_figure_and_inputs(report):
    soup = report["soup"]
    added = " ".join(" ".join(e.get_text(" ") for e in _section(soup, "getallen-toegevoegd")).split())
    removed = " ".join(" ".join(e.get_text(" ") for e in _section(soup, "getallen-verwijderd")).split())
    assert "nieuw" in added and "18 %" in added and "weet niet" in removed and "20 %" in removed
    assert {(row["status"], row["answer"]) for row in report["rows"]} == {
        ("gewijzigd", "breed"), ("toegevoegd", "nieuw"), ("verwijderd", "weet niet")}
    text = " ".join(element.decode() for element in _section(soup, "tekst"))
    assert "<del>" in text and "Iets meer dan" in text and "<ins>" in text
    figures = _section(soup, "figuren")
    assert figures[0].name == "h3" and figures[0].get_text().startswith("Figuur 3")
    images = figures[1].find_all("img")
    assert [image["alt"].split(":")[0] for image in images] == ["Oud", "Nieuw"]
    assert images[0]["src"] != images[1]["src"] and images[0]["src"].startswith("data:image/svg+xml;base64,")
    inputs = _section(soup, "invoer")[0].get_text(" ")
    assert "data/codebook/questions.yml" in inputs and "Codeboek" in inputs and "gewijzigd" in inputs
    assert "report.yml" not in inputs  # unchanged inputs are not listed
    assert len(soup.find_all("h1")) == 1 and soup.find("html")["lang"] == "nl"


def test_unchanged_build_says_so_in_one_line(builds, tmp_path):
    changes = build_changes(builds["new"], builds["new"], YEAR, "HEAD~1", builds["new_root"], builds["new_root"])
    assert changes.empty and summary_line(changes) == "Geen wijzigingen ten opzichte van HEAD~1"
    page, table = write_change_report(changes, tmp_path)
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert [p.get_text() for p in soup.find("main").find_all("p")] == ["Geen wijzigingen ten opzichte van HEAD~1."]
    assert soup.find("h2") is None
    assert table.read_text(encoding="utf-8").count("\n") == 1  # the header only


def test_compare_wave_names_what_differs(builds):
    assert compare_wave(builds["base"], builds["base"]) == []
    problems = compare_wave(builds["base"], builds["new"])
    names = {problem.split(":")[0].split("/")[-1] for problem in problems}
    assert {"cijfers.csv", "02_reikwijdte_fase.html", f"flitspeiling_{YEAR}.html"} <= names
    assert CHANGES_HTML not in names and "MANIFEST" not in names


def test_word_diff_marks_and_escapes():
    assert word_diff("a <b> c", "a <b> d") == ('a &lt;b&gt; <del><span class="visually-hidden">[verwijderd:] </span>c'
                                              '</del> <ins><span class="visually-hidden">[toegevoegd:] </span>d</ins>')


def _landing(reports: Path) -> Path:
    for year, synthetic in ((2022, False), (2023, True)):
        folder = reports / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "MANIFEST").write_text(f"# data: {'synthetic' if synthetic else 'real'}\n", encoding="utf-8")
        for name in (f"flitspeiling_{year}.html", "cijfers.csv", "datapackage.json"):
            (folder / name).write_text("", encoding="utf-8")
    (reports / "2023" / CHANGES_HTML).write_text("", encoding="utf-8")
    (reports / "2021").mkdir()  # only cleaned (datakwaliteit), not built: not listed
    (reports / "2021" / "datakwaliteit.html").write_text("", encoding="utf-8")
    return write_landing(reports)


def test_landing_page_lists_every_built_wave(tmp_path):
    page = _landing(tmp_path / "reports")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert [h2.get_text() for h2 in soup.find_all("h2")] == ["2023", "2022"]
    links = [a["href"] for a in soup.find_all("a")]
    assert links == ["2023/flitspeiling_2023.html", "2023/cijfers.csv", "2023/datapackage.json", f"2023/{CHANGES_HTML}",
                     "2022/flitspeiling_2022.html", "2022/cijfers.csv", "2022/datapackage.json"]
    assert "Synthetische gegevens" in soup.get_text()  # one of the waves is the stand-in
    assert [wave["year"] for wave in built_waves(tmp_path / "reports")] == [2023, 2022]
    first = page.read_bytes()
    assert write_landing(tmp_path / "reports").read_bytes() == first  # deterministic


# ------------------------------------------------------------------------------------------------------------------
# build: Chromium and make

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_CHECK = Path(__file__).parent / "accessibility" / "axe_check.mjs"


def test_change_report_and_landing_page_pass_axe(report, tmp_path):
    if not Path(CHROMIUM).is_file() or shutil.which("node") is None:
        pytest.skip("the accessibility check needs Chromium and node (make browser node_modules)")
    landing = _landing(tmp_path / "reports")
    out = tmp_path / "axe.json"
    done = subprocess.run(["node", str(AXE_CHECK), "--json", str(out), str(report["page"]), str(landing)],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "CHROMIUM": CHROMIUM})
    assert out.is_file(), done.stderr[-2000:]
    pages = json.loads(out.read_text(encoding="utf-8"))["pages"]
    assert len(pages) == 2
    for page in pages:
        assert page["violations"] == [] and page["report"] == [], (page["file"], page["violations"], page["report"])


INPUTS = ["src", "notebooks", "data/codebook", "data/published", "data/raw/survey", "Makefile", "make",
          "requirements.lock", "pyproject.toml"]


def test_make_diff_end_to_end():
    # Affordable end to end: against HEAD in a tree whose inputs equal HEAD, make diff needs no second build and must
    # say so (a tree with uncommitted inputs would build HEAD in build/diff: minutes, left to the reviewer).
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", *INPUTS], cwd=REPO_ROOT, check=False).returncode
    if dirty:
        pytest.skip("the working tree's inputs differ from HEAD: make diff BASE=HEAD would build the base")
    reports = REPO_ROOT / "reports" / str(YEAR)
    if not (reports / "MANIFEST").is_file():
        pytest.fail(f"{reports} is not built: run make report")
    try:
        done = subprocess.run(["make", "--no-print-directory", "diff", f"YEAR={YEAR}", "BASE=HEAD"], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Geen wijzigingen ten opzichte van HEAD (" in done.stdout
        page = (reports / CHANGES_HTML).read_text(encoding="utf-8")
        assert "Geen wijzigingen ten opzichte van HEAD (" in page
        assert f'href="{YEAR}/{CHANGES_HTML}"' in (REPO_ROOT / "reports" / "index.html").read_text(encoding="utf-8")
    finally:
        for name in (CHANGES_HTML, CHANGES_CSV):
            (reports / name).unlink(missing_ok=True)
        subprocess.run([str(REPO_ROOT / ".venv" / "bin" / "python"), "-m", "helpers.publish.index"], cwd=REPO_ROOT,
                       check=False, capture_output=True)
