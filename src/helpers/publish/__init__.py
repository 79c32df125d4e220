"""Layer 5, publish: from executed notebooks to the published report.

``runner`` (runs a notebook for the build), ``assemble`` (HTML, PDF, tabellenboek, cijfers.csv, the atomic swap),
``provenance`` (the colophon's inputs and hashes), ``privacy_scan`` (the scan of every output for personal data).
``python -m helpers.publish.assemble --year 2023`` assembles a wave. Imports every lower layer.
"""
