"""The one notebook runner: every notebook of the project is parameterised and executed through this module.

- ``make report`` runs each chapter with ``python -m helpers.publish.runner`` (`run`);
- ``make data`` runs the cleaning notebook the same way, once per wave, and renders its data-quality appendix
  (``--html``, as ``jupyter nbconvert --to html --no-input --template flitspeiling`` did);
- the factsheet build (helpers.factsheets.pool) parameterises with `parameterised` and executes in long-lived
  kernels (`KernelSession`): one kernel per worker instead of one per municipality;
- the tests run notebooks with `execute` (tests/notebook_runs.py).

What `run` does, in one process (cheaper than the papermill and nbconvert command lines, see README "Snelheid /
Benchmarks"):

1. executes ``notebooks/<stem>.ipynb`` with papermill (``papermill.execute_notebook``) in the Jupyter kernel
   ``flitspeiling`` with working directory ``notebooks/``, an execution timeout and the parameters ``year`` and (for
   a chapter) ``parts_dir``, plus any ``-p name value``. Papermill injects them as the cell tagged
   ``injected-parameters``, so they stay visible in the executed notebook (helpers.publish.provenance reads them for
   the colophon);
2. writes the executed notebook next to its target as ``<stem>.running.ipynb`` (target: by default
   ``build/<year>/notebooks/<stem>.ipynb``, ``--out`` names another); when a cell fails it becomes
   ``<stem>.failed.ipynb`` (the failing cell with its traceback), the previous build output is left as it was and
   the exit status is 1;
3. asks the kernel, before it shuts down, which modules of ``helpers`` the notebook imported (``sys.modules``), and
   writes them as a Make dependency file ``<target stem>.d`` beside the target, for the Make target the notebook
   builds (``--make-target``, default the executed notebook): that target depends on those helper files only, so
   editing a helper re-runs just the notebooks that use it. A notebook that did not run to the end gets no new .d
   file, and without one the Makefile falls back to every helper;
4. for a chapter, renders its HTML fragment for the publication (helpers.publish.fragments.store_fragment, stored in
   ``build/<year>/fragments/<stem>.json`` with the hashes it was made from), so that helpers.publish.assemble only has
   to assemble the pages; with ``--html`` it writes the notebook as one standalone page without code instead
   (`helpers.publish.fragments.html_exporter(chapter=False)`);
5. only then moves the executed notebook to its target.

Startup: the papermill and nbconvert command lines import ``jsonschema``, which imports the optional package
``rfc3987_syntax`` (about 1 s: it compiles a grammar) only to offer the JSON-schema format "iri". nbformat's notebook
schemas use no "format" keyword and nbformat validates without a format checker, so this process blocks that one
optional import (``BLOCKED_OPTIONAL_IMPORTS``); nothing is validated less. The kernel is a separate process and not
affected.

Command line::

    python -m helpers.publish.runner --year 2023 notebooks/01_achtergrond.ipynb [--root .] [--timeout 600]
        [--kernel flitspeiling] [-p name value ...] [--no-fragment]
    python -m helpers.publish.runner --year 2023 notebooks/00_opschonen.ipynb --no-parts --no-fragment
        --out build/notebooks/2023/00_opschonen.ipynb --make-target data/processed/2023/responses.parquet
        --html reports/2023/datakwaliteit.html
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import helpers
from helpers import KERNEL
from helpers.publish import runs, warm

# Optional imports of libraries this process loads that it never uses (see the module docstring; kept in
# helpers.publish.warm, whose server imports the same libraries ahead of the runners it forks).
BLOCKED_OPTIONAL_IMPORTS = warm.BLOCKED_OPTIONAL_IMPORTS

TIMEOUT = 600
PACKAGE = "helpers"
# Evaluated in the kernel after the last cell (a silent request: no output, no execution count): the files of the
# helpers modules the notebook imported.
IMPORTED_HELPERS_EXPRESSION = (
    "sorted({getattr(m, '__file__', None) or '' for n, m in list(__import__('sys').modules.items()) "
    f"if n == {PACKAGE!r} or n.startswith({PACKAGE + '.'!r})}} - {{''}})")


def block_optional_imports(names: Iterable[str] = BLOCKED_OPTIONAL_IMPORTS) -> None:
    for name in names:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]


class NotebookFailed(RuntimeError):
    """The notebook did not run to its end; the message says where the executed notebook is."""


# ----------------------------------------------------------------------------------------------------------------
# Dependency file


def helper_dependencies(module_files: Iterable[str], helpers_dir: Path) -> list[Path]:
    """The files under `helpers_dir` among `module_files` (sources only: .py), sorted, without duplicates."""
    helpers_dir = Path(os.path.realpath(helpers_dir))
    found = set()
    for name in module_files:
        path = Path(os.path.realpath(name))
        if path.suffix != ".py" or not path.is_file():
            continue
        try:
            path.relative_to(helpers_dir)
        except ValueError:
            continue
        found.add(path)
    return sorted(found)


def _make_path(path: Path, root: Path) -> str:
    """A path as the Makefile names it: relative to the build root when inside it, with spaces escaped."""
    try:
        text = Path(os.path.realpath(path)).relative_to(Path(os.path.realpath(root))).as_posix()
    except ValueError:
        text = Path(path).as_posix()
    return text.replace(" ", "\\ ")


def dependency_text(target: str, dependencies: Sequence[Path], root: Path, source: str = "") -> str:
    """A Make rule ``<target>: <dependencies>``, then an empty rule per dependency (as ``gcc -MP``), so that a helper
    that is later removed makes the notebook run again instead of stopping make."""
    names = [_make_path(path, root) for path in dependencies]
    lines = [f"# Written by helpers.publish.runner{' for ' + source if source else ''}: the helpers the notebook imported.",
             f"{target}: " + " ".join(names) if names else f"{target}:"]
    lines += [f"{name}:" for name in names]
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# ----------------------------------------------------------------------------------------------------------------
# Parameterising: papermill's, so that every run shows its parameters the same way


def load_notebook(path: Path):
    """The notebook as papermill loads it (every cell with a tags list, papermill metadata)."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(str(path))


