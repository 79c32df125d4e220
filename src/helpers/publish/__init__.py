"""Layer 5, publish: from executed notebooks to the published report.

``runner`` (runs a notebook for the build) and ``runs`` (its record of each run, which publishing checks the parts
against), ``assemble`` (the orchestration of one wave's publication and its command
line) with its steps: ``manifests`` (the parts' figures and tables), ``fragments`` (notebook -> HTML fragment, stored
ahead by the runner), ``pages`` (the HTML pages), ``pdf`` (PDFs rendered, checked and cached), ``tabellenboek``
(tabellenboek.xlsx and cijfers.csv), ``swap`` (the lock, the atomic swap, the MANIFEST) and ``renderer`` (what the
caches depend on); ``parts`` (report.yml), ``provenance`` (the colophon's inputs and hashes), ``privacy_scan`` (the
scan of every output for personal data). ``python -m helpers.publish.assemble --year 2023`` assembles a wave.
Imports every lower layer.
"""
