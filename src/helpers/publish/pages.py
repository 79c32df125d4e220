"""The report's HTML pages from the rendered parts: a page per part, the whole report, the index page.

Pages are rendered with the Jinja templates in src/helpers/templates (chapter.html.j2, report.html.j2, index.html.j2;
the colophon, colophon.html.j2, ends the whole report and every part's page). The CSS is inlined, images are data
URIs and `external_resources` finds anything a page would load from elsewhere, so a page stands on its own and is
byte-identical from build to build.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePosixPath

import jinja2
import markupsafe

from helpers import TEMPLATES_DIR
from helpers.publish.fragments import NBCONVERT_TEMPLATE, RenderedPart
from helpers.publish.manifests import item_code, item_label
from helpers.publish.parts import Part, PublishError
from helpers.publish.provenance import Provenance
from helpers.report.text import CROSS_REFERENCE_PREFIX

CSS_FILE = TEMPLATES_DIR / NBCONVERT_TEMPLATE / "static" / "report.css"
COLOPHON_CSS_FILE = TEMPLATES_DIR / "colophon.css"
COLOPHON_ID = "colofon"  # the colophon's heading (templates/colophon.html.j2), listed last in the contents

REPORT_TITLE = "Flitspeiling VN-verdrag Handicap in gemeenten"
SUBTITLE = "Stand van zaken van de implementatie van het VN-verdrag Handicap in gemeenten"
AUTHORS = "Movisie & VNG"
AUTHORS_NOTE = "Vragenlijst en opzet van het rapport: Movisie & VNG"
COVER_NOTE = ("Movisie en VNG zijn de makers van de vragenlijst en van het oorspronkelijke rapport. Deze uitgave is "
              "automatisch opnieuw opgebouwd uit de enquêtegegevens.")
BIJLAGE_B_TITLE = "Bijlage B Overzicht figuren en tabellen"
BIJLAGE_B_LETTER = "B"
KIND_GROUP_TITLES = {"figuur": "Figuren", "tabel": "Tabellen"}
# A part that shows its own synthetic-data notice (helpers.report.chapter's Chapter.notice) gets no second one on its page.
NOTICE_MARKERS = ('class="fp-notice"', 'class="notice-synthetic"')


def css_string(text: str) -> str:
    """A CSS string literal (for the running header in @page), safe inside <style>."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return '"' + escaped + '"'


def template_environment() -> jinja2.Environment:
    """The page templates (src/helpers/templates), autoescaped, strict about undefined names, with `css_string`."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                                     keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    environment.filters["css_string"] = lambda text: markupsafe.Markup(css_string(str(text)))  # noqa: S704
    return environment


def report_title(year: int) -> str:
    """The title of one wave's report: "Flitspeiling VN-verdrag Handicap in gemeenten 2023"."""
    return f"{REPORT_TITLE} {year}"


def _colophon(year: int, synthetic: bool) -> str:
    data = "synthetische vervanger van de enquêtegegevens" if synthetic else "enquêtegegevens van de flitspeiling"
    return (f"{report_title(year)}. {AUTHORS_NOTE}. Deze uitgave is automatisch opgebouwd uit de {data}; de "
            "gegevens bij elke figuur staan in de webversie (onder de figuur) en in het tabellenboek.")


def _colophon_view(provenance: Provenance | None) -> dict | None:
    """What templates/colophon.html.j2 shows of the provenance (None: the colophon text only)."""
    if provenance is None:
        return None
    return {"commit": provenance.git.commit, "dirty": provenance.git.dirty, "data": provenance.data.text,
            "parameters": provenance.parameters, "inputs_sha256": provenance.inputs_sha256,
            "groups": provenance.groups()}


def common_context(year: int, synthetic: bool, provenance: Provenance | None = None) -> dict:
    """What every page template gets: CSS, titles, cover texts, the synthetic flag and the colophon."""
    return {
        "css": CSS_FILE.read_text(encoding="utf-8") + "\n" + COLOPHON_CSS_FILE.read_text(encoding="utf-8"),
        "provenance": _colophon_view(provenance),
        "report_title": report_title(year),
        "running_title": f"{AUTHORS} • {report_title(year)}",
        "subtitle": SUBTITLE,
        "authors": AUTHORS,
        "cover_note": COVER_NOTE,
        "description": f"{SUBTITLE}. {AUTHORS_NOTE}.",
        "synthetic": synthetic,
        "colophon": _colophon(year, synthetic),
    }


