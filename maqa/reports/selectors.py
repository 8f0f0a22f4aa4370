"""Reads for the exports (findings, agreed grades, actions) and the board report.

The period is a range of dates, both ends included, as on the trends page
(maqa.trends.selectors): findings and grades by their audit's panel date; actions by their
audit's panel date, or, for an action tied to no audit, the day it was written. An audit whose
date is known only to the month carries the first of that month.

No export holds a child's identifier: grades name the child by its reference ("Child A").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from maqa.accounts.access import AnyUser
from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.briefings.gather import build_record, gather_many, point_resources
from maqa.briefings.models import BriefingVersion
from maqa.briefings.record import InvalidRecord, briefing_content
from maqa.briefings.types import BriefingRecord
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Partnership
from maqa.panel.models import PanelGrade
from maqa.reports import access
from maqa.tools.models import AuditToolVersion
from maqa.trends.selectors import OPEN_ACTION_STATES, TrendsData, trends_data

# --- the period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the person chose on the reports page."""

    start: date | None = None
    end: date | None = None
    audit: Audit | None = None

    def summary(self) -> dict[str, Any]:
        """For the audit event: what was asked for, never any case detail."""
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "audit": self.audit.pk if self.audit else None,
        }


def period_label(start: date | None, end: date | None) -> str:
    """ "1 January 2024 to 31 December 2025", "from ...", "up to ...", or "all audits"."""

    def day(value: date) -> str:
        return f"{value.day} {value:%B %Y}"

    if start and end:
        return f"{day(start)} to {day(end)}"
    if start:
        return f"from {day(start)}"
    if end:
        return f"up to {day(end)}"
    return "all audits"


def _period(filters: Filters, field_name: str) -> Q:
    condition = Q()
    if filters.start is not None:
        condition &= Q(**{f"{field_name}__gte": filters.start})
    if filters.end is not None:
        condition &= Q(**{f"{field_name}__lte": filters.end})
    return condition


def audit_date(audit: Audit) -> date | str:
    """The panel date; "2022-12" when only the month is known."""
    if audit.date_precision == "month":
        return audit.panel_date.strftime("%Y-%m")
    return audit.panel_date


# --- exports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[object, ...]]

    def all_rows(self) -> list[tuple[object, ...]]:
        return [self.header, *self.rows]


FINDINGS_HEADER = (
    "Audit",
    "Audit date",
    "Section",
    "Theme for learning",
    "Polarity",
    "Text",
    "Themes",
    "Subthemes",
    "Resources",
)
GRADES_HEADER = ("Audit", "Audit date", "Child", "Domain", "Grade", "Rationale")
ACTIONS_HEADER = (
    "Description",
    "Owner agency",
    "Owner person",
    "Due date",
    "Status",
    "Measure of success",
    "Themes",
    "Audit",
    "Completed date",
    "Cancelled reason",
)
SECTION_ORDER = {
    Finding.Section.WORRY: (0, 0),
    Finding.Section.GOOD_PRACTICE: (1, 0),
    Finding.Section.FOUND: (2, 0),
    Finding.Section.ACTION: (2, 1),
}


def _joined(names: list[str]) -> str:
    return "; ".join(dict.fromkeys(names))


def _audit_date(panel_date: date, precision: str) -> date | str:
    return panel_date.strftime("%Y-%m") if precision == "month" else panel_date


def _theme_names(findings: QuerySet[Finding]) -> dict[int, list[tuple[str, str | None]]]:
    """{finding pk: [(theme name, its parent's name or None), ...] by name} in two queries."""
    links = list(
        Finding.themes.through.objects.filter(finding__in=findings).values_list(
            "finding_id", "theme_id"
        )
    )
    names = {
        pk: (name, parent)
        for pk, name, parent in Theme.objects.filter(
            pk__in={theme for _, theme in links}
        ).values_list("pk", "name", "parent__name")
    }
    found: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for finding, theme in links:
        found[finding].append(names[theme])
    for listed in found.values():
        listed.sort()
    return found


