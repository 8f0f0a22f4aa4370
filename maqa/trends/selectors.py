"""Trends across a partnership's audits: pure reads for the trends page and the board report.

Which audits count (``agreed_audits``): an audit's findings and agreed grades count once they are
agreed, that is once the audit is published or closed; past audits imported from their briefings
(``Audit.imported``) count too. Audits still at the panel or in reporting are left out, since
their findings can still change. The period is a range of panel dates, both ends included; an
audit whose date is known only to the month carries the first of that month.

Returns timeliness looks at every audit whose returns have opened (imported audits have none):
a return is on time when it was submitted (or answered "not known") on or before its agency's
due date (the audit's ``returns_due``, or the agency's extension); late when after it; not
submitted when its due date has passed without it; not yet due otherwise.

Actions count the partnership's actions of the audits in the period, and the actions not tied to
an audit created in the period. An action is open until it is completed or cancelled, overdue
when open past its due date; cancelled actions are left out.

Everything here reads aggregated figures only: no child, no return's text and no finding's text
leaves these functions. ``trends_data`` runs about a dozen queries whatever the size of the
history, and aggregates in one pass over ``values_list`` rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Partnership
from maqa.returns.models import AgencyDeadline, Return

# The grades part lives in maqa.trends.grades; its names are read from here too.
from maqa.trends.grades import DomainGrades as DomainGrades
from maqa.trends.grades import GradeDistribution as GradeDistribution
from maqa.trends.grades import GradeOption as GradeOption
from maqa.trends.grades import SelfVsPanelRow as SelfVsPanelRow
from maqa.trends.grades import _definitions
from maqa.trends.grades import grade_distribution_from as grade_distribution_from
from maqa.trends.grades import self_vs_panel_from as self_vs_panel_from

# A theme that was a concern in at least this many audits of the period is called out in words.
CALLOUT_MIN_AUDITS = 3
OPEN_ACTION_STATES = (
    Action.Status.NOT_STARTED,
    Action.Status.IN_PROGRESS,
    Action.Status.COMPLETION_PROPOSED,
)
NO_THEME = "No theme"


def month_label(day: date) -> str:
    """ "Dec 2021": how the callouts and the charts name an audit's date."""
    return day.strftime("%b %Y")


# --- the audits of a period -----------------------------------------------------------------


@dataclass(frozen=True)
class AuditColumn:
    pk: int
    theme: str
    panel_date: date
    imported: bool
    tool_version_id: int

    @property
    def label(self) -> str:
        return month_label(self.panel_date)


def _in_period(start: date | None, end: date | None, field_name: str = "panel_date") -> Q:
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field_name}__lte": end})
    return condition


def agreed_audits(
    partnership: Partnership, *, start: date | None = None, end: date | None = None
) -> list[AuditColumn]:
    """The published, closed or imported audits of the period, oldest first (one query)."""
    rows = (
        Audit.objects.filter(partnership=partnership)
        .filter(Q(state__in=Audit.State.published()) | Q(imported=True))
        .filter(_in_period(start, end))
        .order_by("panel_date", "pk")
        .values_list("pk", "theme", "panel_date", "imported", "tool_version_id")
    )
    return [AuditColumn(*row) for row in rows]


# --- theme recurrence -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecurrenceCell:
    concerns: int = 0
    strengths: int = 0

    @property
    def empty(self) -> bool:
        return not (self.concerns or self.strengths)


@dataclass
class RecurrenceRow:
    """A top-level theme across the audits: its subthemes' points count for it."""

    slug: str
    name: str
    cells: list[RecurrenceCell]

    @property
    def concern_audits(self) -> int:
        return sum(1 for cell in self.cells if cell.concerns)

    @property
    def strength_audits(self) -> int:
        return sum(1 for cell in self.cells if cell.strengths)

    @property
    def concerns(self) -> int:
        return sum(cell.concerns for cell in self.cells)

    @property
    def strengths(self) -> int:
        return sum(cell.strengths for cell in self.cells)


@dataclass(frozen=True)
class Callout:
    """A theme that kept coming back as a concern. ``first`` and ``last`` are the dates of the
    first and the last audit of the period in which it was a concern."""

    slug: str
    name: str
    concern_audits: int
    total_audits: int
    first: date
    last: date

    @property
    def text(self) -> str:
        return (
            f"{self.name}: a concern in {self.concern_audits} of {self.total_audits} audits "
            f"({month_label(self.first)} to {month_label(self.last)})"
        )


@dataclass
class Recurrence:
    audits: list[AuditColumn]
    rows: list[RecurrenceRow]  # most often a concern first
    callouts: list[Callout]
    start: date | None = None
    end: date | None = None


Taxonomy = tuple[dict[int, int], dict[int, tuple[str, str]]]


