"""The panel of two consecutive waves: change within municipalities versus change in who takes part.

The report compares each share with the year before and guesses that 2023's dip comes from new, beginning
participants. This module answers that question: it matches the municipalities of two waves, splits the change of a
share into the change among the municipalities that answered both times (within) and the part that comes from who
joined or left (composition; helpers.analysis.stats.panel_decomposition), and counts the LIA phase transitions of the panel
(helpers.analysis.stats.transition_table).

Matching (README, "Panel"): every response is mapped to its municipality of 1-1-2023 (`code_2023`, from
data/processed/crosswalk.parquet through the cleaning step), so a municipality that merged into a 2023 municipality
is followed under its successor, and a split one under the successor that took its largest part.

- A 2023 municipality of which exactly one predecessor answered in a wave is matched through that predecessor.
- When several predecessors of one 2023 municipality answered in the same wave (e.g. Brielle, Hellevoetsluis and
  Westvoorne, now Voorne aan Zee), none of them is matched: one municipality cannot have two previous answers. They
  stay in their wave's share, as leavers or joiners (`merged_predecessors` counts them).
- A response without a municipality code (an unidentifiable or ambiguous name) cannot be matched (`no_code`).

Indicators: a share per respondent, 0/1 (NA for a respondent who did not answer the question). INDICATORS (the list
`headline` of data/codebook/indicators.yml) are the headline indicators of chapters 2-4 that the panel and the
weighted estimates (helpers.analysis.weighting) use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers import MIN_GROUP
from helpers.analysis import disclosure, tables
from helpers.analysis.stats import panel_decomposition, transition_table
from helpers.analysis.trends import Indicator, asks, load_indicators
from helpers.core import formatting as fmt
from helpers.data.codebook import SELECTED, Codebook, codebook

JOINED = "nieuw"     # the transition table's row/column of units not in the other wave
MISSING = "onbekend"


# The headline indicators (data/codebook/indicators.yml, list `headline`), checked against the codebook by the same
# loader as the trend indicators.
INDICATORS: tuple[Indicator, ...] = load_indicators(section="headline")


def indicators_for(chapter: int | None = None, year: int | None = None, cb: Codebook | None = None) -> list[Indicator]:
    """The indicators of a chapter (all when None) that wave `year` asked, item or option included (all when None)."""
    cb = cb or codebook()
    return [i for i in INDICATORS if (chapter is None or i.chapter == chapter)
            and (year is None or asks(i, year, cb))]


def indicator_values(responses: pd.DataFrame, answers: pd.DataFrame, indicator: Indicator,
                     cb: Codebook | None = None) -> pd.Series:
    """Per response (index response_id, in the order of `responses`): 1 when the unit gave the indicator's answer,
    0 when it answered otherwise, <NA> when it did not answer the question (item). Agrees with tables.group_share."""
    cb = cb or codebook()
    q = cb.question(indicator.question)
    _, _, codes = tables._codes(q, indicator.answer)
    rows = tables._rows(answers, q)
    if q.type == "matrix":
        rows = rows[rows["item"] == q.item(indicator.item).code]
    answered = set(rows["response_id"])
    if q.type == "multi":
        hits = set(rows.loc[rows["item"].isin(codes) & (rows["value"] == SELECTED), "response_id"])
    else:
        hits = set(rows.loc[rows["value"].isin(codes), "response_id"])
    ids = responses["response_id"].astype(str)
    values = [(1 if rid in hits else 0) if rid in answered else pd.NA for rid in ids]
    return pd.Series(pd.array(values, dtype="Int64"), index=pd.Index(ids, name="response_id"), name=indicator.id)


# --------------------------------------------------------------------------------------------------------------------
# Matching


def panel_units(responses: pd.DataFrame) -> tuple[pd.Series, dict[str, int]]:
    """The panel unit of every response (index response_id): its 2023 municipality code when it can be matched, else
    a key of its own ("<response_id>:niet-koppelbaar") that no other wave has. See the module docstring for the rule;
    the dict counts matchable, merged_predecessors and no_code."""
    ids = responses["response_id"].astype(str).to_numpy()
    codes = responses["code_2023"].astype(object).where(responses["code_2023"].notna(), None).to_numpy()
    counts = pd.Series([c for c in codes if c is not None], dtype=object).value_counts()
    units, merged, no_code = [], 0, 0
    for rid, code in zip(ids, codes, strict=True):
        if code is None:
            no_code += 1
            units.append(f"{rid}:niet-koppelbaar")
        elif counts[code] > 1:
            merged += 1
            units.append(f"{rid}:niet-koppelbaar")
        else:
            units.append(str(code))
    series = pd.Series(units, index=pd.Index(ids, name="response_id"), name="unit", dtype=object)
    return series, {"matchable": len(ids) - merged - no_code, "merged_predecessors": merged, "no_code": no_code}


@dataclass(frozen=True)
class PanelResult:
    """compare_waves' answer for the waves `previous` -> `current`.

    counts: {both, only_previous, only_current, previous, current} in units, plus the matching counts of each wave
      (previous_merged_predecessors, current_no_code, ...).
    decomposition: one row per indicator both waves asked: indicator, label, chapter, n_prev, n_curr, pct_prev,
      pct_curr, total_pp, n_stayers, pct_stayers_prev, pct_stayers_curr, within_pp, composition_pp, joiners_pp,
      leavers_pp, n_joiners, pct_joiners, n_leavers, pct_leavers (stayers, joiners and leavers: units that answered
      the indicator in both waves, in the current only, in the previous only).
    transitions: LIA phase previous (rows) x current (columns), counts, phases in codebook order, with the row
      "nieuw" (joiners) and the column "nieuw" (leavers: not in the current wave); None when a wave did not ask it.
    """

    previous: int
    current: int
    counts: dict[str, int]
    decomposition: pd.DataFrame
    transitions: pd.DataFrame | None


def _by_unit(values: pd.Series, units: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"unit": units.reindex(values.index).to_numpy(), "indicator": values.to_numpy()})


def compare_waves(previous: tuple[pd.DataFrame, pd.DataFrame], current: tuple[pd.DataFrame, pd.DataFrame],
                  previous_year: int, current_year: int, indicators=INDICATORS,
                  cb: Codebook | None = None) -> PanelResult:
    """Match two waves ((responses, answers) each) and decompose the change of every indicator both asked."""
    cb = cb or codebook()
    (r0, a0), (r1, a1) = previous, current
    u0, m0 = panel_units(r0)
    u1, m1 = panel_units(r1)
    both = set(u0) & set(u1)
    counts = {"both": len(both), "only_previous": len(set(u0) - both), "only_current": len(set(u1) - both),
              "previous": len(u0), "current": len(u1),
              **{f"previous_{k}": v for k, v in m0.items()}, **{f"current_{k}": v for k, v in m1.items()}}
    rows = []
    for indicator in indicators:
        if not (asks(indicator, previous_year, cb) and asks(indicator, current_year, cb)):  # item-wise too
            continue
        y0 = _by_unit(indicator_values(r0, a0, indicator, cb), u0)
        y1 = _by_unit(indicator_values(r1, a1, indicator, cb), u1)
        d = panel_decomposition(y0, y1)
        answered0 = y0.dropna(subset=["indicator"]).set_index("unit")["indicator"].astype(int)
        answered1 = y1.dropna(subset=["indicator"]).set_index("unit")["indicator"].astype(int)
        joiners = answered1[~answered1.index.isin(answered0.index)]
        leavers = answered0[~answered0.index.isin(answered1.index)]
        rows.append({"indicator": indicator.id, "label": indicator.label, "chapter": indicator.chapter,
                     "n_prev": d.n_prev, "n_curr": d.n_curr, "count_prev": int(answered0.sum()),
                     "count_curr": int(answered1.sum()), "pct_prev": d.pct_prev, "pct_curr": d.pct_curr,
                     "total_pp": d.total_pp, "n_stayers": d.n_stayers,
                     "count_stayers_prev": int(answered0[answered0.index.isin(answered1.index)].sum()),
                     "count_stayers_curr": int(answered1[answered1.index.isin(answered0.index)].sum()),
                     "pct_stayers_prev": d.pct_stayers_prev, "pct_stayers_curr": d.pct_stayers_curr,
                     "within_pp": d.within_pp, "composition_pp": d.composition_pp, "joiners_pp": d.joiners_pp,
                     "leavers_pp": d.leavers_pp, "n_joiners": d.n_joiners, "count_joiners": int(joiners.sum()),
                     "pct_joiners": 100 * joiners.mean() if len(joiners) else float("nan"),
                     "n_leavers": d.n_leavers, "count_leavers": int(leavers.sum()),
                     "pct_leavers": 100 * leavers.mean() if len(leavers) else float("nan")})
    decomposition = pd.DataFrame(rows)
    transitions = None
    if cb.wave(previous_year).asks("lia_phase") and cb.wave(current_year).asks("lia_phase"):
        transitions = lia_transitions(r0, a0, u0, r1, a1, u1, cb)
    return PanelResult(previous_year, current_year, counts, decomposition, transitions)


def _phases(responses: pd.DataFrame, answers: pd.DataFrame, units: pd.Series, cb: Codebook) -> pd.Series:
    q = cb.question("lia_phase")
    rows = tables._rows(answers, q).drop_duplicates("response_id").set_index("response_id")["value"]
    ids = responses["response_id"].astype(str)
    codes = rows.reindex(ids)
    order = [o.code for o in q.options]
    return pd.Series(pd.Categorical(codes.to_numpy(), categories=order), index=units.reindex(ids).to_numpy())


def lia_transitions(r0, a0, u0, r1, a1, u1, cb: Codebook | None = None) -> pd.DataFrame:
    """LIA phases of the previous wave (rows) by the current wave (columns), counted per unit; see PanelResult."""
    cb = cb or codebook()
    order = [o.code for o in cb.question("lia_phase").options]
    return transition_table(_phases(r0, a0, u0, cb), _phases(r1, a1, u1, cb), order=order, absent=JOINED,
                            missing=MISSING)


# --------------------------------------------------------------------------------------------------------------------
# Report tables and text


def transitions_tidy(transitions: pd.DataFrame, previous_year: int, current_year: int,
                     cb: Codebook | None = None) -> pd.DataFrame:
    """The transition table as tidy shares (helpers.analysis.tables columns) for a figure: one row per previous phase (group,
    including the joiners "nieuw") and current phase (answer), n = the row's units in the current wave, count, pct =
    row percentage. The leavers (column "nieuw") are not in the current wave and are left out.

    `group_public`: True for the joiners' row only. Who joined is public (the participant lists), so the disclosure
    rule applies to that row; the other rows are defined by a confidential previous answer and name no municipality
    (README, "Panel"), so the rule leaves their counts as they are.
    """
    cb = cb or codebook()
    q = cb.question("lia_phase")
    labels = {o.code: o.display for o in q.options} | {JOINED: f"Nieuw in {current_year}", MISSING: "onbekend"}
    columns = [c for c in transitions.columns if c != JOINED]
    records = []
    for row in transitions.index:
        n = int(transitions.loc[row, columns].sum())
        if n == 0:
            continue
        group_label = (labels[row] if row == JOINED else f"{previous_year}: {labels[row]}")
        for column in columns:
            count = int(transitions.at[row, column])
            records.append({"question": "lia_phase", "item": "", "answer": str(column),
                            "answer_label": labels.get(column, str(column)), "group": f"{previous_year}_{row}",
                            "n": n, "count": count, "pct": 100 * count / n, "item_label": "",
                            "group_label": group_label, "group_public": row == JOINED})
    return pd.DataFrame.from_records(records)


def decomposition_tidy(result: PanelResult) -> pd.DataFrame:
    """The decomposition as tidy rows for ch.table: per indicator the shares (with n and count) of the previous and
    current wave, of the panel in both waves, of the joiners and of the leavers; and the parts in percentage points
    (groups "verschil", "binnen", "samenstelling", "nieuwkomers", "vertrekkers" with pct in points and no n)."""
    p, c = result.previous, result.current
    records = []
    for row in result.decomposition.itertuples():
        base = {"question": "", "item": row.indicator, "answer": "", "answer_label": "", "item_label": row.label}
        shares = [(str(p), f"alle deelnemers {p}", row.n_prev, row.count_prev, row.pct_prev, True),
                  (str(c), f"alle deelnemers {c}", row.n_curr, row.count_curr, row.pct_curr, True),
                  (f"panel_{p}", f"panel {p}", row.n_stayers, row.count_stayers_prev, row.pct_stayers_prev, True),
                  (f"panel_{c}", f"panel {c}", row.n_stayers, row.count_stayers_curr, row.pct_stayers_curr, True),
                  (f"nieuw_{c}", f"nieuw in {c}", row.n_joiners, row.count_joiners, row.pct_joiners, True),
                  (f"vertrokken_{p}", f"niet meer in {c}", row.n_leavers, row.count_leavers, row.pct_leavers, True)]
        for group, label, n, count, pct, public in shares:
            records.append({**base, "group": group, "group_label": label, "n": n, "count": count, "pct": pct,
                            "group_public": public})
        for group, label, value in (("verschil_pp", "verschil (procentpunt)", row.total_pp),
                                    ("binnen_pp", "binnen gemeenten (procentpunt)", row.within_pp),
                                    ("samenstelling_pp", "samenstelling (procentpunt)", row.composition_pp),
                                    ("nieuwkomers_pp", "waarvan nieuwkomers (procentpunt)", row.joiners_pp),
                                    ("vertrekkers_pp", "waarvan vertrekkers (procentpunt)", row.leavers_pp)):
            records.append({**base, "group": group, "group_label": label, "n": pd.NA, "count": pd.NA, "pct": value,
                            "group_public": True})
    frame = pd.DataFrame.from_records(records)
    return frame.astype({"n": "Int64", "count": "Int64", "pct": "float64"})


def protected_decomposition(result: PanelResult) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(table as shown, tidy data, labels of indicators not split) after the disclosure rule (helpers.analysis.disclosure).

    The within and composition parts of an indicator, with the overall shares of both waves (public), give away the
    share of the joiners and of the leavers. So when the joiners or leavers of an indicator are fewer than
    disclosure.MIN_GROUP (their share suppressed), that indicator's split and panel shares are not shown."""
    tidy = disclosure.protect(decomposition_tidy(result)).data
    hidden = sorted(set(tidy.loc[tidy["n"].notna() & tidy["pct"].isna(), "item"]))
    parts = tidy["group"].isin(["binnen_pp", "samenstelling_pp", "nieuwkomers_pp", "vertrekkers_pp"]) \
        | tidy["group"].str.startswith("panel_")
    tidy.loc[tidy["item"].isin(hidden) & parts, ["count", "pct"]] = pd.NA
    shown = decomposition_display(result)
    mask = result.decomposition["indicator"].isin(hidden).to_numpy()
    for column in ("Binnen gemeenten (pp)", "Samenstelling (pp)", f"Panel {result.previous} → {result.current} (%)"):
        shown[column] = shown[column].astype(object)
        shown.loc[mask, column] = "–"
    labels = list(result.decomposition.loc[mask, "label"])
    return shown, tidy, labels


