"""Telling the format from the content, never from the name; refusing what maqa cannot read."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from maqa.importers import UnsupportedDocument, detect_format, parse_briefing
from maqa.importers.formats import decode_text

BRIEF_HTML = """<!DOCTYPE html><html><body><h1>Multi-agency audit: Neglect</h1>
<h2>Strengths</h2><ul><li>Health visitors knew the family well</li></ul></body></html>"""


@pytest.fixture(scope="module")
def pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string=BRIEF_HTML).write_pdf()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("Multi-agency audit: Neglect", level=0)
    document.add_heading("Strengths", level=1)
    document.add_paragraph("Health visitors knew the family well", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_a_pdf_is_known_by_its_magic_bytes(pdf):
    assert detect_format(pdf) == "pdf"


def test_a_word_document_is_a_zip_holding_word_document_xml():
    assert detect_format(docx_bytes()) == "docx"


def test_html_is_known_by_its_doctype():
    assert detect_format(BRIEF_HTML.encode()) == "html"


def test_html_without_a_doctype_is_known_by_its_tags():
    fragment = b"<div><h2>Strengths</h2><p>One</p><ul><li>Two</li><li>Three</li></ul></div>"
    assert detect_format(fragment) == "html"


def test_plain_text_and_markdown_are_text():
    assert detect_format(b"What we are worried about?\n\n- Drift\n") == "text"
    assert detect_format(b"# Audit: Neglect\n\n## Strengths\n\n* One\n") == "text"


def test_text_mentioning_a_tag_or_two_is_still_text():
    assert detect_format(b"Use the <b>Neglect Toolkit</b> at every review.\n") == "text"


@pytest.mark.parametrize("name", ["briefing.txt", "briefing.html", "briefing.docx", ""])
def test_a_pdf_under_any_name_is_read_as_a_pdf(pdf, name):
    record = parse_briefing(pdf, name)
    assert record["theme"] == "Neglect"
    assert record["good_practice"] == ["Health visitors knew the family well"]


def test_a_word_document_named_pdf_is_read_as_word():
    record = parse_briefing(docx_bytes(), "briefing.pdf")
    assert record["title"] == "Multi-agency audit: Neglect"
    assert record["good_practice"] == ["Health visitors knew the family well"]


def test_html_named_txt_is_read_as_html():
    record = parse_briefing(BRIEF_HTML.encode(), "briefing.txt")
    assert record["good_practice"] == ["Health visitors knew the family well"]


def test_text_falls_back_to_windows_1252_when_it_is_not_utf8():
    text = "Children\u2019s Social Care \u2013 \u00a35"
    assert decode_text(text.encode("cp1252")) == text


def test_utf16_and_a_utf8_byte_order_mark_are_decoded():
    assert decode_text("Strengths".encode("utf-16")) == "Strengths"
    assert decode_text("\ufeffStrengths".encode()) == "Strengths"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, ".doc"),
        (zip_bytes("xl/workbook.xml"), "spreadsheet"),
        (zip_bytes("ppt/presentation.xml"), "PowerPoint"),
        (zip_bytes("notes.txt"), "zip"),
        (b"PK\x03\x04 damaged", "damaged"),
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"{\\rtf1\\ansi Strengths}", "RTF"),
    ],
)
def test_what_is_not_a_readable_briefing_is_refused_with_a_reason(data, says):
    with pytest.raises(UnsupportedDocument, match=says):
        parse_briefing(data, "briefing.txt")


def test_a_damaged_pdf_is_refused_rather_than_crashing():
    with pytest.raises(UnsupportedDocument, match="PDF"):
        parse_briefing(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", "x.pdf")
