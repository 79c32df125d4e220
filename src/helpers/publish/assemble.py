"""Publish one wave of the report: the executed chapter notebooks become HTML and PDF pages, a tabellenboek and a CSV.

Inputs (written by ``make report``, see the Makefile's Report section):

- ``notebooks/report.yml``: the parts of the report with number, slug, notebook and Dutch title;
- ``build/<year>/notebooks/<NN_slug>.ipynb``: each part's notebook as executed by papermill;
- ``build/<year>/parts/<NN_slug>/``: what each part wrote for publication: ``manifest.json`` (its figures and tables),
  ``cijfers.csv`` (one row per number shown) and ``tables/<figuur_N|tabel_N>.csv`` (each table in full);
- optionally ``build/<year>/fragments/<NN_slug>.json``: the part's HTML fragment as helpers.publish.runner rendered it
  right after running the notebook (used only when made from the same executed notebook, manifest and code), and
  ``build/<year>/pdf-cache/``: the checked PDFs of the previous build by the hash of their HTML.

Outputs, in ``reports/<year>/``:

- ``<NN_slug>.html`` and ``.pdf`` per part, ``flitspeiling_<year>.html`` and ``.pdf`` for the whole report (cover,
  contents, summary, chapters 1-5, Bijlage A, Bijlage B = list of figures and tables, colophon);
- ``tabellenboek.xlsx`` (an index sheet, then one sheet per figure and table) and ``cijfers.csv`` (all numbers);
- ``index.html`` (links to all of the above) and ``MANIFEST`` (sha256 and size of every file, written last; its
  format is described in `_write_manifest`).

The whole report and every chapter page end with a colophon ("Colofon", templates/colophon.html.j2): the git commit,
the parameters, whether the data is the synthetic stand-in and the SHA-256 of every input file (helpers.publish.provenance).

Everything is built in a staging directory and moved into ``reports/<year>/`` only when all of it succeeded, so a
failed build leaves the previous publication as it was. Files in ``reports/<year>/`` made by other steps
(``datakwaliteit.html`` from ``make data``) are carried over.

HTML pages contain no code, load nothing from elsewhere (no scripts, images are data URIs, the CSS is inlined) and are
byte-identical from build to build. PDFs are rendered from the same HTML by WeasyPrint in this process as tagged
PDF/UA-1 (title, language, bookmarks from the headings, alternative text of figures in the structure tree), and
checked: every figure and table caption of the manifests must be in the PDF's text and the number of images must equal
the number of figures. tests/test_reproducible_build.py builds the 2023 report twice and compares every file.

Command line (used by ``make report``)::

    python -m helpers.publish.assemble --year 2023 [--no-pdf] [--no-check] [--jobs N]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import logging
import os
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markupsafe
from bs4 import BeautifulSoup, Tag

from helpers import REPO_ROOT, TEMPLATES_DIR
from helpers.core.reproducible import normalise_xlsx, sha256_file
from helpers.publish.parts import Part, PublishError, load_parts
from helpers.publish.provenance import Provenance
from helpers.publish.provenance import collect as collect_provenance

LOG = logging.getLogger("helpers.publish.assemble")

NBCONVERT_TEMPLATE = "flitspeiling"
CSS_FILE = TEMPLATES_DIR / NBCONVERT_TEMPLATE / "static" / "report.css"
COLOPHON_CSS_FILE = TEMPLATES_DIR / "colophon.css"
COLOPHON_ID = "colofon"  # the colophon's heading (templates/colophon.html.j2), listed last in the contents
# WeasyPrint's PDF variant: PDF/UA-1 (tagged, with XMP metadata naming the conformance; no dates, no random ids).
PDF_VARIANT = "pdf/ua-1"

REPORT_TITLE = "Flitspeiling VN-verdrag Handicap in gemeenten"
SUBTITLE = "Stand van zaken van de implementatie van het VN-verdrag Handicap in gemeenten"
AUTHORS = "Movisie & VNG"
AUTHORS_NOTE = "Vragenlijst en opzet van het rapport: Movisie & VNG"
COVER_NOTE = ("Movisie en VNG zijn de makers van de vragenlijst en van het oorspronkelijke rapport. Deze uitgave is "
              "automatisch opnieuw opgebouwd uit de enquêtegegevens.")
BIJLAGE_B_TITLE = "Bijlage B Overzicht figuren en tabellen"
KIND_LABELS = {"figuur": "Figuur", "tabel": "Tabel"}
KIND_GROUP_TITLES = {"figuur": "Figuren", "tabel": "Tabellen"}
CIJFERS_COLUMNS = ("table", "item", "group", "n", "count", "pct", "question", "answer")
# A part that shows its own synthetic-data notice (helpers.report.chapter's Chapter.notice) gets no second one on its page.
NOTICE_MARKERS = ('class="fp-notice"', 'class="notice-synthetic"')
# Files in reports/<year>/ written by other steps; a new publication keeps them.
CARRIED_OVER = ("datakwaliteit.html",)
# Folders in reports/<year>/ written by other steps (make factsheets: confidential, never listed in the MANIFEST or
# linked); a new publication moves them over unchanged.
CARRIED_OVER_DIRS = ("factsheets",)
SYNTHETIC_NOTICE = ("Let op: synthetische gegevens. Deze cijfers komen uit een synthetische vervanger van de "
                    "enquêtegegevens, niet uit de echte antwoorden van gemeenten.")


# ----------------------------------------------------------------------------------------------------------------
# The parts of the report


def load_manifest(parts_dir: Path, part: Part) -> dict:
    """The part's manifest.json; a summary or appendix without one has no figures or tables."""
    path = Path(parts_dir) / part.stem / "manifest.json"
    if not path.is_file():
        if part.kind == "chapter":
            raise PublishError(f"{path}: not found; chapter {part.stem} did not write its parts "
                               f"(run its notebook first: make report)")
        return {"items": [], "synthetic": None}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for index, item in enumerate(manifest.get("items", []), start=1):
        missing = [key for key in ("kind", "number", "title") if item.get(key) in (None, "")]
        if missing:
            raise PublishError(f"{path}: item {index} lacks {', '.join(missing)}")
        item["kind"] = str(item["kind"]).lower()
        if item["kind"] not in KIND_LABELS:
            raise PublishError(f"{path}: item {index} has kind {item['kind']!r}, expected 'figuur' or 'tabel'")
    return manifest


