"""``reports/index.html``: the landing page that lists every wave built, with links to its report (HTML and PDF),
the wave's own index page, the tabellenboek, cijfers.csv, the data package, the data-quality appendix and the change
report (``make diff``) when present.

A wave counts as built when ``reports/<year>/MANIFEST`` exists (the assembly writes it last). The page is a pure
function of what is in ``reports/`` (no dates, sorted), self-contained and accessible like every page. Written by
``make report`` / ``make all-waves`` (the Makefile's target ``reports/index.html`` depends on the waves' MANIFESTs) and
by ``make diff``::

    python -m helpers.publish.index [--reports reports]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import REPO_ROOT
from helpers.publish.changes import CHANGES_CSV, CHANGES_HTML
from helpers.publish.datapackage import DATAPACKAGE_NAME
from helpers.publish.pages import REPORT_TITLE, common_context, template_environment

LANDING_PAGE = "index.html"
# The files of a wave the landing page links to when present: (file name, link text, what it is).
WAVE_FILES = (
    ("flitspeiling_{year}.html", "Rapport", "het hele rapport als webpagina"),
    ("flitspeiling_{year}.pdf", "PDF", "het hele rapport als PDF"),
    ("index.html", "Per hoofdstuk", "elk hoofdstuk apart, als webpagina en PDF"),
    ("tabellenboek.xlsx", "Tabellenboek", "Excel: elke figuur en tabel op een eigen blad"),
    ("cijfers.csv", "Cijfers", "CSV: elk getal in het rapport, met labels en eenheid"),
    (DATAPACKAGE_NAME, "Databeschrijving", "JSON: Frictionless Data Package van de cijfers en de verwerkte gegevens"),
    ("datakwaliteit.html", "Datakwaliteit", "hoe de antwoorden zijn opgeschoond"),
    (CHANGES_HTML, "Wijzigingen", "wat veranderde ten opzichte van de vorige bouw (make diff)"),
    (CHANGES_CSV, "Wijzigingen (CSV)", "de gewijzigde getallen als tabel"),
)


def built_waves(reports_dir: Path) -> list[dict]:
    """Every wave in `reports_dir` with a MANIFEST, newest first: its year, whether it is synthetic and its links."""
    waves = []
    for folder in sorted(Path(reports_dir).glob("[0-9][0-9][0-9][0-9]"), reverse=True):
        manifest = folder / "MANIFEST"
        if not manifest.is_file():
            continue
        year = int(folder.name)
        links = [{"href": f"{year}/{name.format(year=year)}", "text": text, "what": what}
                 for name, text, what in WAVE_FILES if (folder / name.format(year=year)).is_file()]
        waves.append({"year": year, "title": f"{REPORT_TITLE} {year}", "links": links,
                      "synthetic": "# data: synthetic" in manifest.read_text(encoding="utf-8")})
    return waves


def render_landing(reports_dir: Path) -> str:
    waves = built_waves(reports_dir)
    context = common_context(waves[0]["year"] if waves else 0, any(wave["synthetic"] for wave in waves))
    context.update(page_title=REPORT_TITLE, title=REPORT_TITLE, waves=waves)
    return template_environment().get_template("landing.html.j2").render(context)


def write_landing(reports_dir: Path) -> Path:
    """Write reports/index.html; returns its path."""
    target = Path(reports_dir) / LANDING_PAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_landing(reports_dir), encoding="utf-8", newline="\n")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.index", description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, default=REPO_ROOT / "reports")
    args = parser.parse_args(argv)
    target = write_landing(args.reports)
    print(f"{target}: {len(built_waves(args.reports))} waves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
