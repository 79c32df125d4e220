"""helpers.publish.runner: the one notebook runner (parameters injected and visible, a failing notebook kept as
<stem>.failed.ipynb with a nonzero exit, the dependency file of the helpers the kernel imported; the cleaning's run
with its own target and its appendix page, as nbconvert's command line made it; the factsheets' long-lived kernel).

The notebooks here are tiny and run in the project kernel `flitspeiling` (skipped without it, as `make env` makes it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT
from helpers.publish import runner as run_chapter
from helpers.publish.provenance import notebook_parameters

HELPERS_DIR = REPO_ROOT / "src" / "helpers"


def _kernel_missing() -> bool:
    try:
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError:
        return True
    return run_chapter.KERNEL not in KernelSpecManager().find_kernel_specs()


needs_kernel = pytest.mark.skipif(_kernel_missing(), reason="no Jupyter kernel 'flitspeiling' (make env)")


def _notebook(path: Path, *cells: str, parameters: str = 'year = 2000\nparts_dir = ""') -> Path:
    """A notebook with a parameters cell (by default year, parts_dir) and the given code cells."""
    code = [{"cell_type": "code", "execution_count": None, "id": f"c{index}", "metadata": {}, "outputs": [],
             "source": source} for index, source in enumerate(cells)]
    parameters = {"cell_type": "code", "execution_count": None, "id": "parameters", "metadata": {"tags": ["parameters"]},
                  "outputs": [], "source": parameters}
    document = {"cells": [parameters, *code], "nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "flitspeiling", "display_name": "Python (flitspeiling)",
                                            "language": "python"}}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def _rules(depfile: Path) -> list[tuple[str, list[str]]]:
    rules = []
    for line in depfile.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        target, _, prerequisites = line.partition(":")
        rules.append((target, prerequisites.split()))
    return rules


@needs_kernel
def test_parameters_injected_visible_and_helpers_recorded(tmp_path):
    notebook = _notebook(
        tmp_path / "notebooks" / "01_test.ipynb",
        "from pathlib import Path\nfrom helpers.core import reproducible\n"
        "Path(parts_dir).mkdir(parents=True, exist_ok=True)\n"
        "(Path(parts_dir) / 'ran.txt').write_text(f'{year} {small_threshold}')",
    )
    written = run_chapter.run(notebook, 2021, tmp_path, extra_parameters={"small_threshold": 123}, fragment=False)

    target = tmp_path / "build" / "2021" / "notebooks" / "01_test.ipynb"
    assert written["notebook"] == target and target.is_file()
    assert not target.with_name("01_test.running.ipynb").exists()
    parts = tmp_path / "build" / "2021" / "parts" / "01_test"
    assert (parts / "ran.txt").read_text() == "2021 123"  # the kernel saw the injected values
    # papermill's injected cell is in the executed notebook, where helpers.publish.provenance reads the parameters.
    executed = json.loads(target.read_text(encoding="utf-8"))
    injected = [cell for cell in executed["cells"] if "injected-parameters" in cell["metadata"].get("tags", [])]
    assert len(injected) == 1
    assert notebook_parameters(target) == {"year": 2021, "parts_dir": str(parts), "small_threshold": 123}

    rules = _rules(target.with_suffix(".d"))
    assert rules[0][0] == "build/2021/notebooks/01_test.ipynb"
    imported = {Path(name).name for name in rules[0][1]}
    assert imported == {"__init__.py", "reproducible.py"}  # what the kernel imported: not report.py, not pandas
    assert all(HELPERS_DIR in Path(name).parents for name in rules[0][1])
    assert [target for target, prerequisites in rules[1:]] == rules[0][1]  # an empty rule per helper (gcc -MP)
    assert all(not prerequisites for _, prerequisites in rules[1:])


@needs_kernel
def test_failing_notebook_is_kept_as_failed_and_exits_nonzero(tmp_path, capsys):
    notebook = _notebook(tmp_path / "notebooks" / "02_broken.ipynb", "x = 1", "raise ValueError('kapot in cel 2')")
    target = tmp_path / "build" / "2021" / "notebooks" / "02_broken.ipynb"
    target.parent.mkdir(parents=True)
    target.write_text("previous build", encoding="utf-8")
    depfile = target.with_suffix(".d")
    depfile.write_text("previous dependencies\n", encoding="utf-8")

    code = run_chapter.main([str(notebook), "--year", "2021", "--root", str(tmp_path), "--no-fragment"])

    assert code == 1
    failed = target.with_name("02_broken.failed.ipynb")
    assert failed.is_file() and "kapot in cel 2" in failed.read_text(encoding="utf-8")
    assert not target.with_name("02_broken.running.ipynb").exists()
    assert target.read_text(encoding="utf-8") == "previous build"  # the target is not replaced
    assert depfile.read_text(encoding="utf-8") == "previous dependencies\n"
    error = capsys.readouterr().err
    assert "build/2021/notebooks/02_broken.failed.ipynb" in error and "ValueError: kapot in cel 2" in error
    assert "failed for 2021 (cell " in error


def test_dependency_file_format(tmp_path):
    helpers_dir = tmp_path / "src" / "helpers"
    helpers_dir.mkdir(parents=True)
    (helpers_dir / "report").mkdir()
    for name in ("__init__.py", "report/chapter.py", "my helper.py"):
        (helpers_dir / name).write_text("", encoding="utf-8")
    (tmp_path / "elsewhere.py").write_text("", encoding="utf-8")
    modules = [str(helpers_dir / "report" / "chapter.py"), str(helpers_dir / "__init__.py"),
               str(helpers_dir / "report" / "chapter.py"), str(tmp_path / "elsewhere.py"), str(helpers_dir / "gone.py"),
               str(helpers_dir / "data.so"), str(helpers_dir / "my helper.py")]
    found = run_chapter.helper_dependencies(modules, helpers_dir)
    assert [path.name for path in found] == ["__init__.py", "my helper.py", "chapter.py"]
    text = run_chapter.dependency_text("build/2023/notebooks/01_a.ipynb", found, tmp_path)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == ["build/2023/notebooks/01_a.ipynb: src/helpers/__init__.py src/helpers/my\\ helper.py "
                     "src/helpers/report/chapter.py", "src/helpers/__init__.py:", "src/helpers/my\\ helper.py:",
                     "src/helpers/report/chapter.py:"]
    assert run_chapter.dependency_text("t.ipynb", [], tmp_path).splitlines()[1:] == ["t.ipynb:"]


def _format_keywords(node) -> list[str]:
    """Every JSON-schema "format" keyword (a string value; a property *named* format holds a schema)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "format" and isinstance(value, str):
                found.append(value)
            else:
                found += _format_keywords(value)
    elif isinstance(node, list):
        for value in node:
            found += _format_keywords(value)
    return found


