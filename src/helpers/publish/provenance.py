"""Provenance of one published wave: the code, parameters and input files a report was built from.

helpers.publish.assemble renders it as the colophon ("Colofon") at the end of the whole report and of every chapter page (HTML
and PDF), and writes its summary into reports/<year>/MANIFEST. Everything here is a pure function of the repository
and the input files, with no dates or absolute paths of the build, so that two builds from the same inputs stay
byte-identical.

- Code: ``git rev-parse HEAD`` of the repository, plus "(met niet-vastgelegde wijzigingen)" when ``git status
  --porcelain`` shows a change to a tracked file under src/, notebooks/, data/codebook, data/published or the
  Makefile (untracked files do not count: they are nobody's input until added).
- Parameters: ``year`` and ``small_threshold`` as the executed chapter notebooks ran with them (their parameters cell
  with papermill's injected parameters on top), ``processed_dir`` (resolved against the notebooks' folder, papermill's
  working directory) and ``parts_dir`` (what helpers.publish.assemble read). Paths are shown relative to the build root
  (``--root``, the repository for ``make report``), else relative to the repository, else as they are.
- Input files, each with its SHA-256, in groups: the survey export of the wave and data/raw/survey/provenance.yml;
  the CBS reference set (data/raw/reference/*, with its PROVENANCE.yml); the codebook (data/codebook/**); the
  published numbers (data/published/*); notebooks/report.yml and the chapter notebooks it lists; the processed data
  (data/processed/<wave>/* of this wave and of the earlier waves the chapters compare with, frames.parquet and
  crosswalk.parquet). A missing file is listed as missing ("ontbreekt"), never skipped silently.
- Data: the synthetic stand-in or not. Synthetic only when the processed quality.json says so (the cleaning checked
  the export's sha256 against provenance.yml) *and* provenance.yml still lists that sha256 as synthetic.

Command line (prints the provenance of the last build of a wave)::

    python -m helpers.publish.provenance --year 2023 [--json]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from helpers import CODEBOOK_DIR, PUBLISHED_DIR, RAW_DIR, REPO_ROOT
from helpers.core import yamlfiles
from helpers.core.reproducible import sha256_file
from helpers.data.cleaning import provenance_entries
from helpers.publish.parts import load_parts

# The tracked paths whose uncommitted changes make a build differ from its commit.
DIRTY_PATHS = ("src", "notebooks", "data/codebook", "data/published", "Makefile")
DIRTY_NOTE = "met niet-vastgelegde wijzigingen"
SURVEY_PROVENANCE = "survey/provenance.yml"  # relative to the raw directory (helpers.data.cleaning.PROVENANCE_FILE)
REFERENCE_DIR_ENV = "FLITSPEILING_REFERENCE_DIR"  # as helpers.data.municipalities (not imported: it loads pandas)
REFERENCE_PROVENANCE = "PROVENANCE.yml"
FRAME_FILES = ("frames.parquet", "crosswalk.parquet")
PROCESSED_FILES = ("responses.parquet", "answers.parquet", "quality.json")
SHOWN_PARAMETERS = ("year", "small_threshold")
MISSING = "ontbreekt"

GROUPS = {
    "survey": "Enquête-export",
    "reference": "CBS-referentiebestanden",
    "codebook": "Codeboek",
    "published": "Gepubliceerde cijfers",
    "notebooks": "Rapportopzet en notebooks",
    "processed": "Verwerkte gegevens",
}


# ----------------------------------------------------------------------------------------------------------------
# Code


@dataclass(frozen=True)
class GitState:
    """The commit of the repository and whether tracked inputs differ from it."""

    commit: str | None  # None: not a git repository, or git is not installed
    dirty: bool = False
    changed: tuple[str, ...] = ()  # the changed tracked paths (git status --porcelain)

    @property
    def text(self) -> str:
        if self.commit is None:
            return "onbekend (geen git-repository)"
        return f"{self.commit} ({DIRTY_NOTE})" if self.dirty else self.commit


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False,
                              timeout=60, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(repo: Path | str = REPO_ROOT, paths: Sequence[str] = DIRTY_PATHS) -> GitState:
    """HEAD of `repo` and the tracked files under `paths` that differ from it (staged or not).

    ``GIT_OPTIONAL_LOCKS=0``: the status does not refresh the index, so a build never writes into .git (other work in
    the same tree is not disturbed)."""
    repo = Path(repo)
    head = _git(repo, "rev-parse", "--verify", "HEAD")
    if head is None:
        return GitState(commit=None)
    status = _git(repo, "status", "--porcelain", "--untracked-files=no", "--", *paths)
    changed = tuple(sorted(line[3:] for line in (status or "").splitlines() if line.strip()))
    return GitState(commit=head.strip(), dirty=bool(changed), changed=changed)


# ----------------------------------------------------------------------------------------------------------------
# Parameters of the executed notebooks


def _literal_assignments(source: str) -> dict:
    """``name = <literal>`` lines of a parameters cell; anything else is ignored."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    return values


