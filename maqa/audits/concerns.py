"""Immediate safeguarding concerns: who may raise and read them, raising, acknowledging, outcomes.

An auditor who finds, while auditing, that a child in the sample may be at risk now raises a
concern; it goes at once to the partnership admins and the child's lead agency, outside the audit's
timetable. maqa is not a referral route: the form says a child at immediate risk needs 999 or the
local front door now.

Concerns can be raised while returns are open, at the panel and while reporting (Audit.State.concerns_open()):
the times someone is reading case files for the audit. They can be acknowledged and given an
outcome in every state but closed: closing is the last scan of free text for identifiers, so
nothing is written after it. Open concerns show on the home pages of the admins and the lead
agency's auditors until their outcome is recorded. Alerts carry no case details: only that a
concern was raised, in which audit, and a link. Audit events never hold the description or the
outcome text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from maqa.accounts.access import AnyUser, is_partnership_admin
from maqa.accounts.models import Membership, Role, User
from maqa.audits.access import auditor_org_ids
from maqa.audits.models import Audit, Case, SafeguardingConcern
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.core.versioning import claim_version
from maqa.core.words import long_date
from maqa.notify.email import Email, emails_send, site_link
from maqa.organisations.models import Organisation

STALE_CONCERN = (
    "Someone else updated this concern while you were reading it. Reload the page to see what "
    "they did, then try again."
)


# --- access ---------------------------------------------------------------------------------


def access_audit_for_concerns(user: AnyUser, pk: int) -> Audit:
    """The audit, for its concerns pages: any state for an admin; after draft, for auditors of
    an agency taking part or leading for a child in the sample. Anyone else gets 404."""
    if not user.is_authenticated:
        raise Http404
    if is_partnership_admin(user):
        try:
            return Audit.objects.get(pk=pk, partnership_id=user.partnership_id)
        except Audit.DoesNotExist as exc:
            raise Http404 from exc
    orgs = auditor_org_ids(user)
    if not orgs:
        raise Http404
    audit = (
        Audit.objects.filter(pk=pk, partnership_id=user.partnership_id)
        .exclude(state=Audit.State.DRAFT)
        .filter(Q(agencies__in=orgs) | Q(cases__sampled=True, cases__lead_agency__in=orgs))
        .distinct()
        .first()
    )
    if audit is None:
        raise Http404
    return audit


def concerns_visible_to(user: AnyUser, audit: Audit) -> QuerySet[SafeguardingConcern]:
    """Admins see every concern; an auditor those they raised and those about children whose
    lead agency is theirs."""
    concerns = audit.concerns.select_related(
        "child", "organisation", "raised_by", "acknowledged_by"
    ).order_by("-raised_at", "-pk")
    if is_partnership_admin(user):
        return concerns
    orgs = auditor_org_ids(user)
    if not orgs:
        return concerns.none()
    return concerns.filter(Q(raised_by_id=user.pk) | Q(child__lead_agency_id__in=orgs))


def access_concern(user: AnyUser, audit: Audit, pk: int) -> SafeguardingConcern:
    try:
        return concerns_visible_to(user, audit).get(pk=pk)
    except SafeguardingConcern.DoesNotExist as exc:
        raise Http404 from exc


def can_act_on_concern(user: AnyUser, concern: SafeguardingConcern) -> bool:
    """Acknowledging and recording the outcome: an admin, or an auditor of the lead agency."""
    if is_partnership_admin(user):
        return True
    lead = concern.child.lead_agency_id
    return lead is not None and lead in auditor_org_ids(user)


def children_for_concerns(user: AnyUser, audit: Audit) -> QuerySet[Case]:
    """The children a person may raise a concern about: every child in the sample for an admin;
    for an auditor, those their agency has a return for."""
    children = audit.cases.filter(sampled=True).order_by("sample_order", "pk")
    if is_partnership_admin(user):
        return children
    return children.filter(returns__organisation__in=auditor_org_ids(user)).distinct()


def can_raise_in(audit: Audit) -> bool:
    return audit.state in Audit.State.concerns_open()


# --- writes ---------------------------------------------------------------------------------


def _raising_agency(actor: User, child: Case) -> Organisation:
    """The agency a concern is raised for: the auditor's agency with a return for this child; an
    admin's own organisation."""
    orgs = auditor_org_ids(actor)
    involved = (
        Organisation.objects.filter(pk__in=orgs, returns__child=child).order_by("name").first()
    )
    if involved is not None:
        return involved
    if is_partnership_admin(actor):
        membership = (
            actor.memberships.filter(role=Role.PARTNERSHIP_ADMIN)
            .select_related("organisation")
            .order_by("organisation__name")
            .first()
        )
        if membership is not None:
            return membership.organisation
    raise ApplicationError("You can raise a concern only about a child your agency audits.")


