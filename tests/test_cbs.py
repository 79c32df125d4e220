"""Tests for helpers.data.cbs: copying and validating the reference set, downloading from CBS (recorded responses), CLI.

The reference set is read from $FLITSPEILING_REFERENCE_DIR, else data/raw/reference (`make reference`), else the
shared copy in /work/shared/reference. CBS is never contacted: a fake session serves tests/fixtures/cbs/*.json.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import requests
import yaml

from helpers import RAW_DIR
from helpers.core.reproducible import sha256_file
from helpers.data import cbs

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"
SHARED_REFERENCE = Path("/work/shared/reference")
AREA_URL = f"{cbs.ODATA_ROOT}/85385NED/TypedDataSet"
KEY_FIGURES_URL = f"{cbs.ODATA_ROOT}/70072ned/TypedDataSet"
FILTER_2023 = "startswith(RegioS,'GM') and Perioden eq '2023JJ00'"


def reference_dir() -> Path:
    if os.environ.get("FLITSPEILING_REFERENCE_DIR"):
        return Path(os.environ["FLITSPEILING_REFERENCE_DIR"])
    local = RAW_DIR / "reference"
    return local if (local / cbs.PROVENANCE_FILE).is_file() else SHARED_REFERENCE


@pytest.fixture(scope="module")
def source() -> Path:
    directory = reference_dir()
    missing = [name for name in cbs.reference_files() if not (directory / name).is_file()]
    assert not missing, f"reference set incomplete in {directory} (missing {missing}); run `make reference`"
    return directory


class FakeResponse:
    def __init__(self, status_code: int, payload: object):
        self.status_code, self._payload = status_code, payload
        self.text = json.dumps(payload) if payload is not None else "<html>Service Unavailable</html>"

    def json(self):
        if self._payload is None:
            raise ValueError("not JSON")
        return self._payload


class FakeSession:
    """Answers GET requests from fixture files, keyed by URL and (for filtered queries) the $filter."""

    def __init__(self, routes: dict[str, tuple[int, str | None]]):
        self.routes, self.calls = routes, []

    def get(self, url, params=None, timeout=None):
        self.calls.append((url, dict(params or {})))
        key = f"{url} | {params['$filter']}" if params and "$filter" in params else url
        if key not in self.routes:
            raise requests.ConnectionError(f"no route for {key}")
        status, fixture = self.routes[key]
        return FakeResponse(status, json.loads((FIXTURES / fixture).read_text(encoding="utf-8")) if fixture else None)


def routes_2023(population_fixture: str = "70072ned_TypedDataSet_2023.json") -> dict[str, tuple[int, str | None]]:
    return {AREA_URL: (200, "85385NED_TypedDataSet_page1.json"),
            f"{AREA_URL}?$format=json&$skip=2": (200, "85385NED_TypedDataSet_page2.json"),
            f"{KEY_FIGURES_URL} | {FILTER_2023}": (200, population_fixture)}


# ---------------------------------------------------------------------------------------------------------------
# Copy and validation


def test_copy_reference_copies_bytes_and_records_provenance(source, tmp_path):
    provenance_path = cbs.copy_reference(source, tmp_path / "reference")
    provenance = yaml.safe_load(provenance_path.read_text(encoding="utf-8"))
    assert sorted(provenance) == sorted(cbs.reference_files())
    for name in cbs.reference_files():
        copied = tmp_path / "reference" / name
        assert copied.read_bytes() == (source / name).read_bytes()
        assert provenance[name]["sha256"] == sha256_file(copied)
        assert provenance[name]["origin"] == str((source / name).resolve())
    assert provenance["gemeenten_2023.csv"]["rows"] == 342
    assert provenance["herindelingen.csv"]["rows"] == 69
    # Only origin, sha256 and rows: no retrieval date that would change between runs.
    assert {key for entry in provenance.values() for key in entry} == {"origin", "sha256", "rows"}
    first = provenance_path.read_bytes()
    assert cbs.copy_reference(source, tmp_path / "reference").read_bytes() == first


def test_copy_reference_names_missing_files_and_writes_nothing(source, tmp_path):
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    shutil.copy(source / "gemeenten_2023.csv", incomplete)
    with pytest.raises(cbs.ReferenceDataError, match="missing gemeenten_2020.csv.*herindelingen.csv.*REFERENCE_DIR"):
        cbs.copy_reference(incomplete, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


def _broken_copy(source: Path, tmp_path: Path, name: str, edit) -> Path:
    broken = tmp_path / "broken"
    shutil.copytree(source, broken, ignore=shutil.ignore_patterns(cbs.PROVENANCE_FILE))
    path = broken / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return broken


@pytest.mark.parametrize(("name", "edit", "message"), [
    ("gemeenten_2023.csv", lambda text: text.replace("population", "inwoners", 1),
     r"gemeenten_2023.csv, row 1: header .*expected 'code,name,province,population'"),
    ("gemeenten_2023.csv", lambda text: text.replace("Groningen,Groningen,238147", "Groningen,Groningen,"),
     r"gemeenten_2023.csv, row 2, column 'population': ''; expected a positive whole number"),
    ("gemeenten_2023.csv", lambda text: text.replace("GM0014,Groningen,Groningen,238147",
                                                     "GM0014,Groningen,Groningen,238148"),
     r"inhabitants add up to 17,811,292; expected 17,811,291"),
    ("gemeenten_2022.csv", lambda text: "\n".join(text.splitlines()[:-1]) + "\n",
     r"gemeenten_2022.csv: 344 data rows; expected 345"),
    ("herindelingen.csv", lambda text: text.replace("merged into", "merged", 1),
     r"herindelingen.csv, row 2, column 'kind': 'merged'"),
])
def test_validation_names_file_row_and_expectation(source, tmp_path, name, edit, message):
    broken = _broken_copy(source, tmp_path, name, edit)
    with pytest.raises(cbs.ReferenceDataError, match=message):
        cbs.copy_reference(broken, tmp_path / "dest")


# ---------------------------------------------------------------------------------------------------------------
# Download (recorded responses)


def test_download_follows_next_links_and_writes_the_reference_format(source, tmp_path):
    session = FakeSession(routes_2023())
    frame = cbs.download_municipality_list(2023, session=session)
    assert [url for url, _ in session.calls] == [AREA_URL, f"{AREA_URL}?$format=json&$skip=2", KEY_FIGURES_URL]
    assert session.calls[1][1] == {}  # the next link carries the query itself
    assert session.calls[2][1]["$select"] == "RegioS,Perioden,TotaleBevolking_1"
    assert frame.to_dict("list") == {
        "code": ["GM0014", "GM0373", "GM0820", "GM1900"],
        "name": ["Groningen", "Bergen (NH.)", "Nuenen, Gerwen en Nederwetten", "Súdwest-Fryslân"],
        "province": ["Groningen", "Noord-Holland", "Noord-Brabant", "Fryslân"],
        "population": [238147, 30138, 24015, 90883]}
    written = cbs.write_municipality_csv(frame, tmp_path / "gemeenten_2023.csv").read_bytes().decode("utf-8")
    reference_lines = (source / "gemeenten_2023.csv").read_text(encoding="utf-8").splitlines()
    expected = [reference_lines[0]] + [line for line in reference_lines if line[:6] in set(frame["code"])]
    assert written == "\n".join(expected) + "\n"
    assert '"Nuenen, Gerwen en Nederwetten"' in written


def test_fetch_odata_follows_v4_next_links():
    first = "https://odata4.cbs.nl/CBS/70072ned/Observations"
    session = FakeSession({first: (200, "odata4_page1.json"), f"{first}?$skip=1": (200, "odata4_page2.json")})
    rows = cbs.fetch_odata(first, session=session)
    assert [row["RegioS"] for row in rows] == ["GM0014", "GM0373"]


def test_fetch_odata_stops_on_a_repeated_next_link():
    url = f"{AREA_URL}?$format=json&$skip=2"
    session = FakeSession({url: (200, "85385NED_TypedDataSet_page1.json")})
    with pytest.raises(cbs.CbsError, match="same next link twice"):
        cbs.fetch_odata(url, session=session)


def test_cbs_error_response_is_reported_with_its_message():
    session = FakeSession({AREA_URL: (500, "odata_error_500.json")})
    with pytest.raises(cbs.CbsError, match=r"HTTP 500 for .*85385NED.*more than 10000 records"):
        cbs.download_municipality_list(2023, session=session)


def test_non_json_error_page_is_reported():
    session = FakeSession({AREA_URL: (503, None)})
    with pytest.raises(cbs.CbsError, match="HTTP 503 .*Service Unavailable"):
        cbs.download_municipality_list(2023, session=session)


def test_unreachable_cbs_suggests_a_reference_dir():
    with pytest.raises(cbs.CbsError, match="could not reach CBS open data.*REFERENCE_DIR"):
        cbs.download_municipality_list(2023, session=FakeSession({}))


def test_year_without_population_is_a_clear_error():
    session = FakeSession(routes_2023("70072ned_TypedDataSet_empty.json"))
    with pytest.raises(cbs.CbsError, match=r"no inhabitants on 1-1-2023 \(Perioden '2023JJ00'\).*not have published"):
        cbs.download_municipality_list(2023, session=session)


def test_municipality_without_population_is_named():
    session = FakeSession(routes_2023("70072ned_TypedDataSet_2023_missing_bergen.json"))
    with pytest.raises(cbs.CbsError, match="no TotaleBevolking_1 on 1-1-2023 for 1 municipalities.*GM0373"):
        cbs.download_municipality_list(2023, session=session)


def test_year_without_area_table_is_a_clear_error():
    with pytest.raises(cbs.CbsError, match="no CBS 'Gebieden in Nederland' table is known for 2030.*AREA_TABLES"):
        cbs.download_municipality_list(2030, session=FakeSession({}))


def test_download_reference_writes_lists_like_the_shared_copies(source, tmp_path, monkeypatch):
    def from_reference(year, session=None):
        return pd.read_csv(source / cbs.list_file(year), dtype={"code": str, "name": str, "province": str},
                           keep_default_na=False)

    monkeypatch.setattr(cbs, "download_municipality_list", from_reference)
    provenance = yaml.safe_load(cbs.download_reference(tmp_path, source).read_text(encoding="utf-8"))
    for year in cbs.REFERENCE_YEARS:
        name = cbs.list_file(year)
        # The shared 2020 and 2021 copies have CRLF line ends; the writer uses LF, like the 2022 and 2023 copies.
        assert (tmp_path / name).read_bytes() == (source / name).read_bytes().replace(b"\r\n", b"\n")
        assert provenance[name]["origin"] == cbs.municipality_list_urls(year)
    assert provenance["herindelingen.csv"]["origin"] == str((source / "herindelingen.csv").resolve())


def test_download_reference_needs_the_curated_reorganisations(tmp_path):
    with pytest.raises(cbs.ReferenceDataError, match="herindelingen.csv is missing in .*curated list.*REFERENCE_DIR"):
        cbs.download_reference(tmp_path / "dest", tmp_path, session=FakeSession({}))


# ---------------------------------------------------------------------------------------------------------------
# Command line


def test_cli_copies_a_complete_source(source, tmp_path, capsys):
    assert cbs.main(["--source", str(source), "--dest", str(tmp_path / "reference")]) == 0
    assert (tmp_path / "reference" / cbs.PROVENANCE_FILE).is_file()
    assert "copied the reference set" in capsys.readouterr().out


def test_cli_without_source_explains_what_is_missing(tmp_path, capsys):
    assert cbs.main(["--dest", str(tmp_path / "reference")], session=FakeSession({})) == 1
    error = capsys.readouterr().err
    assert "no --source given" in error and "herindelingen.csv is missing" in error
    assert "make reference REFERENCE_DIR=" in error
    assert not (tmp_path / "reference" / cbs.PROVENANCE_FILE).exists()


def test_cli_download_failure_names_cbs_and_the_fix(source, tmp_path, capsys):
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(source / "herindelingen.csv", partial)
    assert cbs.main(["--source", str(partial), "--dest", str(tmp_path / "reference")], session=FakeSession({})) == 1
    error = capsys.readouterr().err
    assert "lacks gemeenten_2020.csv" in error and "could not reach CBS open data" in error
    assert "REFERENCE_DIR" in error
