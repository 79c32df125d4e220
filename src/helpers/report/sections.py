"""Standard sections a chapter shows the same way: the trend subsection and the weighted/unweighted table.

Each takes the chapter (helpers.report.chapter.Chapter), computes through helpers.analysis and shows the result with
its text, so that chapters 2-4 show them identically.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import panel, trends, weighting
from helpers.core import formatting as fmt
from helpers.report import claims, figures
from helpers.report import text as phrases

GUIDE_SLUG = "leeswijzer"  # the appendix that explains the methods once (notebooks/report.yml: Bijlage D)


def guide_name(ch) -> str:
    """How the text names the methods appendix, from the outline: "Bijlage D Leeswijzer en methoden"."""
    spec = ch.outline.chapter(GUIDE_SLUG)
    return f"{spec.label} {spec.title}"


def trend_intro(ch, table_item: str) -> None:
    """The plain sentences that open a chapter's trend subsection (when the wave shows its trend table)."""
    if not ch.shows(table_item):
        return
    ch.text("Hoe ontwikkelen deze cijfers zich over de metingen? Per onderwerp berekenen we hoeveel procentpunt het "
            "aandeel gemeenten gemiddeld per jaar veranderde, met een marge (het 95%-betrouwbaarheidsinterval): ligt 0 "
            "binnen die marge, dan is er geen aantoonbare trend. Omdat niet elk jaar dezelfde mix van grote en kleine "
            "gemeenten meedoet, berekenen we de trend ook binnen gemeenten van dezelfde grootte. Hoe dat trendmodel "
            f"werkt, staat in {guide_name(ch)}.")


def trend_sentence(ch, row, what: str) -> str:
    """helpers.analysis.trends.model_sentence for one indicator of the trend table, registered as a claim."""
    sentence = trends.model_sentence(row, what)
    ch.claim(claims.from_trend(row, sentence, subject=f"het aandeel {what}"))
    return sentence


def panel_text(ch, result: panel.PanelResult, indicator: str) -> str:
    """helpers.analysis.panel.describe for one indicator, worded after the test on the counts of both waves (the
    same test as every year-on-year sentence), registered as a claim of kind "panel"."""
    row = result.decomposition.set_index("indicator").loc[indicator]
    now, before = (int(row["count_curr"]), int(row["n_curr"])), (int(row["count_prev"]), int(row["n_prev"]))
    significant = phrases.compare(now, before) not in (None, phrases.EQUAL)
    sentence = panel.describe(result, indicator, significant=significant)
    ch.claim(claims.from_test(indicator, row["label"], now, before, result.previous, result.current,
                              sentence.split(". ")[0], kind="panel"))
    return sentence


def panel_guess(result: panel.PanelResult, shown) -> str:
    """helpers.analysis.panel.answer_guess over the indicators whose fall the test on the counts finds."""
    d = result.decomposition.set_index("indicator")
    fallen = [i for i in shown if i in d.index and phrases.compare(
        (int(d.at[i, "count_curr"]), int(d.at[i, "n_curr"])), (int(d.at[i, "count_prev"]), int(d.at[i, "n_prev"])))
        == phrases.LOWER]
    return panel.answer_guess(result, shown=shown, fallen=fallen)


