"""The audit's state machine: the one place an audit changes state.

draft -> returns open -> panel -> reporting -> published -> closed, one step at a time, by a
partnership admin; each move is checked and recorded. Moving back one step (with a reason) is
here too; publishing goes through lifecycle.publication (a second admin confirms); closing runs
the identifier scan over every app's free text (lifecycle.closing)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from maqa.accounts.access import check_admin_of
from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.audits.services import STALE_AUDIT
from maqa.core.errors import ApplicationError, checked_reason
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.core.versioning import locked_at_version
from maqa.lifecycle.closing import audit_close
from maqa.returns.models import Return


def audit_move_on(*, actor: User, ip: str | None, audit: Audit, version: int) -> Audit:
    """Move the audit to its next state, after that move's checks."""
    target = Audit.State.next_of(audit.state)
    if target is None:
        raise ApplicationError("A closed audit has no next state.")
    if target == Audit.State.CLOSED:
        audit_close(actor=actor, ip=ip, audit=audit, version=version)
        return audit
    if target == Audit.State.PUBLISHED and not audit.briefing_versions.exists():
        # Only a published briefing version moves an audit to published: its identifier check
        # and the second admin's confirmation (maqa.briefings.publication.publication_confirm,
        # which creates the version and then calls this) must never be skipped.
        raise ApplicationError(
            "An audit is published by publishing its briefing: ask to publish it on the "
            "Briefing page, and another partnership admin confirms it."
        )
    with transaction.atomic():
        current = locked_at_version(Audit.objects, audit.pk, version, STALE_AUDIT)
        if current.state != audit.state:
            raise ApplicationError(STALE_AUDIT)
        summary: dict[str, Any] = {"state": [audit.state, target]}
        if target == Audit.State.RETURNS_OPEN:
            summary.update(_open_returns(audit))
        audit.state = target
        audit.version = version + 1
        audit.save(update_fields=["state", "version"])
        audit_record(
            action=AuditEvent.Action.CHANGED, actor=actor, ip=ip, obj=audit, summary=summary
        )
    return audit


def _open_returns(audit: Audit) -> dict[str, Any]:
    sampled = list(audit.cases.filter(sampled=True).prefetch_related("agencies"))
    if not sampled:
        raise ApplicationError(
            "Returns cannot open without a sample: draw or pick the children first."
        )
    participating = set(audit.agencies.all())
    if not participating:
        raise ApplicationError("Choose the agencies taking part before returns open.")
    created = 0
    for child in sampled:
        involved = [org for org in child.agencies.all() if org in participating]
        if not involved:
            raise ApplicationError(
                f"{child.reference} has no involved agency among those taking part in this audit."
            )
        for org in involved:
            Return.objects.create(
                audit=audit, child=child, organisation=org, tool_version=audit.tool_version
            )
            created += 1
    # Data minimisation: the rest of the case list is not needed once the sample is fixed.
    removed, _ = audit.cases.filter(sampled=False).delete()
    return {"returns_created": created, "unsampled_cases_deleted": removed}


def why_not_back(audit: Audit) -> str | None:
    """Why the audit cannot move back, or None if it can."""
    if audit.state == Audit.State.DRAFT:
        return "A draft audit has no earlier state."
    if audit.state == Audit.State.CLOSED:
        return "A closed audit cannot move back: its identifiers have been destroyed for good."
    if audit.state == Audit.State.RETURNS_OPEN:
        return (
            "Once returns are open an audit cannot go back to draft: the returns exist and "
            "agencies may have started them. To change a return, reopen it."
        )
    return None


def audit_move_back(
    *, actor: User, ip: str | None, audit: Audit, reason: str, version: int
) -> Audit:
    """Move the audit back one state, made on ``version``, with the reason kept in the trail."""
    check_admin_of(actor, audit.partnership_id)
    refused = why_not_back(audit)
    if refused:
        raise ApplicationError(refused)
    reason = checked_reason(reason)
    target = Audit.State.previous_of(audit.state)
    assert target is not None  # why_not_back refused every state without one
    with transaction.atomic():
        current = locked_at_version(Audit.objects, audit.pk, version, STALE_AUDIT)
        if current.state != audit.state:
            raise ApplicationError(STALE_AUDIT)
        old = audit.state
        audit.state = target
        audit.version = version + 1
        audit.save(update_fields=["state", "version"])
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=audit,
            summary={"state": [old, target], "moved": "back", "reason": reason},
        )
    return audit
