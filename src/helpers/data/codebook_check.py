"""The codebook check: what a change to the codebook does to every wave, and whether each wave's export still fits.

`python -m helpers.data.codebook_check` (`make codebook`) loads the codebook, compares every wave's resolved mapping
(the export columns it expects and the answers it accepts) with the codebook of a git revision (default HEAD: what you
had before editing), prints per wave what the change adds or removes, and reads each wave's export to refuse a change
that makes an earlier wave expect a column its export does not have or lose an answer its export writes.

Why: questions.yml is shared by all waves. Items and options are listed per wave (waves/<year>.yml), so adding one for
a new wave changes no other wave; but a reworded question or option label, or a new `comment` box, in questions.yml
still reaches every wave whose export is read by question text or label (text_xlsx, qualtrics_csv) or that asks the
question. Such an implicit change must be seen, and refused where the export lacks what it now expects.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from helpers import CODEBOOK_DIR, RAW_DIR
from helpers.data.codebook import Codebook, CodebookError, ColumnSpec, WaveSpec, load_codebook
from helpers.data.exports import ExportError, ExportProblems, read_export

ROLE_WORDS = {"answer": "answer", "selected": "tick box", "other": "'anders, namelijk' text", "comment":
              "toelichting box", "text": "open answer"}


@dataclass(frozen=True)
class WaveChange:
    """What a codebook change does to one wave's resolved mapping."""

    year: int
    new_wave: bool = False
    removed_wave: bool = False
    questions_added: tuple[str, ...] = ()
    questions_removed: tuple[str, ...] = ()
    columns_added: tuple[ColumnSpec, ...] = ()
    columns_removed: tuple[ColumnSpec, ...] = ()
    columns_renamed: tuple[tuple[ColumnSpec, ColumnSpec], ...] = ()  # (before, after): same meaning, other name
    answers_added: tuple[tuple[ColumnSpec, str], ...] = ()  # (column, what the export writes) now accepted
    answers_removed: tuple[tuple[ColumnSpec, str], ...] = ()  # no longer accepted
    texts_changed: tuple[tuple[ColumnSpec, str], ...] = ()  # (column, old header text) where the text row differs

    @property
    def unchanged(self) -> bool:
        return not (self.new_wave or self.removed_wave or self.questions_added or self.questions_removed
                    or self.columns_added or self.columns_removed or self.columns_renamed or self.answers_added or self.answers_removed
                    or self.texts_changed)


@dataclass
class CheckResult:
    changes: list[WaveChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # refusals: a wave's export no longer fits its mapping
    exports_read: list[int] = field(default_factory=list)
    exports_missing: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _describe(column: ColumnSpec) -> str:
    what = ROLE_WORDS.get(column.role, column.role)
    return f"{column.question}{'.' + column.item if column.item else ''} ({what}, column {column.column!r})"


def compare_codebooks(old: Codebook | None, new: Codebook) -> list[WaveChange]:
    """Per wave of either codebook (in year order), what changed in its resolved mapping from `old` to `new`."""
    old_waves = dict(old.waves) if old is not None else {}
    changes = []
    for year in sorted(set(old_waves) | set(new.waves)):
        if year not in old_waves:
            changes.append(WaveChange(year, new_wave=True))
        elif year not in new.waves:
            changes.append(WaveChange(year, removed_wave=True))
        else:
            changes.append(_wave_change(old_waves[year], new.waves[year]))
    return changes


def _key(column: ColumnSpec) -> tuple[str, str, str]:
    return column.question, column.item, column.role


def _wave_change(old: WaveSpec, new: WaveSpec) -> WaveChange:
    # Columns are matched by name; a column whose name changed but whose meaning (question, item, role) did not is
    # "renamed" (a reworded question or label in questions.yml, for exports that name columns by text).
    old_by_name = {c.column: c for c in old.columns}
    new_by_name = {c.column: c for c in new.columns}
    gone = {_key(c): c for c in old.columns if c.column not in new_by_name}
    renamed, added = [], []
    for column in new.columns:
        if column.column in old_by_name:
            continue
        if _key(column) in gone:
            renamed.append((gone.pop(_key(column)), column))
        else:
            added.append(column)
    answers_added, answers_removed, texts = [], [], []
    for before, column in [(old_by_name[c.column], c) for c in new.columns if c.column in old_by_name] + renamed:
        answers_added += [(column, raw) for raw in column.values if raw not in before.values]
        answers_removed += [(column, raw) for raw in before.values if raw not in column.values]
        if before.header_text != column.header_text:
            texts.append((column, before.header_text))
    return WaveChange(
        new.year,
        questions_added=tuple(q for q in new.questions if q not in old.questions),
        questions_removed=tuple(q for q in old.questions if q not in new.questions),
        columns_added=tuple(added), columns_removed=tuple(gone.values()), columns_renamed=tuple(renamed),
        answers_added=tuple(answers_added), answers_removed=tuple(answers_removed), texts_changed=tuple(texts))


def codebook_at(revision: str, codebook_dir: Path | str = CODEBOOK_DIR) -> Codebook | None:
    """The codebook directory `codebook_dir` as committed at git `revision` of the repository holding it (None when
    that revision has no such directory)."""
    codebook_dir = Path(codebook_dir).resolve()
    top = subprocess.run(["git", "-C", str(codebook_dir), "rev-parse", "--show-toplevel"], capture_output=True,
                         text=True)
    if top.returncode != 0:
        raise CodebookError(f"{codebook_dir} is not in a git repository; pass --against '' to check without a "
                            "comparison")
    repo = Path(top.stdout.strip())
    relative = codebook_dir.relative_to(repo).as_posix()
    done = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", revision, relative],
                          capture_output=True)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        if "did not match any files" in message:
            return None
        raise CodebookError(f"cannot read the codebook of git revision {revision!r}: {message}")
    with tempfile.TemporaryDirectory() as scratch:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(scratch, filter="data")
        return load_codebook(Path(scratch) / relative)


