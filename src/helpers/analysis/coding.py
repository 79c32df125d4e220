"""Coding open answers into themes, and a reproducible choice of quotes.

A coding frame (data/codebook/coding/<name>.yml, read by `load_frame`) lists themes, each with a Dutch label, a
description and keyword rules; `code_texts` gives every text the themes whose rules match it (a text may get several;
in a `mode: first_match` frame only the first matching theme, e.g. the respondent's function), manual codings
(`load_manual`, data/codebook/coding/manual_codings.yml) override the rules for single texts, and `theme_counts`
counts the units per theme (or per group of themes). `choose_quotes` picks quotes reproducibly. Everything here is
deterministic: the same texts, frame and manual codings give the same result, in the same order, on every machine.

Frame file::

    version: 1
    code: knelpunten                     # the frame's name (also its section in manual_codings.yml)
    title: Toelichtingen bij de knelpunten
    applies_to: {question: obstacles, kind: [comment, other]}   # which texts of the processed answers it codes
    mode: multi                          # optional: `multi` (default) gives a text EVERY matching theme;
                                         # `first_match` only the first matching theme in frame order
    groups: {financieel: Geld en middelen}                       # optional headings that gather themes
    fallback: {code: overig, label: Overig, description: ...}    # optional: the theme of a text no rule matches
    themes:
      - code: financiering
        label: Gebrek aan financiering
        description: Geen of te weinig geld, budget of middelen; kosten van aanpassingen.
        group: financieel                # optional
        short: financiering              # optional: how the text names the theme within its group
        any: [geld, budget, middelen, 're:\\bduur\\b']   # at least one must occur ...
        all: [[ervaringsdeskundig], [vind, werv]]        # ... and every group must have one (optional) ...
        none: [subsidieregeling]         # ... and none of these may occur (optional)
        question: obstacles              # optional: only texts of this question (default: applies_to)
        kind: [other]                    # optional: only texts of these kinds (default: applies_to)
        item: capaciteit                 # optional: the item of the question the theme comes down to (e.g. an
                                         # "ander knelpunt" that is really one of the listed obstacles)

Keywords are matched on the folded text (lower case, accents removed: "geëvalueerd" -> "geevalueerd"). A plain
keyword matches at the beginning of a word ("regel" matches "regels" and "regelgeving", not "bouwregels"); several
words match as a phrase. A keyword starting with "re:" is a regular expression on the folded text.

Manual codings (a YAML mapping per frame code)::

    knelpunten:
      "2023-0042": {themes: [financiering], reason: "..."}          # a response id: all its texts in this frame
      "sha256:3b7f0c1d2e4a": {themes: [], reason: "..."}            # a text hash (prefix of >= 12 hex digits)

A manual coding replaces the rules' themes of the texts it matches (`[]`: no theme at all, not even the fallback;
in a `first_match` frame at most one theme);
a response id is more specific than a text hash and wins when both match. The text hash (`text_hash`) is the sha256
of the normalised text (Unicode NFKC, case-folded, runs of whitespace as one space, trimmed), so a manual coding
survives a re-cleaning that changes nothing but case or spacing, and applies to every identical answer (same text,
same coding). Every manual coding needs a `reason`.

Quotes (`choose_quotes`): the texts are already scrubbed of personal data by the cleaning step (helpers.core.privacy),
which leaves placeholders such as "[naam]" or "[e-mailadres]". Decision: a text with a placeholder is NEVER quoted
(it is mostly a contact line, and a placeholder in a quote reads as an edited quote), and neither is a text in which
helpers.core.privacy would still find an e-mail address, IP address or phone number (defence in depth). Candidates are
deduplicated (also texts that share a sentence with a chosen one), medium-length texts (`min_length`-`max_length` characters) come
first, then texts about the theme only (fewest other themes), and within that the order is that of
sha256(seed_key + normalised text): reproducible, independent of row order, and another seed key (e.g.
"2023/knelpunten/financiering") gives another but equally fixed choice.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import CODEBOOK_DIR
from helpers.core import yamlfiles
from helpers.core.privacy import scrub_text

FRAME_DIR = CODEBOOK_DIR / "coding"
MANUAL_FILE = FRAME_DIR / "manual_codings.yml"
TEXT_KINDS = ("text", "comment", "other")
MODES = ("multi", "first_match")
CODED_COLUMNS = ["response_id", "theme", "source", "question", "kind", "item", "text_hash", "text"]
SOURCES = ("rules", "manual")
HASH_PREFIX = "sha256:"
MIN_HASH_PREFIX = 12
# Placeholders of the scrubber ("[naam]", "[e-mailadres]", "[telefoonnummer]", "[IP-adres]") and any other bracketed
# word: a text with one is never quoted. "[…]" (an omission mark) has no letters and is not a placeholder.
PLACEHOLDER = re.compile(r"\[[^\]\n]*[^\W\d_][^\]\n]*\]")
QUOTE_MIN_LENGTH = 60
QUOTE_MAX_LENGTH = 350


class CodingError(ValueError):
    """A coding frame or a manual coding is invalid; the message names the file and the entry."""


# --------------------------------------------------------------------------------------------------------------------
# Text normalisation and hashing


def normalise_text(text: str) -> str:
    """The text as it is hashed: Unicode NFKC, case-folded, runs of whitespace as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def text_hash(text: str) -> str:
    """sha256 (hex) of the normalised text: stable across re-cleaning that only changes case or whitespace."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def fold(text: str) -> str:
    """Lower case without accents ("Geëvalueerd" -> "geevalueerd"): what keywords are matched on."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


