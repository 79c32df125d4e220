"""PDFs of the report's pages: rendered with WeasyPrint, checked against the manifests, kept for the next build.

`write_pdf` renders one HTML page as a tagged PDF/UA-1; `write_pdfs` renders a set of pages in parallel processes and
takes a PDF of exactly the same HTML from the cache of the previous build (``build/<year>/pdf-cache``, keyed by
`pdf_key`); `start_pdfs` does the same in two steps, so that the caller works while the PDFs render; `check_pdf` reads
a PDF back (`read_pdf`, its text through PDFium) and lists what is missing from it.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.reproducible import sha256_file
from helpers.publish.manifests import item_label
from helpers.publish.parts import PublishError
from helpers.publish.renderer import renderer_fingerprint, sha256_bytes

LOG = logging.getLogger(__name__)

# WeasyPrint (which loads the system's Pango) and pypdf are imported where they are used, on purpose: importing this
# module costs nothing for a build without PDFs (--no-pdf), and a missing Pango becomes a PublishError saying what to
# install.

# WeasyPrint's PDF variant: PDF/UA-1 (tagged, with XMP metadata naming the conformance; no dates, no random ids).
PDF_VARIANT = "pdf/ua-1"


# 2000-01-01 00:00 UTC: the time written into the PDFs' font subsets (a fixed value: reproducible bytes).
FONT_TIMESTAMP = 946684800


# A cross-reference to another part's page (helpers.publish.pages.resolve_cross_references) is a link to an HTML
# file beside it. WeasyPrint would resolve that against the build directory and write an absolute file:// address
# into the PDF (a local path, different in every checkout: two builds differed in those bytes). In print the
# reference keeps its words (the section's title) without the link; links within the document stay.
_OTHER_PAGE_REFERENCE = re.compile(r'<a class="cross-reference" href="(?!#)[^"]*">(.*?)</a>', re.S)


def print_links(html: str) -> str:
    """The page as the PDF shows it: cross-references to other pages as plain text (their titles), see above."""
    return _OTHER_PAGE_REFERENCE.sub(r'<span class="cross-reference">\1</span>', html)


def write_pdf(html: str, target: Path, base_url: Path | None = None) -> int:
    """Render the HTML (print media) to an A4 PDF with WeasyPrint; returns the number of pages.

    Tagged PDF/UA-1 (PDF_VARIANT): a structure tree with the figures' alternative text, /MarkInfo, XMP metadata
    with pdfuaid:part 1, bookmarks from the headings; title and language come from <title> and <html lang>. The PDF
    has no creation or modification date, its /ID is the MD5 of its content (not random) and its font subsets carry a
    fixed time (SOURCE_DATE_EPOCH), so the same HTML gives the same bytes.
    """
    try:
        import weasyprint
    except OSError as error:  # the Python package is there but the system's Pango is not
        raise PublishError(f"WeasyPrint cannot load Pango ({error}); install the Debian packages libpango-1.0-0 "
                           "libpangoft2-1.0-0 fonts-dejavu-core (make system-packages)") from error
    # The embedded font subsets carry a 'head.modified' time that fontTools sets to now unless SOURCE_DATE_EPOCH
    # says otherwise: two builds a second apart differed in a few bytes. A fixed epoch makes the fonts reproducible.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(FONT_TIMESTAMP))
    document = weasyprint.HTML(string=print_links(html), base_url=str(base_url or target.parent)).render()
    document.write_pdf(target, pdf_variant=PDF_VARIANT, pdf_tags=True, pdf_identifier=True)
    return len(document.pages)


def default_jobs() -> int:
    """Processes for the PDFs: FLITSPEILING_PDF_JOBS, else the number of CPUs this process may use, at most 4."""
    value = os.environ.get("FLITSPEILING_PDF_JOBS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def pdf_key(html: str, items: list[dict], check: bool) -> str:
    """What a checked PDF is a function of: the HTML as printed, the manifest items it was checked against, the
    renderer."""
    items_text = json.dumps(items, ensure_ascii=False, sort_keys=True)
    printed = print_links(html)
    return sha256_bytes(f"{renderer_fingerprint()}\n{PDF_VARIANT}\n{int(check)}\n{items_text}\n{printed}".encode())


def _render_pdf(name: str, html: str, target: Path, items: list[dict], check: bool) -> dict:
    """One PDF, rendered and checked (in a worker process of write_pdfs)."""
    begin = time.perf_counter()
    pages = write_pdf(html, target, base_url=target.parent)
    seconds = time.perf_counter() - begin
    problems = check_pdf(target, items) if check else []
    LOG.info("%s.pdf: %d pages in %.2f s", name, pages, seconds)
    return {"pages": pages, "seconds": round(seconds, 2), "problems": problems, "reused": False}


def write_pdfs(documents: Sequence[tuple[str, str, list[dict]]], directory: Path, check: bool = True,
               jobs: int | None = None, cache_dir: Path | None = None) -> dict[str, dict]:
    """Every document (name, html, items) as ``<directory>/<name>.pdf``, checked (check_pdf) unless `check` is off.

    A PDF whose key (pdf_key: the HTML, its items, the renderer; not the system's fonts or Pango, so after changing
    those: make report-clean) is in `cache_dir` is copied from there, the others
    are rendered by `jobs` processes (forked, longest document first) and, once checked, kept in `cache_dir`; entries
    of the cache no document used are removed. Raises PublishError with every problem found. Returns per name: pages,
    seconds and whether the PDF was reused.
    """
    return start_pdfs(documents, directory, check, jobs, cache_dir).finish()


class PendingPdfs:
    """PDFs being rendered in worker processes (start_pdfs); `finish` waits for them, checks and caches them."""

    def __init__(self, documents: Sequence[tuple[str, str, list[dict]]], directory: Path, check: bool, jobs: int,
                 cache_dir: Path | None):
        self.names = [name for name, _, _ in documents]
        self.directory, self.check, self.cache_dir = Path(directory), check, cache_dir
        self.keys = {name: pdf_key(html, items, check) for name, html, items in documents}
        self.results: dict[str, dict] = {}
        self.todo = []
        for name, html, items in documents:
            reused = _reuse_cached_pdf(cache_dir, self.keys[name], self.directory / f"{name}.pdf")
            if reused is None:
                self.todo.append((name, html, items))
            else:
                self.results[name] = reused
                LOG.info("%s.pdf: %d pages, the same as in the previous build", name, reused["pages"])
        self.todo.sort(key=lambda document: -len(document[1]))  # the longest first: it bounds the wall-clock time
        self.pool, self.futures = None, {}
        if jobs > 1 and len(self.todo) > 1:
            self.pool = ProcessPoolExecutor(max_workers=min(jobs, len(self.todo)),
                                            mp_context=multiprocessing.get_context("fork"))
            self.futures = {name: self.pool.submit(_render_pdf, name, html, self.directory / f"{name}.pdf", items,
                                                   check) for name, html, items in self.todo}

    def finish(self) -> dict[str, dict]:
        try:
            if self.pool is not None:
                self.results.update({name: future.result() for name, future in self.futures.items()})
            else:
                self.results.update({name: _render_pdf(name, html, self.directory / f"{name}.pdf", items, self.check)
                                     for name, html, items in self.todo})
        finally:
            self.cancel()
        problems = [problem for name in self.names for problem in self.results[name]["problems"]]
        if problems:
            raise PublishError("; ".join(problems))
        if self.cache_dir is not None:
            _keep_in_cache(Path(self.cache_dir), {name: self.keys[name] for name, _, _ in self.todo}, self.directory,
                           self.results, used=set(self.keys.values()))
        return {name: self.results[name] for name in self.names}

    def cancel(self) -> None:
        """Stop the workers (after `finish`, or when the build failed meanwhile)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def start_pdfs(documents: Sequence[tuple[str, str, list[dict]]], directory: Path, check: bool = True,
               jobs: int | None = None, cache_dir: Path | None = None) -> PendingPdfs:
    """write_pdfs in two steps: the cached PDFs are copied and the others start rendering in `jobs` forked processes
    now; the caller does its other work meanwhile (the tabellenboek, the CSV) and then calls `finish()`. With one
    job (or one PDF to render) they are rendered in `finish`."""
    return PendingPdfs(documents, directory, check, jobs or default_jobs(), cache_dir)


