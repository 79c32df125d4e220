"""The privacy scan of every output (helpers.publish.privacy_scan): each detector fires on a planted leak in every file type,
allowed patterns stay quiet, and the repository's real outputs (reports, processed data, executed notebooks) hold no
e-mail address, phone number, IP address or respondent's name.

The real scan needs the 2023 report (`make test` builds it first; else run `make report`).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from openpyxl import Workbook

from helpers import REPO_ROOT
from helpers.core.privacy import DEFAULT_PLACEHOLDERS
from helpers.publish import privacy_scan
from helpers.publish.privacy_scan import NameList, find_personal_data, scan_file, scan_files, scan_outputs

NAMES = NameList.build(
    ["Anna de Groot", "Jan-Willem van den Broek", "Pieter Hoekstra", "Ilse van Beek", "Test Movisie", "Kees Post",
     "Sanne ten Boer", "  ", None],
    municipalities=["Beek", "Bergen (NH.)", "Bergen op Zoom", "Den Haag", "Ten Boer"],
)
# One sentence with a leak of every kind: e-mail, phone, IP, a respondent's full name.
LEAK = "Mail anna@example.nl of bel 06-12345678 (thuis 192.168.1.10), groet Pieter Hoekstra."
ALL_KINDS = {"email", "phone", "ip", "name"}


def kinds(text: str, names: NameList | None = NAMES) -> list[tuple[str, str]]:
    return [(finding.kind, finding.found) for finding in find_personal_data(text, names)]


# ---------------------------------------------------------------------------------------------------------------------
# Detectors


@pytest.mark.parametrize(
    "number",
    ["06-12345678", "06 1234 5678", "0612345678", "06 12 34 56 78", "06-123 456 78", "+31 6 12345678",
     "+31 (0)6 1234 5678", "+31612345678", "0031 6 12 34 56 78", "0031612345678", "+31 30 123 4567", "030-1234567",
     "030 123 4567", "030 123 45 67", "(030) 123 45 67", "030/1234567", "0570-123456", "0570 12 34 56",
     "0164 - 277000", "0800-1234", "0800 1234567", "0800-022 33 44", "0900-1234567", "0909-1234"],
)
def test_phone_numbers_in_dutch_formats(number):
    assert kinds(f"Bel {number}, graag na 10 uur.") == [("phone", number)]
    assert kinds(f"tel:{number}") == [("phone", number)]


def test_a_phone_number_followed_by_another_number_is_found():
    assert kinds("Bel 06 12345678 2023 of 06-05-2023 06 87654321.") == [("phone", "06 12345678"),
                                                                         ("phone", "06 87654321")]


@pytest.mark.parametrize(
    "text",
    [
        "342 gemeenten; 201 respondenten (59%); 25.000 inwoners; 1.2 miljoen euro; 0,5 fte",  # counts, amounts
        "0 1 2 3 4 5 6 7 8 9 10",  # a table row of small numbers
        "12 34 56 78 90 | 06 | 030 | 2018 2019 2020 2021 2022 2023",  # table numbers, years
        "Vastgesteld op 05-06-2023 14 uur; ingevuld 06-05-2023 10 uur.",  # dates
        "2023-05-15 08:43:24, 2026-11-23T15:56:51.774750+00:00, om 09.00-17.00 uur, 06.00-18.00, 10:30:00",
        "GM0363 Amsterdam, GM1979, PV27",  # CBS codes
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  01_achtergrond.html",  # SHA-256
        "commit 0ca6733e2d1f0b6b0e5f3d4b1c2a3b4c5d6e7f80",  # git hash
        "Python 3.11.7, Matplotlib v3.11.2, pandas==3.1.1, version 1.2.3.4, versie 2.0.1.3, v10.0.0.1",  # versions
        "x[1::2], y[::2], a::b, 12:30",  # Python slices and times are no IPv6 addresses
        "respons 2023-0013, 2023-0042a; artikel 9 en 19; postcode 3511 AB",
        "".join(DEFAULT_PLACEHOLDERS.values()) + " " + " ".join(DEFAULT_PLACEHOLDERS.values()),  # placeholders
        "@media print; @dataclass; info at example dot nl",
    ],
)
def test_allowed_and_ordinary_patterns_are_not_flagged(text):
    assert kinds(text) == []


def test_email_and_ip_addresses():
    assert kinds("Mail j.de.vries@utrecht.nl, Secretariaat@VNG.NL of jan@privé.example.") == [
        ("email", "j.de.vries@utrecht.nl"), ("email", "Secretariaat@VNG.NL"), ("email", "jan@privé.example")]
    assert kinds("Vanaf 192.168.1.10 en 2001:db8::8a2e:370:7334 en fe80::1; niet 999.1.1.1 of 1.2.3") == [
        ("ip", "192.168.1.10"), ("ip", "2001:db8::8a2e:370:7334"), ("ip", "fe80::1")]


def test_name_rules():
    # Full names: always, case-insensitively, also across a line break or as a slug.
    assert kinds("Door ANNA DE GROOT en jan-willem van den\nbroek; pieter_hoekstra.") == [
        ("name", "ANNA DE GROOT"), ("name", "jan-willem van den\nbroek"), ("name", "pieter_hoekstra")]
    # A surname that is no ordinary word or place: on its own, case-insensitively, as a whole word only.
    assert kinds("Hoekstra belt; HOEKSTRA; broek; Hoekstraat en Broekhuizen niet.") == [
        ("name", "Hoekstra"), ("name", "HOEKSTRA"), ("name", "broek")]
    # Surnames that are ordinary words: not on their own, with their prefix only with a capital.
    assert kinds("Een groot knelpunt. Post: groot. De Groot zegt het; de groot-ouders niet.") == [("name", "De Groot")]
    # Municipalities: "Beek" and "van Beek" are places; the full name is still found. "Ten Boer" is a place too.
    assert kinds("De gemeente Beek; inwoners van Beek; Bergen op Zoom. Ilse van Beek belt.") == [
        ("name", "Ilse van Beek")]
    assert kinds("Gemeente Ten Boer; mevrouw ten Boer; Sanne ten Boer.") == [("name", "Sanne ten Boer")]
    # Organisations in the report and first names on their own are not names of respondents.
    assert kinds("Movisie en VNG; Anna, Pieter en Kees; Januari.") == []
    assert NAMES.stopped == {"Groot": "ordinary word", "Beek": "municipality name", "Movisie": "organisation",
                             "Post": "ordinary word", "Boer": "word of a municipality name"}
    assert (len(NAMES.full_names), len(NAMES.prefixed), len(NAMES.surnames)) == (7, 2, 2)
    assert NAMES.checked == 11 and "11 names checked" in NAMES.summary()


def test_every_kind_in_the_planted_leak():
    assert {kind for kind, _ in kinds(LEAK)} == ALL_KINDS


# ---------------------------------------------------------------------------------------------------------------------
# Every file type, with a planted leak (so that the scan can fail) and clean


def svg_data_uri(label: str) -> str:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg"><style>.a{{fill:#000}}</style><g id="text_1"><!-- {label} -->'
           '<path d="M 0 612.34 L 06 12345678 z"/></g></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def write_html(path: Path, leak: bool) -> Path:
    text = "Bel <b>06</b>-12345678 of mail <a href='mailto:anna@example.nl'>de secretaris</a>." if leak else "Bel ons."
    alt = "Grafiek, 192.168.1.10" if leak else "Grafiek"
    label = "Pieter Hoekstra" if leak else "2023"
    path.write_text(f"<!DOCTYPE html><html lang='nl'><head><style>td {{ width: 0612345678px }}</style></head><body>"
                    f"<p>{text}</p><img alt='{alt}' src='{svg_data_uri(label)}'>"
                    "<table><tr><td>0</td><td>12</td><td>34</td><td>56</td><td>78</td></tr></table></body></html>",
                    encoding="utf-8")
    return path


def write_pdf(path: Path, leak: bool) -> Path:
    import weasyprint

    body = f"<p>{LEAK}</p>" if leak else "<p>342 gemeenten, 59%, GM0363.</p>"
    weasyprint.HTML(string=f"<html lang='nl'><head><title>Test</title></head><body><h1>Rapport</h1>{body}"
                           "</body></html>").write_pdf(path)
    return path


def write_xlsx(path: Path, leak: bool) -> Path:
    workbook = Workbook()
    workbook.active.title = "Tabel 1"
    workbook.active.append(["Gemeente", "n", "%"])
    workbook.active.append(["Utrecht", 612345678, 0.59])
    second = workbook.create_sheet("Toelichting")
    second["A1"] = "Toelichting"
    second["C7"] = LEAK if leak else "Geen toelichting."
    workbook.save(path)
    return path


def write_csv(path: Path, leak: bool) -> Path:
    rows = ["part;item;value", "01;n;342", "01;tekst;" + (LEAK if leak else "geen")]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path, leak: bool) -> Path:
    pd.DataFrame({
        "response_id": ["2023-0001", "2023-0002", "2023-0003"],
        "count": [342, 612345678, 0],
        "text": pd.array(["Goed.", None, LEAK if leak else "[naam] belt terug."], dtype="string"),
        "kind": pd.Categorical(["a", "b", "a"]),
    }).to_parquet(path)
    return path


def write_json(path: Path, leak: bool) -> Path:
    quality = {"counts": {"rows_in": 208}, "unmatched": [{"typed": LEAK if leak else "Gemeente X"}]}
    path.write_text(json.dumps(quality, ensure_ascii=False), encoding="utf-8")
    return path


def write_ipynb(path: Path, leak: bool) -> Path:
    notebook = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("answers.head()" + ("  # Pieter Hoekstra" if leak else ""))
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="mail anna@example.nl\n" if leak else "klaar\n"),
        nbformat.v4.new_output("display_data", data={
            "text/html": "<td>06-12345678</td>" if leak else "<td>342</td>",
            "text/plain": "192.168.1.10" if leak else "342",
            "image/png": base64.b64encode(b"06-12345678 192.168.1.10").decode(),  # binary images are not text
        }),
    ]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Opschonen"), code]
    nbformat.write(notebook, path)
    return path


WRITERS = {"html": write_html, "pdf": write_pdf, "xlsx": write_xlsx, "csv": write_csv, "parquet": write_parquet,
           "json": write_json, "ipynb": write_ipynb}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_each_file_type_clean_and_with_a_planted_leak(tmp_path, kind):
    clean = WRITERS[kind](tmp_path / f"clean.{kind}", leak=False)
    assert scan_file(clean, NAMES) == []
    leaky = WRITERS[kind](tmp_path / f"leak.{kind}", leak=True)
    hits = scan_file(leaky, NAMES, root=tmp_path)
    assert {hit.kind for hit in hits} == ALL_KINDS, [str(hit) for hit in hits]
    assert all(hit.path == f"leak.{kind}" and hit.context for hit in hits)


def test_where_a_hit_is_located(tmp_path):
    def where(kind: str) -> dict[str, str]:
        return {hit.kind: hit.where for hit in scan_file(WRITERS[kind](tmp_path / f"x.{kind}", leak=True), NAMES)}

    assert where("html") == {"phone": "text", "email": "attributes", "ip": "attributes", "name": "embedded SVG 1"}
    assert where("pdf") == dict.fromkeys(ALL_KINDS, "page 1")
    assert where("xlsx") == dict.fromkeys(ALL_KINDS, "Toelichting!C7")
    assert where("csv") == dict.fromkeys(ALL_KINDS, "line 3")
    assert where("parquet") == dict.fromkeys(ALL_KINDS, "column 'text' row 2")
    assert where("ipynb") == {"name": "cell 2 source", "email": "cell 2 output 1 stdout",
                              "phone": "cell 2 output 2 text/html text", "ip": "cell 2 output 2 text/plain"}


def test_scan_outputs_finds_every_output_and_lists_hits(tmp_path, monkeypatch, capsys):
    def at(relative: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    write_html(at("reports/2023/index.html"), leak=False)
    write_pdf(at("reports/2023/rapport.pdf"), leak=False)
    write_xlsx(at("reports/2023/tabellenboek.xlsx"), leak=False)
    write_csv(at("reports/2023/cijfers.csv"), leak=True)
    at("reports/2023/MANIFEST").write_text(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  index.html\n", encoding="utf-8")
    write_parquet(at("data/processed/2023/answers.parquet"), leak=False)
    write_json(at("data/processed/2023/quality.json"), leak=False)
    write_ipynb(at("build/notebooks/2023/00_opschonen.ipynb"), leak=False)
    at("build/2023/notebooks/01.running.ipynb").write_text("{ half written", encoding="utf-8")  # still being written
    at("data/raw/survey/export.csv").write_text(LEAK, encoding="utf-8")  # the input is not an output

    result = scan_outputs(tmp_path, names=NAMES)
    assert dict(result.files) == {"html": 1, "pdf": 1, "xlsx": 1, "csv": 1, "parquet": 1, "json": 1, "ipynb": 1,
                                  "text": 1}
    assert not result.errors and not any("running" in path for path in result.scanned)
    assert {(hit.path, hit.where, hit.kind) for hit in result.hits} == {
        ("reports/2023/cijfers.csv", "line 3", kind) for kind in ALL_KINDS}
    report = result.report()
    assert "files scanned: 8 (html 1, pdf 1, xlsx 1, csv 1, parquet 1, json 1, ipynb 1, text 1)" in report
    assert "hits: 4 (email 1, phone 1, ip 1, name 1)" in report
    assert "reports/2023/cijfers.csv [line 3]: name 'Pieter Hoekstra' (full name 'Pieter Hoekstra')" in report

    monkeypatch.setattr(privacy_scan, "project_names", lambda root: NAMES)
    assert privacy_scan.main(["--root", str(tmp_path)]) == 1
    assert "hits: 4" in capsys.readouterr().out
    (tmp_path / "reports/2023/cijfers.csv").unlink()
    assert privacy_scan.main(["--root", str(tmp_path)]) == 0
    assert "hits: 0" in capsys.readouterr().out


def test_unreadable_and_vanished_files_are_reported(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json", encoding="utf-8")
    result = scan_files([broken, tmp_path / "gone.csv"], NAMES, tmp_path)
    assert len(result.errors) == 1 and "broken.ipynb" in result.errors[0]
    assert result.vanished == [str(tmp_path / "gone.csv")]


# ---------------------------------------------------------------------------------------------------------------------
# The repository's outputs


@pytest.fixture(scope="module")
def real_scan():
    if not (REPO_ROOT / "reports" / "2023" / "MANIFEST").is_file():
        pytest.fail("reports/2023 does not exist (no MANIFEST): build the 2023 report first with `make report` "
                    "(`make test` builds it before running the tests)")
    return scan_outputs(REPO_ROOT)


def test_real_outputs_hold_no_personal_data(real_scan):
    assert not real_scan.hits, "personal data in the outputs:\n" + real_scan.report(limit=None)
    assert not real_scan.errors, "\n".join(real_scan.errors)


def test_real_scan_covers_every_output(real_scan):
    for kind in ("html", "pdf", "xlsx", "csv", "parquet", "json", "ipynb"):
        assert real_scan.files[kind] > 0, f"no {kind} file scanned:\n{real_scan.summary()}"
    for required in ("reports/2023/flitspeiling_2023.html", "reports/2023/flitspeiling_2023.pdf",
                     "reports/2023/datakwaliteit.html", "reports/2023/tabellenboek.xlsx", "reports/2023/cijfers.csv",
                     "data/processed/2023/answers.parquet", "data/processed/2023/responses.parquet",
                     "data/processed/2023/quality.json", "build/notebooks/2023/00_opschonen.ipynb",
                     "build/2023/notebooks/05_aanvullingen.ipynb"):
        assert required in real_scan.scanned, f"{required} was not scanned"
    assert not any(path.startswith("data/raw/") for path in real_scan.scanned)
    # Hundreds of respondents' names, from every wave's export.
    assert len(real_scan.names.full_names) > 500 and len(real_scan.names.surnames) > 20, real_scan.names.summary()


def test_detectors_recognise_every_personal_cell_of_the_exports():
    """Each e-mail, phone and IP cell of the raw exports is found by its detector: the formats the survey tools wrote
    are covered, so zero hits in the outputs means the values are not there."""
    from helpers.data.codebook import load_codebook
    from helpers.data.exports import read_export

    missed, seen = [], 0
    for year, spec in sorted(load_codebook().waves.items()):
        table = read_export(spec).table
        for kind in ("email", "phone", "ip"):
            column = spec.personal.get(kind)
            for cell in table[column].dropna() if column else ():
                seen += 1
                if kind not in {finding.kind for finding in find_personal_data(str(cell))}:
                    missed.append((year, kind, cell))
    assert seen > 1000 and not missed, missed[:20]