def item_code(item: dict) -> str:
    """The number of a figure/table as shown: "5", or "T1" for an item in a series of its own (report.yml)."""
    return f"{item.get('series') or ''}{item['number']}"


def item_label(item: dict) -> str:
    return f"{KIND_LABELS[item['kind']]} {item_code(item)}"


# ----------------------------------------------------------------------------------------------------------------
# Notebook -> HTML fragment


def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = NBCONVERT_TEMPLATE
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell", "remove-cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output", "remove-output"}
    return HTMLExporter(config=config)


def notebook_html(notebook: Path | str, exporter=None, resources_dir: Path | None = None, name: str | None = None) -> str:
    """A complete standalone HTML page of an executed notebook, without code, in the report's template. `name`: the
    notebook's name for nbconvert (default: the file's stem; helpers.publish.runner renders <stem>.running.ipynb)."""
    import nbformat

    notebook = Path(notebook)
    node = nbformat.read(notebook, as_version=4)
    errors = [output for cell in node.cells for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    if errors:
        raise PublishError(f"{notebook}: the executed notebook holds an error ({errors[0].get('ename')}: "
                           f"{errors[0].get('evalue')}); fix the chapter and run it again")
    exporter = exporter or _exporter()
    resources = {"metadata": {"name": name or notebook.stem, "path": str(resources_dir or notebook.parent)}}
    body, _ = exporter.from_notebook_node(node, resources=resources)
    return body


def _ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "sectie"


_CAPTION_RE = re.compile(r"^\s*(Figuur|Tabel)\s+([A-Z]?\d+)\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^[−\-+]?\d[\d.,]*\s*%?$")
SHORT_TABLE_ROWS = 20
_CAPTION_TAGS = ("h2", "h3", "h4", "h5", "h6", "caption", "figcaption")


@dataclass
class RenderedPart:
    """A part as an HTML fragment with report-wide unique ids, its h1/h2 headings and its item anchors."""

    part: Part
    manifest: dict
    body: str
    headings: list[tuple[int, str, str]]  # (level, id, text)
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, code) -> id
    images: int = 0


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def _find_caption(main: Tag, kind: str, code: str, block_id: str) -> Tag | None:
    """The element that marks figure/table `number`: the block with id "<kind>-<number>" (helpers.report.chapter gives every
    figure and table block that id; here already prefixed as `block_id`), else a heading, caption or figcaption whose
    text starts with "Figuur N"/"Tabel N", else the first paragraph or element with a caption class starting so."""
    # Ids are slugged (lower case) before this runs: "tabel-T1" of a series item is now "<slug>-tabel-t1".
    block = main.find(id=block_id) or main.find(id=block_id.lower())
    if block is not None:
        return block

    def starts(tag: Tag) -> bool:
        match = _CAPTION_RE.match(_text(tag))
        return bool(match) and match.group(1).lower() == kind and match.group(2).upper() == code.upper()

    for tag in main.find_all(_CAPTION_TAGS):
        if starts(tag):
            return tag
    for tag in main.find_all(True, class_=re.compile("caption|bijschrift")):
        if starts(tag):
            return tag
    for tag in main.find_all("p"):
        if starts(tag):
            return tag
    return None


def _mark_numeric_columns(table: Tag) -> None:
    """Class "num" on every numeric data cell, and on the header of a column whose data cells are all numeric."""
    numeric_columns: dict[int, bool] = {}
    simple = not table.find(["td", "th"], attrs={"colspan": True}) and not table.find(["td", "th"], rowspan=True)
    for row in table.find_all("tr"):
        cells = row.find_all(["td", "th"], recursive=False)
        for index, cell in enumerate(cells):
            if cell.name != "td":
                continue
            numeric = bool(_NUMBER_RE.match(_text(cell)))
            if numeric:
                cell["class"] = [*cell.get("class", []), "num"]
            numeric_columns[index] = numeric_columns.get(index, True) and numeric
    if not simple:
        return
    for row in table.find_all("tr"):
        cells = row.find_all(["td", "th"], recursive=False)
        if all(cell.name == "th" for cell in cells):
            for index, cell in enumerate(cells):
                if numeric_columns.get(index):
                    cell["class"] = [*cell.get("class", []), "num"]


