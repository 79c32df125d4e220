"""The 2023 report built twice from the same inputs is byte-identical, the build leaves data/raw alone, and its PDFs
are tagged (PDF/UA-1).

One pair of full builds, made as `make report` makes them (Makefile, "Report"), each into its own temporary build
root: every notebook of notebooks/report.yml run by helpers.publish.runner in name order (so the summary, 06, after
chapters 1-5) with working directory notebooks/, kernel flitspeiling and the parameters year and
parts_dir=<root>/build/2023/parts/<notebook>; then ``python -m helpers.publish.assemble --year 2023 --root <root>`` (with
``--report-yml notebooks/report.yml``, as the root is not the repository), which uses the fragments the runner
stored. The two builds run at the same time, in two processes; the module fixture `builds` makes them once for all
tests here.

Other work in the same tree can change an input while the builds run (a commit, an edited helper). The fixture
records what the builds read (helpers.publish.provenance's input files and git state, and the code under src/helpers) before
and after; when that changed and the outputs differ, the comparison is skipped with the changed inputs named instead
of failing.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import KERNEL, RAW_DIR, REPO_ROOT
from helpers.publish.provenance import collect

YEAR = 2023
NOTEBOOKS = REPO_ROOT / "notebooks"
REPORT_YML = NOTEBOOKS / "report.yml"
BUILD_TIMEOUT = 900  # seconds for one build (the Makefile allows 600 per notebook)

# One build, as the Makefile's Report section: helpers.publish.runner per notebook (papermill with the parameters year
# and parts_dir, the .d file and the stored HTML fragment), then helpers.publish.assemble. argv: root, year, report.yml,
# notebook stems in the order to run.
BUILD = """
import sys
from pathlib import Path

from helpers.publish import assemble as publish, runner as run_chapter

root, year, report_yml, stems = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]
for stem in stems:
    run_chapter.run(report_yml.parent / f"{stem}.ipynb", year, root, timeout=600)
