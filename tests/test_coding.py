"""helpers.analysis.coding: coding frames, manual codings, theme counts and the reproducible choice of quotes."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
import yaml

from helpers import REPO_ROOT
from helpers.analysis.coding import (
    CODED_COLUMNS,
    FRAME_DIR,
    CodingError,
    blockquote,
    choose_quotes,
    code_texts,
    fold,
    frame_texts,
    has_placeholder,
    is_quotable,
    load_frame,
    load_manual,
    normalise_text,
    text_hash,
    theme_counts,
)
from helpers.data.processed import read_processed

FRAME_YAML = """
version: 1
code: proef
title: Proefkader
applies_to: {question: obstacles, kind: [comment, other]}
groups: {geld: Geld en middelen}
themes:
  - code: financiering
    label: Gebrek aan financiering
    description: Geld of budget ontbreekt.
    group: geld
    any: [geld, budget, 're:\\bduur\\b']
  - code: regels
    label: Regels
    any: ['re:\\bregel(s|geving)?\\b', richtlijn]
    none: [bouwregel]
  - code: ervaring
    label: Ervaringsdeskundigen vinden
    all: [[ervaringsdeskundig], [vind, werv]]
  - code: alleen_anders
    label: Alleen bij ander knelpunt
    kind: other
    any: [anders]
