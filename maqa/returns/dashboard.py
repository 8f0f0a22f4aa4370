"""The completion dashboard: every child by every agency taking part, with totals.

A cell is the state of one agency's return for one child, shown as text and a GOV.UK tag colour
(never colour alone). A return is overdue when it is not done and its agency's due date (the
audit's, or the agency's extension) has passed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Max, QuerySet
from django.utils import timezone

from maqa.audits.models import Audit, Case
from maqa.organisations.models import Organisation
from maqa.returns.models import ReminderSent, Return
from maqa.returns.reminders import due_date_of, due_dates_of


@dataclass(frozen=True)
class CellStyle:
    label: str
    tag: str  # GOV.UK tag modifier class, "" for the default (blue)


CELL_STYLES = {
    Return.State.NOT_STARTED: CellStyle("Not started", "govuk-tag--grey"),
    Return.State.DRAFT: CellStyle("Draft", ""),
    Return.State.SUBMITTED: CellStyle("Submitted", "govuk-tag--green"),
    Return.State.SENT_BACK: CellStyle("Sent back", "govuk-tag--orange"),
    Return.State.NOT_KNOWN: CellStyle("Not known to agency", "govuk-tag--turquoise"),
}
OVERDUE = "overdue"
NOT_INVOLVED = "not_involved"


@dataclass(frozen=True)
class Cell:
    state: str  # a Return.State, "overdue" or "not_involved"
    label: str
    tag: str = ""
    return_pk: int | None = None

    @property
    def involved(self) -> bool:
        return self.state != NOT_INVOLVED


@dataclass
class AgencyColumn:
    organisation: Organisation
    due_date: date
    extended: bool
    total: int = 0
    done: int = 0
    overdue: int = 0
    last_chased: datetime | None = None

    @property
    def outstanding(self) -> int:
        return self.total - self.done


@dataclass
class ChildRow:
    child: Case
    cells: list[Cell] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(1 for c in self.cells if c.involved)

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells if c.state in Return.State.done())


@dataclass
class Dashboard:
    audit: Audit
    today: date
    agencies: list[AgencyColumn]
    rows: list[ChildRow]

    @property
    def total(self) -> int:
        return sum(a.total for a in self.agencies)

    @property
    def done(self) -> int:
        return sum(a.done for a in self.agencies)

    @property
    def overdue(self) -> int:
        return sum(a.overdue for a in self.agencies)

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.state == state)


def cell_for(ret: Return | None, due_date: date, today: date) -> Cell:
    if ret is None:
        return Cell(NOT_INVOLVED, "Not involved")
    if ret.state not in Return.State.done() and due_date < today:
        state = CELL_STYLES[Return.State(ret.state)].label.lower()
        return Cell(OVERDUE, f"Overdue ({state})", "govuk-tag--red", ret.pk)
    style = CELL_STYLES[Return.State(ret.state)]
    return Cell(ret.state, style.label, style.tag, ret.pk)


def audit_dashboard(*, audit: Audit, today: date | None = None) -> Dashboard:
    """The dashboard of one audit, in five queries whatever its size."""
    today = today or timezone.localdate()
    organisations = list(audit.agencies.order_by("short_name"))
    extensions = due_dates_of([audit.pk])
    chased = dict(
        ReminderSent.objects.filter(return_obj__audit=audit, kind=ReminderSent.Kind.CHASE)
        .values("return_obj__organisation")
        .annotate(last=Max("sent_at"))
        .values_list("return_obj__organisation", "last")
    )
    agencies = [
        AgencyColumn(
            organisation=org,
            due_date=extensions.get((audit.pk, org.pk), audit.returns_due),
            extended=(audit.pk, org.pk) in extensions,
            last_chased=chased.get(org.pk),
        )
        for org in organisations
    ]
    returns = {
        (r.child_id, r.organisation_id): r
        for r in Return.objects.filter(audit=audit).only(
            "pk", "child_id", "organisation_id", "state"
        )
    }
    rows = []
    for child in audit.cases.filter(sampled=True).order_by("sample_order", "pk"):
        row = ChildRow(child)
        for column in agencies:
            ret = returns.get((child.pk, column.organisation.pk))
            cell = cell_for(ret, column.due_date, today)
            row.cells.append(cell)
            if cell.involved:
                column.total += 1
                column.done += cell.state in Return.State.done()
                column.overdue += cell.state == OVERDUE
        rows.append(row)
    return Dashboard(audit=audit, today=today, agencies=agencies, rows=rows)


def dashboard_csv_rows(board: Dashboard) -> Iterator[list[object]]:
    """The dashboard as a table: a row per child, a column per agency, then the totals."""
    yield ["Child", *(a.organisation.short_name for a in board.agencies), "Done"]
    for row in board.rows:
        yield [
            row.child.reference,
            *(cell.label for cell in row.cells),
            f"{row.done} of {row.total}",
        ]
    yield [
        "Done",
        *(f"{a.done} of {a.total}" for a in board.agencies),
        f"{board.done} of {board.total}",
    ]
    yield ["Overdue", *(a.overdue for a in board.agencies), board.overdue]
    yield ["Due", *(a.due_date.isoformat() for a in board.agencies), ""]


# --- progress, for the home page ------------------------------------------------------------


@dataclass
class Progress:
    """How far one audit's returns have got (all of them, or one person's agencies')."""

    audit: Audit
    total: int = 0
    done: int = 0
    overdue: int = 0
    # The earliest due date of the returns still to do that are not yet overdue.
    next_due: date | None = None
    # The earliest due date of the overdue ones.
    overdue_since: date | None = None

    @property
    def outstanding(self) -> int:
        return self.total - self.done


def returns_progress(
    *, audits: QuerySet[Audit], organisation_ids: set[int] | None = None, today: date | None = None
) -> list[Progress]:
    """Progress of each audit's returns, in two queries; limited to some agencies if given."""
    today = today or timezone.localdate()
    returns = Return.objects.filter(audit__in=audits).select_related("audit")
    if organisation_ids is not None:
        returns = returns.filter(organisation_id__in=organisation_ids)
    rows = list(returns.order_by("audit__returns_due", "audit_id"))
    extensions = due_dates_of({r.audit_id for r in rows})
    progress: dict[int, Progress] = {}
    for ret in rows:
        item = progress.setdefault(ret.audit_id, Progress(ret.audit))
        item.total += 1
        if ret.state in Return.State.done():
            item.done += 1
            continue
        due = due_date_of(ret, extensions)
        if due < today:
            item.overdue += 1
            item.overdue_since = min(item.overdue_since or due, due)
        else:
            item.next_due = min(item.next_due or due, due)
    return list(progress.values())
