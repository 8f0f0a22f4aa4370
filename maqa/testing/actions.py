"""Helpers for tests of actions: a sample action, and small real files of each accepted kind."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from maqa.actions.models import Action
from maqa.actions.services import action_create
from maqa.findings.models import Theme
from maqa.testing.personas import Personas


def tiny_pdf(text: str = "Evidence: training attendance register") -> bytes:
    """A small, valid one-page PDF (the cross-reference offsets are computed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()


def tiny_image(kind: str = "PNG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(out, format=kind)
    return out.getvalue()


def tiny_docx(text: str = "Evidence: the revised procedure") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_action(personas: Personas, *, due_in_days: int = 30, **kwargs: Any) -> Action:
    """An action owned by the police organisation, written by the admin."""
    due: date = timezone.localdate() + timedelta(days=due_in_days)
    values: dict[str, Any] = {
        "description": "Deliver briefings to response officers on recording fathers' details.",
        "owner_organisation": personas.police_org,
        "due_date": due,
        "measure_of_success": "Dip sample of 20 records in six months shows fathers recorded.",
        "themes": list(
            Theme.objects.filter(partnership=personas.partnership, slug="fathers-male-carers")
        ),
    }
    values.update(kwargs)
    return action_create(actor=personas.admin, ip=None, **values)