# --------------------------------------------------------------------------------------------------------------------
# Coding frames


def _keyword_pattern(keyword: str, where: str) -> re.Pattern:
    keyword = str(keyword)
    if keyword.startswith("re:"):
        try:
            return re.compile(keyword[3:])
        except re.error as error:
            raise CodingError(f"{where}: invalid regular expression {keyword[3:]!r}: {error}") from None
    folded = fold(keyword).strip()
    if not folded:
        raise CodingError(f"{where}: empty keyword")
    return re.compile(r"\b" + r"\s+".join(re.escape(part) for part in folded.split()))


@dataclass(frozen=True)
class Theme:
    code: str
    label: str
    description: str = ""
    group: str = ""
    any: tuple[re.Pattern, ...] = ()
    all: tuple[tuple[re.Pattern, ...], ...] = ()
    none: tuple[re.Pattern, ...] = ()
    questions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    fallback: bool = False
    item: str = ""
    short: str = ""

    def matches(self, folded: str) -> bool:
        """Do the rules match a folded text (`fold`)? The fallback theme never matches by rule."""
        if self.fallback:
            return False
        if self.any and not any(p.search(folded) for p in self.any):
            return False
        if any(not any(p.search(folded) for p in group) for group in self.all):
            return False
        return not any(p.search(folded) for p in self.none)

    def applies(self, question: str, kind: str) -> bool:
        return (not self.questions or question in self.questions) and (not self.kinds or kind in self.kinds)


@dataclass(frozen=True)
class Frame:
    code: str
    title: str
    questions: tuple[str, ...]
    kinds: tuple[str, ...]
    themes: tuple[Theme, ...]
    groups: Mapping[str, str] = field(default_factory=dict)
    fallback: str = ""
    source: str = ""
    mode: str = "multi"

    @property
    def codes(self) -> list[str]:
        """Theme codes in frame order (the fallback last)."""
        return [t.code for t in self.themes]

    @property
    def labels(self) -> dict[str, str]:
        return {t.code: t.label for t in self.themes}

    def theme(self, code: str) -> Theme:
        for theme in self.themes:
            if theme.code == code:
                return theme
        raise KeyError(f"no theme {code!r} in coding frame {self.code!r}; themes: {self.codes}")

    def group_label(self, group: str) -> str:
        return self.groups.get(group, group)

    def applies(self, question: str, kind: str) -> bool:
        return question in self.questions and kind in self.kinds

    @property
    def shorts(self) -> dict[str, str]:
        """How the text names each theme: its `short`, else its label."""
        return {t.code: t.short or t.label for t in self.themes}

    def match(self, text: str, question: str | None = None, kind: str | None = None) -> list[str]:
        """Theme codes whose rules match `text` (frame order; in a `first_match` frame only the first); the fallback
        when none does (if the frame has one). With `question`/`kind`, themes restricted to other questions or kinds
        are skipped."""
        folded = fold(text)
        found = [t.code for t in self.themes
                 if (question is None or kind is None or t.applies(question, kind)) and t.matches(folded)]
        if self.mode == "first_match":
            found = found[:1]
        if not found and self.fallback:
            found = [self.fallback]
        return found