def notebook_parameters(notebook: Path | str) -> dict:
    """The parameters a notebook ran with: its cell tagged ``parameters`` with the cell papermill injected
    (``injected-parameters``) applied on top; papermill's metadata when the cells cannot be read."""
    document = json.loads(Path(notebook).read_text(encoding="utf-8"))
    values: dict = {}
    injected = False
    for cell in document.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters"}:
            source = cell.get("source", "")
            values.update(_literal_assignments("".join(source) if isinstance(source, list) else source))
            injected = injected or "injected-parameters" in tags
    if not injected:
        values.update(document.get("metadata", {}).get("papermill", {}).get("parameters") or {})
    return values


# ----------------------------------------------------------------------------------------------------------------
# Paths as shown


def display_path(path: Path | str, bases: Iterable[Path | str | None] = (REPO_ROOT,)) -> str:
    """`path` relative to the first of `bases` that holds it (POSIX separators), else the path as it is."""
    path = Path(os.path.normpath(Path(path).absolute()))
    for base in bases:
        if base is None:
            continue
        base = Path(os.path.normpath(Path(base).absolute()))
        try:
            relative = path.relative_to(base).as_posix()
        except ValueError:
            continue
        return relative if relative != "." else "."
    return path.as_posix()


# ----------------------------------------------------------------------------------------------------------------
# The whole provenance


@dataclass(frozen=True)
class InputFile:
    group: str  # a key of GROUPS
    path: str  # as shown (display_path)
    sha256: str | None  # None: the file is missing
    note: str = ""


@dataclass(frozen=True)
class DataStatus:
    synthetic: bool
    status: str  # "synthetic", "real/unknown", "inconsistent" or "unknown"
    text: str  # Dutch, for the colophon


@dataclass
class Provenance:
    year: int
    git: GitState
    parameters: list[tuple[str, str]]  # (name, value as shown), in order
    files: list[InputFile]
    data: DataStatus
    problems: list[str] = field(default_factory=list)  # inputs that are missing or do not match their record

    @property
    def inputs_sha256(self) -> str:
        """One fingerprint of all inputs: SHA-256 of the lines "<sha256>  <path>" (missing: "-" as hash)."""
        lines = "".join(f"{item.sha256 or '-'}  {item.path}\n" for item in self.files)
        return hashlib.sha256(lines.encode("utf-8")).hexdigest()

    def groups(self) -> list[dict]:
        """The input files by group, in the order of GROUPS (for the colophon's table)."""
        return [{"key": key, "title": title, "files": [item for item in self.files if item.group == key]}
                for key, title in GROUPS.items() if any(item.group == key for item in self.files)]

    def manifest_lines(self) -> list[str]:
        """The provenance lines of reports/<year>/MANIFEST (without the leading "# ")."""
        return [f"commit: {self.git.text}",
                "parameters: " + " ".join(f"{name}={value}" for name, value in self.parameters),
                f"data: {self.data.status}",
                f"inputs: {self.inputs_sha256} (SHA-256 of the {len(self.files)} input files and their hashes listed "
                f"in the colophon)"]

    def to_dict(self) -> dict:
        return {"year": self.year, "commit": self.git.commit, "dirty": self.git.dirty,
                "changed": list(self.git.changed), "parameters": dict(self.parameters),
                "data": asdict(self.data), "inputs_sha256": self.inputs_sha256,
                "files": [asdict(item) for item in self.files], "problems": list(self.problems)}