def part_notebooks(part: Part, parts: Sequence[Part]) -> set[str]:
    """The report notebooks (file names) a part is made from: its own, and for the summary also the chapters' (it
    is written from the key figures they registered)."""
    own = {f"{part.stem}.ipynb"}
    if part.kind == "summary":
        own |= {f"{other.stem}.ipynb" for other in parts if other.kind == "chapter"}
    return own


_CROSS_REFERENCE = re.compile(rf'<a href="#{CROSS_REFERENCE_PREFIX}(?P<part>\w+)(?:--(?P<section>[\w-]+))?">.*?</a>',
                              re.S)
_TAG = re.compile(r"<[^>]+>")


def _heading(part: RenderedPart, section: str) -> tuple[str, str] | None:
    """(id, text) of the heading of `part` whose id is "<slug>-[<number>-]<section>"; None when there is none."""
    pattern = re.compile(rf'<h([1-6])[^>]*\bid="{re.escape(part.part.slug)}-(?:\d+-)*{re.escape(section)}"[^>]*>'
                         r"(.*?)</h\1>", re.S)
    match = pattern.search(part.body)
    if match is None:
        return None
    anchor = re.search(r'\bid="([^"]+)"', match.group(0)).group(1)
    return anchor, " ".join(_TAG.sub("", match.group(2)).split())


def resolve_cross_references(body: str, rendered: Sequence[RenderedPart], page: str | None = None) -> str:
    """The cross-references of a part's body (helpers.report.text.cross_reference) as links with the real heading of
    their target as text: within the whole report (`page` None) to its anchor, on the page of part `page` (its stem)
    to the anchor on that page or on the target part's own page. A target the report does not have is an error."""
    parts = {part.part.slug: part for part in rendered}

    def link(match: re.Match) -> str:
        target, section = parts.get(match.group("part")), match.group("section")
        found = None if target is None else _heading(target, section) if section else ("", target.part.heading)
        if found is None:
            raise PublishError(f"a cross-reference points at {match.group('part')}{f' / {section}' if section else ''}"
                               " but the report has no such part or section; fix the reference or the heading")
        anchor, text = found
        if not section:  # a part: its section of the whole report (templates/report.html.j2), else its own page
            href = f"#{target.part.slug}" if page is None else f"{target.part.stem}.html"
        else:
            href = f"#{anchor}" if page in (None, target.part.stem) else f"{target.part.stem}.html#{anchor}"
        return f'<a class="cross-reference" href="{href}">{markupsafe.escape(text)}</a>'

    return _CROSS_REFERENCE.sub(link, body)


def part_provenance(provenance: Provenance, own: Collection[str], report_notebooks: Collection[str]) -> Provenance:
    """The provenance of one part's page: the whole report's, without the report notebooks (file names in
    `report_notebooks`) that are not among the part's `own`, both in the input files and in the uncommitted changes
    of the code. So each part's colophon lists its own inputs (the whole report lists all), and editing one chapter
    changes the colophon (and so the PDF) of that chapter, the summary and the whole report only."""
    others = set(report_notebooks) - set(own)

    def other_notebook(path: str) -> bool:
        posix = PurePosixPath(path)
        return posix.name in others and posix.parent.name == "notebooks"

    files = [item for item in provenance.files if not (item.group == "notebooks" and other_notebook(item.path))]
    changed = tuple(path for path in provenance.git.changed if not other_notebook(path))
    git = replace(provenance.git, dirty=bool(changed), changed=changed) if provenance.git.commit else provenance.git
    return replace(provenance, git=git, files=files)


def render_part_page(rendered: RenderedPart, year: int, synthetic: bool, previous: Part | None = None,
                     following: Part | None = None, provenance: Provenance | None = None,
                     report: Sequence[RenderedPart] = ()) -> str:
    """The page of one part, with links to the `previous` and the `following` part. `provenance`: the part's own
    (`part_provenance`); its cross-references point at the pages of the other parts of `report` (all parts)."""

    def link(other: Part | None) -> dict | None:
        return None if other is None else {"href": f"{other.stem}.html", "title": other.heading}

    context = common_context(year, synthetic, provenance)
    context.update(page_title=f"{rendered.part.heading} | {report_title(year)}",
                   part={"slug": rendered.part.slug, "kind": rendered.part.kind,
                         "body": resolve_cross_references(rendered.body, report or [rendered], rendered.part.stem),
                         "has_notice": any(mark in rendered.body for mark in NOTICE_MARKERS)},
                   previous=link(previous), next=link(following))
    return template_environment().get_template("chapter.html.j2").render(context)


