"""The municipality frames the stand-in draws participants from, through helpers.data.municipalities.

Inhabitants for size classes are taken the way the cleaning step takes them (helpers.data.cleaning.unit_populations):
`population_on` for the year of the wave's size reference date when the reference set has it (2020-2023), else the
frame's own, approximate figures (2018, 2019).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from helpers.data import municipalities
from helpers.data.codebook import codebook

WAVES = municipalities.WAVES


def size_class(population) -> str | None:
    """lt10k, 10k_25k, 25k_50k, 50k_100k or ge100k; None when the population is unknown."""
    if population is None or pd.isna(population):
        return None
    return municipalities.size_class(int(population))


def is_small_class(size: str | None) -> bool | None:
    return None if size is None else size in ("lt10k", "10k_25k")


@cache
def load_frame(year: int) -> pd.DataFrame:
    """The municipalities of 1 January `year`: code, name, province, population, population_approx."""
    return municipalities.load_frame(year).reset_index(drop=True)


def reference_populations(year: int) -> list[int | None]:
    """Inhabitants on the wave's size reference date for every municipality of the wave's frame (frame order)."""
    frame = load_frame(year)
    reference_year = codebook().wave(year).size_reference_date.year
    try:
        values = list(municipalities.population_on(reference_year, list(frame["code"])))
    except ValueError:  # no CBS figures for that year: the frame's approximate figures, as the cleaning does
        values = list(frame["population"])
    return [None if v is None or pd.isna(v) else int(v) for v in values]


@cache
def successor_2023(year: int) -> dict[str, str]:
    """code in the `year` frame -> code of the 2023 municipality that continues it (the largest part)."""
    walk = municipalities.crosswalk_to_2023()
    codes = set(load_frame(year)["code"])
    part = walk[walk["code"].isin(codes)]
    return dict(zip(part["code"], part["code_2023"], strict=True))
