"""The codebook: the harmonised questionnaire (questions.yml) and how each wave's export maps onto it (waves/*.yml).

Everything that knows a question text, an answer code, a label, the order of answers or the name of an export column
reads it from here. `load_codebook()` validates both files and resolves every wave into an explicit list of
`ColumnSpec`s: one per export column, with the mapping from what the export writes to the harmonised answer code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from helpers import CODEBOOK_DIR

QUESTION_TYPES = ("single", "matrix", "multi", "open")
DIALECTS = ("coded_csv", "text_xlsx")
# Roles of an export column: the answer of a single/matrix question, a ticked box of a multi question, the text of
# an "anders, namelijk" field, the "toelichting" box, or the text of an open question.
COLUMN_ROLES = ("answer", "selected", "other", "comment", "text")
METADATA_ROLES = ("respondent_id", "started_at", "submitted_at", "last_page", "status", "municipality")
PERSONAL_KINDS = ("name", "email", "ip", "phone")
SELECTED = "1"
NOT_SELECTED = "0"


class CodebookError(ValueError):
    """The codebook files contradict themselves; the message names the file and the entry."""


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    short: str = ""
    exclusive: bool = False  # a multi-choice option that cannot be combined with others ("geen behoefte")
    other_text: bool = False  # comes with an "anders, namelijk" text field
    substantive: bool = True  # False for "niet van toepassing": an answer, but no position on the scale
    in_table: bool = True  # False for options the report leaves out of its tables ("anders")

    @property
    def display(self) -> str:
        """The short label where the report uses one, else the full label."""
        return self.short or self.label


@dataclass(frozen=True)
class Group:
    """A grouping of answer codes the report uses, e.g. 'veel of heel veel aandacht'."""

    code: str
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    id: str
    kind: str
    options: tuple[Option, ...]
    groups: Mapping[str, Group]
    description: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    section: str
    text: str
    options: tuple[Option, ...] = ()  # answers of single questions, boxes of multi questions
    items: tuple[Option, ...] = ()  # rows of a matrix question
    scale: str | None = None
    groups: Mapping[str, Group] = field(default_factory=dict)
    asked_if: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    first_content: bool = False
    comment: bool = False
    source: str = ""
    note: str = ""

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(f"question {self.id!r} has no answer {code!r}; answers: {self.answer_codes()}")

    def item(self, code: str) -> Option:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(f"question {self.id!r} has no item {code!r}; items: {[i.code for i in self.items]}")

    def answer_codes(self) -> list[str]:
        return [option.code for option in self.options]

    def group(self, name: str) -> Group:
        if name not in self.groups:
            raise KeyError(f"question {self.id!r} has no group {name!r}; groups: {sorted(self.groups)}")
        return self.groups[name]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a wave's export and what it means in the harmonised questionnaire."""

    column: str
    question: str
    item: str  # item code (matrix), option code (multi, other), or "" (single, open, comment)
    role: str
    values: Mapping[str, str] = field(default_factory=dict)  # what the export writes -> harmonised code


@dataclass(frozen=True)
class WaveSpec:
    year: int
    title: str
    frame_date: dt.date
    size_reference_date: dt.date
    file: str  # relative to data/raw/
    dialect: str
    sheet: str | None
    metadata: Mapping[str, str]  # role -> export column
    personal: Mapping[str, str]  # kind -> export column; dropped before anything is stored
    questions: tuple[str, ...]  # harmonised ids asked in this wave, in questionnaire order
    columns: tuple[ColumnSpec, ...]
    source: Path

    def columns_for(self, question: str) -> list[ColumnSpec]:
        return [spec for spec in self.columns if spec.question == question]

    def expected_columns(self) -> list[str]:
        """Every column the export must have, in the order the survey tool writes them."""
        return [*self.metadata.values(), *self.personal.values(), *(spec.column for spec in self.columns)]

    def asks(self, question: str) -> bool:
        return question in self.questions


