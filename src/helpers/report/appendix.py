"""How the data-quality appendix (the HTML of notebooks/00_opschonen.ipynb) shows the cleaning's quality log.

The tables themselves are built by helpers.data.cleaning (steps_table, duplicates_table, ...); this module only writes
them as the report writes tables (helpers.report.chapter.html_table) and the few phrases the appendix composes from
the log. It lives in the report layer because html_table does; the data layer never imports it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from helpers import interactive_dir, interactive_notice
from helpers.core import formatting as fmt
from helpers.data.cleaning import STATUS_LABELS
from helpers.report.chapter import html_table

# Shares in the appendix's tables (float columns) are written with one decimal.
SHARE_DECIMALS = 1


def quality_table(table: pd.DataFrame, caption: str) -> str:
    """A table of the appendix as HTML: its caption, header scopes, and Dutch numbers with the float columns (shares)
    to SHARE_DECIMALS decimals."""
    decimals = {column: lambda value: fmt.number(value, SHARE_DECIMALS)
                for column in table.columns if table[column].dtype.kind == "f"}
    return html_table(table, caption=caption, formats=decimals)


def unmatched_by_status(unmatched: Mapping[str, int]) -> str:
    """ "2 naam past bij meer dan één gemeente, 1 geen naam ingevuld": the units without a municipality per status of
    the quality log (counts["unmatched"]) that occurs, in the log's order; "geen" when there are none."""
    return ", ".join(f"{n} {STATUS_LABELS.get(status, status)}" for status, n in unmatched.items() if n) or "geen"


def output_dir(year: int, processed_dir: str | Path) -> Path:
    """Where the cleaning notebook writes the wave's processed tables: `processed_dir`/<year> when make runs it (the
    Makefile passes ../data/processed); for a run outside make (an empty `processed_dir`: JupyterLab, papermill by
    hand) a scratch folder that no chapter and no publication reads, and the notebook says so in its first output."""
    if str(processed_dir):
        return Path(processed_dir) / str(year)
    scratch = interactive_dir(year, "processed") / str(year)
    display(HTML(f'<div class="fp-interactive" role="note">{html.escape(interactive_notice(scratch))}</div>'))
    return scratch
