"""The case list template to download, as CSV or XLSX: the headings and one example row made of
made-up values, and (in the workbook) a sheet on how to fill it in, with the partnership's
agencies."""

from __future__ import annotations

import csv
import io

from maqa.audits.caselist.columns import COLUMNS
from maqa.audits.models import Audit
from maqa.core.exports import neutralise
from maqa.organisations.models import Organisation

TEMPLATE_NAME = "maqa-case-list-template"


def neutralise_cell(value: str) -> str:
    """A cell as it goes into an exported file: see maqa.core.exports.neutralise, the one rule."""
    return neutralise(value)


def template_rows(audit: Audit) -> list[list[str]]:
    """The headings and one example row (synthetic), with the partnership's own agencies."""
    organisations = list(
        Organisation.objects.filter(partnership_id=audit.partnership_id, active=True).order_by(
            "short_name"
        )
    )
    agencies = [o for o in organisations if o.sector != Organisation.Sector.OTHER] or organisations
    lead = next(
        (o for o in agencies if o.sector == Organisation.Sector.LOCAL_AUTHORITY),
        agencies[0] if agencies else None,
    )
    example = {
        "case_number": "CN-SYN-00007",
        "name": "Synthname07 Tokenfamily07",
        "date_of_birth": "2019-05-01",
        "sex": "Girl",
        "plan_type": "Child protection",
        "category": "Neglect",
        "plan_start_date": "2024-01-15",
        "needs": "neglect; domestic abuse",
        "agencies": "; ".join(o.short_name for o in agencies[:3]),
        "lead_agency": lead.short_name if lead else "",
        "family_group": "FG-SYN-03",
    }
    return [[c.header for c in COLUMNS], [example[c.key] for c in COLUMNS]]


def template_csv(audit: Audit) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in template_rows(audit):
        writer.writerow([neutralise_cell(cell) for cell in row])
    # With a byte order mark, Excel opens the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(audit: Audit) -> bytes:
    import openpyxl  # here, not at the top: it costs start-up time

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Case list"
    for row in template_rows(audit):
        sheet.append([neutralise_cell(cell) for cell in row])
    guide = workbook.create_sheet("How to fill it in")
    rows = [["Column", "Needed", "What to write"]]
    rows += [[c.header, "Yes" if c.required else "No", c.accepts] for c in COLUMNS]
    rows += [[], ["Organisations", "Short name", "Name"]]
    rows += [
        ["", o.short_name, o.name]
        for o in Organisation.objects.filter(
            partnership_id=audit.partnership_id, active=True
        ).order_by("short_name")
    ]
    rows += [[], ["Only the first sheet is read. Its first row must be the column headings."]]
    for row in rows:
        guide.append([neutralise_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