def _fix_for_missing(column: ColumnSpec, spec: WaveSpec) -> str:
    wave_file = f"data/codebook/waves/{spec.source.name}"
    if column.role == "comment":
        return (f"questions.yml now gives {column.question} a toelichting box that the {spec.year} export does not "
                f"have: set `comment: false` under {column.question} in {wave_file}")
    return (f"the change adds it to {spec.year}, whose export does not have it: list in {wave_file} only what "
            f"{spec.year} asked, or put the new entry in the new wave's file only")


def check(new: Codebook, old: Codebook | None, raw_dir: Path | str = RAW_DIR) -> CheckResult:
    """Compare `new` with `old` per wave and read every wave's export whose mapping changed (and every export when
    `old` is None): a change that the export does not fit is a problem, named with wave, column and fix."""
    result = CheckResult(changes=compare_codebooks(old, new))
    by_year = {change.year: change for change in result.changes}
    for year, spec in sorted(new.waves.items()):
        change = by_year[year]
        path = Path(raw_dir) / spec.file
        if not path.is_file():
            result.exports_missing.append(year)
            continue
        if old is not None and change.unchanged:
            continue
        result.exports_read.append(year)
        try:
            export = read_export(spec, raw_dir)
        except ExportError as error:
            result.problems.extend(_export_problems(error, change, spec))
            continue
        refused: dict[tuple[str, str], list[str]] = {}
        for column, raw in change.answers_removed:
            if column.column in export.table and (export.table[column.column] == raw).any():
                refused.setdefault((column.question, raw), []).append(column.column)
        for (question, raw), columns in refused.items():
            result.problems.append(
                f"{spec.year}: the export {spec.file} writes {raw!r} for {question} ({len(columns)} column(s), e.g. "
                f"{columns[0]!r}), which the changed codebook no longer accepts. An answer label was changed in "
                f"questions.yml; keep the {spec.year} label with `relabel:` under {question} in "
                f"data/codebook/waves/{spec.source.name}")
    return result


def _export_problems(error: ExportError, change: WaveChange, spec: WaveSpec) -> list[str]:
    problems = error.problems if isinstance(error, ExportProblems) else [error]
    by_column = {c.column: c for c in spec.columns}
    added = {c.column for c in change.columns_added}
    renamed = {after.column: before for before, after in change.columns_renamed}
    old_names = {before.column for before in renamed.values()}
    messages, renamed_questions = [], {}
    for problem in problems:
        column = by_column.get(problem.column or "")
        if column is not None and problem.column in renamed and "missing" in problem.problem:
            renamed_questions.setdefault(column.question, []).append((renamed[problem.column], column))
        elif column is not None and problem.column in added and "missing" in problem.problem:
            messages.append(f"{spec.year}: the codebook change makes {spec.year} expect {_describe(column)}, which "
                            f"{spec.file} does not have. Fix: {_fix_for_missing(column, spec)}.")
        elif problem.column in old_names and "does not know" in problem.problem:
            continue  # the old name of a renamed column, reported with its question below
        else:
            messages.append(f"{spec.year}: {problem.message()}")
    for question, pairs in renamed_questions.items():
        before, after = pairs[0]
        messages.append(
            f"{spec.year}: the codebook change renames {len(pairs)} column(s) of {question} that {spec.file} still "
            f"names the old way (e.g. {before.column!r} -> {after.column!r}): its question text or a label was "
            f"reworded in questions.yml. Fix: keep the {spec.year} wording in data/codebook/waves/{spec.source.name} "
            f"(`text:` under {question} for the question, `item_relabel:` for an item or option label), or put the "
            "new wording only in the new wave's file.")
    return messages