def findings_table(user: AnyUser, filters: Filters) -> Table:
    """Every point of the findings of the audits the person may export, oldest audit first and
    in the briefing's order within it. Five queries, read as plain values (thousands of rows)."""
    findings = Finding.objects.filter(audit__in=access.findings_audits(user)).filter(
        _period(filters, "audit__panel_date")
    )
    if filters.audit is not None:
        findings = findings.filter(audit=filters.audit)
    themes = _theme_names(findings)
    resources = point_resources(findings)
    keyed = []
    for row in findings.values_list(
        "pk", "audit_id", "audit__theme", "audit__panel_date", "audit__date_precision",
        "section", "learning_theme_id", "learning_theme__title", "learning_theme__position",
        "polarity", "text", "position",
    ):  # fmt: skip
        pk, audit_id, audit, day, precision, section, lt, title, lt_position = row[:9]
        polarity, text, position = row[9:]
        group, within = SECTION_ORDER[Finding.Section(section)]
        key = (day, audit_id, group, lt_position or 0, lt or 0, within, position, pk)
        point_themes = themes.get(pk, [])
        keyed.append(
            (
                key,
                (
                    audit,
                    _audit_date(day, precision),
                    Finding.Section(section).label,
                    title or "",
                    Finding.Polarity(polarity).label,
                    text,
                    _joined(sorted(parent or name for name, parent in point_themes)),
                    _joined([name for name, parent in point_themes if parent is not None]),
                    _joined([r.title for r in resources.get(pk, [])]),
                ),
            )
        )
    keyed.sort(key=lambda item: item[0])
    return Table(FINDINGS_HEADER, [row for _, row in keyed])


def grades_table(user: AnyUser, filters: Filters) -> Table:
    """The panel's agreed grades (not those still to agree) of the audits the person may
    export, by audit, child and the tool's order of domains. Two queries: the grades as plain
    values, and each audit's tool (its domains' titles and its grades' labels) once."""
    grades = (
        PanelGrade.objects.filter(audit__in=access.grades_audits(user))
        .exclude(grade="")
        .filter(_period(filters, "audit__panel_date"))
    )
    if filters.audit is not None:
        grades = grades.filter(audit=filters.audit)
    rows = list(
        grades.values_list(
            "audit_id", "audit__theme", "audit__panel_date", "audit__date_precision",
            "audit__tool_version_id", "child__reference", "child__sample_order", "domain",
            "grade", "rationale",
        )
    )  # fmt: skip
    tools: dict[int, tuple[list[str], dict[str, str], dict[str, str]]] = {}
    for pk, definition in AuditToolVersion.objects.filter(
        pk__in={row[4] for row in rows}
    ).values_list("pk", "definition"):
        domains = [d["key"] for d in definition["domains"]]
        titles = {d["key"]: d["title"] for d in definition["domains"]}
        labels = {g["value"]: g["label"] for g in definition["grade_scale"]["grades"]}
        tools[pk] = (domains, titles, labels)
    shown: list[tuple[tuple[Any, ...], tuple[object, ...]]] = []
    for audit_id, theme, day, precision, tool, child, order, domain, value, rationale in rows:
        domains, titles, labels = tools[tool]
        place = domains.index(domain) if domain in titles else len(domains)
        shown.append(
            (
                (day, audit_id, order or 0, place, domain),
                (
                    theme,
                    _audit_date(day, precision),
                    child,
                    titles.get(domain, domain),
                    labels.get(value, value),
                    rationale,
                ),
            )
        )
    shown.sort(key=lambda item: item[0])
    return Table(GRADES_HEADER, [row for _, row in shown])


def actions_in_period(actions: QuerySet[Action], filters: Filters) -> QuerySet[Action]:
    """Actions of the audits of the period, and actions tied to no audit written in it."""
    if filters.start is not None or filters.end is not None:
        actions = actions.filter(
            (Q(audit__isnull=False) & _period(filters, "audit__panel_date"))
            | (Q(audit__isnull=True) & _period(filters, "created_at__date"))
        )
    if filters.audit is not None:
        actions = actions.filter(audit=filters.audit)
    return actions


def actions_table(user: AnyUser, filters: Filters) -> Table:
    """The actions the person may see (an auditor: their own agency's), by due date. Two
    queries."""
    actions = actions_in_period(access.export_actions(user), filters)
    actions = actions.select_related(
        "owner_organisation", "owner_person", "audit"
    ).prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name")))
    rows: list[tuple[object, ...]] = [
        (
            action.description,
            action.owner_organisation.short_name,
            action.owner_person.full_name if action.owner_person else "",
            action.due_date,
            action.get_status_display(),
            action.measure_of_success,
            _joined([t.name for t in action.themes.all()]),
            action.audit.theme if action.audit else "",
            timezone.localdate(action.completed_at) if action.completed_at else None,
            action.cancelled_reason,
        )
        for action in actions.order_by("due_date", "pk")
    ]
    return Table(ACTIONS_HEADER, rows)


EXPORT_TABLES = {"findings": findings_table, "grades": grades_table, "actions": actions_table}


def export_table(user: AnyUser, export: str, filters: Filters) -> Table:
    return EXPORT_TABLES[export](user, filters)


# --- the board report -----------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueAction:
    description: str
    agency: str
    owner: str
    due_date: date
    days_overdue: int
    status: str
    audit: str


@dataclass(frozen=True)
class BriefingEntry:
    """A published audit's briefing: its latest published version's record, or (an imported
    audit, which has none) a record built from its findings."""

    audit_pk: int
    theme: str
    panel_date: date
    date_label: str
    imported: bool
    version: int | None
    record: BriefingRecord | None  # None: an earlier briefing, listed but not reproduced


