"""Documents kept for a person: one waiting for a decision or a review, and the decision to skip
it. Each change to a document is recorded in the audit trail, by its hash and status, never its
text or file name."""

from __future__ import annotations

from django.db import transaction

from maqa.accounts.models import User
from maqa.briefings.types import BriefingRecord
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.importers.models import ImportedDocument
from maqa.importers.services.reading import format_of
from maqa.organisations.models import Partnership

Status = ImportedDocument.Status


def document_keep(
    actor: User,
    ip: str | None,
    partnership: Partnership,
    name: str,
    data: bytes,
    digest: str,
    record: BriefingRecord | None,
    status: str,
    problem: str,
) -> ImportedDocument:
    """Store (or update) a document that waits for a person: a decision, or a review."""
    with transaction.atomic():
        document = (
            ImportedDocument.objects.select_for_update()
            .filter(partnership=partnership, sha256=digest)
            .first()
        )
        created = document is None
        if document is None:
            document = ImportedDocument(
                partnership=partnership, sha256=digest, uploaded_by=actor, filename=name,
                content=data, size=len(data), format=format_of(data),
            )  # fmt: skip
        elif document.status == Status.SAVED:
            return document
        document.record = record if record is not None else document.record
        document.status, document.problem = status, problem
        document.save()
        document_record_event(actor, ip, document, created=created)
    return document


def document_record_event(
    actor: User, ip: str | None, document: ImportedDocument, created: bool
) -> None:
    audit_record(
        action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
        actor=actor,
        ip=ip,
        partnership=document.partnership,
        obj=document,
        summary={
            "sha256": document.sha256,
            "format": document.format,
            "size": document.size,
            "status": document.status,
            "audit": document.audit_id,
        },
    )


def document_skip(*, actor: User, ip: str | None, document: ImportedDocument) -> ImportedDocument:
    """A person decided not to import this document (it is an audit already held)."""
    with transaction.atomic():
        current = ImportedDocument.objects.select_for_update().get(pk=document.pk)
        if current.status == Status.SAVED:
            raise ApplicationError("This document is already saved as an audit.")
        current.status, current.problem = Status.SKIPPED, ""
        current.save(update_fields=["status", "problem", "updated_at"])
        document_record_event(actor, ip, current, created=False)
    return current