fallback: {code: overig, label: Overig}
"""


@pytest.fixture
def frame(tmp_path):
    path = tmp_path / "proef.yml"
    path.write_text(FRAME_YAML, encoding="utf-8")
    return load_frame(path)


def _texts(rows):
    return pd.DataFrame(rows, columns=["response_id", "question", "kind", "text"])


TEXTS = _texts([
    ("r1", "obstacles", "comment", "Er is geen geld en de regels spreken elkaar tegen."),
    ("r2", "obstacles", "comment", "Het is lastig ervaringsdeskundigen te vinden."),
    ("r3", "obstacles", "other", "Iets heel anders."),
    ("r4", "obstacles", "comment", "Iets heel anders."),
    ("r5", "obstacles", "comment", "Landelijke bouwregels schieten tekort; ook regelgeving is lastig."),
    ("r6", "domains", "comment", "Geen geld."),           # another question: not coded by this frame
    ("r7", "obstacles", "text", "Geen geld."),             # a kind the frame does not code
    ("r8", "obstacles", "comment", "   "),                 # empty
    ("r9", "obstacles", "comment", "Ervaringsdeskundigen zijn er genoeg."),
])


# ----------------------------------------------------------------------------------------------------------------------
# Normalisation and hashing


def test_text_hash_ignores_case_and_whitespace_but_not_words():
    assert normalise_text("  Geen   GELD\n meer ") == "geen geld meer"
    assert text_hash("Geen geld") == text_hash(" geen\tgeld ")
    assert text_hash("Geen geld") != text_hash("Geen budget")
    assert text_hash("Geen geld") == "c3d96ee7ae0c3745ebfe0361d55d8a3171a6cb6b391baa07dc228482dc27a953"
    # NFKC: a non-breaking space and a ligature normalise to their plain forms
    assert text_hash("geen\u00a0geld") == text_hash("geen geld")
    assert text_hash("ﬁnanciering") == text_hash("financiering")


def test_text_hash_is_sha256_of_the_normalised_text():
    import hashlib

    assert text_hash(" Geen  Geld ") == hashlib.sha256(b"geen geld").hexdigest()


def test_fold_removes_accents_and_case():
    assert fold("Geëvalueerd  Coördinator") == "geevalueerd coordinator"


# ----------------------------------------------------------------------------------------------------------------------
# Frames


def test_frame_loads_with_fallback_last(frame):
    assert frame.code == "proef"
    assert frame.codes == ["financiering", "regels", "ervaring", "alleen_anders", "overig"]
    assert frame.fallback == "overig"
    assert frame.labels["financiering"] == "Gebrek aan financiering"
    assert frame.group_label("geld") == "Geld en middelen"
    assert frame.questions == ("obstacles",) and frame.kinds == ("comment", "other")


def test_keywords_match_word_beginnings_and_regexes(frame):
    assert frame.match("Geldzorgen") == ["financiering"]
    assert frame.match("Het budget") == ["financiering"]
    assert frame.match("Te duur.") == ["financiering"]
    assert frame.match("Duurzaamheid") == ["overig"]            # 're:\bduur\b' is a whole word
    assert frame.match("Bouwregels") == ["overig"]              # not at a word beginning
    assert frame.match("Regelgeving en bouwregels") == ["overig"]   # `none` vetoes the theme
    assert frame.match("Ervaringsdeskundigen werven") == ["ervaring"]
    assert frame.match("Ervaringsdeskundigen zijn er") == ["overig"]   # `all`: both groups needed


def test_theme_restricted_to_a_kind(frame):
    assert frame.match("Iets anders", "obstacles", "other") == ["alleen_anders"]
    assert frame.match("Iets anders", "obstacles", "comment") == ["overig"]


@pytest.mark.parametrize("change, message", [
    ({"colour": "rood"}, "unknown keys"),
    ({"themes": [{"code": "a", "any": ["x"]}]}, "needs a Dutch `label`"),
    ({"themes": [{"code": "a", "label": "A"}]}, "needs rules"),
    ({"themes": [{"code": "A b", "label": "A", "any": ["x"]}]}, "lower case"),
    ({"themes": [{"code": "a", "label": "A", "any": ["x"], "group": "nergens"}]}, "unknown group"),
    ({"themes": [{"code": "a", "label": "A", "any": ["x"]}, {"code": "a", "label": "B", "any": ["y"]}]}, "duplicate"),
    ({"themes": [{"code": "a", "label": "A", "any": ["re:("]}]}, "invalid regular expression"),
    ({"themes": [{"code": "a", "label": "A", "all": [[]]}]}, "non-empty keyword lists"),
    ({"applies_to": {"question": "obstacles", "kind": ["answer"]}}, "not text kinds"),
    ({"applies_to": {}}, "applies_to.question"),
    ({"fallback": {"code": "overig", "label": "Overig", "any": ["x"]}}, "fallback theme has no rules"),
])
def test_invalid_frames_are_rejected(tmp_path, change, message):
    raw = yaml.safe_load(FRAME_YAML)
    raw.update(change)
    path = tmp_path / "fout.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CodingError, match=message):
        load_frame(path)


def test_frame_by_bare_name():
    assert load_frame("knelpunten").code == "knelpunten"
    assert load_frame("lia_resultaten").questions == ("lia_results",)


# ----------------------------------------------------------------------------------------------------------------------
# Coding


def test_code_texts_known_answers(frame):
    coded = code_texts(TEXTS, frame)
    assert list(coded.columns) == CODED_COLUMNS
    got = list(coded[["response_id", "theme", "source"]].itertuples(index=False, name=None))
    assert got == [
        ("r1", "financiering", "rules"), ("r1", "regels", "rules"),   # several themes, in frame order
        ("r2", "ervaring", "rules"),
        ("r3", "alleen_anders", "rules"),
        ("r4", "overig", "rules"),                                    # the same text as a comment: fallback
        ("r5", "overig", "rules"),
        ("r9", "overig", "rules"),
    ]
    assert coded.loc[0, "text_hash"] == text_hash(TEXTS.loc[0, "text"])
    assert coded.attrs["unused_manual"] == []


def test_code_texts_is_deterministic_and_independent_of_other_rows(frame):
    once = code_texts(TEXTS, frame)
    again = code_texts(TEXTS.copy(), frame)
    pd.testing.assert_frame_equal(once, again)
    reversed_rows = code_texts(TEXTS.iloc[::-1].reset_index(drop=True), frame)
    key = ["response_id", "theme"]
    pd.testing.assert_frame_equal(once.sort_values(key).reset_index(drop=True),
                                  reversed_rows.sort_values(key).reset_index(drop=True))


def test_code_texts_needs_the_columns(frame):
    with pytest.raises(ValueError, match="lacks the columns"):
        code_texts(pd.DataFrame({"text": ["x"]}), frame)


def test_manual_coding_by_hash_overrides_the_rules(frame):
    manual = {"sha256:" + text_hash("Iets heel anders.")[:12]: {"themes": ["financiering"], "reason": "test"}}
    coded = code_texts(TEXTS, frame, manual)
    rows = coded[coded["response_id"].isin(["r3", "r4"])]
    # the same text gets the same manual coding in both responses, whatever its kind
    assert list(rows[["response_id", "theme", "source"]].itertuples(index=False, name=None)) == [
        ("r3", "financiering", "manual"), ("r4", "financiering", "manual")]
    assert coded.attrs["unused_manual"] == []


def test_manual_coding_by_response_id_and_empty_list(frame):
    manual = {"r1": {"themes": [], "reason": "zegt niets"},
              "r2": {"themes": ["regels", "financiering"], "reason": "test"},
              "r99": {"themes": ["regels"], "reason": "bestaat niet"}}
    coded = code_texts(TEXTS, frame, manual)
    assert "r1" not in set(coded["response_id"])                  # [] = no theme, not even the fallback
    r2 = coded[coded["response_id"] == "r2"]
    assert list(r2["theme"]) == ["financiering", "regels"] and set(r2["source"]) == {"manual"}
    assert coded.attrs["unused_manual"] == ["r99"]


def test_response_id_wins_over_text_hash(frame):
    manual = {"r4": {"themes": ["regels"], "reason": "per eenheid"},
              "sha256:" + text_hash("Iets heel anders."): {"themes": ["financiering"], "reason": "per tekst"}}
    coded = code_texts(TEXTS, frame, manual).set_index("response_id")
    assert coded.loc["r4", "theme"] == "regels"
    assert coded.loc["r3", "theme"] == "financiering"


@pytest.mark.parametrize("manual, message", [
    ({"r1": {"themes": ["onbekend"], "reason": "x"}}, "unknown themes"),
    ({"r1": {"themes": ["regels"]}}, "needs a `reason`"),
    ({"r1": ["regels"]}, "with a reason"),
    ({"sha256:abc": {"themes": [], "reason": "x"}}, "hex digits"),
    ({"r1": {"themes": [], "reason": "x", "extra": 1}}, "unknown keys"),
])
def test_invalid_manual_codings(frame, manual, message):
    with pytest.raises(CodingError, match=message):
        code_texts(TEXTS, frame, manual)


def test_manual_codings_from_a_file_with_sections(frame, tmp_path):
    path = tmp_path / "manual.yml"
    path.write_text(textwrap.dedent(f"""
        version: 1
        proef:
          "sha256:{text_hash('Ervaringsdeskundigen zijn er genoeg.')[:16]}":
            themes: [ervaring]
            reason: gaat over ervaringsdeskundigen
        ander_kader:
          r1: {{themes: [iets], reason: hoort bij een ander kader}}
        """), encoding="utf-8")
    entries = load_manual(path, frame)
    assert list(entries) == [f"sha256:{text_hash('Ervaringsdeskundigen zijn er genoeg.')[:16]}"]
    coded = code_texts(TEXTS, frame, path).set_index("response_id")
    assert (coded.loc["r9", "theme"], coded.loc["r9", "source"]) == ("ervaring", "manual")
    assert set(load_manual(path)) == {"proef", "ander_kader"}
    assert load_manual(tmp_path / "ontbreekt.yml", frame) == {}


def test_the_repository_manual_codings_are_valid():
    for code in ("lia_resultaten", "knelpunten"):
        load_manual(FRAME_DIR / "manual_codings.yml", load_frame(code))


# ----------------------------------------------------------------------------------------------------------------------
# Counts


def test_theme_counts_counts_units_over_the_base(frame):
    texts = pd.concat([TEXTS, _texts([("r1", "obstacles", "other", "Nog meer geld nodig.")])], ignore_index=True)
    coded = code_texts(texts, frame)
    table = theme_counts(coded, frame_texts_like(texts, frame), frame)
    assert list(table.columns) == ["theme", "label", "group", "group_label", "count", "n", "pct"]
    row = table.set_index("theme").loc["financiering"]
    assert (row["count"], row["n"], row["group_label"]) == (1, 6, "Geld en middelen")   # r1 once, two texts
    assert row["pct"] == pytest.approx(100 / 6)
    assert list(table["theme"]) == ["overig", "financiering", "regels", "ervaring", "alleen_anders"]
    assert table.set_index("theme").loc["overig", "count"] == 3
    by_count = theme_counts(coded, 10)
    assert set(by_count["theme"]) == {"financiering", "regels", "ervaring", "alleen_anders", "overig"}
    assert by_count.set_index("theme").loc["regels", "pct"] == pytest.approx(10.0)
    assert theme_counts(coded.iloc[0:0], 0, frame)["pct"].isna().all()


def frame_texts_like(texts, frame):
    """The units with a non-empty text of the frame's questions and kinds (what frame_texts gives for answers)."""
    keep = texts["question"].isin(frame.questions) & texts["kind"].isin(frame.kinds) & texts["text"].str.strip().ne("")
    return texts[keep]