def _files_in(directory: Path, recursive: bool = False) -> list[Path]:
    if not directory.is_dir():
        return []
    found = directory.rglob("*") if recursive else directory.iterdir()
    return sorted((path for path in found if path.is_file()
                   and not any(part.startswith(".") or part == "__pycache__"
                               for part in path.relative_to(directory).parts)),
                  key=lambda path: path.relative_to(directory).as_posix())


def _yaml(path: Path):
    try:
        return yamlfiles.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def data_status(quality: Mapping | None, survey_provenance: Path | None, reported: bool | None = None) -> DataStatus:
    """Synthetic stand-in or not, from quality.json's provenance, checked against provenance.yml as it is now.

    `survey_provenance` None: the export is not in the raw directory (cleaned from elsewhere, e.g. a test's copy), so
    the check the cleaning made against the provenance.yml next to it is all there is. `reported`: what the chapters'
    manifests say, shown when there is no quality.json to check it with."""
    if quality is None:
        if reported is None:
            return DataStatus(False, "unknown", "Onbekend: de verwerkte gegevens hebben geen quality.json")
        return DataStatus(bool(reported), "unknown",
                          f"{'Ja' if reported else 'Nee'}, volgens de hoofdstukken; niet na te gaan: de verwerkte "
                          "gegevens hebben geen quality.json")
    info = quality.get("provenance") or {}
    if survey_provenance is None:
        if info.get("synthetic") is True:
            return DataStatus(True, "synthetic",
                              "Ja: de synthetische vervanger van de enquêtegegevens (bij het opschonen vastgesteld met "
                              "de provenance.yml naast de export, die niet in data/raw/survey staat)")
        return DataStatus(False, "real/unknown", "Nee: bij het opschonen niet als synthetische vervanger herkend")
    export = (info.get("input_files") or [{}])[0]
    name, digest = str(export.get("file", "")), export.get("sha256")
    listed = [entry for entry in provenance_entries(_yaml(survey_provenance)) if survey_provenance.is_file()
              and (str(entry.get("file", "")) == name or Path(str(entry.get("file", ""))).name == Path(name).name)]
    matches = [entry for entry in listed if digest and entry.get("sha256") == digest]
    if info.get("synthetic") is True and any(entry.get("synthetic") is True for entry in matches):
        return DataStatus(True, "synthetic",
                          "Ja: de synthetische vervanger van de enquêtegegevens (de SHA-256 van de export staat zo, "
                          f"als synthetisch, in data/raw/{SURVEY_PROVENANCE})")
    if info.get("synthetic") is True:
        return DataStatus(True, "inconsistent",
                          f"Onzeker: bij het opschonen als synthetisch herkend, maar data/raw/{SURVEY_PROVENANCE} "
                          "vermeldt de SHA-256 van de export nu niet (meer) als synthetisch; maak de gegevens opnieuw "
                          "(make data)")
    if matches:
        return DataStatus(False, "real/unknown",
                          f"Nee: data/raw/{SURVEY_PROVENANCE} vermeldt de export als niet synthetisch")
    return DataStatus(False, "real/unknown",
                      f"Nee: echte of onbekende export (data/raw/{SURVEY_PROVENANCE} beschrijft dit bestand niet met "
                      "deze SHA-256, dus het is niet de synthetische vervanger)")


def _shown_value(values: dict[str, list[str]]) -> str:
    """One value when all notebooks agree, else every value with the notebooks that used it."""
    if len(values) == 1:
        return next(iter(values))
    return "; ".join(f"{value} ({', '.join(stems)})" for value, stems in sorted(values.items()))


