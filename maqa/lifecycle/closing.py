"""Closing an audit: the identifier scan over every app's free text, then the identifiers destroyed.

Closing refuses while any free text the audit keeps (returns, concerns, findings, panel notes, the
briefing) holds a sampled child's name or case number, or a concern has no outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from maqa.accounts.models import User
from maqa.audits import crypto
from maqa.audits.identifiers import name_patterns
from maqa.audits.models import Audit
from maqa.audits.services import STALE_AUDIT
from maqa.briefings.selectors import briefing_free_text
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.core.versioning import locked_at_version
from maqa.findings.selectors import findings_free_text
from maqa.panel.selectors import panel_free_text
from maqa.returns.models import Return, ReturnRevision


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

    return findings_free_text(audit)


def _panel_texts(audit: Audit) -> list[tuple[str, str]]:

    return panel_free_text(audit)


def _briefing_texts(audit: Audit) -> list[tuple[str, str]]:

    return briefing_free_text(audit)


FREE_TEXT_SOURCES = [_return_texts, _concern_texts, _finding_texts, _panel_texts, _briefing_texts]


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
        locked_at_version(Audit.objects, audit.pk, version, STALE_AUDIT)
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
