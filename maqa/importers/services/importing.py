"""Importing past audits from their published briefings.

``briefing_import`` is the one way in, for the command (``maqa import-briefing``) and the web
pages alike: it reads a document (or takes a record a person has reviewed), checks it against
what the partnership already holds, and (with ``apply``) saves in one transaction an audit that is
published and flagged as imported, with its findings, and the document with its SHA-256.

The web pages store an upload first (``batch_upload``), read its files one request at a time
(``batch_parse_next``), and save each after review through ``briefing_import``.

Audit events name counts, dates and hashes, never a document's text or file name (a file name
may hold a child's name).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.importers.models import ImportBatch, ImportedDocument
from maqa.importers.review_themes import with_accepted
from maqa.importers.services.documents import document_keep, document_record_event
from maqa.importers.services.duplicates import (
    DECISIONS,
    IMPORT_ANYWAY,
    SKIP,
    duplicates_of,
    looks_like,
)
from maqa.importers.services.reading import (
    MAX_BYTES,
    display_name,
    format_of,
    read_record,
    refusal_of,
    sha256_of,
)
from maqa.importers.services.records import Counts, Plan, record_plan
from maqa.importers.services.themes import suggest_themes
from maqa.organisations.models import Organisation, Partnership
from maqa.returns.models import AuditTool, AuditToolVersion

MAX_FILES = 20
DEFAULT_TOOL = "multi-agency-case-audit"
# A document left "being read" this long (its request died) is read again.
STALE_PARSING = timedelta(minutes=5)

Status = ImportedDocument.Status
Section = Finding.Section
Polarity = Finding.Polarity


class Outcome:
    """What ``briefing_import`` did, or would do, with one document."""

    WOULD_CREATE = "would create"
    CREATED = "created"
    ALREADY = "already imported"
    NEEDS_DECISION = "needs a decision"
    NEEDS_REVIEW = "needs review"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class ImportOutcome:
    filename: str
    sha256: str
    status: str
    message: str = ""
    field: str | None = None  # the record field a problem is about (for a review form)
    theme: str = ""
    audit_date: str = ""  # as the audit will hold it: YYYY-MM-DD, or YYYY-MM
    counts: Counts = dataclasses.field(default_factory=Counts)
    duplicates: list[Audit] = dataclasses.field(default_factory=list)
    document: ImportedDocument | None = None
    audit: Audit | None = None
    needs_a_theme: int = 0  # points saved without a theme

    @property
    def failed(self) -> bool:
        return self.status == Outcome.FAILED

    def line(self) -> str:
        """One line for the command's output."""
        what = f"{self.theme or 'no theme'} ({self.audit_date or 'no date'}): "
        what += self.counts.describe()
        if self.status == Outcome.WOULD_CREATE:
            return f"would create: {what}"
        if self.status == Outcome.CREATED:
            tail = f"; {self.needs_a_theme} points need a theme" if self.needs_a_theme else ""
            return f"created audit {self.audit.pk if self.audit else '?'}: {what}{tail}"
        return f"{self.status}: {self.message}"


# --- importing ------------------------------------------------------------------------------


def _already(outcome: ImportOutcome, held: ImportedDocument) -> ImportOutcome:
    outcome.status = Outcome.ALREADY
    outcome.document = held
    outcome.audit = held.audit
    where = f" as “{held.audit}” (audit {held.audit_id})" if held.audit else ""
    outcome.message = f"this file was imported before{where}: nothing new was created."
    return outcome


