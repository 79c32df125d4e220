"""The chapter API: what every report notebook calls to show figures and tables and to write its parts.

A chapter notebook does, in this order::

    ch = Chapter(chapter=2, year=year, processed_dir=processed_dir, parts_dir=parts_dir,
                 small_threshold=small_threshold)
    ch.notice()                                  # visible notice when the data is the synthetic stand-in
    if ch.shows("breedte"):                      # the wave asked every question the item requires
        data = ch.distribution("policy_breadth")
        ch.figure("breedte", figures.bar_shares(data), data=data, alt="...")
    else:
        ch.not_asked("policy_breadth", item="breedte")
    ch.number("breed_inclusiebeleid", 67.2, text="67 %")   # a key figure for the summary, declared in report.yml
    ch.finish()                                  # checks the key figures, writes the parts

Numbers and titles of figures and tables come from notebooks/report.yml (helpers.report.outline): the number of an item in a wave
is its position among the items of the same kind whose required questions that wave asked, so every chapter knows
its numbers without running the others.

The parts (the contract with the publishing step), in `parts_dir` (default build/<year>/parts/<notebook stem>):

- manifest.json: {"chapter", "slug", "title", "year", "synthetic", "items": [{"id", "kind", "number", "title",
  "question", "base", "alt", "csv"}], "key_figures": {name: {"value", "text", ...}}, "claims": [...]}; sorted keys,
  no timestamps; the claims (helpers.report.claims) are what the text says about changes, for the consistency check;
- cijfers.csv: one row per number shown, columns CIJFERS_COLUMNS, sorted, UTF-8, "\\n" line ends;
- tables/<figuur_N|tabel_N>.csv: the full data of every item, with n and counts.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import BUILD_DIR, SMALL_THRESHOLD, interactive_dir, interactive_notice
from helpers.analysis import disclosure, tables
from helpers.core import formatting as fmt
from helpers.core import yamlfiles
from helpers.core.formatting import round_half_up
from helpers.data.codebook import Question, codebook
from helpers.data.processed import has_processed, read_processed
from helpers.report import claims as claim_rules
from helpers.report import figures as figs
from helpers.report import text as phrases
from helpers.report.outline import KINDS, OUTLINE_FILE, ItemSpec, Outline, load_outline

KIND_LABELS = {"figuur": "Figuur", "tabel": "Tabel"}
CIJFERS_COLUMNS = ["table", "item", "group", "n", "count", "pct", "question", "answer"]
MANIFEST_ITEM_KEYS = ("id", "kind", "series", "number", "title", "question", "base", "alt", "csv")
SMALL_BASE = 50  # below this base a table or figure says its percentages need caution (rapport 2023, voetnoot 4)


# --------------------------------------------------------------------------------------------------------------------
# Small text builders


def caution_text(n: int, population: str = "alle") -> str:
    """The report's caution for a small base (voetnoot 4 of the 2023 report)."""
    who = {"alle": "gemeenten", "klein": "kleine gemeenten"}.get(population, tables.population_label(population))
    return (f"Maar {fmt.number(n)} {who} hebben deze vraag ingevuld; de percentages moeten terughoudend worden "
            "geïnterpreteerd.")


def _n_text(values: Sequence[int]) -> str:
    values = sorted({int(v) for v in values})
    if not values:
        return "n = 0"
    return f"n = {fmt.number(values[0])}" if len(values) == 1 else \
        f"n = {fmt.number(values[0])}–{fmt.number(values[-1])}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _cell(value: Any, column: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, str):  # already formatted (e.g. a flagged percentage "0 % *")
        return value
    if column.startswith("pct") or column.startswith("%"):
        return fmt.pct(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int) or (hasattr(value, "dtype") and str(getattr(value, "dtype", "")).startswith("int")):
        return fmt.number(value)
    if isinstance(value, float):
        return fmt.number(value) if float(value).is_integer() else fmt.number(value, 1)
    return str(value)


