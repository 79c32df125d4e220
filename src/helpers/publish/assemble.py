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
  contents, summary, chapters 1-5, Bijlage A, Bijlage B = list of figures and tables, Bijlage C = the questions no
  chapter shows, colophon);
- ``tabellenboek.xlsx`` (an index sheet, then one sheet per figure and table) and ``cijfers.csv`` (all numbers);
- ``index.html`` (links to all of the above) and ``MANIFEST`` (sha256 and size of every file, written last; its
  format is described in helpers.publish.swap.write_manifest).

The whole report and every chapter page end with a colophon ("Colofon", templates/colophon.html.j2): the git commit,
the parameters, whether the data is the synthetic stand-in and the SHA-256 of every input file (helpers.publish.provenance).
A part's page lists its own inputs (helpers.publish.pages.part_provenance: of the report's notebooks only its own, and
for the summary the chapters' too); the whole report lists all. So an edited chapter changes its own PDF, the
summary's and the whole report's, and the other chapters' PDFs are taken from the cache.

`preview` (``--preview STEM``, ``make preview NB=STEM``) renders one part's page exactly as the report will show it
(same fragment, template, navigation and colophon) into ``build/<year>/preview/<stem>.html``, without the other parts,
the PDFs or the swap: what a researcher looks at right after editing a chapter.

Everything is built in a staging directory and moved into ``reports/<year>/`` only when all of it succeeded, so a
failed build leaves the previous publication as it was. Files in ``reports/<year>/`` made by other steps
(``datakwaliteit.html`` from ``make data``) are carried over.

HTML pages contain no code, load nothing from elsewhere (no scripts, images are data URIs, the CSS is inlined) and are
byte-identical from build to build. PDFs are rendered from the same HTML by WeasyPrint in this process as tagged
PDF/UA-1 (title, language, bookmarks from the headings, alternative text of figures in the structure tree), and
checked: every figure and table caption of the manifests must be in the PDF's text and the number of images must equal
the number of figures. tests/test_reproducible_build.py builds the 2023 report twice and compares every file.

This module is the orchestration (`publish`) and the command line; the steps live in the modules next to it:
helpers.publish.manifests (the parts' figures and tables), .fragments (notebook -> HTML fragment, and the fragments
stored ahead by helpers.publish.runner), .pages (the HTML pages), .pdf (PDFs rendered, checked and cached),
.tabellenboek (tabellenboek.xlsx and cijfers.csv), .swap (the lock, the atomic swap and the MANIFEST) and
.renderer (what the caches depend on).

Command line (used by ``make report``)::

    python -m helpers.publish.assemble --year 2023 [--no-pdf] [--no-check] [--jobs N]
    python -m helpers.publish.assemble --year 2023 --preview 03_inhoud
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from helpers import REPO_ROOT
from helpers.publish import runs
from helpers.publish.fragments import (
    RenderedPart,
    fragment_key,
    html_exporter,
    load_fragment,
    notebook_html,
    process_fragment,
    save_fragment,
)
from helpers.publish.manifests import load_manifest
from helpers.publish.pages import (
    external_resources,
    part_notebooks,
    part_provenance,
    render_index_page,
    render_part_page,
    render_report_page,
)
from helpers.publish.parts import Part, PublishError, load_parts
from helpers.publish.pdf import start_pdfs
from helpers.publish.provenance import Provenance
from helpers.publish.provenance import collect as collect_provenance
from helpers.publish.swap import CARRIED_OVER, swap_into_place, write_manifest

LOG = logging.getLogger("helpers.publish.assemble")

# The page of the files carried over (CARRIED_OVER) in the index page.
CARRIED_OVER_LINK = {"href": "datakwaliteit.html", "title": "Datakwaliteit: hoe de antwoorden zijn opgeschoond"}


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
    # Refuse parts that are not what the recorded build run of their notebook wrote (helpers.publish.runs); on for
    # the build (for_year), off for parts assembled by hand (test fixtures).
    require_runs: bool = False

    @classmethod
    def for_year(cls, year: int, root: Path = REPO_ROOT) -> Paths:
        build = root / "build" / str(year)
        return cls(year=year, report_yml=root / "notebooks" / "report.yml", notebooks_dir=build / "notebooks",
                   parts_dir=build / "parts", reports_dir=root / "reports" / str(year), staging_dir=build / "staging",
                   root=root, fragments_dir=build / "fragments", pdf_cache_dir=build / "pdf-cache", require_runs=True)


def whole_report_name(year: int) -> str:
    """The file name (without suffix) of the whole report: flitspeiling_<year>."""
    return f"flitspeiling_{year}"