def test_frame_texts_selects_the_frames_texts(frame):
    answers = pd.DataFrame({
        "response_id": ["a", "a", "b", "c", "d"],
        "question": ["obstacles", "obstacles", "obstacles", "domains", "obstacles"],
        "item": ["", "ander", "capaciteit", "", ""],
        "kind": ["comment", "other", "answer", "comment", "comment"],
        "value": [None, None, "groot", None, None],
        "text": ["Geen geld.", "Anders.", None, "Iets.", " "],
    })
    texts = frame_texts(answers, frame)
    assert list(texts.itertuples(index=False, name=None)) == [
        ("a", "obstacles", "comment", "", "Geen geld."), ("a", "obstacles", "other", "ander", "Anders.")]


# ----------------------------------------------------------------------------------------------------------------------
# Quotes

QUOTE_TEXTS = [
    "Er is in onze gemeente geen apart budget voor toegankelijkheid, alles moet uit bestaande potjes.",
    "Geen extra geld vanuit het Rijk voor de verplichtingen uit het verdrag, terwijl de taak wel groter wordt.",
    "Aanpassingen in de openbare ruimte zijn duur en passen niet in de begroting van dit jaar.",
    "Te duur.",                                                                     # short
    "Voor vragen over het budget kunt u mailen naar [e-mailadres].",               # placeholder
    "Het budget is op; mail gerust naar j.jansen@gemeente.example.nl voor de cijfers.",   # unscrubbed e-mail
    "Een toegankelijke bushalte kost al snel tienduizenden euro's en daar is geen geld voor gereserveerd.",
]


