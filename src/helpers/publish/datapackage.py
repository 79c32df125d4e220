"""``reports/<year>/datapackage.json``: a Frictionless Data Package (https://specs.frictionlessdata.io/data-package/)
that describes the wave's numbers for other software: ``cijfers.csv`` (every number shown, with its labels and unit)
and the processed tables it was computed from (``data/processed/<year>/responses.parquet`` and ``answers.parquet``,
``data/processed/frames.parquet``), each with its fields, their types and a Dutch description.

The fields are declared here (FIELDS) rather than read from the files, so that the description is the contract: a
column added to a processed table without a description fails tests/test_datapackage.py, which also validates the
package and the data with the `frictionless` library. The processed tables are not published (they hold one row per
municipality's answer); their paths are relative to ``reports/<year>/`` and point into ``data/processed/`` of the
build. Same inputs, same bytes: keys are sorted, nothing depends on the time or the machine.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.core.reproducible import sha256_file
from helpers.publish.pages import report_title
from helpers.publish.tabellenboek import CIJFERS_HEADER, UNIT_COUNT, UNIT_PERCENTAGE

DATAPACKAGE_NAME = "datapackage.json"
# Its line on the wave's index page (helpers.publish.pages.render_index_page `extras`).
DATAPACKAGE_LINK = {"href": DATAPACKAGE_NAME,
                    "title": "Beschrijving van de cijfers en de verwerkte gegevens (Frictionless Data Package, JSON)"}

# name -> (Table Schema type, description); per resource in the order of the file's columns.
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "cijfers": {
        "table": ("string", "Code van de figuur of tabel (figuur_3, tabel_T2) of tekst_<hoofdstuk> voor een getal in "
                            "de lopende tekst"),
        "item": ("string", "Code van het onderdeel: het item van een matrixvraag, de optie van een meerkeuzevraag, "
                           "het jaar of de naam van het kerncijfer"),
        "group": ("string", "Code van de groep gemeenten (alle, klein, niet_klein, een grootteklasse, deelnemers …)"),
        "n": ("integer", "Basis: het aantal gemeenten waarover het percentage gaat"),
        "count": ("integer", "Aantal gemeenten met dit antwoord"),
        "pct": ("integer", "Percentage zoals het rapport het toont (afgerond op hele procenten, half naar boven)"),
        "question": ("string", "Code van de vraag in het codeboek (data/codebook/questions.yml)"),
        "answer": ("string", "Code van het antwoord"),
        "table_title": ("string", "Nummer en titel van de figuur of tabel zoals in het rapport, of het hoofdstuk "
                                  "waarin het getal in de tekst staat"),
        "question_label": ("string", "Tekst van de vraag"),
        "item_label": ("string", "Omschrijving van het onderdeel zoals de lezer het ziet"),
        "answer_label": ("string", "Omschrijving van het antwoord zoals de lezer het ziet"),
        "group_label": ("string", "Omschrijving van de groep gemeenten"),
        "unit": ("string", f"Eenheid van het getal: '{UNIT_PERCENTAGE}' (pct, met count en n als de aantallen "
                           f"erachter) of '{UNIT_COUNT}' (count: een aantal gemeenten)"),
    },
    "responses": {
        "wave": ("integer", "Jaar van de peiling"),
        "response_id": ("string", "Sleutel van de respons: <jaar>-<volgnummer>"),
        "respondent_id": ("string", "Nummer van de respons in de export van het enquêteprogramma"),
        "joint_group": ("string", "Samenwerkingsverband namens welke gemeenten de respons is ingevuld (leeg: één "
                                  "gemeente)"),
        "match_status": ("string", "Hoe de gemeentenaam aan de CBS-lijst is gekoppeld (exact, fuzzy, …)"),
        "municipality_code": ("string", "CBS-gemeentecode (GMxxxx) in het jaar van de peiling"),
        "municipality_name": ("string", "Gemeentenaam volgens CBS in het jaar van de peiling"),
        "province": ("string", "Provincie"),
        "code_2023": ("string", "CBS-gemeentecode in de indeling van 2023 (na herindelingen)"),
        "population": ("integer", "Aantal inwoners (CBS, peildatum van de golf)"),
        "size_class": ("string", "Grootteklasse naar inwoners (lt10k, 10k_25k, 25k_50k, 50k_100k, ge100k)"),
        "klein": ("boolean", "Kleine gemeente: minder dan 25.000 inwoners"),
        "in_frame": ("boolean", "De gemeente staat in het CBS-kader van de golf"),
        "started_at": ("datetime", "Begonnen met invullen"),
        "submitted_at": ("datetime", "Ingediend"),
        "completed": ("boolean", "De vragenlijst is afgerond"),
        "last_question": ("string", "Code van de laatst beantwoorde vraag"),
    },
    "answers": {
        "wave": ("integer", "Jaar van de peiling"),
        "response_id": ("string", "Sleutel van de respons (responses.response_id)"),
        "question": ("string", "Code van de vraag in het codeboek"),
        "item": ("string", "Code van het item (matrixvraag) of de optie (meerkeuzevraag); leeg bij een enkele vraag"),
        "kind": ("string", "Soort antwoord: answer (gecodeerd), text (open antwoord), other (anders, namelijk), …"),
        "value": ("string", "Code van het antwoord"),
        "text": ("string", "Open antwoord, ontdaan van persoonsgegevens"),
    },
    "frames": {
        "wave": ("integer", "Jaar van de peiling"),
        "code": ("string", "CBS-gemeentecode (GMxxxx) in het jaar van de peiling"),
        "name": ("string", "Gemeentenaam"),
        "province": ("string", "Provincie"),
        "population_frame": ("integer", "Aantal inwoners (CBS)"),
        "population_approx": ("boolean", "Het inwonertal is benaderd (geen CBS-cijfer van de peildatum)"),
        "code_2023": ("string", "CBS-gemeentecode in de indeling van 2023"),
    },
}
PRIMARY_KEYS = {"responses": ["response_id"], "frames": ["wave", "code"]}
FOREIGN_KEYS = {"answers": [{"fields": ["response_id"], "reference": {"resource": "responses", "fields": ["response_id"]}}]}
DESCRIPTIONS = {
    "cijfers": "Elk getal dat het rapport toont: één regel per getal, met de codes, de labels die de lezer ziet en de "
               "eenheid",
    "responses": "Eén regel per respons (gemeente of samenwerkingsverband) van deze golf, na opschoning; niet "
                 "gepubliceerd",
    "answers": "Eén regel per gegeven antwoord van deze golf (lang formaat), na opschoning; niet gepubliceerd",
    "frames": "Het CBS-kader van gemeenten per golf (alle golven); niet gepubliceerd",
}


def processed_paths(processed_dir: Path, year: int) -> dict[str, Path]:
    """The processed tables the package describes, by resource name."""
    processed_dir = Path(processed_dir)
    return {"responses": processed_dir / str(year) / "responses.parquet",
            "answers": processed_dir / str(year) / "answers.parquet",
            "frames": processed_dir / "frames.parquet"}


def _schema(resource: str) -> dict:
    schema: dict = {"fields": [{"name": name, "type": kind, "description": description}
                               for name, (kind, description) in FIELDS[resource].items()]}
    if resource in PRIMARY_KEYS:
        schema["primaryKey"] = PRIMARY_KEYS[resource]
    if resource in FOREIGN_KEYS:
        schema["foreignKeys"] = FOREIGN_KEYS[resource]
    if resource == "cijfers":
        schema["missingValues"] = [""]
        unit = next(field for field in schema["fields"] if field["name"] == "unit")
        unit["constraints"] = {"enum": [UNIT_PERCENTAGE, UNIT_COUNT, ""]}
    return schema


# Where the processed tables are seen from reports/<year>/ (the repository's layout: reports/ and data/ are siblings).
PROCESSED_FROM_PACKAGE = "../../data/processed"


def datapackage(year: int, cijfers: Path) -> dict:
    """The package descriptor of one wave. `cijfers`: the written cijfers.csv (its size and hash are recorded). The
    processed tables' paths are relative to reports/<year>/ (PROCESSED_FROM_PACKAGE), whatever folder the package is
    built in, so that the descriptor is the same from build to build."""
    if tuple(FIELDS["cijfers"]) != CIJFERS_HEADER:
        raise ValueError(f"datapackage FIELDS['cijfers'] {list(FIELDS['cijfers'])} do not match cijfers.csv's "
                         f"columns {list(CIJFERS_HEADER)}; describe every column in helpers.publish.datapackage")
    resources = [{"name": "cijfers", "path": "cijfers.csv", "profile": "tabular-data-resource", "format": "csv",
                  "mediatype": "text/csv", "encoding": "utf-8", "title": f"Cijfers {report_title(year)}",
                  "description": DESCRIPTIONS["cijfers"], "bytes": Path(cijfers).stat().st_size,
                  "hash": f"sha256:{sha256_file(cijfers)}", "schema": _schema("cijfers")}]
    for name, path in processed_paths(Path(PROCESSED_FROM_PACKAGE), year).items():
        resources.append({"name": name, "path": path.as_posix(), "profile": "tabular-data-resource", "format": "parquet",
                          "title": name, "description": DESCRIPTIONS[name], "schema": _schema(name)})
    return {"name": f"flitspeiling-{year}", "title": report_title(year), "profile": "tabular-data-package",
            "description": "De cijfers van de Flitspeiling VN-verdrag Handicap in gemeenten en de verwerkte "
                           "enquêtegegevens waaruit ze berekend zijn.",
            "keywords": ["VN-verdrag Handicap", "gemeenten", "flitspeiling"],
            "resources": resources}


def write_datapackage(target: Path, year: int, cijfers: Path) -> dict:
    """Write the descriptor to `target` (sorted keys, UTF-8, "\\n" line ends) and return it."""
    descriptor = datapackage(year, cijfers)
    Path(target).write_text(json.dumps(descriptor, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8", newline="\n")
    return descriptor