def collect(year: int, *, report_yml: Path, notebooks: Sequence[Path], parts_dir: Path, root: Path | None = None,
            repo: Path = REPO_ROOT, raw_dir: Path = RAW_DIR, codebook_dir: Path = CODEBOOK_DIR,
            published_dir: Path = PUBLISHED_DIR, reference_dir: Path | None = None,
            chapter_notebooks: Sequence[Path] | None = None, git: GitState | None = None,
            reported_synthetic: bool | None = None) -> Provenance:
    """The provenance of wave `year` as published from the executed `notebooks` and the parts in `parts_dir`.

    `report_yml`: the report's outline; its folder is the chapters' working directory (papermill --cwd), against
    which a relative ``processed_dir`` parameter is resolved. `chapter_notebooks`: the source notebooks (default: the
    executed notebooks' names in that folder). `root`: the build root (paths are shown relative to it first).
    `reported_synthetic`: whether the chapters' manifests call the data synthetic (a disagreement is a problem).
    """
    report_yml, parts_dir = Path(report_yml), Path(parts_dir)
    bases = [base for base in (root, repo) if base is not None]
    working_dir = report_yml.parent
    reference_dir = Path(reference_dir or os.environ.get(REFERENCE_DIR_ENV) or Path(raw_dir) / "reference")

    parameters, processed_dirs = _notebook_parameters(year, notebooks, working_dir, bases)
    parameters.append(("parts_dir", display_path(parts_dir, bases)))
    inputs = _Inputs(bases)

    # The processed data of this wave tells which export it was cleaned from. Without executed notebooks: the
    # notebooks' default, ../data/processed.
    processed = processed_dirs or [Path(os.path.normpath(working_dir / "../data/processed"))]
    quality = _quality_json(processed, year)

    # Survey export and its provenance.
    survey_provenance = Path(raw_dir) / SURVEY_PROVENANCE
    exports = ((quality or {}).get("provenance") or {}).get("input_files") or []
    _add_exports(inputs, exports, Path(raw_dir))
    if not exports:
        inputs.problems.append(f"no export recorded for {year} (quality.json missing)")
    inputs.add("survey", survey_provenance)

    # CBS reference set, checked against its PROVENANCE.yml.
    recorded_reference = _yaml(reference_dir / REFERENCE_PROVENANCE) or {}
    reference_files = _files_in(reference_dir) or [reference_dir / REFERENCE_PROVENANCE]
    for path in reference_files:
        record = recorded_reference.get(path.name) if isinstance(recorded_reference, dict) else None
        inputs.add("reference", path, expected=record.get("sha256") if isinstance(record, dict) else None)

    for path in _files_in(Path(codebook_dir), recursive=True) or [Path(codebook_dir)]:
        inputs.add("codebook", path)
    for path in _files_in(Path(published_dir)) or [Path(published_dir)]:
        inputs.add("published", path)

    inputs.add("notebooks", report_yml)
    sources = chapter_notebooks if chapter_notebooks is not None else [working_dir / Path(nb).name for nb in notebooks]
    for path in sorted(Path(nb) for nb in sources):
        inputs.add("notebooks", path)

    for directory in processed:
        _add_processed(inputs, directory, year)

    exported_here = any((Path(raw_dir) / str(export.get("file", ""))).is_file() for export in exports)
    data = data_status(quality, survey_provenance if exported_here or not exports else None, reported_synthetic)
    if reported_synthetic is not None and bool(reported_synthetic) != data.synthetic:
        inputs.problems.append(f"the chapters call the data {'synthetic' if reported_synthetic else 'real'}, the "
                               f"processed data and provenance.yml say {data.status}")
    git = git if git is not None else git_state(repo)
    return Provenance(year=int(year), git=git, parameters=parameters, files=inputs.files, data=data,
                      problems=inputs.problems)


@dataclass
class _Inputs:
    """The colophon's input files as `collect` lists them, and the problems found on the way."""

    bases: list[Path]  # paths are shown relative to the first of these that holds them
    files: list[InputFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, group: str, path: Path, note: str = "", expected: str | None = None) -> InputFile:
        """List `path` with its SHA-256; a missing file, or a hash other than the `expected` one, is a problem."""
        digest = sha256_file(path) if path.is_file() else None
        if digest is None:
            note = MISSING
            self.problems.append(f"{display_path(path, self.bases)}: missing")
        elif expected and expected != digest:
            note = note or f"vastgelegd: {expected}"
            self.problems.append(f"{display_path(path, self.bases)}: sha256 differs from the recorded {expected}")
        else:
            note = ""
        item = InputFile(group, display_path(path, self.bases), digest, note)
        self.files.append(item)
        return item


