"""The synthetic stand-in for the confidential survey exports of the Flitspeiling 2018-2023.

`generate(out, seed)` writes one export per wave in the survey tool's dialect (helpers.data.exports.write_export) plus
provenance.yml, after checking that the data reproduces every calibrated published number
(data/published/published_numbers.yml) and tells the story the reports tell. Same seed, same bytes.

    python -m helpers.synthetic [--out data/raw/survey] [--seed 20231001] [--report]

How it is built, and every assumption: data/synthetic/README.md. The calibration targets: data/synthetic/targets.yml.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helpers import RAW_DIR
from helpers.core.reproducible import sha256_file
from helpers.data.codebook import codebook
from helpers.data.exports import write_export

DEFAULT_SEED = 20231001
DEFAULT_OUT = RAW_DIR / "survey"
PROVENANCE = "provenance.yml"
GENERATOR = "helpers.synthetic"
STATEMENT = ("Synthetische vervanging van de vertrouwelijke export, gekalibreerd op de gepubliceerde cijfers / "
             "Synthetic stand-in for the confidential export, calibrated to the published figures.")


class CalibrationFailed(RuntimeError):
    """The generated data does not reproduce a published number or breaks the story; nothing is written."""


@dataclass
class StandIn:
    """Everything generated, in memory: participants, phases, answers and export rows per wave."""

    seed: int
    targets: object
    participants: dict
    kinds: dict
    waves: dict
    rows: dict
    tables: dict = field(default_factory=dict)


def build(seed: int | None = None, targets=None) -> StandIn:
    """Generate every wave in memory (nothing is written)."""
    from helpers.synthetic import answers, participants, phases
    from helpers.synthetic import rows as rows_module
    from helpers.synthetic.targets import targets as load_targets

    targets = targets or load_targets()
    seed = targets.seed if seed is None else int(seed)
    people = participants.all_participants(targets, seed)
    kinds = phases.assign_phases(people, targets, seed)
    waves = {year: answers.build_answers(year, people[year], kinds[year], targets, seed) for year in people}
    rows = {year: rows_module.build_rows(wave, targets, seed) for year, wave in waves.items()}
    tables = {year: rows_module.export_table(rows[year], year, seed) for year in rows}
    return StandIn(seed=seed, targets=targets, participants=people, kinds=kinds, waves=waves, rows=rows,
                   tables=tables)


def check(stand_in: StandIn) -> None:
    """Raise CalibrationFailed when a calibrated published number or a story check fails."""
    from helpers.synthetic import verify

    results = verify.published_checks(stand_in.waves, list(stand_in.targets.numbers.values()))
    failing = results[results["ok"] != True]  # noqa: E712 - None (not computable) fails too
    problems = [f"{r.id} (wave {r.wave}): published {r.published}, {r.reason}" for r in failing.itertuples()]
    problems += verify.story_checks(stand_in.waves, stand_in.participants, stand_in.kinds)
    if problems:
        raise CalibrationFailed("the stand-in does not reproduce the reports:\n  " + "\n  ".join(problems))


def provenance(files: dict[int, Path], seed: int) -> dict:
    entries = []
    for year, path in sorted(files.items()):
        entries.append({"wave": year, "file": path.name, "sha256": sha256_file(path), "synthetic": True,
                        "generator": GENERATOR, "seed": seed, "statement": STATEMENT})
    return {"synthetic": True, "generator": GENERATOR, "seed": seed,
            "targets": "data/synthetic/targets.yml", "documentation": "data/synthetic/README.md", "files": entries}


def generate(out: Path | str = DEFAULT_OUT, seed: int | None = None, *, verify: bool = True) -> dict[int, Path]:
    """Write every wave's export and provenance.yml into `out`; returns the export paths per wave."""
    stand_in = build(seed)
    if verify:
        check(stand_in)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for year, table in stand_in.tables.items():
        spec = codebook().wave(year)
        local = dataclasses.replace(spec, file=Path(spec.file).name)
        files[year] = write_export(table, local, out)
    document = provenance(files, stand_in.seed)
    header = ("# Provenance of the survey exports in this folder. Written by helpers.synthetic; a real export that\n"
              "# replaces a file no longer matches its sha256 here, so reports stop calling it synthetic.\n")
    (out / PROVENANCE).write_text(header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=4096),
                                  encoding="utf-8")
    return files
