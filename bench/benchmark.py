"""Benchmark of the report build (issue 6): what a researcher waits for, as seconds and as a multiple of the floor.

Measures, in this order, in one run (`make bench`, or ``.venv/bin/python bench/benchmark.py``):

1. the floor, each `--repeat` times (minimum and spread): a bare papermill command-line run of a one-cell notebook
   (``pass``) with the ``flitspeiling`` kernel, the same through ``python -m helpers.publish.runner`` (what the
   Makefile runs per chapter), one nbconvert command-line HTML export of that small executed notebook and one
   WeasyPrint command-line PDF of a small HTML page;
2. a cold ``make -j<jobs> data`` (data/processed moved aside; the new files are compared with the old ones byte for
   byte, and the old ones are put back when any differs) and a cold ``make -j<jobs> report`` for `--year` (processed
   data present, build/<year> and reports/<year> absent);
3. a no-op ``make -j<jobs> report`` (`--repeat` times);
4. ``make -j<jobs> all-waves`` from cold (build/<wave> and reports/<wave> of every wave absent);
5. ``make factsheets`` and ``make factsheets-full-response`` (when the Makefile has them, else "not available");
6. one chapter touched (mtime only) and ``make -j<jobs> report``;
7. one chapter really edited (a Markdown cell appended to `--chapter`) and ``make -j<jobs> report``;
8. the edit loop: that chapter edited again and ``make preview NB=<chapter>`` (its page as the report shows it), with
   the warm kernel server the previous build left running (helpers.publish.warm), when the Makefile has the target.

`--only floor,cold,edit,...` measures a subset (keys: floor, data, cold, noop, all-waves, factsheets, touch, edit, preview;
edit and preview need the build cold leaves, so cold is added when absent).

Researchers run ``make -j2`` (two cores here), so every build is timed with ``-j<jobs>`` (default 2). Each figure
is printed in seconds and as a ratio to the papermill floor, with the issue's target (PASS/MISS and the margin).

The researcher's work is left as it was: before the first build, build/<wave> and reports/<wave> of every wave are
moved aside to build/bench/saved/ (the data-quality appendix of `make data`, reports/<wave>/datakwaliteit.html, is
copied into the emptied folder, as `make data` left it); the edited notebook gets its original bytes and times
back; at the end (also after a failure or Ctrl-C) the builds made here are removed and the saved folders moved back.
data/processed is rebuilt only by the `data` measurement, and put back as it was when the rebuilt files differ (the
benchmark stops when it is missing: run `make data` first).

Output: a table in a fixed format on stdout, also written to build/bench/latest.txt and build/bench/latest.csv.
`--root DIR` runs the builds in another checkout (with PYTHONPATH=DIR/src, so its own helpers are used): that is
how the "before" figures of the README were measured, on a copy of main. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KERNEL = "flitspeiling"
# The chapter runner by layout: the layered package, and the flat one of checkouts before the restructuring.
RUNNER_MODULES = (("helpers.publish.runner", "publish/runner.py"), ("helpers.run_chapter", "run_chapter.py"))
# The targets of issues 6 and 12, in seconds, on this machine with the environment built.
TARGETS = {"cold": 20.0, "noop": 0.5, "edit": 8.0, "all-waves": 90.0, "preview": 4.0, "data": 15.0,
           "factsheets": 60.0}
# The same targets as multiples of the papermill floor measured in the same run (issue 12: machines differ).
RATIO_TARGETS = {"preview": 1.8, "edit": 3.6, "cold": 9.0, "all-waves": 40.0, "factsheets": 27.0, "data": 7.0}
MEASUREMENTS = ("floor", "data", "cold", "noop", "all-waves", "factsheets", "touch", "edit", "preview")
EDIT_MARKDOWN = "*Tijdelijke wijziging door bench/benchmark.py (wordt na de meting teruggezet).*"


@dataclass
class Figure:
    key: str
    label: str
    seconds: list[float] = field(default_factory=list)
    note: str = ""
    target: float | None = None
    available: bool = True
    cpu: list[float] = field(default_factory=list)  # CPU seconds (user + system) of every process, per run

    @property
    def best(self) -> float | None:
        return min(self.seconds) if self.seconds else None

    @property
    def spread(self) -> str:
        if len(self.seconds) < 2:
            return "n=1" if self.seconds else "-"
        return f"{min(self.seconds):.2f}-{max(self.seconds):.2f} (n={len(self.seconds)})"


class Bench:
    def __init__(self, root: Path, year: int, jobs: int, repeat: int, chapter: str, log: io.TextIOBase,
                 only: set[str] | None = None):
        self.root, self.year, self.jobs, self.repeat, self.chapter = root, year, jobs, repeat, chapter
        self.only = set(MEASUREMENTS) if only is None else set(only)
        self.log = log
        self.python = root / ".venv" / "bin" / "python"
        self.scratch = root / "build" / "bench"
        self.saved = self.scratch / "saved"
        self.env = dict(os.environ)
        if root.resolve() != REPO:
            self.env["PYTHONPATH"] = str(root / "src")
        self.env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        # The warm kernel server (helpers.publish.warm) stays up for the whole benchmark, so that the CPU of it and of
        # its kernels can be read after each build (warm_cpu); stopped at the end.
        self.env["FLITSPEILING_WARM_IDLE"] = "3600"
        self.figures: list[Figure] = []
        self.last_cpu = 0.0

    # -- running things ----------------------------------------------------------------------------------------

    def timed(self, command: list[str], check: bool = True) -> tuple[float, str]:
        """Run `command`; its wall-clock seconds and output. The CPU seconds of it and everything it started and
        waited for (make, chapters, kernels, PDF workers) go to self.last_cpu."""
        before, warm_before = resource.getrusage(resource.RUSAGE_CHILDREN), self.warm_cpu()
        begin = time.perf_counter()
        done = subprocess.run(command, cwd=self.root, env=self.env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - begin
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        # The kernels and runners forked by the warm server are not children of make (or of the runner's command).
        self.last_cpu += max(0.0, self.warm_cpu() - warm_before)
        output = done.stdout + done.stderr
        self.log.write(f"$ {' '.join(command)}  ({seconds:.2f} s, {self.last_cpu:.2f} s CPU, exit "
                       f"{done.returncode})\n{output}\n")
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed (exit {done.returncode}); see {self.scratch}/log.txt\n"
                               + output[-2000:])
        return seconds, output

    def warm_cpu(self) -> float:
        """CPU seconds so far of the warm kernel server (helpers.publish.warm) and the kernels it forked that ended;
        0 when there is none (or the checkout has none). A server started during a build outlives it (it ends when
        idle), so the difference over a build is what the build cost there."""
        if not (self.root / "src" / "helpers" / "publish" / "warm.py").is_file():
            return 0.0
        done = subprocess.run([str(self.python), "-m", "helpers.publish.warm", "usage"], cwd=self.root, env=self.env,
                              capture_output=True, text=True, check=False)
        try:
            return float(done.stdout.strip() or 0)
        except ValueError:
            return 0.0

    def stop_warm(self) -> None:
        """A cold start: no warm server left by an earlier build (its CPU is counted by then)."""
        if (self.root / "src" / "helpers" / "publish" / "warm.py").is_file():
            subprocess.run([str(self.python), "-m", "helpers.publish.warm", "stop"], cwd=self.root, env=self.env,
                           capture_output=True, check=False)
            time.sleep(0.5)

    def make(self, *targets: str, jobs: int | None = None) -> tuple[float, str]:
        return self.timed(["make", f"-j{jobs or self.jobs}", *targets, f"YEAR={self.year}"])

    def has_target(self, target: str) -> bool:
        done = subprocess.run(["make", "-n", *target.split()], cwd=self.root, env=self.env, capture_output=True, text=True,
                              check=False)
        return done.returncode == 0

    def add(self, key: str, label: str, seconds: list[float], note: str = "", available: bool = True,
            cpu: list[float] | None = None) -> Figure:
        figure = Figure(key, label, seconds, note, TARGETS.get(key), available,
                        cpu if cpu is not None else [self.last_cpu] * bool(seconds))
        self.figures.append(figure)
        return figure

    # -- the floor ---------------------------------------------------------------------------------------------

    def floor(self) -> None:
        directory = Path(tempfile.mkdtemp(prefix="floor-", dir=self.scratch))
        notebooks = directory / "notebooks"
        notebooks.mkdir()
        empty = notebooks / "empty.ipynb"
        empty.write_text(json.dumps({
            "cells": [{"cell_type": "code", "execution_count": None, "id": "floor", "metadata": {}, "outputs": [],
                       "source": ["pass"]}],
            "metadata": {"kernelspec": {"display_name": "Python (flitspeiling)", "language": "python",
                                        "name": KERNEL}},
            "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n", encoding="utf-8")
        page = directory / "small.html"
        page.write_text("<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Vloer</title></head>"
                        "<body><h1>Vloer</h1><p>Een korte pagina om de starttijd van WeasyPrint te meten.</p>"
                        "<table><tr><th>a</th><td>1</td></tr></table></body></html>\n", encoding="utf-8")
        bin_dir = self.root / ".venv" / "bin"
        runs: dict[str, list[tuple[float, float]]] = {"papermill": [], "runner": [], "html": [], "pdf": []}

        def run(kind: str, command: list[str]) -> None:
            seconds, _ = self.timed(command)
            runs[kind].append((seconds, self.last_cpu))

        for index in range(self.repeat):
            executed = directory / f"executed_{index}.ipynb"
            run("papermill", [str(bin_dir / "papermill"), "--log-level", "WARNING", "--no-progress-bar", "-k", KERNEL,
                              str(empty), str(executed)])
            runner = next((module for module, path in RUNNER_MODULES if (self.root / "src" / "helpers" / path).is_file()),
                          None)  # none in checkouts before issue 6
            if runner:
                run("runner", [str(self.python), "-m", runner, "--year", "1", "--root",
                               str(directory), "--no-fragment", str(empty)])
            run("html", [str(bin_dir / "jupyter-nbconvert"), "--log-level", "WARN", "--to", "html", "--output-dir",
                         str(directory), "--output", f"executed_{index}", str(executed)])
            run("pdf", [str(bin_dir / "weasyprint"), str(page), str(directory / "small.pdf")])
        for key, kind, label in (("floor", "papermill", "floor: papermill CLI, one-cell notebook"),
                                 ("floor-runner", "runner", "floor: helpers.publish.runner, same notebook"),
                                 ("floor-html", "html", "floor: nbconvert CLI, HTML export"),
                                 ("floor-pdf", "pdf", "floor: weasyprint CLI, small PDF")):
            self.add(key, label, [seconds for seconds, _ in runs[kind]], cpu=[cpu for _, cpu in runs[kind]],
                     note="" if runs[kind] else "not available (no helpers.publish.runner)", available=bool(runs[kind]))
        shutil.rmtree(directory, ignore_errors=True)

    # -- keeping the researcher's builds -----------------------------------------------------------------------

    def waves(self) -> list[int]:
        return sorted(int(path.stem) for path in (self.root / "data" / "codebook" / "waves").glob("*.yml")
                      if path.stem.isdigit())

    def set_aside(self, wave: int) -> None:
        """Move build/<wave> and reports/<wave> to build/bench/saved (once); leave reports/<wave> with the files
        `make data` wrote there. Later calls just empty them again (a cold start)."""
        for kind in ("build", "reports"):
            current, saved = self.root / kind / str(wave), self.saved / f"{kind}-{wave}"
            if not saved.exists() and current.exists():
                saved.parent.mkdir(parents=True, exist_ok=True)
                os.replace(current, saved)
            elif current.exists():
                shutil.rmtree(current)
        appendix = self.saved / f"reports-{wave}" / "datakwaliteit.html"
        if appendix.is_file():
            (self.root / "reports" / str(wave)).mkdir(parents=True, exist_ok=True)
            shutil.copy2(appendix, self.root / "reports" / str(wave) / "datakwaliteit.html")

    def restore(self) -> None:
        if not self.saved.is_dir():
            return
        for saved in sorted(self.saved.iterdir()):
            kind, wave = saved.name.split("-", 1)
            current = self.root / kind / wave
            if current.exists():
                shutil.rmtree(current)
            os.replace(saved, current)
        for wave in self.waves():  # what had no build before the benchmark: remove what it built
            for kind in ("build", "reports"):
                marker = self.scratch / f"absent-{kind}-{wave}"
                if marker.exists():
                    shutil.rmtree(self.root / kind / str(wave), ignore_errors=True)
                    marker.unlink()
        shutil.rmtree(self.saved, ignore_errors=True)

    def remember_absent(self) -> None:
        for wave in self.waves():
            for kind in ("build", "reports"):
                if not (self.root / kind / str(wave)).exists():
                    (self.scratch / f"absent-{kind}-{wave}").touch()

    # -- the builds --------------------------------------------------------------------------------------------

    def data(self) -> None:
        """A cold `make data`: data/processed moved aside, every wave cleaned again. The cleaning is deterministic,
        so the new files must equal the old ones byte for byte; when one differs (or the build fails) the old ones are
        put back and the figure says so."""
        processed = self.root / "data" / "processed"
        aside = self.scratch / "processed-saved"
        shutil.rmtree(aside, ignore_errors=True)
        aside.mkdir(parents=True)
        for entry in processed.iterdir():  # what make data writes; not the committed .gitkeep
            if not entry.name.startswith("."):
                os.replace(entry, aside / entry.name)
        differing: list[str] = []
        try:
            self.stop_warm()
            seconds, _ = self.make("data")
            differing = [str(path.relative_to(aside)) for path in sorted(aside.rglob("*"))
                         if path.is_file() and not _same_bytes(path, processed / path.relative_to(aside))]
            self.add("data", f"cold make -j{self.jobs} data ({len(self.waves())} waves)", [seconds],
                     f"differs from the data before: {', '.join(differing[:3])}" if differing else "")
        except BaseException:
            differing = ["(failed)"]
            raise
        finally:
            if differing:  # keep the researcher's data as it was
                for entry in aside.iterdir():
                    target = processed / entry.name
                    if target.is_dir():
                        shutil.rmtree(target)
                    os.replace(entry, target)
                shutil.rmtree(aside)
            else:
                shutil.rmtree(aside, ignore_errors=True)

    def builds(self) -> None:
        self.remember_absent()
        for wave in self.waves():
            self.set_aside(wave)
        if "data" in self.only:
            self.data()
        self.stop_warm()
        seconds, _ = self.make("report")
        self.add("cold", f"cold make -j{self.jobs} report (YEAR={self.year})", [seconds])

        if "noop" in self.only:
            noop, cpu, outputs = [], [], []
            for _ in range(self.repeat):
                seconds, output = self.make("report")
                noop.append(seconds)
                cpu.append(self.last_cpu)
                outputs.append(output)
            did_work = any("chapter " in output or "helpers.publish" in output for output in outputs)
            self.add("noop", f"no-op make -j{self.jobs} report", noop, "did work!" if did_work else "", cpu=cpu)

        if "all-waves" in self.only:
            for wave in self.waves():
                self.set_aside(wave)
            self.stop_warm()
            seconds, _ = self.make("all-waves")
            self.add("all-waves", f"cold make -j{self.jobs} all-waves ({len(self.waves())} waves)", [seconds])

        for target in ("factsheets", "factsheets-full-response"):
            if "factsheets" not in self.only:
                continue
            if self.has_target(target):
                seconds, _ = self.make(target)
                self.add(target, f"make -j{self.jobs} {target}", [seconds])
            else:
                self.add(target, f"make {target}", [], "not available (no such target)", available=False)

        notebook = self.root / "notebooks" / f"{self.chapter}.ipynb"
        original, stat = notebook.read_bytes(), notebook.stat()
        try:
            if "touch" in self.only:
                notebook.touch()
                seconds, output = self.make("report")
                self.add("touch", f"touch {self.chapter}, make -j{self.jobs} report", [seconds], _reran(output))
            if "edit" in self.only:
                _append_markdown(notebook, original, 1)
                seconds, output = self.make("report")
                self.add("edit", f"edit {self.chapter} (+1 Markdown cell), make -j{self.jobs} report", [seconds],
                         _reran(output))
            if "preview" in self.only:
                if self.has_target(f"preview NB={self.chapter}"):
                    notebook.touch()  # runs the chapter: the warm server is up, as after the researcher's last run
                    self.make("preview", f"NB={self.chapter}")
                    _append_markdown(notebook, original, 2)
                    seconds, output = self.make("preview", f"NB={self.chapter}")
                    self.add("preview", f"edit {self.chapter}, make preview NB={self.chapter} (warm)", [seconds],
                             _reran(output))
                else:
                    self.add("preview", "make preview", [], "not available (no such target)", available=False)
        finally:
            notebook.write_bytes(original)
            os.utime(notebook, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    # -- the table ---------------------------------------------------------------------------------------------

    def table(self, header: list[str]) -> str:
        floor = next((figure.best for figure in self.figures if figure.key == "floor"), None)
        lines = [*header, "", f"{'measurement':<52} {'seconds':>8} {'x floor':>8}  {'spread (min-max)':<22}"
                              f" {'CPU s':>7} {'target':>7}  result"]
        for figure in self.figures:
            if not figure.available or figure.best is None:
                lines.append(f"{figure.label:<52} {'-':>8} {'-':>8}  {'-':<22} {'-':>7} {'-':>7}  {figure.note}")
                continue
            cpu = f"{min(figure.cpu):.1f}" if figure.cpu else "-"
            ratio = f"{figure.best / floor:.2f}" if floor else "-"
            target, result = "-", ""
            if figure.target is not None:
                target = f"{figure.target:g}"
                margin = figure.target - figure.best
                result = f"PASS by {margin:.2f} s" if margin >= 0 else f"MISS by {-margin:.2f} s"
            ratio_target = RATIO_TARGETS.get(figure.key)
            if ratio_target is not None and floor:
                verdict = "PASS" if figure.best / floor <= ratio_target else "MISS"
                result = f"{result}; {verdict} against {ratio_target:g} x floor" if result else \
                    f"{verdict} against {ratio_target:g} x floor"
            result = f"{result}; {figure.note}" if figure.note and result else result or figure.note
            lines.append(f"{figure.label:<52} {figure.best:>8.2f} {ratio:>8}  {figure.spread:<22} {cpu:>7} "
                         f"{target:>7}  {result}".rstrip())
        lines += ["", "seconds: wall clock, the minimum of the runs; x floor: seconds / the papermill floor; CPU s: user +",
                  "system seconds of all processes (smallest of the runs), which the machine's other load changes little."]
        return "\n".join(lines) + "\n"

    def csv_text(self) -> str:
        floor = next((figure.best for figure in self.figures if figure.key == "floor"), None)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["key", "measurement", "seconds_min", "seconds_max", "runs", "ratio_to_floor", "cpu_seconds",
                         "target", "note"])
        for figure in self.figures:
            best = figure.best
            writer.writerow([figure.key, figure.label, f"{best:.2f}" if best is not None else "",
                             f"{max(figure.seconds):.2f}" if figure.seconds else "", len(figure.seconds),
                             f"{best / floor:.2f}" if best is not None and floor else "",
                             f"{min(figure.cpu):.1f}" if figure.cpu else "",
                             f"{figure.target:g}" if figure.target is not None else "", figure.note])
        return buffer.getvalue()


def _append_markdown(notebook: Path, original: bytes, edits: int) -> None:
    """The notebook as `original` plus `edits` Markdown cells (each measurement a real, new edit)."""
    document = json.loads(original)
    document["cells"] += [{"cell_type": "markdown", "id": f"bench-edit-{index}", "metadata": {},
                           "source": [f"{EDIT_MARKDOWN} ({index})"]} for index in range(1, edits + 1)]
    notebook.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _same_bytes(one: Path, other: Path) -> bool:
    return other.is_file() and one.read_bytes() == other.read_bytes()


def _reran(output: str) -> str:
    chapters = sorted({line.split()[1] for line in output.splitlines() if line.startswith("chapter ")})
    return "re-ran " + (", ".join(chapters) if chapters else "no chapter")


def _load() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/benchmark.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="checkout to build in (default: this one)")
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--jobs", type=int, default=2, help="make -j (default 2: how researchers run it here)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and of the no-op build")
    parser.add_argument("--chapter", default="03_inhoud", help="the notebook edited for the one-chapter figure")
    parser.add_argument("--out", type=Path, help="directory for latest.txt/.csv (default: <root>/build/bench)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(MEASUREMENTS)} (default: all)")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    missing = [path for path in (root / ".venv" / "bin" / "python", root / "data" / "processed" / str(args.year)
                                 / "responses.parquet", root / "data" / "processed" / "frames.parquet")
               if not path.exists()]
    if missing:
        print(f"error: {', '.join(str(path) for path in missing)} missing; run `make env data` first", file=sys.stderr)
        return 2
    out = (args.out or root / "build" / "bench").resolve()
    bench_dir = root / "build" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if (bench_dir / "saved").exists():
        print(f"error: {bench_dir / 'saved'} exists: an earlier benchmark was interrupted before it could move the "
              "builds back; move them back by hand (build-<wave> -> build/<wave>, reports-<wave> -> reports/<wave>)",
              file=sys.stderr)
        return 2
    for marker in bench_dir.glob("absent-*"):  # left by a run that was killed: not about the builds there now
        marker.unlink()
    commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    header = [f"flitspeiling build benchmark: {root.name} at {commit}, YEAR={args.year}, make -j{args.jobs}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
              f"load average before: {_load()} (a shared machine: the figures are noisy; minimum of the runs shown)"]
    with open(bench_dir / "log.txt", "w", encoding="utf-8") as log:
        only = None if not args.only else {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = sorted((only or set()) - set(MEASUREMENTS))
        if unknown:
            print(f"error: --only: unknown {', '.join(unknown)} (known: {', '.join(MEASUREMENTS)})", file=sys.stderr)
            return 2
        bench = Bench(root, args.year, args.jobs, args.repeat, args.chapter, log, only)
        try:
            bench.floor()  # always: the unit of the ratios
            bench.builds()
        finally:
            bench.restore()
            bench.stop_warm()
    header.append(f"load average after: {_load()}")
    text = bench.table(header)
    print(text, end="")
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.txt").write_text(text, encoding="utf-8")
    (out / "latest.csv").write_text(bench.csv_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
