"""A briefing as a Word document (python-docx) that can be edited and reflowed.

Real styles carry the structure: Heading 1 for the title, Heading 2 for each section and theme for
learning, Heading 3 for "What we found" and "What needs to happen", List Bullet for every point,
and a true hyperlink (``w:hyperlink`` with an external relationship) for each resource with an
address. Text goes in as literal runs, so a field code someone typed (``{ DDE ... }``,
``{ HYPERLINK ... }``) stays text. The file carries nothing the reader cannot see: the template's
custom XML and thumbnail are dropped, and the only core property set is the title.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from maqa.briefings.record import (
    ACTIONS_HEADING,
    FOUND_HEADING,
    GOOD_PRACTICE_HEADING,
    RESOURCES_HEADING,
    WORRIES_HEADING,
    BriefingContent,
    briefing_content,
)
from maqa.briefings.render_html import image_mime_type
from maqa.briefings.types import BriefingRecord

TEXT = RGBColor(0x0B, 0x0C, 0x0C)
BRAND = RGBColor(0x1D, 0x70, 0xB8)
LINK = RGBColor(0x1A, 0x65, 0xA6)
FONT = "Arial"
# A fixed date for the core properties, so that one record always gives the same file.
EPOCH = datetime(2000, 1, 1)

_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>maqa</Application></Properties>"
)


def add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """Append ``text`` as a link to ``url``: a ``w:hyperlink`` run with an external relationship.

    python-docx reads hyperlinks but has no call to write one.
    """
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def _add_field(paragraph: Paragraph, instruction: str, size: Pt) -> None:
    """A simple field of our own (PAGE, NUMPAGES) in the footer; never used for record text."""
    run = paragraph.add_run("1")
    run.font.size = size
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run._r.addprevious(field)
    field.append(run._r)


def _set_language(document: Any, lang: str = "en-GB") -> None:
    """The document's default language, in the styles' run defaults (Word's spelling and readers)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), lang)
    language.set(qn("w:eastAsia"), lang)
    language.set(qn("w:bidi"), "ar-SA")
    properties.append(language)


def _style(document: Any) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.font.color.rgb = TEXT
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    # East Asian and complex-script fonts too, or Word falls back to the theme's.
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for name, size, colour, before in (
        ("Heading 1", 20, TEXT, 6),
        ("Heading 2", 14, TEXT, 16),
        ("Heading 3", 12, TEXT, 10),
    ):
        heading = styles[name]
        heading.font.name = FONT
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = colour
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(4)
        heading.paragraph_format.keep_with_next = True
        heading_fonts = heading.element.rPr.find(qn("w:rFonts"))
        if heading_fonts is not None:
            for attribute in list(heading_fonts.attrib):
                del heading_fonts.attrib[attribute]
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                heading_fonts.set(qn(attribute), FONT)
    bullets = styles["List Bullet"]
    bullets.paragraph_format.space_after = Pt(3)
    if "Hyperlink" not in [s.name for s in styles]:
        from docx.enum.style import WD_STYLE_TYPE

        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = LINK
        link.font.underline = True
        link.hidden = False
        link.unhide_when_used = True


def _strip_hidden_parts(document: Any) -> None:
    """Drop what the default template carries that nobody sees: custom XML and a thumbnail."""
    for rels in (document.part.rels, document.part.package.rels):
        for rel_id, rel in list(rels.items()):
            if rel.reltype in (RT.CUSTOM_XML, RT.THUMBNAIL):
                del rels[rel_id]
    for rel in document.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML


def _core_properties(document: Any, title: str) -> None:
    core = document.core_properties
    # Word's core properties hold at most 255 characters.
    core.title = title if len(title) <= 255 else title[:254].rstrip() + "…"
    for name in (
        "author",
        "category",
        "comments",
        "content_status",
        "identifier",
        "keywords",
        "language",
        "last_modified_by",
        "subject",
        "version",
    ):
        setattr(core, name, "")
    core.revision = 1
    core.created = EPOCH
    core.modified = EPOCH


def _page(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(18), Mm(20)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    size = Pt(9)
    footer.add_run("Page ").font.size = size
    _add_field(footer, "PAGE", size)
    footer.add_run(" of ").font.size = size
    _add_field(footer, "NUMPAGES", size)


def _bullets(document: Any, items: list[str]) -> None:
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def build_document(content: BriefingContent, *, logo_path: Path | None = None) -> Any:
    document = Document()
    _strip_hidden_parts(document)
    _style(document)
    _set_language(document)
    _page(document)
    _core_properties(document, content.document_title)

    if logo_path is not None:
        document.add_picture(str(logo_path), height=Mm(18))
        picture = document.inline_shapes[-1]
        doc_pr = picture._inline.docPr
        doc_pr.set("descr", f"{content.partnership_or_default} logo")
        doc_pr.set("name", "Logo")
    if content.partnership:
        partnership = document.add_paragraph()
        run = partnership.add_run(content.partnership)
        run.bold = True
        run.font.color.rgb = BRAND
    document.add_heading(content.title, level=1)
    if content.date_line:
        date_line = document.add_paragraph()
        date_line.add_run(content.date_line).font.size = Pt(12)
    for paragraph in content.intro:
        document.add_paragraph(paragraph)

    if content.worries:
        document.add_heading(WORRIES_HEADING, level=2)
        _bullets(document, content.worries)
    if content.good_practice:
        document.add_heading(GOOD_PRACTICE_HEADING, level=2)
        _bullets(document, content.good_practice)
    if content.organisations:
        document.add_paragraph(content.organisations)
    for theme in content.learning:
        document.add_heading(theme.heading, level=2)
        if theme.found:
            document.add_heading(FOUND_HEADING, level=3)
            _bullets(document, theme.found)
        if theme.actions:
            document.add_heading(ACTIONS_HEADING, level=3)
            _bullets(document, theme.actions)
    if content.resources:
        document.add_heading(RESOURCES_HEADING, level=2)
        for resource in content.resources:
            if resource.url:
                add_hyperlink(
                    document.add_paragraph(style="List Bullet"), resource.title, resource.url
                )
            else:
                document.add_paragraph(resource.title, style="List Bullet")
    return document


def render_docx(record: BriefingRecord, *, logo_path: Path | None = None) -> bytes:
    """The briefing as a .docx file.

    ``logo_path``: the partnership's logo (PNG or JPEG), placed at the top with alternative text.
    Raises :class:`maqa.briefings.record.InvalidRecord` for an invalid record.
    """
    content = briefing_content(record)
    if logo_path is not None:
        logo_path = Path(logo_path)
        if image_mime_type(logo_path.read_bytes()[:8]) is None:
            raise ValueError("The logo must be a PNG or JPEG image.")
    document = build_document(content, logo_path=logo_path)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same package with every part dated 1 January 1980 (zip's earliest date).

    python-docx stamps each part with the time it was written, so two renders a second apart
    differed; a published version is checked by its SHA-256, so the same record must give the
    same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
