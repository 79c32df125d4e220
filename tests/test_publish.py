"""Publishing (helpers.publish.assemble) on the fake parts set in tests/fixtures/parts (made by its make_fixture.py).

The fixture is a tiny report of four parts as `make report` leaves them in build/<year>/: the summary (no manifest),
chapter 1 (figures 1-2, one drawn as an HTML <figure>, table 1), chapter 2 (figure 3, a 60-row table 2 that runs over
a page, then text and figure 4 after it) and Bijlage A (a long table, no figures). Every chapter notebook also has a
parameters cell, injected parameters and a cell that only printed a warning to stderr: none of it may be published.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from helpers.publish.assemble import Paths, main, publish
from helpers.publish.fragments import load_fragment, process_fragment, store_fragment
from helpers.publish.manifests import item_label, load_manifest
from helpers.publish.pages import external_resources
from helpers.publish.parts import Part, PublishError, load_parts
from helpers.publish.pdf import check_pdf, pdf_key, read_pdf, write_pdfs
from helpers.publish.tabellenboek import CIJFERS_COLUMNS, CIJFERS_HEADER

FIXTURE = Path(__file__).parent / "fixtures" / "parts"
YEAR = 2023
WHOLE = f"flitspeiling_{YEAR}"
PART_ORDER = ["06_samenvatting", "01_achtergrond", "02_reikwijdte_fase", "07_bijlage_a"]


def fixture_paths(root: Path, parts_dir: Path = FIXTURE / "parts", notebooks_dir: Path = FIXTURE / "executed") -> Paths:
    return Paths(year=YEAR, report_yml=FIXTURE / "report.yml", notebooks_dir=notebooks_dir, parts_dir=parts_dir,
                 reports_dir=root / "reports" / str(YEAR), staging_dir=root / "build" / str(YEAR) / "staging")


def manifest_items() -> list[dict]:
    items = []
    for stem in PART_ORDER:
        path = FIXTURE / "parts" / stem / "manifest.json"
        if path.is_file():
            items += json.loads(path.read_text(encoding="utf-8"))["items"]
    return items


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path, dict]:
    """The fixture published twice, in two separate trees; the first tree has a datakwaliteit.html beforehand."""
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    (first / "reports" / str(YEAR)).mkdir(parents=True)
    (first / "reports" / str(YEAR) / "datakwaliteit.html").write_text("<p>appendix</p>", encoding="utf-8")
    summary = publish(fixture_paths(first))
    publish(fixture_paths(second))
    return first / "reports" / str(YEAR), second / "reports" / str(YEAR), summary


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ------------------------------------------------------------------------------------------------------------------
# report.yml


def test_parts_are_ordered_summary_chapters_appendices(tmp_path):
    parts = load_parts(FIXTURE / "report.yml")
    assert [part.stem for part in parts] == PART_ORDER
    assert [part.kind for part in parts] == ["summary", "chapter", "chapter", "appendix"]
    # report.yml's own order within a kind is kept; the summary comes first and the appendices last whatever the list
    listed = tmp_path / "report.yml"
    listed.write_text("chapters:\n"
                      "  - {slug: a, kind: appendix, number: null, notebook: 07_bijlage_a.ipynb, title: Bijlage A}\n"
                      "  - {slug: b, number: 2, notebook: 02_b.ipynb, title: B}\n"
                      "  - {slug: s, kind: summary, number: null, notebook: 06_samenvatting.ipynb, title: S}\n"
                      "  - {slug: c, number: 1, notebook: 01_a.ipynb, title: C}\n", encoding="utf-8")
    assert [part.stem for part in load_parts(listed)] == ["06_samenvatting", "02_b", "01_a", "07_bijlage_a"]
    # The outline's parser is strict; its errors reach the build as PublishError
    listed.write_text("chapters:\n  - {slug: a, number: 1, notebook: 01_a.ipynb, title: A}\n"
                      "  - {slug: b, number: 2, notebook: 01_a.ipynb, title: B}\n", encoding="utf-8")
    with pytest.raises(PublishError, match="listed twice: 01_a"):
        load_parts(listed)
    listed.write_text("chapters:\n  - {slug: s, number: null, notebook: 06_s.ipynb, title: S}\n", encoding="utf-8")
    with pytest.raises(PublishError, match="a chapter has a number"):  # no more kinds guessed from the slug
        load_parts(listed)
    listed.write_text("- {notebook: 01_a.ipynb}\n", encoding="utf-8")  # the old bare list is no outline
    with pytest.raises(PublishError, match="expected a mapping"):
        load_parts(listed)


# ------------------------------------------------------------------------------------------------------------------
# HTML


def test_published_files(builds):
    first, _, summary = builds
    expected = {f"{stem}.{ext}" for stem in [*PART_ORDER, WHOLE] for ext in ("html", "pdf")}
    expected |= {"tabellenboek.xlsx", "cijfers.csv", "datapackage.json", "index.html", "MANIFEST", "datakwaliteit.html"}
    assert {path.name for path in first.iterdir()} == expected
    assert summary["synthetic"] is True
    manifest = (first / "MANIFEST").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split()[-1] for line in manifest if not line.startswith("#")) == sorted(expected - {"MANIFEST"})


@pytest.mark.parametrize("stem", PART_ORDER)
def test_chapter_page_is_self_contained_without_code(builds, stem):
    first, _, _ = builds
    html = (first / f"{stem}.html").read_text(encoding="utf-8")
    assert external_resources(html) == []
    assert not re.search(r"<(script|link|iframe)\b", html)
    assert not re.search(r"https?://", html)
    assert '<html lang="nl">' in html
    page = BeautifulSoup(html, "html.parser")
    assert page.title.string.endswith(f"Flitspeiling VN-verdrag Handicap in gemeenten {YEAR}")
    assert len(page.find_all("h1")) == 1
    for image in page.find_all("img"):
        assert re.match(r"data:image/(png|svg\+xml);base64,", image["src"])
        assert image["alt"].strip()
    # No code, prompts, parameters or stderr.
    for fragment in ("ch.figure", "report.Chapter", "year = 2023", "In&nbsp;[", "Out[", "UserWarning", "jp-InputArea-editor"):
        assert fragment not in html
    assert "synthetische gegevens" in html.lower()
    assert len(page.find_all(class_=["fp-notice", "notice-synthetic"])) == 1
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_chapter_page_anchors_captions_and_embeds_images(builds):
    first, _, _ = builds
    page = soup(first / "01_achtergrond.html")
    assert page.h1.get_text(strip=True) == "1 Achtergrond"
    assert len(page.find_all("img")) == 2  # figure 1 as a PNG output, figure 2 as an HTML <figure>
    assert page.find(id="achtergrond-figuur-1").get_text(" ", strip=True).startswith("Figuur 1 ")
    assert page.find(id="achtergrond-tabel-1").get_text(" ", strip=True).startswith("Tabel 1 ")
    assert page.find("details")  # the data of a figure
    assert all("table-scroll" in table.parent.get("class") for table in page.find_all("table"))


def test_whole_report_html(builds):
    first, _, _ = builds
    html = (first / f"{WHOLE}.html").read_text(encoding="utf-8")
    assert external_resources(html) == []
    page = BeautifulSoup(html, "html.parser")
    cover = page.find(class_="cover")
    assert cover.find(class_="cover-title").get_text(strip=True) == f"Flitspeiling VN-verdrag Handicap in gemeenten {YEAR}"
    assert "Movisie & VNG" in cover.get_text()
    assert "Synthetische gegevens" in cover.find(class_="notice-synthetic").get_text()

    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "anchors must be unique across the whole report"
    # One h1, the cover title; the contents, every part (in the report's order) and Bijlage B start with an h2, and the
    # parts' own headings are one level down.
    assert [tag.get_text(strip=True) for tag in page.find_all("h1")] == [cover.find(class_="cover-title").get_text(strip=True)]
    h2s = [tag.get_text(" ", strip=True) for tag in page.find_all("h2")]
    assert h2s[:6] == ["Inhoud", "Samenvatting", "1 Achtergrond", "2 Reikwijdte en fase",
                   "Bijlage A Deelnemende gemeenten", "Bijlage B Overzicht figuren en tabellen"]
    # The contents link to every h2 and h3 after it, in order.
    toc = [link["href"][1:] for link in page.find("nav", class_="toc").find_all("a")]
    headings = [tag["id"] for tag in page.find_all(["h2", "h3"]) if tag["id"] != "inhoudsopgave"]
    assert toc == headings
    assert all(page.find(id=anchor) for anchor in toc)
    # Bijlage B lists every figure and table of the manifests, linked to its caption.
    listed = page.find("section", class_="bijlage-b").find_all("a")
    items = manifest_items()
    assert len(listed) == len(items)
    for item in items:
        label = f"{item['kind'].capitalize()} {item['number']}"
        link = next(link for link in listed if link.get_text(" ", strip=True).startswith(label + ":"))
        assert item["title"] in link.get_text()
        assert page.find(id=link["href"][1:]).get_text(" ", strip=True).startswith(label)
    assert f"year={YEAR}" in page.find(class_="colophon").get_text()


def test_index_links_every_output(builds):
    first, _, _ = builds
    page = soup(first / "index.html")
    links = {link["href"] for link in page.find_all("a")}
    assert links == {path.name for path in first.iterdir()} - {"index.html", "MANIFEST"}


# ------------------------------------------------------------------------------------------------------------------
# PDF


def test_pdfs_hold_every_caption_and_figure(builds):
    first, _, summary = builds
    items = {stem: json.loads((FIXTURE / "parts" / stem / "manifest.json").read_text())["items"]
             for stem in PART_ORDER if (FIXTURE / "parts" / stem / "manifest.json").is_file()}
    for stem in PART_ORDER:
        assert check_pdf(first / f"{stem}.pdf", items.get(stem, [])) == []
    assert check_pdf(first / f"{WHOLE}.pdf", manifest_items()) == []
    contents = read_pdf(first / f"{WHOLE}.pdf")
    assert contents.images == 4  # two PNG outputs and two SVG data URIs in HTML
    assert all(alt.endswith(": staafdiagram") for alt in contents.figures)
    assert contents.pages > 5
    assert summary["documents"][WHOLE]["pages"] == contents.pages
    flat = " ".join(contents.text.split())
    # What comes after a table that runs over a page is still there, and so is Bijlage A's last row.
    assert "Tekst na de tabel moet ook in de PDF staan" in flat
    assert "Gemeente 040" in flat
    # Contents with page numbers: "1 Achtergrond .... 4".
    assert re.search(r"1 Achtergrond \.+ ?\d+", flat)


def test_pdf_metadata(builds):
    from pypdf import PdfReader

    first, _, _ = builds
    reader = PdfReader(str(first / f"{WHOLE}.pdf"))
    assert reader.metadata.title == f"Flitspeiling VN-verdrag Handicap in gemeenten {YEAR}"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata
    chapter = PdfReader(str(first / "01_achtergrond.pdf"))
    assert chapter.metadata.title.startswith("1 Achtergrond | ")


def test_check_pdf_reports_a_missing_caption_and_image_count(builds):
    first, _, _ = builds
    missing = {"kind": "figuur", "number": 9, "title": "Een figuur die er niet is"}
    problems = check_pdf(first / "06_samenvatting.pdf", [missing])
    assert any("Figuur 9" in problem for problem in problems)
    assert any("0 images" in problem for problem in problems)


# ------------------------------------------------------------------------------------------------------------------
# Tabellenboek and cijfers


def test_tabellenboek(builds):
    first, _, _ = builds
    workbook = load_workbook(first / "tabellenboek.xlsx")
    items = manifest_items()
    expected = ["Index"] + [f"{item['kind'].capitalize()} {item['number']}" for item in items]
    assert workbook.sheetnames == expected
    index = workbook["Index"]
    assert index["A1"].value == f"Tabellenboek Flitspeiling VN-verdrag Handicap in gemeenten {YEAR}"
    index_values = [cell.value for row in index.iter_rows() for cell in row if cell.value is not None]
    assert any(str(value).startswith("Let op: synthetische gegevens") for value in index_values)
    for item, name in zip(items, expected[1:], strict=True):
        sheet = workbook[name]
        assert sheet["A1"].value == f"{name}. {item['title']}"
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        flat = [value for row in values for value in row if value is not None]
        assert item["question"] in flat and item["base"] in flat
        assert any(str(value).startswith("Let op: synthetische gegevens") for value in flat)
        part = next(stem for stem in PART_ORDER if (FIXTURE / "parts" / stem / item["csv"]).is_file())
        with open(FIXTURE / "parts" / part / item["csv"], newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        if item["kind"] == "figuur":  # tidy: Dutch headers, labels first, empty and duplicate columns left out
            header = ["Antwoord", "Groep", "Aantal", "Basis (n)", "Percentage", "Antwoord (code)", "Groep (code)"]
        else:  # a table with its own columns stays as it is
            header = table[0]
        header_row = next(index for index, row in enumerate(values) if list(row[: len(header)]) == header)
        body = values[header_row + 1: header_row + len(table)]
        assert len(body) == len(table) - 1
        numbers = body[0][header.index("Aantal" if item["kind"] == "figuur" else "aantal")]
        assert isinstance(numbers, int)  # counts are numbers, not text
        if item["kind"] == "figuur":
            assert sheet.cell(row=header_row + 2, column=5).number_format == "0.0"


def test_cijfers_csv(builds):
    first, _, _ = builds
    with open(first / "cijfers.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CIJFERS_HEADER and CIJFERS_HEADER[:len(CIJFERS_COLUMNS)] == CIJFERS_COLUMNS
    source_rows = set()
    for stem in PART_ORDER:
        path = FIXTURE / "parts" / stem / "cijfers.csv"
        if path.is_file():
            with open(path, newline="", encoding="utf-8") as handle:
                source_rows |= {tuple(row) for row in list(csv.reader(handle))[1:]}
    assert {tuple(row[:len(CIJFERS_COLUMNS)]) for row in rows[1:]} == source_rows
    assert len(rows) - 1 == len(source_rows)
    tables = [row[0] for row in rows[1:]]
    assert tables.index("figuur_2") < tables.index("figuur_3") < tables.index("tabel_1")
    assert tables == sorted(tables, key=lambda name: (name.split("_")[0], int(name.split("_")[1])))


# ------------------------------------------------------------------------------------------------------------------
# Reproducible and atomic


def test_two_builds_are_byte_identical(builds):
    first, second, _ = builds
    names = sorted(path.name for path in second.iterdir())
    assert names == sorted(path.name for path in first.iterdir() if path.name != "datakwaliteit.html")
    for name in names:
        if name in {"index.html", "MANIFEST"}:
            continue  # these list datakwaliteit.html, which only the first tree has
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_failed_build_leaves_previous_publication_untouched(builds, tmp_path):
    first, _, _ = builds
    root = tmp_path / "root"
    shutil.copytree(first, root / "reports" / str(YEAR))
    before = _snapshot(root / "reports" / str(YEAR))

    # Late failure: every page is written, then a table of the tabellenboek is missing (PDFs skipped: faster).
    parts = tmp_path / "parts"
    shutil.copytree(FIXTURE / "parts", parts)
    (parts / "02_reikwijdte_fase" / "tables" / "tabel_2.csv").unlink()
    with pytest.raises(PublishError, match="tabel_2.csv"):
        publish(fixture_paths(root, parts_dir=parts), pdf=False)
    assert (root / "build" / str(YEAR) / "staging" / f"{WHOLE}.html").is_file()  # the partial build, for inspection
    assert _snapshot(root / "reports" / str(YEAR)) == before

    # Early failure: the manifest lists a figure the notebook does not show.
    shutil.rmtree(parts)
    shutil.copytree(FIXTURE / "parts", parts)
    manifest_path = parts / "01_achtergrond" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["items"].append({"id": "extra", "kind": "figuur", "number": 99, "title": "Extra", "csv": "x.csv"})
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublishError, match="Figuur 99"):
        publish(fixture_paths(root, parts_dir=parts))
    assert _snapshot(root / "reports" / str(YEAR)) == before

    # A notebook that holds an error is never published.
    import nbformat

    notebooks = tmp_path / "executed"
    shutil.copytree(FIXTURE / "executed", notebooks)
    node = nbformat.read(notebooks / "01_achtergrond.ipynb", as_version=4)
    node.cells[-1].outputs.append(nbformat.v4.new_output("error", ename="KeyError", evalue="'lia'", traceback=[]))
    nbformat.write(node, notebooks / "01_achtergrond.ipynb")
    with pytest.raises(PublishError, match="KeyError"):
        publish(fixture_paths(root, notebooks_dir=notebooks))
    assert _snapshot(root / "reports" / str(YEAR)) == before


def test_cli_without_pdf(tmp_path, capsys):
    code = main(["--year", str(YEAR), "--report-yml", str(FIXTURE / "report.yml"), "--notebooks-dir",
                         str(FIXTURE / "executed"), "--parts-dir", str(FIXTURE / "parts"), "--out",
                         str(tmp_path / "out"), "--root", str(tmp_path), "--no-pdf"])
    assert code == 0
    assert (tmp_path / "out" / f"{WHOLE}.html").is_file()
    assert not list((tmp_path / "out").glob("*.pdf"))
    assert not (tmp_path / "out" / "MANIFEST").exists()  # a draft: make's target stays out of date
    assert "published" in capsys.readouterr().out


def test_an_item_of_a_series_gets_its_own_anchor_and_label():
    part = Part(stem="02_x", slug="x", number=2, title="X", kind="chapter")
    manifest = {"items": [{"kind": "figuur", "series": "", "number": 1, "title": "Eerste"},
                          {"kind": "figuur", "series": "T", "number": 1, "title": "Trend"}]}
    page = ('<main><h1>2 X</h1><div id="figuur-1"><p class="fp-caption">Figuur 1<br>Eerste</p></div>'
            '<div id="figuur-T1"><p class="fp-caption">Figuur T1<br>Trend</p></div></main>')
    rendered = process_fragment(page, part, manifest)
    assert rendered.anchors == {("figuur", "1"): "x-figuur-1", ("figuur", "T1"): "x-figuur-T1"}
    assert [item_label(item) for item in manifest["items"]] == ["Figuur 1", "Figuur T1"]
    without_block = page.replace(' id="figuur-T1"', "")
    assert process_fragment(without_block, part, manifest).anchors[("figuur", "T1")] == "x-figuur-T1"


# ------------------------------------------------------------------------------------------------------------------
# Fragments stored by helpers.publish.runner and PDFs kept from the previous build: the same publication either way


def test_stored_fragments_give_the_same_publication(tmp_path, caplog):
    import logging

    stored, fresh = tmp_path / "stored", tmp_path / "fresh"
    parts = load_parts(FIXTURE / "report.yml")
    for part in parts:
        path = store_fragment(YEAR, part.stem, FIXTURE / "executed" / f"{part.stem}.ipynb", FIXTURE / "parts",
                                      root=stored, report_yml=FIXTURE / "report.yml")
        assert path == stored / "build" / str(YEAR) / "fragments" / f"{part.stem}.json"
    paths = fixture_paths(stored)
    paths.fragments_dir = stored / "build" / str(YEAR) / "fragments"
    with caplog.at_level(logging.INFO, logger="helpers.publish.assemble"):
        publish(paths, pdf=False)
    assert f"fragments: {len(parts)} of {len(parts)} as stored" in caplog.text
    fresh_paths = fixture_paths(fresh)
    fresh_paths.fragments_dir = fresh / "fragments"
    publish(fresh_paths, pdf=False)
    # Rendered here, the fragments are kept for the next assembly, the same as the runner stores them.
    for part in parts:
        assert (fresh / "fragments" / f"{part.stem}.json").read_bytes() == \
            (paths.fragments_dir / f"{part.stem}.json").read_bytes()
    first, second = stored / "reports" / str(YEAR), fresh / "reports" / str(YEAR)
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir()) and "01_achtergrond.html" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_fragment_of_other_inputs_is_not_used(tmp_path):
    executed = tmp_path / "executed"
    shutil.copytree(FIXTURE / "executed", executed)
    part = next(part for part in load_parts(FIXTURE / "report.yml") if part.stem == "01_achtergrond")
    store_fragment(YEAR, part.stem, executed / "01_achtergrond.ipynb", FIXTURE / "parts", root=tmp_path,
                           report_yml=FIXTURE / "report.yml")
    fragments = tmp_path / "build" / str(YEAR) / "fragments"
    manifest = load_manifest(FIXTURE / "parts", part)

    def load():
        return load_fragment(fragments, part, executed / "01_achtergrond.ipynb", FIXTURE / "parts",
                                     FIXTURE, manifest)

    assert load() is not None
    notebook = json.loads((executed / "01_achtergrond.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "id": "extra", "metadata": {}, "source": "Nog een alinea."})
    (executed / "01_achtergrond.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    assert load() is None  # the executed notebook changed: rendered again by publish
    (fragments / "01_achtergrond.json").write_text("{not json", encoding="utf-8")
    assert load() is None


def _page(title: str, text: str) -> str:
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f"<h1>{title}</h1><p>{text}</p></body></html>")


def test_pdfs_in_parallel_and_from_the_cache_are_the_same_bytes(tmp_path):
    documents = [("a", _page("Deel A", "Eerste pagina."), []), ("b", _page("Deel B", "Tweede pagina. " * 800), [])]
    cache = tmp_path / "cache"
    directories = [tmp_path / name for name in ("parallel", "cached", "serial", "changed")]
    for directory in directories:
        directory.mkdir()

    parallel = write_pdfs(documents, directories[0], jobs=2, cache_dir=cache)
    assert [info["reused"] for info in parallel.values()] == [False, False]
    assert list(parallel) == ["a", "b"] and parallel["b"]["pages"] >= 2
    cached = write_pdfs(documents, directories[1], jobs=2, cache_dir=cache)
    assert [info["reused"] for info in cached.values()] == [True, True]
    assert {name: info["pages"] for name, info in cached.items()} == {name: info["pages"]
                                                                      for name, info in parallel.items()}
    write_pdfs(documents, directories[2], jobs=1, cache_dir=None)
    for name in ("a", "b"):
        reference = (directories[0] / f"{name}.pdf").read_bytes()
        assert (directories[1] / f"{name}.pdf").read_bytes() == reference
        assert (directories[2] / f"{name}.pdf").read_bytes() == reference

    # Other HTML is rendered; a damaged cache entry is not used; entries no document used any more are removed.
    changed = [documents[0], ("b", _page("Deel B", "Gewijzigd."), [])]
    damaged = cache / f"{pdf_key(documents[0][1], [], True)}.pdf"
    damaged.write_bytes(damaged.read_bytes()[:-10])
    results = write_pdfs(changed, directories[3], jobs=1, cache_dir=cache)
    assert [info["reused"] for info in results.values()] == [False, False]
    assert (directories[3] / "a.pdf").read_bytes() == (directories[0] / "a.pdf").read_bytes()
    assert sorted(path.name for path in cache.iterdir()) == sorted(
        f"{pdf_key(html, [], True)}{suffix}" for _, html, _ in changed for suffix in (".pdf", ".json"))
    assert write_pdfs(changed, directories[3], jobs=1, cache_dir=cache)["a"]["reused"] is True


def test_pdf_check_problems_stop_the_publication(tmp_path):
    item = {"kind": "figuur", "number": 9, "title": "Een figuur die er niet is"}
    with pytest.raises(PublishError, match="Figuur 9"):
        write_pdfs([("a", _page("Deel A", "Zonder figuur."), [item])], tmp_path, jobs=1, cache_dir=tmp_path / "c")
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").iterdir())
