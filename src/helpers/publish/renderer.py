"""What the publication's caches depend on besides their own inputs: the code, templates and library versions that
render them.

Two caches live under ``build/<year>/``: the HTML fragments rendered ahead by helpers.publish.runner
(helpers.publish.fragments) and the checked PDFs of the previous build (helpers.publish.pdf). Both are keyed by the
hashes of everything their content is a function of; a stale or damaged entry is never used, the work is then done
again. So a publication is the same with or without them.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from helpers import TEMPLATES_DIR
from helpers.core.reproducible import sha256_file

# The modules whose code shapes a fragment (the part's heading, its anchors and captions) or a checked PDF. The page
# templates are hashed as well; the pages' own code (helpers.publish.pages) is not listed: a PDF's key holds its HTML.
RENDERER_MODULES = ("renderer.py", "parts.py", "manifests.py", "fragments.py", "pdf.py")
RENDERER_LIBRARIES = ("nbconvert", "nbformat", "beautifulsoup4", "jinja2", "weasyprint", "pydyf", "fonttools", "pypdf",
                      "mistune", "pygments")

_RENDERER: dict[str, str] = {}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _versions(*distributions: str) -> str:
    found = []
    for name in distributions:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=-")
    return " ".join(found)


def renderer_fingerprint() -> str:
    """SHA-256 over the modules of RENDERER_MODULES, the templates and the versions of the libraries that turn a
    notebook into HTML and HTML into a checked PDF: what a cached fragment or PDF also depends on besides its own
    inputs. Computed once per process."""
    if "sha256" not in _RENDERER:
        here = Path(__file__).parent
        files = [*(here / name for name in RENDERER_MODULES),
                 *sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file())]
        text = "".join(f"{sha256_file(path)}  {path.relative_to(TEMPLATES_DIR.parent).as_posix()}\n" for path in files)
        text += _versions(*RENDERER_LIBRARIES)
        _RENDERER["sha256"] = sha256_bytes(text.encode("utf-8"))
    return _RENDERER["sha256"]
