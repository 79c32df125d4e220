"""Reading YAML: the one loader of the project's YAML files (codebook, report outline, published numbers, coding
frames, provenance).

`load` is PyYAML's safe loader with libyaml's C parser when PyYAML has it (the wheels do): the same documents, the
same Python values, about ten times faster. A chapter reads the codebook's wave files a hundred times (the trend
analysis asks every wave's mapping per indicator); with the pure-Python parser that alone was about a second per
chapter run.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

# libyaml's parser with the safe constructor; the pure-Python one where PyYAML was built without libyaml.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(source: str | bytes | IO) -> Any:
    """The document in `source` (text, bytes or an open file), as yaml.safe_load gives it."""
    return yaml.load(source, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader (SafeLoader or its C twin)