def test_quotes_are_reproducible_and_independent_of_row_order():
    first = choose_quotes(QUOTE_TEXTS, None, 3, "2023/knelpunten/financiering")
    assert first == choose_quotes(list(reversed(QUOTE_TEXTS)), None, 3, "2023/knelpunten/financiering")
    assert first == choose_quotes(QUOTE_TEXTS + QUOTE_TEXTS, None, 3, "2023/knelpunten/financiering")
    assert len(first) == 3 and len(set(first)) == 3
    # a known answer: pins the ordering (sha256 of seed key and normalised text) across versions and machines
    assert first == [QUOTE_TEXTS[6], QUOTE_TEXTS[2], QUOTE_TEXTS[1]]
    assert choose_quotes(QUOTE_TEXTS, None, 4, "2023/knelpunten/financiering")[:3] == first


def test_quotes_change_with_the_seed_key():
    choices = {tuple(choose_quotes(QUOTE_TEXTS, None, 1, f"seed {i}")) for i in range(20)}
    assert len(choices) > 1


def test_quotes_skip_placeholders_personal_data_and_prefer_medium_length():
    chosen = choose_quotes(QUOTE_TEXTS, None, 10, "x")
    assert not any("[" in q or "@" in q for q in chosen)
    assert chosen[-1] == "Te duur."                      # too short: only after every medium-length text
    assert len(chosen) == 5


