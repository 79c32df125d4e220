"""Layer 1, core: what every other layer may use and which uses nothing of the project but the paths.

``formatting`` (Dutch numbers and the one rounding rule, half up), ``privacy`` (the scrubbing rules for free text),
``reproducible`` (hashes and byte-stable files), ``yamlfiles`` (the one YAML loader). See docs/architecture.md.
"""
