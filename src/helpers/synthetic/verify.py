"""Checks on the stand-in before anything is written: published numbers, and the story the data must tell.

`processed_frames` turns a wave's generated responses into the processed contract of helpers.data.cleaning (one unit per
municipality, joint answers expanded, answers in long form) exactly as the cleaning rules would, so that
helpers.data.published.check_all can recompute every published number. `story_checks` tests what the report says in words
(rankings, "every municipality works with a partner", the panel moving forward, ...).
"""

from __future__ import annotations

import pandas as pd

from helpers.core.formatting import round_half_up
from helpers.data.codebook import codebook
from helpers.data.published import check_all
from helpers.synthetic import frames
from helpers.synthetic.phases import ANDERS_KINDS, panel_transitions


def processed_frames(wave) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(responses, answers) in the processed contract for the valid, de-duplicated units of `wave`."""
    book = codebook()
    spec = book.wave(wave.year)
    units, rows = [], []
    for r in wave.responses:
        base = f"{wave.year}-{r.index:04d}"
        ids = [base] if r.weight == 1 else [f"{base}{chr(97 + k)}" for k in range(r.weight)]
        for response_id, member in zip(ids, r.participant.members, strict=True):
            units.append({"wave": wave.year, "response_id": response_id, "municipality_code": member.code,
                          "size_class": member.size_class,
                          "klein": None if member.size_class is None else member.size_class in ("lt10k", "10k_25k")})
            for question in spec.questions:
                q = book.question(question)
                if q.type == "multi":
                    ticked = r.ticks.get(question) or set()
                    if ticked:
                        for column in spec.columns_for(question):
                            if column.role == "selected":
                                rows.append((wave.year, response_id, question, column.item, "selected",
                                             "1" if column.item in ticked else "0", None))
                elif q.type == "open":
                    if question in r.open_answered:
                        rows.append((wave.year, response_id, question, "", "text", None,
                                     r.texts.get((question, "text", ""), "tekst")))
                else:
                    for (qq, item), code in sorted(r.answers.items()):
                        if qq == question:
                            rows.append((wave.year, response_id, question, item, "answer", code, None))
    responses = pd.DataFrame(units)
    answers = pd.DataFrame(rows, columns=["wave", "response_id", "question", "item", "kind", "value", "text"])
    return responses, answers


def published_checks(waves: dict, numbers=None) -> pd.DataFrame:
    """check_all over the generated waves (calibrated numbers only)."""
    responses, answers, frame = {}, {}, {}
    for year, wave in waves.items():
        responses[year], answers[year] = processed_frames(wave)
        frame[year] = frames.load_frame(year)
    result = check_all(responses, answers, frame, numbers=numbers)
    return result[result["check"] == "calibrated"].reset_index(drop=True)


def _share(answers: pd.DataFrame, ids: set, question: str, item: str, codes) -> float:
    rows = answers[(answers["question"] == question) & (answers["item"] == item) & (answers["kind"] == "answer")
                   & answers["response_id"].isin(ids)]
    return 100 * rows["value"].isin(codes).sum() / max(len(rows), 1)


def story_checks(waves: dict, participants: dict, kinds: dict) -> list[str]:
    """What the reports say in words; returns the problems found (empty when all hold)."""
    problems = []
    frames_by_year = {year: processed_frames(wave) for year, wave in waves.items()}
    for year, (responses, answers) in frames_by_year.items():
        # every unit answering partners involves at least one partner
        partners = answers[(answers["question"] == "partners") & (answers["kind"] == "answer")]
        involved = partners.groupby("response_id")["value"].apply(lambda v: (v != "niet").any())
        if not involved.all():
            problems.append(f"{year}: {int((~involved).sum())} unit(s) involve no partner at all")
        # exclusive options stand alone
        for question in ("support_content", "support_process"):
            ticked = answers[(answers["question"] == question) & (answers["value"] == "1")]
            per_unit = ticked.groupby("response_id")["item"].apply(set)
            bad = [s for s in per_unit if "geen_behoefte" in s and len(s) > 1]
            if bad:
                problems.append(f"{year}: {question} 'geen_behoefte' ticked with other boxes {len(bad)} time(s)")
        # support form: the same three highest in every wave
        form = answers[(answers["question"] == "support_form") & (answers["kind"] == "selected")]
        shares = form.groupby("item")["value"].apply(lambda v: (v == "1").mean()).sort_values(ascending=False)
        top = set(shares.index[:3])
        if top != {"kennisproducten", "website", "regionale_bijeenkomsten"}:
            problems.append(f"{year}: the three highest support forms are {sorted(top)}")
        # domains: the top three and the three with least attention (all, > 50.000, small)
        domain_items = [c.item for c in codebook().wave(year).columns_for("domains") if c.role == "answer"]
        groups = {"alle": set(responses["response_id"]),
                  "gt50k": set(responses.loc[responses["size_class"].isin(["50k_100k", "ge100k"]), "response_id"]),
                  "klein": set(responses.loc[responses["klein"] == True, "response_id"])}  # noqa: E712
        for name, ids in groups.items():
            high = {i: _share(answers, ids, "domains", i, ("veel", "heel_veel")) for i in domain_items}
            ranked = sorted(high, key=lambda i: (-high[i], i))
            if name == "alle" and set(ranked[:3]) != {"betrekken", "communicatie", "openbare_gebouwen"}:
                problems.append(f"{year}: top three domains {ranked[:3]}")
            if year == 2023 and set(ranked[-3:]) != {"onderwijs", "openbaar_vervoer", "arbeidsmarkt"}:
                problems.append(f"{year}: least attention ({name}) for {ranked[-3:]}")
            if year == 2023:
                low = {i: _share(answers, ids, "domains", i, ("geen", "weinig")) for i in domain_items}
                lowest = sorted(low, key=lambda i: (-low[i], i))[:3]
                if name != "gt50k" and set(lowest) != {"onderwijs", "openbaar_vervoer", "arbeidsmarkt"}:
                    problems.append(f"{year}: most 'geen/weinig' ({name}) for {lowest}")
        # obstacles: capacity first (every wave), stakeholders second in 2020
        obstacles = answers[(answers["question"] == "obstacles") & (answers["kind"] == "answer")]
        big = obstacles.groupby("item")["value"].apply(lambda v: v.isin(["groot", "zeer_groot"]).mean())
        ranked = list(big.drop("ander").sort_values(ascending=False).index)
        if ranked[0] != "capaciteit" or (year == 2020 and ranked[1] != "stakeholders"):
            problems.append(f"{year}: obstacle ranking {ranked[:3]}")
    # panel: phases rarely go backwards; newcomers of 2023 mostly beginners
    order = ["verkennend", "onderzocht", "ontwikkelen", "gereed", "uitgevoerd"]
    transitions = [t for t in panel_transitions(participants, kinds)
                   if t[2] not in ANDERS_KINDS and t[4] not in ANDERS_KINDS]
    backwards = [t for t in transitions if order.index(t[4]) < order.index(t[2])]
    if len(backwards) > 0.05 * len(transitions):
        problems.append(f"panel: {len(backwards)} of {len(transitions)} transitions go backwards")
    both = [t for t in transitions if t[1] == 2022 and t[3] == 2023]
    kept = [t for t in both if order.index(t[4]) >= order.index(t[2])]
    if len(kept) < 0.9 * len(both):
        problems.append(f"panel 2022-2023: only {len(kept)} of {len(both)} keep or advance their phase")
    keys_2022 = {m.key for p in participants[2022] for m in p.members if m.key}
    new = [k for p, k in zip(participants[2023], kinds[2023], strict=True)
           if p.kind == "single" and p.members[0].key not in keys_2022]
    beginners = [k for k in new if k in ("verkennend", "onderzocht", "anders_niet_actief")]
    if len(beginners) <= len(new) / 2:
        problems.append(f"2023 newcomers: only {len(beginners)} of {len(new)} are beginners")
    return problems


def summary(waves: dict) -> pd.DataFrame:
    """Units answering each question per size group (for the report and README)."""
    records = []
    for year, wave in waves.items():
        responses, answers = processed_frames(wave)
        groups = responses.assign(group=responses["klein"].map({True: "klein", False: "niet_klein"}).fillna("onbekend"))
        for question in codebook().wave(year).questions:
            ids = set(answers.loc[answers["question"] == question, "response_id"])
            counts = groups[groups["response_id"].isin(ids)]["group"].value_counts()
            records.append({"wave": year, "question": question, **{g: int(counts.get(g, 0))
                                                                    for g in ("klein", "niet_klein", "onbekend")},
                            "alle": len(ids), "pct_of_units": round_half_up(100 * len(ids) / len(responses))})
    return pd.DataFrame(records)