def trend_section(ch, table_item: str, figure_item: str) -> trends.TrendAnalysis | None:
    """Show a chapter's trend table (all its indicators) and trend figure (the indicators marked `figure`), or, when
    the report's wave has fewer than trends.MIN_WAVES measurements, one line saying so. Returns the analysis (None when
    nothing is shown). `ch` is a helpers.report.chapter.Chapter; the items are report.yml items with `min_waves`."""
    year = ch.year
    titles = f"De tabel ‘{ch.outline.title_for(table_item, year)}’ en de figuur ‘{ch.outline.title_for(figure_item, year)}’"
    analysis = None
    if ch.shows(table_item) and ch.shows(figure_item):
        analysis = trends.analyse(int(ch.spec.number), year, ch.load, available=ch.waves(), cb=ch.cb)
    if analysis is None or not analysis.enough:
        counted = len(ch.waves())
        ch.text(f"Voor een trendmodel zijn ten minste {fmt.words(trends.MIN_WAVES)} metingen nodig; tot en met {year} zijn "
                f"er {fmt.words(counted)} ({fmt.join(str(w) for w in ch.waves())}): te weinig metingen. {titles} "
                "ontbreken daarom in deze editie.")
        ch.shown.append(("not_asked", f"te weinig metingen voor {table_item}, {figure_item}"))
        return None
    notes = [trends.TABLE_NOTE]
    if analysis.skipped:
        notes.append("Te weinig metingen voor een trend (minder dan drie): " + "; ".join(
            f"{i.label} ({fmt.join(str(w) for w in waves) if waves else 'niet gevraagd'})"
            for i, waves in analysis.skipped) + ".")
    notes.append(trends.reworded_note(analysis))
    ch.table(table_item, trends.display_table(analysis.table), question=trends.MODEL_QUESTION,
             data=trends.tabellenboek_table(analysis.table, ch.cb), caution=False,
             base=f"per onderwerp de gemeenten die de vraag beantwoordden, per meting; laatste meting "
                  f"{trends.n_range(analysis.table['n_last'])}",
             footnote=" ".join(note for note in notes if note))
    for row in analysis.table.to_dict("records"):  # what Tabel T.. says about each indicator, for the check
        ch.claim(claims.from_trend(row, f"{ch.ref(table_item)}: {row['label']}, {trends.signed(row['change_pp'])} "
                                        "procentpunt per jaar"))
    shown = [i.id for i in analysis.indicators if i.figure and i.id in set(analysis.table["indicator"])]
    if shown:
        subset = analysis.series[analysis.series["indicator"].isin(shown)]
        curves = analysis.curves[analysis.curves["indicator"].isin(shown)]
        data = trends.figure_data(subset)
        ch.figure(figure_item, figures.trend_panels(subset, curves, order=shown), data=data,
                  alt=trends.figure_alt(analysis, shown), question=trends.MODEL_QUESTION, caution=False,
                  base=f"per onderwerp en meting de gemeenten die de vraag beantwoordden ({trends.n_range(data['n'])})",
                  note=(trends.FIGURE_NOTE + " " + trends.reworded_note(analysis, shown)).strip(),
                  table_columns={"item_label": "Onderwerp", "group": "Meting", "count": "Aantal", "n": "Basis (n)",
                                 "pct": "Percentage", "pct_low": "95%-BI onder", "pct_high": "95%-BI boven",
                                 "pct_fitted": "Trendmodel", "pct_published": "Gepubliceerd"})
    ch.note(f"{trends.PARTICIPANTS_CAVEAT} De vergelijking van gemeenten die in beide metingen meededen staat in "
            f"paragraaf {phrases.cross_reference(*phrases.PANEL_SECTION)}.")
    return analysis


def weighting_section(ch, item_id: str, chapter: int) -> pd.DataFrame | None:
    """Show the chapter's table "gewogen en ongewogen" (`item_id`) with its footnote and the one line on what
    weighting changes, and register the weighted shares as key figures (gewogen_<indicator>). Returns the table."""
    if not ch.shows(item_id):
        return None
    responses, answers = ch.data()
    frame = weighting.frame_counts(ch.year, cb=ch.cb)
    table = weighting.estimates(responses, answers, ch.year, chapter, frame=frame, cb=ch.cb)
    if table.empty:
        return None
    ch.table(item_id, weighting.display(table), data=weighting.tidy(table),
             question="de belangrijkste cijfers van dit hoofdstuk, ongewogen en gewogen naar grootteklasse",
             footnote=weighting.method_note(table, frame),
             caution=False, who="gemeenten die de vraag beantwoordden")
    for row in table.itertuples():
        ch.number(f"gewogen_{row.indicator}", row.pct_weighted, text=fmt.pct(row.pct_weighted),
                  ongewogen=row.pct, ci=[row.ci_weighted_low, row.ci_weighted_high], n=row.n_weighted)
    ch.text(weighting.describe(table, frame, responses))
    return table
