"""The batch build (``make factsheets``): notebooks/factsheet.ipynb executed once per municipality in one long-lived
kernel per worker (helpers.publish.runner's KernelSession and parameterised), each executed notebook rendered as
HTML (helpers.factsheets.pages) and PDF, everything built in a staging folder and swapped in only when all succeeded,
with INDEX.csv for the researcher."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import PROCESSED_DIR, REPO_ROOT
from helpers.core.reproducible import sha256_file
from helpers.factsheets.data import FactsheetError, comparison_group, participants, resolve_municipality, wave_data
from helpers.factsheets.pages import NOTEBOOK, notebook_body, render_page
from helpers.publish.fragments import html_exporter
from helpers.publish.pages import external_resources
from helpers.publish.pdf import write_pdf
from helpers.publish.runner import KernelSession, load_notebook, parameterised
from helpers.publish.swap import publication_lock, swap_into_place

INDEX_COLUMNS = ("code", "name", "wave", "size_class", "comparison_group", "html", "pdf", "pages", "sha256_html",
                 "sha256_pdf")



def slug(name: str) -> str:
    """An ASCII file-name part: "Súdwest-Fryslân" -> "sudwest-fryslan", "'s-Gravenhage" -> "s-gravenhage"."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "gemeente"


def file_stem(code: str, name: str) -> str:
    return f"{code}_{slug(name)}"


@dataclass
class BuildSettings:
    year: int
    processed_dir: Path
    staging: Path
    notebooks_dir: Path
    notebook: Path = NOTEBOOK
    pdf: bool = True
    timeout: int = 300


@dataclass
class BuiltFactsheet:
    code: str
    name: str
    size_class: str
    comparison_group: str
    html: str
    pdf: str
    pages: int
    seconds: dict = field(default_factory=dict)  # execute, html, pdf


def build_one(kernel: KernelSession, template, exporter, settings: BuildSettings, code: str) -> BuiltFactsheet:
    import nbformat

    row = resolve_municipality(code, settings.year, settings.processed_dir)
    name = str(row["name"])
    stem = file_stem(code, name)
    seconds = {}
    begin = time.perf_counter()
    nb = parameterised(template, {"year": settings.year, "municipality": code,
                                  "processed_dir": str(settings.processed_dir)})
    try:
        executed = kernel.execute(nb)
    except Exception:
        nbformat.write(nb, settings.notebooks_dir / f"{stem}.failed.ipynb")  # the build log with the failing cell
        raise
    notebook_path = settings.notebooks_dir / f"{stem}.ipynb"
    nbformat.write(executed, notebook_path)
    seconds["execute"] = time.perf_counter() - begin
    begin = time.perf_counter()
    group = comparison_group(wave_data(settings.year, settings.processed_dir).responses,
                             None if pd.isna(row["size_class"]) else str(row["size_class"]))
    page = render_page(notebook_body(notebook_path, exporter), name, settings.year,
                       wave_data(settings.year, settings.processed_dir).synthetic)
    problems = external_resources(page)
    if problems:
        raise FactsheetError(f"{stem}.html would load from elsewhere: {problems[:3]}")
    (settings.staging / f"{stem}.html").write_text(page, encoding="utf-8")
    seconds["html"] = time.perf_counter() - begin
    pages = 0
    if settings.pdf:
        begin = time.perf_counter()
        pages = write_pdf(page, settings.staging / f"{stem}.pdf", base_url=settings.staging)
        seconds["pdf"] = time.perf_counter() - begin
    return BuiltFactsheet(code=code, name=name, size_class="" if pd.isna(row["size_class"]) else str(row["size_class"]),
                          comparison_group="+".join(group.classes), html=f"{stem}.html",
                          pdf=f"{stem}.pdf" if settings.pdf else "", pages=pages, seconds=seconds)


