"""A briefing carries only what it shows: no copy of the record hides in any of the files."""

from __future__ import annotations

import json

from maqa.briefings.render_docx import render_docx
from maqa.briefings.render_html import render_html
from maqa.briefings.render_pdf import render_pdf
from maqa.briefings.tests.helpers import docx_parts, pdf_all_bytes

MARKER = "ZQXJ-hidden-7f3a"


def marked(record):
    """The record with a unique marker in every field a briefing does not show."""
    return {
        **record,
        "source": f"{MARKER}-source.json",
        "warnings": [f"{MARKER} warning"],
        "optional": [f"{MARKER} optional call-out"],
        "notes": f"{MARKER} a field the renderers do not know",
        "children": {**record["children"], "extra": MARKER},
    }


def test_no_format_holds_a_field_it_does_not_show(record):
    record = marked(record)
    html = render_html(record).encode()
    pdf = pdf_all_bytes(render_pdf(record))
    docx = b"\n".join(docx_parts(render_docx(record)).values())
    for name, data in (("html", html), ("pdf", pdf), ("docx", docx)):
        assert MARKER.encode() not in data, name
        # Nor the record as JSON, whole or in part.
        assert b'"good_practice"' not in data, name
        assert json.dumps(record["worries"]).encode() not in data, name