def decomposition_display(result: PanelResult) -> pd.DataFrame:
    """The decomposition as the report shows it: one row per indicator, shares rounded in the table renderer."""
    p, c = result.previous, result.current
    d = result.decomposition
    return pd.DataFrame({
        "Indicator": d["label"].to_numpy(),
        f"% {p}": d["pct_prev"].to_numpy(),
        f"% {c}": d["pct_curr"].to_numpy(),
        "Verschil (pp)": [_pp(v) for v in d["total_pp"]],
        "Binnen gemeenten (pp)": [_pp(v) for v in d["within_pp"]],
        "Samenstelling (pp)": [_pp(v) for v in d["composition_pp"]],
        f"Panel {p} → {c} (%)": [f"{fmt.pct(a)} → {fmt.pct(b)}" for a, b in zip(d["pct_stayers_prev"],
                                                                             d["pct_stayers_curr"], strict=True)],
        "Panel (n)": d["n_stayers"].astype(int).to_numpy(),
    })


def _pp(value: float) -> str:
    """A difference in points with sign and one decimal, Dutch: "+1,5", "−3,0"."""
    rounded = round(float(value), 1)
    if rounded == 0:
        return "0,0"
    return ("+" if rounded > 0 else "−") + fmt.number(abs(rounded), 1)


