"""Disclosure control of every breakdown the report publishes: one rule, applied in one place.

Participation is public (Bijlage A lists every responding municipality), so a breakdown by a group of municipalities
can reveal what a named municipality answered: a size class with three participants, or a group in which every
member gave the same answer. The rule is helpers.analysis.stats.apply_disclosure_rules; this module applies it to the tidy data
of a figure or table (helpers.analysis.tables columns: question, item, answer, group, n, count, pct, labels) and writes the
Dutch notes that say what it did. helpers.report.chapter.Chapter applies `protect` to the data of every figure and table
before anything is shown or written (HTML, tables/*.csv and so the tabellenboek, cijfers.csv), so no notebook can
publish a breakdown around it.

The rule (also in README, "Disclosure control"):

1. A group of fewer than MIN_GROUP (5) responding municipalities is never shown on its own. A size class is merged
   with its smaller neighbouring size class (again, until every block has at least 5); any other group (a
   population such as "klein", a wave, the joiners of a panel) is suppressed: its base n stays, its count and
   percentage are not shown.
2. A cell of 0 % or 100 % in a group of fewer than FLAG_BELOW (20) municipalities is shown but flagged (*): every
   member of that group gave (or did not give) that answer, so the cell tells the answer of each named member.
3. A group with a base under CAUTION_BELOW (50) gets a caution (read its percentages with care).

Rows without a base (n missing, e.g. differences in percentage points) are not groups of municipalities and are left
as they are; so are rows marked `group_public` False: a group defined by a confidential answer (the panel's
municipalities by their LIA phase of the year before) names no municipality, whereas a size class, a population or the
joiners of a wave can be looked up in the public participant lists (README, "Panel").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers import MIN_GROUP
from helpers.analysis.stats import MERGED, SIZE_CODES, SUPPRESSED, apply_disclosure_rules
from helpers.core import formatting as fmt

FLAG_BELOW = 20
CAUTION_BELOW = 50
NOTE_COLUMN = "opmerking"
FLAG_COLUMN = "gemarkeerd"  # True for a flagged 0 %/100 % cell
FLAG_MARK = "*"
# Populations whose small base the chapter already notes with the report's own caution (report.caution_text).
CAUTIONED_ELSEWHERE = ("alle", "klein")
_ADDED = ("disclosure", "merged_from", "flag_extreme", "caution", "disclosure_note")


@dataclass(frozen=True)
class Protection:
    """protect's answer: the data as it may be published, and what the rule did.

    data: the input's columns (merged rows replace their classes; suppressed cells have count and pct NA), plus
      `gemarkeerd` (FLAG_COLUMN: True for a flagged 0 %/100 % cell) and `opmerking` (the note per row) when the rule did anything.
    changed: True when a group was merged or a cell suppressed that the input still had (a figure or free-form
      table must then be made from `data`).
    merged: the merged blocks as labels ("< 10.000 + 10.000-25.000"); suppressed: the suppressed group labels;
    flagged: (group label, cell label, pct) of every flagged cell; cautioned: (group label, lowest n, highest n) of
      the groups under CAUTION_BELOW other than the populations in CAUTIONED_ELSEWHERE.
    """

    data: pd.DataFrame
    changed: bool = False
    merged: tuple[str, ...] = ()
    suppressed: tuple[str, ...] = ()
    flagged: tuple[tuple[str, str, float], ...] = ()
    cautioned: tuple[tuple[str, int, int], ...] = ()
    notes: tuple[str, ...] = field(default=())


def _by_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that identify one distribution (the rows of one cell position across groups)."""
    for candidate in (["question", "item", "answer"], ["question", "item", "answer", "item_label", "answer_label"]):
        by = [c for c in candidate if c in frame.columns]
        if not frame.duplicated(by + ["group"]).any():
            return by
    raise ValueError("disclosure.protect: the data has the same group twice for one question, item and answer; "
                     "give every row its own item or answer")


def _label(row) -> str:
    label = row.get("group_label") if hasattr(row, "get") else None
    return str(label) if label is not None and str(label) not in ("", "nan") else str(row["group"])


def _cell_label(row) -> str:
    parts = [str(row.get(c, "")) for c in ("item_label", "answer_label")]
    parts = [p for p in parts if p and p != "nan"]
    if not parts:
        parts = [str(row.get(c, "")) for c in ("item", "answer") if str(row.get(c, "")) not in ("", "nan")]
    return " – ".join(parts) or "het antwoord"


def _is_block(group) -> bool:
    """Is `group` a block of merged size classes ("lt10k+10k_25k")?"""
    parts = str(group).split("+")
    return len(parts) > 1 and all(part in SIZE_CODES for part in parts)


