"""Uploads on the web pages: an upload's files are stored first (``batch_upload``), then read one
request at a time (``batch_parse_next``); each is saved after review through
``briefing_import``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.importers.models import ImportBatch, ImportedDocument
from maqa.importers.services.duplicates import duplicates_of, looks_like
from maqa.importers.services.reading import (
    MAX_BYTES,
    display_name,
    format_of,
    read_record,
    refusal_of,
    sha256_of,
)
from maqa.importers.services.records import record_plan
from maqa.organisations.models import Partnership

MAX_FILES = 20
# A document left "being read" this long (its request died) is read again.
STALE_PARSING = timedelta(minutes=5)

Status = ImportedDocument.Status


class UploadedFileLike(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def batch_upload(
    *, actor: User, ip: str | None, partnership: Partnership, files: Sequence[UploadedFileLike]
) -> ImportBatch:
    """Store an upload's files, to be read one by one (``batch_parse_next``). A file that cannot
    be imported (too large, empty, not a format maqa reads, imported before) is refused with the
    reason, and not stored."""
    if not files:
        raise ApplicationError("Choose at least one file.", field="files")
    if len(files) > MAX_FILES:
        raise ApplicationError(
            f"Choose no more than {MAX_FILES} files at once (you chose {len(files)}).",
            field="files",
        )
    with transaction.atomic():
        batch = ImportBatch.objects.create(partnership=partnership, uploaded_by=actor)
        refused: list[dict[str, str]] = []
        seen: set[str] = set()
        stored = 0
        for upload in files:
            name = display_name(upload.name or "")
            if (upload.size or 0) > MAX_BYTES:
                too_large = f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB."
                refused.append({"filename": name, "reason": too_large})
                continue
            data = upload.read()
            reason = refusal_of(data)
            digest = sha256_of(data)
            if reason is None and digest in seen:
                reason = "the same file is in this upload twice."
            held = ImportedDocument.objects.filter(partnership=partnership, sha256=digest).first()
            if reason is None and held is not None and held.status == Status.SAVED:
                reason = f"this file was imported before, as “{held.audit}”."
            if reason is not None:
                refused.append({"filename": name, "reason": reason})
                continue
            seen.add(digest)
            document = held or ImportedDocument(
                partnership=partnership, sha256=digest, uploaded_by=actor, content=data,
                size=len(data),
            )  # fmt: skip
            document.batch, document.filename, document.format = batch, name, format_of(data)
            document.status, document.problem, document.record = Status.PENDING, "", None
            document.save()
            stored += 1
        batch.refused = refused
        batch.save(update_fields=["refused"])
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            partnership=partnership,
            obj=batch,
            summary={"files": len(files), "stored": stored, "refused": len(refused)},
        )
    return batch


def batch_parse_next(*, batch: ImportBatch) -> ImportedDocument | None:
    """Read the next file of an upload waiting to be read; None when none is left.

    The document is claimed first (pending → parsing), so that two requests never read the same
    file; one left "being read" by a request that died is read again after a while.
    """
    stale = timezone.now() - STALE_PARSING
    waiting = ImportedDocument.objects.filter(batch=batch).filter(
        Q(status=Status.PENDING) | Q(status=Status.PARSING, updated_at__lt=stale)
    )
    for document in waiting.order_by("pk"):
        claimed = ImportedDocument.objects.filter(
            pk=document.pk, status=document.status, updated_at=document.updated_at
        ).update(status=Status.PARSING, updated_at=timezone.now())
        if claimed:
            break
    else:
        return None
    data = bytes(document.content)
    record, problem = read_record(data, document.filename)
    status, plan_problem = Status.FAILED, problem
    if record is not None:
        status, plan_problem = Status.PARSED, ""
        try:
            plan = record_plan(record)
        except ApplicationError as error:
            plan_problem = error.message
        else:
            duplicates = duplicates_of(batch.partnership, plan)
            if duplicates:
                status, plan_problem = Status.NEEDS_DECISION, looks_like(duplicates)
    with transaction.atomic():
        current = ImportedDocument.objects.select_for_update().get(pk=document.pk)
        if current.status != Status.PARSING:
            return current
        current.record, current.status, current.problem = record, status, plan_problem
        current.save(update_fields=["record", "status", "problem", "updated_at"])
    return current


def batch_progress(batch: ImportBatch) -> dict[str, int]:
    """How many of an upload's files are read, of how many."""
    statuses = list(batch.documents.values_list("status", flat=True))
    waiting = sum(s in (Status.PENDING, Status.PARSING) for s in statuses)
    return {"total": len(statuses), "done": len(statuses) - waiting, "waiting": waiting}