def test_quotes_from_coded_rows_filter_on_theme_and_exclude(frame):
    coded = code_texts(TEXTS, frame)
    assert choose_quotes(coded, "ervaring", 3, "x", min_length=10) == [
        "Het is lastig ervaringsdeskundigen te vinden."]
    assert choose_quotes(coded, "ervaring", 3, "x", exclude={text_hash(
        "Het is lastig ervaringsdeskundigen te vinden.")}) == []
    assert choose_quotes(coded, "regels", 0, "x") == []


def test_placeholders_and_quotability():
    assert has_placeholder("Mail [naam] of [e-mailadres].")
    assert has_placeholder("Bel [telefoonnummer]") and has_placeholder("Via [IP-adres]")
    assert not has_placeholder("We kiezen ervoor om te focussen. […] Eind volgend jaar evalueren we.")
    assert is_quotable("Een gewone toelichting.")
    assert not is_quotable("Bel 06-12345678 voor meer informatie.")
    assert not is_quotable("   ")


def test_blockquote_escapes_markdown_and_html():
    assert blockquote("Het *kost*  veel <geld>_") == "> ‘Het \\*kost\\* veel &lt;geld&gt;\\_’"


# ----------------------------------------------------------------------------------------------------------------------
# The repository's frames


POOL_THEMES = {  # theme of a synthetic text pool -> theme of our frame
    "lia_resultaten": {"brieven_ervaringsdeskundigen": "toegankelijke_communicatie", "schouw_gebouwen": "gebouwen",
                       "stembureaus": "stemmen", "parkeren_ov": "vervoer_parkeren",
                       "werkgroep_ervaringsdeskundigen": "ervaringsdeskundigen", "organisatie_intern": "organisatie",
                       "algemeen_voortgang": "voortgang_evaluatie", "tweede_lia": "voortgang_evaluatie"},
    "knelpunten": {"ervaringsdeskundigen": "ervaringsdeskundigheid"},
}


def _pool_text(text: str) -> str:
    return text.replace("{agenda}", "de inclusieagenda").replace("{Agenda}", "De inclusieagenda")


def test_frames_find_the_themes_the_synthetic_texts_were_written_with():
    """Every text of the stand-in's pools gets (at least) the theme it was written for. Only this test reads the
    pools: the chapters code the processed texts."""
    pools = REPO_ROOT / "data" / "synthetic" / "texts"
    lia = load_frame("lia_resultaten")
    results = yaml.safe_load((pools / "lia_results.yml").read_text(encoding="utf-8"))["texts"]
    knelpunten = load_frame("knelpunten")
    obstacles = [(e, "other") for e in yaml.safe_load((pools / "anders.yml").read_text(encoding="utf-8"))["obstacles"]]
    obstacles += [(e, "comment") for e in
                  yaml.safe_load((pools / "comments.yml").read_text(encoding="utf-8"))["obstacles"]]
    misses = []
    for entry in results:
        expected = POOL_THEMES["lia_resultaten"].get(entry["theme"], entry["theme"])
        if expected not in lia.match(_pool_text(entry["text"]), "lia_results", "text"):
            misses.append((entry["id"], expected))
    for entry, kind in obstacles:
        expected = POOL_THEMES["knelpunten"].get(entry["theme"], entry["theme"])
        if expected not in knelpunten.match(_pool_text(entry["text"]), "obstacles", kind):
            misses.append((entry["id"], expected))
    assert misses == []


