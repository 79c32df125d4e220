"""The factsheet page around an executed factsheet notebook: helpers.publish.assemble's page template and CSS with the
factsheet's own (templates/factsheet.html.j2, factsheet.css) and the confidential marking."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO_ROOT, TEMPLATES_DIR
from helpers.factsheets.texts import TITLE, confidential_text, page_title
from helpers.publish.fragments import notebook_html, process_fragment
from helpers.publish.pages import NOTICE_MARKERS, common_context, template_environment
from helpers.publish.parts import Part

NOTEBOOK = REPO_ROOT / "notebooks" / "factsheet.ipynb"


def _css() -> str:
    return (TEMPLATES_DIR / "factsheet.css").read_text(encoding="utf-8")


def render_page(body_html: str, name: str, year: int, synthetic: bool) -> str:
    """The factsheet page: helpers.publish.assemble's page template and CSS, the confidential marking in the title, in a
    banner and in the PDF's running header; no link to the report."""
    context = common_context(year, synthetic)
    context.update(css=context["css"] + "\n" + _css(), page_title=page_title(name, year),
                   running_title=confidential_text(name),
                   description=f"{confidential_text(name)}. {TITLE} Factsheet bij de flitspeiling {year}.",
                   confidential=confidential_text(name), body=body_html,
                   has_notice=any(mark in body_html for mark in NOTICE_MARKERS))
    return template_environment().get_template("factsheet.html.j2").render(context)


def notebook_body(notebook: Path, exporter) -> str:
    """The executed factsheet notebook as an HTML fragment (helpers.publish.assemble.notebook_html and process_fragment)."""
    part = Part(stem="factsheet", slug="fs", number=None, title=TITLE, kind="appendix")
    page = notebook_html(notebook, exporter, resources_dir=NOTEBOOK.parent)
    return process_fragment(page, part, {"items": []}).body

