"""The factsheet as notebooks/factsheet.ipynb shows it: `Factsheet` (one municipality in one wave) computes through
helpers.factsheets.data and displays each block (HTML) while recording what it showed (tests), and the LIA figure."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from helpers.analysis import tables
from helpers.core import formatting as fmt
from helpers.data.codebook import Codebook, codebook
from helpers.factsheets.data import (
    HISTORY_QUESTION,
    MIN_OTHERS,
    answer_table,
    comparison_group,
    lia_history,
    resolve_municipality,
    wave_data,
    wave_wording,
)
from helpers.factsheets.texts import NOT_ANSWERED, NOT_ASKED, TITLE, confidential_text, history_alt
from helpers.report import figures
from helpers.report.chapter import html_table


def lia_history_figure(history: pd.DataFrame, name: str, cb: Codebook | None = None):
    """The LIA phase per wave as dots on the ordered phases (helpers.report.figures theme, Okabe-Ito): the municipality's
    own answers as blue dots joined by a line, a predecessor's answers (after a merger) as orange hatched squares,
    named in the legend; a wave without a response is marked "niet deelgenomen" under the axis. A fixed layout
    (no constrained layout) keeps it quick to draw; helpers.report.figures.svg_bytes makes the SVG deterministic."""
    from matplotlib.figure import Figure

    cb = cb or codebook()
    phases = list(cb.question(HISTORY_QUESTION).options)
    levels = {option.code: index for index, option in enumerate(phases)}
    figures.apply_theme()
    waves = sorted(int(w) for w in history["wave"].unique())
    fig = Figure(figsize=(7.0, 3.3))
    fig.subplots_adjust(left=0.3, right=0.98, top=0.9, bottom=0.16)
    ax = fig.add_subplot()
    answered = history[history["took_part"] & (history["answer"] != "")]
    own = answered[answered["relation"] == "same"]
    before = answered[answered["relation"] != "same"]
    points = [(waves.index(int(w)), levels[a]) for w, a in zip(own["wave"], own["answer"], strict=True)]
    if len(points) > 1:
        ax.plot(*zip(*points, strict=True), color=figures.OKABE_ITO["blauw"], linewidth=1.4, zorder=1)
    if points:
        ax.scatter(*zip(*points, strict=True), s=80, marker="o", color=figures.OKABE_ITO["blauw"], zorder=3,
                   label=name)
    if len(before):
        offsets: dict[int, int] = {}
        xs, ys = [], []
        for wave, answer in zip(before["wave"], before["answer"], strict=True):
            position = waves.index(int(wave))
            offsets[position] = offsets.get(position, 0) + 1
            xs.append(position + 0.14 * offsets[position])
            ys.append(levels[answer])
        ax.scatter(xs, ys, s=70, marker="s", color=figures.OKABE_ITO["oranje"], hatch="///", edgecolor="black",
                   linewidth=0.5, zorder=2, label="voorganger(s)")
    for position, wave in enumerate(waves):
        if not history.loc[history["wave"] == wave, "took_part"].any():
            ax.text(position, -1.0, "niet\ndeelgenomen", ha="center", va="center", fontsize=8.5, color=figures.TEXT)
    ax.set_yticks(range(len(phases)), [figures.wrap(option.display, 26) for option in phases])
    ax.set_ylim(-1.6, len(phases) - 0.5)
    ax.set_xticks(range(len(waves)), [str(w) for w in waves])
    ax.set_xlim(-0.5, len(waves) - 0.5)
    ax.yaxis.grid(True)
    ax.set_axisbelow(True)
    ax.spines["left"].set_bounds(0, len(phases) - 1)
    ax.tick_params(axis="both", length=0)
    if len(before):
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=9)
    return fig



def _display_html(text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(text))


class Factsheet:
    """One municipality in one wave, for notebooks/factsheet.ipynb.

    `municipality`: a CBS code ("GM0512") or a participant's name. `processed_dir` relative to the working directory
    (notebooks/ under papermill). `show=False` computes without displaying (tests)."""

    def __init__(self, year: int, municipality: str, processed_dir: Path | str = "../data/processed", *,
                 min_others: int = MIN_OTHERS, show: bool = True):
        self.cb = codebook()
        self.year = int(year)
        self.processed_dir = Path(processed_dir)
        self.show = show
        self.data = wave_data(self.year, self.processed_dir)
        row = resolve_municipality(municipality, self.year, self.processed_dir)
        self.code, self.name, self.response_id = str(row["code"]), str(row["name"]), str(row["response_id"])
        self.size_class = None if pd.isna(row["size_class"]) else str(row["size_class"])
        self.group = comparison_group(self.data.responses, self.size_class, min_others)
        self.synthetic = self.data.synthetic
        unit = self.data.responses[self.data.responses["response_id"].astype(str) == self.response_id].iloc[0]
        self.joint = not pd.isna(unit["joint_group"])
        self.shown: list[tuple[str, str]] = []
        self._answers: pd.DataFrame | None = None
        self._history: pd.DataFrame | None = None

    # Facts ---------------------------------------------------------------------------------------------------------

    @property
    def confidential(self) -> str:
        return confidential_text(self.name)

    @property
    def size_text(self) -> str:
        return f"gemeente met {tables.SIZE_TEXT[self.size_class]}" if self.size_class else \
            "grootteklasse onbekend"

    @property
    def participants(self) -> int:
        return int(len(self.data.responses))

    def answers(self) -> pd.DataFrame:
        if self._answers is None:
            self._answers = answer_table(self.year, self.response_id, self.group, self.processed_dir, self.cb)
        return self._answers

    def history(self) -> pd.DataFrame:
        if self._history is None:
            self._history = lia_history(self.code, self.year, self.processed_dir, self.cb)
        return self._history

    # Display -------------------------------------------------------------------------------------------------------

    def _show(self, kind: str, text: str, markup: str) -> None:
        self.shown.append((kind, text))
        if self.show:
            _display_html(markup)

    def header(self) -> None:
        """The confidential marking, the title (the page's one h1) and the facts: wave, size class, group."""
        mark = self.confidential
        self._show("confidential", mark, f'<p class="fs-vertrouwelijk" role="note"><strong>{html.escape(mark)}'
                                         "</strong></p>")
        title = f"{TITLE} {self.name} in de flitspeiling {self.year}"
        self._show("title", title, f"<h1>{html.escape(title)}</h1>")

    def notice(self) -> None:
        """The synthetic-data notice (as helpers.report.chapter's Chapter.notice; nothing for a real export)."""
        if not self.synthetic:
            return
        text = (f"Let op: synthetische gegevens. Deze factsheet is gemaakt met een synthetische vervanging van de "
                f"vertrouwelijke antwoorden van de flitspeiling {self.year}. De antwoorden van de gemeente {self.name} en alle "
                "andere cijfers zijn verzonnen; gebruik ze niet als uitkomsten van de peiling.")
        head, _, rest = text.partition(". ")
        self._show("notice", text, f'<div class="fp-notice" role="note"><strong>{html.escape(head)}.</strong> '
                                   f"{html.escape(rest)}</div>")

    def summary(self) -> None:
        """One sentence: the municipality's LIA phase and how many in its group and among all gave the same."""
        data = self.answers()
        rows = data[data["question"] == HISTORY_QUESTION]
        if rows.empty or rows["status"].iloc[0] != "beantwoord":
            self.text(f"{self.name} heeft in de flitspeiling {self.year} de vraag naar de fase van de Lokale "
                      "Inclusie Agenda niet beantwoord.")
            return
        row = rows.iloc[0]
        shares = []
        if self.group.shown and row["pct_group"] == row["pct_group"]:
            shares.append(f"{fmt.pct(row['pct_group'])} van de {self.group.label}")
        if row["pct_alle"] == row["pct_alle"]:
            shares.append(f"{fmt.pct(row['pct_alle'])} van alle deelnemende gemeenten")
        same = f" Dat antwoord gaf {fmt.join(shares)}." if shares else ""
        self.text(f"In de flitspeiling {self.year} gaf {self.name} als fase van de Lokale Inclusie Agenda: "
                  f"‘{row['answer_label']}’.{same}")

    def facts(self) -> None:
        """A small table: municipality, CBS code, wave, size class, comparison group, participants."""
        rows = [("Gemeente", f"{self.name} ({self.code})"), ("Flitspeiling", f"Flitspeiling VN-verdrag Handicap {self.year}"),
                ("Grootteklasse", self.size_text),
                ("Vergeleken met", f"{self.group.label} ({fmt.number(self.group.units)} deelnemers)"
                 if self.group.shown else "alleen alle deelnemende gemeenten"),
                ("Alle deelnemers", f"{fmt.number(self.participants)} gemeenten")]
        if self.joint:
            rows.append(("Antwoord", "gezamenlijk gegeven voor meer gemeenten; de antwoorden gelden voor elk"))
        frame = pd.DataFrame(rows, columns=["Gegeven", "Waarde"])
        self.text_table(frame, "Gegevens van deze factsheet")

    def text(self, markdown: str) -> None:
        """A paragraph of Markdown (an f-string with the numbers filled in)."""
        import mistune

        self._show("text", markdown, mistune.html(markdown))

    def text_table(self, frame: pd.DataFrame, caption: str) -> None:
        rows = "\n".join("\t".join(str(v) for v in row) for row in frame.itertuples(index=False))
        self._show("table", f"{caption}\n{rows}",
                   f'<div class="fs-tabel fs-klein">{html_table(frame, caption=caption)}</div>')

    def answers_tables(self) -> None:
        """One accessible table of every closed question (a row group per question, headed by the question): item,
        the municipality's answer, the share of the comparison group and of all participants giving the same answer.
        One table instead of one per question: the header once, and a shorter, quicker PDF."""
        data = self.answers()
        headers = ["Onderdeel", "Uw antwoord"]
        columns = [("pct_group", f"% zelfde antwoord: {self.group.short_label}")] if self.group.shown else []
        columns.append(("pct_alle", "% zelfde antwoord: alle deelnemers"))
        headers += [header for _, header in columns]
        caption = f"Antwoorden van de gemeente {self.name} naast die van andere gemeenten, flitspeiling {self.year}"
        lines, bodies = [caption, "\t".join(headers)], []
        for number, (question, rows) in enumerate(data.groupby("question", sort=False), start=1):
            q = self.cb.question(question)
            title = f"Vraag {number}: {q.text}"
            lines.append(title)
            body = [f'<tr><th scope="rowgroup" colspan="{len(headers)}">{html.escape(title)}</th></tr>']
            for row in rows.itertuples():
                label = row.item_label if q.type != "single" else "Antwoord"
                values = [fmt.pct(getattr(row, column)) for column, _ in columns]
                lines.append("\t".join([label, row.answer_label, *values]))
                body.append(f'<tr><th scope="row">{html.escape(label)}</th><td>{html.escape(row.answer_label)}</td>'
                            + "".join(f'<td class="num">{html.escape(value)}</td>' for value in values) + "</tr>")
            bodies.append("<tbody>" + "".join(body) + "</tbody>")
        head = "".join(f'<th scope="col">{html.escape(header)}</th>' for header in headers)
        self._show("answers", "\n".join(lines),
                   f'<div class="fs-tabel fs-vraag"><table class="fp-tabel"><caption>{html.escape(caption)}</caption>'
                   f"<thead><tr>{head}</tr></thead>{''.join(bodies)}</table></div>")

    def answers_note(self) -> None:
        data = self.answers()
        missing = int((data["status"] == "geen antwoord").sum())
        routed = int((data["status"] == "niet gevraagd").sum())
        hidden = int(((data["status"] == "beantwoord") & data["pct_group"].isna()).sum()) if self.group.shown else 0
        parts = ["De percentages tellen uw eigen gemeente mee en gaan over de gemeenten die de vraag (het onderdeel) "
                 "beantwoordden. Bij een meerkeuzevraag is ‘hetzelfde antwoord’ het wel of niet aankruisen van de "
                 "optie; ‘anders’ staat er alleen als uw gemeente het koos."]
        if missing:
            parts.append(f"‘{NOT_ANSWERED}’ ({fmt.number(missing)}×): uw gemeente heeft deze vraag of dit onderdeel "
                         "niet ingevuld; dan staat er geen vergelijking.")
        if routed:
            parts.append(f"‘{NOT_ASKED}’ ({fmt.number(routed)}×): de vraag werd na uw eerdere antwoord niet gesteld.")
        if hidden:
            parts.append(f"‘–’ ({fmt.number(hidden)}×): minder dan {fmt.words(self.group.min_others)} andere "
                         "gemeenten in de vergelijkingsgroep beantwoordden dit onderdeel; het percentage wordt niet "
                         "getoond.")
        self.note(" ".join(parts))

    def note(self, text: str) -> None:
        self._show("note", text, f'<p class="fp-noot">{html.escape(text)}</p>')

    def history_section(self) -> None:
        """The LIA phase over the waves: a figure (SVG, alt text) and an accessible table, with the waves the
        municipality did not take part in said as such."""
        history = self.history()
        alt = history_alt(history, self.name)
        fig = lia_history_figure(history, self.name, self.cb)
        svg = figures.svg_bytes(fig, fonttype="none")  # text as text: a quicker PDF
        fig.clear()
        table = pd.DataFrame({
            "Flitspeiling": history["wave"].astype(str),
            "Fase": [row.answer_label if row.took_part else "niet deelgenomen" for row in history.itertuples()],
            "Toelichting": [("" if row.relation in ("same", "") else
                             f"antwoord van de gemeente {row.unit} ({'opgegaan in' if row.relation == 'merged' else 'deels opgegaan in'}"
                             f" {self.name})") for row in history.itertuples()]})
        if not table["Toelichting"].str.len().gt(0).any():
            table = table.drop(columns="Toelichting")
        absent = [str(w) for w in sorted(history.loc[~history["took_part"], "wave"])]
        other_wording = [str(w) for w in sorted(history["wave"].unique())
                         if wave_wording(int(w), self.cb) != self.cb.question(HISTORY_QUESTION).text]
        caption = f"Fase van de Lokale Inclusie Agenda van de gemeente {self.name} per flitspeiling"
        self.shown.append(("history", alt))
        if absent:
            self.shown.append(("note", f"niet deelgenomen: {', '.join(absent)}"))
        if not self.show:
            return
        import base64

        src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        absent_text = (f"<p class=\"fp-noot\">{html.escape(self.name)} deed niet mee aan de flitspeiling van "
                       f"{html.escape(fmt.join(absent))}.</p>") if absent else ""
        if other_wording:
            absent_text += (f'<p class="fp-noot">In {html.escape(fmt.join(other_wording))} luidde de vraag: '
                            f"‘{html.escape(wave_wording(int(other_wording[0]), self.cb))}’ De antwoorden zijn "
                            "omgezet naar de fasen van nu (codeboek).</p>")
        _display_html(f'<figure class="fp-figuur fs-figuur"><img src="{src}" alt="{html.escape(alt)}" '
                      f'style="max-width:100%;height:auto;"><figcaption>{html.escape(caption)}. '
                      "Gemeenten die na een herindeling zijn ontstaan zien de antwoorden van hun voorgangers."
                      f"</figcaption></figure>{absent_text}"
                      f'<div class="fs-tabel fs-klein">{html_table(table, caption=caption)}</div>')

    def method(self) -> None:
        """How the factsheet was made: comparison group and disclosure rule, free text, confidentiality."""
        self.note(self.group.note())
        self.note("Open antwoorden (toelichtingen en ‘anders, namelijk’) staan niet in deze factsheet; de factsheet "
                  "noemt geen andere deelnemende gemeenten en geen namen of contactgegevens van invullers.")
        self.note(f"{self.confidential}. Deze factsheet is niet openbaar en hoort niet bij het openbare rapport "
                  f"Flitspeiling VN-verdrag Handicap in gemeenten {self.year}.")

