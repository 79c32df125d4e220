"""The report's tables as pure functions of the processed data (responses and answers of helpers.data.processed).

Rules every function follows (they are the report's rules):

- Populations: "alle" (every unit), "klein" (`klein` is True: fewer inhabitants than the small-municipality threshold),
  "niet_klein" (`klein` is False) and the size classes of helpers.data.municipalities.SIZE_CLASSES ("lt10k" ...). A unit
  without a known size has `klein` <NA> and belongs to "alle" only.
- Base (n): the units of the population that answered the question, or the item of a matrix question. An answer "niet
  van toepassing" is an answer (it is in the base, as in the published report). For a multi-choice question a unit
  answered when it has any `selected` row (the processed data has those rows only for units that answered it).
- Percentages are unrounded floats (100 * count / n; NaN when n is 0). Rounding happens where a number is shown
  (helpers.core.formatting.pct, helpers.report.chapter), half up to whole numbers as the report rounds.
- Answers and items come in codebook order (data/codebook/questions.yml), unless a table sorts by share.
- Items and options are those the wave asked: a wave's mapping (data/codebook/waves/<year>.yml) lists them, so an
  item added to questions.yml for a later wave is no row of an earlier wave's table (`asked_rows`), and asking an
  item of a wave that did not ask it raises NotAsked, which names the item, the question and the wave.

Tidy results have the columns of TIDY_COLUMNS: question, item ("" for a single question), answer (an answer code, a
group name, or "" where a row is not about one answer), answer_label, group (the population, a size class or a
wave), n (base), count, pct, item_label, group_label. helpers.report.chapter turns them into the cijfers of a chapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from helpers import PROCESSED_DIR, PUBLISHED_DIR
from helpers.core import yamlfiles
from helpers.core.formatting import round_half_up
from helpers.data import municipalities
from helpers.data.cleaning import STATUS_LABELS
from helpers.data.codebook import SELECTED, Codebook, Question, codebook
from helpers.data.municipalities import FRAME_SIZES, G4, SIZE_CLASSES
from helpers.data.processed import read_processed
from helpers.data.published import load_published, matches

TIDY_COLUMNS = ["question", "item", "answer", "answer_label", "group", "n", "count", "pct", "item_label",
                "group_label"]
SIZE_CODES = tuple(c.code for c in SIZE_CLASSES)
SIZE_LABELS = {c.code: c.label for c in SIZE_CLASSES}
POPULATION_LABELS = {"alle": "alle gemeenten", "klein": "kleine gemeenten", "niet_klein": "overige gemeenten",
                     **{c.code: f"{c.label} inwoners" for c in SIZE_CLASSES}}
POPULATIONS = tuple(POPULATION_LABELS)
# The size classes as the report writes them in a sentence ("gemeenten met minder dan 10.000 inwoners").
SIZE_TEXT = {"lt10k": "minder dan 10.000 inwoners", "10k_25k": "10.000 tot 25.000 inwoners",
             "25k_50k": "25.000 tot 50.000 inwoners", "50k_100k": "50.000 tot 100.000 inwoners",
             "ge100k": "100.000 inwoners of meer"}

Loader = Callable[[int], tuple[pd.DataFrame, pd.DataFrame]]
NEW_IN = "nieuw in {year}"  # the mark of an item or option the previous wave that asked its question did not ask


class NotAsked(KeyError):
    """An item or option asked for in a wave that did not ask it (e.g. an item new in a later wave)."""

    def __str__(self) -> str:  # KeyError quotes its message; this one is a sentence
        return str(self.args[0]) if self.args else ""


# --------------------------------------------------------------------------------------------------------------------
# Populations and bases


def population_label(population: str) -> str:
    """Dutch label of a population ("klein" -> "kleine gemeenten", "lt10k" -> "< 10.000 inwoners")."""
    return POPULATION_LABELS.get(population, str(population))


def population_ids(responses: pd.DataFrame, population: str) -> pd.Index:
    """response_ids of the units in `population` ("alle", "klein", "niet_klein" or a size class code)."""
    if population == "alle":
        selected = responses
    elif population in ("klein", "niet_klein"):
        klein = responses["klein"].astype("boolean")
        mask = klein.fillna(False) if population == "klein" else (~klein).fillna(False)
        selected = responses[mask.astype(bool).to_numpy()]
    elif population in SIZE_CODES:
        selected = responses[(responses["size_class"] == population).fillna(False).astype(bool).to_numpy()]
    else:
        raise ValueError(f"unknown population {population!r}; populations: {list(POPULATIONS)}")
    return pd.Index(selected["response_id"].astype(str).unique())


def _question(question: str | Question, cb: Codebook | None) -> Question:
    if isinstance(question, Question):
        return question
    return (cb or codebook()).question(question)


def wave_of(responses: pd.DataFrame) -> int | None:
    """The wave of a processed responses table (its `wave` column), or None when it holds no or several waves."""
    if "wave" not in responses:
        return None
    waves = pd.unique(responses["wave"].dropna())
    return int(waves[0]) if len(waves) == 1 else None


def asked_rows(q: Question, year: int | None, cb: Codebook | None = None) -> tuple:
    """The items (matrix) or options (multi) of `q` that wave `year` asked, in questions.yml order (the mapping
    data/codebook/waves/<year>.yml lists them). Every one when `year` is None or a wave the codebook does not know, and
    for other question types."""
    pool = q.items if q.type == "matrix" else q.options
    cb = cb or codebook()
    if year is None or q.type not in ("matrix", "multi") or int(year) not in cb.waves:
        return tuple(pool)
    spec = cb.wave(int(year))
    if not spec.asks(q.id):
        return tuple(pool)
    listed = {c.item for c in spec.columns_for(q.id) if c.role in ("answer", "selected")}
    return tuple(row for row in pool if row.code in listed)


def previous_asking(question: str, year: int, cb: Codebook | None = None) -> int | None:
    """The latest wave of the codebook before `year` that asked `question`, or None."""
    earlier = [w for w in (cb or codebook()).waves_asking(question) if w < int(year)]
    return earlier[-1] if earlier else None


def new_rows(q: Question, year: int, before: int | None, cb: Codebook | None = None) -> list[str]:
    """Items (matrix) or options (multi) wave `year` asked and wave `before` (the previous one that asked `q`) did
    not; none without such a wave (then the whole question is new)."""
    if before is None:
        return []
    then = {row.code for row in asked_rows(q, before, cb)}
    return [row.code for row in asked_rows(q, year, cb) if row.code not in then]


def as_asked(q: Question, year: int, before: int | None = None, cb: Codebook | None = None) -> Question:
    """`q` as wave `year` asked it: only its items (matrix) or options (multi) of that wave, and those new since wave
    `before` (the previous wave that asked it; None: no marks) labelled "… (nieuw in <year>)" (NEW_IN)."""
    if q.type not in ("matrix", "multi"):
        return q
    new, mark = set(new_rows(q, year, before, cb)), f" ({NEW_IN.format(year=year)})"
    rows = tuple(replace(row, label=row.label + mark, short=row.short + mark if row.short else "")
                 if row.code in new else row for row in asked_rows(q, year, cb))
    return replace(q, items=rows) if q.type == "matrix" else replace(q, options=rows)


def not_asked_message(q: Question, code: str, year: int | None, cb: Codebook | None = None) -> str:
    """Why there is no value for item/option `code` of `q` in wave `year`, with the waves that did ask it."""
    cb = cb or codebook()
    kind = "item" if q.type == "matrix" else "option"
    asking = [w for w in sorted(cb.waves) if any(r.code == code for r in asked_rows(q, w, cb))]
    return (f"{kind} {code} of question {q.id} has no value for {year}: not asked that year (asked in "
            f"{', '.join(map(str, asking)) or 'no wave'}; data/codebook/waves/{year}.yml lists the {kind}s of "
            f"{year}); compare only the {kind}s both waves asked")


def _asked_item(q: Question, item: str, year: int | None, cb: Codebook | None) -> object:
    """The item `item` of matrix question `q`, checked against what wave `year` asked (NotAsked otherwise)."""
    for row in asked_rows(q, year, cb):
        if row.code == item:
            return row
    full = (cb or codebook()).question(q.id)  # `q` may hold only what the wave asked (as_asked)
    if any(row.code == item for row in full.items):
        raise NotAsked(not_asked_message(full, item, year, cb))
    return q.item(item)  # an unknown item: the codebook's KeyError lists the items


def _rows(answers: pd.DataFrame, question: Question) -> pd.DataFrame:
    """The answer rows that count as answers of `question` (value present), with response_id as str."""
    kind = "selected" if question.type == "multi" else "answer"
    rows = answers[(answers["question"] == question.id) & (answers["kind"] == kind)]
    rows = rows[rows["value"].notna()]
    return pd.DataFrame({"response_id": rows["response_id"].astype(str).to_numpy(),
                         "item": rows["item"].fillna("").astype(str).to_numpy(),
                         "value": rows["value"].astype(str).to_numpy()})


def answered_ids(answers: pd.DataFrame, question: str | Question, item: str = "", *,
                 cb: Codebook | None = None) -> pd.Index:
    """response_ids of the units that answered `question` (its `item` for a matrix question; any item when "")."""
    q = _question(question, cb)
    rows = _rows(answers, q)
    if q.type == "matrix" and item:
        rows = rows[rows["item"] == item]
    return pd.Index(rows["response_id"].unique())


def n_answered(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question, item: str = "",
               population: str = "alle", *, cb: Codebook | None = None) -> int:
    """How many units of `population` answered the question (item)."""
    ids = population_ids(responses, population)
    return int(answered_ids(answers, question, item, cb=cb).isin(ids).sum())


def _tidy(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    frame["n"] = frame["n"].astype("int64")
    frame["count"] = frame["count"].astype("int64")
    frame["pct"] = frame["pct"].astype("float64")
    for column in ("question", "item", "answer", "answer_label", "group", "item_label", "group_label"):
        frame[column] = frame[column].astype(str)
    return frame


def _pct(count: int, n: int) -> float:
    return 100 * count / n if n else float("nan")  # multiply first: an exact half stays exact for half-up rounding


# --------------------------------------------------------------------------------------------------------------------
# Distributions and shares of one wave


def _item_bases(responses: pd.DataFrame, rows: pd.DataFrame, q: Question, items: Sequence, populations: Sequence[str]):
    """Per population and item: (population, item, item code, the answer rows of that item, its base n)."""
    for population in populations:
        ids = population_ids(responses, population)
        in_population = rows[rows["response_id"].isin(ids)]
        for it in items:
            code = it.code if it is not None else ""
            of_item = in_population[in_population["item"] == code] if q.type == "matrix" else in_population
            yield population, it, code, of_item, int(of_item["response_id"].nunique())


def distribution(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question, item: str = "",
                 populations: Sequence[str] = ("alle",), *, cb: Codebook | None = None) -> pd.DataFrame:
    """Share of every answer, per population, over the units that answered (tidy, codebook order).

    single: every option (their shares add up to 100 %); matrix: every option of the scale for `item`, or for every
    item when `item` is ""; multi: each option's ticked share (they add up to more than 100 %).
    """
    q = _question(question, cb)
    if q.type == "open":
        raise ValueError(f"{q.id} is an open question; it has no answer distribution")
    rows, year = _rows(answers, q), wave_of(responses)
    if q.type == "matrix":
        items = [_asked_item(q, item, year, cb)] if item else list(asked_rows(q, year, cb))
    else:
        if item:
            raise ValueError(f"{q.id} is a {q.type} question; it has no items (got item={item!r})")
        items = [None]
    options = asked_rows(q, year, cb) if q.type == "multi" else q.options
    records = []
    for population, it, code, of_item, n in _item_bases(responses, rows, q, items, populations):
        for option in options:
            if q.type == "multi":
                count = int(of_item.loc[(of_item["item"] == option.code) & (of_item["value"] == SELECTED),
                                        "response_id"].nunique())
            else:
                count = int(of_item.loc[of_item["value"] == option.code, "response_id"].nunique())
            records.append({"question": q.id, "item": code, "answer": option.code,
                            "answer_label": option.display, "group": population, "n": n, "count": count,
                            "pct": _pct(count, n), "item_label": it.label if it is not None else "",
                            "group_label": population_label(population)})
    return _tidy(records)


def _codes(q: Question, answer_or_group: str | Sequence[str]) -> tuple[str, str, tuple[str, ...]]:
    """(answer column value, label, answer codes) of an answer code, a group name or a list of codes."""
    if isinstance(answer_or_group, str):
        if answer_or_group in q.groups:
            group = q.group(answer_or_group)
            return group.code, group.label, group.codes
        option = q.option(answer_or_group)
        return option.code, option.display, (option.code,)
    codes = tuple(answer_or_group)
    labels = [q.option(code).display for code in codes]
    return "+".join(codes), " of ".join(labels), codes


def group_share(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question,
                group_name: str | Sequence[str], item: str | None = None, populations: Sequence[str] = ("alle",), *,
                cb: Codebook | None = None) -> pd.DataFrame:
    """Share of a codebook group ("veel_of_heel_veel"), an answer code or a list of codes, per population (tidy).

    For a matrix question `item` None or "" gives one row per item (codebook order). For a multi-choice question the
    codes are options and a unit counts when it ticked any of them.
    """
    q = _question(question, cb)
    answer, label, codes = _codes(q, group_name)
    rows, year = _rows(answers, q), wave_of(responses)
    if q.type == "matrix":
        items = [_asked_item(q, item, year, cb)] if item else list(asked_rows(q, year, cb))
    else:
        items = [None]
    records = []
    for population, it, code, of_item, n in _item_bases(responses, rows, q, items, populations):
        if q.type == "multi":
            hit = of_item["item"].isin(codes) & (of_item["value"] == SELECTED)
        else:
            hit = of_item["value"].isin(codes)
        count = int(of_item.loc[hit, "response_id"].nunique())
        records.append({"question": q.id, "item": code, "answer": answer, "answer_label": label,
                        "group": population, "n": n, "count": count, "pct": _pct(count, n),
                        "item_label": it.label if it is not None else "", "group_label": population_label(population)})
    return _tidy(records)


def size_class_counts(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question,
                      group_name: str | Sequence[str], item: str | None = None, *,
                      cb: Codebook | None = None) -> pd.DataFrame:
    """group_share's n and count for "alle" and every size class (index: group; columns n, count), counted in one
    pass instead of one filter per population (the trend models ask this for every indicator and wave).

    The same rule as group_share: a unit answered when it has an answer row of the question (of `item` for a matrix
    question) and counts when that answer is one of the codes (for a multi-choice question: ticked any of them).
    A matrix question needs its `item`; tests/test_tables.py checks it against group_share."""
    q = _question(question, cb)
    _, _, codes = _codes(q, group_name)
    rows, year = _rows(answers, q), wave_of(responses)
    if q.type == "matrix":
        if not item:
            raise ValueError(f"{q.id} is a matrix question: size_class_counts needs its item")
        rows = rows[rows["item"] == _asked_item(q, item, year, cb).code]
    if q.type == "multi":
        hit = rows["item"].isin(codes) & (rows["value"] == SELECTED)
    else:
        hit = rows["value"].isin(codes)
    units = pd.DataFrame({"response_id": responses["response_id"].astype(str).to_numpy(),
                          "size_class": responses["size_class"].astype(object).to_numpy()}
                         ).drop_duplicates("response_id").set_index("response_id")["size_class"]
    answered = pd.Index(rows["response_id"].unique())
    answered = answered[answered.isin(units.index)]
    hits = pd.Index(rows.loc[hit.to_numpy(), "response_id"].unique())
    hits = hits[hits.isin(units.index)]
    n_by_class = units.loc[answered].value_counts()
    count_by_class = units.loc[hits].value_counts()
    groups = ["alle", *SIZE_CODES]
    return pd.DataFrame({"n": [len(answered), *(int(n_by_class.get(code, 0)) for code in SIZE_CODES)],
                         "count": [len(hits), *(int(count_by_class.get(code, 0)) for code in SIZE_CODES)]},
                        index=pd.Index(groups, name="group"))


def matrix_table(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question,
                 group_name: str | Sequence[str] | None = None, populations: Sequence[str] = ("alle", "klein"),
                 order: str = "descending", only_in_table: bool = True, *, cb: Codebook | None = None) -> pd.DataFrame:
    """One row per item with the share of `group_name` per population, as Tabel 1-5 of the report (wide).

    matrix question: rows are its items, the share is that of `group_name` (a group, an answer code or codes);
    multi-choice question: rows are its options, the share is the ticked share (`group_name` None);
    single question: rows are its options, the share is that of each option (`group_name` None).
    `only_in_table` leaves out items/options marked `in_table: false` ("anders"). `order`: "descending" sorts by the
    share of the first population (ties in codebook order), "codebook" keeps the codebook order.

    Columns: rank (1, 2, ...), question, item (item or option code), label, answer (group name or code; "" for
    multi/single), answer_label, then n_<population>, count_<population>, pct_<population> per population.
    `matrix_long` turns it into tidy rows.
    """
    q = _question(question, cb)
    if order not in ("descending", "codebook"):
        raise ValueError(f"order must be 'descending' or 'codebook', got {order!r}")
    if q.type == "matrix":
        if group_name is None:
            raise ValueError(f"{q.id} is a matrix question: name the group or answer to show (groups: {sorted(q.groups)})")
        tidy = group_share(responses, answers, q, group_name, None, populations, cb=cb)
        rows = list(asked_rows(q, wave_of(responses), cb))
    elif q.type in ("multi", "single"):
        if group_name is not None:
            raise ValueError(f"{q.id} is a {q.type} question: its rows are its options; leave group_name None")
        tidy = distribution(responses, answers, q, "", populations, cb=cb)
        tidy["item"] = tidy["answer"]
        tidy["item_label"] = [q.option(code).label for code in tidy["answer"]]
        tidy["answer"], tidy["answer_label"] = "", ""
        rows = list(asked_rows(q, wave_of(responses), cb))
    else:
        raise ValueError(f"{q.id} is an open question; it has no table of shares")
    keep = [row.code for row in rows if row.in_table or not only_in_table]
    records = []
    for position, code in enumerate(keep):
        of_row = tidy[tidy["item"] == code].set_index("group")
        record = {"question": q.id, "item": code, "label": of_row["item_label"].iloc[0],
                  "answer": of_row["answer"].iloc[0], "answer_label": of_row["answer_label"].iloc[0],
                  "_position": position}
        for population in populations:
            record[f"n_{population}"] = int(of_row.at[population, "n"])
            record[f"count_{population}"] = int(of_row.at[population, "count"])
            record[f"pct_{population}"] = float(of_row.at[population, "pct"])
        records.append(record)
    table = pd.DataFrame.from_records(records)
    if order == "descending" and len(table):
        table = table.sort_values([f"pct_{populations[0]}", "_position"], ascending=[False, True], kind="stable")
    table = table.drop(columns="_position").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    table.attrs["populations"] = list(populations)
    return table


# --------------------------------------------------------------------------------------------------------------------
# The standard table of any question (Bijlage C and the tabellenboek)

# The columns of a standard table: every unit, the small municipalities and each size class.
STANDARD_POPULATIONS = ("alle", "klein", *SIZE_CODES)
OPEN_ANSWER = "beantwoord"  # the one "answer" of an open question: the unit wrote something
OPEN_ANSWER_LABEL = "Heeft een antwoord gegeven"


def wave_wording(question: str | Question, year: int | None = None, *, cb: Codebook | None = None
                 ) -> tuple[str, dict[str, str], dict[str, str]]:
    """(question text, {answer code: label}, {item or option code: label}) as wave `year` worded them: `text`,
    `relabel` and `item_relabel` of data/codebook/waves/<year>.yml where given, else questions.yml (full labels, not
    the report's short ones). `year` None: the wording of questions.yml."""
    cb = cb or codebook()
    q = _question(question, cb)
    entry: dict = {}  # the wave file's own wording: not part of the resolved WaveSpec
    if year is not None:
        raw = yamlfiles.load(Path(cb.wave(year).source).read_text(encoding="utf-8")) or {}
        entry = ((raw.get("questions") or {}).get(q.id)) or {}
    relabel, item_relabel = entry.get("relabel") or {}, entry.get("item_relabel") or {}

    def clean(text) -> str:
        return " ".join(str(text).split())

    answers = {option.code: clean(relabel.get(option.code, option.label)) for option in q.options}
    rows = q.items if q.type == "matrix" else q.options if q.type == "multi" else ()
    items = {row.code: clean(item_relabel.get(row.code, row.label)) for row in rows}
    return clean(entry.get("text", q.text)), answers, items


def _asked_rows(q: Question, year: int | None, cb: Codebook) -> list[str]:
    """The item codes (matrix) or option codes (multi) wave `year` asked, in codebook order (every one when `year` is
    None); [] for single and open questions."""
    rows = q.items if q.type == "matrix" else q.options if q.type == "multi" else ()
    if year is None:
        return [row.code for row in rows]
    role = "answer" if q.type == "matrix" else "selected"
    asked = {spec.item for spec in cb.wave(year).columns_for(q.id) if spec.role == role}
    return [row.code for row in rows if row.code in asked]


def routed_ids(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question, year: int | None = None, *,
               cb: Codebook | None = None) -> pd.Index:
    """response_ids of the units the question was put to: all units, or, for a question with `routing.asked_if`
    (questions.yml), those whose answer to the earlier question opened it. As the cleaning decides it: the routing
    applies when the wave (`year`; None: the data) asked every earlier question it names."""
    cb = cb or codebook()
    q = _question(question, cb)
    ids = pd.Index(responses["response_id"].astype(str).unique())
    earlier = list(q.asked_if)
    if not earlier:
        return ids
    if year is not None:
        applies = all(cb.wave(year).asks(e) for e in earlier)
    else:
        applies = all((answers["question"] == e).any() for e in earlier)
    if not applies:
        return ids
    for e, codes in q.asked_if.items():
        hits = answers[(answers["question"] == e) & (answers["kind"] == "answer")
                       & (answers["item"].fillna("") == "") & answers["value"].isin(list(codes))]
        ids = ids[ids.isin(hits["response_id"].astype(str))]
    return ids


def standard_table(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question, year: int | None = None,
                   populations: Sequence[str] = STANDARD_POPULATIONS, *, cb: Codebook | None = None) -> pd.DataFrame:
    """The standard table of any question, from the codebook alone (so a question added to questions.yml and a wave
    file gets one without code): tidy rows (TIDY_COLUMNS) per population of `populations` (default: alle, klein and
    each size class), before the disclosure rule (helpers.analysis.disclosure.protect applies it where it is shown).

    - single: every answer; matrix: every answer of the scale for every item the wave asked; multi: every option the
      wave asked, its ticked share. Built on `distribution`: n is the units that answered (a matrix: that item), so
      units the routing passed by are not in the base.
    - open: one row per population, answer "beantwoord": n is the units the question was put to (routed_ids), count
      those that wrote an answer. The texts themselves never enter the table.

    Labels are the wave's wording (`wave_wording`: full labels, the wave's own where it reworded them); `year` None
    uses questions.yml and every item. `.attrs`: question_text (the wave's wording) and type.
    """
    cb = cb or codebook()
    q = _question(question, cb)
    text, answer_labels, item_labels = wave_wording(q, year, cb=cb)
    if q.type == "open":
        routed = routed_ids(responses, answers, q, year, cb=cb)
        rows = answers[(answers["question"] == q.id) & (answers["kind"] == "text") & answers["text"].notna()]
        wrote = pd.Index(rows.loc[rows["text"].astype(str).str.strip() != "", "response_id"].astype(str).unique())
        records = []
        for population in populations:
            asked = routed[routed.isin(population_ids(responses, population))]
            count = int(wrote.isin(asked).sum())
            records.append({"question": q.id, "item": "", "answer": OPEN_ANSWER, "answer_label": OPEN_ANSWER_LABEL,
                            "group": population, "n": len(asked), "count": count, "pct": _pct(count, len(asked)),
                            "item_label": "", "group_label": population_label(population)})
        table = _tidy(records)
    else:
        table = distribution(responses, answers, q, "", populations, cb=cb)
        asked = _asked_rows(q, year, cb)
        if q.type == "matrix":
            table = table[table["item"].isin(asked)]
            table["item_label"] = table["item"].map(item_labels)
            table["answer_label"] = table["answer"].map(answer_labels)
        elif q.type == "multi":
            table = table[table["answer"].isin(asked)]
            table["answer_label"] = table["answer"].map(item_labels)
        else:
            table["answer_label"] = table["answer"].map(answer_labels)
        table = table.reset_index(drop=True)
    table.attrs.update(question_text=text, type=q.type)
    return table


def table_populations(wide: pd.DataFrame) -> list[str]:
    """The populations of a matrix_table result, in column order."""
    return [column[len("pct_"):] for column in wide.columns if column.startswith("pct_")]


def item_shares(table: pd.DataFrame | None, population: str = "alle") -> pd.Series | None:
    """{item: share} of a matrix_table (column pct_<population>) or of tidy rows (the rows of `population`); None for
    None. The shares as numbers, to look one up by its code."""
    if table is None:
        return None
    if f"pct_{population}" in table:
        return table.set_index("item")[f"pct_{population}"]
    return table[table["group"] == population].set_index("item")["pct"]


def matrix_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows (TIDY_COLUMNS) of a matrix_table result: one per item and population."""
    records = []
    for _, row in wide.iterrows():
        for population in table_populations(wide):
            records.append({"question": row["question"], "item": row["item"], "answer": row["answer"],
                            "answer_label": row["answer_label"], "group": population,
                            "n": int(row[f"n_{population}"]), "count": int(row[f"count_{population}"]),
                            "pct": float(row[f"pct_{population}"]), "item_label": row["label"],
                            "group_label": population_label(population)})
    return _tidy(records)


def crosstab(responses: pd.DataFrame, answers: pd.DataFrame, question: str | Question, by: str = "size_class",
             item: str = "", *, cb: Codebook | None = None) -> pd.DataFrame:
    """Answers of a single (or matrix item) question by a column of the responses, e.g. the size class (Figuur 5).

    Tidy: one row per answer (codebook order) and value of `by` (size classes in their order; others sorted), with
    count, n and pct = column % (share of the answer among the units of that size class that answered), and also
    n_answer and pct_answer = row % (share of the size class among the units that gave that answer).
    Units without a value of `by` are left out; how many is in `.attrs["missing"]`.
    """
    q = _question(question, cb)
    if q.type not in ("single", "matrix"):
        raise ValueError(f"crosstab needs a single or matrix question; {q.id} is {q.type}")
    rows = _rows(answers, q)
    if q.type == "matrix":
        rows = rows[rows["item"] == _asked_item(q, item, wave_of(responses), cb).code]
    units = pd.DataFrame({"response_id": responses["response_id"].astype(str).to_numpy(),
                          "by": responses[by].astype(object).to_numpy()})
    merged = rows.merge(units, on="response_id", how="inner")
    missing = int(merged["by"].isna().sum())
    merged = merged[merged["by"].notna()].assign(by=lambda f: f["by"].astype(str))
    if by == "size_class":
        levels = [code for code in SIZE_CODES]
        labels = SIZE_LABELS
    elif by == "klein":
        levels, labels = ["True", "False"], {"True": "kleine gemeenten", "False": "overige gemeenten"}
    else:
        levels, labels = sorted(merged["by"].unique()), {}
    n_by = merged.groupby("by")["response_id"].nunique()
    n_answer = merged.groupby("value")["response_id"].nunique()
    counts = merged.groupby(["value", "by"])["response_id"].nunique()
    records = []
    for option in q.options:
        for level in levels:
            count = int(counts.get((option.code, level), 0))
            n = int(n_by.get(level, 0))
            na = int(n_answer.get(option.code, 0))
            records.append({"question": q.id, "item": item, "answer": option.code, "answer_label": option.display,
                            "group": level, "n": n, "count": count, "pct": _pct(count, n),
                            "item_label": q.item(item).label if item else "",
                            "group_label": labels.get(level, level), "n_answer": na, "pct_answer": _pct(count, na)})
    table = pd.DataFrame.from_records(records)
    table = pd.concat([_tidy(table[TIDY_COLUMNS].to_dict("records")),
                       table[["n_answer", "pct_answer"]].astype({"n_answer": "int64", "pct_answer": "float64"})],
                      axis=1)
    table.attrs["missing"] = missing
    return table


# --------------------------------------------------------------------------------------------------------------------
# Several waves


def _published(path: Path | str | None = None):
    return load_published(path)


def reader(processed_dir: Path | str = PROCESSED_DIR, small_threshold: int | None = None) -> Loader:
    """A function year -> (responses, answers) reading `processed_dir`, with `klein` recomputed when a threshold is
    given (fewer inhabitants than `small_threshold`)."""
    cache: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}

    def load(year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        year = int(year)
        if year not in cache:
            responses, answers, _ = read_processed(year, processed_dir)
            if small_threshold is not None:
                responses = with_threshold(responses, small_threshold)
            cache[year] = responses, answers
        return cache[year]

    return load


def with_threshold(responses: pd.DataFrame, small_threshold: int) -> pd.DataFrame:
    """`responses` with `klein` = fewer inhabitants than `small_threshold` (<NA> where the population is unknown)."""
    population = responses["population"].astype("Int64")
    klein = (population < int(small_threshold)).astype("boolean")
    return responses.assign(klein=klein)


def _available(load: Loader, year: int) -> bool:
    try:
        load(year)
    except FileNotFoundError:
        return False
    return True


def participation(waves: Iterable[int], processed_dir: Path | str = PROCESSED_DIR, *, load: Loader | None = None,
                  published_path: Path | str | None = None) -> pd.DataFrame:
    """Participating municipalities per wave (Figuur 1): counted from the processed data where a wave has it, else the
    published number (source "gepubliceerd"); with the frame size and the response rate.

    Columns: wave, count (<NA> when neither exists), frame (municipalities on 1 January), pct (response rate),
    source ("verwerkt", "gepubliceerd" or "ontbreekt"), published (published participants, <NA> when not published
    as a count) and published_rate / published_rate_quote (the published response rate, where one is published).
    """
    load = load or reader(processed_dir)
    numbers = _published(published_path)
    records = []
    for wave in waves:
        wave = int(wave)
        published = next((p for p in numbers if p.wave == wave and p.measure == "participants"), None)
        rates = [p for p in numbers if p.wave == wave and p.measure == "response_rate"]
        rate = next((p for p in rates if p.comparison == "rounded"), rates[0] if rates else None)
        if _available(load, wave):
            count, source = len(load(wave)[0]), "verwerkt"
        elif published is not None:
            count, source = int(published.value), "gepubliceerd"
        else:
            count, source = None, "ontbreekt"
        frame = FRAME_SIZES.get(wave)
        records.append({"wave": wave, "count": count, "frame": frame,
                        "pct": _pct(count, frame) if count is not None and frame else float("nan"),
                        "source": source, "published": int(published.value) if published else None,
                        "published_rate": float(rate.value) if rate else float("nan"),
                        "published_rate_quote": rate.quote if rate else ""})
    table = pd.DataFrame.from_records(records)
    return table.astype({"wave": "int64", "count": "Int64", "frame": "Int64", "pct": "float64", "source": str,
                         "published": "Int64", "published_rate": "float64", "published_rate_quote": str})


def participation_long(table: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows (TIDY_COLUMNS) of a participation table: item = wave, n = frame, count = participants."""
    records = [{"question": "", "item": str(row.wave), "answer": "deelnemers", "answer_label": "Deelnemende gemeenten",
                "group": "alle", "n": int(row.frame) if pd.notna(row.frame) else 0,
                "count": int(row.count) if pd.notna(row.count) else 0, "pct": row.pct, "item_label": str(row.wave),
                "group_label": "alle gemeenten"} for row in table.itertuples() if pd.notna(row.count)]
    return _tidy(records)


def _published_share(numbers, wave: int, q: Question, item: str, codes: tuple[str, ...], population: str):
    for p in numbers:
        if (p.wave == wave and p.measure == "share" and p.question == q.id and (p.item or "") == (item or "")
                and tuple(sorted(p.answer_codes)) == tuple(sorted(codes)) and p.population == population
                and not p.condition):
            return p
    return None


def trend(question: str | Question, answer_or_group: str | Sequence[str], waves: Iterable[int],
          processed_dir: Path | str = PROCESSED_DIR, item: str = "", population: str = "alle", *,
          load: Loader | None = None, cb: Codebook | None = None,
          published_path: Path | str | None = None) -> pd.DataFrame:
    """The share of one answer (code, group or codes) over several waves, e.g. LIA "uitgevoerd" 2022 vs 2023.

    Per wave: computed from the processed data when the wave asked the question (and `item`) and its data is there (source
    "verwerkt"); else the published share with the same definition (source "gepubliceerd", n and count <NA>); waves
    with neither are left out. Columns: wave, question, item, answer, answer_label, group, n, count, pct, source,
    published (the published share for that wave, if any: to compare), published_comparison ("rounded", "approx"),
    published_quote (the published wording) and published_match (does the computed share reproduce it; <NA> when
    nothing is published or the value is the published one).
    """
    cb = cb or codebook()
    q = _question(question, cb)
    load = load or reader(processed_dir)
    answer, label, codes = _codes(q, answer_or_group)
    numbers = _published(published_path)
    records = []
    for wave in waves:
        wave = int(wave)
        published = _published_share(numbers, wave, q, item, codes, population)
        record = {"wave": wave, "question": q.id, "item": item, "answer": answer, "answer_label": label,
                  "group": population, "published": published.value if published else None,
                  "published_comparison": published.comparison if published else "",
                  "published_quote": published.quote if published else ""}
        asked = wave in cb.waves and cb.wave(wave).asks(q.id) and (
            not item or q.type != "matrix" or any(row.code == item for row in asked_rows(q, wave, cb)))
        if asked and _available(load, wave):
            responses, answers = load(wave)
            share = group_share(responses, answers, q, list(codes), item or None, [population], cb=cb).iloc[0]
            pct = float(share["pct"])
            records.append({**record, "n": int(share["n"]), "count": int(share["count"]), "pct": pct,
                            "source": "verwerkt",
                            "published_match": matches(published, pct) if published is not None else None})
        elif published is not None:
            records.append({**record, "n": None, "count": None, "pct": float(published.value),
                            "source": "gepubliceerd", "published_match": None})
    columns = ["wave", "question", "item", "answer", "answer_label", "group", "n", "count", "pct", "source",
               "published", "published_comparison", "published_quote", "published_match"]
    table = pd.DataFrame.from_records(records, columns=columns)
    return table.astype({"wave": "int64", "n": "Int64", "count": "Int64", "pct": "float64", "published": "float64",
                         "published_match": "boolean"})


def trend_long(table: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows (TIDY_COLUMNS) of a trend table computed from processed data: group = the wave."""
    rows = table[table["source"] == "verwerkt"]
    records = [{"question": row.question, "item": row.item, "answer": row.answer, "answer_label": row.answer_label,
                "group": str(row.wave), "n": int(row.n), "count": int(row.count), "pct": row.pct,
                "item_label": "", "group_label": str(row.wave)} for row in rows.itertuples()]
    return _tidy(records)


def waves_tidy(frames: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Tidy tables of several waves stacked, with the wave as the group (e.g. Figuur 4: 2022 and 2023)."""
    parts = []
    for wave, frame in frames.items():
        parts.append(frame.assign(group=str(wave), group_label=str(wave)))
    return _tidy(pd.concat(parts, ignore_index=True)[TIDY_COLUMNS].to_dict("records")) if parts else _tidy([])


# --------------------------------------------------------------------------------------------------------------------
# Representativeness (Figuur 2)


def frame_populations(year: int, *, reference_dir: Path | str | None = None, cb: Codebook | None = None
                      ) -> tuple[pd.DataFrame, int, bool]:
    """The municipality frame of wave `year` with inhabitants on the wave's size reference date.

    Returns (frame with columns code, name, population, size_class; the reference year; approximate). Uses
    population_on(reference year, frame codes), the same figures the cleaning step gave the participants; where the
    reference set has no figures for that year (2018, 2019) the frame's own approximate figures (1-1-2020).
    """
    cb = cb or codebook()
    reference_year = cb.wave(year).size_reference_date.year
    frame = municipalities.load_frame(year, reference_dir)
    try:
        population = municipalities.population_on(reference_year, frame, reference_dir=reference_dir)
        approximate = False
    except ValueError:
        population = frame["population"].astype("Int64")
        approximate = True
    frame = frame.assign(population=population.astype("Int64"))
    frame["size_class"] = municipalities.size_class(frame["population"]).astype(object)
    return frame[["code", "name", "population", "size_class"]].reset_index(drop=True), reference_year, approximate


def representativeness(responses: pd.DataFrame, year: int, *, frame: pd.DataFrame | None = None,
                       reference_dir: Path | str | None = None, cb: Codebook | None = None) -> pd.DataFrame:
    """Participants per size class next to all municipalities of the wave's frame (Figuur 2), tidy.

    item = size class; group "deelnemers" (units with a known size) or "nederland" (frame municipalities with a known
    number of inhabitants on the size reference date). `.attrs`: unknown_participants, unknown_frame,
    reference_year, approximate (True when the frame's figures are not of the reference date itself).
    """
    if frame is None:
        frame, reference_year, approximate = frame_populations(year, reference_dir=reference_dir, cb=cb)
    else:
        reference_year, approximate = (cb or codebook()).wave(year).size_reference_date.year, False
    known_units = responses["size_class"].dropna().astype(str)
    known_frame = frame["size_class"].dropna().astype(str)
    records = []
    for group, label, values in (("deelnemers", "deelnemende gemeenten", known_units),
                                 ("nederland", "alle Nederlandse gemeenten", known_frame)):
        n = len(values)
        counts = values.value_counts()
        for code in SIZE_CODES:
            count = int(counts.get(code, 0))
            records.append({"question": "", "item": code, "answer": "", "answer_label": "", "group": group,
                            "n": n, "count": count, "pct": _pct(count, n), "item_label": SIZE_LABELS[code],
                            "group_label": label})
    table = _tidy(records)
    table.attrs.update(unknown_participants=int(responses["size_class"].isna().sum()),
                       unknown_frame=int(frame["size_class"].isna().sum()), reference_year=int(reference_year),
                       approximate=bool(approximate), frame_size=len(frame))
    return table


def size_counts(responses: pd.DataFrame) -> pd.DataFrame:
    """Units per size class (codebook order) with 'onbekend' last: columns size_class, label, count."""
    counts = responses["size_class"].astype(object).value_counts(dropna=False)
    rows = [(code, SIZE_LABELS[code], int(counts.get(code, 0))) for code in SIZE_CODES]
    rows.append(("onbekend", "onbekend", int(responses["size_class"].isna().sum())))
    return pd.DataFrame(rows, columns=["size_class", "label", "count"])


# --------------------------------------------------------------------------------------------------------------------
# Participants compared with what was published (chapter 1)

# How the report writes some municipality names (the CBS list has the official name).
DISPLAY_NAMES = {"'s-Gravenhage": "Den Haag", "'s-Hertogenbosch": "'s-Hertogenbosch"}


def display_name(name: str) -> str:
    return DISPLAY_NAMES.get(str(name), str(name))


def g4_participants(responses: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(G4 municipalities that took part, those that did not), in report spelling ("Den Haag")."""
    codes = set(responses["municipality_code"].dropna().astype(str))
    taking_part = [display_name(name) for code, name in G4.items() if code in codes]
    absent = [display_name(name) for code, name in G4.items() if code not in codes]
    return taking_part, absent


def published_value(number_id: str, path: Path | str | None = None) -> float | None:
    """The published value of an entry of published_numbers.yml (by id), or None when there is no such entry."""
    entry = next((p for p in _published(path) if p.id == number_id), None)
    return None if entry is None else entry.value


def published_size_counts(year: int, path: Path | str | None = None) -> dict[str, int]:
    """Participants per size class (and 'g4' where published) as the report of `year` states them."""
    out = {}
    for p in _published(path):
        if p.wave == int(year) and p.measure == "count_size_class":
            out[p.population] = int(p.value)
    g4 = next((p for p in _published(path) if p.wave == int(year) and p.id.endswith("_g4_deelnemers")), None)
    if g4 is not None:
        out["g4"] = int(g4.value)
    return out


def unknown_size_reasons(responses: pd.DataFrame, quality: dict) -> pd.DataFrame:
    """Why units have no size class: columns reason (Dutch), count. Unmatched names by status; matched municipalities
    without a CBS number of inhabitants (dissolved before the first year of the reference set)."""
    unknown = responses[responses["size_class"].isna()]
    unmatched = {u["response_id"]: u["status"] for u in quality.get("unmatched") or []}
    reasons = []
    for response_id, code in zip(unknown["response_id"].astype(str), unknown["municipality_code"], strict=True):
        if pd.isna(code):
            status = unmatched.get(response_id, "unknown")
            reasons.append(STATUS_LABELS.get(status, status))
        elif str(code).startswith("X"):
            reasons.append("opgeheven gemeente zonder CBS-inwonertal in de referentieset")
        else:
            reasons.append("geen CBS-inwonertal op de peildatum")
    counts = pd.Series(reasons, dtype=object).value_counts()
    return pd.DataFrame({"reason": counts.index.astype(str), "count": counts.to_numpy().astype(int)}) \
        .sort_values(["count", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)


def published_list(year: int) -> pd.DataFrame | None:
    """The published participant list of `year` (data/published/bijlage_a_<year>.csv), or None."""
    path = PUBLISHED_DIR / f"bijlage_a_{int(year)}.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def published_list_summary(year: int) -> dict | None:
    """What the published participant list of `year` (Bijlage A) holds, or None when there is no list.

    {"entries": list entries, "municipalities": municipalities named (a joint entry names several; an ambiguous
    entry counts once), "unresolved": [(entry, [candidate names])] for entries that are not one municipality,
    "size_counts": helpers.data.municipalities.bijlage_a_size_counts() indexed by group (computed, published)}.
    """
    listing = published_list(year)
    if listing is None or int(year) != 2023:  # bijlage_a_size_counts knows the 2023 list only
        return None
    results = [municipalities.match_municipality(name, int(year)) for name in listing["name_as_published"]]
    unresolved = [(r.text, list(r.candidates)) for r in results if not r.matched]
    counts = municipalities.bijlage_a_size_counts().set_index("group")
    return {"entries": len(listing), "municipalities": int(counts.at["total", "computed"]),
            "unresolved": unresolved, "size_counts": counts}


def representation_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """Per size class the rounded shares of participants and of all municipalities (a representativeness result)
    and their difference in percentage points: size_class, text, participants, frame, difference."""
    wide = table.pivot(index="item", columns="group", values="pct")
    rows = []
    for code in SIZE_CODES:
        participants = round_half_up(float(wide.at[code, "deelnemers"]))
        frame = round_half_up(float(wide.at[code, "nederland"]))
        rows.append({"size_class": code, "text": SIZE_TEXT[code], "participants": participants, "frame": frame,
                     "difference": participants - frame})
    return pd.DataFrame(rows)