def pp_text(value: float) -> str:
    """ "1,5 procentpunt" (absolute value, one decimal)."""
    return f"{fmt.number(abs(round(float(value), 1)), 1)} procentpunt"


def verdict(row) -> str:
    """Which part explains the change of one indicator: "samenstelling", "binnen", "beide" or "geen" (no change).

    A part explains the change when it has the sign of the total and the other part either goes the other way (or is
    zero) or is at most half as large; "beide" otherwise; "geen" when the total is under 1 point."""
    total, within, composition = float(row["total_pp"]), float(row["within_pp"]), float(row["composition_pp"])
    if abs(total) < 1:
        return "geen"
    for part, other, name in ((composition, within, "samenstelling"), (within, composition, "binnen")):
        if part * total > 0 and (other * total <= 0 or abs(other) <= abs(part) / 2):
            return name
    return "beide"


def describe(result: PanelResult, indicator: str, significant: bool | None = None) -> str:
    """Dutch sentences on what the panel says about the change of one indicator, generated from the numbers.

    `significant`: whether the test on the counts of both waves (helpers.report.text.compare, run by the report
    layer) finds the difference; when it does not, the text says "een verschil ... dat niet significant is" and never
    "gestegen"/"gedaald" (None: not tested, the old wording)."""
    row = result.decomposition.set_index("indicator").loc[indicator]
    p, c = result.previous, result.current
    label = row["label"]
    change = "gestegen" if row["total_pp"] > 0 else "gedaald"
    sentences = []
    if abs(row["total_pp"]) < 1:
        sentences.append(f"Het aandeel ‘{label}’ is tussen {p} en {c} nagenoeg gelijk gebleven "
                         f"({fmt.pct(row['pct_prev'])} en {fmt.pct(row['pct_curr'])}).")
    elif significant is False:
        sentences.append(f"Het aandeel ‘{label}’ was {fmt.pct(row['pct_prev'])} in {p} en is {fmt.pct(row['pct_curr'])} "
                         f"in {c}: een verschil van {pp_text(row['total_pp'])} dat niet significant is.")
    else:
        sentences.append(f"Het aandeel ‘{label}’ is van {fmt.pct(row['pct_prev'])} in {p} {change} naar "
                         f"{fmt.pct(row['pct_curr'])} in {c}, {pp_text(row['total_pp'])}.")
    stayers = (f"Bij de {fmt.number(int(row['n_stayers']))} gemeenten die beide keren antwoordden, ging het van "
               f"{fmt.pct(row['pct_stayers_prev'])} naar {fmt.pct(row['pct_stayers_curr'])}")
    if int(row["n_joiners"]):
        stayers += (f"; van de {fmt.number(int(row['n_joiners']))} nieuwe deelnemers {fmt.pct(row['pct_joiners'])}")
    sentences.append(stayers + ".")
    kind = verdict(row)
    parts = (f"verandering binnen gemeenten {_signed_words(row['within_pp'])}, verandering in de samenstelling "
             f"{_signed_words(row['composition_pp'])} (nieuwkomers {_signed_words(row['joiners_pp'])}, vertrekkers "
             f"{_signed_words(row['leavers_pp'])})")
    if kind == "geen":
        sentences.append(f"De uitsplitsing: {parts}.")
    elif kind == "samenstelling":
        who = ("van nieuwe deelnemers" if abs(row["joiners_pp"]) >= abs(row["leavers_pp"])
               and row["joiners_pp"] * row["total_pp"] > 0 else "van gemeenten die niet meer meededen")
        direction = (("de daling" if row["total_pp"] < 0 else "de stijging") if significant is not False
                     else "het verschil")
        if row["within_pp"] * row["total_pp"] < 0:
            sentences.append(f"Binnen de gemeenten die beide keren meededen ging het aandeel juist de andere kant op; "
                             f"{direction} komt dus geheel door wie er meedeed, vooral {who}: {parts}.")
        else:
            sentences.append(f"{fmt.capitalize(direction)} komt dus vooral door wie er meedeed, vooral {who}: {parts}.")
    elif kind == "binnen":
        sentences.append("De verandering komt dus vooral van de gemeenten zelf, niet van wie er meedeed: "
                         f"{parts}.")
    else:
        sentences.append(f"Beide delen dragen bij: {parts}.")
    return " ".join(sentences)