def _bijlage_b(rendered: Sequence[RenderedPart]) -> dict:
    """Bijlage B: the figures, then the tables of all parts, each with a link to its anchor."""
    groups = []
    for kind in ("figuur", "tabel"):
        entries = [{"label": item_label(item), "title": item["title"], "anchor": part.anchors[(kind, item_code(item))]}
                   for part in rendered for item in part.manifest.get("items", []) if item["kind"] == kind]
        if entries:
            groups.append({"id": f"bijlage-b-{KIND_GROUP_TITLES[kind].lower()}", "title": KIND_GROUP_TITLES[kind],
                           "items": entries})
    return {"title": BIJLAGE_B_TITLE, "groups": groups}


def after_bijlage_b(part) -> bool:
    """Does the part come after the generated Bijlage B: an appendix labelled with a later letter ("Bijlage C")?"""
    match = re.fullmatch(r"Bijlage ([A-Z])", part.label.strip()) if part.kind == "appendix" else None
    return bool(match) and match.group(1) > BIJLAGE_B_LETTER


def render_report_page(rendered: Sequence[RenderedPart], year: int, synthetic: bool,
                       provenance: Provenance | None = None) -> str:
    """The whole report: cover, contents, every part in order with Bijlage B after Bijlage A (appendices labelled
    with a later letter, such as Bijlage C, follow it), and the colophon."""
    bijlage_b = _bijlage_b(rendered)
    before = [part for part in rendered if not after_bijlage_b(part.part)]
    after = [part for part in rendered if after_bijlage_b(part.part)]

    def headings(parts: Sequence[RenderedPart]) -> list[dict]:
        return [{"level": level, "id": anchor, "text": text} for part in parts for level, anchor, text in part.headings]

    def views(parts: Sequence[RenderedPart]) -> list[dict]:
        return [{"slug": part.part.slug, "kind": part.part.kind,
                 "body": resolve_cross_references(part.body, rendered)} for part in parts]

    contents = headings(before)
    contents.append({"level": 1, "id": "bijlage-b-overzicht", "text": BIJLAGE_B_TITLE})
    contents += [{"level": 2, "id": group["id"], "text": group["title"]} for group in bijlage_b["groups"]]
    contents += headings(after)
    contents.append({"level": 1, "id": COLOPHON_ID, "text": "Colofon"})
    context = common_context(year, synthetic, provenance)
    context.update(page_title=report_title(year), parts=views(before), parts_after=views(after),
                   contents=contents, bijlage_b=bijlage_b)
    return template_environment().get_template("report.html.j2").render(context)


_EXTERNAL_RESOURCE = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object|track)\b[^>]*?\b(?:src|href|data|srcset)\s*=\s*"
    r"[\"']?\s*(?:https?:)?//", re.IGNORECASE)
_CSS_EXTERNAL = re.compile(r"(?:@import|url\()\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)


def external_resources(html: str) -> list[str]:
    """Every place where the page would load something from elsewhere (scripts, styles, images, frames)."""
    found = [match.group(0) for match in _EXTERNAL_RESOURCE.finditer(html)]
    found += [match.group(0) for match in _CSS_EXTERNAL.finditer(html)]
    return found



def render_index_page(rendered: Sequence[RenderedPart], year: int, synthetic: bool, whole: str, pdf: bool,
                      pages: Mapping[str, int], extras: Sequence[Mapping[str, str]] = ()) -> str:
    """index.html: links to the whole report `whole` and every part (HTML, and the PDF with its number of `pages`
    when `pdf`), the tabellenboek, cijfers.csv and the `extras` (href, title) written by other steps."""
    context = common_context(year, synthetic)
    context.update(page_title=report_title(year),
                   whole={"html": f"{whole}.html", "pdf": f"{whole}.pdf" if pdf else None, "pages": pages.get(whole)},
                   parts=[{"title": part.part.heading, "html": f"{part.part.stem}.html",
                           "pdf": f"{part.part.stem}.pdf" if pdf else None, "pages": pages.get(part.part.stem)}
                          for part in rendered],
                   tabellenboek="tabellenboek.xlsx", cijfers="cijfers.csv", extras=list(extras))
    return template_environment().get_template("index.html.j2").render(context)