def briefing_import(
    *,
    actor: User,
    ip: str | None,
    partnership: Partnership,
    filename: str,
    data: bytes,
    apply: bool,
    record_override: dict[str, Any] | None = None,
    decision: str | None = None,
) -> ImportOutcome:
    """Import one briefing document as a published, imported audit with its findings.

    Without ``apply`` nothing is written: the outcome says what would be created. The same bytes
    are never imported twice; a document like an audit already held (same theme and date) waits
    for ``decision="import anyway"`` (or "skip"). ``record_override`` is the record as a person
    corrected it; otherwise the document is read. With ``apply``, a document that needs a
    decision or review is kept (status needs_decision / parsed) for a person to finish.
    """
    name = display_name(filename)
    digest = sha256_of(data)
    outcome = ImportOutcome(filename=name, sha256=digest, status=Outcome.FAILED)
    if decision is not None and decision not in DECISIONS:
        outcome.message = f"unknown decision “{decision}”: use “import anyway” or “skip”."
        return outcome
    refusal = refusal_of(data)
    if refusal:
        outcome.message = refusal
        return outcome
    held = ImportedDocument.objects.filter(partnership=partnership, sha256=digest).first()
    if held is not None and held.status == Status.SAVED:
        return _already(outcome, held)
    parsed = held.record if held is not None and held.record is not None else None
    if record_override is not None:
        record: dict[str, Any] | None = record_override
    elif parsed is not None:
        record = parsed
    else:
        record, problem = read_record(data, name)
        if record is None:
            outcome.message = problem
            return outcome
        parsed = record
    try:
        plan = record_plan(record)
    except ApplicationError as error:
        outcome.status = Outcome.NEEDS_REVIEW
        outcome.message, outcome.field = error.message, error.field
        outcome.theme = str((record or {}).get("theme") or "")
        if apply:
            outcome.document = document_keep(
                actor, ip, partnership, name, data, digest, parsed, Status.PARSED, error.message
            )
        return outcome
    outcome.theme, outcome.audit_date, outcome.counts = plan.theme, plan.audit_date, plan.counts
    outcome.duplicates = duplicates_of(partnership, plan)
    if outcome.duplicates and decision == SKIP:
        outcome.status = Outcome.SKIPPED
        outcome.message = "it looks like an audit already held: nothing was created."
        if apply:
            outcome.document = document_keep(
                actor, ip, partnership, name, data, digest, parsed, Status.SKIPPED, ""
            )
        return outcome
    if outcome.duplicates and decision != IMPORT_ANYWAY:
        outcome.status = Outcome.NEEDS_DECISION
        outcome.message = looks_like(outcome.duplicates)
        outcome.field = "decision"
        if apply:
            outcome.document = document_keep(
                actor, ip, partnership, name, data, digest, parsed, Status.NEEDS_DECISION,
                outcome.message,
            )  # fmt: skip
        return outcome
    if not apply:
        outcome.status = Outcome.WOULD_CREATE
        outcome.message = f"would create “{plan.theme}” ({plan.audit_date})."
        return outcome
    tool = _tool_version(partnership)
    if tool is None:
        outcome.message = "the partnership has no audit tool to attach imported audits to."
        return outcome
    texts, polarities = _points(plan)
    suggested = suggest_themes(partnership, texts, polarities)
    # Themes accepted on the review page (maqa/importers/review_themes.py) take their place.
    suggested = with_accepted(partnership, (record or {}).get("accepted_themes"), texts, suggested)
    try:
        with transaction.atomic():
            held = (
                ImportedDocument.objects.select_for_update()
                .filter(partnership=partnership, sha256=digest)
                .first()
            )
            if held is not None and held.status == Status.SAVED:
                return _already(outcome, held)
            audit, needs_a_theme = _create_audit(actor, ip, partnership, plan, tool, suggested)
            document = held or ImportedDocument(
                partnership=partnership, sha256=digest, uploaded_by=actor
            )
            document.filename = document.filename or name
            document.content, document.size = data, len(data)
            document.format = format_of(data)
            document.record = parsed if parsed is not None else document.record
            document.reviewed_record = record_override
            document.status, document.problem, document.audit = Status.SAVED, "", audit
            document.save()
            summary = {
                "imported": True,
                "source_sha256": digest,
                "format": document.format,
                "panel_date": plan.panel_date.isoformat(),
                "date_precision": plan.date_precision,
                "sample_size": plan.sample_size,
                "plan_types": plan.plan_types,
                **plan.counts.as_dict(),
                "themes_suggested": suggested is not None,
                "needs_a_theme": needs_a_theme,
                "reviewed": record_override is not None,
                "decision": decision or "",
            }
            audit_record(
                action=AuditEvent.Action.CREATED, actor=actor, ip=ip, partnership=partnership,
                obj=audit, summary=summary,
            )  # fmt: skip
            document_record_event(actor, ip, document, created=held is None)
    except IntegrityError:
        # The same file saved by someone else at the same moment.
        held = ImportedDocument.objects.filter(partnership=partnership, sha256=digest).first()
        if held is not None and held.status == Status.SAVED:
            return _already(outcome, held)
        outcome.message = "the document could not be saved: try again."
        return outcome
    outcome.status = Outcome.CREATED
    outcome.document, outcome.audit, outcome.needs_a_theme = document, audit, needs_a_theme
    outcome.message = f"created “{plan.theme}” ({plan.audit_date})."
    return outcome