def process_fragment(html: str, part: Part, manifest: dict) -> RenderedPart:
    """Turn nbconvert's page of one part into a fragment for the report.

    Ids get the part's slug as prefix (unique across the whole report) and are ASCII slugs; nbconvert's permalinks
    and cell ids are dropped; every figure/table caption of the manifest gets the id ``<slug>-<kind>-<number>``;
    tables are wrapped for sideways scrolling and numeric cells marked; a part without h1 gets one from report.yml.
    """
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup.body or soup
    for link in main.find_all("a", class_="anchor-link"):
        link.decompose()

    used: set[str] = set()

    def unique(base: str) -> str:
        candidate, counter = base, 2
        while candidate in used:
            candidate, counter = f"{base}-{counter}", counter + 1
        used.add(candidate)
        return candidate

    renamed: dict[str, str] = {}
    for tag in main.find_all(id=True):
        old = tag["id"]
        if old.startswith("cell-id="):
            del tag["id"]
            continue
        new = unique(f"{part.slug}-{_ascii_slug(old)}")
        renamed.setdefault(old, new)
        tag["id"] = new
    for link in main.find_all("a", href=True):
        href = link["href"]
        if href.startswith("#") and href[1:] in renamed:
            link["href"] = "#" + renamed[href[1:]]

    h1s = main.find_all("h1")
    if not h1s:
        heading = soup.new_tag("h1")
        heading.string = part.heading
        main.insert(0, heading)
    elif len(h1s) > 1:
        LOG.warning("%s: %d h1 headings; a part should have one (its title)", part.stem, len(h1s))
    for heading in main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        if not heading.get("id"):
            heading["id"] = unique(f"{part.slug}-{_ascii_slug(_text(heading))}")

    anchors: dict[tuple[str, str], str] = {}
    for item in manifest.get("items", []):
        key = (item["kind"], item_code(item))
        wanted = f"{part.slug}-{item['kind']}-{item_code(item)}"
        caption = _find_caption(main, *key, block_id=wanted)
        if caption is None:
            raise PublishError(f"{part.stem}: the manifest lists {item_label(item)} ({item['title']}) but the "
                               f"executed notebook shows no caption starting with '{item_label(item)}'")
        old = caption.get("id")
        if old != wanted:
            if wanted in used:
                raise PublishError(f"{part.stem}: {item_label(item)} is listed twice in the manifest")
            used.add(wanted)
            caption["id"] = wanted
            if old:
                for link in main.find_all("a", href="#" + old):
                    link["href"] = "#" + wanted
        if caption.name in _CAPTION_TAGS or caption.name == "p":
            caption["class"] = [*caption.get("class", []), "report-caption"]
        anchors[key] = wanted

    for table in main.find_all("table"):
        parent = table.parent
        if not (isinstance(parent, Tag) and "table-scroll" in parent.get("class", [])):
            parent = table.wrap(soup.new_tag("div", attrs={"class": "table-scroll"}))
        if len(table.find_all("tr")) <= SHORT_TABLE_ROWS:  # kept on one page in print
            parent["class"] = [*parent.get("class", []), "table-short"]
        _mark_numeric_columns(table)

    images = main.find_all("img")
    for image in images:
        if not image.has_attr("alt"):
            LOG.warning("%s: an image without alternative text", part.stem)
            image["alt"] = ""

    headings = [(int(tag.name[1]), tag["id"], _text(tag)) for tag in main.find_all(["h1", "h2"])]
    body = "".join(str(child) for child in main.children).strip() + "\n"
    return RenderedPart(part=part, manifest=manifest, body=body, headings=headings, anchors=anchors,
                        images=len(images))


# ----------------------------------------------------------------------------------------------------------------
# Fragments rendered ahead (helpers.publish.runner), and PDFs kept from the previous build
#
# Both are caches under build/<year>/ with the hashes of everything their content is a function of; a stale or
# damaged entry is never used, the work is then done again here. So a publication is the same with or without them.

FRAGMENT_FORMAT = 1


def _sha256_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _versions(*distributions: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in distributions:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=-")
    return " ".join(found)


_RENDERER: dict[str, str] = {}


def renderer_fingerprint() -> str:
    """SHA-256 over this module, the templates and the versions of the libraries that turn a notebook into HTML and
    HTML into a checked PDF: what a cached fragment or PDF also depends on besides its own inputs."""
    if "sha256" not in _RENDERER:
        files = [Path(__file__), *sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file())]
        text = "".join(f"{sha256_file(path)}  {path.relative_to(TEMPLATES_DIR.parent).as_posix()}\n" for path in files)
        text += _versions("nbconvert", "nbformat", "beautifulsoup4", "jinja2", "weasyprint", "pydyf", "fonttools",
                          "pypdf", "mistune", "pygments")
        _RENDERER["sha256"] = _sha256_bytes(text.encode("utf-8"))
    return _RENDERER["sha256"]


def _fragment_key(part: Part, notebook: Path, parts_dir: Path, resources_dir: Path) -> dict:
    manifest = Path(parts_dir) / part.stem / "manifest.json"
    return {"format": FRAGMENT_FORMAT, "part": {name: getattr(part, name) for name in Part.__dataclass_fields__},
            "notebook_sha256": sha256_file(notebook), "manifest_sha256": sha256_file(manifest) if manifest.is_file()
            else None, "resources_dir": str(resources_dir), "renderer": renderer_fingerprint()}


def render_fragment(part: Part, notebook: Path, parts_dir: Path, resources_dir: Path, exporter=None) -> RenderedPart:
    """A part's executed notebook as a report fragment (nbconvert, then process_fragment)."""
    html = notebook_html(notebook, exporter, resources_dir=resources_dir, name=part.stem)
    return process_fragment(html, part, load_manifest(parts_dir, part))


def store_fragment(year: int, stem: str, notebook: Path, parts_dir: Path, root: Path,
                   report_yml: Path | None = None) -> Path | None:
    """Render part `stem` of `year` from its executed `notebook` and store it in build/<year>/fragments/<stem>.json
    (under `root`) with the hashes it depends on. None (and no file) when the notebook is not a part of report.yml or
    cannot be published; helpers.publish.assemble then says why."""
    report_yml = Path(report_yml or Path(root) / "notebooks" / "report.yml")
    target = Path(root) / "build" / str(year) / "fragments" / f"{stem}.json"
    target.unlink(missing_ok=True)
    part = next((part for part in load_parts(report_yml) if part.stem == stem), None)
    if part is None:
        return None
    try:
        rendered = render_fragment(part, Path(notebook), Path(parts_dir), report_yml.parent)
    except PublishError as error:
        LOG.warning("%s: no fragment (%s)", stem, error)
        return None
    save_fragment(target, rendered, _fragment_key(part, Path(notebook), Path(parts_dir), report_yml.parent))
    return target


def save_fragment(target: Path, rendered: RenderedPart, key: dict) -> None:
    """Write a rendered part with its key (atomically: a reader sees the old file or the new one)."""
    document = {"key": key, "body": rendered.body, "headings": [list(heading) for heading in rendered.headings],
                "anchors": [[kind, code, anchor] for (kind, code), anchor in sorted(rendered.anchors.items())],
                "images": rendered.images}
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(temporary, target)


