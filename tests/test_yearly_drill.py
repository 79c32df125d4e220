"""The yearly drill: next year's export, with a changed questionnaire, added exactly as docs/adding-a-wave.md says.

A copy of this checkout (its files as a researcher has them, the environment and the CBS lists of this checkout) gets
the made-up 2024 wave of tests/fixtures/wave2024_change/ (see its README.md: a LimeSurvey export in the 2023 tool's
dialect with a new item, a new option, a dropped item, a relabelled answer, a new question and one no longer asked).
Only data and YAML are edited, in the order of the docs:
  1. the export into data/raw/survey/ (and, because it is made up, its provenance entry: "synthetische gegevens");
  2. the new entries into data/codebook/questions.yml and the wave's mapping waves/2024.yml; `make codebook`;
  3. the municipality frame: nothing to do for 2024 (the 2023 list, no reorganisation on 1 January 2024);
  4. the wave list: nothing to do;
  5. `make data`, `make report YEAR=2024`, `make factsheets YEAR=2024`.
Then the earlier waves must be as they were: the 2023 report of the copy, built after the change, has the same
cijfers.csv as this checkout's (make test built it before), and the processed tables of 2018-2023 are identical.
The test prints every command with its time (`pytest -s` shows them; the closing note of the issue quotes them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

import helpers

pytestmark = pytest.mark.build

REPO = helpers.REPO_ROOT
FIXTURE = Path(__file__).parent / "fixtures" / "wave2024_change"
YEAR = 2024
EARLIER = (2018, 2019, 2020, 2021, 2022, 2023)



def _checkout_copy(target: Path) -> None:
    """The files of this checkout a researcher has (tracked and new, not ignored), with their modification times, so
    that make finds the environment of this checkout up to date; the environment itself is shared (a link), the CBS
    lists copied (they are not committed)."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.split(b"\0")
    for name in (entry.decode() for entry in listed if entry):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copytree(REPO / "data" / "raw" / "reference", target / "data" / "raw" / "reference")
    (target / ".venv").symlink_to(REPO / ".venv")


def add_to_questions(additions_file: Path, questions_file: Path) -> None:
    """Copy the entries of questions_additions.yml into questions.yml as a researcher does in an editor: each new item
    or option as one line at the end of its question's list, the new questions' lines at the end of the file (the
    `questions:` list is its last part). Comments and layout of questions.yml stay as they are."""
    additions = yaml.safe_load(additions_file.read_text(encoding="utf-8"))
    lines = questions_file.read_text(encoding="utf-8").splitlines()
    for key in ("items", "options"):
        for question, entries in (additions.get(key) or {}).items():
            start = lines.index(f"  - id: {question}")
            listing = next(i for i in range(start, len(lines)) if lines[i] == f"    {key}:")
            end = listing + 1
            while end < len(lines) and lines[end].startswith("      - "):
                end += 1
            lines[end:end] = ["      - " + yaml.safe_dump(entry, default_flow_style=True, allow_unicode=True,
                                                           width=1000).strip() for entry in entries]
    text = additions_file.read_text(encoding="utf-8").splitlines()
    new_questions = text[text.index("questions:") + 1:]
    questions_file.write_text("\n".join([*lines, "", *new_questions]) + "\n", encoding="utf-8")


def append_provenance(entry_file: Path, provenance_file: Path) -> None:
    """Add the entries under `files:` of `entry_file` to the `files:` list that ends data/raw/survey/provenance.yml."""
    text = entry_file.read_text(encoding="utf-8").splitlines()
    entries = text[text.index("files:") + 1:]
    with open(provenance_file, "a", encoding="utf-8") as handle:
        handle.write("\n".join(entries) + "\n")