@dataclass(frozen=True)
class Codebook:
    questions: Mapping[str, Question]
    scales: Mapping[str, Scale]
    waves: Mapping[int, WaveSpec]

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(f"unknown question {question_id!r}; known: {list(self.questions)}") from None

    def wave(self, year: int) -> WaveSpec:
        try:
            return self.waves[int(year)]
        except KeyError:
            raise KeyError(
                f"no codebook mapping for wave {year}; add data/codebook/waves/{year}.yml "
                f"(waves with a mapping: {sorted(self.waves)})"
            ) from None

    @property
    def first_content_question(self) -> Question:
        return next(q for q in self.questions.values() if q.first_content)

    def waves_asking(self, question_id: str) -> list[int]:
        return [year for year, wave in sorted(self.waves.items()) if wave.asks(question_id)]


# --------------------------------------------------------------------------------------------------------------------
# Loading


def _options(raw: list, where: str) -> tuple[Option, ...]:
    options = []
    for entry in raw:
        if not isinstance(entry, dict) or "code" not in entry or "label" not in entry:
            raise CodebookError(f"{where}: every option needs a code and a label, got {entry!r}")
        unknown = set(entry) - {"code", "label", "short", "exclusive", "other_text", "substantive", "in_table"}
        if unknown:
            raise CodebookError(f"{where}: option {entry['code']!r} has unknown keys {sorted(unknown)}")
        options.append(Option(**{key: (str(value) if key in ("code", "label", "short") else value)
                                 for key, value in entry.items()}))
    codes = [option.code for option in options]
    if len(set(codes)) != len(codes):
        raise CodebookError(f"{where}: duplicate codes in {codes}")
    return tuple(options)


def _groups(raw: Mapping, valid_codes: list[str], where: str) -> dict[str, Group]:
    groups = {}
    for name, entry in (raw or {}).items():
        unknown = [code for code in entry["codes"] if code not in valid_codes]
        if unknown:
            raise CodebookError(f"{where}: group {name!r} uses unknown codes {unknown}; valid: {valid_codes}")
        groups[name] = Group(code=name, label=entry["label"], codes=tuple(entry["codes"]))
    return groups


