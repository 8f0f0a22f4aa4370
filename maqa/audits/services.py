"""Audit plan and lifecycle: create, edit, move between states, reveal identifiers, close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction

from maqa.accounts.models import User
from maqa.audits import crypto
from maqa.audits.caselist.cases import pool_ages_refresh
from maqa.audits.models import Audit, Case
from maqa.audits.reaudit import check_reaudit_of
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record, changes_between
from maqa.core.versioning import locked_at_version

if TYPE_CHECKING:
    from maqa.tools.models import AuditToolVersion

DEFAULT_AIM = (
    "To find out how well agencies work together for children in this theme: whether each agency "
    "recognised and shared what it knew, whether the child's voice and lived experience shaped "
    "what was done, whether plans made a difference for the child, and whether practice followed "
    "statutory guidance and the partnership's own policies and procedures."
)


STALE_AUDIT = (
    "Someone else changed this audit while you were editing. Reload the page to see their "
    "changes, then make yours again."
)

PLAN_FIELDS = [
    "theme", "aim", "plan_types", "cp_categories", "age_min_years", "age_max_years",
    "sample_size", "returns_due", "panel_date", "lead", "tool_version",
]  # fmt: skip


class AuditPlan(TypedDict, total=False):
    """An audit's plan as audit_create and audit_update take it: the PLAN_FIELDS and reaudit_of.
    audit_create needs all but reaudit_of; audit_update changes only the keys given."""

    theme: str
    aim: str
    plan_types: list[str]  # PlanType values
    cp_categories: list[str]  # CPCategory values
    age_min_years: int | None
    age_max_years: int | None
    sample_size: int
    returns_due: date
    panel_date: date
    lead: User
    tool_version: AuditToolVersion
    reaudit_of: Audit | None


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _check_plan(data: AuditPlan) -> None:
    low, high = data.get("age_min_years"), data.get("age_max_years")
    if low is not None and high is not None and low > high:
        raise ApplicationError(
            "The youngest age cannot be above the oldest.", field="age_max_years"
        )
    due, panel = data.get("returns_due"), data.get("panel_date")
    if due and panel and due > panel:
        raise ApplicationError(
            "Returns must be due on or before the panel date.", field="returns_due"
        )


def audit_create(
    *,
    actor: User,
    ip: str | None,
    data: AuditPlan,
    agencies: list[Any],
    panel_members: list[User] | None = None,
) -> Audit:
    _check_plan(data)
    check_reaudit_of(
        data.get("reaudit_of"),
        partnership_id=actor.partnership_id,
        panel_date=data.get("panel_date"),
    )
    with transaction.atomic():
        audit = Audit.objects.create(partnership=actor.partnership, **data)
        audit.agencies.set(agencies)
        audit.panel_members.set(panel_members or [])
        crypto.audit_key_create(audit)
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=audit,
            summary={
                **{k: _plain(v) for k, v in data.items() if k != "aim"},
                "agencies": sorted(a.short_name for a in agencies),
            },
        )
    return audit


def audit_update(
    *,
    actor: User,
    ip: str | None,
    audit: Audit,
    data: AuditPlan,
    agencies: list[Any],
    panel_members: list[User],
    version: int,
) -> Audit:
    if audit.state == Audit.State.CLOSED:
        raise ApplicationError("A closed audit cannot be changed.")
    if audit.state != Audit.State.DRAFT:
        scope = {"plan_types", "cp_categories", "age_min_years", "age_max_years", "sample_size",
                 "tool_version"}  # fmt: skip
        changed_scope = [k for k in scope if k in data and getattr(audit, k) != data.get(k)]
        if changed_scope or set(agencies) != set(audit.agencies.all()):
            raise ApplicationError(
                "The scope, sample size, audit tool and agencies are fixed once returns open."
            )
    _check_plan(data)
    if "reaudit_of" in data:
        check_reaudit_of(
            data["reaudit_of"],
            partnership_id=audit.partnership_id,
            panel_date=data.get("panel_date", audit.panel_date),
            audit_pk=audit.pk,
        )
    with transaction.atomic():
        current = locked_at_version(Audit.objects, audit.pk, version, STALE_AUDIT)
        before = {k: _plain(getattr(current, k)) for k in data}
        before_agencies = sorted(a.short_name for a in current.agencies.all())
        for key, value in data.items():
            setattr(audit, key, value)
        audit.version = version + 1
        audit.save()
        audit.agencies.set(agencies)
        audit.panel_members.set(panel_members)
        summary = changes_between(before, {k: _plain(v) for k, v in data.items()})
        after_agencies = sorted(a.short_name for a in agencies)
        if after_agencies != before_agencies:
            summary["agencies"] = [before_agencies, after_agencies]
        if "panel_date" in summary:
            # Ages are kept at the panel date: recompute them from the dates of birth.
            summary["ages_recomputed"] = pool_ages_refresh(audit=audit)
        audit_record(
            action=AuditEvent.Action.CHANGED, actor=actor, ip=ip, obj=audit, summary=summary
        )
    return audit


# --- moving on ------------------------------------------------------------------------------


# --- identifiers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Identifiers:
    name: str
    date_of_birth: str
    case_number: str


def identifiers_reveal(*, actor: User, ip: str | None, child: Case) -> Identifiers:
    """Decrypt a child's identifiers for someone entitled to them (access.can_reveal_identifiers);
    each reveal is recorded."""
    audit = child.audit
    identifiers = Identifiers(
        name=crypto.decrypt(audit, child.enc_name),
        date_of_birth=crypto.decrypt(audit, child.enc_dob),
        case_number=crypto.decrypt(audit, child.enc_case_number),
    )
    audit_record(
        action=AuditEvent.Action.REVEALED,
        actor=actor,
        ip=ip,
        obj=child,
        object_label=f"{child.reference} ({audit.theme})",
        summary={"audit": audit.pk},
    )
    return identifiers


# --- closing --------------------------------------------------------------------------------