def _signed_words(value: float) -> str:
    rounded = round(float(value), 1)
    if rounded == 0:
        return "0,0 procentpunt"
    return f"{'+' if rounded > 0 else '−'}{fmt.number(abs(rounded), 1)} procentpunt"


def matching_note(counts: dict[str, int], previous: int, current: int) -> str:
    """How the waves were matched, with the counts that could not be matched."""
    parts = [f"Gemeenten zijn gekoppeld via hun gemeente op 1 januari 2023 (CBS-herindelingen): een gemeente die "
             f"sinds {previous} is opgegaan in een andere, telt als die gemeente."]
    merged = counts["previous_merged_predecessors"] + counts["current_merged_predecessors"]
    if merged:
        parts.append(f"{fmt.capitalize(fmt.words(merged))} {'antwoord' if merged == 1 else 'antwoorden'} van "
                     "gemeenten die later samen één gemeente vormen, zijn niet gekoppeld (één gemeente kan geen twee "
                     "vorige antwoorden hebben); ze tellen als nieuwkomer of vertrekker.")
    no_code = counts["previous_no_code"] + counts["current_no_code"]
    if no_code:
        parts.append(f"{fmt.capitalize(fmt.words(no_code))} {'antwoord' if no_code == 1 else 'antwoorden'} zonder "
                     f"herkenbare gemeente {'kon' if no_code == 1 else 'konden'} niet worden gekoppeld.")
    return " ".join(parts)


