"""reports/<year>/datapackage.json (helpers.publish.datapackage): a Frictionless Data Package of cijfers.csv and the
processed tables, validated with the `frictionless` library (descriptor, types, keys, foreign keys and the data).

The processed tables lie outside the report folder ("../../data/processed/..."), which frictionless only reads in its
trusted mode; a consumer of cijfers.csv alone needs no such mode."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from frictionless import Package, Resource, system

from helpers import PROCESSED_DIR, REPO_ROOT
from helpers.publish.datapackage import FIELDS, datapackage, processed_paths, write_datapackage
from helpers.publish.tabellenboek import CIJFERS_HEADER

YEAR = 2023
REPORT = REPO_ROOT / "reports" / str(YEAR)


def _cijfers(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(",".join(CIJFERS_HEADER) + "\n" + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_cijfers_resource_validates_and_catches_a_bad_value(tmp_path):
    cijfers = _cijfers(tmp_path / "cijfers.csv", [
        ["figuur_3", "", "alle", "201", "135", "67", "policy_breadth", "breed", "Figuur 3. Breedte", "Vraag", "",
         "Breed", "alle gemeenten", "percentage"]])
    descriptor = write_datapackage(tmp_path / "datapackage.json", YEAR, cijfers)
    assert json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8")) == descriptor
    resource = descriptor["resources"][0]
    assert resource["path"] == "cijfers.csv" and [f["name"] for f in resource["schema"]["fields"]] == list(CIJFERS_HEADER)
    assert all(field["description"] for field in resource["schema"]["fields"])
    report = Resource(resource, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    # A percentage that is not a whole number, or an unknown unit, is refused
    _cijfers(cijfers, [["figuur_3", "", "alle", "201", "135", "67.2", "q", "a", "", "", "", "", "", "procent"]])
    descriptor = datapackage(YEAR, cijfers)
    errors = Resource(descriptor["resources"][0], basepath=str(tmp_path)).validate().flatten(["fieldName"])
    assert sorted(name for (name,) in errors) == ["pct", "unit"]


def test_processed_paths_are_relative_to_the_package(tmp_path):
    descriptor = datapackage(YEAR, _cijfers(tmp_path / "cijfers.csv", []))
    paths = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    assert paths == {"cijfers": "cijfers.csv", "responses": "../../data/processed/2023/responses.parquet",
                     "answers": "../../data/processed/2023/answers.parquet", "frames": "../../data/processed/frames.parquet"}


def test_a_column_without_description_is_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(FIELDS, "cijfers", {name: FIELDS["cijfers"][name] for name in CIJFERS_HEADER[:-1]})
    with pytest.raises(ValueError, match="describe every column"):
        datapackage(YEAR, _cijfers(tmp_path / "cijfers.csv", []))


def test_every_processed_column_is_described():
    for name, path in processed_paths(PROCESSED_DIR, YEAR).items():
        if not path.is_file():
            pytest.fail(f"{path} is missing: run `make data`")
        columns = pq.read_schema(path).names
        assert columns == list(FIELDS[name]), (
            f"{path.name}: columns {columns}, described {list(FIELDS[name])}: describe a new column in "
            "helpers.publish.datapackage.FIELDS")


def test_the_published_package_validates_with_its_data():
    path = REPORT / "datapackage.json"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make report`")
    with system.use_context(trusted=True):  # the processed tables are outside the report folder
        report = Package(str(path)).validate()
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "message"])[:10]
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows["cijfers"] == len((REPORT / "cijfers.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert rows["responses"] > 0 and rows["answers"] > rows["responses"] and rows["frames"] > 300
