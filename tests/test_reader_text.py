"""What the reader reads: no internal names, the report's written style and Dutch spelling, in every built wave.

The scans are in tests/reader_text.py (run it by hand on a reports folder to see what they find). The build tests
read every wave present in reports/ (`make test` builds 2023; `make all-waves` the others); the rule tests check
the scans themselves on made-up text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import reader_text as rt

from helpers import REPO_ROOT

REPORTS = REPO_ROOT / "reports"
REFERENCE = REPO_ROOT / "data" / "raw" / "reference"
BUILT = sorted(p.parent for p in REPORTS.glob("*/MANIFEST"))


def _waves():
    if not BUILT:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no built report in reports/ (make report)"))]
    return [pytest.param(folder, id=folder.name) for folder in BUILT]


# --- the built reports


@pytest.mark.parametrize("folder", _waves())
def test_reader_text_has_no_internal_names(folder: Path):
    found = rt.scan(folder)["internal"]
    assert not found, "internal names in the reader text:\n" + "\n".join(map(str, sorted(set(found), key=str)))


@pytest.mark.parametrize("folder", _waves())
def test_reader_text_follows_the_written_style(folder: Path):
    found = rt.scan(folder)["style"]
    assert not found, "style:\n" + "\n".join(map(str, sorted(set(found), key=str)))


@pytest.mark.parametrize("folder", _waves())
def test_reader_text_is_spelled_right(folder: Path):
    if not rt.dictionary_available():
        pytest.skip("no Dutch dictionary: install the Debian packages hunspell and hunspell-nl (make system-packages)")
    known = rt.project_words(rt.municipality_words(REFERENCE))
    blocks = [block for page in rt.reader_pages(folder) for block in rt.html_blocks(page, quotes=False)]
    unknown = rt.unknown_words(rt.words_of(blocks), known)
    assert not unknown, (f"{folder.name}: words the Dutch dictionary does not know: {unknown}. Correct them, or "
                         f"add a right word to {rt.WORDS_FILE.relative_to(REPO_ROOT)}")


@pytest.mark.parametrize("folder", _waves())
def test_no_quote_twice_in_a_part(folder: Path):
    for page in rt.reader_pages(folder):
        if page.name.startswith("flitspeiling_"):
            continue  # the whole report repeats the parts
        quotes = [block for block in rt.html_blocks(page) if block not in rt.html_blocks(page, quotes=False)]
        assert len(quotes) == len(set(quotes)), f"{page.name}: a quote is shown twice"


# --- the scans themselves


def test_internal_names_are_found_and_reader_words_are_not():
    blocks = ["Indeling met het codeerschema in data/codebook/coding/functie.yml.",
              "Deze uitgave is opgebouwd met helpers.publish.", "Parameters: small_threshold=25000.",
              "De vraag over policy_breadth.",
              "Download cijfers.csv of het tabellenboek.xlsx; zie allecijfers.nl en en/of 1/3 van de gemeenten."]
    found = {(f.kind, f.text) for f in rt.internal_names(blocks, "page")}
    assert ("file path", "data/codebook/coding/functie.yml") in found
    assert ("module name", "helpers.publish") in found
    assert any(kind == "parameter" and text.startswith("small_threshold=") for kind, text in found)
    assert ("code identifier", "policy_breadth") in found
    assert not [f for f in rt.internal_names(blocks[-1:], "page")]


def test_style_findings():
    findings = rt.style_findings([
        "Het aantal steeg. 21 gemeenten gaven een toelichting.", "16 % van de gemeenten geeft aan …",
        "Tenslotte is gevraagd …", "Eén gemeente koos …", "Van de acht namen er nul aantoonbaar toe.",
        "Een ruime meerderheid van bijna 80 % (77 %).", "Verder noemt telkens één gemeente: kennis.",
        "Zo hebben van de G4 Utrecht en Den Haag meegedaan."], "page")
    kinds = [f.kind for f in findings]
    assert kinds.count("sentence starts with a digit") == 2
    assert len(set(kinds)) == 1 + len(rt.STYLE_RULES)
    assert not rt.style_findings(["3 Inhoud lokaal inclusiebeleid", "Er gaven 21 gemeenten een toelichting.",
                                  "Van de 201 gemeenten deden er 136 mee (68 %). Ten slotte: Één gemeente."], "page")


@pytest.mark.skipif(not rt.dictionary_available(), reason="no hunspell with the Dutch dictionary")
def test_spelling_finds_a_typo_and_knows_the_project_words():
    known = rt.project_words({"Súdwest-Fryslân"})
    words = rt.words_of(["De gemeenten in Súdwest-Fryslân werken met de LIA en de Wmo-raad; "
                         "zie allecijfers.nl. Het VN-verdrag, een aandaccht-punt en gemeenteen."])
    assert rt.unknown_words(words, known) == ["aandaccht-punt", "gemeenteen"]  # a compound: every part checked
