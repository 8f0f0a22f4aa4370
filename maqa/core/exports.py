"""CSV and XLSX downloads that a spreadsheet opens as data, never as formulas.

A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading the rest as a formula) could run as a formula when the file is
opened in Excel or LibreOffice: CSV injection. Such text cells are prefixed with a single quote, as
OWASP recommends; numbers pass through unchanged, since a number cannot be a formula. XLSX files
get the same quoted text, written as string cells (openpyxl would otherwise store "=..." as a
formula), and dates as date cells.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from functools import cache

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def _illegal_characters() -> re.Pattern[str]:
    """The control characters an XLSX file cannot hold. openpyxl (and numpy, which it imports)
    loads with the first spreadsheet, not with the URLconf."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    pattern: re.Pattern[str] = ILLEGAL_CHARACTERS_RE
    return pattern


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


def xlsx_cell(value: object) -> object:
    """A cell's value for openpyxl: numbers and dates as themselves, everything else as
    neutralised text without the control characters an XLSX file cannot hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # XLSX has no time zones
    if isinstance(value, int | float | datetime.date):
        return value
    return _illegal_characters().sub("", neutralise(value))


def xlsx_bytes(rows: Iterable[Sequence[object]], *, sheet: str) -> bytes:
    """The rows as a one-sheet workbook: the first row in bold and frozen, every text cell a
    string cell (never a formula), dates shown as yyyy-mm-dd; column widths from the first 200
    rows.

    openpyxl stores text as a formula only when it starts with "=", which neutralised text never
    does, so appending plain values (the fastest way; its write-only mode was slower) gives
    string cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet[:31]
    widths: dict[int, int] = {}
    for row_number, row in enumerate(rows, start=1):
        values = [xlsx_cell(value) for value in row]
        worksheet.append(values)
        if row_number <= 200:
            for column, value in enumerate(values, start=1):
                shown = len(str(value)) if value is not None else 0
                widths[column] = max(widths.get(column, 8), min(shown + 2, 60))
    bold = Font(bold=True)
    for cell in worksheet[1] if worksheet.max_row else ():
        cell.font = bold
    worksheet.freeze_panes = "A2"
    for column, width in widths.items():
        worksheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, rows: Iterable[Sequence[object]], sheet: str) -> HttpResponse:
    """An XLSX download. ``filename`` must hold no case details (references, never names)."""
    response = HttpResponse(xlsx_bytes(rows, sheet=sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
