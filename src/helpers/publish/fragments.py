"""A part's executed notebook as an HTML fragment of the report, and the fragments stored ahead of the assembly.

`notebook_html` renders an executed notebook with nbconvert in the report's template (no code, no prompts);
`process_fragment` turns that page into a fragment with report-wide unique ids, its headings and an anchor on every
figure and table of the part's manifest.

helpers.publish.runner renders each chapter's fragment right after running it (`store_fragment`, into
``build/<year>/fragments/<NN_slug>.json`` with the hashes it was made from); helpers.publish.assemble takes it from there
(`load_fragment`) only when it was made from the same executed notebook, manifest and renderer
(helpers.publish.renderer), else it renders the part again.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from helpers import TEMPLATES_DIR
from helpers.core.reproducible import sha256_file
from helpers.publish.manifests import item_code, item_label, load_manifest
from helpers.publish.parts import Part, PublishError, load_parts
from helpers.publish.renderer import renderer_fingerprint

LOG = logging.getLogger(__name__)

NBCONVERT_TEMPLATE = "flitspeiling"
FRAGMENT_FORMAT = 1

# ----------------------------------------------------------------------------------------------------------------
# Notebook -> HTML fragment


def html_exporter(*, chapter: bool = True):
    """nbconvert's HTML exporter in the report's template: no code, no prompts. For a chapter (the default) also
    images embedded and tagged cells and outputs out; with chapter=False exactly ``jupyter nbconvert --to html
    --no-input --template flitspeiling`` (the data-quality appendix, a page of its own; its template drops the cells
    tagged remove_cell)."""
    # nbconvert and nbformat are heavy and imported when used: an assembly whose fragments were all stored ahead by
    # helpers.publish.runner never needs them.
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = NBCONVERT_TEMPLATE
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    if chapter:
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
    exporter = exporter or html_exporter()
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
    used: set[str] = set()  # the ids given so far
    _prefix_ids(main, part.slug, used)
    _ensure_headings(soup, main, part, used)
    anchors = _anchor_items(main, part, manifest, used)
    _wrap_tables(soup, main)
    images = _require_alt_text(main, part.stem)
    headings = [(int(tag.name[1]), tag["id"], _text(tag)) for tag in main.find_all(["h1", "h2"])]
    body = "".join(str(child) for child in main.children).strip() + "\n"
    return RenderedPart(part=part, manifest=manifest, body=body, headings=headings, anchors=anchors, images=images)


def _unique_id(base: str, used: set[str]) -> str:
    """`base`, else `base-2`, `base-3`, ...: the first one not in `used`, which is added to it."""
    candidate, counter = base, 2
    while candidate in used:
        candidate, counter = f"{base}-{counter}", counter + 1
    used.add(candidate)
    return candidate


def _prefix_ids(main: Tag, slug: str, used: set[str]) -> None:
    """Every id becomes "<slug>-<ASCII slug of the id>" (unique in the report); nbconvert's cell ids are dropped and
    the page's own links follow the new ids."""
    renamed: dict[str, str] = {}
    for tag in main.find_all(id=True):
        old = tag["id"]
        if old.startswith("cell-id="):
            del tag["id"]
            continue
        new = _unique_id(f"{slug}-{_ascii_slug(old)}", used)
        renamed.setdefault(old, new)
        tag["id"] = new
    for link in main.find_all("a", href=True):
        href = link["href"]
        if href.startswith("#") and href[1:] in renamed:
            link["href"] = "#" + renamed[href[1:]]


def _ensure_headings(soup: BeautifulSoup, main: Tag, part: Part, used: set[str]) -> None:
    """A part without h1 gets its heading from report.yml (more than one h1 is logged); every heading gets an id."""
    h1s = main.find_all("h1")
    if not h1s:
        heading = soup.new_tag("h1")
        heading.string = part.heading
        main.insert(0, heading)
    elif len(h1s) > 1:
        LOG.warning("%s: %d h1 headings; a part should have one (its title)", part.stem, len(h1s))
    for heading in main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        if not heading.get("id"):
            heading["id"] = _unique_id(f"{part.slug}-{_ascii_slug(_text(heading))}", used)


def _anchor_items(main: Tag, part: Part, manifest: dict, used: set[str]) -> dict[tuple[str, str], str]:
    """The id ``<slug>-<kind>-<number>`` on the caption (or block) of every figure and table of the manifest, links
    to its old id following; returns (kind, code) -> id. A listed item the page does not show is an error."""
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
    return anchors


def _wrap_tables(soup: BeautifulSoup, main: Tag) -> None:
    """Every table in a sideways-scrolling wrapper (marked "table-short" when it fits on a page), numbers marked."""
    for table in main.find_all("table"):
        parent = table.parent
        if not (isinstance(parent, Tag) and "table-scroll" in parent.get("class", [])):
            parent = table.wrap(soup.new_tag("div", attrs={"class": "table-scroll"}))
        if len(table.find_all("tr")) <= SHORT_TABLE_ROWS:  # kept on one page in print
            parent["class"] = [*parent.get("class", []), "table-short"]
        _mark_numeric_columns(table)


def _require_alt_text(main: Tag, stem: str) -> int:
    """An image without alternative text is logged and gets an empty one (decorative); returns the number of images."""
    images = main.find_all("img")
    for image in images:
        if not image.has_attr("alt"):
            LOG.warning("%s: an image without alternative text", stem)
            image["alt"] = ""
    return len(images)


# ----------------------------------------------------------------------------------------------------------------
# Fragments stored ahead by helpers.publish.runner (a cache: see helpers.publish.renderer)


def fragment_key(part: Part, notebook: Path, parts_dir: Path, resources_dir: Path) -> dict:
    """What a stored fragment is a function of: the part, its executed notebook and manifest, the renderer."""
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
    save_fragment(target, rendered, fragment_key(part, Path(notebook), Path(parts_dir), report_yml.parent))
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
        if document.get("key") != json.loads(json.dumps(fragment_key(part, notebook, parts_dir, resources_dir))):
            return None
        return RenderedPart(part=part, manifest=manifest, body=document["body"],
                            headings=[(int(level), anchor, text) for level, anchor, text in document["headings"]],
                            anchors={(kind, str(code)): anchor for kind, code, anchor in document["anchors"]},
                            images=int(document["images"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        LOG.warning("%s: stored fragment not used (%s)", path, error)
        return None