def transition_summary(transitions: pd.DataFrame, previous: int, current: int, cb: Codebook | None = None) -> str:
    """Dutch sentences on the main flows of the panel's LIA phases (transition table of compare_waves)."""
    cb = cb or codebook()
    order = [o.code for o in cb.question("lia_phase").options if o.code != "anders"]
    stayers = transitions.drop(index=[JOINED], columns=[JOINED], errors="ignore")
    stayers = stayers.drop(index=[MISSING], columns=[MISSING], errors="ignore")
    total = int(stayers.to_numpy().sum())
    same = forward = backward = 0
    for row in order:
        for column in order:
            count = int(stayers.at[row, column]) if row in stayers.index and column in stayers.columns else 0
            i, j = order.index(row), order.index(column)
            same += count if i == j else 0
            forward += count if j > i else 0
            backward += count if j < i else 0
    other = total - same - forward - backward
    label = {o.code: o.display for o in cb.question("lia_phase").options}
    sentences = [f"Van de {fmt.number(total)} gemeenten die in {previous} en {current} de vraag over de LIA "
                 f"beantwoordden, bleven er {fmt.number(same)} in dezelfde fase, gingen er {fmt.number(forward)} een of "
                 f"meer fasen vooruit en {fmt.number(backward)} terug"
                 + (f"; {fmt.number(other)} kozen in een van beide jaren ‘anders’." if other else ".")]
    if "uitgevoerd" in stayers.index and "uitgevoerd" in stayers.columns:
        executing = int(stayers.loc["uitgevoerd"].sum())
        still = int(stayers.at["uitgevoerd", "uitgevoerd"])
        new_exec = int(stayers["uitgevoerd"].sum()) - still
        if executing:
            sentences.append(f"Van de {fmt.number(executing)} gemeenten die in {previous} een LIA uitvoerden, doen er "
                             f"{fmt.number(still)} dat in {current} nog steeds; {fmt.number(new_exec)} andere gemeenten "
                             f"uit het panel voeren in {current} voor het eerst een LIA uit.")
    if JOINED in transitions.index:
        joiners = transitions.loc[JOINED].drop(labels=[JOINED], errors="ignore")
        n_joiners = int(joiners.sum())
        if n_joiners >= MIN_GROUP:  # the joiners are public: a smaller group is not described (helpers.analysis.disclosure)
            top = joiners.idxmax()
            beginning = int(joiners.reindex(["verkennend", "onderzocht"]).fillna(0).sum())
            sentences.append(f"Van de {fmt.number(n_joiners)} nieuwe deelnemers kozen de meeste ‘{label.get(top, top)}’ "
                             f"({fmt.number(int(joiners[top]))}); {fmt.pct(100 * beginning / n_joiners)} van hen zit in "
                             "de verkennende fase of heeft onderzocht wat de ratificatie betekent.")
    return " ".join(sentences)


