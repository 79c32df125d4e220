"""Random streams: one numpy Generator per seed, wave and purpose, independent of call order."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, year: int, purpose: str) -> np.random.Generator:
    """A PCG64 generator for (seed, wave, purpose); the same arguments always give the same numbers."""
    key = zlib.crc32(purpose.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), int(year), key])))
