"""Accessibility of the published HTML (WCAG 2.1 AA, which Dutch public bodies must meet) and of the figure palette.

Every HTML page of reports/2023/ (built by `make report`; `make test` builds it first) and of every other wave in
reports/ that is up to date (2018 and the others when `make all-waves` built them; else their datakwaliteit.html, which
`make data` builds for every wave) is opened in headless Chromium and checked by axe-core with the WCAG 2.0/2.1 A and
AA rules and axe's best practices, and by the report's own checks: lang="nl", exactly one h1, no skipped heading level, a non-empty alt on
every image, a <caption> and <th scope> in every table, unique ids and a named <summary> in every <details>
(tests/accessibility/axe_check.mjs). Every page must have zero violations and zero problems.

Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM), driven by playwright-core from tests/accessibility/node_modules
(`make node_modules`, which `make test` runs); nothing downloads a browser of its own. Without Chromium (`make browser`
installs it as root) the page checks are skipped with a message; the palette check always runs.

The palette check simulates protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009, severity 1.0)
on the colours the charts put side by side (helpers.report.figures) and asks for a CIEDE2000 colour difference of at least
MIN_DELTA_E00 between every pair. The charts do not rely on colour alone (value labels, hatching, legends); this keeps
the colours themselves apart too.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import REPO_ROOT
from helpers.report import figures
from helpers.report.chapter import html_table

NODE_PROJECT = Path(__file__).parent / "accessibility"
AXE_CHECK = NODE_PROJECT / "axe_check.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REPORTS = REPO_ROOT / "reports"


# ------------------------------------------------------------------------------------------------------------------
# Pages in Chromium


# What decides a page's markup: a page of another wave built before the last change of one of these is not checked.
HELPERS = REPO_ROOT / "src" / "helpers"
REPORT_SOURCES = [*(HELPERS / "templates").rglob("*"), *(REPO_ROOT / "notebooks").glob("[0-9][1-9]_*.ipynb"),
                  *(HELPERS / name for name in ("report.py", "publish.py", "figures.py"))]
CLEANING_SOURCES = [*(HELPERS / "templates" / "flitspeiling").rglob("*"), REPO_ROOT / "notebooks" / "00_opschonen.ipynb",
                    HELPERS / "report.py"]


def _newest(paths) -> float:
    return max((path.stat().st_mtime for path in paths if path.is_file()), default=0.0)


def _pages() -> tuple[dict[str, Path], list[str]]:
    """The pages to check ({"<year>/<file name>": path}) and those left out as older than their sources.

    Every page of reports/2023 (`make test` builds it first). Of every other wave in reports/ (2018, ... when `make
    all-waves` or `make report YEAR=...` built them; `make data` builds datakwaliteit.html for every wave) the pages
    built after the last change of their sources (REPORT_SOURCES, CLEANING_SOURCES for datakwaliteit.html): an
    older page would test old templates."""
    pages = {f"2023/{path.name}": path for path in sorted((REPORTS / "2023").glob("*.html"))}
    newest = {"report": _newest(REPORT_SOURCES), "cleaning": _newest(CLEANING_SOURCES)}
    stale = []
    for wave in sorted(path for path in REPORTS.glob("[0-9][0-9][0-9][0-9]") if path.name != "2023"):
        for path in sorted(wave.glob("*.html")):
            if path.stat().st_mtime >= newest["cleaning" if path.name == "datakwaliteit.html" else "report"]:
                pages[f"{wave.name}/{path.name}"] = path
            else:
                stale.append(f"{wave.name}/{path.name}")
    return pages, stale


PAGES, STALE = _pages()


@pytest.fixture(scope="module")
def axe_results(tmp_path_factory) -> dict[str, dict]:
    """axe_check.mjs run once over every page: {label: page result}."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: the HTML accessibility checks need Debian's chromium "
                    "(`make browser`, as root: apt-get install chromium)")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the accessibility check runs axe-core with Node.js >= 20")
    if not all((NODE_PROJECT / "node_modules" / name).is_dir() for name in ("axe-core", "playwright-core")):
        pytest.fail(f"{NODE_PROJECT}/node_modules is missing: run `make node_modules` (npm ci --prefix tests/accessibility)")
    if not any(label.startswith("2023/") for label in PAGES):
        pytest.fail(f"{REPORTS / '2023'} holds no HTML: run `make report` (or `make test`, which builds it first)")
    if STALE:
        print(f"not checked, older than the templates or notebooks (make all-waves rebuilds them): {', '.join(STALE)}")

    out = tmp_path_factory.mktemp("accessibility") / "axe.json"
    started = time.perf_counter()
    run = subprocess.run([node, str(AXE_CHECK), "--json", str(out), *map(str, PAGES.values())], capture_output=True,
                         text=True, timeout=300, env={**os.environ, "CHROMIUM": CHROMIUM})
    seconds = time.perf_counter() - started
    print(run.stdout)  # one line per page: the number of violations and their rule ids
    if run.returncode not in (0, 1) or not out.is_file():
        pytest.fail(f"axe_check.mjs could not run (exit {run.returncode}):\n{run.stderr[-3000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    by_file = {page["file"]: page for page in result["pages"]}
    pages = {label: by_file[str(path)] for label, path in PAGES.items()}
    for page in pages.values():
        page["axe_version"], page["tags"], page["total_seconds"] = result["axe"], result["tags"], seconds
    return pages


@pytest.mark.parametrize("label", sorted(PAGES) or ["2023/index.html"])
def test_page_has_no_accessibility_violations(axe_results, label):
    assert label in axe_results, f"{label}: not checked (pages: {sorted(axe_results)})"
    page = axe_results[label]
    violations = [f"{v['id']} ({v['impact']}, {v['nodes']}x: {v['help']}; e.g. {', '.join(v['targets'][:3])})"
                  for v in page["violations"]]
    problems = [f"{p['id']}: {p['message']} ({'; '.join(p['targets'][:3])})" for p in page["report"]]
    print(f"{label}: {len(page['violations'])} axe violations, {len(page['report'])} report problems"
          + (": " + " ".join(v["id"] for v in page["violations"]) if page["violations"] else ""))
    assert not violations and not problems, (
        f"{label}: {len(violations)} axe violations ({' '.join(v['id'] for v in page['violations'])}), "
        f"{len(problems)} report problems\n  " + "\n  ".join(violations + problems))


def test_axe_runs_the_wcag_aa_rules_and_best_practices(axe_results):
    # Speed is measured by benchmarks, not by tests: the run's duration is only printed.
    page = next(iter(axe_results.values()))
    print(f"axe run over {len(axe_results)} pages: {page['total_seconds']:.1f} s")
    assert {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"} <= set(page["tags"])


def test_html_table_has_caption_and_header_scopes():
    import pandas as pd

    markup = html_table(pd.DataFrame({"Thema": ["Wonen"], "Aantal": [3], "%": [12.5]}), caption="Per thema")
    assert "<caption>Per thema</caption>" in markup
    assert markup.count('<th scope="col">') == 3 and '<th scope="row">Wonen</th>' in markup


# ------------------------------------------------------------------------------------------------------------------
# The palette under colour-vision deficiencies

# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision deficiency",
# IEEE TVCG 15(6); the matrices for severity 1.0, applied to linear RGB.
MACHADO_2009 = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
MIN_DELTA_E00 = 10.0  # CIEDE2000; about 2 is "just noticeable", 10 is clearly another colour


def _linear_rgb(colour: str) -> np.ndarray:
    value = colour.lstrip("#")
    srgb = np.array([int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> tuple[float, float, float]:
    """CIELAB (D65) of a linear sRGB colour."""
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def delta_e00(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6)) - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    rotation = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def simulated_lab(colour: str, deficiency: str | None) -> tuple[float, float, float]:
    linear = _linear_rgb(colour)
    if deficiency is not None:
        linear = np.clip(np.array(MACHADO_2009[deficiency]) @ linear, 0, 1)
    return _lab(linear)


def test_delta_e00_matches_sharma_test_data():
    # Pairs 1, 2, 7 and 17 of Sharma, Wu & Dalal (2005), table 1.
    assert delta_e00((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e00((50, -1.3802, -84.2814), (50, 0, -82.7485)) == pytest.approx(1.0000, abs=1e-4)
    assert delta_e00((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert delta_e00((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619)) == pytest.approx(2.0373, abs=1e-4)


# The colours a chart puts side by side: the series of grouped bars, the segments of stacked bars (the whole
# palette), and the highlighted year against the other years in counts_per_year.
SETS = {
    "SERIES_COLOURS": figures.SERIES_COLOURS,
    "PALETTE": figures.PALETTE,
    "counts_per_year": [figures.OKABE_ITO["blauw"], figures.OKABE_ITO["hemelsblauw"]],
}


@pytest.mark.parametrize("deficiency", [None, *MACHADO_2009], ids=lambda d: d or "normal")
@pytest.mark.parametrize("name", SETS)
def test_palette_stays_distinguishable(name, deficiency):
    colours = SETS[name]
    pairs = sorted((delta_e00(simulated_lab(a, deficiency), simulated_lab(b, deficiency)), a, b)
                   for a, b in itertools.combinations(colours, 2))
    smallest, a, b = pairs[0]
    print(f"{name} ({deficiency or 'normal vision'}): minimum CIEDE2000 {smallest:.1f} between {a} and {b}")
    assert smallest >= MIN_DELTA_E00, f"{name} under {deficiency}: {a} and {b} differ by only {smallest:.1f}"