def protect(data: pd.DataFrame, *, caution: bool = True) -> Protection:
    """Apply the disclosure rule (module docstring) to tidy data; see Protection for the answer.

    `caution=False` leaves the caution note out (the chapter writes its own); merging, suppression and flags always
    apply. Applying protect to its own output changes nothing.
    """
    if data is None or not {"group", "n", "count", "pct"} <= set(data.columns) or data.empty:
        return Protection(data=data)
    frame = data.reset_index(drop=True).assign(_position=range(len(data)))
    ruled_rows = pd.to_numeric(frame["n"], errors="coerce").notna()
    if "group_public" in frame:
        ruled_rows &= frame["group_public"].fillna(True).astype(bool)
    groups = frame[ruled_rows].copy()
    rest = frame[~ruled_rows].copy()
    if groups.empty:
        return Protection(data=data.reset_index(drop=True))
    groups["n"] = pd.to_numeric(groups["n"]).astype(int)
    groups["group"] = groups["group"].astype(str)
    ruled = apply_disclosure_rules(groups, min_group=MIN_GROUP, flag_below=FLAG_BELOW, caution_below=CAUTION_BELOW,
                                   by=_by_columns(groups))
    if "pct_answer" in ruled and "n_answer" in ruled:  # a crosstab's row percentages follow the merged counts
        ruled["pct_answer"] = [100 * c / na if na and pd.notna(c) else float("nan")
                               for c, na in zip(ruled["count"], ruled["n_answer"], strict=True)]
    # A block merged before (protect applied twice: Chapter.crosstab, then the figure) is still reported as merged.
    ruled["disclosure"] = ruled["disclosure"].where(~ruled["group"].map(_is_block), MERGED)
    merged = tuple(dict.fromkeys(_label(r) for _, r in ruled[ruled["disclosure"] == MERGED].iterrows()))
    suppressed_rows = ruled[ruled["disclosure"] == SUPPRESSED]
    suppressed = tuple(dict.fromkeys(_label(r) for _, r in suppressed_rows.iterrows()))
    # Applying the rule to its own output changes nothing: cells suppressed before are not news.
    original_pct = frame.set_index("_position")["pct"]
    newly_suppressed = bool(pd.notna(original_pct.reindex(suppressed_rows["_position"])).any())
    flagged = tuple((_label(r), _cell_label(r), float(r["pct"])) for _, r in ruled[ruled["flag_extreme"]].iterrows())
    small: dict[str, list[int]] = {}
    for _, r in ruled[ruled["caution"]].iterrows():
        if caution and r["group"] not in CAUTIONED_ELSEWHERE and r["disclosure"] != SUPPRESSED:
            small.setdefault(_label(r), []).append(int(r["n"]))
    cautioned = tuple((label, min(ns), max(ns)) for label, ns in small.items())
    notes = []
    if merged:
        notes.append(f"Groepen van minder dan {MIN_GROUP} gemeenten zijn samengevoegd met de naastliggende "
                     f"grootteklasse: {fmt.join(merged)}.")
    if suppressed:
        notes.append(f"Niet getoond omdat minder dan {MIN_GROUP} gemeenten antwoordden: {fmt.join(suppressed)} "
                     "(alleen de basis n staat er).")
    if flagged:
        cells = "; ".join(f"{group}: {cell} {fmt.pct(pct)}" for group, cell, pct in flagged)
        notes.append(f"{FLAG_MARK} 0 % of 100 % in een groep van minder dan {FLAG_BELOW} gemeenten: dit geldt voor "
                     f"elke gemeente in die groep ({cells}).")
    if cautioned:
        notes.append(f"Minder dan {CAUTION_BELOW} gemeenten in "
                     + fmt.join(f"‘{group}’ (n = {fmt.number(low)}{'' if low == high else '–' + fmt.number(high)})"
                                for group, low, high in cautioned)
                     + ": lees deze percentages met voorzichtigheid.")
    original_group = frame.set_index("_position")["group"].astype(str).reindex(ruled["_position"]).to_numpy()
    newly_merged = bool((original_group != ruled["group"].astype(str).to_numpy()).any()) or len(ruled) < len(groups)
    changed = newly_merged or newly_suppressed
    flag_column = ruled["flag_extreme"].astype(bool)
    out = ruled.drop(columns=[c for c in _ADDED if c in ruled.columns and c not in data.columns])
    if merged or suppressed or flagged or cautioned:
        out[FLAG_COLUMN] = flag_column.to_numpy()
        note_texts = []
        for _, row in ruled.iterrows():
            parts = []
            if row["disclosure"] == MERGED:
                parts.append("samengevoegd: " + str(row.get("group_label", row["merged_from"])))
            elif row["disclosure"] == SUPPRESSED:
                parts.append(f"niet getoond: minder dan {MIN_GROUP} gemeenten")
            if row["flag_extreme"]:
                parts.append(f"{FLAG_MARK} 0 % of 100 % in een groep van minder dan {FLAG_BELOW} gemeenten")
            elif caution and row["caution"] and row["group"] not in CAUTIONED_ELSEWHERE:
                parts.append(f"basis onder {CAUTION_BELOW}")
            note_texts.append("; ".join(parts))
        out[NOTE_COLUMN] = note_texts
    if not rest.empty:
        out = pd.concat([out, rest], ignore_index=True)
        if FLAG_COLUMN in out:
            out[FLAG_COLUMN] = out[FLAG_COLUMN].fillna(False).astype(bool)
            out[NOTE_COLUMN] = out[NOTE_COLUMN].fillna("").astype(str)
    out = out.sort_values("_position", kind="stable").drop(columns="_position")
    return Protection(data=out.reset_index(drop=True), changed=changed, merged=merged, suppressed=suppressed,
                      flagged=flagged, cautioned=cautioned, notes=tuple(notes))


def sum_over_classes(rows: pd.DataFrame, classes, column: str = "count") -> float | None:
    """Sum of `column` over the rows (indexed by group) of size classes inside `classes`, after protect: a merged
    block ("lt10k+10k_25k") counts when all its classes are inside; None when a block lies partly inside (the split is
    not published) or a cell inside is suppressed."""
    wanted = set(classes)
    total = 0.0
    for group, value in rows[column].items():
        parts = set(str(group).split("+"))
        if parts <= wanted:
            if pd.isna(value):
                return None
            total += float(value)
        elif parts & wanted:
            return None
    return total