def _as_tuple(value, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise CodingError(f"{where}: `{name}` must be a text or a list of texts, got {value!r}")


def _theme(entry: Mapping, where: str, groups: Mapping[str, str], *, fallback: bool = False) -> Theme:
    allowed = {"code", "label", "description", "group", "short", "any", "all", "none", "question", "kind", "item"}
    unknown = set(entry) - allowed
    if unknown:
        raise CodingError(f"{where} has unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    code = entry.get("code")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", code):
        raise CodingError(f"{where}: `code` must be lower case with underscores, got {code!r}")
    if not str(entry.get("label") or "").strip():
        raise CodingError(f"{where}: theme {code!r} needs a Dutch `label`")
    where = f"{where} ({code})"
    group = str(entry.get("group") or "")
    if group and group not in groups:
        raise CodingError(f"{where}: unknown group {group!r}; groups: {sorted(groups)}")
    any_ = tuple(_keyword_pattern(k, where) for k in _as_tuple(entry.get("any"), where, "any"))
    all_raw = entry.get("all") or []
    if not isinstance(all_raw, list) or not all(isinstance(g, list) and g for g in all_raw):
        raise CodingError(f"{where}: `all` must be a list of non-empty keyword lists")
    all_ = tuple(tuple(_keyword_pattern(k, where) for k in g) for g in all_raw)
    none = tuple(_keyword_pattern(k, where) for k in _as_tuple(entry.get("none"), where, "none"))
    if not fallback and not any_ and not all_:
        raise CodingError(f"{where}: a theme needs rules (`any` and/or `all`)")
    if fallback and (any_ or all_ or none):
        raise CodingError(f"{where}: the fallback theme has no rules (it takes the texts no rule matches)")
    return Theme(code=code, label=" ".join(str(entry["label"]).split()),
                 description=" ".join(str(entry.get("description") or "").split()), group=group, any=any_, all=all_,
                 none=none, questions=_as_tuple(entry.get("question"), where, "question"),
                 kinds=_as_tuple(entry.get("kind"), where, "kind"), fallback=fallback,
                 item=str(entry.get("item") or ""), short=" ".join(str(entry.get("short") or "").split()))


def load_frame(path: Path | str) -> Frame:
    """Read and check a coding frame (YAML, see the module docstring). A bare name ("knelpunten") is looked up in
    data/codebook/coding/."""
    path = Path(path)
    if not path.suffix and not path.exists():
        path = FRAME_DIR / f"{path.name}.yml"
    raw = yamlfiles.load(path.read_text(encoding="utf-8")) or {}
    name = path.name
    unknown = set(raw) - {"version", "code", "title", "description", "applies_to", "mode", "groups", "fallback",
                          "themes"}
    if unknown:
        raise CodingError(f"{name}: unknown keys {sorted(unknown)}")
    mode = str(raw.get("mode") or "multi")
    if mode not in MODES:
        raise CodingError(f"{name}: `mode` must be one of {list(MODES)}, got {mode!r}")
    applies = raw.get("applies_to") or {}
    questions = _as_tuple(applies.get("question"), f"{name}: applies_to", "question")
    kinds = _as_tuple(applies.get("kind"), f"{name}: applies_to", "kind") or TEXT_KINDS
    if not questions:
        raise CodingError(f"{name}: `applies_to.question` names the question(s) whose texts the frame codes")
    bad_kinds = [k for k in kinds if k not in TEXT_KINDS]
    if bad_kinds:
        raise CodingError(f"{name}: applies_to.kind {bad_kinds} are not text kinds {list(TEXT_KINDS)}")
    groups = {str(k): " ".join(str(v).split()) for k, v in (raw.get("groups") or {}).items()}
    themes = [_theme(entry, f"{name}: theme #{position + 1}", groups)
              for position, entry in enumerate(raw.get("themes") or [])]
    if not themes:
        raise CodingError(f"{name}: no themes")
    fallback = ""
    if raw.get("fallback"):
        theme = _theme(raw["fallback"], f"{name}: fallback", groups, fallback=True)
        themes.append(theme)
        fallback = theme.code
    codes = [t.code for t in themes]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise CodingError(f"{name}: duplicate theme codes {duplicates}")
    for theme in themes:
        foreign = [q for q in theme.questions if q not in questions]
        if foreign:
            raise CodingError(f"{name}: theme {theme.code!r} names questions {foreign} outside applies_to {questions}")
    code = str(raw.get("code") or path.stem)
    return Frame(code=code, title=" ".join(str(raw.get("title") or code).split()), questions=questions, kinds=kinds,
                 themes=tuple(themes), groups=groups, fallback=fallback, source=str(path), mode=mode)


# --------------------------------------------------------------------------------------------------------------------
# Manual codings


@dataclass(frozen=True)
class ManualCoding:
    key: str          # a response id, or "sha256:<hex prefix>"
    themes: tuple[str, ...]
    reason: str

    @property
    def is_hash(self) -> bool:
        return self.key.startswith(HASH_PREFIX)

    def matches(self, response_id: str, hashed: str) -> bool:
        if self.is_hash:
            return hashed.startswith(self.key[len(HASH_PREFIX):])
        return str(response_id) == self.key


def _manual_entries(raw: Mapping, where: str, frame: Frame | None) -> dict[str, ManualCoding]:
    out = {}
    for key, value in (raw or {}).items():
        key = str(key).strip()
        entry_where = f"{where}: {key!r}"
        if key.startswith(HASH_PREFIX):
            digits = key[len(HASH_PREFIX):].lower()
            if not re.fullmatch(r"[0-9a-f]+", digits) or not MIN_HASH_PREFIX <= len(digits) <= 64:
                raise CodingError(f"{entry_where}: a text hash is 'sha256:' and {MIN_HASH_PREFIX}-64 hex digits "
                                  "(helpers.analysis.coding.text_hash)")
            key = HASH_PREFIX + digits
        if isinstance(value, list):
            raise CodingError(f"{entry_where}: give the themes with a reason: {{themes: {value}, reason: ...}}")
        if not isinstance(value, Mapping) or "themes" not in value:
            raise CodingError(f"{entry_where}: expected {{themes: [...], reason: ...}}, got {value!r}")
        unknown = set(value) - {"themes", "reason"}
        if unknown:
            raise CodingError(f"{entry_where}: unknown keys {sorted(unknown)}")
        themes = _as_tuple(value.get("themes") or [], entry_where, "themes")
        reason = " ".join(str(value.get("reason") or "").split())
        if not reason:
            raise CodingError(f"{entry_where}: a manual coding needs a `reason`")
        if frame is not None:
            unknown_themes = [t for t in themes if t not in frame.codes]
            if unknown_themes:
                raise CodingError(f"{entry_where}: unknown themes {unknown_themes} for frame {frame.code!r}; "
                                  f"themes: {frame.codes}")
        out[key] = ManualCoding(key=key, themes=tuple(dict.fromkeys(themes)), reason=reason)
    return out


def load_manual(path: Path | str = MANUAL_FILE, frame: Frame | str | None = None
                ) -> dict[str, ManualCoding] | dict[str, dict[str, ManualCoding]]:
    """Manual codings: for `frame` (a Frame or its code) {key: ManualCoding}, checked against the frame's themes;
    without a frame {frame code: {key: ManualCoding}}. A missing file means no manual codings."""
    path = Path(path)
    raw = yamlfiles.load(path.read_text(encoding="utf-8")) if path.exists() else {}
    raw = raw or {}
    sections = {str(k): v for k, v in raw.items() if k != "version"}
    for code, section in sections.items():
        if section is not None and not isinstance(section, Mapping):
            raise CodingError(f"{path.name}: section {code!r} must be a mapping of response ids / text hashes")
    if frame is None:
        return {code: _manual_entries(section, f"{path.name} [{code}]", None) for code, section in sections.items()}
    frame_obj = frame if isinstance(frame, Frame) else None
    code = frame.code if isinstance(frame, Frame) else str(frame)
    return _manual_entries(sections.get(code) or {}, f"{path.name} [{code}]", frame_obj)


def _manual_for(manual, frame: Frame) -> dict[str, ManualCoding]:
    if manual is None:
        return {}
    if isinstance(manual, (str, Path)):
        return load_manual(manual, frame)
    if not isinstance(manual, Mapping):
        raise TypeError(f"manual must be a path or a mapping, got {type(manual).__name__}")
    if all(isinstance(v, ManualCoding) for v in manual.values()):
        entries = dict(manual)
    elif frame.code in manual and isinstance(manual[frame.code], Mapping) and not {"themes", "reason"} & set(
            manual[frame.code]):
        section = manual[frame.code]
        entries = (dict(section) if all(isinstance(v, ManualCoding) for v in section.values())
                   else _manual_entries(section, f"manual [{frame.code}]", frame))
    else:
        entries = _manual_entries(manual, f"manual [{frame.code}]", frame)
    unknown = sorted({t for m in entries.values() for t in m.themes if t not in frame.codes})
    if unknown:
        raise CodingError(f"manual codings name unknown themes {unknown} for frame {frame.code!r}")
    if frame.mode == "first_match":
        several = sorted(k for k, m in entries.items() if len(m.themes) > 1)
        if several:
            raise CodingError(f"manual codings {several} give several themes, but frame {frame.code!r} codes one "
                              "theme per text (mode: first_match)")
    return entries


# --------------------------------------------------------------------------------------------------------------------
# Coding


def frame_texts(answers: pd.DataFrame, frame: Frame) -> pd.DataFrame:
    """The non-empty texts of the processed `answers` the frame codes: response_id, question, kind, item, text."""
    return texts_of(answers, frame.questions, frame.kinds)


def texts_of(answers: pd.DataFrame, questions: str | Sequence[str], kinds: str | Sequence[str] = TEXT_KINDS
             ) -> pd.DataFrame:
    """The non-empty free texts of the processed `answers` of `questions` and `kinds` ("text", "comment", "other"):
    response_id, question, kind, item, text, in the order of the answers (e.g. for quotes from comments that no
    frame codes)."""
    questions = (questions,) if isinstance(questions, str) else tuple(questions)
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    rows = answers[answers["question"].isin(questions) & answers["kind"].isin(kinds) & answers["text"].notna()]
    rows = rows[rows["text"].astype(str).str.strip() != ""]
    return pd.DataFrame({"response_id": rows["response_id"].astype(str).to_numpy(),
                         "question": rows["question"].astype(str).to_numpy(),
                         "kind": rows["kind"].astype(str).to_numpy(),
                         "item": rows["item"].fillna("").astype(str).to_numpy() if "item" in rows else "",
                         "text": rows["text"].astype(str).to_numpy()})


def code_texts(texts: pd.DataFrame, frame: Frame, manual=None) -> pd.DataFrame:
    """Code texts with a frame: one row per text and theme (a text may get several themes).

    `texts`: columns response_id, question, kind, text (item optional); rows of questions or kinds the frame does not
    apply to are skipped. `manual`: None, a path to manual_codings.yml, or a mapping ({key: {themes, reason}}, or
    the whole file's {frame code: {...}}); a manual coding replaces the rules' themes of the texts it matches.
    Returns CODED_COLUMNS (response_id, theme, source 'rules'|'manual', question, kind, item, text_hash, text) in the
    order of the texts, themes in frame order; `.attrs["unused_manual"]` lists manual keys that matched no text.
    """
    missing = [c for c in ("response_id", "question", "kind", "text") if c not in texts]
    if missing:
        raise ValueError(f"texts lacks the columns {missing}; use helpers.analysis.coding.frame_texts(answers, frame)")
    entries = _manual_for(manual, frame)
    by_response = {k: m for k, m in entries.items() if not m.is_hash}
    by_hash = [m for m in entries.values() if m.is_hash]
    used: set[str] = set()
    order = {code: position for position, code in enumerate(frame.codes)}
    records = []
    items = texts["item"] if "item" in texts else pd.Series([""] * len(texts), index=texts.index)
    for response_id, question, kind, item, text in zip(texts["response_id"], texts["question"], texts["kind"], items,
                                                       texts["text"], strict=True):
        if text is None or (isinstance(text, float) and text != text) or not str(text).strip():
            continue
        question, kind, text = str(question), str(kind), str(text)
        if not frame.applies(question, kind):
            continue
        response_id = str(response_id)
        hashed = text_hash(text)
        coding = by_response.get(response_id)
        if coding is None:
            hits = [m for m in by_hash if m.matches(response_id, hashed)]
            if len(hits) > 1:
                raise CodingError(f"manual codings {[m.key for m in hits]} all match text {hashed[:16]}…; "
                                  "use longer hash prefixes")
            coding = hits[0] if hits else None
        if coding is not None:
            used.add(coding.key)
            themes, source = list(coding.themes), "manual"
        else:
            themes, source = frame.match(text, question, kind), "rules"
        for theme in sorted(dict.fromkeys(themes), key=order.__getitem__):
            records.append({"response_id": response_id, "theme": theme, "source": source, "question": question,
                            "kind": kind, "item": "" if item is None or item != item else str(item),
                            "text_hash": hashed, "text": text})
    coded = pd.DataFrame.from_records(records, columns=CODED_COLUMNS).astype(str)
    coded = coded.drop_duplicates(["response_id", "question", "kind", "item", "text_hash", "theme"], ignore_index=True)
    coded.attrs["unused_manual"] = sorted(set(entries) - used)
    return coded


def _base_ids(base) -> tuple[int, set[str] | None]:
    if isinstance(base, bool):
        raise TypeError("base must be a count, response ids or a DataFrame with response_id")
    if isinstance(base, int):
        return int(base), None
    if isinstance(base, pd.DataFrame):
        ids = set(base["response_id"].astype(str))
    else:
        ids = {str(v) for v in base}
    return len(ids), ids


def theme_counts(coded: pd.DataFrame, base, frame: Frame | None = None, *, level: str = "theme",
                 sort: bool = True) -> pd.DataFrame:
    """Units per theme, over a base: columns theme, label, group, group_label, count, n, pct (100 * count / n,
    unrounded), sorted by count (descending), ties in frame order (`sort=False`: frame order).

    `base`: the number of units that answered (int), or their response ids (any iterable, or a DataFrame with a
    response_id column: then only coded units in the base count). With a `frame` every theme is listed (zeros too)
    with its Dutch label; without, only the themes in `coded`, labelled with their code.
    `level="group"` (needs a frame): units per group of themes instead, where a group is listed at its first theme
    and a theme without a group stands for itself; a group's row has the group code as `theme` and the group's
    label (a unit with several themes of one group counts once).
    """
    if level not in ("theme", "group"):
        raise ValueError(f"level must be 'theme' or 'group', got {level!r}")
    if level == "group" and frame is None:
        raise ValueError("level='group' needs the frame")
    n, ids = _base_ids(base)
    rows = coded if ids is None else coded[coded["response_id"].astype(str).isin(ids)]
    if frame is not None:
        codes = frame.codes
        labels = frame.labels
        groups = {t.code: t.group for t in frame.themes}
    else:
        codes = sorted(set(rows["theme"].astype(str)))
        labels, groups = {c: c for c in codes}, {c: "" for c in codes}
    if level == "group":
        key_of = {code: groups[code] or code for code in codes}
        rows = rows.assign(theme=rows["theme"].astype(str).map(key_of))
        codes = list(dict.fromkeys(key_of[code] for code in codes))
        labels = {**labels, **{g: frame.group_label(g) for g in codes if g in frame.groups}}
        groups = {code: code if code in frame.groups else groups.get(code, "") for code in codes}
    counts = rows.groupby("theme")["response_id"].nunique()
    records = []
    for position, code in enumerate(codes):
        count = int(counts.get(code, 0))
        records.append({"theme": code, "label": labels[code], "group": groups[code],
                        "group_label": frame.group_label(groups[code]) if frame is not None and groups[code] else "",
                        "count": count, "n": int(n), "pct": 100 * count / n if n else float("nan"),
                        "_position": position})
    table = pd.DataFrame.from_records(records, columns=["theme", "label", "group", "group_label", "count", "n", "pct",
                                                        "_position"])
    if sort:
        table = table.sort_values(["count", "_position"], ascending=[False, True], kind="stable")
    return table.drop(columns="_position").reset_index(drop=True).astype(
        {"count": "int64", "n": "int64", "pct": "float64"})


# --------------------------------------------------------------------------------------------------------------------
# Quotes


def has_placeholder(text: str) -> bool:
    """Does the text contain a scrubber placeholder or another bracketed word ("[naam]", "[e-mailadres]")?"""
    return bool(PLACEHOLDER.search(str(text)))


def is_quotable(text: str) -> bool:
    """May the text be shown as a quote: non-empty, no placeholder, and nothing helpers.core.privacy would still scrub
    (e-mail address, IP address, phone number)?"""
    text = str(text or "").strip()
    if not text or has_placeholder(text):
        return False
    return not scrub_text(text).counts


def _quote_key(seed_key: str, text: str, min_length: int, max_length: int, outside: int = 0) -> tuple[int, int, str]:
    length = len(" ".join(str(text).split()))
    band = 0 if min_length <= length <= max_length else 1 if length > max_length else 2
    digest = hashlib.sha256(f"{seed_key}\x1f{normalise_text(text)}".encode()).hexdigest()
    return band, outside, digest


def _sentences(normalised: str) -> set[str]:
    """The sentences of a normalised text (split after . ! ? ;), for the near-duplicate check of quotes."""
    return {part.strip(" .!?;") for part in re.split(r"(?<=[.!?;])\s+", normalised) if part.strip(" .!?;")}


def choose_quotes(texts: pd.DataFrame | Sequence[str], theme: str | Iterable[str] | None, k: int, seed_key: str, *,
                  min_length: int = QUOTE_MIN_LENGTH, max_length: int = QUOTE_MAX_LENGTH,
                  exclude: Iterable[str] = ()) -> list[str]:
    """Up to `k` quotes, chosen reproducibly (see the module docstring).

    `texts`: a DataFrame with a `text` column, or a sequence of texts. With a `theme` column (a `code_texts` result)
    and `theme` given (one code, or several: e.g. the themes of a group), the candidates are the texts coded with
    (one of) those themes, and texts about the theme only are preferred to texts that also name other themes
    ("focused" quotes). `exclude`: text hashes (`text_hash`) not to choose, e.g. the quotes already shown for another
    theme. A text that contains, is contained in, or shares a sentence with a text already chosen is skipped (no
    near-duplicates).
    Order: medium length first, then focus, then sha256(seed_key, normalised text). Returns the texts (whitespace
    tidied), best first.
    """
    if k <= 0:
        return []
    targets = None if theme is None else ({str(theme)} if isinstance(theme, str) else {str(t) for t in theme})
    themes_of: dict[str, set[str]] = {}
    if isinstance(texts, pd.DataFrame):
        rows = texts[texts["text"].notna()]
        if "theme" in rows:
            for text, code in zip(rows["text"].astype(str), rows["theme"].astype(str), strict=True):
                themes_of.setdefault(text_hash(text), set()).add(code)
            if targets is not None:
                rows = rows[rows["theme"].astype(str).isin(targets)]
        candidates = [str(t) for t in rows["text"]]
    else:
        candidates = [str(t) for t in texts if t is not None]
    excluded = set(exclude)
    unique: dict[str, str] = {}
    for text in candidates:
        tidy = " ".join(text.split())
        hashed = text_hash(tidy)
        if hashed in excluded or hashed in unique or not is_quotable(tidy):
            continue
        unique[hashed] = tidy
    ranked = sorted(unique.items(), key=lambda pair: _quote_key(
        seed_key, pair[1], min_length, max_length,
        len(themes_of.get(pair[0], set()) - targets) if targets is not None else 0))
    chosen: list[str] = []
    seen_sentences: set[str] = set()
    for _, text in ranked:
        folded = normalise_text(text)
        sentences = _sentences(folded)
        if sentences & seen_sentences or any(folded in normalise_text(c) or normalise_text(c) in folded
                                             for c in chosen):
            continue
        chosen.append(text)
        seen_sentences |= sentences
        if len(chosen) == k:
            break
    return chosen


def blockquote(text: str) -> str:
    """A quote as a Markdown blockquote in the report's style (‘…’), with Markdown and HTML characters escaped."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    escaped = re.sub(r"([\\`*_\[\]#|])", r"\\\1", escaped)
    return f"> ‘{escaped}’"
