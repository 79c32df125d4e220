"""Helpers for the Flitspeiling VN-verdrag Handicap reports: codebook, municipality frame, cleaning, synthetic data.

Environment overrides (read once, when `helpers` is first imported; notebooks run by papermill inherit them):

- ``FLITSPEILING_CODEBOOK_DIR``: the codebook directory (default data/codebook). Every module reads the codebook
  through ``CODEBOOK_DIR`` (questions.yml, waves/, cleaning.yml, municipality aliases and resolutions), so a test can
  point the whole pipeline at a fixture codebook, e.g. one with an extra wave (tests/test_new_wave.py). A relative
  path is taken from the repository root, not from the working directory (papermill runs notebooks in notebooks/).
- ``FLITSPEILING_REFERENCE_DIR``: the CBS reference set (default data/raw/reference); see helpers.data.municipalities.
"""

import os
from pathlib import Path

# The repository root, found from this file so that notebooks and tests work from any working directory.
REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
PUBLISHED_DIR = DATA_DIR / "published"
# The page templates (HTML, CSS, the nbconvert template) of the report and the factsheets.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

BUILD_DIR = REPO_ROOT / "build"  # executed notebooks, parts, fragments and staging per wave (never published as such)



def interactive_dir(year: int, name: str) -> Path:
    """Where a notebook run outside the build (JupyterLab, nbclient, papermill by hand) writes what it writes: a
    scratch folder that publishing never reads. Only helpers.publish.runner passes the build's own folders."""
    return BUILD_DIR / str(int(year)) / "interactive" / name


def interactive_notice(path: Path) -> str:
    """The first thing an interactive run shows (Dutch: the researcher reads it in JupyterLab)."""
    shown = path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)
    return (f"Verkennende run buiten de build: wat dit notebook schrijft, gaat naar {shown}/ en niet naar het "
            "rapport. Alleen make (make data, make report) schrijft wat gepubliceerd wordt.")


# Decisions of the report that more than one module needs, each made here once.
KERNEL = "flitspeiling"  # the Jupyter kernel every notebook runs in (registered by `make env`)
SMALL_THRESHOLD = 25_000  # inwoners: "kleine gemeenten" have fewer (rapport 2023); a notebook parameter may change it
MIN_GROUP = 5  # the small-group rule: a group of fewer responding municipalities is never shown or described alone

CODEBOOK_DIR_ENV = "FLITSPEILING_CODEBOOK_DIR"


def _directory_from_env(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "").strip()
    return REPO_ROOT / value if value and not Path(value).is_absolute() else Path(value) if value else default


CODEBOOK_DIR = _directory_from_env(CODEBOOK_DIR_ENV, DATA_DIR / "codebook")
