"""Cross-references in the PDFs: a link to another part's page would become an absolute file:// address of the build
directory in the PDF (a local path, different per checkout, so two builds differed); in print it is plain text."""

from __future__ import annotations

import pytest

from helpers.publish import pdf

PAGE = ('<html lang="nl"><head><title>t</title></head><body><h1 id="a">Een</h1><p>Zie '
        '<a class="cross-reference" href="02_reikwijdte_fase.html#x">paragraaf 2.4 Verandering</a> en '
        '<a class="cross-reference" href="#a">Een</a>.</p></body></html>')


def test_references_to_other_pages_are_printed_as_text_and_internal_links_stay():
    printed = pdf.print_links(PAGE)
    assert '<span class="cross-reference">paragraaf 2.4 Verandering</span>' in printed
    assert '<a class="cross-reference" href="#a">Een</a>' in printed
    assert "02_reikwijdte_fase.html" not in printed


def test_the_pdf_has_no_local_file_links_and_the_check_would_name_one(tmp_path):
    pytest.importorskip("weasyprint")
    target = tmp_path / "deel.pdf"
    try:
        pdf.write_pdf(PAGE, target)
    except pdf.PublishError as error:  # no Pango on this machine
        pytest.skip(str(error))
    assert not [uri for uri in pdf.read_pdf(target).links if uri.startswith("file:")]
    assert pdf.check_pdf(target, []) == []
    # Rendered without print_links, the same page carries the build directory's path, and the check says so.
    import weasyprint

    raw = tmp_path / "raw.pdf"
    weasyprint.HTML(string=PAGE, base_url=str(tmp_path)).write_pdf(raw)
    assert [uri for uri in pdf.read_pdf(raw).links if uri.startswith("file:")]
    assert any("links to local files" in problem for problem in pdf.check_pdf(raw, []))
