"""Audit plan and lifecycle: create, edit, move between states, reveal identifiers, close."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from maqa.accounts.models import User
from maqa.audits import crypto
from maqa.audits.caselist.cases import pool_ages_refresh
from maqa.audits.models import Audit, Case
from maqa.audits.reaudit import check_reaudit_of
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record, changes_between
from maqa.returns.models import Return, ReturnRevision

DEFAULT_AIM = (
    "To find out how well agencies work together for children in this theme: whether each agency "
    "recognised and shared what it knew, whether the child's voice and lived experience shaped "
    "what was done, whether plans made a difference for the child, and whether practice followed "
    "statutory guidance and the partnership's own policies and procedures."
)

# The order an audit moves through; an admin moves it one step at a time.
FORWARD = {
    Audit.State.DRAFT: Audit.State.RETURNS_OPEN,
    Audit.State.RETURNS_OPEN: Audit.State.PANEL,
    Audit.State.PANEL: Audit.State.REPORTING,
    Audit.State.REPORTING: Audit.State.PUBLISHED,
    Audit.State.PUBLISHED: Audit.State.CLOSED,
}

STALE_AUDIT = (
    "Someone else changed this audit while you were editing. Reload the page to see their "
    "changes, then make yours again."
)

PLAN_FIELDS = [
    "theme", "aim", "plan_types", "cp_categories", "age_min_years", "age_max_years",
    "sample_size", "returns_due", "panel_date", "lead", "tool_version",
]  # fmt: skip


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _check_plan(data: dict[str, Any]) -> None:
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
    data: dict[str, Any],
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
    data: dict[str, Any],
    agencies: list[Any],
    panel_members: list[User],
    version: int,
) -> Audit:
    if audit.state == Audit.State.CLOSED:
        raise ApplicationError("A closed audit cannot be changed.")
    if audit.state != Audit.State.DRAFT:
        scope = {"plan_types", "cp_categories", "age_min_years", "age_max_years", "sample_size",
                 "tool_version"}  # fmt: skip
        changed_scope = [k for k in scope if k in data and getattr(audit, k) != data[k]]
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
        current = Audit.objects.select_for_update().get(pk=audit.pk)
        if current.version != version:
            raise ApplicationError(STALE_AUDIT)
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


def audit_move_on(*, actor: User, ip: str | None, audit: Audit, version: int) -> Audit:
    """Move the audit to its next state, after that move's checks."""
    target = FORWARD.get(Audit.State(audit.state))
    if target is None:
        raise ApplicationError("A closed audit has no next state.")
    if target == Audit.State.CLOSED:
        audit_close(actor=actor, ip=ip, audit=audit, version=version)
        return audit
    if target == Audit.State.PUBLISHED and not audit.briefing_versions.exists():
        # Only a published briefing version moves an audit to published: its identifier check
        # and the second admin's confirmation (maqa.findings.publication.publication_confirm,
        # which creates the version and then calls this) must never be skipped.
        raise ApplicationError(
            "An audit is published by publishing its briefing: ask to publish it on the "
            "Briefing page, and another partnership admin confirms it."
        )
    with transaction.atomic():
        current = Audit.objects.select_for_update().get(pk=audit.pk)
        if current.version != version or current.state != audit.state:
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


@dataclass(frozen=True)
class IdentifierHit:
    where: str  # e.g. "Police return for Child A, good practice"
    found: str  # which identifier kind matched: "name" or "case number" (never the value)


def free_text_of(audit: Audit) -> list[tuple[str, str]]:
    """Every piece of free text an audit keeps after it closes, with where it is. (Saved
    versions of returns are not listed: closing deletes them.) Later issues add theirs here
    (panel notes, findings, evidence) by extending FREE_TEXT_SOURCES."""
    texts: list[tuple[str, str]] = []
    for source in FREE_TEXT_SOURCES:
        texts.extend(source(audit))
    return texts


def _return_texts(audit: Audit) -> list[tuple[str, str]]:
    texts = []
    for ret in Return.objects.filter(audit=audit).select_related("child", "organisation"):
        where = f"{ret.organisation.short_name} return for {ret.child.reference}"
        for field in ("good_practice", "areas_for_development", "what_needs_to_happen",
                      "sent_back_comment"):  # fmt: skip
            texts.append((f"{where}, {field.replace('_', ' ')}", getattr(ret, field)))
        for key, answer in (ret.answers or {}).items():
            if isinstance(answer, dict):
                for part, value in answer.items():
                    if isinstance(value, str):
                        texts.append((f"{where}, answer {key} ({part})", value))
            elif isinstance(answer, str):
                texts.append((f"{where}, answer {key}", answer))
    return texts