def _read_yaml(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise CodebookError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: expected a mapping at the top level")
    return raw


def _load_questions(path: Path) -> tuple[dict[str, Question], dict[str, Scale]]:
    raw = _read_yaml(path)
    scales = {}
    for scale_id, entry in raw["scales"].items():
        options = _options(entry["options"], f"{path.name}: scale {scale_id}")
        scales[scale_id] = Scale(
            id=scale_id,
            kind=entry.get("kind", "nominal"),
            options=options,
            groups=_groups(entry.get("groups"), [o.code for o in options], f"{path.name}: scale {scale_id}"),
            description=entry.get("description", ""),
        )
    questions: dict[str, Question] = {}
    for entry in raw["questions"]:
        qid = entry["id"]
        where = f"{path.name}: question {qid}"
        if qid in questions:
            raise CodebookError(f"{where}: defined twice")
        if entry["type"] not in QUESTION_TYPES:
            raise CodebookError(f"{where}: type {entry['type']!r} is not one of {QUESTION_TYPES}")
        scale_id = entry.get("scale")
        if scale_id is not None and scale_id not in scales:
            raise CodebookError(f"{where}: unknown scale {scale_id!r}; scales: {sorted(scales)}")
        scale = scales.get(scale_id)
        if entry["type"] == "matrix":
            options, items = scale.options, _options(entry["items"], where)
        elif scale is not None:
            options, items = scale.options, ()
        else:
            options, items = _options(entry.get("options", []), where), ()
        if entry["type"] in ("single", "multi", "matrix") and not options:
            raise CodebookError(f"{where}: a {entry['type']} question needs options or a scale")
        codes = [o.code for o in options]
        groups = {**(scale.groups if scale else {}), **_groups(entry.get("groups"), codes, where)}
        asked_if = {}
        for earlier, answers in ((entry.get("routing") or {}).get("asked_if") or {}).items():
            if earlier not in questions:
                raise CodebookError(f"{where}: routing refers to {earlier!r}, which is not an earlier question")
            unknown = [a for a in answers if a not in questions[earlier].answer_codes()]
            if unknown:
                raise CodebookError(f"{where}: routing uses unknown answers {unknown} of {earlier!r}")
            asked_if[earlier] = tuple(answers)
        source = entry.get("source") or (entry.get("routing") or {}).get("source", "")
        questions[qid] = Question(
            id=qid, type=entry["type"], section=entry["section"], text=" ".join(str(entry["text"]).split()),
            options=options, items=items, scale=scale_id, groups=groups, asked_if=asked_if,
            first_content=bool(entry.get("first_content")), comment=bool(entry.get("comment")),
            source=" ".join(str(source).split()), note=entry.get("note", ""),
        )
    first = [q.id for q in questions.values() if q.first_content]
    if len(first) != 1:
        raise CodebookError(f"{path.name}: exactly one question must have first_content: true, found {first}")
    return questions, scales


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CodebookError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _resolve_values(question: Question, entry: Mapping, wave_dialect: str, where: str) -> dict[str, str]:
    """What the export writes for each answer of a single or matrix question -> harmonised code."""
    codes = question.answer_codes()
    if "values" in entry:  # coded exports: the survey tool's own answer codes
        values = {str(raw): str(code) for raw, code in entry["values"].items()}
        unknown = [code for code in values.values() if code not in codes]
        if unknown:
            raise CodebookError(f"{where}: values map onto unknown answers {unknown}; answers: {codes}")
        return values
    if wave_dialect == "coded_csv":
        raise CodebookError(f"{where}: a coded export needs `values` (export code -> answer code)")
    relabel = entry.get("relabel") or {}
    unknown = [code for code in relabel if code not in codes]
    if unknown:
        raise CodebookError(f"{where}: relabel names unknown answers {unknown}; answers: {codes}")
    return {" ".join(str(relabel.get(option.code, option.label)).split()): option.code for option in question.options}


def _ordered_subset(listed: list[str], options: tuple[Option, ...], what: str, where: str) -> list[Option]:
    by_code = {option.code: option for option in options}
    unknown = [code for code in listed if code not in by_code]
    if unknown:
        raise CodebookError(f"{where}: unknown {what} {unknown}; valid: {list(by_code)}")
    return [by_code[code] for code in listed]


def _resolve_question_columns(question: Question, entry: Mapping, wave: Mapping, where: str) -> list[ColumnSpec]:
    dialect = wave["export"]["dialect"]
    templates = wave["export"]["columns"]
    coded = dialect == "coded_csv"
    if coded and "qcode" not in entry:
        raise CodebookError(f"{where}: a coded export needs the question code `qcode`")
    qcode = str(entry.get("qcode", ""))
    text = " ".join(str(entry.get("text", question.text)).split())

    def name(template: str, icode: str = "", label: str = "") -> str:
        return templates[template].format(qcode=qcode, text=text, icode=icode, label=label)

    item_labels = entry.get("item_relabel") or {}
    columns: list[ColumnSpec] = []
    if question.type == "open":
        columns.append(ColumnSpec(name("answer"), question.id, "", "text"))
    elif question.type == "single":
        columns.append(ColumnSpec(name("answer"), question.id, "", "answer",
                                  _resolve_values(question, entry, dialect, where)))
        for option in question.options:
            if option.other_text:
                columns.append(ColumnSpec(name("other"), question.id, option.code, "other"))
    elif question.type == "matrix":
        items = _ordered_subset([str(c) for c in entry["items"]], question.items, "items", where) if coded \
            else list(question.items)
        values = _resolve_values(question, entry, dialect, where)
        for index, item in enumerate(items, start=1):
            label = " ".join(str(item_labels.get(item.code, item.label)).split())
            columns.append(ColumnSpec(name("item", f"SQ{index:03d}", label), question.id, item.code, "answer", values))
        for item in items:
            if item.other_text:
                columns.append(ColumnSpec(name("other"), question.id, item.code, "other"))
    elif question.type == "multi":
        options = _ordered_subset([str(c) for c in entry["options"]], question.options, "options", where) if coded \
            else list(question.options)
        for index, option in enumerate(options, start=1):
            label = " ".join(str(item_labels.get(option.code, option.label)).split())
            # Coded exports tick with a fixed mark ("Y"); text exports repeat the option's label in the cell.
            mark = str(entry.get("selected", "Y")) if coded else label
            columns.append(ColumnSpec(name("item", f"SQ{index:03d}", label), question.id, option.code, "selected",
                                      {mark: SELECTED}))
        for option in options:
            if option.other_text:
                columns.append(ColumnSpec(name("other"), question.id, option.code, "other"))
    if question.comment and entry.get("comment", True):
        columns.append(ColumnSpec(name("comment"), question.id, "", "comment"))
    return columns


def _load_wave(path: Path, questions: Mapping[str, Question]) -> WaveSpec:
    raw = _read_yaml(path)
    where = f"waves/{path.name}"
    year = int(raw["wave"])
    if path.stem != str(year):
        raise CodebookError(f"{where}: file name must be the wave year ({year}.yml)")
    export = raw["export"]
    if export["dialect"] not in DIALECTS:
        raise CodebookError(f"{where}: dialect {export['dialect']!r} is not one of {DIALECTS}")
    missing_templates = {"answer", "item", "other", "comment"} - set(export.get("columns", {}))
    if missing_templates:
        raise CodebookError(f"{where}: export.columns lacks templates for {sorted(missing_templates)}")
    metadata = {str(k): str(v) for k, v in raw["metadata"].items()}
    bad_roles = set(metadata) - set(METADATA_ROLES)
    if bad_roles or "respondent_id" not in metadata or "municipality" not in metadata:
        raise CodebookError(f"{where}: metadata roles must include respondent_id and municipality and be among "
                            f"{METADATA_ROLES}; got {sorted(metadata)}")
    personal = {str(k): str(v) for k, v in (raw.get("personal") or {}).items()}
    if set(personal) - set(PERSONAL_KINDS):
        raise CodebookError(f"{where}: personal kinds must be among {PERSONAL_KINDS}; got {sorted(personal)}")
    asked = []
    columns: list[ColumnSpec] = []
    for qid, entry in (raw.get("questions") or {}).items():
        if qid not in questions:
            raise CodebookError(f"{where}: unknown question {qid!r}; known: {list(questions)}")
        asked.append(qid)
        columns.extend(_resolve_question_columns(questions[qid], entry or {}, raw, f"{where}: {qid}"))
    order = list(questions)
    if asked != sorted(asked, key=order.index):
        raise CodebookError(f"{where}: questions must follow the order of questions.yml: {order}")
    first = next(q.id for q in questions.values() if q.first_content)
    if first not in asked:
        raise CodebookError(f"{where}: the first content question {first!r} must be mapped (it defines a response)")
    names = [*metadata.values(), *personal.values(), *(c.column for c in columns)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CodebookError(f"{where}: two meanings for the same export column(s) {duplicates}")
    return WaveSpec(
        year=year, title=raw.get("title", f"Flitspeiling {year}"),
        frame_date=_date(raw["frame_date"], f"{where}: frame_date"),
        size_reference_date=_date(raw["size_reference_date"], f"{where}: size_reference_date"),
        file=str(export["file"]), dialect=export["dialect"], sheet=export.get("sheet"),
        metadata=metadata, personal=personal, questions=tuple(asked), columns=tuple(columns), source=path,
    )


def load_codebook(directory: Path | str = CODEBOOK_DIR) -> Codebook:
    """Read and validate questions.yml and every waves/<year>.yml under `directory`."""
    directory = Path(directory)
    questions, scales = _load_questions(directory / "questions.yml")
    waves = {}
    for path in sorted((directory / "waves").glob("*.yml")):
        wave = _load_wave(path, questions)
        waves[wave.year] = wave
    return Codebook(questions=questions, scales=scales, waves=waves)


@cache
def codebook() -> Codebook:
    """The project's codebook, loaded once per process."""
    return load_codebook()
