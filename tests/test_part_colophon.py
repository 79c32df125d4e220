"""The per-part colophon (helpers.publish.pages.part_provenance): each part's page lists its own inputs, the whole
report all; an uncommitted change to another chapter's notebook does not mark a part's page as changed."""

from __future__ import annotations

from helpers.publish.pages import part_notebooks, part_provenance
from helpers.publish.parts import Part
from helpers.publish.provenance import DataStatus, GitState, InputFile, Provenance

PARTS = [Part("06_samenvatting", "samenvatting", None, "Samenvatting", "summary"),
         Part("01_achtergrond", "achtergrond", 1, "Achtergrond", "chapter"),
         Part("03_inhoud", "inhoud", 3, "Inhoud", "chapter"),
         Part("07_bijlage_a", "bijlage_a", None, "Overzicht", "appendix", "Bijlage A")]
NOTEBOOKS = {f"{part.stem}.ipynb" for part in PARTS}


def _provenance(changed: tuple[str, ...]) -> Provenance:
    files = [InputFile("codebook", "data/codebook/questions.yml", "a" * 64),
             InputFile("notebooks", "notebooks/report.yml", "b" * 64),
             *(InputFile("notebooks", f"notebooks/{name}", "c" * 64) for name in sorted(NOTEBOOKS)),
             InputFile("processed", "data/processed/2023/responses.parquet", "d" * 64)]
    return Provenance(year=2023, git=GitState("0" * 40, bool(changed), changed), parameters=[("year", "2023")],
                      files=files, data=DataStatus(True, "synthetic", "Ja"))


def _notebooks(provenance: Provenance) -> list[str]:
    return [item.path for item in provenance.files if item.group == "notebooks"]


def test_a_chapter_lists_its_own_notebook_the_summary_also_the_chapters():
    whole = _provenance(())
    chapter = part_provenance(whole, part_notebooks(PARTS[2], PARTS), NOTEBOOKS)
    assert _notebooks(chapter) == ["notebooks/report.yml", "notebooks/03_inhoud.ipynb"]
    assert [item.path for item in chapter.files if item.group != "notebooks"] == \
        [item.path for item in whole.files if item.group != "notebooks"]  # the data: all of it
    summary = part_provenance(whole, part_notebooks(PARTS[0], PARTS), NOTEBOOKS)
    assert _notebooks(summary) == ["notebooks/report.yml", "notebooks/01_achtergrond.ipynb",
                                   "notebooks/03_inhoud.ipynb", "notebooks/06_samenvatting.ipynb"]
    assert chapter.inputs_sha256 != whole.inputs_sha256 != summary.inputs_sha256
    assert _notebooks(whole) == ["notebooks/report.yml", *(f"notebooks/{name}" for name in sorted(NOTEBOOKS))]


def test_uncommitted_changes_count_for_the_parts_they_are_inputs_of():
    whole = _provenance(("notebooks/03_inhoud.ipynb",))
    pages = {part.stem: part_provenance(whole, part_notebooks(part, PARTS), NOTEBOOKS).git for part in PARTS}
    assert {stem: git.dirty for stem, git in pages.items()} == {
        "06_samenvatting": True, "01_achtergrond": False, "03_inhoud": True, "07_bijlage_a": False}
    assert whole.git.dirty
    helper = _provenance(("src/helpers/analysis/tables.py", "notebooks/03_inhoud.ipynb"))
    assert all(part_provenance(helper, part_notebooks(part, PARTS), NOTEBOOKS).git.dirty for part in PARTS)