def transitions_alt(tidy: pd.DataFrame, previous: int, current: int) -> str:
    """Alt text of the transition figure, from its numbers."""
    rows = []
    for label, part in tidy.groupby("group_label", sort=False):
        shown = part[part["count"].fillna(0) > 0]
        rows.append(f"{label} (n = {fmt.number(int(part['n'].iloc[0]))}): "
                    + ", ".join(f"{r.answer_label} {fmt.number(int(r.count))}" for r in shown.itertuples()))
    return (f"Gestapeld staafdiagram: per fase van de LIA in {previous} (en voor nieuwe deelnemers) de verdeling over "
            f"de fasen in {current}, in aantallen gemeenten: " + "; ".join(rows) + ".")


GUESS_INDICATORS = ("lia_uitgevoerd", "lia_in_ontwikkeling_of_uitvoering")


def answer_guess(result: PanelResult, shown=None, fallen: Sequence[str] | None = None) -> str:
    """The answer to the report's guess that a dip comes from new, beginning participants, from the decomposition of
    the LIA indicators in GUESS_INDICATORS (those in `shown` when given: the ones the disclosure rule lets the report
    split): "vooral van nieuwe deelnemers" only when the composition part, mostly joiners, explains the dip."""
    d = result.decomposition.set_index("indicator")
    present = [i for i in GUESS_INDICATORS if i in d.index and (shown is None or i in shown)]
    if not present:
        return ""
    tested = fallen is not None  # `fallen`: the indicators whose fall a test on the counts finds (report layer)
    fallen = [i for i in present if d.at[i, "total_pp"] <= -1 and (not tested or i in fallen)]
    if not fallen:
        return (f"Het aandeel gemeenten dat een LIA uitvoert of ontwikkelt is tussen {result.previous} en "
                f"{result.current} niet {'significant ' if tested else ''}gedaald; er is dus geen daling die door "
                "nieuwe deelnemers verklaard moet worden.")
    kinds = {i: verdict(d.loc[i]) for i in fallen}
    joiners_lead = all(d.at[i, "joiners_pp"] < 0 and abs(d.at[i, "joiners_pp"]) >= abs(d.at[i, "leavers_pp"])
                       for i in fallen)
    labels = fmt.join(f"‘{d.at[i, 'label']}’" for i in fallen)
    if all(k == "samenstelling" for k in kinds.values()) and joiners_lead:
        up = [i for i in fallen if d.at[i, "within_pp"] > 0]
        return (f"De daling van {labels} komt vooral van nieuwe deelnemers; dat bevestigt het vermoeden dat "
                "nieuwe, beginnende gemeenten de daling verklaren: de nieuwkomers zitten vaker in een eerdere fase"
                + (", terwijl het aandeel bij de gemeenten die beide keren meededen juist steeg" if up else "")
                + ".")
    if all(k == "binnen" for k in kinds.values()):
        return (f"De daling van {labels} komt niet vooral van nieuwe deelnemers: ook de gemeenten die beide keren "
                "meededen, zitten minder vaak in een latere fase.")
    return (f"De daling van {labels} komt deels van nieuwe deelnemers en deels van veranderingen bij de gemeenten die "
            "beide keren meededen.")