@dataclass
class BoardReportData:
    partnership: Partnership
    start: date | None
    end: date | None
    today: date
    trends: TrendsData
    overdue: list[OverdueAction]
    briefings: list[BriefingEntry] = field(default_factory=list)
    # Older briefings of a long period, beyond MAX_BRIEFINGS: named, not reproduced.
    earlier: list[BriefingEntry] = field(default_factory=list)

    @property
    def period(self) -> str:
        return period_label(self.start, self.end)


def _date_label(audit: Audit) -> str:
    if audit.date_precision == "month":
        return f"{audit.panel_date:%B %Y}"
    return f"{audit.panel_date.day} {audit.panel_date:%B %Y}"


def overdue_actions(
    partnership: Partnership, filters: Filters, *, today: date
) -> list[OverdueAction]:
    """Open actions past their due date, most overdue first (one query)."""
    actions = actions_in_period(Action.objects.filter(partnership=partnership), filters)
    actions = actions.filter(status__in=OPEN_ACTION_STATES, due_date__lt=today).select_related(
        "owner_organisation", "owner_person", "audit"
    )
    return [
        OverdueAction(
            description=action.description,
            agency=action.owner_organisation.short_name,
            owner=action.owner_person.full_name if action.owner_person else "",
            due_date=action.due_date,
            days_overdue=(today - action.due_date).days,
            status=action.get_status_display(),
            audit=action.audit.theme if action.audit else "",
        )
        for action in actions.order_by("due_date", "owner_organisation__short_name", "pk")
    ]


def _valid(record: Any) -> bool:
    try:
        briefing_content(record)
    except InvalidRecord:
        return False
    return True


# The board report reproduces the briefings of the newest audits of the period only: a board
# reads a year or two at a time, and a ten-year period would otherwise run to hundreds of pages.
MAX_BRIEFINGS = 12


def period_briefings(
    partnership: Partnership, filters: Filters, *, limit: int | None = MAX_BRIEFINGS
) -> list[BriefingEntry]:
    """The briefings of the published, closed or imported audits of the period, oldest first;
    those before the newest ``limit`` have no ``record`` (they are only named).

    Nine queries: the audits, their latest versions, and the findings (with what a briefing
    says of the sample) of those without one (maqa.briefings.gather.gather_many)."""
    audits = list(
        Audit.objects.filter(partnership=partnership)
        .filter(Q(state__in=(Audit.State.PUBLISHED, Audit.State.CLOSED)) | Q(imported=True))
        .filter(_period(filters, "panel_date"))
        .select_related("partnership")
        .order_by("panel_date", "pk")
    )
    latest: dict[int, BriefingVersion] = {}
    for found in BriefingVersion.objects.filter(audit__in=audits).only(
        "audit_id", "number", "record"
    ):
        if found.audit_id not in latest or found.number > latest[found.audit_id].number:
            latest[found.audit_id] = found
    shown = {audit.pk for audit in (audits[-limit:] if limit is not None else audits)}
    published = {
        pk: version.record.copy()
        for pk, version in latest.items()
        if pk in shown and _valid(version.record)
    }
    gathered = gather_many([a for a in audits if a.pk in shown and a.pk not in published])
    entries = []
    for audit in audits:
        number = latest[audit.pk].number if audit.pk in latest else None
        record: BriefingRecord | None = None
        if audit.pk in published:
            record = published[audit.pk]
        elif audit.pk in shown:
            record, number = build_record(gathered[audit.pk]), None
        entries.append(
            BriefingEntry(
                audit_pk=audit.pk,
                theme=audit.theme,
                panel_date=audit.panel_date,
                date_label=_date_label(audit),
                imported=audit.imported,
                version=number,
                record=record,
            )
        )
    return entries


def board_report_data(
    partnership: Partnership,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    max_briefings: int | None = MAX_BRIEFINGS,
) -> BoardReportData:
    """Everything the board report shows for a partnership and a period (``None``: from the
    first audit, or to the last): the trends (maqa.trends.selectors.trends_data), the open
    overdue actions, and the briefings of the period (the newest MAX_BRIEFINGS reproduced, any
    earlier ones named)."""
    today = today or timezone.localdate()
    filters = Filters(start=start, end=end)
    briefings = period_briefings(partnership, filters, limit=max_briefings)
    return BoardReportData(
        partnership=partnership,
        start=start,
        end=end,
        today=today,
        trends=trends_data(partnership, start=start, end=end, today=today),
        overdue=overdue_actions(partnership, filters, today=today),
        briefings=[entry for entry in briefings if entry.record is not None],
        earlier=[entry for entry in briefings if entry.record is None],
    )
