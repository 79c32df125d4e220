"""The summary ("Samenvatting en conclusie") and Bijlage A ("Overzicht deelnemende gemeenten").

The summary is written from the key figures the chapters register (``ch.number(...)`` in helpers.report.chapter), which each
chapter writes to build/<year>/parts/<notebook stem>/manifest.json. The summary notebook runs after chapters 1-5:

    figures = load_key_figures(year, parts_root)          # {"achtergrond": {name: {"value", "text", ...}}, ...}
    sentences = respons(figures.of("achtergrond"), year)   # a list of Dutch sentences, [] when nothing can be said

Every sentence function is pure: it takes the key figures of one or more chapters (plain dictionaries) and returns
sentences. A key figure may be absent (the wave did not ask the question, or the chapter notebook does not exist yet)
or None (no previous wave): the sentence that needs it is left out, never printed with "None". A name that
notebooks/report.yml does not declare (key_figures) is a KeyError. A change since an earlier wave ("hoger dan vorig
jaar") is the test on the counts (`tested`, helpers.report.text.compare), never read off the rounded shares.

Bijlage A is built from the processed responses: `participant_lines` (one line per municipality, one line per joint
answer), `unidentified_sentence` (participants without one municipality, without any typed text except a municipality
name that fits several municipalities) and `compare_with_published` (the printed list of 2023).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import BUILD_DIR, REPO_ROOT, SMALL_THRESHOLD
from helpers.core import formatting as fmt
from helpers.data.municipalities import match_municipality, normalise_name
from helpers.report import claims
from helpers.report import text as phrases
from helpers.report.outline import default_outline, load_outline

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
# The Netherlands ratified the UN Convention on the Rights of Persons with Disabilities on 14 June 2016 (in force
# 14 July 2016); the 2023 report: "Zeven jaar na de ratificatie van het VN-verdrag Handicap".
RATIFICATIE_JAAR = 2016
CAPACITEIT = "capaciteit"
FEW = 10  # below this many units a share is told as a count ("drie van de vier"), not as a percentage  # item code of "Benodigde uitvoeringscapaciteit" (questions.yml, obstacles)


class MissingParts(FileNotFoundError):
    """A chapter notebook exists but its parts (manifest.json) for the wave are not there, or are of another wave."""


# --------------------------------------------------------------------------------------------------------------------
# Loading the key figures


class KeyFigures(dict):
    """Key figures by chapter slug: {slug: {name: {"value", "text", ...}}}.

    `absent`: the chapters (helpers.report.chapter.ChapterSpec) whose notebook does not exist yet, so that the summary can say
    which parts it lacks. `parts`: {slug: the chapter's parts directory}.
    """

    def __init__(self, *args, absent: Sequence = (), parts: Mapping[str, Path] | None = None,
                 claims: Sequence[Mapping] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.absent = list(absent)
        self.parts = dict(parts or {})
        self.claims = [dict(claim) for claim in claims]  # what chapters 1-5 say about changes (helpers.report.claims)

    def of(self, slug: str) -> dict:
        """The key figures of one chapter ({} when the chapter is absent)."""
        return self.get(slug) or {}


def default_parts_root(year: int, parts_root: Path | str = "", parts_dir: Path | str = "") -> Path:
    """Where the chapters' parts are: `parts_root` when given; else the parent of this notebook's own `parts_dir`
    (the chapters write next to it: <root>/<notebook stem>); else build/<year>/parts."""
    if str(parts_root):
        return Path(parts_root)
    if str(parts_dir):
        return Path(parts_dir).parent
    return BUILD_DIR / str(int(year)) / "parts"


def load_key_figures(year: int, parts_root: Path | str = "", *, outline=None,
                     notebooks_dir: Path | str = NOTEBOOKS_DIR) -> KeyFigures:
    """The key figures of the numbered chapters of notebooks/report.yml for wave `year`.

    A chapter whose notebook is not in `notebooks_dir` yet is skipped (listed in `.absent`). A chapter whose notebook
    exists but whose manifest is missing, unreadable or of another wave raises MissingParts, naming the chapter and
    the make target that writes its parts.
    """
    year = int(year)
    root = default_parts_root(year, parts_root)
    outline = outline if outline is not None else load_outline()
    notebooks_dir = Path(notebooks_dir)
    figures, absent, parts, found_claims = {}, [], {}, []
    for spec in outline.chapters:
        if spec.number is None:  # the summary itself and the appendices register nothing the summary uses
            continue
        if not (notebooks_dir / spec.notebook).is_file():
            absent.append(spec)
            continue
        path = root / spec.stem / "manifest.json"
        target = f"make build/{year}/notebooks/{spec.stem}.ipynb"
        if not path.is_file():
            raise MissingParts(
                f"{path}: not found. Chapter {spec.heading} ({spec.notebook}) has not written its parts for {year}; "
                f"run it first: {target} (or `make report YEAR={year}`, which runs the summary after chapters 1-5)")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise MissingParts(f"{path}: unreadable manifest of chapter {spec.heading} ({error}); run {target}") \
                from None
        if int(manifest.get("year", year)) != year:
            raise MissingParts(f"{path}: the parts of chapter {spec.heading} are of {manifest.get('year')}, not of "
                               f"{year}; run {target}")
        figures[spec.slug] = dict(manifest.get("key_figures") or {})
        parts[spec.slug] = path.parent
        found_claims += manifest.get("claims") or []
    return KeyFigures(figures, absent=absent, parts=parts, claims=found_claims)


def ranked_items(parts_dir: Path | str, item_id: str, group: str = "alle") -> list[tuple[str, float]] | None:
    """The rows of figure/table `item_id` in a chapter's parts (cijfers.csv), highest percentage first:
    [(item code, pct)]; None when the chapter did not show that item."""
    parts_dir = Path(parts_dir)
    manifest_path, cijfers_path = parts_dir / "manifest.json", parts_dir / "cijfers.csv"
    if not manifest_path.is_file() or not cijfers_path.is_file():
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entry = next((item for item in manifest.get("items") or [] if item.get("id") == item_id), None)
    if entry is None:
        return None
    key = f"{entry['kind']}_{entry.get('series') or ''}{entry['number']}"
    cijfers = pd.read_csv(cijfers_path, dtype={"item": str, "group": str})
    rows = cijfers[(cijfers["table"] == key) & (cijfers["group"] == group)].dropna(subset=["pct"])
    rows = rows.sort_values("pct", ascending=False, kind="stable")
    return [(str(row.item), float(row.pct)) for row in rows.itertuples()]


# --------------------------------------------------------------------------------------------------------------------
# Reading one key figure


def declared(name: str) -> None:
    """Raise KeyError unless key figure `name` is declared in notebooks/report.yml (key_figures): a renamed or
    misspelt figure fails here instead of silently leaving a sentence out."""
    default_outline().key_figure(name)


def entry(figures: Mapping | None, name: str) -> Mapping | None:
    """The key figure `name` ({"value", "text", ...}) or None; KeyError for a name report.yml does not declare."""
    declared(name)
    if not isinstance(figures, Mapping):
        return None
    found = figures.get(name)
    return found if isinstance(found, Mapping) else None


def value(figures: Mapping | None, name: str) -> Any:
    """The value of key figure `name`; None when absent, None or NaN."""
    found = entry(figures, name)
    if found is None:
        return None
    result = found.get("value")
    if isinstance(result, (list, tuple, dict, str, bool)):
        return result
    return None if fmt._missing(result) else result


def number(figures: Mapping | None, name: str) -> float | None:
    """A numeric key figure (not a bool), or None."""
    result = value(figures, name)
    if isinstance(result, bool) or not isinstance(result, (int, float)):
        return None
    return float(result)


def flag(figures: Mapping | None, name: str) -> bool | None:
    """A yes/no key figure, or None."""
    result = value(figures, name)
    return result if isinstance(result, bool) else None


def _label_of(item: Any) -> str:
    if isinstance(item, Mapping):
        item = item.get("label") or item.get("text") or item.get("item") or ""
    return " ".join(str(item).split()) if item is not None and not fmt._missing(item) else ""


def labels(figures: Mapping | None, name: str) -> list[str] | None:
    """A list key figure as label texts (items may be texts or {"label": ...}); None when absent."""
    result = value(figures, name)
    if not isinstance(result, (list, tuple)):
        return None
    return [text for text in (_label_of(item) for item in result) if text]


def context(figures: Mapping | None, name: str, key: str) -> Any:
    """Something registered with a key figure besides its value (e.g. "jaar", "n", "rank")."""
    found = entry(figures, name)
    return None if found is None else found.get(key)


def series(figures: Mapping | None, prefix: str) -> dict[int, float]:
    """Key figures named <prefix>_<year> (e.g. breed_inclusiebeleid_2021), by year; KeyError unless report.yml
    declares the family <prefix>_<wave>."""
    if not any(spec.name == f"{prefix}_<wave>" for spec in default_outline().key_figures):
        raise KeyError(f"no key figure family {prefix}_<wave> is declared in report.yml (key_figures)")
    out = {}
    for name in (figures or {}):
        match = re.fullmatch(rf"{re.escape(prefix)}_(\d{{4}})", str(name))
        if match and number(figures, name) is not None:
            out[int(match.group(1))] = number(figures, name)
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------------------------------------------------
# Small text helpers


def as_shown(now: float | None, before: float | None, *, percentage: bool = True) -> str | None:
    """ "hoger", "lager" or "gelijk", comparing the numbers as the report shows them (percentages rounded half up);
    None when one is missing. Never the word for a change between waves (that is `tested`): it words a tested
    "gelijk" ("niet significant hoger" or "even hoog", as helpers.report.text.compared_phrase does), compares two groups
    of one wave, or counts of municipalities (percentage=False: every municipality is counted, there is no sample)."""
    if now is None or before is None or fmt._missing(now) or fmt._missing(before):
        return None
    if percentage:
        now, before = fmt.rounded_pct(now), fmt.rounded_pct(before)
    return "hoger" if now > before else "lager" if now < before else "gelijk"


def _counts(found: Mapping | None) -> tuple[int, int] | None:
    count, n = (found or {}).get("count"), (found or {}).get("n")
    ok = all(isinstance(x, int) and not isinstance(x, bool) for x in (count, n))
    return (count, n) if ok else None


def tested(figures: Mapping | None, before_name: str, now_name: str, *, this_wave: bool = True) -> str | None:
    """ "hoger", "lager" or "gelijk" for key figure `now_name` against the earlier `before_name`, by the test on the
    counts (helpers.report.text.compare), never by the rounded shares; None when a value or the test is missing.

    The test is run here when both figures were registered with `count` and `n`; else, when `now_name` is this wave's
    figure (`this_wave`), the word of the test the chapter ran itself and registered with the earlier figure (context
    "toets": this wave against that one). Two earlier waves (this_wave=False) need their counts."""
    if number(figures, now_name) is None or number(figures, before_name) is None:
        return None
    now_counts, before_counts = _counts(entry(figures, now_name)), _counts(entry(figures, before_name))
    if now_counts and before_counts:
        return phrases.compare(now_counts, before_counts)
    if not this_wave:
        return None
    word = context(figures, before_name, "toets")
    return word if word in (phrases.HIGHER, phrases.LOWER, phrases.EQUAL) else None


def than(previous: int, year: int) -> str:
    """ "vorig jaar" for the wave before `year`, else "in 2021"."""
    return "vorig jaar" if int(previous) == int(year) - 1 else f"in {int(previous)}"


def previous_year(figures: Mapping | None, name: str, fallback: int | None) -> int | None:
    """The wave a "vorig" key figure refers to: its "jaar" (or "year") context, else `fallback`."""
    for key in ("jaar", "wave", "year", "vorig_jaar"):
        found = context(figures, name, key)
        if isinstance(found, int) and not isinstance(found, bool):
            return found
    return fallback


ARTICLES = {"toegankelijkheid": "de", "fysieke": "de", "integrale": "de", "houding": "de", "betrekken": "het",
            "het": "", "de": "", "een": ""}


def inline(label: str, article: bool = True) -> str:
    """A codebook label inside a sentence: "Toegankelijkheid van het onderwijs" -> "de toegankelijkheid van het
    onderwijs" (first letter lower case unless the word is an abbreviation; "de"/"het" for known first words)."""
    label = " ".join(str(label).split())
    if not label:
        return ""
    first = label.split()[0]
    if len(first) > 1 and first[1:2].islower():
        label = label[0].lower() + label[1:]
    prefix = ARTICLES.get(first.lower(), "") if article else ""
    return f"{prefix} {label}" if prefix else label


def join_labels(items: Iterable[str], last: str = "en") -> str:
    """Labels in a sentence, a shared opening said once: "de toegankelijkheid van het onderwijs, het openbaar vervoer
    en de arbeidsmarkt"."""
    texts = [inline(item) for item in items if str(item).strip()]
    if len(texts) > 1:
        words = [text.split() for text in texts]
        shared = 0
        while all(len(w) > shared + 1 for w in words) and len({w[shared] for w in words}) == 1:
            shared += 1
        while shared and words[0][shared - 1] != "van":  # share up to a "van": "de toegankelijkheid van"
            shared -= 1
        if shared >= 2:
            opening = " ".join(words[0][:shared])
            return f"{opening} {fmt.join([' '.join(w[shared:]) for w in words], last)}"
    return fmt.join(texts, last)


def rest_share(pct_all: float | None, n_all, pct_part: float | None, n_part) -> float | None:
    """The percentage among the units outside a part (the larger municipalities when the part is "klein"), from the
    percentages and bases of all units and of the part; None when a base is unknown or nothing is left."""
    if None in (pct_all, pct_part) or not all(isinstance(n, int) and not isinstance(n, bool) for n in (n_all, n_part)):
        return None
    if n_all <= n_part:
        return None
    count_all, count_part = round(pct_all * n_all / 100), round(pct_part * n_part / 100)
    return 100 * (count_all - count_part) / (n_all - n_part)


def small_label(threshold: int) -> str:
    return f"kleine gemeenten (minder dan {fmt.number(threshold)} inwoners)"


def capitalize(text: str) -> str:
    """fmt.capitalize, accents kept: "Één" at the start of a sentence (the report's spelling, as text.sentence_start)."""
    return fmt.capitalize(text)


def _sentence(text: str) -> str:
    return capitalize(text.strip())


def paragraph(*parts: Iterable[str]) -> str:
    """Sentences of several sentence functions as one paragraph ("" when there are none)."""
    return " ".join(s for part in parts for s in part if s)


# --------------------------------------------------------------------------------------------------------------------
# The sentences of the summary (pure functions of key figures)


def inleiding(year: int, waves: Sequence[int]) -> list[str]:
    """What the flitspeiling is, since which wave."""
    waves = sorted(int(w) for w in waves if int(w) <= int(year)) or [int(year)]
    first = waves[0]
    wat = ("hoe ver gemeenten zijn met de implementatie van het VN-verdrag Handicap, waar knelpunten liggen en welke "
           "ondersteuningsbehoeften gemeenten hebben")
    if first == int(year):
        return [f"In {year} heeft Movisie samen met de VNG voor het eerst in beeld gebracht {wat}."]
    yearly = waves == list(range(first, int(year) + 1))
    return [f"Sinds {first} brengt Movisie samen met de VNG {'elk jaar ' if yearly else ''}in beeld {wat}."]


def respons(ch1: Mapping, year: int) -> list[str]:
    """Participation and its change since the previous wave (chapter 1)."""
    out = []
    n, total, rate = number(ch1, "deelnemers"), number(ch1, "gemeenten_nederland"), number(ch1, "responspercentage")
    if n is not None and total and rate is not None:
        out.append(_sentence(f"{fmt.fraction_phrase(rate)} van de gemeenten neemt deel aan deze flitspeiling: "
                             f"{fmt.number(n)} van de {fmt.number(total)} gemeenten ({fmt.pct(rate)})."))
    elif n is not None:
        out.append(f"Aan deze flitspeiling hebben {fmt.municipalities(n)} deelgenomen.")
    before = number(ch1, "deelnemers_vorige_meting")
    when = previous_year(ch1, "deelnemers_vorige_meting", None)
    direction = as_shown(n, before, percentage=False)
    if direction and when:
        if direction == "gelijk":
            out.append(f"Er deden evenveel gemeenten mee als {than(when, year)} ({fmt.number(n)}).")
        else:
            out.append(f"De respons is dit jaar {direction} dan {than(when, year)}: {fmt.municipalities(n)}, tegen "
                       f"{fmt.number(before)} in {when}.")
            earlier = {w: v for w, v in series(ch1, "deelnemers").items() if w < int(year)}
            if direction == "hoger" and len(earlier) >= 2 and n > max(earlier.values()):
                out.append(f"Het is het hoogste aantal deelnemers sinds de eerste flitspeiling in {min(earlier)}.")
    return out


def _previous_in_series(figures: Mapping, prefix: str, year: int) -> tuple[int, float] | tuple[None, None]:
    earlier = {w: v for w, v in series(figures, prefix).items() if w < int(year)}
    if not earlier:
        return None, None
    last = max(earlier)
    return last, earlier[last]


def verkennend_vergelijking(ch2: Mapping, year: int) -> list[str]:
    """A larger share in the exploring phase than in the previous wave (chapter 2): the observation behind the
    report's "meer gemeenten ... die kortgeleden met het onderwerp VN-verdrag Handicap zijn begonnen"."""
    when, before = _previous_in_series(ch2, "lia_verkennend", year)
    now = number(ch2, "lia_verkennend")
    if when is None or now is None or tested(ch2, f"lia_verkennend_{when}", "lia_verkennend") != "hoger":
        return []
    return [f"Een groter deel van de deelnemers dan {than(when, year)} zit nog in de eerste, verkennende fase: "
            f"{fmt.pct(now)}, tegen {fmt.pct(before)} in {when}."]


def lia(ch2: Mapping, year: int, plan_van_aanpak: bool = False) -> list[str]:
    """The phase of the Lokale Inclusie Agenda (chapter 2). `plan_van_aanpak`: the wave asked about a "plan van
    aanpak" (2018-2020) instead of a LIA."""
    if plan_van_aanpak:
        naam, een, de = ("een plan van aanpak voor de uitvoering van het VN-verdrag Handicap", "een plan van aanpak",
                         "het plan van aanpak")
    else:
        naam, een, de = "een Lokale Inclusie Agenda (LIA)", "een LIA", "de LIA"
    out = []
    u, g, o = number(ch2, "lia_uitgevoerd"), number(ch2, "lia_gereed"), number(ch2, "lia_ontwikkelen")
    v, total = number(ch2, "lia_verkennend"), number(ch2, "lia_in_ontwikkeling_of_uitvoering")
    if u is not None and v is not None and fmt.rounded_pct(u) >= 10 and fmt.rounded_pct(v) >= 10:
        out.append(f"Sommige gemeenten liggen goed op koers en voeren {een} uit ({fmt.pct(u)}); andere zijn nog maar "
                   f"net begonnen en onderzoeken in de verkennende fase wat de ratificatie van het verdrag voor hen "
                   f"betekent ({fmt.pct(v)}). De verschillen tussen gemeenten zijn dus groot.")
    if u is not None:
        out.append(f"Belangrijke vaststelling is dat in {fmt.pct(u)} van de gemeenten die de flitspeiling ingevuld "
                   f"hebben {naam} wordt uitgevoerd.")
    further = []
    if g is not None:
        further.append(f"nog eens {fmt.pct(g)} heeft {de} vastgesteld, maar nog niet in uitvoering genomen")
    if o is not None:
        further.append(f"nog eens {fmt.pct(o)} is bezig met de ontwikkeling van {de}")
    if further:
        out.append(_sentence(fmt.join(further)) + ".")
    if total is not None:
        rounding = ""
        if None not in (u, g, o) and sum(fmt.rounded_pct(x) for x in (u, g, o)) != fmt.rounded_pct(total):
            rounding = " (door afronding is dat niet precies de som van de delen)"
        short = "plan van aanpak" if plan_van_aanpak else "LIA"
        out.append(f"In totaal heeft dus {fmt.pct(total)} van de gemeenten in dit onderzoek een {short} in "
                   f"ontwikkeling, gereed of in uitvoering{rounding}.")
    big = number(ch2, "uitvoerders_25k_of_meer")
    n_big = context(ch2, "uitvoerders_25k_of_meer", "n")
    if big is not None and isinstance(n_big, int) and not isinstance(n_big, bool) and 0 < n_big < FEW:
        count = round(big * n_big / 100)
        out.append(f"Van de {fmt.words(n_big)} gemeenten die {een} uitvoeren, "
                   f"{'heeft' if count == 1 else 'hebben'} er {fmt.words(count)} 25.000 inwoners of meer.")
    elif big is not None:
        if fmt.rounded_pct(big) > 50:
            out.append(f"Het zijn met name de grotere gemeenten, met 25.000 inwoners of meer, die {een} uitvoeren: "
                       f"zij vormen {fmt.pct(big)} van de gemeenten die dat doen.")
        else:
            out.append(f"Gemeenten met 25.000 inwoners of meer vormen {fmt.pct(big)} van de gemeenten die {een} "
                       "uitvoeren.")
    if u is not None and fmt.rounded_pct(u) < 50 and int(year) > RATIFICATIE_JAAR:
        jaren = int(year) - RATIFICATIE_JAAR
        out.append(f"{capitalize(fmt.words(jaren))} jaar na de ratificatie van het VN-verdrag Handicap is {een} "
                   "dus nog geen vanzelfsprekendheid. En dat terwijl bij de invoering van het verdrag in Nederland is "
                   "vastgelegd dat gemeenten een plan maken over hoe zij uitvoering geven aan het verdrag.")
    return out


def breedte(ch2: Mapping, year: int) -> list[str]:
    """Broad inclusion policy: share, change since the previous wave and the trend (chapter 2)."""
    now = number(ch2, "breed_inclusiebeleid")
    if now is None:
        return []
    trend = series(ch2, "breed_inclusiebeleid")
    trend = {w: v for w, v in trend.items() if w < int(year)}
    share = (f"{fmt.fraction_phrase(now)} van de gemeenten ({fmt.pct(now)}) richt zich niet op één specifieke "
             "doelgroep, maar heeft een breed inclusiebeleid, gericht op alle burgers.")
    waves = sorted(trend)
    direction = tested(ch2, f"breed_inclusiebeleid_{waves[-1]}", "breed_inclusiebeleid") if waves else None
    if direction is None:  # the first wave, or no test against the previous one: the share without a change
        return [f"Kijkend naar de inhoud van het inclusiebeleid zien we dat {fmt.fraction_phrase(now)} van de gemeenten "
                f"({fmt.pct(now)}) zich niet richt op één specifieke doelgroep, maar een breed inclusiebeleid heeft, "
                "gericht op alle burgers."]
    last = waves[-1]
    out = []
    if direction == "gelijk" and as_shown(now, trend[last]) != "gelijk":  # different as shown, but within noise
        out.append(f"Kijkend naar de inhoud van het inclusiebeleid zien we dat het aandeel gemeenten met een breed "
                   f"inclusiebeleid als uitgangspunt niet significant is veranderd ten opzichte van "
                   f"{than(last, year)}: {fmt.pct(now)}, tegen {fmt.pct(trend[last])} in {last}.")
    elif direction == "hoger":
        again = len(waves) >= 2 and tested(ch2, f"breed_inclusiebeleid_{waves[-2]}", f"breed_inclusiebeleid_{last}",
                                           this_wave=False) == "hoger"
        out.append(f"Kijkend naar de inhoud van het inclusiebeleid stellen we {'ook dit jaar ' if again else ''}vast "
                   f"dat {'weer ' if again else ''}meer gemeenten een breed inclusiebeleid als uitgangspunt hebben: "
                   f"{fmt.pct(now)}, tegen {fmt.pct(trend[last])} in {last}.")
        if again:
            rising = [w for w in waves if w <= last]
            start = rising[0]
            for a, b in zip(rising[::-1][1:], rising[::-1][:-1], strict=True):  # walk back while it kept rising
                if tested(ch2, f"breed_inclusiebeleid_{a}", f"breed_inclusiebeleid_{b}", this_wave=False) != "hoger":
                    break
                start = a
            out.append(f"Deze trend uit de afgelopen jaren zet zich dus voort: in {start} ging het om "
                       f"{fmt.pct(trend[start])}.")
    elif direction == "lager":
        out.append(f"Kijkend naar de inhoud van het inclusiebeleid zien we dat minder gemeenten dan {than(last, year)} "
                   f"een breed inclusiebeleid als uitgangspunt hebben: {fmt.pct(now)}, tegen {fmt.pct(trend[last])} "
                   f"in {last}.")
    else:
        out.append(f"Kijkend naar de inhoud van het inclusiebeleid zien we dat evenveel gemeenten als "
                   f"{than(last, year)} een breed inclusiebeleid als uitgangspunt hebben ({fmt.pct(now)}).")
    out.append(_sentence(share))
    return out


def _range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return fmt.pct(low if high is None else high) if (low is not None or high is not None) else ""
    if fmt.rounded_pct(low) == fmt.rounded_pct(high):
        return fmt.pct(low)
    return f"tussen {fmt.pct(min(low, high))} en {fmt.pct(max(low, high))}"


def domeinen(ch3: Mapping, small_threshold: int = SMALL_THRESHOLD) -> list[str]:
    """The domains with most and least attention (chapter 3)."""
    out = []
    top = labels(ch3, "top_domeinen")
    if top:
        low, high = number(ch3, "top_domeinen_min_pct"), number(ch3, "top_domeinen_max_pct")
        if len(top) == 1:
            out.append(f"Het domein waar gemeenten de meeste aandacht voor hebben is {join_labels(top)}.")
        else:
            out.append(f"{capitalize(fmt.words(len(top)))} domeinen waar gemeenten bijzonder veel aandacht voor "
                       f"hebben zijn: {join_labels(top)}.")
        span = _range(low, high)
        if span:
            out.append(f"Voor elk van deze domeinen heeft {span} van de gemeenten veel of heel veel aandacht."
                       if len(top) > 1 else _sentence(f"{span} van de gemeenten heeft hier veel of heel veel aandacht "
                                                      "voor."))
        k_low, k_high = number(ch3, "top_domeinen_klein_min_pct"), number(ch3, "top_domeinen_klein_max_pct")
        k_span = _range(k_low, k_high)
        if k_span:
            who = _sentence(small_label(small_threshold))
            alle_low = low if low is not None else high
            alle_high = high if high is not None else low
            k_top = k_high if k_high is not None else k_low
            k_bottom = k_low if k_low is not None else k_high
            if alle_low is not None and as_shown(k_top, alle_low) == "lager":
                out.append(f"{who} hebben hier relatief minder aandacht voor: {k_span}.")
            elif alle_high is not None and as_shown(k_bottom, alle_high) == "hoger":
                out.append(f"{who} hebben hier relatief meer aandacht voor: {k_span}.")
            else:
                out.append(f"Bij {small_label(small_threshold)} is dat {k_span}.")
    least = labels(ch3, "minste_aandacht_domeinen")
    if least:
        out.append(f"Gemeenten geven zelf aan weinig of geen aandacht te hebben voor {join_labels(least)}.")
    return out


def partners(ch3: Mapping) -> list[str]:
    """Working with residents with a disability and with partners (chapter 3)."""
    out = []
    niet = number(ch3, "niet_samenwerken_pct")
    if niet is not None:
        out.append("Van gemeenten wordt verwacht dat zij bij de implementatie van het VN-verdrag Handicap samenwerken "
                   "met ervaringsdeskundigen.")
        if niet > 0:
            out.append(f"Opvallend genoeg geeft {fmt.pct(niet)} van alle gemeenten aan dat zij níet samenwerken met "
                       "inwoners met een beperking.")
        else:
            out.append("Alle gemeenten geven aan samen te werken met inwoners met een beperking.")
    together = flag(ch3, "alle_werken_samen")
    if together is True:
        out.append("Positief is dat alle gemeenten aangeven met maatschappelijke partijen zoals verbanden en "
                   "organisaties samen te werken.")
    elif together is False:
        out.append("Niet alle gemeenten geven aan met maatschappelijke partijen zoals verbanden en organisaties samen "
                   "te werken.")
    wmo = number(ch3, "wmo_raad_pct")
    if wmo is not None:
        out.append(f"De Wmo-raad wordt door {fmt.fraction_phrase(wmo)} van de gemeenten ({fmt.pct(wmo)}) zeer veel "
                   "of veel geraadpleegd.")
    clients, interests = number(ch3, "clientenorganisaties_niet_pct"), number(ch3, "belangenorganisaties_niet_pct")
    parts = []
    if clients is not None:
        parts.append(f"geeft {fmt.pct(clients)} van de gemeenten aan cliëntenorganisaties niet te betrekken")
    if interests is not None:
        parts.append(f"zegt {fmt.pct(interests)} belangenorganisaties van mensen met een beperking niet te betrekken"
                     if parts else
                     f"zegt {fmt.pct(interests)} van de gemeenten belangenorganisaties van mensen met een beperking "
                     "niet te betrekken")
    if parts:
        out.append(f"Tegelijk {fmt.join(parts)}.")
        if any(x is not None and x > 0 for x in (clients, interests)):
            out.append("Het lukt gemeenten dus niet altijd om (vertegenwoordigers van) mensen met een beperking te "
                       "betrekken bij de ontwikkeling en uitvoering van het beleid.")
    return out


def capaciteit_meest_genoemd(ch3: Mapping, ranking: Sequence[tuple[str, float]] | None = None) -> bool | None:
    """Is "benodigde uitvoeringscapaciteit" the obstacle named most (by itself)? From the key figure's context
    (rank=1 or meest_genoemd=True) or else from the ranking of the obstacles table (ranked_items); None: unknown."""
    rank = context(ch3, "knelpunt_capaciteit_pct", "rank")
    top = context(ch3, "knelpunt_capaciteit_pct", "meest_genoemd")
    if isinstance(top, bool):
        return top
    if isinstance(rank, int) and not isinstance(rank, bool):
        return rank == 1
    if ranking:
        codes = [code for code, _ in ranking]
        if CAPACITEIT in codes:
            own = dict(ranking)[CAPACITEIT]
            return all(own > pct for code, pct in ranking if code != CAPACITEIT)
    return None


def knelpunten(ch3: Mapping, year: int, previous: int | None = None, most_named: bool | None = None,
               small_threshold: int = SMALL_THRESHOLD) -> list[str]:
    """Obstacles: capacity, small municipalities, obstacles named more often than in the previous wave (chapter 3).
    `previous`: the wave the "vorig" figures refer to when they do not say it themselves."""
    out = []
    now = number(ch3, "knelpunt_capaciteit_pct")
    if now is not None:
        if most_named:
            out.append(f"‘Benodigde uitvoeringscapaciteit’ is het meest genoemde knelpunt bij de implementatie van het "
                       f"VN-verdrag Handicap: {fmt.pct(now)} van de gemeenten noemt dit een groot of zeer groot "
                       "knelpunt.")
        else:
            out.append(f"Van de gemeenten noemt {fmt.pct(now)} ‘benodigde uitvoeringscapaciteit’ een groot of zeer "
                       "groot knelpunt bij de implementatie van het VN-verdrag Handicap.")
        before = number(ch3, "knelpunt_capaciteit_vorig_pct")
        when = previous_year(ch3, "knelpunt_capaciteit_vorig_pct", previous)
        direction = tested(ch3, "knelpunt_capaciteit_vorig_pct", "knelpunt_capaciteit_pct")
        if direction and when:
            if direction == "gelijk" and as_shown(now, before) != "gelijk":
                out.append(f"Dat is niet significant anders dan {than(when, year)}, toen {fmt.pct(before)}.")
            elif direction == "gelijk":
                out.append(f"Dat is net als {than(when, year)} {fmt.pct(before)}.")
            else:
                word = "meer" if direction == "hoger" else "minder"
                out.append(f"Dat is {word} dan {than(when, year)}, toen {fmt.pct(before)}.")
        small = number(ch3, "knelpunt_capaciteit_klein_pct")
        if small is not None:
            large = rest_share(now, context(ch3, "knelpunt_capaciteit_pct", "n"), small,
                               context(ch3, "knelpunt_capaciteit_klein_pct", "n"))
            said = (f"van de gemeenten met minder dan {fmt.number(small_threshold)} inwoners noemt {fmt.pct(small)} "
                    "dit een groot of zeer groot knelpunt")
            if large is not None and min(fmt.rounded_pct(small), fmt.rounded_pct(large)) >= 50:
                out.append(f"Zowel grote als kleine gemeenten geven dit aan: {said}, van de grotere gemeenten "
                           f"{fmt.pct(large)}.")
            else:
                out.append(_sentence(said) + ".")
    more = value(ch3, "knelpunten_vaker_dan_vorig")
    when = previous_year(ch3, "knelpunten_vaker_dan_vorig", previous)
    if isinstance(more, (list, tuple)) and when:
        names = labels(ch3, "knelpunten_vaker_dan_vorig")
        if now is not None and number(ch3, "knelpunt_capaciteit_vorig_pct") is not None:  # capacity already said
            names = [name for name in names if name.casefold() != "benodigde uitvoeringscapaciteit"]
            if not names and more:
                return out
        details = context(ch3, "knelpunten_vaker_dan_vorig", "details")
        details = [d for d in (details if isinstance(details, list) else more) if isinstance(d, Mapping)]
        numbers = {}
        for item in details:
            pct_now, pct_before = item.get("pct"), item.get("vorig_pct", item.get("pct_vorig"))
            if _label_of(item) and not any(x is None or fmt._missing(x) for x in (pct_now, pct_before)):
                numbers[_label_of(item)] = f"{fmt.pct(pct_now)}, tegen {fmt.pct(pct_before)}"
        if names:
            verb = "wordt" if len(names) == 1 else "worden"
            if all(name in numbers for name in names):
                listed = fmt.join(f"{inline(name)} ({numbers[name]})" for name in names)
            else:
                listed = join_labels(names)
            out.append(f"Vergeleken met {when} {verb} {listed} vaker als knelpunt genoemd.")
        else:
            margin = context(ch3, "knelpunten_vaker_dan_vorig", "verschil")
            was_tested = context(ch3, "knelpunten_vaker_dan_vorig", "toets")  # chapter 3 tests each obstacle's change
            how = (" significant vaker" if was_tested else f" duidelijk vaker ({fmt.number(margin)} procentpunt of meer)"
                   if isinstance(margin, (int, float)) and not isinstance(margin, bool) else " vaker")
            out.append(f"Vergeleken met {when} wordt geen knelpunt{how} genoemd.")
    return out


def ondersteuning(ch4: Mapping, year: int, previous: int | None = None) -> list[str]:
    """The need for support compared with the previous wave (chapter 4)."""
    out = []
    more = flag(ch4, "meer_behoefte_dan_vorig")
    when = previous_year(ch4, "meer_behoefte_dan_vorig", previous)
    if more is not None and when:
        out.append(f"Ten opzichte van {than(when, year)} zien we dat meer gemeenten behoefte hebben aan ondersteuning."
                   if more else f"Ten opzichte van {than(when, year)} is de behoefte aan ondersteuning niet "
                                "toegenomen.")
    parts = []  # (subject, verb, rest): inverted after "Vooral"
    support = []  # does each part point to more need (fewer "geen behoefte", more "uitleg")?
    sizes = {"hoger": "een groter deel", "lager": "een kleiner deel", "gelijk": "een even groot deel",
             "niet_hoger": "een niet significant groter deel", "niet_lager": "een niet significant kleiner deel"}

    def size_word(figure: str, now, before):
        direction = tested(ch4, figure, figure.replace("_vorig_pct", "_pct"))
        shown = as_shown(now, before)
        return f"niet_{shown}" if direction == "gelijk" and shown in ("hoger", "lager") else direction
    none_now, none_before = number(ch4, "inhoud_geen_behoefte_pct"), number(ch4, "inhoud_geen_behoefte_vorig_pct")
    none_when = previous_year(ch4, "inhoud_geen_behoefte_vorig_pct", previous)
    direction = size_word("inhoud_geen_behoefte_vorig_pct", none_now, none_before)
    if direction and none_when:
        parts.append((f"{sizes[direction]} van de gemeenten", "zegt",
                      f"géén behoefte te hebben aan inhoudelijke ondersteuning ({fmt.pct(none_now)}, tegen "
                      f"{fmt.pct(none_before)} in {none_when})"))
        support.append(direction == "lager")
    ex_now, ex_before = number(ch4, "inhoud_uitleg_verdrag_pct"), number(ch4, "inhoud_uitleg_verdrag_vorig_pct")
    ex_when = previous_year(ch4, "inhoud_uitleg_verdrag_vorig_pct", previous)
    direction = size_word("inhoud_uitleg_verdrag_vorig_pct", ex_now, ex_before)
    if direction and ex_when:
        parts.append((sizes[direction] + ("" if parts else " van de gemeenten"), "wenst",
                      f"uitleg over het VN-verdrag Handicap ({fmt.pct(ex_now)}, tegen {fmt.pct(ex_before)} in "
                      f"{ex_when})"))
        support.append(direction == "hoger")
    if parts:
        if more and all(support):
            out.append("Vooral " + fmt.join(f"{verb} {subject} {rest}" for subject, verb, rest in parts) + ".")
        else:
            out.append(_sentence(fmt.join(f"{subject} {verb} {rest}" for subject, verb, rest in parts)) + ".")
    if not out:  # no comparison possible (first wave, or the figures are missing): the need itself
        specific = number(ch4, "inhoud_specifieke_voorbeelden_pct")
        if specific is not None:
            out.append(f"Aan specifieke voorbeelden van invulling op beleidsvelden heeft {fmt.pct(specific)} van de "
                       "gemeenten behoefte.")
    return out


def beginnende_gemeenten(ch1: Mapping, ch2: Mapping, ch4: Mapping, year: int) -> list[str]:
    """The report's interpretation ("waarschijnlijk komt dit omdat er dit jaar meer 'beginnende' gemeenten aan de
    peiling hebben meegedaan"), only when the numbers point that way: more participants than in the previous wave, a
    larger share in the exploring phase, and a greater need for support. Phrased as an interpretation: these figures
    do not show that the new participants are the beginners (a panel analysis of the same municipalities would)."""
    grew = as_shown(number(ch1, "deelnemers"), number(ch1, "deelnemers_vorige_meting"), percentage=False) == "hoger"
    when, before = _previous_in_series(ch2, "lia_verkennend", year)
    exploring = when is not None and tested(ch2, f"lia_verkennend_{when}", "lia_verkennend") == "hoger"
    need = (flag(ch4, "meer_behoefte_dan_vorig") is True
            or tested(ch4, "inhoud_geen_behoefte_vorig_pct", "inhoud_geen_behoefte_pct") == "lager"
            or tested(ch4, "inhoud_uitleg_verdrag_vorig_pct", "inhoud_uitleg_verdrag_pct") == "hoger")
    if not (grew and exploring and need):
        return []
    return ["Waarschijnlijk komt dit doordat er dit jaar meer ‘beginnende’ gemeenten aan de peiling hebben meegedaan. "
            "Dat is een interpretatie: de respons is hoger en een groter deel van de deelnemers zit in de verkennende "
            "fase, maar of juist de nieuwe deelnemers de beginnende gemeenten zijn, laten deze cijfers niet zien."]


def absent_note(absent: Sequence) -> str:
    """The visible note for chapters whose notebook does not exist yet ("" when none)."""
    if not absent:
        return ""
    names = [f"hoofdstuk {spec.number} ({spec.title})" for spec in absent]
    verb = "is" if len(names) == 1 else "zijn"
    return (f"Deze samenvatting is onvolledig: {fmt.join(names)} {verb} nog niet gemaakt. De zinnen over "
            f"{'dat hoofdstuk' if len(names) == 1 else 'die hoofdstukken'} ontbreken.")


# --------------------------------------------------------------------------------------------------------------------
# Bijlage A: the participating municipalities


def sort_key(name: str) -> str:
    """Alphabetical order of the printed list: case, accents, apostrophes and hyphens ignored, a space before any
    letter ("Berg en Dal" before "Bergeijk", "'s-Hertogenbosch" between "Schiermonnikoog" and "Simpelveld")."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"['’‘`´\-]", "", plain)
    plain = re.sub(r"[^\w ]+", " ", plain)
    return " ".join(plain.split())


def participants_html(lines: pd.DataFrame) -> str:
    """The list as HTML: one item per line, in columns of at least 10em (two on a phone, four on a wide page); a line
    that wraps (a joint answer) is indented after its first line, so it does not read as two entries."""
    import html

    items = "".join('<li style="break-inside:avoid;page-break-inside:avoid;margin:0 0 0.2em;padding-left:1em;'
                    f'text-indent:-1em;">{html.escape(str(line))}</li>' for line in lines["line"])
    return ('<ul class="fp-gemeenten" aria-label="Deelnemende gemeenten" style="columns:10em;column-gap:1.2em;'
            f'list-style:none;padding-left:0;margin:1em 0;">{items}</ul>')


def participant_lines(responses: pd.DataFrame, quality: Mapping,
                      names_by_code: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The lines of Bijlage A: one per identified municipality, one per joint answer ("Barendrecht, Albrandswaard en
    Ridderkerk", in the order typed), sorted alphabetically (sort_key). Names as in the CBS list of the wave.

    Columns: line, names (tuple), codes (tuple), joint (bool). A joint answer kept as one unit without a code
    (cleaning.yml `joint_answers: once`) gets its names from quality["joint"] and `names_by_code`.
    """
    joint_codes = {str(j["joint_group"]): [str(c) for c in j.get("municipality_codes") or []]
                   for j in quality.get("joint") or []}
    rows = []
    frame = responses.assign(_id=responses["response_id"].astype(str)).sort_values("_id", kind="stable")
    identified = frame[frame["municipality_code"].notna()]
    in_group = identified["joint_group"].notna()
    for _group, members in identified[in_group].groupby(identified.loc[in_group, "joint_group"].astype(str), sort=False):
        names = tuple(str(n) for n in members["municipality_name"])
        rows.append({"line": fmt.join(names), "names": names,
                     "codes": tuple(str(c) for c in members["municipality_code"]), "joint": len(names) > 1})
    for row in identified[~in_group].itertuples():
        rows.append({"line": str(row.municipality_name), "names": (str(row.municipality_name),),
                     "codes": (str(row.municipality_code),), "joint": False})
    once = frame[frame["municipality_code"].isna() & frame["joint_group"].notna()]
    for row in once.itertuples():
        codes = joint_codes.get(str(row.joint_group), [])
        names = tuple((names_by_code or {}).get(code, code) for code in codes)
        if names:
            rows.append({"line": fmt.join(names), "names": names, "codes": tuple(codes), "joint": len(names) > 1})
    lines = pd.DataFrame(rows, columns=["line", "names", "codes", "joint"])
    order = sorted(range(len(lines)), key=lambda i: (sort_key(lines["line"].iloc[i]), lines["line"].iloc[i]))
    return lines.iloc[order].reset_index(drop=True)


def _base_name(name: str) -> str:
    """A CBS name without its qualifier: "Bergen (NH.)" -> "Bergen"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", str(name)).strip()


def _key(text: str) -> str:
    return normalise_name(text)


def unidentified(responses: pd.DataFrame, quality: Mapping) -> list[dict]:
    """Participants not assigned to one municipality: [{"status", "name", "candidates"}]. `name` is only given for an
    ambiguous answer that is exactly a municipality name (the shared name of its CBS candidates, e.g. "Bergen"), and is
    then taken from the CBS candidates, never from the typed text; otherwise "" (no typed text is ever returned)."""
    by_id = {str(u.get("response_id")): u for u in quality.get("unmatched") or []}
    without = responses[responses["municipality_code"].isna() & responses["joint_group"].isna()]
    out = []
    for response_id in without["response_id"].astype(str):
        record = by_id.get(response_id) or {}
        status = str(record.get("status") or "unknown")
        candidates = [str(c) for c in record.get("candidates") or []]
        name = ""
        if status == "ambiguous" and len(candidates) >= 2:
            bases = {_base_name(c) for c in candidates}
            typed = record.get("typed")
            if len(bases) == 1 and isinstance(typed, str) and _key(typed) == _key(next(iter(bases))):
                name = next(iter(bases))
        out.append({"status": status, "name": name, "candidates": candidates if name else []})
    return out


def unidentified_sentence(records: Sequence[Mapping], frame_date: str | None = None) -> str:
    """ "Drie deelnemers zijn niet aan één gemeente toe te wijzen: ..." ("" when every participant is identified)."""
    if not records:
        return ""
    groups: dict[tuple, int] = {}
    for record in records:
        if record.get("name"):
            key = ("ambiguous", record["name"], tuple(record.get("candidates") or ()))
        elif record.get("status") == "other_year":
            key = ("other_year",)
        else:
            key = ("unknown",)
        groups[key] = groups.get(key, 0) + 1

    total = len(records)

    def who(count: int) -> str:
        if total == 1:
            return ""
        return f"bij {fmt.words(count)} {'deelnemer' if count == 1 else 'deelnemers'} "

    parts = []
    for key, count in sorted(groups.items(), key=lambda kv: ({"ambiguous": 0, "other_year": 1}.get(kv[0][0], 2),
                                                              kv[0])):
        if key[0] == "ambiguous":
            parts.append(f"{who(count)}past de ingevulde naam ‘{key[1]}’ bij meer dan één gemeente "
                         f"({fmt.join(key[2], 'of')})" if total > 1 else
                         f"de ingevulde naam ‘{key[1]}’ past bij meer dan één gemeente ({fmt.join(key[2], 'of')})")
        elif key[0] == "other_year":
            when = f"op {fmt.date(frame_date)} " if frame_date else ""
            parts.append(f"{who(count)}gaat het om een gemeente die {when}niet (meer) bestond" if total > 1 else
                         f"het gaat om een gemeente die {when}niet (meer) bestond")
        else:
            parts.append(f"{who(count)}ontbreekt de naam of is die onherkenbaar" if total > 1 else
                         "de naam ontbreekt of is onherkenbaar")
    return (f"{capitalize(fmt.words(total))} {'deelnemer is' if total == 1 else 'deelnemers zijn'} niet aan één "
            f"gemeente toe te wijzen: {'; '.join(parts)}.")


def compare_with_published(lines: pd.DataFrame, published: pd.DataFrame, year: int,
                           match: Callable | None = None) -> dict:
    """The data's participant list next to the printed one (data/published/bijlage_a_<year>.csv).

    Returns {"entries": printed entries, "municipalities": municipalities they name, "only_published": [printed
    names absent from the data], "only_data": [CBS names absent from the printed list], "unresolved": [(printed
    entry, candidates)] for entries that are not one municipality, "spelling": [(printed, CBS name)] where the report
    spells a municipality differently}.
    """
    match = match or match_municipality
    data_names = {code: name for codes, names in zip(lines["codes"], lines["names"], strict=True)
                  for code, name in zip(codes, names, strict=True)}
    printed: dict[str, str] = {}
    unresolved, spelling = [], []
    for text in published["name_as_published"].astype(str):
        result = match(text, int(year))
        if not result.matched:
            unresolved.append((text, list(result.candidates)))
            continue
        for code, name in zip(result.codes, result.names, strict=True):
            printed[code] = text
            if len(result.codes) == 1 and _key(text) != _key(name):
                spelling.append((text, name))
    return {"entries": len(published), "municipalities": len(printed) + len(unresolved),
            "only_published": sorted((printed[c] for c in set(printed) - set(data_names)), key=sort_key),
            "only_data": sorted((data_names[c] for c in set(data_names) - set(printed)), key=sort_key),
            "unresolved": unresolved, "spelling": sorted(spelling, key=lambda p: sort_key(p[1]))}


def published_note(comparison: Mapping, year: int, records: Sequence[Mapping] = ()) -> str:
    """The short note comparing the list with the printed Bijlage A (Markdown)."""
    sentences = [f"**Vergelijking met de gepubliceerde lijst.** Bijlage A van het rapport {year} noemt "
                 f"{fmt.municipalities(comparison['municipalities'])} in {fmt.number(comparison['entries'])} "
                 "vermeldingen (een gezamenlijke inzending noemt meer gemeenten)."]
    only_published, only_data = comparison["only_published"], comparison["only_data"]
    unresolved = comparison["unresolved"]
    if not only_published and not only_data:
        besides = (f"Afgezien van {fmt.join(f'‘{text}’' for text, _ in unresolved)} staat " if unresolved
                   else "Er staat ")
        sentences.append(f"{besides}geen gemeente in die lijst die hier ontbreekt, en hier geen gemeente die daar "
                         "ontbreekt.")
    if only_published:
        sentences.append(f"In de gepubliceerde lijst, maar niet in deze gegevens: {fmt.join(only_published)}.")
    if only_data:
        sentences.append(f"In deze gegevens, maar niet in de gepubliceerde lijst: {fmt.join(only_data)}.")
    ambiguous_here = {_key(r["name"]) for r in records if r.get("name")}
    for text, candidates in unresolved:
        options = f": {fmt.join(candidates, 'of')}" if candidates else ""
        also = (" Ook in deze gegevens is die deelnemer niet aan één gemeente toegewezen (zie "
                f"{phrases.cross_reference(phrases.DATA_QUALITY_PART)})." if _key(text) in ambiguous_here else "")
        sentences.append(f"‘{text}’ kan meer dan één gemeente zijn{options}.{also}" if candidates else
                         f"‘{text}’ is niet als gemeente te herkennen.{also}")
    if comparison["spelling"]:
        sentences.append("Het rapport schrijft " + fmt.join(f"‘{printed}’ voor {cbs}"
                                                            for printed, cbs in comparison["spelling"]) + ".")
    return " ".join(sentences)


def _change(claim: Mapping) -> str:
    """ "niet significant veranderd", "significant gestegen" or "significant gedaald": what a claim asserts."""
    if claims.asserted(claim) == claims.EQUAL:
        return "niet significant veranderd"
    return f"significant {'gestegen' if claim['direction'] == claims.HIGHER else 'gedaald'}"


def trend_and_year(chapter_claims: Sequence[Mapping], year: int) -> tuple[list[str], list[dict]]:
    """Where the comparison with the previous wave and the trend over all waves say different things about one
    indicator (helpers.report.claims.differing over the chapters' claims): an introduction and one list item each
    that names both comparisons, and the claims these items make (for ch.claim). ([], []) when they agree."""
    pairs = claims.differing(chapter_claims, year)
    if not pairs:
        return [], []
    subjects = {}  # the most specific wording a chapter gave the indicator ("het aandeel gemeenten met ...")
    for claim in chapter_claims:
        if not str(claim.get("subject", "")).startswith("het aandeel ‘"):
            subjects.setdefault(claim["indicator"], claim["subject"])
    items, made = [], []
    for jaar, trend in pairs:
        before, first = jaar["period"][0], trend["period"][0]
        subject = subjects.get(jaar["indicator"]) or trend.get("subject") or f"het aandeel ‘{trend['label']}’"
        year_part = (f"ten opzichte van {before} {_change(jaar)} ({fmt.pct(jaar.get('pct_now'))}, tegen "
                     f"{fmt.pct(jaar.get('pct_before'))})")
        trend_part = f"over {first}–{year} {_change(trend)}"
        if claims.asserted(trend) != claims.EQUAL:
            trend_part += (f" (gemiddeld {fmt.number(abs(round(float(trend.get('change_pp', 0.0)), 1)), 1)} "
                           "procentpunt per jaar)")
        items.append(f"- {subject}: {year_part}; {trend_part}")
        made.append({**jaar, "sentence": f"{subject}: {year_part}", "chapter": ""})
        made.append({**trend, "sentence": f"{subject}: {trend_part}", "chapter": ""})
    intro = (f"De vergelijking met {than(pairs[0][0]['period'][0], year)} en de ontwikkeling over alle metingen (de "
             "trend) zeggen niet altijd hetzelfde. Een aandeel kan over de jaren duidelijk veranderen terwijl het "
             "verschil met vorig jaar binnen de marge valt, of andersom:")
    return [intro + "\n\n" + ";\n".join(items) + "."], made


def _year_claim(figures: Mapping, indicator: str, before_name: str, now_name: str, before_year: int | None, year: int,
                sentence: str, subject: str) -> dict | None:
    """The claim of one of the summary's own comparisons with the previous wave, from the test `tested` uses."""
    now, before, word = number(figures, now_name), number(figures, before_name), tested(figures, before_name, now_name)
    if word is None or now is None or before is None or not before_year or not sentence:
        return None
    measured = claims.HIGHER if now > before else claims.LOWER if now < before else claims.EQUAL
    return claims.make(indicator, indicator, (before_year, year), "jaar", measured, word != claims.EQUAL, sentence,
                       subject=subject)


def year_claims(ch2: Mapping, ch4: Mapping, year: int, previous: int | None = None) -> list[dict]:
    """The summary's own year-on-year statements (breed inclusiebeleid, no need of support, explanation of the
    convention) as claims, with the sentences breedte and ondersteuning write, for the consistency check."""
    found = []
    waves = sorted(w for w in series(ch2, "breed_inclusiebeleid") if w < int(year))
    if waves:
        found.append(_year_claim(ch2, "breed_inclusiebeleid", f"breed_inclusiebeleid_{waves[-1]}",
                                 "breed_inclusiebeleid", waves[-1], year, (breedte(ch2, year) or [""])[0],
                                 "het aandeel gemeenten met een breed inclusiebeleid"))
    # the clauses of the comparison sentence ("… géén behoefte … (16 %, tegen 21 % in 2022) en … uitleg …"), one each
    clauses = [c for sentence in ondersteuning(ch4, year, previous) for c in re.split(r"(?<=\)) en ", sentence)]
    for indicator, subject, words in (
            ("inhoud_geen_behoefte", "het aandeel gemeenten zonder behoefte aan ondersteuning", "géén behoefte"),
            ("inhoud_uitleg_verdrag", "het aandeel gemeenten met behoefte aan uitleg over het VN-verdrag",
             "uitleg over het VN-verdrag")):
        said = next((clause for clause in clauses if words in clause and "%" in clause), "")
        found.append(_year_claim(ch4, indicator, f"{indicator}_vorig_pct", f"{indicator}_pct",
                                 previous_year(ch4, f"{indicator}_vorig_pct", previous), year, said, subject))
    return [claim for claim in found if claim is not None]