def _tool_version(partnership: Partnership) -> AuditToolVersion | None:
    tool = AuditTool.objects.filter(partnership=partnership, slug=DEFAULT_TOOL).first()
    tool = tool or AuditTool.objects.filter(partnership=partnership).order_by("pk").first()
    return tool.latest if tool is not None else None


def _points(plan: Plan) -> tuple[list[str], list[str]]:
    """Every point's text and polarity, in the order _create_audit saves them."""
    texts = plan.worries + plan.good_practice
    polarities = [Polarity.CONCERN.value] * len(plan.worries)
    polarities += [Polarity.STRENGTH.value] * len(plan.good_practice)
    for item in plan.learning:
        texts += item.found + item.actions
        polarities += [Polarity.CONCERN.value] * len(item.found)
        polarities += [Polarity.ACTION.value] * len(item.actions)
    return texts, polarities


def _create_audit(
    actor: User,
    ip: str | None,
    partnership: Partnership,
    plan: Plan,
    tool: AuditToolVersion,
    suggested: list[list[Theme]] | None,
) -> tuple[Audit, int]:
    """The audit and its findings (inside the caller's transaction). Returns (audit, how many
    points have no theme)."""
    audit = Audit.objects.create(
        partnership=partnership,
        theme=plan.theme,
        aim=plan.aim,
        plan_types=plan.plan_types,
        cp_categories=plan.cp_categories,
        age_min_years=plan.age_min_years,
        age_max_years=plan.age_max_years,
        sample_size=plan.sample_size,
        tool_version=tool,
        returns_due=plan.panel_date,
        panel_date=plan.panel_date,
        lead=actor,
        state=Audit.State.PUBLISHED,
        imported=True,
        date_precision=plan.date_precision,
    )
    audit.agencies.set(_organisations(partnership, plan.organisations))
    themes = iter(suggested) if suggested is not None else None
    needs_a_theme = 0

    def add(section: str, polarity: str, texts: list[str], lt: LearningTheme | None) -> None:
        nonlocal needs_a_theme
        for position, text in enumerate(texts):
            finding = Finding.objects.create(
                audit=audit, section=section, polarity=polarity, text=text, learning_theme=lt,
                position=position, created_by=actor,
            )  # fmt: skip
            chosen = next(themes, []) if themes is not None else []
            if chosen:
                finding.themes.set(chosen)
            else:
                needs_a_theme += 1

    add(Section.WORRY, Polarity.CONCERN, plan.worries, None)
    add(Section.GOOD_PRACTICE, Polarity.STRENGTH, plan.good_practice, None)
    for position, item in enumerate(plan.learning):
        lt = LearningTheme.objects.create(audit=audit, title=item.title, position=position)
        add(Section.FOUND, Polarity.CONCERN, item.found, lt)
        # "What needs to happen": findings of polarity action, not tracked actions.
        add(Section.ACTION, Polarity.ACTION, item.actions, lt)
    return audit, needs_a_theme


def _organisations(partnership: Partnership, names: list[str]) -> list[Organisation]:
    """The partnership's organisations a briefing names (by name or short name, any case)."""
    wanted = {n.casefold() for n in names}
    if not wanted:
        return []
    return [
        org
        for org in Organisation.objects.filter(partnership=partnership)
        if org.name.casefold() in wanted or org.short_name.casefold() in wanted
    ]


# --- uploads (the web pages) ----------------------------------------------------------------


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