def html_table(frame: pd.DataFrame, caption: str = "", *, row_header: bool = True, css_class: str = "fp-tabel",
               formats: Mapping[str, Any] | None = None) -> str:
    """An accessible HTML table: <caption>, <th scope="col"> headers, <th scope="row"> for the first column, numbers
    right-aligned in Dutch format (percentages in columns starting with "%" or "pct")."""
    formats = formats or {}
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for position, (column, value) in enumerate(zip(frame.columns, row, strict=True)):
            text = formats[column](value) if column in formats else _cell(value, str(column))
            if position == 0 and row_header:
                cells.append(f'<th scope="row">{html.escape(text)}</th>')
            else:
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                align = ' style="text-align:right"' if numeric else ""
                cells.append(f"<td{align}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="{css_class}">{caption_html}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


# --------------------------------------------------------------------------------------------------------------------
# The chapter


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def _html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


def _markdown(text: str) -> None:
    from IPython.display import Markdown

    _display(Markdown(text))


class Chapter:
    """One chapter of the report for one wave: its data, its numbering, what it shows and the parts it writes.

    `chapter`: number (1-5) or slug ("samenvatting", "bijlage_a"). `processed_dir` and a relative `parts_dir` are
    relative to the working directory (notebooks/ under papermill --cwd notebooks); the build's runner passes
    build/<year>/parts/<notebook stem>; an empty `parts_dir` is a run outside the build (JupyterLab, papermill by
    hand): it writes to build/<year>/interactive/<notebook stem>, which publishing never reads, and notice() says so. `small_threshold`: fewer inhabitants is "klein" (the
    `klein` column is recomputed with it). `show=False` computes and writes parts without displaying (tests).
    """

    def __init__(self, chapter: int | str, year: int, processed_dir: Path | str = "../data/processed",
                 parts_dir: Path | str = "", small_threshold: int = SMALL_THRESHOLD, *,
                 outline: Outline | Path | str | None = None, show: bool = True):
        self.cb = codebook()
        self.outline = outline if isinstance(outline, Outline) else load_outline(outline or OUTLINE_FILE, self.cb)
        self.spec = self.outline.chapter(chapter)
        self.year = int(year)
        self.wave = self.cb.wave(self.year)
        self.processed_dir = Path(processed_dir)
        self.small_threshold = int(small_threshold)
        self.interactive = not str(parts_dir)
        self.parts_dir = Path(parts_dir) if str(parts_dir) else interactive_dir(self.year, self.spec.stem)
        self.show = show
        self.load = tables.reader(self.processed_dir, self.small_threshold)
        responses, answers, quality = read_processed(self.year, self.processed_dir)
        self.responses = tables.with_threshold(responses, self.small_threshold)
        self.answers = answers
        self.quality = quality
        self.synthetic = bool((quality.get("provenance") or {}).get("synthetic", False))
        self.items: list[dict] = []
        self.cijfers: list[pd.DataFrame] = []
        self.full_tables: dict[str, pd.DataFrame] = {}
        self.key_figures: dict[str, dict] = {}
        self.claims: list[dict] = []  # statements about changes (helpers.report.claims), in report order
        self.shown: list[tuple[str, str]] = []  # (kind, text) of everything shown, in order (for tests and logs)

    # ---------------------------------------------------------------------------------------------------------------
    # Facts about the wave

    @property
    def number_label(self) -> str:
        return self.spec.heading

    @property
    def title(self) -> str:
        return self.spec.title

    def waves(self, until: int | None = None) -> list[int]:
        """Waves of the codebook up to `until` (default: this wave) that have processed data."""
        until = self.year if until is None else int(until)
        return [w for w in sorted(self.cb.waves) if w <= until and self.has_data(w)]

    def has_data(self, year: int) -> bool:
        """Whether wave `year` has processed data; read when first used, not here (a chapter that names the waves
        but shows none of them need not read six waves)."""
        return int(year) == self.year or has_processed(year, self.processed_dir)

    def previous_wave(self, question: str | None = None) -> int | None:
        """The latest earlier wave with data (that asked `question`), or None."""
        earlier = [w for w in self.waves() if w < self.year and (question is None or self.asks(question, w))]
        return earlier[-1] if earlier else None

    def data(self, year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(responses, answers) of a wave, with `klein` for this chapter's threshold."""
        if year is None or int(year) == self.year:
            return self.responses, self.answers
        return self.load(int(year))

    def asks(self, question: str, year: int | None = None) -> bool:
        """Did the wave (default: this one) ask `question`?"""
        return self.cb.wave(self.year if year is None else int(year)).asks(question)

    # ---------------------------------------------------------------------------------------------------------------
    # What each wave asked (items and options can change between waves; data/codebook/waves/<year>.yml lists them)

    def asked_items(self, question: str, year: int | None = None) -> list[str]:
        """The items (matrix) or options (multi) of `question` that the wave (default: this one) asked, in
        questions.yml order; every answer option for other questions."""
        year = self.year if year is None else int(year)
        return [row.code for row in tables.asked_rows(self.cb.question(question), year, self.cb)]

    def new_items(self, question: str) -> list[str]:
        """Items/options this wave asked and the previous wave that asked `question` did not (none when no earlier
        wave asked it: then the whole question is new)."""
        return tables.new_rows(self.cb.question(question), self.year, self.previous_wave(question), self.cb)

    def dropped_items(self, question: str) -> list[str]:
        """Items/options the previous wave that asked `question` asked and this wave did not."""
        before = self.previous_wave(question)
        if before is None or not self.asks(question):
            return []
        now = set(self.asked_items(question))
        return [code for code in self.asked_items(question, before) if code not in now]

    def question(self, question: str, year: int | None = None) -> Question:
        """`question` as the wave (default: this one) asked it (tables.as_asked): only the items (matrix) or options
        (multi) it asked; in this wave an item or option new since the previous wave that asked the question is
        labelled "… (nieuw in <year>)". Tables, figures and texts built from it show what the wave asked."""
        year = self.year if year is None else int(year)
        before = self.previous_wave(question) if year == self.year else None
        return tables.as_asked(self.cb.question(question), year, before, self.cb)

    def change_note(self, question: str) -> str | None:
        """The note under a figure or table of `question` when this wave asked other items or options than the
        previous wave that asked it: which are new (no comparison) and which were not asked (left out); None if the
        same."""
        new, dropped = self.new_items(question), self.dropped_items(question)
        if not new and not dropped:
            return None
        before, full = self.previous_wave(question), self.cb.question(question)
        label = {row.code: row.label for row in (full.items if full.type == "matrix" else full.options)}
        kind = ("onderdeel", "onderdelen") if full.type == "matrix" else ("antwoordoptie", "antwoordopties")
        quoted = lambda codes: fmt.join(f"‘{label[c]}’" for c in codes)  # noqa: E731
        parts = []
        if new:
            parts.append(f"{quoted(new)} {'is' if len(new) == 1 else 'zijn'} {tables.NEW_IN.format(year=self.year)}: in "
                         f"{before} niet gevraagd, dus zonder vergelijking met {before}.")
        if dropped:
            parts.append(f"{quoted(dropped)} {'is' if len(dropped) == 1 else 'zijn'} in {self.year} niet gevraagd (in "
                         f"{before} wel) en ontbreekt daarom; vergelijkingen met {before} gaan over de "
                         f"{kind[1]} die beide jaren zijn gevraagd.")
        return " ".join(parts)

    def shows(self, item_id: str) -> bool:
        """Does this wave have figure/table `item_id` (it asked every question the item requires)?"""
        return self.outline.number(item_id, self.year) is not None

    def number_of(self, item_id: str) -> int | None:
        return self.outline.number(item_id, self.year)

    def ref(self, item_id: str) -> str:
        """How the text refers to an item: "figuur 3", "tabel 1"."""
        code = self.outline.code(item_id, self.year)
        if code is None:
            raise ValueError(f"{item_id!r} is not in the {self.year} report (its questions were not asked)")
        return f"{self.outline.item(item_id).kind} {code}"

    def question_text(self, question: str) -> str:
        return self.cb.question(question).text

    def wave_wording(self, question: str, year: int | None = None) -> tuple[str, dict[str, str]]:
        """(question text, {answer code: answer label}) as wave `year` asked it: the wave's own wording where
        data/codebook/waves/<year>.yml gives one (2018-2020 asked about a "plan van aanpak"), else the codebook's."""
        wave = self.cb.wave(self.year if year is None else int(year))
        raw = yamlfiles.load(Path(wave.source).read_text(encoding="utf-8"))
        entry = ((raw.get("questions") or {}).get(question)) or {}
        q = self.cb.question(question)
        relabel = entry.get("relabel") or {}
        labels = {option.code: " ".join(str(relabel.get(option.code, option.label)).split()) for option in q.options}
        return " ".join(str(entry.get("text", q.text)).split()), labels

    def population_label(self, population: str = "klein") -> str:
        """ "kleine gemeenten (minder dan 25.000 inwoners)" for klein; the plain label otherwise."""
        if population == "klein":
            return f"kleine gemeenten (minder dan {fmt.number(self.small_threshold)} inwoners)"
        return tables.population_label(population)

    # ---------------------------------------------------------------------------------------------------------------
    # Tables of this wave (thin wrappers over helpers.analysis.tables)

    def distribution(self, question: str, item: str = "", populations: Sequence[str] = ("alle",),
                     year: int | None = None) -> pd.DataFrame:
        responses, answers = self.data(year)
        return tables.distribution(responses, answers, self.question(question, year), item, populations, cb=self.cb)

    def group_share(self, question: str, group_name, item: str | None = None,
                    populations: Sequence[str] = ("alle",), year: int | None = None) -> pd.DataFrame:
        responses, answers = self.data(year)
        return tables.group_share(responses, answers, self.question(question, year), group_name, item, populations,
                                  cb=self.cb)

    def matrix_table(self, question: str, group_name=None, populations: Sequence[str] = ("alle", "klein"),
                     order: str = "descending", only_in_table: bool = True, year: int | None = None) -> pd.DataFrame:
        responses, answers = self.data(year)
        return tables.matrix_table(responses, answers, self.question(question, year), group_name, populations, order,
                                   only_in_table, cb=self.cb)

    def crosstab(self, question: str, by: str = "size_class", item: str = "", year: int | None = None) -> pd.DataFrame:
        """tables.crosstab as it may be published: with the disclosure rule applied (helpers.analysis.disclosure.protect:
        size classes under 5 merged, 0 %/100 % cells of groups under 20 flagged), so that the figure and the text are
        made from the same protected numbers that figure/table publish. `.attrs["missing"]` as tables.crosstab."""
        responses, answers = self.data(year)
        table = tables.crosstab(responses, answers, self.question(question, year), by, item, cb=self.cb)
        protected = disclosure.protect(table)
        out = protected.data
        out.attrs.update(table.attrs, disclosure_notes=list(protected.notes))
        return out

    def trend(self, question: str, answer_or_group, waves: Sequence[int] | None = None, item: str = "",
              population: str = "alle") -> pd.DataFrame:
        """The share over waves (default: every wave up to this one); published values where data is missing."""
        waves = [w for w in sorted(self.cb.waves) if w <= self.year] if waves is None else waves
        return tables.trend(question, answer_or_group, waves, self.processed_dir, item, population, load=self.load,
                            cb=self.cb)

    def participation(self) -> pd.DataFrame:
        return tables.participation([w for w in sorted(self.cb.waves) if w <= self.year], self.processed_dir,
                                    load=self.load)

    def n_answered(self, question: str, item: str = "", population: str = "alle", year: int | None = None) -> int:
        responses, answers = self.data(year)
        return tables.n_answered(responses, answers, self.question(question, year), item, population, cb=self.cb)

    def n_comments(self, question: str, year: int | None = None) -> int:
        """How many units wrote a comment (toelichting) with `question`."""
        _, answers = self.data(year)
        rows = answers[(answers["question"] == question) & (answers["kind"] == "comment") & answers["text"].notna()]
        return int(rows["response_id"].nunique())

    # ---------------------------------------------------------------------------------------------------------------
    # Display

    def notice(self) -> None:
        """Show, for a run outside the build, where its parts go; then the synthetic-data notice (nothing for a real
        export). The texts are also kept in `shown`."""
        if self.interactive:
            text = interactive_notice(self.parts_dir)
            self.shown.append(("interactive", text))
            if self.show:
                _html(f'<div class="fp-interactive" role="note" style="border:2px solid #0072B2;background:#eef6fb;'
                      f'padding:0.6em 0.9em;margin:0.8em 0;">{html.escape(text)}</div>')
        synthetic_waves = [w for w in self.waves() if self._synthetic(w)]
        if not self.synthetic and not synthetic_waves:
            return
        if self.synthetic:
            part = "Dit hoofdstuk" if self.spec.number is not None else f"Dit deel ({self.spec.label or self.title})"
            text = (f"Let op: synthetische gegevens. {part} is gemaakt met een synthetische vervanging van de "
                    f"vertrouwelijke antwoorden van de flitspeiling {self.year}. Alleen de aantallen die het rapport "
                    "publiceert zijn nagebootst; alle andere cijfers, antwoorden en toelichtingen zijn verzonnen. "
                    "Gebruik de uitkomsten niet als uitkomsten van de peiling.")
        else:
            text = (f"Let op: de vergelijkingen met {fmt.join(str(w) for w in synthetic_waves)} gebruiken synthetische "
                    "gegevens (een nagebootste vervanging van de vertrouwelijke antwoorden), niet de echte peiling.")
        self.shown.append(("notice", text))
        if self.show:
            head, _, rest = text.partition(". ")
            _html(f'<div class="fp-notice" role="note" style="border:2px solid #D55E00;background:#fff4e5;'
                  f'padding:0.6em 0.9em;margin:0.8em 0;"><strong>{html.escape(head)}.</strong> '
                  f"{html.escape(rest)}</div>")

    def _synthetic(self, year: int) -> bool:
        if int(year) == self.year:
            return self.synthetic
        path = self.processed_dir / str(year) / "quality.json"
        if not path.exists():
            return False
        quality = json.loads(path.read_text(encoding="utf-8"))
        return bool((quality.get("provenance") or {}).get("synthetic", False))

    def text(self, markdown: str) -> None:
        """Show Markdown text (an f-string with the numbers filled in)."""
        self.shown.append(("text", markdown))
        if self.show:
            _markdown(markdown)

    def note(self, text: str) -> None:
        """Show a short note in small print (e.g. why our count differs from the published one); inline Markdown
        (**vet**, *cursief*) is allowed. A note the chapter already showed is not shown again (a boilerplate note,
        such as how differences are tested, once per chapter)."""
        if ("note", text) in self.shown:
            return
        self.shown.append(("note", text))
        if self.show:
            import mistune  # nbconvert's Markdown renderer

            body = mistune.html(text).strip()
            body = body[3:-4] if body.startswith("<p>") and body.endswith("</p>") else body
            _html(f'<p class="fp-noot" style="font-size:0.9em;color:#444;">{body}</p>')

    def text_table(self, frame: pd.DataFrame, caption: str, note: str | None = None,
                   formats: Mapping[str, Any] | None = None) -> None:
        """Show a small table in the text that is no numbered "Tabel N" (no manifest item, no cijfers rows): an
        accessible HTML table (html_table: a visible <caption>, header scopes, Dutch formats) and an optional note in
        small print under it. Use it instead of a Markdown table, which has neither caption nor scopes."""
        formats = formats or {}
        rows = ["\t".join(str(c) for c in frame.columns)]
        rows += ["\t".join(formats[c](v) if c in formats else _cell(v, str(c)) for c, v in zip(frame.columns, row, strict=True))
                 for row in frame.itertuples(index=False)]
        self.shown.append(("text_table", "\n".join([caption, *rows, *([note] if note else [])])))
        if self.show:
            note_html = f'<p class="fp-noot" style="font-size:0.9em;color:#444;">{html.escape(note)}</p>' if note else ""
            _html(f'<div class="fp-tekst-tabel">{html_table(frame, caption=caption, formats=formats)}{note_html}</div>')

    def not_asked(self, question: str, item: str | None = None, year: int | None = None) -> None:
        """Show the one-line note that a question was not asked in the wave (kept in `shown` as well)."""
        year = self.year if year is None else int(year)
        text = f"Deze vraag (‘{self.question_text(question)}’) is in {year} niet gesteld."
        if item is not None:
            spec = self.outline.item(item)
            kind = "De figuur" if spec.kind == "figuur" else "De tabel"
            text += f" {kind} ‘{self.outline.title_for(item, year)}’ ontbreekt daarom in deze editie."
        self.shown.append(("not_asked", text))
        if self.show:
            _html(f'<p class="fp-niet-gesteld"><em>{html.escape(text)}</em></p>')

    def shown_or_noted(self, question: str, /, item: str | None = None, missing: Sequence[str] = (), **context) -> bool:
        """Whether this wave has `item` (without an item: whether it asked `question`). If not, show the one-line note
        that the question was not asked (not_asked) and register the key figures `missing` as missing
        (missing_numbers, with `context`), so that a section reads `if ch.shown_or_noted(...): ...`."""
        shown = self.shows(item) if item is not None else self.asks(question)
        if not shown:
            self.not_asked(question, item=item)
            self.missing_numbers(*missing, **context)
        return shown

    def _question_line(self, question: str | None, item: ItemSpec) -> tuple[str, str]:
        """(question id or "", question text or "") of a figure/table."""
        question = item.question if question is None else question
        if not question:
            return "", ""
        if question in self.cb.questions:
            return question, self.question_text(question)
        return "", question

    @staticmethod
    def _base_value(base, data: pd.DataFrame | None) -> int | None:
        if isinstance(base, bool):
            return None
        if isinstance(base, int):
            return base
        if isinstance(base, Mapping) and base:
            for key in ("alle", "deelnemers"):
                if key in base:
                    return int(base[key])
            return int(max(base.values()))
        if data is not None and "n" in data and len(data):
            if "group" in data:
                for key in ("alle", "deelnemers"):
                    if (data["group"] == key).any():
                        return int(data.loc[data["group"] == key, "n"].max())
                if {g for group in data["group"] for g in str(group).split("+")} <= set(tables.SIZE_CODES):
                    # by size class (merged blocks "lt10k+10k_25k" too): the units with a known size
                    return int(data.groupby("group")["n"].max().sum())
            return int(data["n"].max())
        return None

    def _base_text(self, base, data: pd.DataFrame | None, who: str) -> str:
        if isinstance(base, str):
            return base
        if isinstance(base, int):
            return f"n = {fmt.number(base)} {who}"
        if isinstance(base, Mapping):
            parts = [f"{tables.population_label(str(k))} n = {fmt.number(v)}" for k, v in base.items()]
            return f"{'; '.join(parts)} ({who})"
        if data is None or "n" not in data or not len(data):
            return ""
        groups = list(dict.fromkeys(data["group"])) if "group" in data else [""]
        if len(groups) == 1:
            return f"{_n_text(data['n'])} {who}"
        parts = []
        for group in groups:
            rows = data[data["group"] == group]
            label = rows["group_label"].iloc[0] if "group_label" in rows else group
            parts.append(f"{label} {_n_text(rows['n'])}")
        return f"{'; '.join(parts)} ({who})"

    def _caption_lines(self, question_id: str, question_text: str, base, data: pd.DataFrame | None, who: str,
                       notes: list[str]) -> list[str]:
        """The lines under a figure or table: the question (or what the data are), the base, the notes."""
        lines = []
        if question_text:
            lines.append(f"{'Vraag' if question_id else 'Gegevens'}: {question_text}")
        base_text = self._base_text(base, data, who)
        if base_text:
            lines.append(f"Basis: {base_text}.")
        return lines + [note for note in notes if note]

    def _cautions(self, data: pd.DataFrame | None) -> list[str]:
        if data is None or "group" not in data or "n" not in data:
            return []
        notes = []
        for group in ("alle", "klein"):
            rows = data[data["group"] == group]
            if len(rows) and 0 < int(rows["n"].max()) < SMALL_BASE:
                notes.append(caution_text(int(rows["n"].max()), group))
        return notes

    def _change_notes(self, question_id: str, data: pd.DataFrame | None) -> list[str]:
        """change_note of the question a figure or table is about, and of every question with an item or option new
        this wave among its data."""
        questions = [question_id] if question_id in self.cb.questions else []
        if data is not None and {"question", "item"} <= set(data.columns):
            shown = data[["question", "item"]].astype(str).drop_duplicates()
            questions += [q for q in dict.fromkeys(shown["question"]) if q in self.cb.questions and self.asks(q)
                          and set(self.new_items(q)) & set(shown.loc[shown["question"] == q, "item"])]
        return [note for q in dict.fromkeys(questions) if self.asks(q) and (note := self.change_note(q))]

    def _register(self, item_id: str, data: pd.DataFrame | None, question_id: str, question_text: str, base,
                  alt: str, caution: bool = True) -> tuple[ItemSpec, str, str, disclosure.Protection]:
        """Number the item and keep its numbers (cijfers, tables/*.csv). Every figure and table passes here, so this
        is the one place where the disclosure rule (helpers.analysis.disclosure.protect) is applied to what gets published."""
        spec = self.outline.item(item_id)
        if str(spec.chapter) not in (str(self.spec.number), self.spec.slug):
            raise ValueError(f"{item_id!r} belongs to chapter {spec.chapter}, not to {self.spec.heading!r}")
        number = self.outline.number(item_id, self.year)
        if number is None:
            raise ValueError(f"{item_id!r} is not in the {self.year} report: the wave did not ask "
                             f"{', '.join(spec.requires)}; check ch.shows({item_id!r}) and call ch.not_asked(...)")
        if any(entry["id"] == item_id for entry in self.items):
            raise ValueError(f"{item_id!r} is shown twice in this chapter")
        code = f"{spec.series}{number}"
        key = f"{spec.kind}_{code}"
        guard = disclosure.protect(data, caution=caution)
        data = guard.data
        if data is not None:
            missing = [c for c in ("item", "group", "n", "count", "pct") if c not in data]
            if missing:
                raise ValueError(f"the data of {item_id!r} lacks the columns {missing}; use a tidy table of "
                                 "helpers.analysis.tables (question, item, answer, group, n, count, pct)")
            rows = pd.DataFrame({
                "table": key,
                "item": data["item"].astype(str).to_numpy(),
                "group": data["group"].astype(str).to_numpy(),
                "n": pd.array(data["n"].astype("Int64"), dtype="Int64"),
                "count": pd.array(data["count"].astype("Int64"), dtype="Int64"),
                "pct": pd.array([fmt.rounded_pct(v) for v in data["pct"]], dtype="Int64"),
                "question": (data["question"].astype(str).to_numpy() if "question" in data else question_id),
                "answer": (data["answer"].astype(str).to_numpy() if "answer" in data else ""),
            })
            rows.loc[rows["question"].isin(["", "nan", "None"]), "question"] = question_id
            self.cijfers.append(rows)
            self.full_tables[key] = data.reset_index(drop=True)
        self.items.append({"id": item_id, "kind": spec.kind, "series": spec.series, "number": number,
                           "title": self.outline.title_for(item_id, self.year), "question": question_text,
                           "base": self._base_value(base, data), "alt": alt, "csv": f"tables/{key}.csv"})
        return spec, code, key, guard

    def figure(self, item_id: str, fig, data: pd.DataFrame, alt: str, question: str | None = None, base=None,
               note: str | None = None, caution: bool = True, who: str = "gemeenten die de vraag beantwoordden",
               table_columns: Mapping[str, str] | None = None) -> None:
        """Show "Figuur N" with its title, the figure (embedded SVG), a caption with the question and the base, an
        optional note, and the data as an accessible table inside <details>. Returns N.

        `data`: tidy (helpers.analysis.tables: item, group, n, count, pct, answer, labels). `question`: a question id or a
        text (default: the item's question in report.yml). `base`: int, {group: n}, a text, or None (from data).
        `table_columns`: the columns of the data table to show, {column: header}. The number: ch.number_of(id).
        """
        question_id, question_text = self._question_line(question, self.outline.item(item_id))
        spec, code, _, guard = self._register(item_id, data, question_id, question_text, base, alt, caution)
        if guard.changed and not callable(fig):
            raise ValueError(f"{item_id!r}: the disclosure rule merged or suppressed groups ({guard.notes[0]}); pass the "
                             "figure as a function of the data (fig=lambda data: ...) so that it is drawn from the "
                             "protected data")
        data = guard.data
        fig = fig(data) if callable(fig) else fig
        notes = [note] if note else []
        notes += list(guard.notes)
        if caution:
            notes += self._cautions(data)
        notes += self._change_notes(question_id, data)
        svg = figs.svg_bytes(fig)
        fig.clear()
        label = f"{KIND_LABELS[spec.kind]} {code}"
        lines = self._caption_lines(question_id, question_text, base, data, who, notes)
        self.shown.append((spec.kind, "\n".join([label, self.outline.title_for(item_id, self.year), *lines])))
        if not self.show:
            return
        src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        caption = [html.escape(line) for line in lines]
        columns = dict(table_columns or self._default_columns(data))
        if disclosure.NOTE_COLUMN in data:
            columns[disclosure.NOTE_COLUMN] = "Opmerking"
        shown = data[list(columns)].rename(columns=columns)
        percentages = {header: fmt.pct for column, header in columns.items() if column.startswith("pct")}
        table = html_table(shown, caption=f"Gegevens bij {label.lower()}: {self.outline.title_for(item_id, self.year)}",
                           formats=percentages)
        _html(f'<figure class="fp-figuur" id="{spec.kind}-{code}" style="margin:1.2em 0;">'
              f'<p class="fp-bijschrift fp-caption"><strong>{label}</strong><br>'
              f"{html.escape(self.outline.title_for(item_id, self.year))}</p>"
              f'<img src="{src}" alt="{html.escape(alt)}" style="max-width:100%;height:auto;">'
              f'<figcaption style="font-size:0.9em;color:#444;">{"<br>".join(caption)}</figcaption>'
              f"<details><summary>Tabel bij {label.lower()}</summary>{table}</details></figure>")

    @staticmethod
    def _default_columns(data: pd.DataFrame) -> dict[str, str]:
        columns: dict[str, str] = {}
        if "item_label" in data and data["item_label"].astype(str).str.len().gt(0).any():
            columns["item_label"] = "Onderdeel"
        if "answer_label" in data and data["answer_label"].astype(str).str.len().gt(0).any():
            columns["answer_label"] = "Antwoord"
        if "group_label" in data and data["group_label"].nunique() > 1:
            columns["group_label"] = "Groep"
        columns.update({"count": "Aantal", "n": "Basis (n)", "pct": "Percentage"})
        return columns

    def table(self, item_id: str, table: pd.DataFrame, question: str | None = None, base=None,
              footnote: str | None = None, caution: bool = True, label_header: str = "Omschrijving",
              data: pd.DataFrame | None = None, who: str = "gemeenten die de vraag beantwoordden") -> None:
        """Show "Tabel N" with its title and an accessible HTML table (caption, header scopes, Dutch formats), the
        question, the base and footnotes (a small-base caution is added for a base below 50).

        `table`: a helpers.analysis.tables.matrix_table result (shown as "1. label | % alle gemeenten | % kleine gemeenten"),
        or any DataFrame shown as it is, with its tidy numbers in `data` (for the cijfers).
        """
        wide = "rank" in table and any(str(c).startswith("pct_") for c in table.columns)
        if data is None:
            if not wide:
                raise ValueError("pass the tidy numbers of a free-form table as data=... (helpers.analysis.tables columns)")
            data = tables.matrix_long(table)
        question_id, question_text = self._question_line(question, self.outline.item(item_id))
        spec, code, _, guard = self._register(item_id, data, question_id, question_text, base, "", caution)
        if guard.changed and not wide:
            raise ValueError(f"{item_id!r}: the disclosure rule suppressed or merged groups ({guard.notes[0]}); build "
                             "the shown table from helpers.analysis.disclosure.protect(data).data")
        data = guard.data
        notes = [footnote] if footnote else []
        notes += list(guard.notes)
        if caution:
            notes += self._cautions(data)
        notes += self._change_notes(question_id, data)
        label = f"{KIND_LABELS[spec.kind]} {code}"
        title = self.outline.title_for(item_id, self.year)
        lines = self._caption_lines(question_id, question_text, base, data, who, notes)
        self.shown.append((spec.kind, "\n".join([label, title, *lines])))
        if not self.show:
            return
        if wide:
            shown = pd.DataFrame({label_header: [f"{r}. {lab}" for r, lab in zip(table["rank"], table["label"],
                                                                                 strict=True)]})
            for population in tables.table_populations(table):
                shown[f"% {tables.population_label(population)}"] = _protected_column(table, data, population)
        else:
            shown = table
        lines = [html.escape(line) for line in lines]
        _html(f'<div class="fp-tabel-blok" id="{spec.kind}-{code}" style="margin:1.2em 0;">'
              f'<p class="fp-bijschrift fp-caption"><strong>{label}</strong><br>{html.escape(title)}</p>'
              f"{html_table(shown, caption=f'{label}: {title}')}"
              f'<p style="font-size:0.9em;color:#444;">{"<br>".join(lines)}</p></div>')

    def number(self, name: str, value, text: str | None = None, **context) -> Any:
        """Register a key figure for the summary (manifest key_figures[name]); returns `value`. `name` and the type of
        `value` must be declared in report.yml (key_figures); finish() checks them.

        `text` is how the report writes it ("67 %"); by default the Dutch number. `context`: e.g. question=...,
        answer=..., group=..., n=... (anything JSON can hold)."""
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"key figure names are lower case with underscores: {name!r}")
        value = _jsonable(value)
        if text is None:
            text = fmt.number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        self.key_figures[name] = {"value": value, "text": text, **_jsonable(context)}
        return value

    def percentage(self, name: str, value, **context) -> Any:
        """ch.number for a share: its text is the percentage as the report shows it (fmt.pct: "67 %"; "–" when the
        value is missing). Returns `value`."""
        return self.number(name, value, text=fmt.pct(value), **context)

    def missing_numbers(self, *names: str, **context) -> None:
        """Register key figures this wave cannot give (e.g. their question was not asked): no value, text "–"."""
        for name in names:
            self.number(name, None, text="–", **context)

    # ---------------------------------------------------------------------------------------------------------------
    # Claims: what the text says about a change (checked report-wide by helpers.publish.consistency)

    def claim(self, claim: Mapping | None) -> None:
        """Register a claim made with helpers.report.claims (make, from_test, from_trend); None is ignored."""
        if claim is not None:
            self.claims.append({**claim, "chapter": claim.get("chapter") or self.spec.heading})

    def compared_phrase(self, indicator: str, who: str, now, before, year_before: int) -> str:
        """helpers.report.text.compared_phrase ("niet significant hoger dan in 2022 (…)"), registered as a claim
        about `indicator` (an id of data/codebook/indicators.yml); `who`: "gemeenten met een breed inclusiebeleid"."""
        phrase = phrases.compared_phrase(now, before, year_before)
        if phrase:
            self.claim(claim_rules.from_test(indicator, who, now, before, int(year_before), self.year, phrase,
                                             subject=f"het aandeel {who}"))
        return phrase

    def more_or_fewer(self, indicator: str, who: str, now, before, year_before: int) -> str | None:
        """helpers.report.text.more_or_fewer ("meer", "niet significant minder", …), registered as a claim (see
        compared_phrase)."""
        word = phrases.more_or_fewer(now, before)
        if word is not None:
            self.claim(claim_rules.from_test(indicator, who, now, before, int(year_before), self.year,
                                             f"{word} {who} dan in {int(year_before)}", subject=f"het aandeel {who}"))
        return word

    # ---------------------------------------------------------------------------------------------------------------
    # Parts

    def manifest(self) -> dict:
        items = sorted(self.items, key=lambda i: (KINDS.index(i["kind"]), i["series"], i["number"]))
        return {"chapter": self.spec.number if self.spec.number is not None else self.spec.slug,
                "slug": self.spec.slug, "title": self.spec.title, "year": self.year, "synthetic": self.synthetic,
                "items": [{key: _jsonable(item[key]) for key in MANIFEST_ITEM_KEYS} for item in items],
                "key_figures": _jsonable(self.key_figures), "claims": _jsonable(self.claims)}

    def cijfers_table(self) -> pd.DataFrame:
        """One row per number shown: the figures and tables, then the numbers in the text (key figures), as
        table `tekst_<chapter slug>` with the key figure's name as item."""
        frames = [*self.cijfers, self._text_cijfers()]
        frames = [frame for frame in frames if not frame.empty]
        if not frames:
            return pd.DataFrame(columns=CIJFERS_COLUMNS)
        frame = pd.concat(frames, ignore_index=True)[CIJFERS_COLUMNS]
        parts = frame["table"].str.split("_", n=1)
        kind = parts.str[0].map(lambda k: KINDS.index(k) if k in KINDS else len(KINDS))
        number = pd.to_numeric(parts.str[1], errors="coerce").fillna(0).astype(int)
        frame = frame.assign(_kind=kind, _number=number).sort_values(
            ["_kind", "_number", "item", "group", "answer"], kind="stable")
        return frame.drop(columns=["_kind", "_number"]).reset_index(drop=True)

    def _text_cijfers(self) -> pd.DataFrame:
        """Key figures that are numbers, as cijfers rows: a percentage (its text ends in %) goes to `pct`, rounded as
        shown; a whole number to `count`. Lists, names and yes/no facts are not numbers and stay out. `item` is the
        matrix item or option the figure is about (context `item`), else the key figure's name."""
        rows = []
        for name, figure in sorted(self.key_figures.items()):
            value = figure.get("value")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            is_pct = str(figure.get("text", "")).rstrip().endswith("%")
            count = figure.get("count")
            if count is None and not is_pct and float(value).is_integer():
                count = int(value)
            # `item` as in the figures and tables (the matrix item or option) where the figure names one.
            rows.append({"table": f"tekst_{self.spec.slug}", "item": str(figure.get("item") or name),
                         "group": str(figure.get("population") or figure.get("group") or "alle"),
                         "n": figure.get("n"), "count": count,
                         "pct": round_half_up(value) if is_pct else None,
                         "question": figure.get("question"), "answer": figure.get("answer")})
        frame = pd.DataFrame(rows, columns=CIJFERS_COLUMNS)
        return frame.astype({"n": "Int64", "count": "Int64", "pct": "Int64"})

    def check_key_figures(self) -> None:
        """Raise ValueError when the key figures do not match their declarations in report.yml (key_figures): an
        undeclared name, a figure of another chapter, a value of the wrong type, or a declared figure left out
        although this wave asked its questions. The message names the chapter, the figures and the fix."""
        problems = self.outline.key_figure_problems(
            self.spec.slug, self.year, {name: figure["value"] for name, figure in self.key_figures.items()},
            available=self.waves())
        if problems:
            raise ValueError(f"{self.spec.heading} ({self.spec.notebook}, {self.year}): the key figures do not match "
                             "notebooks/report.yml (key_figures):\n- " + "\n- ".join(problems))

    def finish(self) -> None:
        """Check the key figures against report.yml (check_key_figures), then write manifest.json, cijfers.csv and
        tables/*.csv to `parts_dir` (same input, same bytes)."""
        self.check_key_figures()
        directory = self.parts_dir
        (directory / "tables").mkdir(parents=True, exist_ok=True)
        written = set()
        for key, frame in sorted(self.full_tables.items()):
            path = directory / "tables" / f"{key}.csv"
            _write_csv(frame, path)
            written.add(path.name)
        for stale in (directory / "tables").glob("*.csv"):
            if stale.name not in written:
                stale.unlink()
        _write_csv(self.cijfers_table(), directory / "cijfers.csv")
        text = json.dumps(self.manifest(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        (directory / "manifest.json").write_text(text, encoding="utf-8", newline="\n")


def _protected_column(wide: pd.DataFrame, data: pd.DataFrame, population: str) -> list:
    """The percentages of one population of a matrix table as published: suppressed cells empty, flagged cells
    marked (helpers.analysis.disclosure)."""
    rows = data[data["group"] == population].set_index("item")
    values = []
    for item in wide["item"]:
        pct = rows.at[item, "pct"] if item in rows.index else float("nan")
        flag = disclosure.FLAG_COLUMN
        flagged = bool(rows.at[item, flag]) if flag in rows and item in rows.index else False
        values.append(f"{fmt.pct(pct)} {disclosure.FLAG_MARK}" if flagged else pct)
    return values


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else repr(round(float(v), 6)))
    path.write_text(out.to_csv(index=False, lineterminator="\n"), encoding="utf-8", newline="\n")


def read_manifests(year: int, parts_root: Path | str | None = None, outline: Outline | None = None) -> dict[str, dict]:
    """The manifests the chapters of wave `year` wrote, by chapter slug (for the summary: key_figures), in report
    order; chapters that have not run yet are missing. `parts_root` defaults to build/<year>/parts."""
    outline = outline or load_outline()
    root = Path(parts_root) if parts_root is not None else BUILD_DIR / str(int(year)) / "parts"
    manifests = {}
    for chapter in outline.chapters:
        path = root / chapter.stem / "manifest.json"
        if path.exists():
            manifests[chapter.slug] = json.loads(path.read_text(encoding="utf-8"))
    return manifests