def load_fragment(fragments_dir: Path | None, part: Part, notebook: Path, parts_dir: Path, resources_dir: Path,
                  manifest: dict) -> RenderedPart | None:
    """The stored fragment of `part`, when it was made from exactly these inputs with this renderer; else None."""
    if fragments_dir is None:
        return None
    path = Path(fragments_dir) / f"{part.stem}.json"
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("key") != json.loads(json.dumps(_fragment_key(part, notebook, parts_dir, resources_dir))):
            return None
        return RenderedPart(part=part, manifest=manifest, body=document["body"],
                            headings=[(int(level), anchor, text) for level, anchor, text in document["headings"]],
                            anchors={(kind, str(code)): anchor for kind, code, anchor in document["anchors"]},
                            images=int(document["images"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        LOG.warning("%s: stored fragment not used (%s)", path, error)
        return None


# ----------------------------------------------------------------------------------------------------------------
# Pages


def css_string(text: str) -> str:
    """A CSS string literal (for the running header in @page), safe inside <style>."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return '"' + escaped + '"'


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                                     keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    environment.filters["css_string"] = lambda text: markupsafe.Markup(css_string(str(text)))  # noqa: S704
    return environment


def _report_title(year: int) -> str:
    return f"{REPORT_TITLE} {year}"


def _colophon(year: int, synthetic: bool) -> str:
    data = "synthetische vervanger van de enquêtegegevens" if synthetic else "enquêtegegevens van de flitspeiling"
    return (f"{_report_title(year)}. {AUTHORS_NOTE}. Deze uitgave is automatisch opgebouwd uit de {data} met "
            "helpers.publish.assemble; de gegevens bij elke figuur staan in de webversie (onder de figuur) en in het "
            "tabellenboek.")


def _colophon_view(provenance: Provenance | None) -> dict | None:
    """What templates/colophon.html.j2 shows of the provenance (None: the colophon text only)."""
    if provenance is None:
        return None
    return {"commit": provenance.git.commit, "dirty": provenance.git.dirty, "data": provenance.data.text,
            "parameters": provenance.parameters, "inputs_sha256": provenance.inputs_sha256,
            "groups": provenance.groups()}


def _common(year: int, synthetic: bool, provenance: Provenance | None = None) -> dict:
    return {
        "css": CSS_FILE.read_text(encoding="utf-8") + "\n" + COLOPHON_CSS_FILE.read_text(encoding="utf-8"),
        "provenance": _colophon_view(provenance),
        "report_title": _report_title(year),
        "running_title": f"{AUTHORS} • {_report_title(year)}",
        "subtitle": SUBTITLE,
        "authors": AUTHORS,
        "cover_note": COVER_NOTE,
        "description": f"{SUBTITLE}. {AUTHORS_NOTE}.",
        "synthetic": synthetic,
        "colophon": _colophon(year, synthetic),
    }


def render_part_page(rendered: RenderedPart, year: int, synthetic: bool, previous: RenderedPart | None = None,
                     following: RenderedPart | None = None, provenance: Provenance | None = None) -> str:
    def link(other: RenderedPart | None) -> dict | None:
        return None if other is None else {"href": f"{other.part.stem}.html", "title": other.part.heading}

    context = _common(year, synthetic, provenance)
    context.update(page_title=f"{rendered.part.heading} | {_report_title(year)}",
                   part={"slug": rendered.part.slug, "kind": rendered.part.kind, "body": rendered.body,
                         "has_notice": any(mark in rendered.body for mark in NOTICE_MARKERS)},
                   previous=link(previous), next=link(following))
    return _environment().get_template("chapter.html.j2").render(context)


def _bijlage_b(rendered: Sequence[RenderedPart]) -> dict:
    groups = []
    for kind in ("figuur", "tabel"):
        entries = [{"label": item_label(item), "title": item["title"], "anchor": part.anchors[(kind, item_code(item))]}
                   for part in rendered for item in part.manifest.get("items", []) if item["kind"] == kind]
        if entries:
            groups.append({"id": f"bijlage-b-{KIND_GROUP_TITLES[kind].lower()}", "title": KIND_GROUP_TITLES[kind],
                           "items": entries})
    return {"title": BIJLAGE_B_TITLE, "groups": groups}


def render_report_page(rendered: Sequence[RenderedPart], year: int, synthetic: bool,
                       provenance: Provenance | None = None) -> str:
    """The whole report: cover, contents, every part in order, Bijlage B and the colophon."""
    bijlage_b = _bijlage_b(rendered)
    contents = [{"level": level, "id": anchor, "text": text} for part in rendered for level, anchor, text in part.headings]
    contents.append({"level": 1, "id": "bijlage-b-overzicht", "text": BIJLAGE_B_TITLE})
    contents += [{"level": 2, "id": group["id"], "text": group["title"]} for group in bijlage_b["groups"]]
    contents.append({"level": 1, "id": COLOPHON_ID, "text": "Colofon"})
    context = _common(year, synthetic, provenance)
    context.update(page_title=_report_title(year), parts=[{"slug": part.part.slug, "kind": part.part.kind,
                                                           "body": part.body} for part in rendered],
                   contents=contents, bijlage_b=bijlage_b)
    return _environment().get_template("report.html.j2").render(context)


_EXTERNAL_RESOURCE = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object|track)\b[^>]*?\b(?:src|href|data|srcset)\s*=\s*"
    r"[\"']?\s*(?:https?:)?//", re.IGNORECASE)
_CSS_EXTERNAL = re.compile(r"(?:@import|url\()\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)


def external_resources(html: str) -> list[str]:
    """Every place where the page would load something from elsewhere (scripts, styles, images, frames)."""
    found = [match.group(0) for match in _EXTERNAL_RESOURCE.finditer(html)]
    found += [match.group(0) for match in _CSS_EXTERNAL.finditer(html)]
    return found


# ----------------------------------------------------------------------------------------------------------------
# PDF


def write_pdf(html: str, target: Path, base_url: Path | None = None) -> int:
    """Render the HTML (print media) to an A4 PDF with WeasyPrint; returns the number of pages.

    Tagged PDF/UA-1 (PDF_VARIANT): a structure tree with the figures' alternative text, /MarkInfo, XMP metadata
    with pdfuaid:part 1, bookmarks from the headings; title and language come from <title> and <html lang>. The PDF
    has no creation or modification date and its /ID is the MD5 of its content (not random), so the same HTML gives
    the same bytes.
    """
    try:
        import weasyprint
    except OSError as error:  # the Python package is there but the system's Pango is not
        raise PublishError(f"WeasyPrint cannot load Pango ({error}); install the Debian packages libpango-1.0-0 "
                           "libpangoft2-1.0-0 fonts-dejavu-core (make system-packages)") from error
    document = weasyprint.HTML(string=html, base_url=str(base_url or target.parent)).render()
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


def _pdf_key(html: str, items: list[dict], check: bool) -> str:
    """What a checked PDF is a function of: the HTML, the manifest items it was checked against, the renderer."""
    items_text = json.dumps(items, ensure_ascii=False, sort_keys=True)
    return _sha256_bytes(f"{renderer_fingerprint()}\n{PDF_VARIANT}\n{int(check)}\n{items_text}\n{html}".encode())


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

    A PDF whose key (_pdf_key: the HTML, its items, the renderer; not the system's fonts or Pango, so after changing
    those: make report-clean) is in `cache_dir` is copied from there, the others
    are rendered by `jobs` processes (forked, longest document first) and, once checked, kept in `cache_dir`; entries
    of the cache no document used are removed. Raises PublishError with every problem found. Returns per name: pages,
    seconds and whether the PDF was reused.
    """
    jobs = jobs or default_jobs()
    keys = {name: _pdf_key(html, items, check) for name, html, items in documents}
    results: dict[str, dict] = {}
    todo = []
    for name, html, items in documents:
        cached = Path(cache_dir) / f"{keys[name]}.pdf" if cache_dir is not None else None
        info = cached.with_suffix(".json") if cached is not None else None
        if cached is not None and cached.is_file() and info.is_file():
            try:
                recorded = json.loads(info.read_text(encoding="utf-8"))
                if recorded.get("sha256") == sha256_file(cached):
                    shutil.copyfile(cached, directory / f"{name}.pdf")
                    results[name] = {"pages": int(recorded["pages"]), "seconds": 0.0, "problems": [], "reused": True}
                    LOG.info("%s.pdf: %d pages, the same as in the previous build", name, results[name]["pages"])
                    continue
            except (OSError, ValueError, KeyError, TypeError):
                pass
        todo.append((name, html, items))
    todo.sort(key=lambda document: -len(document[1]))  # the longest first: it bounds the wall-clock time
    if jobs > 1 and len(todo) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {name: pool.submit(_render_pdf, name, html, directory / f"{name}.pdf", items, check)
                       for name, html, items in todo}
            for name, future in futures.items():
                results[name] = future.result()
    else:
        for name, html, items in todo:
            results[name] = _render_pdf(name, html, directory / f"{name}.pdf", items, check)
    problems = [problem for name, _, _ in documents for problem in results[name]["problems"]]
    if problems:
        raise PublishError("; ".join(problems))
    if cache_dir is not None:
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        for name, _, _ in todo:
            cached = cache_dir / f"{keys[name]}.pdf"
            shutil.copyfile(directory / f"{name}.pdf", cached)
            cached.with_suffix(".json").write_text(json.dumps({"pages": results[name]["pages"],
                                                               "sha256": sha256_file(cached)}), encoding="utf-8")
        used = {f"{key}{suffix}" for key in keys.values() for suffix in (".pdf", ".json")}
        for path in cache_dir.iterdir():
            if path.name not in used:
                path.unlink(missing_ok=True)
    return {name: results[name] for name, _, _ in documents}


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


@dataclass
class PdfContents:
    text: str
    pages: int
    figures: list[str]  # the alternative text of every image (PNG or SVG), in order

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
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    figures: list[str] = []
    tree = reader.trailer["/Root"].get("/StructTreeRoot")
    if tree is not None:
        _struct_figures(tree, figures)
    else:
        for page in reader.pages:
            resources = page.get("/Resources")
            drawn = _images_drawn(page.get_contents(), resources.get_object() if resources is not None else {}, reader)
            figures += [""] * drawn
    return PdfContents(text=text, pages=len(reader.pages), figures=figures)


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
    return problems


# ----------------------------------------------------------------------------------------------------------------
# Tabellenboek and cijfers.csv


def _natural(value: str) -> list:
    return [int(piece) if piece.isdigit() else piece.casefold() for piece in re.split(r"(\d+)", value or "")]


def _cell_value(text: str):
    if text is None:
        return None
    stripped = text.strip()
    if stripped == "":
        return None
    if re.fullmatch(r"[-+]?\d+", stripped):
        return int(stripped)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", stripped):
        return float(stripped)
    return text


# The tidy columns of helpers.analysis.tables, with Dutch headers for the tabellenboek; labels first, then the numbers, then
# the codes. Other columns keep their name and come last; columns without any value are left out.
TABLE_HEADERS = {"item_label": "Onderdeel", "answer_label": "Antwoord", "group_label": "Groep", "count": "Aantal",
                 "n": "Basis (n)", "pct": "Percentage", "item": "Onderdeel (code)", "answer": "Antwoord (code)",
                 "group": "Groep (code)", "question": "Vraag (code)"}


def readable_table(path: Path) -> list[list[str]]:
    """A table CSV of the parts as the tabellenboek shows it: Dutch headers, readable columns first, empty ones out."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise PublishError(f"{path}: empty")
    header, body = rows[0], rows[1:]
    filled = [index for index in range(len(header)) if any(index < len(row) and row[index].strip() for row in body)]
    if not {"count", "pct"} <= set(header):  # not a helpers.analysis.tables table: shown as it is
        return [[header[index] for index in filled]] + [[row[index] if index < len(row) else "" for index in filled]
                                                        for row in body]
    known = [header.index(name) for name in TABLE_HEADERS if name in header and header.index(name) in filled]
    # A code column identical to its label column says nothing new.
    for code, label in (("item", "item_label"), ("answer", "answer_label"), ("group", "group_label")):
        if code in header and label in header and header.index(label) in filled:
            same = all(row[header.index(code)] == row[header.index(label)] for row in body)
            if same and header.index(code) in known:
                known.remove(header.index(code))
    order = known + [index for index in filled if index not in known and header[index] not in TABLE_HEADERS]
    return [[TABLE_HEADERS.get(header[index], header[index]) for index in order]] + \
           [[row[index] if index < len(row) else "" for index in order] for row in body]


def _sheet_names(entries: Sequence[tuple[Part, dict]]) -> list[str]:
    labels = [item_label(item) for _, item in entries]
    names = []
    for (part, item), label in zip(entries, labels, strict=True):
        name = label if labels.count(label) == 1 else f"{KIND_LABELS[item['kind']]} {part.number or part.slug}.{item_code(item)}"
        names.append(re.sub(r"[\[\]:*?/\\]", "-", name)[:31])
    if len(set(names)) != len(names):
        raise PublishError("two figures or tables would get the same sheet name: " + ", ".join(sorted(names)))
    return names


def write_tabellenboek(entries: Sequence[tuple[Part, dict]], parts_dir: Path, target: Path, year: int,
                       synthetic: bool) -> list[str]:
    """One sheet per figure/table (title, question, base, notice, then the full table), an index sheet first.
    Returns the sheet names. The file is normalised to be byte-identical from build to build."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    title_font = Font(bold=True, size=13)
    header_fill = PatternFill("solid", fgColor="E8F0F6")
    notice_fill = PatternFill("solid", fgColor="FFF4D6")
    names = _sheet_names(entries)

    workbook = Workbook()
    index = workbook.active
    index.title = "Index"
    index["A1"] = f"Tabellenboek {_report_title(year)}"
    index["A1"].font = title_font
    index["A2"] = f"{AUTHORS_NOTE}. Elk blad bevat één figuur of tabel uit het rapport met de vraag, de basis, " \
                  "aantallen en percentages."
    row = 3
    if synthetic:
        index.cell(row=row, column=1, value=SYNTHETIC_NOTICE).font = bold
        index.cell(row=row, column=1).fill = notice_fill
        row += 1
    row += 1
    headers = ("Blad", "Hoofdstuk", "Titel", "Vraag", "Basis")
    for column, header in enumerate(headers, start=1):
        cell = index.cell(row=row, column=column, value=header)
        cell.font, cell.fill = bold, header_fill
    for name, (part, item) in zip(names, entries, strict=True):
        row += 1
        cell = index.cell(row=row, column=1, value=name)
        cell.hyperlink = f"#'{name}'!A1"
        cell.style = "Hyperlink"
        index.cell(row=row, column=2, value=part.heading)
        index.cell(row=row, column=3, value=item["title"])
        index.cell(row=row, column=4, value=item.get("question"))
        index.cell(row=row, column=5, value=item.get("base"))
    for column, width in zip("ABCDE", (12, 28, 60, 60, 8), strict=True):
        index.column_dimensions[column].width = width

    for name, (part, item) in zip(names, entries, strict=True):
        sheet = workbook.create_sheet(name)
        sheet["A1"] = f"{name}. {item['title']}"
        sheet["A1"].font = title_font
        lines = [("Hoofdstuk", part.heading), ("Vraag", item.get("question")), ("Basis", item.get("base"))]
        row = 1
        for label, value in lines:
            if value in (None, ""):
                continue
            row += 1
            sheet.cell(row=row, column=1, value=label).font = bold
            sheet.cell(row=row, column=2, value=value)
        if synthetic:
            row += 1
            sheet.cell(row=row, column=1, value=SYNTHETIC_NOTICE).font = bold
            sheet.cell(row=row, column=1).fill = notice_fill
        row += 2
        csv_name = item.get("csv") or f"tables/{item['kind']}_{item_code(item)}.csv"
        table_path = Path(parts_dir) / part.stem / csv_name
        if not table_path.is_file():
            raise PublishError(f"{table_path}: not found ({name} of {part.stem})")
        table = readable_table(table_path)
        header_row = row
        widths: dict[int, int] = {}
        for offset, values in enumerate(table):
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=header_row + offset, column=column,
                                  value=value if offset == 0 else _cell_value(value))
                if offset == 0:
                    cell.font, cell.fill = bold, header_fill
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif table[0][column - 1] == TABLE_HEADERS["pct"] and isinstance(cell.value, float):
                    cell.number_format = "0.0"
                widths[column] = max(widths.get(column, 8), min(len(str(value)) + 2, 60))
        widths[1] = max(widths.get(1, 8), 12)
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)

    workbook.properties.title = f"Tabellenboek {_report_title(year)}"
    workbook.properties.creator = "helpers.publish.assemble"
    workbook.properties.language = "nl"
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    normalise_xlsx(target)
    return ["Index", *names]


def write_cijfers(parts: Sequence[Part], parts_dir: Path, target: Path) -> int:
    """All parts' cijfers.csv in one file: the columns of CIJFERS_COLUMNS, duplicate rows once, sorted by table
    (natural order: figuur_2 before figuur_10), item, group and answer. Returns the number of rows."""
    rows: set[tuple[str, ...]] = set()
    for part in parts:
        path = Path(parts_dir) / part.stem / "cijfers.csv"
        if not path.is_file():
            if part.kind == "chapter":
                raise PublishError(f"{path}: not found (chapter {part.stem})")
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in CIJFERS_COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise PublishError(f"{path}: columns missing: {', '.join(missing)}")
            rows.update(tuple(record[column] or "" for column in CIJFERS_COLUMNS) for record in reader)
    ordered = sorted(rows, key=lambda record: (_natural(record[0]), _natural(record[1]), _natural(record[2]),
                                               _natural(record[7]), record))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CIJFERS_COLUMNS)
    writer.writerows(ordered)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return len(ordered)