def _worker(settings: BuildSettings, codes: list[str]) -> tuple[list[BuiltFactsheet], str, dict]:
    """Build `codes` in one kernel; returns (built, error message or "", start-up seconds)."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    begin = time.perf_counter()
    template = load_notebook(settings.notebook)
    exporter = html_exporter()
    kernel = KernelSession(settings.notebook.parent, settings.timeout)
    startup = {"startup": time.perf_counter() - begin}
    built: list[BuiltFactsheet] = []
    try:
        for code in codes:
            try:
                built.append(build_one(kernel, template, exporter, settings, code))
            except Exception as error:  # noqa: BLE001 - reported with the municipality, the build stops
                message = str(error)
                if hasattr(error, "ename"):  # nbclient's CellExecutionError
                    message = f"{error.ename}: {error.evalue}"
                return built, f"{code}: {message}", startup
    finally:
        kernel.shutdown()
    return built, "", startup


def write_index(built: Sequence[BuiltFactsheet], directory: Path, year: int) -> Path:
    """INDEX.csv for the researcher (not public): one row per factsheet, sorted by code, with file hashes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for item in sorted(built, key=lambda b: b.code):
        writer.writerow([item.code, item.name, year, item.size_class, item.comparison_group, item.html, item.pdf,
                         item.pages, sha256_file(directory / item.html),
                         sha256_file(directory / item.pdf) if item.pdf else ""])
    path = directory / "INDEX.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the workers, and through them their kernels): a figure
    that, unlike the wall time, hardly depends on what else the machine is doing."""
    import resource

    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def build_factsheets(year: int, out_dir: Path, *, processed_dir: Path | str = PROCESSED_DIR,
                     codes: Sequence[str] | None = None, jobs: int = 2, pdf: bool = True,
                     build_dir: Path | None = None, notebook: Path = NOTEBOOK) -> dict:
    """Build the factsheets of `codes` (default: every identified participant of `year`) into `out_dir`.

    Built in build_dir/staging (default build/<year>/factsheets) and moved into `out_dir` only when all succeeded (a
    failed build leaves the previous factsheets in place). Returns a summary with per-factsheet timings."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    processed_dir = Path(processed_dir).resolve()
    out_dir = Path(out_dir).resolve()
    everyone = participants(year, processed_dir)
    if codes is None:
        codes = list(everyone["code"])
    else:
        codes = [str(resolve_municipality(code, year, processed_dir)["code"]) for code in codes]
    build_dir = Path(build_dir or REPO_ROOT / "build" / str(year) / "factsheets").resolve()
    staging = build_dir / "staging"
    notebooks_dir = build_dir / "notebooks"
    for directory in (staging, notebooks_dir):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    settings = BuildSettings(year=int(year), processed_dir=processed_dir, staging=staging,
                             notebooks_dir=notebooks_dir, notebook=Path(notebook), pdf=pdf)
    jobs = max(1, min(int(jobs), len(codes)))
    shares = [list(codes[index::jobs]) for index in range(jobs)]
    built: list[BuiltFactsheet] = []
    errors: list[str] = []
    startups: list[float] = []
    if jobs == 1:
        results = [_worker(settings, shares[0])]
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_worker, [settings] * jobs, shares))
    for done, error, startup in results:
        built += done
        startups.append(startup["startup"])
        if error:
            errors.append(error)
    if errors:
        raise FactsheetError(f"factsheet build failed ({'; '.join(errors)}); the executed notebooks are in "
                             f"{notebooks_dir}; {out_dir} was not changed")
    write_index(built, staging, year)
    with publication_lock(out_dir.parent):  # the same lock as make report's swap of reports/<year>/
        swap_into_place(staging, out_dir, lock=False)
    seconds = time.perf_counter() - started
    timings = pd.DataFrame([item.seconds for item in built])
    summary = {"year": int(year), "count": len(built), "seconds": round(seconds, 2), "jobs": jobs,
               "cpu_seconds": round(_cpu_seconds() - cpu_started, 1),
               "startup_seconds": [round(s, 2) for s in startups],
               "mean_seconds": {column: round(float(timings[column].mean()), 3) for column in timings.columns},
               "pages": int(sum(item.pages for item in built)), "out": str(out_dir)}
    (build_dir / "timing.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return summary

