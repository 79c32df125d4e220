"""Free text for the stand-in, drawn from the pools in data/synthetic/texts/*.yml.

Every pool entry has an id and a theme, so that a coding frame can later be checked against the texts. Within a wave a
text is not used twice until its pool is exhausted. `{agenda}` becomes the wave's wording ("het plan van aanpak" in
2018-2020, "de inclusieagenda" later); `{naam}`, `{email}`, `{telefoon}` and `{vast}` become the respondent's own
personal data, which the cleaning must scrub. An entry may be limited to some `waves`, LIA `phases` or size groups
(`sizes`: klein / niet_klein / onbekend).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from helpers import DATA_DIR
from helpers.core import yamlfiles

TEXTS_DIR = DATA_DIR / "synthetic" / "texts"


@cache
def pool(name: str) -> dict:
    return yamlfiles.load((TEXTS_DIR / f"{name}.yml").read_text(encoding="utf-8"))


def all_entries() -> list[dict]:
    """Every text entry of every pool (for checks: unique ids, themes present)."""
    entries = []
    for path in sorted(Path(TEXTS_DIR).glob("*.yml")):
        content = pool(path.stem)
        for value in content.values():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                entries += value
            elif isinstance(value, dict):
                for sub in value.values():
                    if isinstance(sub, list):
                        entries += [e for e in sub if isinstance(e, dict)]
    return entries


@dataclass(frozen=True)
class Person:
    name: str | None
    email: str | None
    phone: str | None
    landline: str


def render(text: str, year: int, person: Person) -> str:
    agenda = "het plan van aanpak" if year <= 2020 else "de inclusieagenda"
    return (text.replace("{agenda}", agenda).replace("{Agenda}", agenda[0].upper() + agenda[1:])
            .replace("{naam}", person.name or "de beleidsadviseur").replace("{email}", person.email or "")
            .replace("{telefoon}", person.phone or person.landline).replace("{vast}", person.landline))


def usable_for_person(entry: dict, person: Person) -> bool:
    needs = set(entry.get("pii") or ())
    return not (("name" in needs and not person.name) or ("email" in needs and "{email}" in entry["text"]
                                                            and not person.email))


class TextMaker:
    """Draws texts for one wave; remembers what it used."""

    def __init__(self, year: int, rng: np.random.Generator):
        self.year = year
        self.rng = rng
        self.used: set[str] = set()
        self.log: list[dict] = []  # id, theme per text used (for the README's overview and tests)

    def _eligible(self, entries: Sequence[dict], phase: str | None, person: Person, group: str | None) -> list[dict]:
        return [e for e in entries
                if (not e.get("waves") or self.year in e["waves"])
                and (not e.get("phases") or phase in e["phases"])
                and (not e.get("sizes") or group in e["sizes"] or group == "any")
                and usable_for_person(e, person)]

    def _draw(self, entries: Sequence[dict], phase: str | None, person: Person, weighted: bool = False,
              group: str | None = None) -> dict:
        eligible = self._eligible(entries, phase, person, group) or self._eligible(entries, phase, person, "any")
        fresh = [e for e in eligible if e["id"] not in self.used] or eligible
        if weighted:
            weights = np.array([float(e.get("weight", 1)) for e in fresh])
            entry = fresh[int(self.rng.choice(len(fresh), p=weights / weights.sum()))]
        else:
            entry = fresh[int(self.rng.integers(len(fresh)))]
        if not weighted:
            self.used.add(entry["id"])
        self.log.append({"id": entry["id"], "theme": entry["theme"]})
        return entry

    def function(self, person: Person) -> str:
        return self._draw(pool("functions")["texts"], None, person, weighted=True)["text"]

    def comment(self, question: str, phase: str | None, person: Person, allow_pii: bool, group: str) -> str:
        entries = [e for e in pool("comments")[question] if allow_pii or not e.get("pii")]
        return render(self._draw(entries, phase, person, group=group)["text"], self.year, person)

    def other(self, question: str, person: Person, kind: str | None = None) -> str:
        entries = pool("anders")[question]
        if kind is not None:
            entries = [e for e in entries if e.get("kind") == kind]
        return render(self._draw(entries, None, person)["text"], self.year, person)

    def results(self, person: Person, kind: str, allow_pii: bool) -> str:
        entries = pool("lia_results")["texts"]
        n = int(self.rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2]))
        parts = []
        if kind == "anders_tweede_lia":
            parts.append(self._draw([e for e in entries if e["theme"] == "tweede_lia"], None, person))
            n -= 1
        others = [e for e in entries if e["theme"] != "tweede_lia"]
        for _ in range(max(n, 1 if not parts else 0)):
            parts.append(self._draw([e for e in others if e not in parts], None, person))
        if allow_pii:
            parts.append(self._draw(pool("lia_results")["personal"], None, person))
        return " ".join(render(p["text"], self.year, person) for p in parts)

    def not_routed_result(self, person: Person) -> str:
        return render(self._draw(pool("lia_results")["not_routed"], None, person)["text"], self.year, person)

    def addition(self, person: Person, allow_pii: bool, group: str) -> str:
        entries = pool("additions")["personal"] if allow_pii else pool("additions")["texts"]
        return render(self._draw(entries, None, person, group=group)["text"], self.year, person)