def alert_recipients(concern: SafeguardingConcern) -> list[User]:
    """Every active partnership admin, and the child's lead agency's active auditors."""
    lead = Q(role=Role.AGENCY_AUDITOR, organisation_id=concern.child.lead_agency_id)
    memberships = (
        Membership.objects.filter(
            Q(role=Role.PARTNERSHIP_ADMIN) | lead,
            organisation__partnership_id=concern.audit.partnership_id,
            organisation__active=True,
            user__is_active=True,
            user__partnership_id=concern.audit.partnership_id,
        )
        .exclude(user_id=concern.raised_by_id)
        .select_related("user")
        .order_by("user__email")
    )
    people = {m.user.pk: m.user for m in memberships}
    return list(people.values())


def concern_link(concern: SafeguardingConcern) -> str:
    return site_link(reverse("audits:concern-detail", args=[concern.audit_id, concern.pk]))


def concern_raise(
    *, actor: User, ip: str | None, audit: Audit, child: Case, description: str
) -> SafeguardingConcern:
    """Record a concern and alert the admins and the lead agency once it has committed."""
    if not can_raise_in(audit):
        raise ApplicationError(
            f"Concerns cannot be raised in maqa while the audit is "
            f"{audit.get_state_display().lower()}. If a child is at immediate risk, call 999 or "
            "contact the local children's front door now."
        )
    if child.audit_id != audit.pk or not child.sampled:
        raise ApplicationError("Choose a child in this audit's sample.", field="child")
    if not children_for_concerns(actor, audit).filter(pk=child.pk).exists():
        raise ApplicationError(
            "You can raise a concern only about a child your agency audits.", field="child"
        )
    description = description.strip()
    if not description:
        raise ApplicationError("Describe the concern.", field="description")
    with transaction.atomic():
        organisation = _raising_agency(actor, child)
        concern = SafeguardingConcern.objects.create(
            audit=audit,
            child=child,
            raised_by=actor,
            organisation=organisation,
            description=description,
        )
        recipients = alert_recipients(concern)
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=concern,
            object_label=f"concern about {child.reference} ({audit.theme})",
            summary={
                "audit": audit.pk,
                "child": child.reference,
                "agency": organisation.short_name,
                "alerted": len(recipients),
            },
        )
        emails = [
            Email(
                to=person.email,
                subject="maqa: an immediate safeguarding concern has been raised",
                body=_alert_body(person, concern),
            )
            for person in recipients
        ]
        transaction.on_commit(lambda: emails_send(emails))
    return concern


def _alert_body(person: User, concern: SafeguardingConcern) -> str:
    return (
        f"Hello {person.full_name},\n\n"
        "An immediate safeguarding concern has been raised in the audit "
        f"'{concern.audit.theme}'. Open maqa to read it:\n{concern_link(concern)}\n\n"
        "Please acknowledge it and record its outcome in maqa.\n"
    )


