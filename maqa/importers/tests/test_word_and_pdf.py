"""Word documents built with python-docx and PDFs built with WeasyPrint, read back."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from maqa.briefings.types import BriefingRecord
from maqa.importers import parse_briefing


def _hyperlink(paragraph: Any, text: str, url: str) -> None:
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _text_box(paragraph: Any, lines: list[str]) -> None:
    """A DrawingML text box anchored in ``paragraph`` (a call-out, as Word draws one)."""
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    xml = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        "<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
        f"{body}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></w:r>"
    )
    paragraph._p.append(parse_xml(xml))


@pytest.fixture(scope="module")
def word_briefing() -> BriefingRecord:
    document = docx.Document()
    document.add_paragraph("Multi-agency audit: Hidden Harm", style="Title")
    document.add_paragraph(
        "The audit of 21st January 2024 looked at the records of seven children aged 6 months "
        "to 12 years whose parents misuse substances. Three had a child protection plan and "
        "four a child in need plan."
    )
    table = document.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "What went well"
    table.rows[0].cells[1].text = "What didn't go well"
    table.rows[1].cells[0].text = "Drug services shared test results"
    table.rows[1].cells[1].text = "Hidden harm screening was not used"
    table.rows[2].cells[0].text = "GPs flagged parental prescriptions"
    document.add_heading("Learning themes", level=1)
    document.add_heading("Recognising hidden harm", level=2)
    document.add_paragraph("Adult services did not ask about children at home", style="List Bullet")
    document.add_paragraph("Young carers were not identified", style="List Bullet 2")
    _text_box(document.add_paragraph(), ["Think Family: ask about every adult at home"])
    document.add_heading("What needs to happen", level=3)
    document.add_paragraph("Ask every adult about the children they live with", style="List Number")
    document.add_paragraph("Refer young carers for an assessment", style="List Number")
    links = document.add_paragraph("The ")
    _hyperlink(links, "Hidden Harm Toolkit", "https://example.org/hidden-harm")
    links.add_run(" is available here")
    buffer = io.BytesIO()
    document.save(buffer)
    return parse_briefing(buffer.getvalue(), "hidden-harm.docx")


def test_word_headings_give_the_title_and_the_themes(word_briefing):
    assert word_briefing["title"] == "Multi-agency audit: Hidden Harm"
    assert word_briefing["theme"] == "Hidden Harm"
    assert [t["title"] for t in word_briefing["learning"]] == ["Recognising hidden harm"]


def test_word_list_styles_are_points(word_briefing):
    theme = word_briefing["learning"][0]
    assert theme["found"][:2] == [
        "Adult services did not ask about children at home",
        "Young carers were not identified",
    ]
    assert theme["actions"][-2:] == [
        "Ask every adult about the children they live with",
        "Refer young carers for an assessment",
    ]


def test_a_word_text_box_is_read_where_it_is_anchored(word_briefing):
    # Between the theme's findings and its actions, worded as an action: read as one.
    assert (
        word_briefing["learning"][0]["actions"][0] == "Think Family: ask about every adult at home"
    )


def test_a_word_table_whose_header_names_sections_is_read_by_column(word_briefing):
    assert word_briefing["good_practice"] == [
        "Drug services shared test results",
        "GPs flagged parental prescriptions",
    ]
    assert word_briefing["worries"] == ["Hidden harm screening was not used"]


def test_word_sample_facts_and_hyperlinks(word_briefing):
    children = word_briefing["children"]
    assert word_briefing["audit_date"] == "2024-01-21"
    assert (children["count"], children["age_min"], children["age_max"]) == (
        7,
        {"value": 6, "unit": "month"},
        {"value": 12, "unit": "year"},
    )
    assert children["plan_counts"] == {"child_protection": 3, "child_in_need": 4}
    assert word_briefing["resources"] == ["The Hidden Harm Toolkit"]
    assert word_briefing["links"] == [
        {"title": "Hidden Harm Toolkit", "url": "https://example.org/hidden-harm"}
    ]


PDF_HTML = """<!DOCTYPE html><html><head><style>
body { font-family: sans-serif; font-size: 10pt; } h1 { font-size: 20pt; } h2 { font-size: 14pt; }
h3 { font-size: 12pt; }
</style></head><body>
<h1>Multi Agency Quality Assurance Audit: Exploitation</h1>
<p>The audit of 2nd October 2023 reviewed the records of eleven young people aged 13 to 17 years
who are looked after by the local authority.</p>
<p>The young people had a range of needs such as going missing, substance misuse, school
exclusion and criminal exploitation.</p>
<h2>What are we worried about?</h2>
<ul><li>Return home interviews were offered late, and the themes from them were not gathered or
shared with the police, schools or the exploitation hub across the whole of the audit period</li>
<li>Disruption plans were not used</li></ul>
<h2>Strengths</h2>
<ul><li>Youth workers stayed with young people through changes of placement</li></ul>
<h2>Themes for Learning: Contextual safeguarding</h2>
<h3>What we found</h3><ul><li>Places were known to practitioners but not mapped</li></ul>
<h3>What needs to happen</h3><ol><li>Map places of concern at every strategy meeting</li></ol>
<h2>Resources</h2>
<ul><li><a href="https://example.org/exploitation">Exploitation Toolkit</a></li></ul>
</body></html>"""


@pytest.fixture(scope="module")
def pdf_briefing() -> BriefingRecord:
    import weasyprint

    return parse_briefing(weasyprint.HTML(string=PDF_HTML).write_pdf(), "exploitation.pdf")


def test_a_pdf_keeps_its_bullets_with_their_points(pdf_briefing):
    assert pdf_briefing["worries"] == [
        "Return home interviews were offered late, and the themes from them were not gathered or "
        "shared with the police, schools or the exploitation hub across the whole of the audit "
        "period",
        "Disruption plans were not used",
    ]
    assert pdf_briefing["good_practice"] == [
        "Youth workers stayed with young people through changes of placement"
    ]


def test_a_pdf_reads_its_headings_facts_and_links(pdf_briefing):
    assert pdf_briefing["theme"] == "Exploitation"
    assert pdf_briefing["audit_date"] == "2023-10-02"
    assert pdf_briefing["children"]["count"] == 11
    assert pdf_briefing["children"]["plan_counts"] == {"looked_after": 11}
    assert pdf_briefing["needs"] == [
        "going missing",
        "substance misuse",
        "school exclusion",
        "criminal exploitation",
    ]
    assert pdf_briefing["learning"] == [
        {
            "title": "Contextual safeguarding",
            "found": ["Places were known to practitioners but not mapped"],
            "actions": ["Map places of concern at every strategy meeting"],
        }
    ]
    assert pdf_briefing["resources"] == ["Exploitation Toolkit"]
    assert pdf_briefing["links"] == [
        {"title": "Exploitation Toolkit", "url": "https://example.org/exploitation"}
    ]