def publish(paths: Paths, pdf: bool = True, check: bool = True, jobs: int | None = None) -> dict:
    """Build every output of one wave in the staging directory, check it, then move it into reports/<year>/.

    The chapters' fragments come from build/<year>/fragments when helpers.publish.runner stored them from the same
    inputs (else they are rendered here); the PDFs are rendered and checked by `jobs` processes (default
    `default_jobs()`), and a PDF of exactly the same HTML is taken from build/<year>/pdf-cache (`paths.pdf_cache_dir`).
    Returns a summary: files written, pages per PDF and seconds per document.
    """
    # Imported here, not at the top: they bring pandas, openpyxl and frictionless (about 1.8 s), which the preview of
    # one page (`preview`, the edit loop) does not need.
    from helpers.publish import consistency
    from helpers.publish.datapackage import DATAPACKAGE_LINK, DATAPACKAGE_NAME, write_datapackage
    from helpers.publish.tabellenboek import standard_entries, write_cijfers, write_tabellenboek

    started = time.perf_counter()
    parts = load_parts(paths.report_yml)
    if paths.require_runs:
        _check_runs(paths, parts)
    manifests, reported_synthetic = _read_manifests(paths, parts)
    provenance = collect_provenance(
        paths.year, report_yml=paths.report_yml, parts_dir=paths.parts_dir, root=paths.root,
        notebooks=[paths.notebooks_dir / f"{part.stem}.ipynb" for part in parts],
        chapter_notebooks=[paths.report_yml.parent / f"{part.stem}.ipynb" for part in parts],
        reported_synthetic=reported_synthetic)
    for problem in provenance.problems:
        LOG.warning("colophon: %s", problem)
    synthetic = bool(reported_synthetic)
    staging = paths.staging_dir
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)

    rendered = _render_parts(paths, parts, manifests)
    documents = _write_pages(rendered, paths.year, synthetic, provenance, staging)
    summary: dict = {"year": paths.year, "synthetic": synthetic, "documents": {}, "provenance": provenance.to_dict()}
    pages: dict[str, int] = {}
    # The PDFs render in worker processes while this one checks the claims and writes the tables (on two cores the
    # whole report's PDF alone takes longer than all the rest).
    pending = start_pdfs(documents, staging, check=check, jobs=jobs, cache_dir=paths.pdf_cache_dir) if pdf else None
    try:
        consistency.check(paths.parts_dir, paths.report_yml)  # one claim, one wording: no contradicting report
        entries = [(part.part, item) for part in rendered for item in part.manifest.get("items", [])]
        summary["sheets"] = write_tabellenboek(entries, paths.parts_dir, staging / "tabellenboek.xlsx", paths.year,
                                               synthetic, standard_entries(parts, paths.parts_dir))
        summary["cijfers_rows"] = write_cijfers(parts, paths.parts_dir, staging / "cijfers.csv", paths.report_yml)
        write_datapackage(staging / DATAPACKAGE_NAME, paths.year, staging / "cijfers.csv")
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise
    if pending is not None:
        results = pending.finish()
        for name, _, _ in documents:
            pages[name] = results[name]["pages"]
            summary["documents"][name] = {"pages": results[name]["pages"], "seconds": results[name]["seconds"],
                                          "reused": results[name]["reused"]}

    for name in CARRIED_OVER:
        if (paths.reports_dir / name).is_file():
            shutil.copy2(paths.reports_dir / name, staging / name)
    extras = [DATAPACKAGE_LINK, *(CARRIED_OVER_LINK for name in CARRIED_OVER if (staging / name).is_file())]
    index = render_index_page(rendered, paths.year, synthetic, whole_report_name(paths.year), pdf, pages, extras)
    (staging / "index.html").write_text(index, encoding="utf-8")
    if pdf and check:  # MANIFEST marks a complete, checked publication (make's target): not without PDFs or checks
        write_manifest(staging, paths.year, provenance)

    swap_into_place(staging, paths.reports_dir)
    summary["files"] = sorted(path.name for path in paths.reports_dir.iterdir())
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def _check_runs(paths: Paths, parts: list[Part]) -> None:
    """Every part must be exactly what the build's run of its notebook wrote; else nothing is published."""
    problems = [problem for part in parts for problem in runs.check_parts(paths.notebooks_dir, paths.parts_dir, part.stem)]
    if problems:
        stems = sorted({problem.split(":", 1)[0] for problem in problems})
        raise PublishError(
            "the parts in " + str(paths.parts_dir) + " are not what make's runs of the notebooks wrote:\n  "
            + "\n  ".join(problems) + "\nProbably a run outside make (JupyterLab, papermill by hand) wrote there. "
            "Fix: let make run those notebooks again: rm " + " ".join(
                str(paths.notebooks_dir / f"{stem}.ipynb") for stem in stems) + f" && make report YEAR={paths.year}")


def _read_manifests(paths: Paths, parts: list[Part]) -> tuple[dict[str, dict], bool | None]:
    """Every part's manifest (by stem), each checked to be of this wave, and whether they report synthetic data: True
    when any does, False when some say so and none says True, None when none says either."""
    manifests = {part.stem: load_manifest(paths.parts_dir, part) for part in parts}
    for part in parts:
        year = manifests[part.stem].get("year")
        if year is not None and int(year) != paths.year:
            raise PublishError(f"{paths.parts_dir / part.stem}/manifest.json is of {year}, not {paths.year}")
    flags = {manifest.get("synthetic") for manifest in manifests.values()} - {None}
    return manifests, (True in flags) if flags else None


