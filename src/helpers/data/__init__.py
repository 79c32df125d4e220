"""Layer 2, data: from the raw exports to the processed tables.

``codebook`` (questions, scales, routing, per-wave mappings), ``exports`` (reading a wave's export), ``cbs`` and
``municipalities`` (the CBS frame, names, size classes), ``cleaning`` (the cleaning rules), ``processed`` (the
processed tables on disk), ``published`` (the published figures and their definitions). Imports only ``core``.
"""