def _top_level(partnership: Partnership) -> Taxonomy:
    """Each theme's top-level ancestor, and the slug and name of every theme (one query)."""
    rows = list(
        Theme.objects.filter(partnership=partnership).values_list("pk", "slug", "name", "parent")
    )
    parent = {pk: parent_id for pk, _, _, parent_id in rows}
    names = {pk: (slug, name) for pk, slug, name, _ in rows}
    top: dict[int, int] = {}
    for pk in parent:
        node, seen = pk, set()
        while parent.get(node) is not None and node not in seen:
            seen.add(node)
            node = parent[node]  # type: ignore[assignment]
        top[pk] = node
    return top, names


def recurrence_from(
    partnership: Partnership,
    audits: list[AuditColumn],
    *,
    start: date | None = None,
    end: date | None = None,
    taxonomy: Taxonomy | None = None,
) -> Recurrence:
    """Theme recurrence over the given audits (two queries). A point coded to two subthemes of
    one theme counts once for that theme."""
    _, names = taxonomy or _top_level(partnership)
    index = {audit.pk: i for i, audit in enumerate(audits)}
    polarities = (Finding.Polarity.CONCERN, Finding.Polarity.STRENGTH)
    # Subthemes have no subthemes of their own (maqa.findings.services.theme_create), so a
    # theme's top level is its parent or itself; counted in SQL, each point once per top level.
    coded = (
        Finding.themes.through.objects.filter(
            finding__audit_id__in=list(index), finding__polarity__in=polarities
        )
        .annotate(top=Coalesce("theme__parent_id", "theme_id"))
        .values_list("finding__audit_id", "finding__polarity", "top")  # type: ignore[misc]
        .annotate(n=Count("finding_id", distinct=True))
        .order_by()
    )
    counts: dict[int, list[list[int]]] = {}
    for audit_id, polarity, theme_id, n in coded:
        cells = counts.setdefault(theme_id, [[0, 0] for _ in audits])
        cells[index[audit_id]][0 if polarity == Finding.Polarity.CONCERN else 1] += n
    rows = [
        RecurrenceRow(
            slug=names[theme_id][0],
            name=names[theme_id][1],
            cells=[RecurrenceCell(c, s) for c, s in cells],
        )
        for theme_id, cells in counts.items()
        if theme_id in names
    ]
    rows.sort(key=lambda row: (-row.concern_audits, -row.concerns, row.name.lower()))
    callouts = []
    for row in rows:
        if row.concern_audits < CALLOUT_MIN_AUDITS:
            continue
        dates = [audits[i].panel_date for i, cell in enumerate(row.cells) if cell.concerns]
        callouts.append(
            Callout(row.slug, row.name, row.concern_audits, len(audits), min(dates), max(dates))
        )
    return Recurrence(audits, rows, callouts, start, end)


def theme_recurrence(
    partnership: Partnership, *, start: date | None = None, end: date | None = None
) -> Recurrence:
    """Top-level themes by the agreed audits of the period in date order, each cell counting the
    points coded to the theme (or a subtheme of it) as a concern and as a strength; ``callouts``
    are the themes that were a concern in three or more of those audits. Three queries."""
    return recurrence_from(
        partnership, agreed_audits(partnership, start=start, end=end), start=start, end=end
    )


# --- returns timeliness ---------------------------------------------------------------------


@dataclass
class TimelinessRow:
    agency: str
    on_time: int = 0
    late: int = 0
    not_submitted: int = 0  # past its due date and still not done
    not_yet_due: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.not_submitted + self.not_yet_due

    @property
    def on_time_percent(self) -> int:
        due = self.on_time + self.late + self.not_submitted
        return round(100 * self.on_time / due) if due else 0


