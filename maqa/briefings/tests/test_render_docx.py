from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess

import docx
import pytest
import time_machine

from maqa.briefings.render_docx import render_docx
from maqa.briefings.tests.helpers import (
    NASTY,
    docx_parts,
    docx_text,
    nasty_record,
    pdf_link_uris,
    pdftotext,
    styles_used,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def sample_docx(record) -> bytes:
    return render_docx(record)


def test_it_opens_with_python_docx_and_has_the_title_as_heading_1(sample_docx):
    document = docx.Document(io.BytesIO(sample_docx))
    used = styles_used(sample_docx)
    assert used["Heading 1"] == [
        "Multi Agency Quality Assurance Audit: Neglect and Home Conditions"
    ]
    assert document.paragraphs[0].text == "Demo Children's Partnership"
    assert document.paragraphs[2].text == "March 2026"


def test_sections_and_themes_are_real_headings_and_points_real_bullets(record, sample_docx):
    used = styles_used(sample_docx)
    assert used["Heading 2"] == [
        "What we are worried about?",
        "What Good Practice did we see?",
        "Themes for Learning: Hearing the child",
        "Themes for Learning: Working with fathers",
        "Themes for Learning: Planning that sticks",
        "Resources",
    ]
    assert used["Heading 3"] == ["What we found", "What needs to happen"] * 3
    expected = (
        record["worries"]
        + record["good_practice"]
        + [p for t in record["learning"] for p in t["found"] + t["actions"]]
        + record["resources"]
    )
    assert used["List Bullet"] == expected


def test_the_bullet_style_is_a_numbered_list_word_can_reflow(sample_docx):
    styles = docx_parts(sample_docx)["word/styles.xml"].decode()
    bullet = re.search(r'<w:style [^>]*w:styleId="ListBullet".*?</w:style>', styles, re.S)
    assert bullet and "<w:numPr>" in bullet.group(0)


def test_resources_with_an_address_are_hyperlinks(sample_docx):
    parts = docx_parts(sample_docx)
    rels = parts["word/_rels/document.xml.rels"].decode()
    targets = re.findall(r'Target="([^"]+)" TargetMode="External"', rels)
    assert sorted(targets) == [
        "https://example.org/escalation",
        "https://example.org/neglect-toolkit",
    ]
    document = docx.Document(io.BytesIO(sample_docx))
    links = [(h.text, h.address) for p in document.paragraphs for h in p.hyperlinks if h.address]
    assert links == [
        ("Neglect Toolkit", "https://example.org/neglect-toolkit"),
        ("Escalation Policy", "https://example.org/escalation"),
    ]


def test_the_only_property_is_the_title_and_nothing_is_hidden(sample_docx):
    parts = docx_parts(sample_docx)
    assert not any(name.startswith("customXml") for name in parts)
    assert not any("thumbnail" in name for name in parts)
    assert not any("embeddings" in name or "attachedTemplate" in name for name in parts)
    document = docx.Document(io.BytesIO(sample_docx))
    core = document.core_properties
    assert (
        core.title == "Multi Agency Quality Assurance Audit: Neglect and Home Conditions March 2026"
    )
    for name in ("author", "comments", "keywords", "subject", "category", "last_modified_by"):
        assert getattr(core, name) == "", name
    assert b"python-docx" not in b"".join(parts.values())


def test_the_language_is_british_english(sample_docx):
    styles = docx_parts(sample_docx)["word/styles.xml"].decode()
    assert 'w:lang w:val="en-GB"' in styles


def test_it_has_page_numbers_in_the_footer(sample_docx):
    footer = docx_parts(sample_docx)["word/footer1.xml"].decode()
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_a_field_code_someone_typed_stays_text():
    data = render_docx(nasty_record())
    document_xml = docx_parts(data)["word/document.xml"].decode()
    for element in ("w:fldChar", "w:instrText", "w:fldSimple", "w:object", "w:pict"):
        assert f"<{element}" not in document_xml, element
    assert "&lt;script&gt;" in document_xml
    assert "{ DDE" in document_xml and "{ HYPERLINK" in document_xml
    text = docx_text(data)
    assert text.count(NASTY) >= 8
    # The one hyperlink is the resource's own address, not one from the typed text.
    rels = docx_parts(data)["word/_rels/document.xml.rels"].decode()
    assert re.findall(r'Target="([^"]+)" TargetMode="External"', rels) == [
        "https://example.org/?a=1&amp;b=2"
    ]


def test_the_logo_has_alternative_text(record, logo_file):
    data = render_docx(record, logo_path=logo_file)
    parts = docx_parts(data)
    assert any(name.startswith("word/media/") for name in parts)
    assert (
        'descr="Demo Children&apos;s Partnership logo"' in parts["word/document.xml"].decode()
        or 'descr="Demo Children\'s Partnership logo"' in parts["word/document.xml"].decode()
    )


def test_control_characters_someone_pasted_do_not_break_the_file():
    data = render_docx({"theme": "Bad\x00 char\x0b", "worries": ["a\x1fb"]})
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text.endswith("Bad char")


def test_the_same_record_gives_the_same_file(record):
    # A published version stores the file's SHA-256: rendering again must give the same bytes,
    # also a few seconds later (the zip parts carry a time of their own).
    first = render_docx(record)
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(seconds=5), tick=False):
        assert render_docx(record) == first


@pytest.mark.slow
def test_it_opens_in_libreoffice_and_keeps_its_headings(record, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        # scripts/install-system-deps installs it: CI must not pass without the check
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is missing: run scripts/install-system-deps")
        pytest.skip(
            "LibreOffice is not installed (optional: apt-get install libreoffice-writer-nogui)"
        )
    source = tmp_path / "briefing.docx"
    source.write_bytes(render_docx(record))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    pdf = (tmp_path / "briefing.pdf").read_bytes()
    text = pdftotext(pdf)
    for heading in ("What we are worried about?", "Themes for Learning: Hearing the child"):
        assert heading in text
    assert "Page 1 of" in text
    assert "https://example.org/neglect-toolkit" in pdf_link_uris(pdf)