class Drill:
    def __init__(self, root: Path):
        self.root = root
        self.times: list[tuple[str, float]] = []
        # The copy's own helpers (the environment's editable install points at this checkout's src/).
        self.env = {**os.environ, "PYTHONPATH": str(root / "src"), "MAKEFLAGS": "",
                    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_NAME": "drill", "GIT_AUTHOR_EMAIL": "drill@example.org",
                    "GIT_COMMITTER_NAME": "drill", "GIT_COMMITTER_EMAIL": "drill@example.org"}
        self.env.pop(helpers.CODEBOOK_DIR_ENV, None)

    def run(self, command: str) -> str:
        started = time.perf_counter()
        done = subprocess.run(command, shell=True, cwd=self.root, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        self.times.append((command, seconds))
        print(f"[drill] {command}: {seconds:.1f} s (exit {done.returncode})")
        assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout


@pytest.fixture(scope="module")
def drill(tmp_path_factory) -> Drill:
    if not (REPO / "data" / "raw" / "reference" / "gemeenten_2023.csv").is_file():
        pytest.skip("no CBS reference lists in data/raw/reference (make reference)")
    if not (REPO / "reports" / "2023" / "cijfers.csv").is_file():
        pytest.skip("the 2023 report of this checkout is not built (make report)")
    root = tmp_path_factory.mktemp("drill") / "flitspeiling"
    _checkout_copy(root)
    drill = Drill(root)
    drill.run("git init -q && git add -A && git commit -qm 'the checkout before the new wave'")

    # Step 1: the export, as the survey tool wrote it, and (made up, so marked) its provenance entry.
    shutil.copy2(FIXTURE / "survey" / "flitspeiling_2024.csv", root / "data" / "raw" / "survey")
    append_provenance(FIXTURE / "survey" / "provenance.yml", root / "data" / "raw" / "survey" / "provenance.yml")
    # Step 2: the new questionnaire entries and the wave's mapping, then the codebook check.
    add_to_questions(FIXTURE / "questions_additions.yml", root / "data" / "codebook" / "questions.yml")
    shutil.copy2(FIXTURE / "waves" / "2024.yml", root / "data" / "codebook" / "waves" / "2024.yml")
    drill.codebook_report = drill.run("make codebook")
    # Step 5: build.
    drill.run("make -j2 data")
    drill.run(f"make -j2 report YEAR={YEAR}")
    drill.run(f"make factsheets YEAR={YEAR}")
    drill.run("make -j2 report YEAR=2023")
    return drill


def test_the_codebook_check_shows_the_new_wave_and_refuses_nothing(drill):
    printed = drill.codebook_report
    assert f"waves 2018, 2019, 2020, 2021, 2022, 2023, {YEAR}" in printed
    assert f"+ item obstacles.financiele_middelen ('Financiële middelen'), asked in: {YEAR}" in printed
    assert f"+ question toegankelijkheidstoets (single), asked in: {YEAR}" in printed
    assert [f"  {year}: unchanged" in printed for year in EARLIER] == [True] * len(EARLIER)
    assert f"  {YEAR}: new wave" in printed and "OK: every wave's export fits its mapping" in printed


def test_the_2024_report_is_built(drill):
    reports = drill.root / "reports" / str(YEAR)
    for name in (f"flitspeiling_{YEAR}.html", f"flitspeiling_{YEAR}.pdf", "tabellenboek.xlsx", "cijfers.csv",
                 "MANIFEST", "datakwaliteit.html"):
        assert (reports / name).is_file() and (reports / name).stat().st_size > 0, name
    whole = (reports / f"flitspeiling_{YEAR}.html").read_text(encoding="utf-8")
    assert "synthetische gegevens" in whole
    assert f"nieuw in {YEAR}" in whole  # the new obstacle item and support option are marked, not compared


def test_the_new_question_reaches_the_reader_without_code(drill):
    """The new yes/no question: its own tabellenboek sheet and cijfers rows, and a section in Bijlage C, because no
    chapter declares it (docs/adding-a-wave.md, step 6)."""
    from openpyxl import load_workbook

    reports = drill.root / "reports" / str(YEAR)
    cijfers = pd.read_csv(reports / "cijfers.csv", dtype=str)
    rows = cijfers[cijfers["table"] == "vraag_toegankelijkheidstoets"]
    assert set(rows["answer"]) >= {"ja", "nee"} and "alle" in set(rows["group"])
    assert "Vraag toegankelijkheidstoets" in load_workbook(reports / "tabellenboek.xlsx", read_only=True).sheetnames
    appendix = (reports / "08_overige_vragen.html").read_text(encoding="utf-8")
    assert "Laat uw gemeente nieuwe plannen en gebouwen toetsen op toegankelijkheid" in appendix
    earlier = (drill.root / "reports" / "2023" / "08_overige_vragen.html").read_text(encoding="utf-8")
    assert "toetsen op toegankelijkheid" not in earlier


def test_the_2024_factsheets_are_built(drill):
    folder = drill.root / "reports" / str(YEAR) / "factsheets"
    index = pd.read_csv(folder / "INDEX.csv", dtype=str)
    participants = pd.read_parquet(drill.root / "data" / "processed" / str(YEAR) / "responses.parquet")
    assert len(index) > 0 and set(index["wave"]) == {str(YEAR)}
    assert len(index) <= len(participants)
    for name in [*index["html"], *index["pdf"]]:
        assert (folder / name).is_file() and (folder / name).stat().st_size > 0, name


def test_the_2023_report_did_not_change(drill):
    before = (REPO / "reports" / "2023" / "cijfers.csv").read_bytes()
    after = (drill.root / "reports" / "2023" / "cijfers.csv").read_bytes()
    assert after == before, "adding the 2024 wave changed the numbers of the 2023 report"


@pytest.mark.parametrize("year", EARLIER)
def test_the_processed_data_of_earlier_waves_did_not_change(drill, year):
    for table in ("responses", "answers"):
        before = pd.read_parquet(REPO / "data" / "processed" / str(year) / f"{table}.parquet")
        after = pd.read_parquet(drill.root / "data" / "processed" / str(year) / f"{table}.parquet")
        pd.testing.assert_frame_equal(after, before, obj=f"{year} {table}")