def _notebook_parameters(year: int, notebooks: Sequence[Path], working_dir: Path,
                         bases: Sequence[Path]) -> tuple[list[tuple[str, str]], list[Path]]:
    """The parameters shown in the colophon (SHOWN_PARAMETERS and processed_dir, each with the notebooks that used a
    value when they differ), and the processed directories the notebooks read (relative ones resolved against
    their working directory)."""
    shown: dict[str, dict[str, list[str]]] = {name: {} for name in (*SHOWN_PARAMETERS, "processed_dir")}
    processed_dirs: dict[str, Path] = {}
    for notebook in notebooks:
        notebook = Path(notebook)
        if not notebook.is_file():
            continue
        values = notebook_parameters(notebook)
        for name in SHOWN_PARAMETERS:
            if name in values:
                shown[name].setdefault(str(values[name]), []).append(notebook.stem)
        if "processed_dir" in values:
            directory = Path(str(values["processed_dir"]))
            directory = directory if directory.is_absolute() else working_dir / directory
            text = display_path(directory, bases)
            processed_dirs.setdefault(text, directory)
            shown["processed_dir"].setdefault(text, []).append(notebook.stem)
    if not shown["year"]:
        shown["year"] = {str(year): []}
    parameters = [(name, _shown_value(values)) for name, values in shown.items() if values]
    return parameters, list(processed_dirs.values())


def _quality_json(processed: Sequence[Path], year: int) -> dict | None:
    """The wave's quality.json in the first processed directory that has one."""
    for directory in processed:
        path = directory / str(int(year)) / "quality.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


def _add_exports(inputs: _Inputs, exports: Sequence[Mapping], raw_dir: Path) -> None:
    """The survey exports the wave was cleaned from (quality.json), checked against the hashes recorded then."""
    for export in exports:
        path = raw_dir / str(export.get("file", ""))
        recorded = export.get("sha256")
        if path.is_file():
            inputs.add("survey", path, expected=recorded, note=f"bij het opschonen: {recorded}")
        elif recorded:  # cleaned from an export elsewhere (a test's raw directory): the hash the cleaning recorded
            inputs.files.append(InputFile("survey", display_path(path, inputs.bases), recorded,
                                          "SHA-256 uit quality.json; het bestand staat niet in deze map"))
        else:
            inputs.add("survey", path)


def _add_processed(inputs: _Inputs, directory: Path, year: int) -> None:
    """Processed data: this wave (always listed), earlier waves that are there (the chapters compare with them),
    the frames."""
    waves = sorted(int(path.name) for path in directory.iterdir()
                   if path.is_dir() and path.name.isdigit() and int(path.name) < int(year)) \
        if directory.is_dir() else []
    for wave in waves:
        for path in _files_in(directory / str(wave)):
            inputs.add("processed", path)
    present = {path.name for path in _files_in(directory / str(int(year)))}
    for name in sorted(present | set(PROCESSED_FILES)):
        inputs.add("processed", directory / str(int(year)) / name)
    for name in FRAME_FILES:
        inputs.add("processed", directory / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.provenance",
                                     description="The provenance (code, parameters, inputs) of a wave's last build.")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="build root (default: this repository)")
    parser.add_argument("--json", action="store_true", help="as JSON")
    args = parser.parse_args(argv)

    build, report_yml = args.root / "build" / str(args.year), REPO_ROOT / "notebooks" / "report.yml"
    stems = [part.stem for part in load_parts(report_yml)]
    provenance = collect(args.year, report_yml=report_yml, parts_dir=build / "parts", root=args.root,
                         notebooks=[build / "notebooks" / f"{stem}.ipynb" for stem in stems],
                         chapter_notebooks=[report_yml.parent / f"{stem}.ipynb" for stem in stems])
    if args.json:
        print(json.dumps(provenance.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(provenance.manifest_lines()))
        for item in provenance.files:
            print(f"{item.sha256 or '-':64}  {item.path}{'  (' + item.note + ')' if item.note else ''}")
    for problem in provenance.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
