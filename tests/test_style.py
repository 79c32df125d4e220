"""The report's written style as the phrase helpers apply it (helpers.report.text), its cross-references (resolved by
helpers.publish.pages) and what Bijlage E shows of the cleaning log (helpers.report.appendix)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.formatting import NBSP
from helpers.publish.fragments import RenderedPart
from helpers.publish.pages import after_bijlage_b, render_report_page, resolve_cross_references
from helpers.publish.parts import Part, PublishError
from helpers.report import appendix
from helpers.report import text as tekst

# --- numbers in a sentence


@pytest.mark.parametrize(("n", "expected"), [
    (1, "Één gemeente gaf"), (17, "Zeventien gemeenten gaven"), (20, "Twintig gemeenten gaven"),
    (21, "Er gaven 21 gemeenten"), (201, "Er gaven 201 gemeenten")])
def test_counted_opening_never_starts_with_a_digit(n, expected):
    assert tekst.counted_opening(n, "gaf", "gaven") == expected


def test_counted_opening_with_an_aside():
    assert tekst.counted_opening(53, "noemt", "noemen", f"80{NBSP}%") == f"Er noemen 53 gemeenten (80{NBSP}%)"
    assert tekst.counted_opening(9, "noemt", "noemen", "20 %") == "Negen gemeenten (20 %) noemen"


def test_sentence_start_keeps_accents_and_refuses_a_digit():
    assert tekst.sentence_start("één gemeente") == "Één gemeente"
    with pytest.raises(ValueError, match="does not start with a digit"):
        tekst.sentence_start("21 gemeenten")


def test_a_percentage_subject_takes_the_singular_and_does_not_open_the_sentence():
    sentence = tekst.percentage_sentence(21, "de gemeenten", "geeft aan cliëntenorganisaties niet te betrekken.")
    assert sentence == f"Van de gemeenten geeft 21{NBSP}% aan cliëntenorganisaties niet te betrekken."


@pytest.mark.parametrize(("up", "down", "expected"), [
    (0, 1, "Van de acht knelpunten nam er geen aantoonbaar toe en één aantoonbaar af"),
    (2, 1, "Van de acht knelpunten namen er twee aantoonbaar toe en nam er één aantoonbaar af"),
    (2, 3, "Van de acht knelpunten namen er twee aantoonbaar toe en drie aantoonbaar af"),
    (0, 0, "Van de acht knelpunten nam er geen aantoonbaar toe of af")])
def test_rose_and_fell_never_says_nul(up, down, expected):
    assert tekst.rose_and_fell(8, "knelpunten", up, down) == expected


def test_majority_with_share_gives_no_rounded_figure_beside_the_share():
    assert tekst.majority_with_share(77.4) == f"een ruime meerderheid (77{NBSP}%)"


# --- quotes


def test_no_quoted_sentence_twice_in_a_chapter():
    class Chapter:
        def __init__(self):
            self.texts = []

        def text(self, markdown):
            self.texts.append(markdown)

        def note(self, text):
            pass

    shared = "Bij herinrichting van straten is toegankelijkheid nu een vast onderdeel van het programma van eisen."
    texts = [shared, f"Uit de evaluatie bleek dat bewustwording nodig is. {shared}",
             "Er is een campagne gevoerd over niet-zichtbare beperkingen met verhalen van inwoners."]
    shower = tekst.QuoteShower(Chapter(), seed_prefix="test")
    first = shower.show(texts[:1], None, 1, "a")
    second = shower.show(texts, None, 2, "b")
    assert first == [shared]
    assert second == [texts[2]]  # the longer answer repeats the quoted sentence


# --- cross-references


def _rendered(stem: str, slug: str, title: str, body: str, kind: str = "chapter", number=None, label="") -> RenderedPart:
    part = Part(stem=stem, slug=slug, number=number, title=title, kind=kind, label=label)
    return RenderedPart(part=part, manifest={"items": []}, body=body, headings=[(1, f"{slug}-top", part.heading)])


PANEL = _rendered("02_reikwijdte_fase", "reikwijdte_fase", "Reikwijdte", number=2, body=(
    '<h1 id="reikwijdte_fase-2-reikwijdte">2 Reikwijdte</h1>'
    '<h2 id="reikwijdte_fase-2-4-verandering-binnen-gemeenten">2.4 Verandering binnen gemeenten</h2>'))
QUALITY = _rendered("10_datakwaliteit", "datakwaliteit", "Datakwaliteit", kind="appendix", label="Bijlage E",
                    body='<h1 id="datakwaliteit-bijlage-e">Bijlage E Datakwaliteit</h1>')
LIST = _rendered("07_bijlage_a", "bijlage_a", "Overzicht", kind="appendix", label="Bijlage A",
                 body='<h1 id="bijlage_a-a">Bijlage A Overzicht</h1><p>Zie <a href="#deel-datakwaliteit">x</a>.</p>')


def test_a_cross_reference_gets_the_real_title_and_anchor():
    body = ('<p>Staat in paragraaf <a href="#deel-reikwijdte_fase--verandering-binnen-gemeenten">verandering</a>; '
            'zie <a href="#deel-datakwaliteit">datakwaliteit</a>.</p>')
    report = [PANEL, QUALITY]
    whole = resolve_cross_references(body, report)
    assert ('<a class="cross-reference" href="#reikwijdte_fase-2-4-verandering-binnen-gemeenten">2.4 Verandering '
            'binnen gemeenten</a>') in whole
    assert '<a class="cross-reference" href="#datakwaliteit">Bijlage E Datakwaliteit</a>' in whole
    page = resolve_cross_references(body, report, page="03_inhoud")
    assert 'href="02_reikwijdte_fase.html#reikwijdte_fase-2-4-verandering-binnen-gemeenten"' in page
    assert 'href="10_datakwaliteit.html">Bijlage E Datakwaliteit</a>' in page


def test_a_cross_reference_without_a_target_stops_the_build():
    with pytest.raises(PublishError, match="no such part or section"):
        resolve_cross_references('<a href="#deel-reikwijdte_fase--panelanalyse">de panelanalyse</a>', [PANEL])
    with pytest.raises(PublishError, match="no such part or section"):
        resolve_cross_references('<a href="#deel-datakwaliteit">x</a>', [PANEL])


def test_cross_reference_markdown_points_at_the_part():
    assert tekst.cross_reference("datakwaliteit") == "[datakwaliteit](#deel-datakwaliteit)"
    assert tekst.cross_reference(*tekst.PANEL_SECTION).endswith(
        "(#deel-reikwijdte_fase--verandering-binnen-gemeenten-en-in-de-samenstelling)")


def test_bijlage_b_comes_between_bijlage_a_and_later_appendices():
    assert not after_bijlage_b(LIST.part) and after_bijlage_b(QUALITY.part) and not after_bijlage_b(PANEL.part)
    html = render_report_page([PANEL, LIST, QUALITY], 2023, synthetic=False)
    assert html.index('id="bijlage_a"') < html.index('id="bijlage-b-overzicht"') < html.index('id="datakwaliteit"')
    contents = html[html.index('id="inhoudsopgave"'):html.index("</nav>")]
    assert contents.index("Bijlage A") < contents.index("Bijlage B") < contents.index("Bijlage E")


# --- Bijlage E


def test_bijlage_e_tables_leave_out_internal_names():
    table = pd.DataFrame({"Respons": ["2023-0001"], "Rij in export": [4], "Melding": ["no municipality given"],
                          "Toelichting": ["ingevuld door het onderzoeksteam (e-maildomein, cleaning.yml)"]})
    shown = appendix.report_table(table)
    assert list(shown.columns) == ["Respons", "Toelichting"]
    assert shown.at[0, "Toelichting"] == "ingevuld door het onderzoeksteam (e-maildomein)"


def test_bijlage_e_sentences_count_in_words():
    quality = {"counts": {"rows_in": 208, "test_responses": 3, "excluded_no_first_content": 0, "valid_rows": 205,
                          "joint_rows": 1, "duplicates_removed": 4, "units_out": 201, "identified_municipalities": 198,
                          "personal_columns_dropped": ["a", "b"], "not_routed_answers_dropped": 1,
                          "scrubbed": {"email": 5, "phone": 0, "ip": 0, "name": 1},
                          "unmatched_total": 0, "unmatched": {}}}
    steps = appendix.steps_sentences(quality)
    assert "Daarvan zijn drie testresponsen verwijderd. Er blijven 205" in steps  # no clause about zero rows
    assert "één gezamenlijk antwoord" in steps and "vier dubbele inzendingen" in steps
    privacy = appendix.privacy_sentence(quality)
    assert "vijf e-mailadressen, geen telefoonnummers, geen IP-adressen en één naam" in privacy
    assert "Verder is één antwoord verwijderd" in privacy
    assert appendix.unmatched_sentence(quality) == "Elke deelnemer is aan één gemeente gekoppeld."