def parameterised(template, parameters: Mapping, kernel: str = KERNEL):
    """A copy of the loaded notebook `template` with papermill's injected-parameters cell (as `papermill -p` runs
    it); `template` itself is left unchanged, so it can be parameterised again."""
    from papermill.parameterize import parameterize_notebook

    return parameterize_notebook(copy.deepcopy(template), dict(parameters), kernel_name=kernel, language="python")


# ----------------------------------------------------------------------------------------------------------------
# Executing


def _recording_engine(record: dict):
    """A papermill engine that runs the notebook as papermill's own (nbclient) engine does and, while the kernel is
    still up, records which helpers modules it imported into `record["modules"]`."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class RecordingClient(PapermillNotebookClient):
        def papermill_execute_cells(self):
            super().papermill_execute_cells()
            try:
                msg_id = self.kc.execute("", silent=True, store_history=False,
                                         user_expressions={"modules": IMPORTED_HELPERS_EXPRESSION})
                reply = self.wait_for_reply(msg_id)
                result = (reply or {}).get("content", {}).get("user_expressions", {}).get("modules", {})
                if result.get("status") == "ok":
                    record["modules"] = ast.literal_eval(result["data"]["text/plain"])
            except Exception as error:  # noqa: BLE001 - the notebook ran; without the list make uses every helper
                record["error"] = f"{type(error).__name__}: {error}"

    class RecordingEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            # As papermill.engines.NBClientEngine.execute_managed_notebook, with the recording client.
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout or kwargs.get("timeout"),
                                        startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                        log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            # papermill writes the whole notebook before and after every cell (80 writes for a chapter, growing with
            # its figures: about 0.4 s). Nobody reads the running notebook, so it is written once, when the run ends
            # (papermill's notebook_complete) or here when the kernel fails (timeout, crash).
            output_path, nb_man.output_path = nb_man.output_path, None
            try:
                return RecordingClient(nb_man, **final_kwargs).execute()
            except BaseException:
                nb_man.output_path = output_path
                nb_man.save()
                raise
            finally:
                nb_man.output_path = output_path

    return RecordingEngine


def execute(notebook: Path, output: Path, parameters: Mapping, cwd: Path, kernel: str = KERNEL,
            timeout: int = TIMEOUT) -> list[str] | None:
    """Execute `notebook` into `output` with papermill in a kernel of its own (forked from the warm server of
    helpers.publish.warm unless FLITSPEILING_WARM=0); returns the module files of helpers the
    kernel had loaded (None when they could not be asked). Raises papermill's PapermillExecutionError when a cell
    fails (`output` then holds the notebook up to the failing cell)."""
    block_optional_imports()
    import papermill
    from papermill.engines import papermill_engines

    record: dict = {}
    engine_name = "flitspeiling-recording"
    papermill_engines.register(engine_name, _recording_engine(record))
    # A kernel forked from the warm server (helpers.publish.warm): the libraries imported once per build, a fresh
    # process per notebook.
    managers = {"kernel_manager_class": warm.warm_kernel_manager_class()} if warm.enabled() else {}
    papermill.execute_notebook(str(notebook), str(output), parameters=dict(parameters), engine_name=engine_name,
                               kernel_name=kernel, cwd=str(cwd), execution_timeout=timeout, progress_bar=False,
                               log_output=False, **managers)
    if "error" in record:
        print(f"warning: could not ask the kernel which helpers {notebook.name} imported ({record['error']}); "
              "make will treat every helper as its input", file=sys.stderr)
    return record.get("modules")


class KernelSession:
    """A long-lived kernel that executes parameterised notebooks again and again, each time in a fresh namespace:
    the modules stay imported (and helpers' caches filled), the variables go. For many runs of one notebook (the
    factsheets), where a kernel per run would cost more than the run."""

    def __init__(self, cwd: Path, timeout: int = 300, kernel: str = KERNEL):
        from jupyter_client.manager import KernelManager

        self.timeout, self.kernel = timeout, kernel
        self.km = KernelManager(kernel_name=kernel)
        # No output cache (Out[n], _, __): a run's results are its notebook's outputs. Without it the namespace reset
        # before each run skips IPython's flush of that cache, which is a full garbage collection (0.17 of the 0.18 s
        # the reset took per factsheet).
        self.km.start_kernel(cwd=str(cwd), extra_arguments=["--InteractiveShell.cache_size=0"])
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def execute(self, nb):
        """Execute the notebook node `nb` (see `parameterised`) in place; raises nbclient's CellExecutionError."""
        from nbclient import NotebookClient

        self.kc.execute_interactive("get_ipython().reset(new_session=False)", store_history=False,
                                    timeout=self.timeout)
        client = NotebookClient(nb, km=self.km, kernel_name=self.kernel, timeout=self.timeout, allow_errors=False)
        client.kc = self.kc
        return client.execute()

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


