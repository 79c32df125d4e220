"""Layer 4, report: what a chapter notebook shows and says.

``chapter`` (the Chapter API: parts, figures, tables, key figures, the outline), ``figures`` (matplotlib figures),
``text`` (the Dutch phrase rules), ``summary`` (the summary from the chapters' key figures). Imports ``core``,
``data`` and ``analysis``, never ``publish``.
"""