def test_format_keywords_are_found():
    schema = {"properties": {"format": {"type": "string"}, "link": {"type": "string", "format": "iri"}}}
    assert _format_keywords(schema) == ["iri"]


def test_blocked_optional_import_is_unused_by_nbformat():
    """The runner blocks rfc3987_syntax, which jsonschema imports only for the format "iri": nbformat's schemas use
    no format, and a notebook still validates (and a broken one still fails) with the import blocked."""
    schemas = sorted(Path(__import__("nbformat").__file__).parent.rglob("*.schema.json"))
    assert schemas
    for schema in schemas:
        assert _format_keywords(json.loads(schema.read_text(encoding="utf-8"))) == [], schema
    script = (
        "import sys\n"
        "from helpers.publish import runner as run_chapter\n"
        "run_chapter.block_optional_imports()\n"
        "import jsonschema, nbformat\n"
        "try:\n"
        "    import rfc3987_syntax\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        "    sys.exit('rfc3987_syntax was imported')\n"
        "good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(good)\n"
        "bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "bad.cells[0]['cell_type'] = 'nonsense'\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('validated')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "validated"


@needs_kernel
def test_cleaning_run_has_its_own_target_no_parts_and_a_page(tmp_path):
    """As `make data` runs notebooks/00_opschonen.ipynb: the executed notebook in build/notebooks/<year>/, a .d file
    for the processed data, no parts_dir, and the notebook without code as a standalone page."""
    notebook = _notebook(
        tmp_path / "notebooks" / "00_test.ipynb",
        "from IPython.display import Markdown, display\nfrom helpers.core import formatting\n"
        "display(Markdown(f'# Datakwaliteit {year}\\n\\nGeschoond: {formatting.number(1234)} antwoorden.'))",
        parameters="year = 2000",
    )
    out = tmp_path / "build" / "notebooks" / "2021" / "00_test.ipynb"
    written = run_chapter.run(notebook, 2021, tmp_path, fragment=False, parts=False, out=out,
                              make_target="data/processed/2021/responses.parquet",
                              html=Path("reports/2021/datakwaliteit.html"))

    assert written["notebook"] == out and out.is_file() and not (tmp_path / "build" / "2021").exists()
    assert notebook_parameters(out) == {"year": 2021}
    rules = _rules(out.with_suffix(".d"))
    assert rules[0][0] == "data/processed/2021/responses.parquet"
    assert {Path(name).name for name in rules[0][1]} == {"__init__.py", "formatting.py"}
    page = (tmp_path / "reports" / "2021" / "datakwaliteit.html").read_text(encoding="utf-8")
    assert "<title>Datakwaliteit 2021</title>" in page and "Geschoond: 1.234 antwoorden." in page
    assert "import" not in page  # no code


def _executed_notebook(path: Path) -> Path:
    """An executed notebook as the cleaning leaves one: Markdown, a hidden title, outputs, stderr, an empty cell."""
    import nbformat

    v4 = nbformat.v4
    node = v4.new_notebook(cells=[
        v4.new_markdown_cell("# Titel die niet getoond wordt", metadata={"tags": ["remove_cell"]}),
        v4.new_markdown_cell("Tekst met *nadruk* en een [link](https://example.org)."),
        v4.new_code_cell("year = 2023", metadata={"tags": ["parameters"]}),
        v4.new_code_cell("show()", outputs=[
            v4.new_output("display_data", data={"text/markdown": "## Kop\n\n12,5% van de gemeenten"}),
            v4.new_output("stream", name="stderr", text="a warning\n"),
            v4.new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>",
                                                "text/plain": "table"}),
        ], metadata={"tags": ["remove_output"]}),
        v4.new_code_cell("print('klaar')", outputs=[v4.new_output("stream", name="stdout", text="klaar\n")]),
    ])
    node.metadata["kernelspec"] = {"name": "flitspeiling", "display_name": "Python (flitspeiling)",
                                   "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(node, path)
    return path


def test_page_is_what_the_nbconvert_command_line_made(tmp_path):
    """The appendix page equals, byte for byte, the page of the command the Makefile ran before:
    jupyter nbconvert --to html --no-input --template flitspeiling."""
    executed = _executed_notebook(tmp_path / "build" / "00_opschonen.ipynb")
    nbconvert = Path(sys.executable).parent / "jupyter-nbconvert"
    if not nbconvert.exists():
        pytest.skip("jupyter-nbconvert is not installed in this environment")
    done = subprocess.run([str(nbconvert), "--log-level", "WARN", "--to", "html", "--no-input", "--template",
                           "flitspeiling", f"--TemplateExporter.extra_template_basedirs={HELPERS_DIR / 'templates'}",
                           "--output-dir", str(tmp_path / "cli"), "--output", "datakwaliteit", str(executed)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr

    page = run_chapter.write_page(executed, tmp_path / "runner" / "datakwaliteit.html", name="00_opschonen")

    expected = (tmp_path / "cli" / "datakwaliteit.html").read_bytes()
    assert b"12,5% van de gemeenten" in expected and b"Titel die niet" not in expected
    assert page.read_bytes() == expected


def test_parameterised_injects_after_the_parameters_cell_and_keeps_the_template(tmp_path):
    notebook = _notebook(tmp_path / "nb.ipynb", "print(year)")
    template = run_chapter.load_notebook(notebook)
    first = run_chapter.parameterised(template, {"year": 2019, "municipality": "GM0512"})
    second = run_chapter.parameterised(template, {"year": 2020})

    tags = [cell.metadata.get("tags", []) for cell in first.cells]
    assert tags[:2] == [["parameters"], ["injected-parameters"]]
    assert "year = 2019" in first.cells[1].source and 'municipality = "GM0512"' in first.cells[1].source
    injected = [cell for cell in second.cells if "injected-parameters" in cell.metadata.get("tags", [])]
    assert len(injected) == 1 and "year = 2020" in injected[0].source and "municipality" not in injected[0].source
    assert not any("injected-parameters" in cell.metadata.get("tags", []) for cell in template.cells)
    assert first.metadata.papermill.parameters == {"year": 2019, "municipality": "GM0512"}


@needs_kernel
def test_kernel_session_runs_each_notebook_in_a_fresh_namespace(tmp_path):
    notebook = _notebook(tmp_path / "nb.ipynb", "seen = 'left' in dir()\nleft = year\nprint(seen, left)")
    template = run_chapter.load_notebook(notebook)
    session = run_chapter.KernelSession(tmp_path, timeout=60)
    try:
        outputs = [session.execute(run_chapter.parameterised(template, {"year": year})).cells[-1].outputs
                   for year in (2019, 2020)]
    finally:
        session.shutdown()
    assert ["".join(output["text"]).strip() for [output] in outputs] == ["False 2019", "False 2020"]


def test_a_failure_names_the_section_and_the_cause(tmp_path):
    """The error line names the section (the last heading above the failing cell) and the error itself."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 3.4 Partners"),
        nbformat.v4.new_code_cell("x = 1", outputs=[]),
        nbformat.v4.new_markdown_cell("## 3.5 Knelpunten\n\nTekst."),
        nbformat.v4.new_code_cell("y = x - None", outputs=[nbformat.v4.new_output(
            "error", ename="TypeError", evalue="unsupported operand type(s) for -: 'int' and 'NoneType'",
            traceback=[])]),
    ])
    path = tmp_path / "03_inhoud.failed.ipynb"
    nbformat.write(notebook, path)
    assert run_chapter.failure_place(path) == " in section '3.5 Knelpunten' (cell 3)"
    assert run_chapter.failure_place(tmp_path / "missing.ipynb") == ""

    class Wrapped(Exception):
        ename, evalue = "KeyError", "'financiele_middelen'"

    assert run_chapter.failure_cause(Wrapped()) == "KeyError: 'financiele_middelen'"
    assert run_chapter.failure_cause(ValueError("kapot")) == "ValueError: kapot"
