"""Audits already held that an imported one looks like (the same theme and date), and what a
person may decide about it: import it anyway, or skip it."""

from __future__ import annotations

from maqa.audits.models import Audit
from maqa.importers.services.records import Plan
from maqa.organisations.models import Partnership

IMPORT_ANYWAY = "import anyway"
SKIP = "skip"
DECISIONS = (IMPORT_ANYWAY, SKIP)


def duplicates_of(partnership: Partnership, plan: Plan) -> list[Audit]:
    """The partnership's audits that look like this one: the same theme (ignoring case and
    spacing) and the same date, compared by month where either date is known only to the month."""
    wanted = plan.theme.casefold()
    same_month = Audit.objects.filter(
        partnership=partnership,
        panel_date__year=plan.panel_date.year,
        panel_date__month=plan.panel_date.month,
    ).order_by("pk")
    found = []
    for audit in same_month:
        if " ".join(audit.theme.split()).casefold() != wanted:
            continue
        by_month = "month" in (audit.date_precision, plan.date_precision)
        if by_month or audit.panel_date == plan.panel_date:
            found.append(audit)
    return found


def looks_like(audits: list[Audit]) -> str:
    """Why a document waits for a decision: the audits already held that it looks like."""
    held = "; ".join(f"“{a.theme}” of {_date_label(a)} (audit {a.pk})" for a in audits[:3])
    return (
        f"this looks like an audit already held: {held}. Decide whether to import it anyway "
        "or skip it."
    )


def _date_label(audit: Audit) -> str:
    if audit.date_precision == "month":
        return audit.panel_date.strftime("%B %Y")
    return audit.panel_date.strftime("%-d %B %Y")