# ----------------------------------------------------------------------------------------------------------------
# The whole publication


@dataclass
class Paths:
    """Where one wave's inputs and outputs are."""

    year: int
    report_yml: Path
    notebooks_dir: Path  # the executed notebooks
    parts_dir: Path
    reports_dir: Path  # the publication: reports/<year>
    staging_dir: Path
    root: Path | None = None  # the build root (--root): the colophon shows paths relative to it
    fragments_dir: Path | None = None  # fragments stored by helpers.publish.runner (None: render every part here)
    pdf_cache_dir: Path | None = None  # checked PDFs of the previous build by HTML hash (None: render every PDF)

    @classmethod
    def for_year(cls, year: int, root: Path = REPO_ROOT) -> Paths:
        build = root / "build" / str(year)
        return cls(year=year, report_yml=root / "notebooks" / "report.yml", notebooks_dir=build / "notebooks",
                   parts_dir=build / "parts", reports_dir=root / "reports" / str(year), staging_dir=build / "staging",
                   root=root, fragments_dir=build / "fragments", pdf_cache_dir=build / "pdf-cache")


def whole_report_name(year: int) -> str:
    return f"flitspeiling_{year}"


@contextlib.contextmanager
def publication_lock(target: Path):
    """Hold an exclusive lock on `target`'s swap (file .<name>.lock next to it): `make report` replaces
    reports/<year>/ and `make factsheets` replaces reports/<year>/factsheets/, possibly at once under make -j."""
    import fcntl

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _swap_into_place(staging: Path, target: Path, lock: bool = True) -> None:
    """Replace `target` by `staging` with two renames; on failure the previous target is put back. The folders of
    CARRIED_OVER_DIRS move from the previous target into the new one. `lock=False`: the caller holds the lock."""
    with publication_lock(target) if lock else contextlib.nullcontext():
        _swap_unlocked(staging, target)