def question_changes(old: Codebook | None, new: Codebook) -> list[str]:
    """Questions, items and options that `new` has and `old` has not, each with the waves that ask it."""
    if old is None:
        return []
    lines = []
    for question in new.questions.values():
        asking = [year for year, wave in sorted(new.waves.items()) if wave.asks(question.id)]
        if question.id not in old.questions:
            lines.append(f"  + question {question.id} ({question.type}), asked in: {_years(asking)}")
            continue
        before = old.questions[question.id]
        for kind, now, then in (("item", question.items, before.items), ("option", question.options, before.options)):
            known = {option.code for option in then}
            for option in now:
                if option.code not in known:
                    with_it = [year for year in asking if any(c.question == question.id and c.item == option.code
                                                              for c in new.waves[year].columns)]
                    lines.append(f"  + {kind} {question.id}.{option.code} ({option.label!r}), asked in: "
                                 f"{_years(with_it)}")
    lines += [f"  - question {qid}" for qid in old.questions if qid not in new.questions]
    return lines


def _years(years: Sequence[int]) -> str:
    return ", ".join(map(str, years)) if years else "no wave yet (list it in the new wave's file)"


def report_lines(result: CheckResult, against: str | None, added: Sequence[str] = ()) -> list[str]:
    """What `make codebook` prints: what questions.yml gained, per wave what the change does, then the verdict."""
    lines = [f"Compared with the codebook of {against}:" if against else "No earlier codebook to compare with."]
    if added:
        lines += ["questions.yml:", *added]
    for change in result.changes:
        lines.extend(_change_lines(change))
    if result.exports_missing:
        lines.append(f"No export in data/raw for: {', '.join(map(str, result.exports_missing))} (not checked).")
    if result.problems:
        lines.append(f"REFUSED: {len(result.problems)} problem(s):")
        lines.extend(f"  - {problem}" for problem in result.problems)
    else:
        read = ", ".join(map(str, result.exports_read)) or "none needed"
        lines.append(f"OK: every wave's export fits its mapping (exports read: {read}).")
    return lines


def _change_lines(change: WaveChange) -> list[str]:
    if change.new_wave:
        return [f"  {change.year}: new wave"]
    if change.removed_wave:
        return [f"  {change.year}: wave removed"]
    if change.unchanged:
        return [f"  {change.year}: unchanged"]
    lines = [f"  {change.year}:"]
    lines += [f"    + question {q}" for q in change.questions_added]
    lines += [f"    - question {q}" for q in change.questions_removed]
    lines += [f"    + expects {_describe(c)}" for c in change.columns_added]
    lines += [f"    - no longer expects {_describe(c)}" for c in change.columns_removed]
    renamed: dict[str, list[tuple[ColumnSpec, ColumnSpec]]] = {}
    for before, after in change.columns_renamed:
        renamed.setdefault(after.question, []).append((before, after))
    lines += [f"    ~ {len(pairs)} column(s) of {question} renamed, e.g. {pairs[0][0].column!r} -> {pairs[0][1].column!r}"
              for question, pairs in renamed.items()]
    lines += [f"    + accepts {raw!r} for {where}" for where, raw in _by_question(change.answers_added)]
    lines += [f"    - no longer accepts {raw!r} for {where}" for where, raw in _by_question(change.answers_removed)]
    lines += [f"    ~ question text of column {c.column!r}: {old!r} -> {c.header_text!r}" for c, old in change.texts_changed]
    return lines


def _by_question(answers: Sequence[tuple[ColumnSpec, str]]) -> list[tuple[str, str]]:
    """(question with its items, answer) once per question and answer: a scale label changes in every item."""
    items: dict[tuple[str, str], list[str]] = {}
    for column, raw in answers:
        items.setdefault((column.question, raw), []).append(column.item)
    return [(question + (f" ({len(codes)} items)" if len(codes) > 1 else f".{codes[0]}" if codes[0] else ""), raw)
            for (question, raw), codes in items.items()]


def main(argv: Sequence[str] | None = None, out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD",
                        help="git revision whose committed codebook is the 'before' (default HEAD; '' for none)")
    parser.add_argument("--codebook-dir", type=Path, default=CODEBOOK_DIR)
    parser.add_argument("--raw-dir", type=Path, default=RAW_DIR)
    args = parser.parse_args(argv)
    try:
        new = load_codebook(args.codebook_dir)
        old = codebook_at(args.against, codebook_dir=args.codebook_dir) if args.against else None
    except CodebookError as error:
        print(f"codebook error: {error}", file=out)
        return 1
    waves = ", ".join(map(str, sorted(new.waves)))
    directory = Path(args.codebook_dir).resolve()
    shown = directory.relative_to(Path.cwd()) if directory.is_relative_to(Path.cwd()) else directory
    print(f"Codebook {shown}: {len(new.questions)} questions, waves {waves}.", file=out)
    result = check(new, old, args.raw_dir)
    for line in report_lines(result, args.against or None, question_changes(old, new)):
        print(line, file=out)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
