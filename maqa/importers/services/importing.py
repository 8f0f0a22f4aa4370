"""Importing one briefing: ``briefing_import``, what it did or would do (``ImportOutcome``), and
the published, imported audit it creates with its findings.

It reads a document (or takes a record a person has reviewed), checks it against what the
partnership already holds, and (with ``apply``) saves the audit and the document with its SHA-256
in one transaction. The command (``maqa import-briefing``) and the web pages both come through
here. Audit events name counts, dates and hashes, never a document's text or file name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.briefings.types import BriefingRecord
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.importers.models import ImportedDocument
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
    display_name,
    format_of,
    read_record,
    refusal_of,
    sha256_of,
)
from maqa.importers.services.records import Counts, Plan, record_plan
from maqa.importers.services.themes import suggest_themes
from maqa.organisations.models import Organisation, Partnership
from maqa.tools.models import AuditTool, AuditToolVersion

DEFAULT_TOOL = "multi-agency-case-audit"

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
    record_override: BriefingRecord | None = None,
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
        record: BriefingRecord | None = record_override
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