def _concern_texts(audit: Audit) -> list[tuple[str, str]]:
    return [
        (f"safeguarding concern about {c.child.reference}", f"{c.description}\n{c.outcome}")
        for c in audit.concerns.select_related("child")
    ]


def _finding_texts(audit: Audit) -> list[tuple[str, str]]:
    # Imported here: maqa.findings depends on maqa.audits, not the other way round.
    from maqa.findings.selectors import findings_free_text

    return findings_free_text(audit)


def _panel_texts(audit: Audit) -> list[tuple[str, str]]:
    # Imported here: maqa.findings depends on maqa.audits, not the other way round.
    from maqa.findings.panel import panel_free_text

    return panel_free_text(audit)


def _briefing_texts(audit: Audit) -> list[tuple[str, str]]:
    # Imported here: maqa.findings depends on maqa.audits, not the other way round.
    from maqa.findings.publication import briefing_free_text

    return briefing_free_text(audit)


FREE_TEXT_SOURCES = [_return_texts, _concern_texts, _finding_texts, _panel_texts, _briefing_texts]


def name_patterns(full_name: str) -> list[re.Pattern[str]]:
    """The full name, and each part of it of three letters or more, as whole words."""
    parts = [p for p in re.split(r"[\s\-']+", full_name.strip()) if len(p) >= 3]
    needles = {full_name.strip(), *parts}
    return [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE) for n in needles if n]


def identifier_scan(audit: Audit) -> list[IdentifierHit]:
    """Find the sample's names and case numbers in the audit's free text."""
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for child in audit.cases.all():
        name = crypto.decrypt(audit, child.enc_name)
        number = crypto.decrypt(audit, child.enc_case_number)
        if name:
            patterns += [("name", p) for p in name_patterns(name)]
        if number:
            patterns.append(
                ("case number", re.compile(rf"(?<!\w){re.escape(number)}(?!\w)", re.IGNORECASE))
            )
    hits: list[IdentifierHit] = []
    for where, text in free_text_of(audit):
        for kind, pattern in patterns:
            if text and pattern.search(text):
                hits.append(IdentifierHit(where=where, found=f"a child's {kind}"))
                break
    return hits


class IdentifiersInFreeText(ApplicationError):
    def __init__(self, hits: list[IdentifierHit]) -> None:
        super().__init__(
            f"The audit cannot close: {len(hits)} piece(s) of free text hold a child's name or "
            "case number. Remove them, then close again."
        )
        self.hits = hits


def audit_close(*, actor: User, ip: str | None, audit: Audit, version: int) -> Audit:
    """Close: refuse while free text holds identifiers; then destroy the audit's key."""
    if audit.state != Audit.State.PUBLISHED:
        raise ApplicationError("Only a published audit can be closed.")
    open_concerns = audit.concerns.filter(outcome_recorded_at__isnull=True).count()
    if open_concerns:
        raise ApplicationError(
            f"The audit cannot close: {open_concerns} immediate safeguarding concern(s) have no "
            "outcome recorded. Record their outcomes, then close again."
        )
    hits = identifier_scan(audit)
    if hits:
        raise IdentifiersInFreeText(hits)
    with transaction.atomic():
        current = Audit.objects.select_for_update().get(pk=audit.pk)
        if current.version != version:
            raise ApplicationError(STALE_AUDIT)
        # Old saved versions of returns may hold text since corrected: the scan read them too,
        # and they are no longer needed once the audit closes.
        revisions_deleted, _ = ReturnRevision.objects.filter(return_obj__audit=audit).delete()
        audit.cases.update(enc_name="", enc_dob="", enc_case_number="")
        audit.state = Audit.State.CLOSED
        audit.version = version + 1
        audit.identifiers_destroyed_at = timezone.now()
        audit.save(update_fields=["state", "version", "identifiers_destroyed_at"])
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=audit,
            summary={
                "state": [Audit.State.PUBLISHED, Audit.State.CLOSED],
                "identifiers": "destroyed",
                "revisions_deleted": revisions_deleted,
            },
        )
        # Last: after this nothing can read the identifiers, in this database or any backup.
        crypto.audit_key_destroy(audit)
    return audit