def _reuse_cached_pdf(cache_dir: Path | None, key: str, target: Path) -> dict | None:
    """Copy the cached PDF of `key` to `target` when the cache holds it undamaged (its recorded SHA-256); returns its
    result (pages, reused), or None when it has to be rendered."""
    if cache_dir is None:
        return None
    cached = Path(cache_dir) / f"{key}.pdf"
    info = cached.with_suffix(".json")
    if not (cached.is_file() and info.is_file()):
        return None
    try:
        recorded = json.loads(info.read_text(encoding="utf-8"))
        if recorded.get("sha256") == sha256_file(cached):
            shutil.copyfile(cached, target)
            return {"pages": int(recorded["pages"]), "seconds": 0.0, "problems": [], "reused": True}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _keep_in_cache(cache_dir: Path, rendered: dict[str, str], directory: Path, results: dict[str, dict],
                   used: set[str]) -> None:
    """Copy the checked PDFs just rendered (name -> key) into the cache with their pages and SHA-256; remove the
    entries whose key is not in `used` (no document of this build had it)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, key in rendered.items():
        cached = cache_dir / f"{key}.pdf"
        shutil.copyfile(directory / f"{name}.pdf", cached)
        cached.with_suffix(".json").write_text(json.dumps({"pages": results[name]["pages"],
                                                           "sha256": sha256_file(cached)}), encoding="utf-8")
    names = {f"{key}{suffix}" for key in used for suffix in (".pdf", ".json")}
    for path in cache_dir.iterdir():
        if path.name not in names:
            path.unlink(missing_ok=True)


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u00ad", "").split()).casefold()


def _struct_figures(node, found: list[str], depth: int = 0) -> None:
    """Collect the /Alt of every /Figure element of a tagged PDF's structure tree (following /K only)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if depth > 200:
        return
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, ArrayObject):
        for child in node:
            _struct_figures(child, found, depth + 1)
    elif isinstance(node, DictionaryObject):
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        if "/K" in node:
            _struct_figures(node["/K"], found, depth + 1)


