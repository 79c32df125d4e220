"""Helpers for the Flitspeiling VN-verdrag Handicap reports: codebook, municipality frame, cleaning, synthetic data."""

from pathlib import Path

# The repository root, found from this file so that notebooks and tests work from any working directory.
REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
CODEBOOK_DIR = DATA_DIR / "codebook"
PUBLISHED_DIR = DATA_DIR / "published"
