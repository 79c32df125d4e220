"""What a reader of a built report reads, and the checks on it: internal names, written style, spelling.

Support module of tests/test_reader_text.py (and usable by hand: `python tests/reader_text.py reports/2023` prints
what the scans find). The reader text of a page is everything outside the colophon (which names the commit, the
parameters and the input files on purpose) and outside the page's CSS and scripts; PDF text is cut at the colophon
heading. Quoted answers (blockquotes) are the respondents' words: they are scanned for internal names but not for
the report's own style or spelling.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from helpers.publish.pdf import pdf_text as read_pdf_text

WORDS_FILE = Path(__file__).parent / "spelling" / "words.txt"
DICTIONARY = "nl_NL"  # Debian's hunspell-nl (OpenTaal)
DICTIONARY_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"))

# Files the reader downloads from the index page: their names are the reader's, not internal.
READER_FILES = ("cijfers.csv", "tabellenboek.xlsx")
# The cleaning log of the wave (notebooks/00_opschonen.ipynb), for the researcher: like the colophon it names files,
# hashes and questions on purpose. The report's reader gets Bijlage E Datakwaliteit instead.
TECHNICAL_PAGES = ("datakwaliteit.html",)

INTERNAL_NAMES = {
    "file path": re.compile(r"\b[\w.-]+/[\w./-]*\w|\b[\w-]+\.(?:ya?ml|py|ipynb|parquet|json|csv|xlsx|j2)\b"),
    "module name": re.compile(r"\bhelpers(?:\.\w+)+"),
    "code identifier": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "parameter": re.compile(r"\b\w+=\S"),
}
# Paths and names a reader may see: web addresses, "en/of", fractions of words such as "startsituatie/nulmeting".
ALLOWED_PATH = re.compile(r"^(?:https?:|www\.|[a-zà-ÿ]+/[a-zà-ÿ-]+$)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    page: str
    kind: str
    text: str
    context: str

    def __str__(self) -> str:
        return f"{self.page}: {self.kind} {self.text!r} in “{self.context}”"


def _soup(path: Path) -> BeautifulSoup:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for hidden in soup(["script", "style", "svg", "head"]):
        hidden.decompose()
    for colophon in soup.select("section.colophon"):
        colophon.decompose()
    return soup


@functools.lru_cache(maxsize=64)
def html_blocks(path: Path, *, quotes: bool = True) -> list[str]:
    """The text blocks of a page as a reader sees them (paragraphs, headings, list items, captions, table cells),
    whitespace collapsed; without the blockquotes when `quotes` is False. Image alt texts are blocks too."""
    soup = _soup(path)
    if not quotes:
        for quote in soup.find_all("blockquote"):
            quote.decompose()
    blocks = [image.get("alt", "") for image in soup.find_all("img")]
    for element in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "td", "th",
                                  "dt", "dd", "summary", "a"]):
        if element.find(["p", "li", "table", "div"]):  # a container; its blocks come on their own
            continue
        text = " ".join(element.get_text(" ").split())
        if text:
            blocks.append(text)
    return blocks


@functools.lru_cache(maxsize=64)
def paragraphs(path: Path) -> list[str]:
    """The running text of a page: paragraphs and list items outside quotes, tables and headings."""
    soup = _soup(path)
    for skip in soup.find_all(["blockquote", "table", "nav"]):
        skip.decompose()
    return [" ".join(element.get_text(" ").split()) for element in soup.find_all(["p", "li"])
            if not element.find(["p", "li"]) and element.get_text().strip()]


@functools.lru_cache(maxsize=32)
def pdf_text(path: Path) -> str:
    """The text of a PDF up to its colophon."""
    text = read_pdf_text(path)
    cut = text.rfind("\nColofon\n")
    return text if cut < 0 else text[:cut]


def internal_names(blocks: Iterable[str], page: str) -> list[Finding]:
    """File paths, module names, code identifiers and parameter assignments in the text."""
    found = []
    for block in blocks:
        for kind, pattern in INTERNAL_NAMES.items():
            for match in pattern.finditer(block):
                name = match.group(0)
                if name in READER_FILES or kind == "file path" and ALLOWED_PATH.match(name):
                    continue
                if kind == "file path" and re.fullmatch(r"[\d/.,-]+", name):  # 1/3, 2022/2023
                    continue
                found.append(Finding(page, kind, name, _context(block, match)))
    return found


def _context(block: str, match: re.Match) -> str:
    return block[max(0, match.start() - 60):match.end() + 60]


# --- written style

# A digit, then a word in lower case: a count or share opening a sentence ("3 gemeenten …"), not a numbered title
# ("3 Inhoud lokaal inclusiebeleid").
SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)(?P<start>\d[\d.,]*)\s+(?=%|[a-zà-ÿ])")
STYLE_RULES = {
    "‘ten slotte’ is two words": re.compile(r"\b[Tt]enslotte\b"),
    "capital Één with its accents": re.compile(r"\bEén\b"),
    "a count of zero in words": re.compile(r"\b(?:namen|nam|zijn|waren|deden) er nul\b"),
    "a rounded share beside itself": re.compile(r"\b(?:bijna|ruim) \d+ % \(\d+ %\)"),
    "a colon before a single item": re.compile(r"\btelkens één gemeente:"),
    "‘Zo’ without an example before it": re.compile(r"^Zo (?:heeft|hebben) van de\b"),
}


def style_findings(blocks: Iterable[str], page: str) -> list[Finding]:
    """Sentences that start with a digit and the forms STYLE_RULES names."""
    found = []
    for block in blocks:
        for match in SENTENCE_START.finditer(block):
            found.append(Finding(page, "sentence starts with a digit", match.group("start"), _context(block, match)))
        for rule, pattern in STYLE_RULES.items():
            for match in pattern.finditer(block):
                found.append(Finding(page, rule, match.group(0), _context(block, match)))
    return found


# --- spelling

WORD = re.compile(r"[A-Za-zÀ-ÿ](?:[A-Za-zÀ-ÿ'’-]*[A-Za-zÀ-ÿ])?")


def dictionary_available() -> bool:
    return shutil.which("hunspell") is not None and any((d / f"{DICTIONARY}.dic").exists() for d in DICTIONARY_DIRS)


def project_words(extra: Iterable[str] = ()) -> set[str]:
    """The project word list (tests/spelling/words.txt, one word a line, # comments) and `extra` (e.g. the words of
    the municipality names of the CBS lists)."""
    words = {line.split("#", 1)[0].strip() for line in WORDS_FILE.read_text(encoding="utf-8").splitlines()}
    return {word for word in words if word} | set(extra)


WEB_ADDRESS = re.compile(r"\b(?:https?://\S+|[\w.-]+\.(?:nl|com|org|eu)\b\S*)")


def words_of(blocks: Iterable[str]) -> set[str]:
    """The words of the text blocks, web addresses left out."""
    return {match.group(0).strip("’'-") for block in blocks for match in WORD.finditer(WEB_ADDRESS.sub(" ", block))}


def unknown_words(words: Iterable[str], known: set[str]) -> list[str]:
    """The words hunspell with the Dutch dictionary does not know and the project word list does not list. A
    compound with a hyphen is right when each of its parts is."""
    known = known | {word.lower() for word in known} | {word.capitalize() for word in known}  # "Testresponsen"
    candidates = sorted({word for word in words if word and word not in known})
    parts = sorted({part for word in candidates for part in word.split("-") if part and part not in known})
    result = subprocess.run(["hunspell", "-d", DICTIONARY, "-l"], input="\n".join(candidates + parts),
                            capture_output=True, text=True, encoding="utf-8", check=True)
    rejected = set(result.stdout.split())
    unknown = []
    for word in candidates:
        if word not in rejected:
            continue
        pieces = [part for part in word.split("-") if part]
        if "-" in word and all(part in known or part not in rejected for part in pieces):
            continue
        unknown.append(word)
    return unknown


def municipality_words(reference_dir: Path) -> set[str]:
    """Every word of the municipality names in the CBS lists (the report names participants)."""
    import pandas as pd

    names: set[str] = set()
    for path in sorted(reference_dir.glob("gemeenten_*.csv")):
        frame = pd.read_csv(path, dtype=str)
        names |= words_of(frame["name"].dropna())
    return names


def reader_pages(report_dir: Path) -> list[Path]:
    """The report's pages a reader reads: every HTML page but TECHNICAL_PAGES."""
    return sorted(page for page in report_dir.glob("*.html") if page.name not in TECHNICAL_PAGES)


@functools.lru_cache(maxsize=8)
def scan(report_dir: Path) -> dict[str, list]:
    """Everything the checks find in one wave's reports folder (read once per test run: the tests share it)."""
    pages = reader_pages(report_dir)
    found: dict[str, list] = {"internal": [], "style": []}
    for page in pages:
        found["internal"] += internal_names(html_blocks(page), page.name)
        found["style"] += style_findings(paragraphs(page), page.name)
    for pdf in sorted(report_dir.glob("*.pdf")):
        found["internal"] += internal_names(pdf_text(pdf).splitlines(), pdf.name)
    return found


if __name__ == "__main__":
    for folder in map(Path, sys.argv[1:]):
        results = scan(folder)
        for kind, findings in results.items():
            for finding in sorted(set(findings), key=str):
                print(kind, finding)
        if dictionary_available():
            known = project_words(municipality_words(Path("data/raw/reference")))
            blocks = [b for page in reader_pages(folder) for b in html_blocks(page, quotes=False)]
            print("spelling", folder.name, unknown_words(words_of(blocks), known))