def _images_drawn(stream, resources, reader, depth: int = 0) -> int:
    """How many times a content stream paints an image XObject (`Do`, also inside forms): the count for a PDF
    without tags. (pypdf's ``page.images`` lists what a page's resources offer; WeasyPrint shares one resource
    dictionary between pages, so that would count every image on every page.)"""
    from pypdf.generic import ContentStream

    if stream is None or depth > 8:
        return 0
    xobjects = (resources or {}).get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else {}
    count = 0
    for operands, operator in ContentStream(stream, reader).operations:
        if operator != b"Do" or not operands or operands[0] not in xobjects:
            continue
        xobject = xobjects[operands[0]].get_object()
        if xobject.get("/Subtype") == "/Image":
            count += 1
        elif xobject.get("/Subtype") == "/Form":
            inner = xobject.get("/Resources")
            count += _images_drawn(xobject, inner.get_object() if inner is not None else resources, reader, depth + 1)
    return count


# PDFium marks a hyphen at the end of a line with \x02 (the report does not hyphenate words itself: every such hyphen
# is one of the text's own, as in "VN-verdrag" broken after the hyphen).
_LINE_END_HYPHEN = "\x02"


def pdf_text(path: Path) -> str:
    """The text of every page, one page per line block, as PDFium (pypdfium2) extracts it: the same words as pypdf's
    extract_text, about 40 times faster (0.11 s instead of 4.4 s for the 58 pages of the 2023 report), which made the
    check of the PDFs the largest part of the assembly."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded().replace(_LINE_END_HYPHEN, "-").replace("\r\n", "\n"))
            textpage.close()
            page.close()
        return "\n".join(texts)
    finally:
        document.close()


@dataclass
class PdfContents:
    text: str
    pages: int
    figures: list[str]  # the alternative text of every image (PNG or SVG), in order
    links: list[str] = field(default_factory=list)  # the addresses of its link annotations (URIs), sorted

    @property
    def images(self) -> int:
        return len(self.figures)


def read_pdf(path: Path) -> PdfContents:
    """The PDF's text (all pages), its number of pages and its images with their alternative text.

    Images are counted in the structure tree of the tagged PDF (one /Figure per <img>, whether PNG or SVG; an SVG is
    drawn as vectors and leaves no image object); a PDF without tags falls back to the image objects painted.
    """
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = pdf_text(path)
    figures: list[str] = []
    tree = reader.trailer["/Root"].get("/StructTreeRoot")
    if tree is not None:
        _struct_figures(tree, figures)
    else:
        for page in reader.pages:
            resources = page.get("/Resources")
            drawn = _images_drawn(page.get_contents(), resources.get_object() if resources is not None else {}, reader)
            figures += [""] * drawn
    links = sorted({str(action["/URI"]) for page in reader.pages for annotation in page.get("/Annots") or []
                    if (action := annotation.get_object().get("/A")) is not None and "/URI" in action})
    return PdfContents(text=text, pages=len(reader.pages), figures=figures, links=links)


def check_pdf(path: Path, items: Iterable[dict]) -> list[str]:
    """Problems with a rendered PDF: a figure/table caption of the manifests missing from its text, or a number of
    images other than the number of figures (WeasyPrint dropping content after a construct it cannot lay out)."""
    items = list(items)
    contents = read_pdf(path)
    flat = _normalised(contents.text)
    problems = [f"{path.name}: '{item_label(item)}' ({item['title']}) not found in the PDF text"
                for item in items if _normalised(f"{item_label(item)}") not in flat
                or _normalised(str(item["title"])) not in flat]
    figures = sum(item["kind"] == "figuur" for item in items)
    if contents.images != figures:
        problems.append(f"{path.name}: {contents.images} images in the PDF, {figures} figures in the manifests")
    local = [uri for uri in contents.links if uri.startswith("file:")]
    if local:
        problems.append(f"{path.name}: links to local files ({local[0]}): a reader of the PDF cannot follow them")
    return problems