# ----------------------------------------------------------------------------------------------------------------
# A standalone page of an executed notebook (the data-quality appendix)


def write_page(executed: Path, target: Path, name: str) -> Path:
    """The executed notebook as one standalone page without code (`helpers.publish.fragments.html_exporter(chapter=False)`), written atomically; `name`
    is the notebook's name for nbconvert (the page title when the notebook has no h1). Rendered here rather than
    with helpers.publish.assemble, so that the page depends on this module and the template only (Makefile)."""
    import nbformat

    node = nbformat.read(executed, as_version=4)
    from helpers.publish.fragments import html_exporter  # nbconvert: imported when used

    page, _ = html_exporter(chapter=False).from_notebook_node(
        node, resources={"metadata": {"name": name, "path": str(Path(executed).parent)}})
    _write_atomically(Path(target), page)
    return Path(target)


# ----------------------------------------------------------------------------------------------------------------
# One run, as the Makefile's rules do it


def write_dependencies(depfile: Path, modules: Iterable[str] | None, make_target: str, notebook: Path,
                       root: Path) -> Path | None:
    """The .d file naming the helpers among `modules` as prerequisites of `make_target`; without `modules` (the
    kernel could not be asked) the old .d file is removed, so that make falls back to every helper."""
    if modules is None:
        depfile.unlink(missing_ok=True)
        return None
    dependencies = helper_dependencies(modules, Path(helpers.__file__).parent)
    _write_atomically(depfile, dependency_text(make_target, dependencies, root, source=_make_path(notebook, root)))
    return depfile


def failure_place(executed: Path) -> str:
    """ " in section '3.5 Knelpunten' (cell 21)": where an executed notebook stopped, by the last heading above the
    cell with the error; "" when the notebook or the cell cannot be found."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return ""
    section = ""
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            headings = [line.lstrip("#").strip() for line in cell.source.splitlines() if line.startswith("#")]
            section = headings[-1] if headings else section
        elif any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return f" in section '{section}' (cell {index})" if section else f" (cell {index})"
    return ""


def failure_cause(error: BaseException) -> str:
    """The error as the notebook raised it ("KeyError: 'financiele_middelen'"), not papermill's wrapper."""
    name, value = getattr(error, "ename", None), getattr(error, "evalue", None)
    if name:
        return f"{name}: {value}" if value else name
    return f"{type(error).__name__}: {error}".strip().rstrip(":")


