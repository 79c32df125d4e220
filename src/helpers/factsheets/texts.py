"""The Dutch texts of a factsheet that are not sentences of the notebook: its title, the confidential marking, the
answer labels of unanswered, routed-out and (not) ticked questions, and the alternative text of the LIA figure."""

from __future__ import annotations

import pandas as pd

TITLE = "Waar staat mijn gemeente?"
NOT_ANSWERED = "Geen antwoord"
NOT_ASKED = "Niet gevraagd"
TICKED, NOT_TICKED = "Aangekruist", "Niet aangekruist"


def confidential_text(name: str) -> str:
    """The marking on every factsheet (HTML, PDF pages and PDF title)."""
    return f"Vertrouwelijk – alleen bestemd voor gemeente {name}"


def page_title(name: str, year: int) -> str:
    return f"{confidential_text(name)}: {TITLE} Flitspeiling VN-verdrag Handicap {year}"



# Texts say "van de gemeente <naam>", never "van <naam>": "van Dijk en Waard" reads as the surname "van Dijk" to the
# privacy scan (helpers.publish.privacy_scan), and it is the clearer Dutch anyway.
def history_alt(history: pd.DataFrame, name: str) -> str:
    parts = []
    for wave in sorted(history["wave"].unique()):
        rows = history[history["wave"] == wave]
        if not rows["took_part"].any():
            parts.append(f"{wave}: niet deelgenomen")
            continue
        answers = [f"{row.answer_label}" + (f" ({row.unit})" if row.relation != "same" else "")
                   for row in rows.itertuples()]
        parts.append(f"{wave}: {'; '.join(answers)}")
    return f"Fase van de Lokale Inclusie Agenda van de gemeente {name} per flitspeiling. " + ". ".join(parts) + "."