def _check_can_act(actor: User, concern: SafeguardingConcern) -> None:
    if not can_act_on_concern(actor, concern):
        raise ApplicationError(
            "Only a partnership admin or the child's lead agency can update this concern."
        )
    if concern.audit.state == Audit.State.CLOSED:
        raise ApplicationError("The audit is closed: this concern can no longer be updated here.")


def _claim(concern: SafeguardingConcern, version: int, **changes: object) -> None:
    """Save ``changes`` only if nobody has updated the concern since ``version`` was read."""
    claim_version(SafeguardingConcern.objects, concern.pk, version, STALE_CONCERN, **changes)
    for key, value in changes.items():
        setattr(concern, key, value)
    concern.version = version + 1


def _label(concern: SafeguardingConcern) -> str:
    return f"concern about {concern.child.reference} ({concern.audit.theme})"


def concern_acknowledge(
    *, actor: User, ip: str | None, concern: SafeguardingConcern, version: int
) -> SafeguardingConcern:
    _check_can_act(actor, concern)
    if concern.acknowledged_at is not None:
        by = concern.acknowledged_by.full_name if concern.acknowledged_by else "someone"
        raise ApplicationError(f"{by} has already acknowledged this concern.")
    with transaction.atomic():
        _claim(concern, version, acknowledged_by=actor, acknowledged_at=timezone.now())
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=concern,
            object_label=_label(concern),
            summary={"audit": concern.audit_id, "step": "acknowledged"},
        )
    return concern


def concern_record_outcome(
    *, actor: User, ip: str | None, concern: SafeguardingConcern, outcome: str, version: int
) -> SafeguardingConcern:
    """Record (or correct) what was done. Recording an outcome also acknowledges the concern."""
    _check_can_act(actor, concern)
    outcome = outcome.strip()
    if not outcome:
        raise ApplicationError("Describe what was done about the concern.", field="outcome")
    now = timezone.now()
    changes: dict[str, object] = {"outcome": outcome, "outcome_recorded_at": now}
    if concern.acknowledged_at is None:
        changes.update(acknowledged_by=actor, acknowledged_at=now)
    step = "outcome corrected" if concern.outcome_recorded_at else "outcome recorded"
    with transaction.atomic():
        _claim(concern, version, **changes)
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=concern,
            object_label=_label(concern),
            summary={"audit": concern.audit_id, "step": step},
        )
    return concern


def concern_viewed(*, actor: User, ip: str | None, concern: SafeguardingConcern) -> None:
    audit_record(
        action=AuditEvent.Action.VIEWED,
        actor=actor,
        ip=ip,
        obj=concern,
        object_label=_label(concern),
        summary={"audit": concern.audit_id, "page": "concern"},
    )


# --- the home page --------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenConcern:
    concern: SafeguardingConcern

    @property
    def text(self) -> str:
        c = self.concern
        status = "acknowledged, outcome not yet recorded" if c.acknowledged_at else "new"
        raised = long_date(timezone.localtime(c.raised_at).date())
        return f"{c.audit.theme}: concern about {c.child.reference}, raised {raised} ({status})"

    @property
    def url(self) -> str:
        return reverse("audits:concern-detail", args=[self.concern.audit_id, self.concern.pk])


def open_concerns_for(*, user: User, as_admin: bool) -> list[OpenConcern]:
    """Concerns still without an outcome, in audits not closed: every one in the partnership for
    an admin (``as_admin``); otherwise those whose child's lead agency is the person's."""
    concerns = (
        SafeguardingConcern.objects.filter(
            audit__partnership_id=user.partnership_id, outcome_recorded_at__isnull=True
        )
        .exclude(audit__state=Audit.State.CLOSED)
        .select_related("audit", "child")
        .order_by("raised_at", "pk")
    )
    if not as_admin:
        concerns = concerns.filter(child__lead_agency_id__in=auditor_org_ids(user))
    return [OpenConcern(c) for c in concerns]