def run(notebook: Path, year: int, root: Path, kernel: str = KERNEL, timeout: int = TIMEOUT,
        extra_parameters: Mapping | None = None, fragment: bool = True, *, out: Path | None = None,
        make_target: str | None = None, parts: bool = True, html: Path | None = None) -> dict:
    """Run one notebook as the Makefile does; returns what was written and how long each step took.

    Defaults: a chapter (executed into build/<year>/notebooks/<stem>.ipynb, the Make target; parts in
    build/<year>/parts/<stem>/, passed as the parameter parts_dir; its HTML fragment rendered). `out`: the executed
    notebook elsewhere; `make_target`: the Make target the .d file names (default the executed notebook); `parts`:
    False passes no parts_dir; `html`: also write the notebook as a standalone page (write_page)."""
    notebook, root = Path(notebook), Path(root).resolve()
    build = root / "build" / str(year)
    target = Path(out).resolve() if out else build / "notebooks" / f"{notebook.stem}.ipynb"
    parts_dir = build / "parts" / notebook.stem
    running, failed = target.with_name(f"{target.stem}.running.ipynb"), target.with_name(f"{target.stem}.failed.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    parameters = {"year": int(year)}
    if parts:
        shutil.rmtree(parts_dir, ignore_errors=True)
        parameters["parts_dir"] = str(parts_dir)
    parameters.update(extra_parameters or {})
    failed.unlink(missing_ok=True)
    timings: dict[str, float] = {}

    begin = time.perf_counter()
    try:
        modules = execute(notebook, running, parameters, cwd=notebook.parent.resolve(), kernel=kernel, timeout=timeout)
    except BaseException as error:
        if running.exists():
            os.replace(running, failed)
        if isinstance(error, KeyboardInterrupt):
            raise
        where = failed if failed.exists() else running
        kept = f"{_make_path(target, root)} was not replaced" if out else f"reports/{year}/ was not changed"
        raise NotebookFailed(f"{notebook} failed for {year}{failure_place(where)}: {failure_cause(error)}; the executed "
                             f"notebook is {_make_path(where, root)}; {kept}") from error
    timings["execute"] = time.perf_counter() - begin

    written = {"notebook": target, "fragment": None, "html": None,
               "depfile": write_dependencies(target.with_suffix(".d"), modules,
                                             make_target or _make_path(target, root), notebook, root)}
    if fragment:
        begin = time.perf_counter()
        from helpers.publish.fragments import store_fragment  # nbconvert and bs4: imported when used

        written["fragment"] = store_fragment(year, notebook.stem, running, parts_dir.parent, root=root,
                                             report_yml=notebook.resolve().parent / "report.yml")
        timings["fragment"] = time.perf_counter() - begin
    if html:
        begin = time.perf_counter()
        written["html"] = write_page(running, root / html, name=target.stem)
        timings["html"] = time.perf_counter() - begin
    os.replace(running, target)
    if parts:  # what publishing checks the parts against (helpers.publish.runs)
        written["record"] = runs.record_path(target.parent, notebook.stem)
        record = runs.write_record(written["record"], notebook, parameters, target, parts_dir)
        runs.write_parts_stamp(runs.stamp_path(target.parent, notebook.stem), record["parts"])
    written["seconds"] = {name: round(value, 2) for name, value in timings.items()}
    return written


def _parameter_value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main(argv: list[str] | None = None) -> int:
    if argv is None and warm.enabled() and not warm.in_warm_child():
        # Run as a child of the warm server, which imported papermill, nbconvert and the libraries once (this process
        # then only passes its streams, directory, environment and signals on); here when there is no server.
        status = warm.run_in_server("helpers.publish.runner", sys.argv[1:])
        if status is not None:
            return status
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.runner",
                                     description="Run one notebook for one wave (papermill), as make does.")
    parser.add_argument("notebook", type=Path, help="the notebook, e.g. notebooks/01_achtergrond.ipynb")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="build root (default: the working directory)")
    parser.add_argument("--kernel", default=KERNEL)
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds per cell")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="another parameter (a Python literal, else a string)")
    parser.add_argument("--no-fragment", action="store_true", help="do not render the HTML fragment")
    parser.add_argument("--no-parts", action="store_true", help="no parts folder and no parameter parts_dir")
    parser.add_argument("--out", type=Path, help="the executed notebook (default build/<year>/notebooks/<stem>.ipynb)")
    parser.add_argument("--make-target", help="the Make target the .d file names (default: the executed notebook)")
    parser.add_argument("--html", type=Path, help="also write the notebook as a standalone page without code")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        print(f"error: {args.notebook}: not found", file=sys.stderr)
        return 2
    extra = {name: _parameter_value(value) for name, value in args.parameter}
    root = args.root.resolve()
    try:
        run(args.notebook, args.year, root, kernel=args.kernel, timeout=args.timeout, extra_parameters=extra,
            fragment=not args.no_fragment, out=root / args.out if args.out else None, make_target=args.make_target,
            parts=not args.no_parts, html=args.html)
    except NotebookFailed as error:
        cause = error.__cause__
        print(f"error: {error}", file=sys.stderr)
        if cause is not None and type(cause).__name__ == "PapermillExecutionError":
            print(str(cause).strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