def returns_timeliness(
    partnership: Partnership,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> list[TimelinessRow]:
    """Returns on time, late, not submitted and not yet due, by agency (three queries, the
    returns counted in SQL)."""
    today = today or timezone.localdate()
    audits = (
        Audit.objects.filter(partnership=partnership, imported=False)
        .exclude(state=Audit.State.DRAFT)
        .filter(_in_period(start, end))
    )
    due_dates = dict(audits.values_list("pk", "returns_due"))
    extended = {
        (audit_id, org_id): due
        for audit_id, org_id, due in AgencyDeadline.objects.filter(
            audit_id__in=list(due_dates)
        ).values_list("audit_id", "organisation_id", "due_date")
    }
    zone = timezone.get_current_timezone()

    def end_of(day: date) -> Value:
        """The moment a day ends: midnight after it, in the partnership's time zone."""
        moment = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
        return Value(moment, output_field=DateTimeField())

    # Each return's deadline, as the moment its due date ends: comparing it with submitted_at in
    # SQL says "on time" without turning every submission time into a date in the time zone.
    deadline = Case(
        *[When(audit_id=a, organisation_id=o, then=end_of(d)) for (a, o), d in extended.items()],
        *[When(audit_id=a, then=end_of(d)) for a, d in due_dates.items()],
        output_field=DateTimeField(),
    )
    done = Q(state__in=Return.State.done())
    start_of_today = datetime.combine(today, time.min, tzinfo=zone)
    rows = (
        Return.objects.filter(audit_id__in=list(due_dates))
        .annotate(deadline=deadline)
        .values_list("organisation_id", "organisation__short_name")
        .annotate(
            # A return done without a time says nothing about timeliness: in neither count.
            on_time=Count("pk", filter=done & Q(submitted_at__lt=F("deadline"))),
            late=Count("pk", filter=done & Q(submitted_at__gte=F("deadline"))),
            not_submitted=Count("pk", filter=~done & Q(deadline__lte=start_of_today)),
            not_yet_due=Count("pk", filter=~done & Q(deadline__gt=start_of_today)),
        )
        .order_by()
    )
    result = {org_id: TimelinessRow(agency, *figures) for org_id, agency, *figures in rows}
    return sorted(result.values(), key=lambda row: row.agency.lower())


# --- actions --------------------------------------------------------------------------------


@dataclass
class ActionCounts:
    label: str
    open: int = 0  # including the overdue ones
    overdue: int = 0
    completed: int = 0

    @property
    def total(self) -> int:
        return self.open + self.completed


@dataclass
class ActionsSummary:
    by_agency: list[ActionCounts]
    by_theme: list[ActionCounts]  # an action with several themes counts under each
    total: ActionCounts


def actions_summary(
    partnership: Partnership,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    taxonomy: Taxonomy | None = None,
) -> ActionsSummary:
    """Open, overdue and completed actions by owner agency and by (top-level) theme."""
    today = today or timezone.localdate()
    actions = Action.objects.filter(partnership=partnership).exclude(status=Action.Status.CANCELLED)
    if start is not None or end is not None:
        actions = actions.filter(
            Q(audit__isnull=False, **_kwargs(start, end, "audit__panel_date"))
            | Q(audit__isnull=True, **_kwargs(start, end, "created_at__date"))
        )
    top, names = taxonomy or _top_level(partnership)
    statuses: dict[int, tuple[str, str, date]] = {}
    for pk, agency, status, due in actions.values_list(
        "pk", "owner_organisation__short_name", "status", "due_date"
    ):
        statuses[pk] = (agency, status, due)
    themes: dict[int, set[str]] = defaultdict(set)
    for action_id, theme_id in Action.themes.through.objects.filter(
        action_id__in=list(statuses)
    ).values_list("action_id", "theme_id"):
        themes[action_id].add(names[top.get(theme_id, theme_id)][1])
    by_agency: dict[str, ActionCounts] = {}
    by_theme: dict[str, ActionCounts] = {}
    total = ActionCounts("All actions")
    for pk, (agency, status, due) in statuses.items():
        targets = [by_agency.setdefault(agency, ActionCounts(agency)), total]
        for theme in sorted(themes.get(pk) or {NO_THEME}):
            targets.append(by_theme.setdefault(theme, ActionCounts(theme)))
        for counts in targets:
            if status == Action.Status.COMPLETED:
                counts.completed += 1
            else:
                counts.open += 1
                counts.overdue += due < today
    return ActionsSummary(
        sorted(by_agency.values(), key=lambda c: c.label.lower()),
        sorted(by_theme.values(), key=lambda c: (c.label == NO_THEME, -c.total, c.label.lower())),
        total,
    )


def _kwargs(start: date | None, end: date | None, field_name: str) -> dict[str, date]:
    kwargs = {}
    if start is not None:
        kwargs[f"{field_name}__gte"] = start
    if end is not None:
        kwargs[f"{field_name}__lte"] = end
    return kwargs


# --- everything -----------------------------------------------------------------------------


@dataclass
class TrendsData:
    """What the trends page and the board report show for a partnership and a period."""

    partnership: Partnership
    start: date | None
    end: date | None
    today: date
    recurrence: Recurrence
    grades: GradeDistribution
    self_vs_panel: list[SelfVsPanelRow]
    timeliness: list[TimelinessRow]
    actions: ActionsSummary
    years: list[int] = field(default_factory=list)  # the years with audits, for a period filter

    @property
    def is_empty(self) -> bool:
        return not (
            self.recurrence.audits
            or self.timeliness
            or self.actions.total.total
            or self.grades.total
        )


def audit_years(partnership: Partnership) -> list[int]:
    """The years in which the partnership has an audit's panel (one query)."""
    dates = Audit.objects.filter(partnership=partnership).dates("panel_date", "year")
    return [d.year for d in dates]


def trends_data(
    partnership: Partnership,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> TrendsData:
    """Every trend of the partnership over the period (``None``: from the first audit, or to the
    last). About a dozen queries whatever the size of the history."""
    today = today or timezone.localdate()
    audits = agreed_audits(partnership, start=start, end=end)
    definitions = _definitions(a.tool_version_id for a in audits)
    taxonomy = _top_level(partnership)
    return TrendsData(
        partnership=partnership,
        start=start,
        end=end,
        today=today,
        recurrence=recurrence_from(partnership, audits, start=start, end=end, taxonomy=taxonomy),
        grades=grade_distribution_from(audits, definitions),
        self_vs_panel=self_vs_panel_from(audits, definitions),
        timeliness=returns_timeliness(partnership, start=start, end=end, today=today),
        actions=actions_summary(partnership, start=start, end=end, today=today, taxonomy=taxonomy),
        years=audit_years(partnership),
    )
