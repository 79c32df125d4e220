"""Factsheets "Waar staat mijn gemeente?": one confidential page per participating municipality.

A factsheet shows one municipality of one wave its own answers to the closed questions that wave asked, beside the
share of its size class and of all participants giving the same answer, and its phase of the Lokale Inclusie Agenda
(LIA) over the waves it took part in. notebooks/factsheet.ipynb is the factsheet (a researcher edits it there and
runs it for one municipality in JupyterLab); this package holds its logic and the batch build:

- ``data``: the numbers (processed data read once per process, the municipality, its comparison group, its answers
  beside the shares, its LIA history);
- ``texts``: the Dutch texts that are not sentences of the notebook (title, confidential marking, answer labels);
- ``sheet``: `Factsheet`, what the notebook calls to show each block, and the LIA figure;
- ``pages``: the HTML page around an executed factsheet notebook;
- ``pool``: the batch build in long-lived kernels; ``__main__``: its command line.

Rules the factsheet follows:

- Comparison group: the municipality's size class. A group with fewer than MIN_OTHERS responding municipalities
  besides the municipality itself would reveal named participants' answers, so it is merged with the neighbouring
  size class by helpers.analysis.stats.apply_disclosure_rules (the report's documented rule, applied to the other
  municipalities), and suppressed when merging is impossible. A single share is also left out ("–") when fewer than
  MIN_OTHERS other municipalities of the group answered that question or item (item non-response, routing). The
  shares include the municipality itself; they are the shares of helpers.analysis.tables.
- Item non-response is shown as "Geen antwoord"; a question the routing did not open as "Niet gevraagd".
- Free text (toelichtingen, "anders, namelijk") is left out; the factsheet names no other participating municipality.
- LIA history: the waves are matched through data/processed/crosswalk.parquet (every code of every wave -> its code
  on 1 January 2023), so a municipality formed by a merger sees the answers of its predecessors, named as such.

Batch build (``make factsheets``, ``python -m helpers.factsheets build``): the notebook is executed once per
municipality in one long-lived Jupyter kernel per worker (``--jobs``, default 2; helpers.publish.runner's
KernelSession): the parameters are injected as papermill does (helpers.publish.runner.parameterised) and the kernel's
namespace is reset before each run, but no process, kernel or import is paid per
municipality, and the processed data is read once per worker (wave_data is cached). Each executed notebook becomes HTML
with helpers.publish.assemble's nbconvert template and page template and a PDF/UA-1 with helpers.publish.assemble.write_pdf, in the
worker's own process. Everything goes to build/<year>/factsheets/staging and replaces reports/<year>/factsheets/ only
when every factsheet succeeded.

The synthetic full-response wave of the scale test (every municipality of the 2023 frame answering) is made up data,
so it lives in helpers.synthetic.full_response (``python -m helpers.synthetic.full_response``).
"""

from helpers.factsheets.data import FactsheetError
from helpers.factsheets.sheet import Factsheet

__all__ = ["Factsheet", "FactsheetError"]