def _render_parts(paths: Paths, parts: list[Part], manifests: dict[str, dict]) -> list[RenderedPart]:
    """Every part as a fragment: as helpers.publish.runner stored it when made from the same inputs, else rendered
    here from its executed notebook (and stored for the next assembly)."""
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
            exporter = exporter or html_exporter()
            html = notebook_html(notebook, exporter, resources_dir=resources_dir, name=part.stem)
            fragment = process_fragment(html, part, manifests[part.stem])
            if paths.fragments_dir is not None:  # for the next assembly (e.g. after the publishing code changed)
                save_fragment(Path(paths.fragments_dir) / f"{part.stem}.json", fragment,
                              fragment_key(part, notebook, paths.parts_dir, resources_dir))
        else:
            reused.append(part.stem)
        rendered.append(fragment)
    LOG.info("fragments: %d of %d as stored by helpers.publish.runner", len(reused), len(parts))
    return rendered


def _write_pages(rendered: list[RenderedPart], year: int, synthetic: bool, provenance: Provenance,
                 staging: Path) -> list[tuple[str, str, list[dict]]]:
    """The page of every part and of the whole report in `staging`, each checked to load nothing from elsewhere.
    Returns the documents (name, html, items) in the order of the report, for the PDFs."""
    documents: list[tuple[str, str, list[dict]]] = []

    def emit(name: str, html: str, items: list[dict]) -> None:
        problems = external_resources(html)
        if problems:
            raise PublishError(f"{name}.html would load from elsewhere: {problems[:3]}")
        (staging / f"{name}.html").write_text(html, encoding="utf-8")
        documents.append((name, html, items))

    parts = [part.part for part in rendered]
    for part in rendered:
        emit(part.part.stem, _part_page(part, parts, year, synthetic, provenance, rendered),
             part.manifest.get("items", []))
    all_items = [item for part in rendered for item in part.manifest.get("items", [])]
    emit(whole_report_name(year), render_report_page(rendered, year, synthetic, provenance), all_items)
    return documents


def _part_page(rendered: RenderedPart, parts: list[Part], year: int, synthetic: bool, provenance: Provenance,
               report: list[RenderedPart]) -> str:
    """The page of one part as the report publishes it: between its neighbours in `parts`, with its own colophon and
    its cross-references to the other parts of `report`."""
    index = parts.index(rendered.part)
    previous = parts[index - 1] if index > 0 else None
    following = parts[index + 1] if index + 1 < len(parts) else None
    own = part_provenance(provenance, part_notebooks(rendered.part, parts), {f"{part.stem}.ipynb" for part in parts})
    return render_part_page(rendered, year, synthetic, previous, following, own, report)


def preview(paths: Paths, stem: str) -> Path:
    """One part's page as the report will publish it, in build/<year>/preview/<stem>.html (next to the staging
    directory); reports/<year>/ is not touched. Needs only that part's build run: the synthetic flag and the colophon's
    parameters come from the parts built so far (in a build they are the same for all)."""
    parts = load_parts(paths.report_yml)
    part = next((part for part in parts if part.stem == stem), None)
    if part is None:
        raise PublishError(f"{stem}: not a notebook of {paths.report_yml} (there: {', '.join(p.stem for p in parts)})")
    if paths.require_runs:
        _check_runs(paths, [part])
    built = [other for other in parts if other == part or (paths.parts_dir / other.stem / "manifest.json").is_file()]
    manifests, reported_synthetic = _read_manifests(paths, built)
    provenance = collect_provenance(
        paths.year, report_yml=paths.report_yml, parts_dir=paths.parts_dir, root=paths.root,
        notebooks=[paths.notebooks_dir / f"{other.stem}.ipynb" for other in built],
        chapter_notebooks=[paths.report_yml.parent / f"{other.stem}.ipynb" for other in parts],
        reported_synthetic=reported_synthetic)
    # Every built part is rendered (from the fragment cache) so that cross-references to them resolve as published.
    report = _render_parts(paths, built, manifests)
    rendered = next(other for other in report if other.part == part)
    html = _part_page(rendered, parts, paths.year, bool(reported_synthetic), provenance, report)
    problems = external_resources(html)
    if problems:
        raise PublishError(f"{stem}.html would load from elsewhere: {problems[:3]}")
    target = paths.staging_dir.parent / "preview" / f"{stem}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target


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
    parser.add_argument("--preview", metavar="STEM",
                        help="only the page of this part (e.g. 03_inhoud), as the report will show it, in "
                             "build/<year>/preview/<STEM>.html")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    paths = Paths.for_year(args.year, args.root)
    for attribute, value in (("report_yml", args.report_yml), ("notebooks_dir", args.notebooks_dir),
                             ("parts_dir", args.parts_dir), ("reports_dir", args.out)):
        if value is not None:
            setattr(paths, attribute, value)
    # Parts from elsewhere (--parts-dir: assembled by hand) have no build runs to check against.
    paths.require_runs = args.parts_dir is None
    if args.preview:
        try:
            page = preview(paths, args.preview)
        except PublishError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"preview: {page}")
        return 0
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
