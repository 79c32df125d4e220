"""Layer 3, analysis: numbers from the processed tables.

``tables`` (shares per group), ``stats`` (tests, intervals, models), ``coding`` (open answers into themes, quotes),
``disclosure`` (the small-group rule), ``trends``, ``panel``, ``weighting``. Imports ``core`` and ``data`` only.
"""
