"""From a wave's answers to the rows of its survey-tool export, with the mess the cleaning must remove.

Rows of an export (`ExportRow`): the valid responses (one per questionnaire; a joint answer is one row), plus
- test responses by the research team (municipality "Test" / "testgemeente movisie", e-mail at movisie.nl or vng.nl),
- repeated submissions: an earlier row of a participating municipality, partial or complete, that the cleaning's rule
  "most questions answered, then latest submission" resolves in favour of the calibrated row,
- rows that stop before the first content question (lia_phase empty and nothing after it),
- one answer to a routed question by a unit the routing did not send there (2021-2023; the cleaning drops it).
Then metadata (ids in order of starting, timestamps in the fieldwork window, last page / status) and personal data
(invented names, e-mail addresses at <municipality>.example.nl, IP addresses from documentation ranges, 06-numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.data.codebook import codebook
from helpers.synthetic.answers import Response, WaveAnswers
from helpers.synthetic.participants import COLLOQUIAL, GROUPS, slug, type_name, typed_variants, wave_frame
from helpers.synthetic.random import stream
from helpers.synthetic.texts import Person, TextMaker, pool

# Share of units answering a question that also write a comment (assumed).
COMMENT_RATES = {"policy_breadth": 0.12, "lia_phase": 0.14, "domains": 0.12, "vng_topics": 0.07, "partners": 0.10,
                 "obstacles": 0.16, "awareness_idm": 0.06, "support_content": 0.10, "support_process": 0.07,
                 "support_form": 0.06}
PII_TEXT_RATE = 0.05  # share of texts that may carry the respondent's own name, e-mail or phone
NAME_RATE, EMAIL_RATE, PHONE_RATE = 0.88, 0.93, 0.45
IP_RANGES = ("192.0.2.", "198.51.100.", "203.0.113.")  # documentation ranges (RFC 5737)
TEST_MUNICIPALITIES = ("Test", "testgemeente movisie", "TEST - niet meetellen", "test VNG")
TEST_EMAILS = ("test@movisie.nl", "onderzoek@movisie.nl", "flitspeiling@movisie.nl", "test@vng.nl")
# What respondents without an identifiable municipality typed (empty, or text that names no municipality).
UNIDENTIFIED_TYPED = {2018: [None], 2019: ["Gemeente"], 2020: [None], 2021: ["n.v.t."], 2022: [None],
                      2023: [None, "Team Samenleving"]}


@dataclass
class ExportRow:
    """One row of the export before it is written: harmonised answers plus metadata."""

    kind: str  # valid / duplicate / test / no_first_content
    typed: str | None
    response: Response | None  # the valid response (for kind valid and duplicate: the one it repeats)
    answers: dict[tuple[str, str], str] = field(default_factory=dict)
    ticks: dict[str, set[str]] = field(default_factory=dict)
    texts: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (question, role, item) -> text
    person: Person | None = None
    email_domain: str = "example.nl"
    started: dt.datetime | None = None
    submitted: dt.datetime | None = None
    last_page: int = 0
    complete: bool = True
    truth: tuple[str | None, ...] = ()  # municipality codes behind the row (for checks only)
    respondent_id: int = 0

    def answered_questions(self) -> set[str]:
        done = {q for q, _ in self.answers} | {q for q, t in self.ticks.items() if t}
        return done | {q for q, _, _ in self.texts}


# --------------------------------------------------------------------------------------------------------------------
# People


def _person(rng: np.random.Generator, domain: str, phone: bool = True) -> Person:
    names = pool("names")
    first = str(names["first_names"][int(rng.integers(len(names["first_names"])))])
    last = str(names["last_names"][int(rng.integers(len(names["last_names"])))])
    full = f"{first} {last}"
    has_name = rng.random() < NAME_RATE
    style = rng.random()
    local_last = slug(last.replace(" ", ""))
    if style < 0.5:
        local = f"{slug(first[0])}.{local_last}"
    elif style < 0.85:
        local = f"{slug(first)}.{local_last}"
    else:
        local = f"{slug(first[0])}{local_last}"
    email = f"{local}@{domain}" if rng.random() < EMAIL_RATE else None
    number = f"06-{int(rng.integers(10_000_000, 99_999_999))}"
    landline = f"0{int(rng.integers(10, 99))}-{int(rng.integers(1_000_000, 9_999_999))}"
    return Person(name=full if has_name else None, email=email,
                  phone=number if phone and rng.random() < PHONE_RATE else None, landline=landline)


def _domain(response: Response | None, typed: str | None) -> str:
    if response is not None and response.participant.members[0].name:
        name = response.participant.members[0].name
        return f"{slug(COLLOQUIAL.get(name, [name])[0])}.example.nl"  # "denhaag.example.nl", not "sgravenhage"
    if response is not None and response.participant.kind == "ambiguous":
        return f"{slug(response.participant.entry)}.example.nl"  # "bergen.example.nl": still ambiguous
    return "gemeente.example.nl"


def _ip(rng: np.random.Generator) -> str:
    return f"{IP_RANGES[int(rng.integers(len(IP_RANGES)))]}{int(rng.integers(1, 255))}"


# --------------------------------------------------------------------------------------------------------------------
# Texts of a valid response


def _fill_texts(row: ExportRow, response: Response, maker: TextMaker, rng: np.random.Generator) -> None:
    book = codebook()
    spec = book.wave(maker.year)
    person = row.person
    for question in spec.questions:
        q = book.question(question)
        allow_pii = bool(rng.random() < PII_TEXT_RATE)
        if q.type == "open":
            if question not in response.open_answered:
                continue
            if question == "respondent_function":
                text = maker.function(person)
            elif question == "lia_results":
                text = maker.results(person, response.kind, allow_pii)
            else:
                text = maker.addition(person, allow_pii, response.group)
            row.texts[(question, "text", "")] = text
            continue
        if not response.answered(question):
            continue
        for column in spec.columns_for(question):
            if column.role != "other":
                continue
            if q.type == "single" and response.answers.get((question, "")) == column.item:
                kind = response.kind if question == "lia_phase" else None
                row.texts[(question, "other", column.item)] = maker.other(question, person, kind)
            elif q.type == "multi" and column.item in response.ticks.get(question, set()):
                row.texts[(question, "other", column.item)] = maker.other(question, person)
            elif q.type == "matrix" and response.answers.get((question, column.item)) in ("klein", "groot",
                                                                                          "zeer_groot"):
                if response.answers[(question, column.item)] != "klein" or rng.random() < 0.6:
                    row.texts[(question, "other", column.item)] = maker.other(question, person)
        if any(c.role == "comment" for c in spec.columns_for(question)) and rng.random() < COMMENT_RATES[question]:
            row.texts[(question, "comment", "")] = maker.comment(question, response.phase, person, allow_pii,
                                                                  response.group)


# --------------------------------------------------------------------------------------------------------------------
# Rows that the cleaning removes


def _random_answers(year: int, rng: np.random.Generator, upto: str | None = None) -> tuple[dict, dict]:
    """Answers of a test or partial row: plausible random codes for every closed question up to `upto`."""
    book = codebook()
    spec = book.wave(year)
    answers, ticks = {}, {}
    for question in spec.questions:
        q = book.question(question)
        if q.type == "open":
            continue
        if q.type == "multi":
            options = [c.item for c in spec.columns_for(question) if c.role == "selected" and c.item != "anders"]
            options = [o for o in options if o != "geen_behoefte"]
            ticks[question] = {o for o in options if rng.random() < 0.4} or {options[0]}
        else:
            codes = [c for c in q.answer_codes() if c != "anders"]
            items = [c.item for c in spec.columns_for(question) if c.role == "answer"]
            for item in items:
                if item == "ander":
                    answers[(question, item)] = "geen"
                else:
                    answers[(question, item)] = codes[int(rng.integers(len(codes)))]
        if question == upto:
            break
    return answers, ticks


def _duplicate_of(response: Response, year: int, rng: np.random.Generator, partial: bool) -> tuple[dict, dict]:
    """An earlier submission by the same municipality: a subset of the answers of the kept row, a few changed."""
    closed = [q for q in codebook().wave(year).questions if codebook().question(q).type != "open"]
    answered = [q for q in closed if response.answered(q)]
    stop = answered[int(rng.integers(2, max(3, len(answered) - 2)))] if partial else answered[-1]
    keep = set(answered[: answered.index(stop) + 1])
    answers = {k: v for k, v in response.answers.items() if k[0] in keep}
    ticks = {k: set(v) for k, v in response.ticks.items() if k in keep}
    # the respondent changed a few matrix answers the second time (not the answers that define the unit)
    matrix = [k for k in answers if k[1] and k[0] != "obstacles"]
    for key in sorted(matrix)[:: max(1, len(matrix) // 3)][:3]:
        scale = codebook().question(key[0]).answer_codes()
        position = scale.index(answers[key])
        answers[key] = scale[max(0, min(len(scale) - 2, position + int(rng.choice([-1, 1]))))]
    return answers, ticks


def build_rows(wave: WaveAnswers, targets, seed: int) -> list[ExportRow]:
    year = wave.year
    mess = targets.wave(year).mess
    rng = stream(seed, year, "rows")
    text_rng = stream(seed, year, "texts")
    maker = TextMaker(year, stream(seed, year, "text-draws"))
    spec = codebook().wave(year)
    rows: list[ExportRow] = []
    has_phone = "phone" in spec.personal
    unidentified_seen = 0
    # valid responses
    for response in wave.responses:
        participant = response.participant
        typed = type_name(participant.entry, participant.kind, rng)
        if participant.kind == "unidentified":
            typed = UNIDENTIFIED_TYPED[year][unidentified_seen % len(UNIDENTIFIED_TYPED[year])]
            unidentified_seen += 1
        row = ExportRow(kind="valid", typed=typed, response=response, answers=dict(response.answers),
                        ticks={k: set(v) for k, v in response.ticks.items()},
                        truth=tuple(m.code for m in participant.members))
        row.email_domain = _domain(response, typed)
        row.person = _person(rng, row.email_domain, has_phone)
        _fill_texts(row, response, maker, text_rng)
        rows.append(row)
    # a routed question answered by a unit that was not routed to it (the cleaning drops the answer)
    if codebook().wave(year).asks("lia_results"):
        candidates = [r for r in rows if r.response.phase == "gereed" and r.response.weight == 1]
        if candidates:
            victim = candidates[int(rng.integers(len(candidates)))]
            victim.texts[("lia_results", "text", "")] = maker.not_routed_result(victim.person)
    # repeated submissions: pick complete single responses of identified municipalities
    complete = [r for r in rows if r.response.participant.kind == "single"
                and r.response.last_closed == len(wave.closed) - 1]
    hertogenbosch = [r for r in complete if r.response.participant.members[0].name == "'s-Hertogenbosch"
                     and year == 2023]  # typed "Den Bosch" the first time: matching must precede de-duplication
    others = [r for r in complete if r not in hertogenbosch]
    chosen_idx = rng.choice(len(others), size=mess["duplicates"] - len(hertogenbosch[:1]), replace=False)
    chosen = hertogenbosch[:1] + [others[int(i)] for i in sorted(chosen_idx)]
    for number, kept in enumerate(chosen):
        partial = number % 2 == 0
        answers, ticks = _duplicate_of(kept.response, year, rng, partial)
        name = kept.response.participant.members[0].name
        if name == "'s-Hertogenbosch":
            typed, kept.typed = "Den Bosch", "'s-Hertogenbosch"
        else:
            variants = typed_variants(name)
            typed = variants[int(rng.integers(len(variants)))]
        duplicate = ExportRow(kind="duplicate", typed=typed, response=kept.response, answers=answers, ticks=ticks,
                              truth=kept.truth, email_domain=kept.email_domain, person=kept.person)
        duplicate.complete = not partial
        # the earlier row has the same open answers but fewer comments: a tie on answered questions for a complete
        # repeat (the latest submission is kept), fewer answered questions for a partial one
        duplicate.texts = {key: text for key, text in kept.texts.items()
                           if key[1] != "comment" and (not partial or key[0] in {q for q, _ in answers})}
        rows.append(duplicate)
    # test responses
    for number in range(mess["test_responses"]):
        answers, ticks = _random_answers(year, rng)
        test = ExportRow(kind="test", typed=TEST_MUNICIPALITIES[number % len(TEST_MUNICIPALITIES)], response=None,
                         answers=answers, ticks=ticks)
        email = TEST_EMAILS[number % len(TEST_EMAILS)]
        test.person = Person(name="Test Movisie" if "movisie" in email else "Test VNG", email=email, phone=None,
                             landline="030-0000000")
        test.texts[("additions", "text", "")] = "Testrespons, niet meenemen in de analyse."
        rows.append(test)
    # rows that stop before the first content question: municipalities that take no further part
    frame = wave_frame(year)
    taking_part = {m.code for r in wave.responses for m in r.participant.members}
    outside = frame[~frame["code"].isin(taking_part)].reset_index(drop=True)
    picks = rng.choice(len(outside), size=mess["excluded_before_first_question"], replace=False)
    for number, position in enumerate(sorted(int(p) for p in picks)):
        name = outside.at[position, "name"]
        typed = type_name(name, "single", rng)
        answers = {}
        if number == 0:  # answered the question before lia_phase, then left
            answers[("policy_breadth", "")] = "alle_beperkingen"
        row = ExportRow(kind="no_first_content", typed=typed, response=None, answers=answers,
                        truth=(outside.at[position, "code"],), complete=False)
        row.email_domain = f"{slug(name)}.example.nl"
        row.person = _person(rng, row.email_domain, has_phone)
        if year == 2023 and number % 2 == 1:
            row.texts[("respondent_function", "text", "")] = maker.function(row.person)
        rows.append(row)
    _metadata(rows, wave, targets, seed)
    return rows


# --------------------------------------------------------------------------------------------------------------------
# Metadata


def _pages(year: int) -> dict[str, int]:
    """Page of every question: page 1 holds the municipality, contact details and (2023) the function question."""
    spec = codebook().wave(year)
    pages, page = {}, 1
    for question in spec.questions:
        if question == "respondent_function":
            pages[question] = 1
            continue
        page += 1
        pages[question] = page
    return pages


def _moment(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.datetime:
    days = (end - start).days
    # more responses right after the invitation and just before the deadline
    u = rng.random()
    offset = int(rng.integers(0, 6)) if u < 0.3 else days - int(rng.integers(0, 6)) if u < 0.5 else int(
        rng.integers(0, days + 1))
    day = start + dt.timedelta(days=min(max(offset, 0), days))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    seconds = int(rng.integers(8 * 3600, 17 * 3600))
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)


def _metadata(rows: list[ExportRow], wave: WaveAnswers, targets, seed: int) -> None:
    year = wave.year
    rng = stream(seed, year, "metadata")
    start, end = targets.wave(year).fieldwork
    pages = _pages(year)
    last = max(pages.values())
    closed = wave.closed
    for row in rows:
        if row.kind == "test":
            row.started = dt.datetime.combine(start - dt.timedelta(days=int(rng.integers(3, 8))),
                                              dt.time(hour=int(rng.integers(9, 16)))) + dt.timedelta(
                seconds=int(rng.integers(0, 3600)))
        else:
            row.started = _moment(rng, start, end)
        if row.kind == "valid":
            response = row.response
            row.complete = response.last_closed == len(closed) - 1
        elif row.kind == "no_first_content":
            row.complete = False
        answered = row.answered_questions()
        if row.complete:
            row.last_page = last
        elif row.kind == "valid":
            reached = closed[row.response.last_closed]
            row.last_page = max([pages[reached], *(pages[q] for q in answered)])
        else:
            row.last_page = max([1, *(pages[q] for q in answered)])
        minutes = float(np.clip(rng.lognormal(np.log(24), 0.5), 7, 120))
        if row.complete:
            row.submitted = row.started + dt.timedelta(minutes=minutes)
    # a repeated submission comes before the row it repeats
    for row in rows:
        if row.kind != "duplicate":
            continue
        kept = next(r for r in rows if r.kind == "valid" and r.response is row.response)
        if kept.started <= dt.datetime.combine(start, dt.time(9)) + dt.timedelta(days=2):
            kept.started = dt.datetime.combine(start + dt.timedelta(days=int(rng.integers(4, 10))),
                                               dt.time(hour=int(rng.integers(9, 15))))
            while kept.started.weekday() >= 5:
                kept.started += dt.timedelta(days=1)
            kept.submitted = kept.started + dt.timedelta(minutes=int(rng.integers(15, 50))) if kept.complete else None
        row.started = kept.started - dt.timedelta(days=int(rng.integers(1, 4)), minutes=int(rng.integers(5, 300)))
        row.submitted = row.started + dt.timedelta(minutes=int(rng.integers(12, 40))) if row.complete else None
        if not row.complete:
            row.last_page = max(pages[q] for q in row.answered_questions())
    rows.sort(key=lambda r: (r.started, r.kind, r.typed or ""))
    respondent = int(rng.integers(3, 12))
    for row in rows:
        row.respondent_id = respondent
        respondent += 1 + (1 if rng.random() < 0.06 else 0)  # ids of deleted empty starts are missing


# --------------------------------------------------------------------------------------------------------------------
# The export table


def export_table(rows: list[ExportRow], year: int, seed: int) -> pd.DataFrame:
    """The rows as the survey tool writes them: export column names, text cells, None for empty."""
    book = codebook()
    spec = book.wave(year)
    rng = stream(seed, year, "ip")
    inverse = {c.column: {code: raw for raw, code in c.values.items()} for c in spec.columns if c.values}
    records = []
    for row in rows:
        record: dict[str, str | None] = {column: None for column in spec.expected_columns()}
        meta = spec.metadata
        record[meta["respondent_id"]] = str(row.respondent_id)
        record[meta["started_at"]] = row.started.strftime("%Y-%m-%d %H:%M:%S")
        record[meta["submitted_at"]] = row.submitted.strftime("%Y-%m-%d %H:%M:%S") if row.submitted else None
        if "last_page" in meta:
            record[meta["last_page"]] = str(row.last_page)
        if "status" in meta:
            record[meta["status"]] = "Volledig" if row.submitted else "Onvolledig"
        record[meta["municipality"]] = row.typed
        person = row.person
        personal = spec.personal
        if "name" in personal:
            record[personal["name"]] = person.name if person else None
        if "email" in personal:
            record[personal["email"]] = person.email if person else None
        if "phone" in personal:
            record[personal["phone"]] = person.phone if person else None
        if "ip" in personal:
            record[personal["ip"]] = _ip(rng)
        for column in spec.columns:
            key = (column.question, column.item)
            if column.role == "answer":
                code = row.answers.get(key)
                record[column.column] = None if code is None else inverse[column.column][code]
            elif column.role == "selected":
                if column.item in row.ticks.get(column.question, set()):
                    record[column.column] = next(iter(column.values))
            elif column.role == "text":
                record[column.column] = row.texts.get((column.question, "text", ""))
            elif column.role == "other":
                record[column.column] = row.texts.get((column.question, "other", column.item))
            elif column.role == "comment":
                record[column.column] = row.texts.get((column.question, "comment", ""))
        records.append(record)
    table = pd.DataFrame(records, columns=spec.expected_columns(), dtype=object)
    return table.where(table.notna(), None)


def row_summary(rows: list[ExportRow]) -> dict[str, int]:
    counts = {"rows": len(rows)}
    for kind in ("valid", "test", "duplicate", "no_first_content"):
        counts[kind] = sum(r.kind == kind for r in rows)
    counts["break_offs"] = sum(r.kind == "valid" and not r.complete for r in rows)
    return counts


__all__ = ["GROUPS", "ExportRow", "build_rows", "export_table", "row_summary"]
