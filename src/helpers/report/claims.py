"""Registered claims: what the report says about the change of an indicator, and the report-wide check on them.

Every sentence that says an indicator rose, fell or did not change (year on year, over the trend period, in the
panel) registers a claim through the Chapter API (`ch.claim`, `ch.compared_phrase`, `ch.more_or_fewer`); the claims
go into the chapter's manifest.json ("claims") and the publishing step checks them together
(helpers.publish.consistency). A claim is a dict:

- indicator: the indicator id of data/codebook/indicators.yml where there is one ("breed_inclusiebeleid"), else a
  key-figure-like name; label: how the report names it;
- period: [from, to], the two waves compared (year on year) or the first and last wave of a trend;
- kind: "jaar" (this wave against an earlier one, two-proportion test on the counts), "trend" (the trend model) or
  "panel" (the same difference in the panel section);
- direction: the sign of the difference as measured: "hoger", "lager" or "gelijk";
- significant: whether its test finds the difference (p < 0,05);
- sentence: the words of the report that state it; chapter: where it is.

The check fails on (a) two claims about the same indicator and period that assert different directions (a
difference that is not significant asserts "gelijk": no demonstrable change), and (b) a direction word (gestegen,
gedaald, hoger, lager, meer, minder, toegenomen, ...) in the sentence of a claim whose test does not support it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from helpers.report import text as phrases

HIGHER, LOWER, EQUAL = phrases.HIGHER, phrases.LOWER, phrases.EQUAL
KINDS = ("jaar", "trend", "panel")

# Words that say a difference exists. A word is qualified (and so allowed for a difference that is not significant)
# when "niet significant", "niet aantoonbaar", "geen significante" or a plain "niet" ("niet toegenomen") comes at most
# two words before it.
DIRECTION_WORDS = ("gestegen", "gedaald", "stijging", "daling", "steeg", "daalde", "hoger", "lager", "meer", "minder",
                   "toegenomen", "afgenomen", "toename", "afname", "groter", "kleiner", "vaker")
_DIRECTION_RE = re.compile(r"\b(" + "|".join(DIRECTION_WORDS) + r")\b", re.IGNORECASE)
_QUALIFIER_RE = re.compile(r"\b(niet significant|niet aantoonbaar|geen significante?|geen aantoonbare?|niet)\s+(\w+\s+){0,2}$",
                           re.IGNORECASE)


def make(indicator: str, label: str, period: Sequence[int], kind: str, direction: str | None, significant: bool,
         sentence: str, chapter: str = "", subject: str = "", **values: float) -> dict:
    """One claim (see the module docstring); `values`: the numbers it rests on (pct_now, pct_before; change_pp), for
    the summary's wording; `subject`: how a sentence names the indicator ("het aandeel gemeenten met een breed
    inclusiebeleid"; default: "het aandeel ‘<label>’"). Raises ValueError on an unknown kind or direction."""
    if kind not in KINDS:
        raise ValueError(f"claim about {indicator!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if direction not in (HIGHER, LOWER, EQUAL):
        raise ValueError(f"claim about {indicator!r}: direction {direction!r} is not hoger, lager or gelijk")
    first, last = (int(year) for year in period)
    return {"indicator": str(indicator), "label": str(label), "period": [first, last], "kind": kind,
            "direction": direction, "significant": bool(significant), "sentence": str(sentence),
            "chapter": str(chapter), "subject": subject or f"het aandeel ‘{label}’", **{key: float(value) for key, value in values.items()}}


def from_test(indicator: str, label: str, now, before, year_before: int, year: int, sentence: str,
              kind: str = "jaar", chapter: str = "", subject: str = "") -> dict | None:
    """The claim of a year-on-year sentence, from the same test the wording uses (helpers.report.text.test on the
    counts); None when a share is missing (the report then states no comparison)."""
    result = phrases.test(now, before)
    if result is None:
        return None
    measured = HIGHER if result.pct1 > result.pct2 else LOWER if result.pct1 < result.pct2 else EQUAL
    return make(indicator, label, (year_before, year), kind, measured, result.word != EQUAL, sentence, chapter,
                subject, pct_now=result.pct1, pct_before=result.pct2)


def from_trend(row: Mapping, sentence: str, chapter: str = "", subject: str = "") -> dict | None:
    """The claim of a trend model row (helpers.analysis.trends: indicator, label, first_wave, last_wave, change_pp,
    p_value); None when the model could not be estimated."""
    p_value, change = float(row["p_value"]), float(row["change_pp"])
    if math.isnan(p_value):
        return None
    direction = HIGHER if change > 0 else LOWER if change < 0 else EQUAL
    return make(row["indicator"], row["label"], (row["first_wave"], row["last_wave"]), "trend", direction,
                p_value < phrases.ALPHA, sentence, chapter, subject, change_pp=change)


def asserted(claim: Mapping) -> str:
    """The direction a claim asserts: its measured direction when significant, else "gelijk"."""
    return claim["direction"] if claim["significant"] else EQUAL


def unqualified_direction_words(sentence: str) -> list[str]:
    """The direction words of `sentence` that are not qualified by "niet significant" (or "niet aantoonbaar")."""
    found = []
    for match in _DIRECTION_RE.finditer(sentence):
        if not _QUALIFIER_RE.search(sentence[:match.start()]):
            found.append(match.group(1))
    return found


def _where(claim: Mapping) -> str:
    first, last = claim["period"]
    return f"{claim.get('chapter') or '?'} ({claim['kind']}, {first}-{last}): ‘{claim['sentence']}’"


def problems(claims: Iterable[Mapping]) -> list[str]:
    """Every contradiction among `claims` as one line: (a) same indicator and period, different asserted
    directions; (b) a direction word for a difference its test does not find. [] when the claims agree."""
    claims = list(claims)
    out = []
    by_key: dict[tuple, list[Mapping]] = {}
    for claim in claims:
        by_key.setdefault((claim["indicator"], tuple(claim["period"])), []).append(claim)
        words = unqualified_direction_words(claim["sentence"]) if not claim["significant"] else []
        if words:
            out.append(f"{claim['indicator']}: the direction word ‘{words[0]}’ for a difference that is not "
                       f"significant, in {_where(claim)}; say ‘niet significant …’ or ‘gelijk’ "
                       "(helpers.report.text.compared_phrase)")
    for (indicator, period), group in sorted(by_key.items()):
        directions = {asserted(claim) for claim in group}
        if len(directions) > 1:
            listed = "; ".join(f"{asserted(claim)} in {_where(claim)}" for claim in group)
            out.append(f"{indicator} {period[0]}-{period[1]}: the report says {' and '.join(sorted(directions))}: "
                       f"{listed}")
    return out


def differing(claims: Iterable[Mapping], year: int) -> list[tuple[dict, dict]]:
    """(year-on-year claim, trend claim) pairs about one indicator whose asserted directions differ, for wave
    `year`: the comparison with the previous wave ends in `year`, the trend too. In order of the claims."""
    claims = list(claims)
    trends = {c["indicator"]: c for c in claims if c["kind"] == "trend" and c["period"][1] == int(year)}
    pairs, seen = [], set()
    for claim in claims:
        trend = trends.get(claim["indicator"])
        if (claim["kind"] == "jaar" and claim["period"][1] == int(year) and trend is not None
                and claim["indicator"] not in seen and asserted(claim) != asserted(trend)):
            pairs.append((dict(claim), dict(trend)))
            seen.add(claim["indicator"])
    return pairs