def _swap_unlocked(staging: Path, target: Path) -> None:
    for name in CARRIED_OVER:
        if (target / name).is_file() and not (staging / name).exists():
            shutil.copy2(target / name, staging / name)
    target.parent.mkdir(parents=True, exist_ok=True)
    if staging.stat().st_dev != target.parent.stat().st_dev:  # renames cannot cross file systems: copy next to it
        nearby = target.with_name(f".{target.name}.staging")
        if nearby.exists():
            shutil.rmtree(nearby)
        shutil.copytree(staging, nearby)
        shutil.rmtree(staging)
        staging = nearby
    previous = staging.with_name(staging.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        os.replace(target, previous)
    try:
        os.replace(staging, target)
    except OSError:
        if previous.exists():
            os.replace(previous, target)
        raise
    for name in CARRIED_OVER_DIRS:
        if (previous / name).is_dir() and not (target / name).exists():
            os.replace(previous / name, target / name)
    shutil.rmtree(previous, ignore_errors=True)


def _write_manifest(directory: Path, year: int, provenance: Provenance | None = None) -> None:
    """reports/<year>/MANIFEST, written last: every file of the publication with its SHA-256 and size.

    Format (UTF-8, "\\n" line ends): comment lines starting with "# " first: the title line, this format, then the
    provenance (``commit: <sha> [(met niet-vastgelegde wijzigingen)]``, ``parameters: name=value ...``, ``data:
    synthetic|real/unknown|inconsistent|unknown``, ``inputs: <SHA-256 over the colophon's list of input files>``) and
    the files not written by helpers.publish.assemble (``carried over: datakwaliteit.html``). Then one line per file in the
    directory except MANIFEST, sorted by name: ``<sha256, 64 hex>  <bytes, right-aligned in 9>  <name>``. Check with
    ``grep -v '^#' MANIFEST | awk '{print $1 "  " $3}' | sha256sum -c``.
    """
    files = sorted(path for path in directory.iterdir() if path.is_file() and path.name != "MANIFEST")
    lines = [f"# {_report_title(year)}: published files (sha256, bytes, name)",
             "# Format: '# ' comment lines, then per file: <sha256>  <bytes, right-aligned in 9>  <name>, sorted by "
             "name; check: grep -v '^#' MANIFEST | awk '{print $1 \"  \" $3}' | sha256sum -c"]
    lines += [f"# {line}" for line in (provenance.manifest_lines() if provenance is not None else [])]
    carried = [path.name for path in files if path.name in CARRIED_OVER]
    if carried:
        lines.append(f"# carried over (written by make data, not by helpers.publish.assemble): {', '.join(carried)}")
    lines += [f"{sha256_file(path)}  {path.stat().st_size:>9}  {path.name}" for path in files]
    (directory / "MANIFEST").write_text("\n".join(lines) + "\n", encoding="utf-8")


def publish(paths: Paths, pdf: bool = True, check: bool = True, jobs: int | None = None) -> dict:
    """Build every output of one wave in the staging directory, check it, then move it into reports/<year>/.

    The chapters' fragments come from build/<year>/fragments when helpers.publish.runner stored them from the same
    inputs (else they are rendered here); the PDFs are rendered and checked by `jobs` processes (default
    `default_jobs()`), and a PDF of exactly the same HTML is taken from build/<year>/pdf-cache (`paths.pdf_cache_dir`).
    Returns a summary: files written, pages per PDF and seconds per document.
    """
    started = time.perf_counter()
    parts = load_parts(paths.report_yml)
    manifests = {part.stem: load_manifest(paths.parts_dir, part) for part in parts}
    flags = {manifest.get("synthetic") for manifest in manifests.values()} - {None}
    synthetic = True in flags
    for part in parts:
        year = manifests[part.stem].get("year")
        if year is not None and int(year) != paths.year:
            raise PublishError(f"{paths.parts_dir / part.stem}/manifest.json is of {year}, not {paths.year}")

    provenance = collect_provenance(
        paths.year, report_yml=paths.report_yml, parts_dir=paths.parts_dir, root=paths.root,
        notebooks=[paths.notebooks_dir / f"{part.stem}.ipynb" for part in parts],
        chapter_notebooks=[paths.report_yml.parent / f"{part.stem}.ipynb" for part in parts],
        reported_synthetic=synthetic if flags else None)
    for problem in provenance.problems:
        LOG.warning("colophon: %s", problem)

    staging = paths.staging_dir
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)

    exporter = None
    rendered: list[RenderedPart] = []
    reused: list[str] = []
    resources_dir = paths.report_yml.parent
    for part in parts:
        notebook = paths.notebooks_dir / f"{part.stem}.ipynb"
        if not notebook.is_file():
            raise PublishError(f"{notebook}: not found; the chapter was not executed (make report)")
        fragment = load_fragment(paths.fragments_dir, part, notebook, paths.parts_dir, resources_dir,
                                 manifests[part.stem])
        if fragment is None:
            exporter = exporter or _exporter()
            html = notebook_html(notebook, exporter, resources_dir=resources_dir, name=part.stem)
            fragment = process_fragment(html, part, manifests[part.stem])
            if paths.fragments_dir is not None:  # for the next assembly (e.g. after the publishing code changed)
                save_fragment(Path(paths.fragments_dir) / f"{part.stem}.json", fragment,
                              _fragment_key(part, notebook, paths.parts_dir, resources_dir))
        else:
            reused.append(part.stem)
        rendered.append(fragment)
    LOG.info("fragments: %d of %d as stored by helpers.publish.runner", len(reused), len(parts))

    summary: dict = {"year": paths.year, "synthetic": synthetic, "documents": {}, "provenance": provenance.to_dict()}
    documents: list[tuple[str, str, list[dict]]] = []  # (name, html, items), in the order of the report

    def emit(name: str, html: str, items: list[dict]) -> None:
        problems = external_resources(html)
        if problems:
            raise PublishError(f"{name}.html would load from elsewhere: {problems[:3]}")
        (staging / f"{name}.html").write_text(html, encoding="utf-8")
        documents.append((name, html, items))

    for index, part in enumerate(rendered):
        previous = rendered[index - 1] if index > 0 else None
        following = rendered[index + 1] if index + 1 < len(rendered) else None
        emit(part.part.stem, render_part_page(part, paths.year, synthetic, previous, following, provenance),
             part.manifest.get("items", []))
    whole = whole_report_name(paths.year)
    all_items = [item for part in rendered for item in part.manifest.get("items", [])]
    emit(whole, render_report_page(rendered, paths.year, synthetic, provenance), all_items)

    pages: dict[str, int] = {}
    if pdf:
        results = write_pdfs(documents, staging, check=check, jobs=jobs, cache_dir=paths.pdf_cache_dir)
        for name, _, _ in documents:
            pages[name] = results[name]["pages"]
            summary["documents"][name] = {"pages": results[name]["pages"], "seconds": results[name]["seconds"],
                                          "reused": results[name]["reused"]}

    entries = [(part.part, item) for part in rendered for item in part.manifest.get("items", [])]
    summary["sheets"] = write_tabellenboek(entries, paths.parts_dir, staging / "tabellenboek.xlsx", paths.year,
                                           synthetic)
    summary["cijfers_rows"] = write_cijfers(parts, paths.parts_dir, staging / "cijfers.csv")

    for name in CARRIED_OVER:
        if (paths.reports_dir / name).is_file():
            shutil.copy2(paths.reports_dir / name, staging / name)
    extras = [{"href": "datakwaliteit.html", "title": "Datakwaliteit: hoe de antwoorden zijn opgeschoond"}
              for name in CARRIED_OVER if (staging / name).is_file()]
    context = _common(paths.year, synthetic)
    context.update(page_title=_report_title(paths.year),
                   whole={"html": f"{whole}.html", "pdf": f"{whole}.pdf" if pdf else None, "pages": pages.get(whole)},
                   parts=[{"title": part.part.heading, "html": f"{part.part.stem}.html",
                           "pdf": f"{part.part.stem}.pdf" if pdf else None, "pages": pages.get(part.part.stem)}
                          for part in rendered],
                   tabellenboek="tabellenboek.xlsx", cijfers="cijfers.csv", extras=extras)
    (staging / "index.html").write_text(_environment().get_template("index.html.j2").render(context), encoding="utf-8")
    if pdf and check:  # MANIFEST marks a complete, checked publication (make's target): not without PDFs or checks
        _write_manifest(staging, paths.year, provenance)

    _swap_into_place(staging, paths.reports_dir)
    summary["files"] = sorted(path.name for path in paths.reports_dir.iterdir())
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.assemble",
                                     description="Publish one wave: HTML, PDF, tabellenboek and cijfers in reports/<year>/.")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this repository)")
    parser.add_argument("--report-yml", type=Path, help="list of parts (default: notebooks/report.yml)")
    parser.add_argument("--notebooks-dir", type=Path, help="executed notebooks (default: build/<year>/notebooks)")
    parser.add_argument("--parts-dir", type=Path, help="parts written by the notebooks (default: build/<year>/parts)")
    parser.add_argument("--out", type=Path, help="publication directory (default: reports/<year>)")
    parser.add_argument("--no-pdf", action="store_true",
                        help="HTML, tabellenboek and cijfers only (a draft: no MANIFEST, so make builds it again)")
    parser.add_argument("--no-check", action="store_true",
                        help="skip the check of the PDFs' text and images (a draft: no MANIFEST)")
    parser.add_argument("--jobs", type=int, help="processes rendering the PDFs (default: FLITSPEILING_PDF_JOBS, else "
                                                 "the CPUs available, at most 4)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    paths = Paths.for_year(args.year, args.root)
    for attribute, value in (("report_yml", args.report_yml), ("notebooks_dir", args.notebooks_dir),
                             ("parts_dir", args.parts_dir), ("reports_dir", args.out)):
        if value is not None:
            setattr(paths, attribute, value)
    try:
        summary = publish(paths, pdf=not args.no_pdf, check=not args.no_check, jobs=args.jobs)
    except PublishError as error:
        print(f"error: {error}\nreports/{args.year}/ was left as it was; the partial build is in {paths.staging_dir}",
              file=sys.stderr)
        return 1
    documents = ", ".join(f"{name} {info['pages']} p. " + ("reused" if info["reused"] else f"{info['seconds']} s")
                          for name, info in summary["documents"].items())
    print(f"published {paths.reports_dir}: {len(summary['files'])} files in {summary['seconds']} s"
          f"{'; synthetic data' if summary['synthetic'] else ''}" + (f"\n  PDF: {documents}" if documents else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
