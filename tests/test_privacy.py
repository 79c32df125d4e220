"""The free-text scrubber (helpers.core.privacy): what it removes, and what it must leave alone.

Documented limits (see the module docstring): names of other people are not known and stay; a name part that is also a
protected municipality name stays inside that name; a ten-digit number starting with 0 is taken for a phone number.
"""

import pytest

from helpers.core.privacy import DEFAULT_PLACEHOLDERS, scrub_counts_total, scrub_text

PHONE, EMAIL, IP, NAME = (DEFAULT_PLACEHOLDERS[k] for k in ("phone", "email", "ip", "name"))
MUNICIPALITIES = ["Den Haag", "'s-Gravenhage", "Bergen op Zoom", "Berg en Dal", "Bergen", "Groningen", "Vlieland"]


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "06 12 34 56 78",
        "+31 6 12345678",
        "+31 (0)6 1234 5678",
        "+31612345678",
        "0031 6 12 34 56 78",
        "030-1234567",
        "030 123 4567",
        "(030) 123 45 67",
        "0570-123456",
        "0164 - 277000",
        "0800-1234",
        "0800 1234567",
        "0900-1234567",
    ],
)
def test_phone_numbers_in_dutch_formats(number):
    result = scrub_text(f"Bel {number}, graag na 10 uur.")
    assert result.text == f"Bel {PHONE}, graag na 10 uur."
    assert result.counts == {"phone": 1}


@pytest.mark.parametrize(
    "text",
    [
        "030 is a number in a sentence",
        "Wij hebben 0,5 fte voor dit onderwerp.",
        "Vastgesteld op 05-06-2023 14 uur door de raad.",
        "Periode 2018-2023, 1.2 miljoen euro, postcode 3511 AB.",
        "Zie artikel 9 en 19 van het verdrag; 25.000 inwoners; 12 ervaringsdeskundigen.",
        "Om 09.00-17.00 uur bereikbaar.",
        "De vergadering is om 10:30:00 begonnen.",
    ],
)
def test_ordinary_numbers_and_times_are_kept(text):
    result = scrub_text(text)
    assert result.text == text
    assert not result.counts


def test_email_addresses():
    result = scrub_text("Mail j.de.vries@utrecht.nl of info@gemeente-x.nl. Of Secretariaat@VNG.NL!")
    assert result.text == f"Mail {EMAIL} of {EMAIL}. Of {EMAIL}!"
    assert result.counts == {"email": 3}


def test_ip_addresses_v4_and_v6():
    result = scrub_text("Vanaf 192.168.1.10 en 2001:db8::8a2e:370:7334 en fe80::1; niet 999.1.1.1.")
    assert result.text == f"Vanaf {IP} en {IP} en {IP}; niet 999.1.1.1."
    assert result.counts == {"ip": 3}


def test_own_name_full_and_surname_case_insensitive():
    text = "Jan van den Berg schreef dit. VAN DEN BERG is beleidsadviseur; jan belt terug. Januari is laat."
    result = scrub_text(text, name="Jan van den Berg", protect=MUNICIPALITIES)
    assert result.text == f"{NAME} schreef dit. {NAME} is beleidsadviseur; {NAME} belt terug. Januari is laat."
    assert result.counts == {"name": 3}


def test_municipality_names_are_protected_from_name_parts():
    text = "Bergen op Zoom, Berg en Dal en Den Haag werken samen; Jan Bergen coördineert. Bel Haag."
    result = scrub_text(text, name="Jan Bergen", protect=MUNICIPALITIES)
    # The full name is scrubbed; "Bergen" inside "Bergen op Zoom" is a municipality, not the respondent.
    assert result.text == f"Bergen op Zoom, Berg en Dal en Den Haag werken samen; {NAME} coördineert. Bel Haag."
    result = scrub_text("Den Haag en mevrouw Haag", name="Anna Haag", protect=MUNICIPALITIES)
    assert result.text == f"Den Haag en mevrouw {NAME}"


def test_common_words_in_names_only_when_capitalised_within_a_sentence():
    result = scrub_text("Een groot knelpunt, zegt De Groot. Anna weet het.", name="Anna de Groot")
    assert result.text == f"Een groot knelpunt, zegt {NAME}. {NAME} weet het."
    result = scrub_text("Meer aandacht nodig. Van der Meer: meer geld. Bel Meer.", name="Jan van der Meer")
    assert result.text == f"Meer aandacht nodig. {NAME}: meer geld. Bel {NAME}."


def test_initials_titles_and_hyphenated_names():
    result = scrub_text("Dhr. J. Jansen en Jan-Willem; Willem belt; dhr. is een titel.", name="Dhr. J. Jansen")
    assert result.text.startswith(f"{NAME} en Jan-Willem")
    assert "dhr. is een titel" in result.text
    result = scrub_text("Jan-Willem en Willem en Jan", name="Jan-Willem Smit")
    assert result.text == f"{NAME} en {NAME} en {NAME}"


def test_own_email_and_phone_literally_even_in_foreign_formats():
    result = scrub_text("Privé: +32 470 12 34 56 of jan@privé.example", email="jan@privé.example",
                        phone="+32 470 12 34 56")
    assert result.text == f"Privé: {PHONE} of {EMAIL}"


def test_email_before_name_gives_one_placeholder():
    result = scrub_text("Mail jan.jansen@utrecht.nl", name="Jan Jansen")
    assert result.text == f"Mail {EMAIL}"
    assert result.counts == {"email": 1}


def test_custom_placeholders_and_none():
    assert scrub_text(None).text is None
    result = scrub_text("bel 06-12345678", placeholders={"phone": "<tel>"})
    assert result.text == "bel <tel>"


def test_known_false_negative_other_peoples_names():
    # Names the export does not hold (a colleague, an alderman) are not recognised: a documented limit.
    result = scrub_text("Wethouder Pietersen steunt dit.", name="Jan Jansen")
    assert result.text == "Wethouder Pietersen steunt dit."


def test_known_false_positive_ten_digit_case_number():
    result = scrub_text("Zaaknummer 0123456789 in het systeem.")
    assert result.text == f"Zaaknummer {PHONE} in het systeem."


def test_counts_total_has_every_kind():
    assert scrub_counts_total([{"phone": 2}, {"phone": 1, "name": 1}]) == {"email": 0, "ip": 0, "name": 1, "phone": 3}