def test_frames_on_the_processed_2023_texts():
    _, answers, _ = read_processed(2023)
    lia = load_frame("lia_resultaten")
    texts = frame_texts(answers, lia)
    coded = code_texts(texts, lia, FRAME_DIR / "manual_codings.yml")
    assert texts["response_id"].nunique() == 66
    assert set(coded["response_id"]) == set(texts["response_id"])
    counts = theme_counts(coded, texts, lia).set_index("theme")["count"]
    assert counts["overig"] <= 2
    knelpunten = load_frame("knelpunten")
    obstacle_texts = frame_texts(answers, knelpunten)
    coded = code_texts(obstacle_texts, knelpunten, FRAME_DIR / "manual_codings.yml")
    counts = theme_counts(coded, obstacle_texts, knelpunten).set_index("theme")["count"]
    for theme in ("regelgeving", "bouwbesluit", "financiering", "verschillende_belangen", "ervaringsdeskundigheid",
                  "prioriteren"):
        assert counts[theme] > 0, theme


def test_quotes_prefer_texts_about_the_theme_only_and_skip_shared_sentences():
    coded = pd.DataFrame({
        "response_id": ["a", "a", "b", "c", "c"],
        "theme": ["geld", "regels", "geld", "geld", "regels"],
        "text": ["Geen geld voor aanpassingen in de openbare ruimte. De regels spreken elkaar tegen.",
                 "Geen geld voor aanpassingen in de openbare ruimte. De regels spreken elkaar tegen.",
                 "Er is in de begroting geen ruimte voor extra toegankelijke voorzieningen.",
                 "Geen geld voor aanpassingen in de openbare ruimte. Ook de planning loopt achter.",
                 "Geen geld voor aanpassingen in de openbare ruimte. Ook de planning loopt achter."],
    })
    for seed in ("een", "twee", "drie"):
        chosen = choose_quotes(coded, "geld", 3, seed)
        assert chosen[0] == "Er is in de begroting geen ruimte voor extra toegankelijke voorzieningen."  # focused
        assert len(chosen) == 2                # a and c share a sentence: only one of them
    # several themes at once (a group): texts with themes outside the group come last
    assert choose_quotes(coded, {"geld", "regels"}, 1, "x") != []


def test_texts_of_and_theme_items():
    answers = pd.DataFrame({"response_id": ["a", "b"], "question": ["partners", "partners"], "item": ["", ""],
                            "kind": ["comment", "answer"], "value": [None, "veel"], "text": ["Toelichting.", None]})
    assert list(coding_texts_of(answers)["text"]) == ["Toelichting."]
    knelpunten = load_frame("knelpunten")
    assert knelpunten.theme("capaciteit").item == "capaciteit"
    assert knelpunten.theme("financiering").item == ""


def coding_texts_of(answers):
    from helpers.analysis.coding import texts_of

    return texts_of(answers, "partners", "comment")


def test_frame_items_are_items_of_the_question():
    from helpers.data.codebook import codebook

    items = {item.code for item in codebook().question("obstacles").items}
    frame = load_frame("knelpunten")
    assert {t.item for t in frame.themes if t.item} <= items


# ----------------------------------------------------------------------------------------------------------------------
# Single-theme frames (mode: first_match) with groups: the respondent's function (chapter 1)

FIRST_MATCH_YAML = """
version: 1
code: functie_proef
title: Functie
applies_to: {question: respondent_function, kind: text}
mode: first_match
groups: {beleid: Beleid}
themes:
  - {code: manager, label: Manager, all: [[manager, afdelingshoofd]]}
  - {code: beleid_sd, label: Beleid sociaal domein, short: sociaal domein, group: beleid,
     all: [[beleid], [sociaal, wmo]]}
  - {code: beleid_overig, label: Beleid, group: beleid, all: [[beleid]]}
fallback: {code: overig, label: Overig}
"""


