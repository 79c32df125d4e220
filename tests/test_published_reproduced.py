"""The processed data reproduces every published number it is calibrated to (data/published/published_numbers.yml).

Runs on data/processed as `make data` builds it (`make test` builds it first). Numbers marked `frame` come from the
real CBS frame and the published participant list; they are listed with their difference, not required to match,
except the sizes of the frame itself.
"""

import pytest

from helpers import PROCESSED_DIR
from helpers.data.published import check_processed


@pytest.fixture(scope="module")
def checks():
    if not (PROCESSED_DIR / "2023" / "responses.parquet").exists():
        pytest.fail("no processed data: run `make data` (or `make test`, which builds it first)")
    return check_processed()


def _listing(rows) -> str:
    return "\n".join(f"  {r.id} (wave {r.wave}): published {r.published}, {r.reason}" for r in rows.itertuples())


def test_every_wave_has_calibrated_numbers(checks):
    calibrated = checks[checks["check"] == "calibrated"]
    assert set(calibrated["wave"]) == {2018, 2019, 2020, 2021, 2022, 2023}
    assert len(calibrated[calibrated["wave"] == 2023]) >= 100


def test_calibrated_numbers_are_reproduced(checks):
    calibrated = checks[checks["check"] == "calibrated"]
    failing = calibrated[calibrated["ok"] != True]  # noqa: E712 - None (not computable) fails too
    assert failing.empty, f"{len(failing)} of {len(calibrated)} calibrated numbers not reproduced:\n{_listing(failing)}"


def test_frame_sizes_match_the_published_counts(checks):
    sizes = checks[checks["measure"] == "frame_size"]
    assert not sizes.empty
    assert sizes["ok"].eq(True).all(), _listing(sizes[sizes["ok"] != True])  # noqa: E712


def test_frame_based_counts_are_computed(checks):
    # Size-class counts of participants depend on the real frame; they are reported, and must at least be computable.
    frame_based = checks[(checks["check"] == "frame") & (checks["measure"] != "frame_size")]
    assert not frame_based.empty
    assert frame_based["computed"].notna().all(), _listing(frame_based[frame_based["computed"].isna()])
