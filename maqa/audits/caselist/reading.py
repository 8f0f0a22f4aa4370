"""Reading a case list file: a CSV (UTF-8) or XLSX file, told apart by its first bytes, read
into rows within limits on size, rows and (for a workbook) what it unpacks to."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from maqa.audits.caselist.problems import CaseListProblems, Problem

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000  # cases in one file, and in an audit's case list
MAX_COLUMNS = 60  # cells read from each row of a workbook
# A workbook is a zip file: 5 MB of it could unpack to gigabytes. 5,000 cases take a few MB.
MAX_UNPACKED = 100 * 1024 * 1024


Cell = str | datetime.date | None


@dataclass(frozen=True)
class Table:
    kind: str  # "CSV" or "XLSX"
    rows: list[tuple[int, list[Cell]]]  # (row number in the file, cells), blank rows left out


def _cell(value: object) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _file_problem(message: str) -> CaseListProblems:
    return CaseListProblems([Problem(None, "", message)])


def read_case_list(data: bytes) -> Table:
    """The rows of a CSV (UTF-8) or XLSX file, told apart by their first bytes, not their name.

    Raises CaseListProblems for a problem with the whole file: too big, empty, not readable,
    no cases or too many."""
    if len(data) > MAX_BYTES:
        raise _file_problem("The file is larger than 5 MB. Split it into smaller files.")
    if not data.strip():
        raise _file_problem("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        kind, lines = "XLSX", _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_problem(
            "The file is an old Excel workbook (.xls). Save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8."
        )
    else:
        kind, lines = "CSV", _csv_rows(data)
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(lines, start=1):
        if any(c not in (None, "") for c in cells):
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:  # the heading row and one case too many
                raise _file_problem(
                    f"The file has more than {MAX_ROWS:,} cases. Split it into files of up to "
                    f"{MAX_ROWS:,} cases and upload each."
                )
    if not rows:
        raise _file_problem("The file is empty.")
    if len(rows) == 1:
        raise _file_problem("The file has column headings but no cases.")
    return Table(kind=kind, rows=rows)


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")  # with or without a byte order mark
    except UnicodeDecodeError:
        text = ""
    if not text or "\x00" in text:
        raise _file_problem(
            "The file is not UTF-8 text. In your spreadsheet, save it as CSV UTF-8 "
            "(comma delimited), or as an Excel Workbook (.xlsx)."
        )
    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            yield [c.strip() for c in cells]
    except csv.Error as exc:
        raise _file_problem(
            "The file cannot be read as CSV (for example a quote mark is not closed). "
            "Save it again from your spreadsheet as CSV UTF-8."
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    unreadable = _file_problem(
        "The file cannot be read as an Excel workbook (.xlsx). Save it again from your "
        "spreadsheet as an Excel Workbook or as CSV UTF-8."
    )
    try:
        # zipfile never reads past a member's stated size, so the stated sizes are a true limit.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise unreadable from exc
    if unpacked > MAX_UNPACKED:
        raise _file_problem(
            "The workbook is too large once unpacked (over 100 MB). Save it as CSV UTF-8, or "
            "split it into smaller files."
        )
    import openpyxl  # here, not at the top: it costs start-up time (and loads numpy)

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise unreadable from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [_cell(v) for v in values]
    except CaseListProblems:
        raise
    except Exception as exc:
        raise unreadable from exc
    finally:
        workbook.close()
