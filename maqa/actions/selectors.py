"""Reading actions: the filtered list, one action's history, and short lists for other pages.
Everything starts from maqa.actions.access.actions_visible_to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from maqa.accounts.access import AnyUser
from maqa.actions.access import actions_visible_to, owner_org_ids
from maqa.actions.models import Action, ActionUpdate, Evidence
from maqa.findings.models import Theme

OPEN = "open"
OPEN_STATUSES = (
    Action.Status.NOT_STARTED,
    Action.Status.IN_PROGRESS,
    Action.Status.COMPLETION_PROPOSED,
)
SOON_DAYS = 14


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""  # "", "open", or a status value
    agency: int | None = None
    theme: int | None = None
    overdue: bool = False


def is_overdue(action: Action, today: date | None = None) -> bool:
    return action.is_open and action.due_date < (today or timezone.localdate())


def action_list(user: AnyUser, filters: ActionFilters | None = None) -> list[Action]:
    """The actions a person may see, filtered; their own agency's first for an auditor, then by
    due date."""
    filters = filters or ActionFilters()
    actions = actions_visible_to(user)
    if filters.status == OPEN:
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    if filters.agency:
        actions = actions.filter(owner_organisation_id=filters.agency)
    if filters.theme:
        within = Theme.objects.filter(Q(pk=filters.theme) | Q(parent_id=filters.theme))
        actions = actions.filter(pk__in=Action.themes.through.objects.filter(
            theme__in=within).values("action_id"))  # fmt: skip
    if filters.overdue:
        actions = actions.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    own = owner_org_ids(user)
    mine = Case(
        When(Q(owner_organisation_id__in=own) | Q(owner_person_id=user.pk), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    ordered: QuerySet[Action] = (
        actions.annotate(mine=mine)
        .select_related("owner_organisation", "owner_person", "audit")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.select_related("parent")))
        .order_by("mine", "due_date", "pk")
    )
    return list(ordered)


def action_history(action: Action, *, with_evidence: bool) -> list[ActionUpdate]:
    updates = action.updates.select_related("created_by").order_by("created_at", "pk")
    if with_evidence:
        updates = updates.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
        )
    return list(updates)


def access_evidence(action: Action, pk: int) -> Evidence:
    from django.http import Http404

    try:
        return Evidence.objects.get(pk=pk, action=action)
    except Evidence.DoesNotExist as exc:
        raise Http404 from exc


def actions_due_for(user: AnyUser, days: int = SOON_DAYS) -> list[Action]:
    """Open actions the person owns (their agency's, or their own) that are overdue or due
    within ``days`` days: for the home page."""
    own = owner_org_ids(user)
    if not user.is_authenticated:
        return []
    horizon = timezone.localdate() + timedelta(days=days)
    return list(
        actions_visible_to(user)
        .filter(Q(owner_organisation_id__in=own) | Q(owner_person_id=user.pk))
        .filter(status__in=OPEN_STATUSES, due_date__lte=horizon)
        .select_related("owner_organisation")
        .order_by("due_date", "pk")[:20]
    )


def audit_actions(user: AnyUser, audit_id: int) -> list[Action]:
    """The actions of one audit the person may see: for the audit's page."""
    return list(
        actions_visible_to(user)
        .filter(audit_id=audit_id)
        .select_related("owner_organisation")
        .order_by("due_date", "pk")
    )
