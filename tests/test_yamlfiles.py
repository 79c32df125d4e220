"""The one YAML loader (helpers.core.yamlfiles): libyaml's parser gives every project file exactly what PyYAML's
pure-Python safe loader gives, and its errors still name the line."""

from pathlib import Path

import pytest
import yaml

from helpers.core import yamlfiles

ROOT = Path(__file__).resolve().parents[1]
PROJECT_YAML = sorted(path for pattern in ("data/**/*.yml", "data/**/*.yaml", "notebooks/*.yml")
                      for path in ROOT.glob(pattern) if "raw/reference" not in str(path))


def test_the_project_has_yaml_files_to_compare():
    names = {path.name for path in PROJECT_YAML}
    assert {"questions.yml", "2023.yml", "report.yml", "indicators.yml", "provenance.yml"} <= names


@pytest.mark.parametrize("path", PROJECT_YAML, ids=lambda path: str(path.relative_to(ROOT)))
def test_same_values_as_the_pure_python_safe_loader(path):
    text = path.read_text(encoding="utf-8")
    assert yamlfiles.load(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_uses_libyaml_when_pyyaml_has_it():
    assert yamlfiles.SAFE_LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


def test_a_broken_file_names_its_line():
    with pytest.raises(yaml.YAMLError) as error:
        yamlfiles.load("questions:\n  a: [1, 2\n  b: 3\n")
    assert error.value.problem_mark is not None and error.value.problem_mark.line >= 1


def test_refuses_python_objects():
    with pytest.raises(yaml.YAMLError):
        yamlfiles.load("!!python/object/apply:os.system ['true']")