def test_first_match_frame_gives_one_theme_and_counts_groups(tmp_path):
    path = tmp_path / "functie_proef.yml"
    path.write_text(FIRST_MATCH_YAML, encoding="utf-8")
    frame = load_frame(path)
    assert frame.mode == "first_match"
    assert frame.shorts == {"manager": "Manager", "beleid_sd": "sociaal domein", "beleid_overig": "Beleid",
                            "overig": "Overig"}
    texts = {"a": "Beleidsadviseur Sociaal Domein", "b": "beleidsmedewerker", "c": "Coördinator", "d": "Teammanager",
             "e": "Afdelingshoofd Wmo-beleid", "f": "   "}
    answers = pd.DataFrame([{"response_id": k, "question": "respondent_function", "item": "", "kind": "text",
                             "value": None, "text": v} for k, v in texts.items()])
    found = frame_texts(answers, frame)
    coded = code_texts(found, frame)
    # one theme per text, the first whose rule matches; keywords are word beginnings ("manager" not in "Teammanager")
    assert dict(zip(coded["response_id"], coded["theme"], strict=True)) == {
        "a": "beleid_sd", "b": "beleid_overig", "c": "overig", "d": "overig", "e": "manager"}
    groups = theme_counts(coded, found, frame, level="group", sort=False)
    assert list(groups["theme"]) == ["manager", "beleid", "overig"]
    beleid = groups.set_index("theme").loc["beleid"]
    assert beleid["label"] == "Beleid" and beleid["count"] == 2 and beleid["n"] == 5   # an empty text is no answer
    assert list(theme_counts(coded, found, frame, sort=False)["theme"]) == frame.codes
    assert "text" not in groups.columns
    # a multi frame gives every matching theme
    path.with_name("multi.yml").write_text(FIRST_MATCH_YAML.replace("mode: first_match\n", ""), encoding="utf-8")
    assert load_frame(path.with_name("multi.yml")).match("Afdelingshoofd Wmo-beleid") == ["manager", "beleid_sd",
                                                                                          "beleid_overig"]
    with pytest.raises(CodingError, match="one theme per text"):
        code_texts(found, frame, {"a": {"themes": ["manager", "beleid_sd"], "reason": "twee functies"}})
    bad = tmp_path / "bad.yml"
    bad.write_text(FIRST_MATCH_YAML.replace("first_match", "eerste"), encoding="utf-8")
    with pytest.raises(CodingError, match="mode"):
        load_frame(bad)


def test_project_frame_for_functions():
    frame = load_frame("functie")
    cases = {"Beleidsadviseur sociaal domein": "beleid_sociaal_domein",
             "Projectleider inclusie": "projectleider_inclusie",
             "Beleidsmedewerker toegankelijkheid en inclusie": "beleid_toegankelijkheid",
             "beleidsmedewerker inclusie & diversiteit": "beleid_diversiteit_inclusie",
             "Programmamanager inclusie": "projectleider_inclusie", "Teammanager sociaal domein": "manager",
             "Projectmedewerker inclusie": "projectmedewerker", "Beleidsmedewerker": "beleid_algemeen",
             "Medewerker team Zorg en Welzijn": "overig"}
    assert {text: frame.match(text) for text in cases} == {text: [code] for text, code in cases.items()}


def test_function_counts_2023():
    """The counts of rapport 2023 par. 1.2, as chapter 1 computes them (helpers.analysis.coding, frame functie.yml)."""
    _, answers, _ = read_processed(2023)
    frame = load_frame("functie")
    texts = frame_texts(answers, frame)
    coded = code_texts(texts, frame, FRAME_DIR / "manual_codings.yml")
    assert not coded["response_id"].duplicated().any()
    groups = theme_counts(coded, texts, frame, level="group").set_index("theme")
    assert groups["n"].iloc[0] == 196
    assert groups["count"].to_dict() == {"beleid": 165, "projectleider_inclusie": 17, "manager": 10,
                                         "projectmedewerker": 2, "overig": 2}
    themes = theme_counts(coded, texts, frame).set_index("theme")["count"].to_dict()
    assert {code: themes[code] for code in ("beleid_sociaal_domein", "beleid_diversiteit_inclusie",
                                            "beleid_toegankelijkheid", "beleid_algemeen")} == {
        "beleid_sociaal_domein": 53, "beleid_diversiteit_inclusie": 22, "beleid_toegankelijkheid": 12,
        "beleid_algemeen": 78}