sys.exit(publish.main(["--year", str(year), "--root", str(root), "--report-yml", str(report_yml)]))
"""


def _stems() -> list[str]:
    """The notebooks of report.yml in the order make runs them (by name, as the Makefile's CHAPTERS)."""
    outline = yaml.safe_load(REPORT_YML.read_text(encoding="utf-8"))
    return sorted(Path(chapter["notebook"]).stem for chapter in outline["chapters"])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw_snapshot() -> dict[str, str]:
    """SHA-256 of every file under data/raw (hidden files too), by path relative to data/raw."""
    return {path.relative_to(RAW_DIR).as_posix(): _sha256(path) for path in sorted(RAW_DIR.rglob("*")) if path.is_file()}


def _inputs_snapshot() -> dict[str, str]:
    """What a build reads: the colophon's input files and git state, and the code and templates of src/helpers."""
    stems = _stems()
    provenance = collect(YEAR, report_yml=REPORT_YML, notebooks=[], parts_dir=REPO_ROOT / "build" / str(YEAR) / "parts",
                         chapter_notebooks=[NOTEBOOKS / f"{stem}.ipynb" for stem in stems])
    snapshot = {item.path: item.sha256 or "-" for item in provenance.files}
    snapshot["git"] = provenance.git.text
    code = REPO_ROOT / "src" / "helpers"
    snapshot.update({path.relative_to(REPO_ROOT).as_posix(): _sha256(path) for path in sorted(code.rglob("*"))
                     if path.is_file() and "__pycache__" not in path.parts})
    return snapshot


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def _skip_reason() -> str | None:
    if not (REPO_ROOT / "data" / "processed" / str(YEAR) / "quality.json").is_file():
        return f"no processed {YEAR} data (make data)"
    if not (REPO_ROOT / "data" / "processed" / "frames.parquet").is_file():
        return "no municipality frames (make data)"
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        if KERNEL not in KernelSpecManager().find_kernel_specs():
            return f"no Jupyter kernel {KERNEL!r} (make env)"
    except ImportError:
        return "jupyter_client is not installed (make env)"
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return "WeasyPrint cannot load Pango (make system-packages)"
    return None


@dataclass
class Builds:
    first: Path  # reports/2023 of the first build
    second: Path
    seconds: tuple[float, float]
    raw_before: dict[str, str]
    raw_after: dict[str, str]
    inputs_changed: list[str]  # inputs that changed while the builds ran (other work in the tree)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    stems = _stems()
    roots = [tmp_path_factory.mktemp("build_a"), tmp_path_factory.mktemp("build_b")]
    raw_before, inputs_before = _raw_snapshot(), _inputs_snapshot()
    started = time.perf_counter()
    processes = []
    for root in roots:
        log = open(root / "build.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        command = [sys.executable, "-c", BUILD, str(root), str(YEAR), str(REPORT_YML), *stems]
        processes.append((subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                           env=os.environ.copy()), log))
    seconds = []
    for (process, log), root in zip(processes, roots, strict=True):
        try:
            code = process.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            for other, _ in processes:
                other.kill()
            raise
        finally:
            log.close()
        seconds.append(time.perf_counter() - started)
        if code != 0:
            tail = (root / "build.log").read_text(encoding="utf-8", errors="replace")[-4000:]
            pytest.fail(f"the build in {root} failed (exit {code}):\n{tail}")
    raw_after, inputs_after = _raw_snapshot(), _inputs_snapshot()
    return Builds(first=roots[0] / "reports" / str(YEAR), second=roots[1] / "reports" / str(YEAR),
                  seconds=(seconds[0], seconds[1]), raw_before=raw_before, raw_after=raw_after,
                  inputs_changed=_changed(inputs_before, inputs_after))


def _files(directory: Path) -> list[str]:
    return sorted(path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file())


def describe_difference(name: str, first: bytes, second: bytes, context: int = 48) -> str:
    """Where two versions of a file first differ, with the bytes around that offset (and the members of a ZIP)."""
    offset = next((index for index, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
                  min(len(first), len(second)))
    low, high = max(0, offset - context), offset + context
    lines = [f"{name}: first difference at byte {offset} (sizes {len(first)} and {len(second)})",
             f"    first:  {first[low:high]!r}", f"    second: {second[low:high]!r}"]
    if name.endswith(".xlsx"):
        try:
            import io

            with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
                members = sorted(set(a.namelist()) | set(b.namelist()))
                differing = [member for member in members if member not in a.namelist() or member not in b.namelist()
                             or a.read(member) != b.read(member)
                             or a.getinfo(member).date_time != b.getinfo(member).date_time]
            lines.append(f"    ZIP members that differ: {', '.join(differing) or 'none (only the ZIP structure)'}")
        except zipfile.BadZipFile:
            pass
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------------------------
# Byte-identical


def test_describe_difference_names_offset_and_context():
    message = describe_difference("a.html", b"<p>build 1</p>", b"<p>build 2</p>", context=4)
    assert message.splitlines() == ["a.html: first difference at byte 9 (sizes 14 and 14)",
                                    "    first:  b'ild 1</p'", "    second: b'ild 2</p'"]
    assert "at byte 3 (sizes 3 and 4)" in describe_difference("x.csv", b"abc", b"abcd")


def test_two_builds_are_byte_identical(builds):
    names = _files(builds.first)
    assert names == _files(builds.second), "the two builds wrote different files"
    assert {Path(name).suffix for name in names} >= {".html", ".pdf", ".xlsx", ".csv"}
    assert "MANIFEST" in names and "index.html" in names and f"flitspeiling_{YEAR}.pdf" in names
    differing = []
    for name in names:
        first, second = (builds.first / name).read_bytes(), (builds.second / name).read_bytes()
        if first != second:
            differing.append(describe_difference(name, first, second))
    if differing and builds.inputs_changed:
        pytest.skip(f"{len(differing)} files differ, but inputs changed while the builds ran (other work in the "
                    f"tree): {', '.join(builds.inputs_changed[:10])}")
    assert not differing, f"{len(differing)} of {len(names)} files differ:\n" + "\n".join(differing)


def test_manifest_lists_every_file_with_its_hash(builds):
    lines = (builds.first / "MANIFEST").read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert any(line.startswith("# commit: ") for line in comments)
    assert "# data: synthetic" in comments
    entries = [re.fullmatch(r"([0-9a-f]{64})  ( *\d+)  (\S+)", line) for line in lines if not line.startswith("#")]
    assert all(entries), "a MANIFEST line is not '<sha256>  <bytes>  <name>'"
    assert sorted(entry.group(3) for entry in entries) == [name for name in _files(builds.first) if name != "MANIFEST"]
    for entry in entries:
        path = builds.first / entry.group(3)
        assert entry.group(1) == _sha256(path) and int(entry.group(2)) == path.stat().st_size, entry.group(3)


# ------------------------------------------------------------------------------------------------------------------
# data/raw


def test_the_build_does_not_change_data_raw(builds):
    assert builds.raw_before, "data/raw holds no files"
    changed = _changed(builds.raw_before, builds.raw_after)
    assert not changed, f"files under data/raw changed during the build: {', '.join(changed)}"
    assert _raw_snapshot() == builds.raw_before


# ------------------------------------------------------------------------------------------------------------------
# The colophon


def test_every_page_ends_with_the_colophon(builds):
    from pypdf import PdfReader

    commit = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip()
    pages = [name for name in _files(builds.first) if name.endswith(".html") and name != "index.html"
             and name != "datakwaliteit.html"]
    assert len(pages) == len(_stems()) + 1
    for name in pages:
        page = BeautifulSoup((builds.first / name).read_text(encoding="utf-8"), "html.parser")
        colophon = page.find("section", class_="colophon")
        assert colophon is not None and colophon.h2.get_text() == "Colofon", name
        assert colophon.find_next_sibling() is None, f"{name}: the colophon is not the last part of the page"
        text = " ".join(colophon.get_text(" ", strip=True).split())
        assert f"year={YEAR}" in text and "small_threshold=25000" in text and "parts_dir=build/2023/parts" in text
        assert "processed_dir=data/processed" in text
        assert "Synthetische gegevens Ja: de synthetische vervanger" in text
        if commit and not builds.inputs_changed:
            assert f"Commit {commit}" in text, name
        files = [cell.get_text(strip=True) for cell in colophon.select("tbody td:first-child")]
        for expected in ("data/raw/survey/flitspeiling_2023.csv", "data/raw/survey/provenance.yml",
                         "data/raw/reference/PROVENANCE.yml", "data/codebook/questions.yml", "notebooks/report.yml",
                         "data/published/published_numbers.yml", "data/processed/2023/quality.json",
                         "data/processed/crosswalk.parquet"):
            assert expected in files, f"{name}: {expected} not in the colophon"
        # Per part its own notebook (the summary also the chapters' it quotes); the whole report every notebook.
        notebooks = {Path(f).name for f in files if f.startswith("notebooks/") and f.endswith(".ipynb")}
        stem = name.removesuffix(".html")
        if stem in _stems():
            assert f"{stem}.ipynb" in notebooks and (len(notebooks) == 1 or stem == "06_samenvatting"), (name, notebooks)
        else:
            assert notebooks == {f"{s}.ipynb" for s in _stems()}, (name, notebooks)
        pdf = PdfReader(str(builds.first / name.replace(".html", ".pdf")))
        pdf_text = "".join("".join(page.extract_text() or "" for page in pdf.pages[-3:]).split())
        assert "Colofon" in pdf_text and "year=2023" in pdf_text, name
        if commit and not builds.inputs_changed:
            assert commit in pdf_text, name


# ------------------------------------------------------------------------------------------------------------------
# PDF: tagged, title and language, bookmarks, alternative text; the PDF/UA-1 checks pypdf can make


_PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s", b"sh",
             b"INLINE IMAGE"}


def _structure(node, found: list, depth: int = 0) -> None:
    """Every structure element (its /S and dictionary), depth first in document order."""
    from pypdf.generic import ArrayObject, DictionaryObject

    node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            _structure(child, found, depth)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            found.append((str(node["/S"]), node))
        if "/K" in node and depth < 400:
            _structure(node["/K"], found, depth + 1)


def _children(element) -> list:
    from pypdf.generic import ArrayObject, DictionaryObject

    kids = element.get("/K")
    kids = kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []
    return [kid.get_object() for kid in kids if isinstance(kid.get_object(), DictionaryObject)
            and "/S" in kid.get_object()]


def _outline_titles(outline) -> list[str]:
    titles = []
    for entry in outline:
        titles += _outline_titles(entry) if isinstance(entry, list) else [entry.title]
    return titles


def pdf_ua_problems(path: Path, html: str) -> list[str]:
    """What keeps the PDF from the tagged PDF/UA-1 structure of its HTML page, as far as pypdf can tell (no veraPDF
    here): tags and /MarkInfo, title (Info and XMP, shown as window title), /Lang, the pdfuaid:part 1 claim, bookmarks
    equal to the page's headings, every figure with the alternative text of its <img>, heading levels not skipped,
    table rows of TH/TD with TD linked to their headers, /Tabs /S on pages, links with /Contents and a structure
    parent, embedded fonts with a ToUnicode map, and no content drawn outside marked content (tagged or artifact)."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    page = BeautifulSoup(html, "html.parser")
    title = page.title.get_text()
    problems = []
    if not reader.pdf_header.startswith("%PDF-1.7"):
        problems.append(f"version {reader.pdf_header}, PDF/UA-1 in WeasyPrint is PDF 1.7")
    if "/StructTreeRoot" not in root or not bool((root.get("/MarkInfo") or {}).get("/Marked")):
        return [*problems, "not tagged (no StructTreeRoot or /MarkInfo /Marked true)"]
    if root.get("/Lang") != "nl":
        problems.append(f"/Lang is {root.get('/Lang')!r}, not 'nl'")
    if not bool((root.get("/ViewerPreferences") or {}).get("/DisplayDocTitle")):
        problems.append("no /ViewerPreferences /DisplayDocTitle true")
    if (reader.metadata or {}).get("/Title") != title:
        problems.append(f"title {(reader.metadata or {}).get('/Title')!r}, the page's is {title!r}")
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8") if "/Metadata" in root else ""
    if 'pdfuaid:part="1"' not in xmp:
        problems.append("no XMP metadata with pdfuaid:part 1")
    if f'<rdf:li xml:lang="x-default">{title.replace("&", "&amp;")}</rdf:li>' not in xmp:
        problems.append("the XMP dc:title is not the title")

    headings = [" ".join(tag.get_text(" ", strip=True).split()) for tag in page.find_all(re.compile("^h[1-6]$"))]
    bookmarks = _outline_titles(reader.outline)
    if bookmarks != headings:
        problems.append(f"bookmarks {bookmarks[:5]}... are not the headings {headings[:5]}...")

    elements: list = []
    _structure(root["/StructTreeRoot"], elements)
    alts = [str(element.get("/Alt", "")) for kind, element in elements if kind == "/Figure"]
    expected = [image.get("alt", "") for image in page.find_all("img")]
    if alts != expected:
        problems.append(f"figure alternative texts {alts} are not those of the <img>s {expected}")
    if not all(alt.strip() for alt in alts):
        problems.append("a figure without alternative text")
    level = 0
    for kind, _ in elements:
        if re.fullmatch(r"/H[1-6]", kind):
            if int(kind[2]) > level + 1:
                problems.append(f"heading level skipped: {kind} after H{level}")
            level = int(kind[2])
    for kind, element in elements:
        if kind == "/TR" and any(child["/S"] not in ("/TH", "/TD") for child in _children(element)):
            problems.append("a table row with other children than TH/TD")
        if kind == "/Table":
            cells = [cell for _, cell in _table_cells(element)]
            if any(cell["/S"] == "/TH" for cell in cells):
                unlinked = [cell for cell in cells if cell["/S"] == "/TD" and not (cell.get("/A") or {}).get("/Headers")]
                if unlinked:
                    problems.append(f"{len(unlinked)} table cells without /Headers")

    fonts = {}
    for number, pdf_page in enumerate(reader.pages, start=1):
        if pdf_page.get("/Tabs") != "/S":
            problems.append(f"page {number}: no /Tabs /S")
        for annotation in pdf_page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and (not annotation.get("/Contents")
                                                          or "/StructParent" not in annotation):
                problems.append(f"page {number}: a link without /Contents or /StructParent")
        resources = pdf_page["/Resources"].get_object()
        for font in (resources.get("/Font") or {}).values():
            fonts[font.idnum if hasattr(font, "idnum") else id(font)] = font.get_object()
        depth = 0
        for _, operator in ContentStream(pdf_page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                depth += 1
            elif operator == b"EMC":
                depth -= 1
            elif operator in _PAINTING and depth <= 0:
                problems.append(f"page {number}: content outside marked content ({operator.decode()})")
                break
    for font in fonts.values():
        descriptor = font.get("/FontDescriptor")
        if font.get("/Subtype") == "/Type0":
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        if font.get("/Subtype") != "/Type3" and not any(
                key in (descriptor.get_object() if descriptor else {}) for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"font {font.get('/BaseFont')} is not embedded")
        if "/ToUnicode" not in font:
            problems.append(f"font {font.get('/BaseFont')} has no ToUnicode map")
    return problems


def _table_cells(table) -> list:
    found = []
    for child in _children(table):
        if child["/S"] in ("/TH", "/TD"):
            found.append((child["/S"], child))
        elif child["/S"] in ("/THead", "/TBody", "/TFoot", "/TR"):
            found += _table_cells(child)
    return found


def test_pdfs_are_tagged_pdf_ua(builds):
    pdfs = [name for name in _files(builds.first) if name.endswith(".pdf")]
    assert len(pdfs) == len(_stems()) + 1
    problems = {}
    for name in pdfs:
        html = (builds.first / name.replace(".pdf", ".html")).read_text(encoding="utf-8")
        found = pdf_ua_problems(builds.first / name, html)
        if found:
            problems[name] = found[:8]
    assert not problems, "\n".join(f"{name}: {'; '.join(found)}" for name, found in problems.items())
