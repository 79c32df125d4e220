"""Layer 4, report: what a chapter notebook shows and says.

``outline`` (the one parser of notebooks/report.yml: parts, figure and table numbers, declared key figures),
``chapter`` (the Chapter API: data, parts, figures, tables, key figures), ``figures`` (matplotlib figures), ``text``
(the Dutch phrase rules every chapter shares), ``chapters/`` (one module of rules per chapter that needs more),
``sections`` (the trend and weighting sections chapters 2-4 show alike), ``summary`` (the summary from the chapters'
key figures), ``appendix`` (the data-quality appendix). Imports ``core``, ``data`` and ``analysis``, never
``publish``.
"""
