"""CSV downloads that a spreadsheet opens as data, never as formulas.

A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading the rest as a formula) could run as a formula when the file is
opened in Excel or LibreOffice: CSV injection. Such text cells are prefixed with a single quote, as
OWASP recommends; numbers pass through unchanged, since a number cannot be a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A cell's text, quoted with a leading ``'`` when a spreadsheet might read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def csv_response(*, filename: str, rows: Iterable[Sequence[object]]) -> HttpResponse:
    """A CSV download. ``filename`` must hold no case details (references, never names).

    The byte order mark lets Excel read the file as UTF-8; the response is never cached.
    """
    response = HttpResponse("\ufeff" + csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
