"""Writes for agency returns: save (by hand or autosave), submit, not known, send back, reassign,
and an agency's extended deadline. Each records an audit event.

Every write to a return carries the version it started from. The write is a conditional
``UPDATE ... WHERE version = <that version>``, so of two concurrent saves on one version exactly
one wins and the other is refused (StaleReturn) without overwriting anything.
"""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import dateformat, timezone

from maqa.accounts.access import check_admin_of
from maqa.accounts.models import User
from maqa.audits.access import auditor_org_ids
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError, checked_reason
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.organisations.models import Organisation
from maqa.returns.models import AgencyDeadline, Return, ReturnRevision
from maqa.returns.selectors import (
    content_changes,
    content_of,
    missing_required,
    reassign_candidates,
)
from maqa.returns.selectors import return_due_date as return_due_date
from maqa.tools.definition import FREE_TEXT_KEYS, ToolDefinition, clean_answer, questions_of

MAX_FREE_TEXT = 10_000
MAX_COMMENT = 2_000
SIGNATURE_OBJECT = "returns.signature"
WRONG_PASSWORD = "The password is not right. Enter the password you sign in with."


class StaleReturn(ApplicationError):
    """A write made on a version that is no longer the latest. ``changes`` lists what changed
    since that version: [{"key", "question", "yours", "theirs"}] (labels, not raw values)."""

    def __init__(self, message: str, *, headline: str, changes: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.headline = headline  # who saved, when, and that nothing was saved
        self.changes = changes


class ReturnLocked(ApplicationError):
    """The return (or its audit) no longer takes changes."""


# --- helpers ---------------------------------------------------------------------------------


def _fresh(ret: Return) -> Return:
    """The return as the database holds it now."""
    return Return.objects.select_related("audit", "updated_by", "tool_version").get(pk=ret.pk)


def _check_open(ret: Return) -> None:
    if ret.audit.state != Audit.State.RETURNS_OPEN:
        raise ReturnLocked("Returns for this audit have closed: this return can no longer change.")
    if ret.is_locked:
        raise ReturnLocked(
            f"This return is {ret.get_state_display().lower()}: it can no longer be changed "
            "unless the partnership admin sends it back."
        )


def _check_auditor(actor: User, ret: Return) -> None:
    if ret.organisation_id not in auditor_org_ids(actor):
        raise ApplicationError("Only an auditor of the return's agency can change it.")


def _day(day: datetime.date) -> str:
    return dateformat.format(day, "j F Y")


def _when(moment: datetime.datetime) -> str:
    return dateformat.format(timezone.localtime(moment), r"H:i \o\n j F Y")


def _stale(actor: User, current: Return, version: int) -> StaleReturn:
    """The refusal of a write made on ``version``: who saved since, when, and what changed."""
    definition = current.tool_version.definition
    base = ReturnRevision.objects.filter(return_obj=current, version=version).first()
    before = base.content if base else content_of(Return())  # version 1 is the empty return
    changes = [
        {"key": c["key"], "question": c["question"], "yours": c["before"], "theirs": c["after"]}
        for c in content_changes(definition, before, content_of(current))
    ]
    if current.updated_by_id == actor.pk:
        who = "you (in another tab or window)"
    else:
        who = current.updated_by.full_name if current.updated_by else "someone else"
    headline = (
        f"This return was saved by {who} at {_when(current.updated_at)} after you opened it. "
        "Your changes were not saved."
    )
    listed = "; ".join(f"{c['question']} (was: {c['yours']}; now: {c['theirs']})" for c in changes)
    message = (
        f"{headline} Here is what changed: "
        + (listed or f"no answers changed; the return is now {current.get_state_display()}")
        + ". Open the return again to see the latest version, then make your changes again."
    )
    return StaleReturn(message, headline=headline, changes=changes)


def _write(
    *,
    actor: User,
    current: Return,
    version: int,
    kind: str,
    fields: dict[str, Any],
) -> int:
    """Write ``fields`` only if the return is still at ``version``; record the new revision.

    Returns the new version. Raises StaleReturn when another write got there first, even after
    the caller's read: the WHERE clause is checked by the database under its row lock.
    """
    new_version = version + 1
    now = timezone.now()
    updated = Return.objects.filter(pk=current.pk, version=version).update(
        **fields, version=new_version, updated_at=now, updated_by=actor
    )
    if updated != 1:
        raise _stale(actor, _fresh(current), version)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version, current.updated_at, current.updated_by = new_version, now, actor
    ReturnRevision.objects.create(
        return_obj=current,
        version=new_version,
        kind=kind,
        content=content_of(current),
        saved_by=actor,
    )
    return new_version


def _sync(ret: Return, current: Return) -> Return:
    """Bring the caller's object up to date with what was written."""
    for name in (
        "state",
        "answers",
        "version",
        "updated_at",
        "updated_by_id",
        "submitted_at",
        "submitted_by_id",
        "sent_back_comment",
        "assignee_id",
        *FREE_TEXT_KEYS,
    ):
        setattr(ret, name, getattr(current, name))
    return ret


def _record(
    *, action: str, actor: User, ip: str | None, ret: Return, summary: dict[str, Any]
) -> None:
    audit_record(
        action=action,
        actor=actor,
        ip=ip,
        obj=ret,
        summary={"audit": ret.audit_id, **summary},
    )


def _cleaned(
    definition: ToolDefinition, answers: dict[str, str], free_text: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Check every answer against the tool the return was created on. Empty answers are left
    out of the stored answers; the free-text boxes the tool does not have keep their value."""
    questions = {q["key"]: q for q in questions_of(definition)}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ApplicationError(
            f"This return's audit tool has no question {unknown[0]!r}. Reload the page."
        )
    grades = definition["grade_scale"]["grades"]
    clean: dict[str, str] = {}
    for key, question in questions.items():
        try:
            value = clean_answer(question, answers.get(key, ""), grades)
        except ApplicationError as error:
            raise ApplicationError(error.message, field=key) from error
        if value:
            clean[key] = value
    texts: dict[str, str] = {}
    for item in definition["free_text"]:
        key = item["key"]
        value = (free_text.get(key) or "").strip()
        if len(value) > MAX_FREE_TEXT:
            raise ApplicationError(
                f"{item['title']}: keep it under {MAX_FREE_TEXT:,} characters.", field=key
            )
        texts[key] = value
    return clean, texts


# --- viewing ---------------------------------------------------------------------------------


def return_view_record(*, actor: User, ip: str | None, ret: Return, page: str) -> None:
    """One event per page load that shows a return's content (never per autosave)."""
    _record(action=AuditEvent.Action.VIEWED, actor=actor, ip=ip, ret=ret, summary={"page": page})


# --- saving ----------------------------------------------------------------------------------


def return_save(
    *,
    actor: User,
    ip: str | None,
    ret: Return,
    answers: dict[str, str],
    free_text: dict[str, str],
    version: int,
    autosave: bool,
) -> Return:
    """Save a draft of the return's answers and free text, made on ``version``.

    A save that changes nothing keeps the version (and records nothing). Raises StaleReturn when
    ``version`` is not the latest, ReturnLocked when the return no longer takes changes, and
    ApplicationError (with ``field`` the question's key) for an answer that does not fit.
    """
    _check_auditor(actor, ret)
    definition = ret.tool_version.definition
    clean, texts = _cleaned(definition, answers, free_text)
    with transaction.atomic():
        current = _fresh(ret)
        _check_open(current)
        if current.version != version:
            raise _stale(actor, current, version)
        before = content_of(current)
        after = {**before, "answers": clean, **texts}
        if after == before:
            return _sync(ret, current)
        changed = [c["key"] for c in content_changes(definition, before, after)]
        fields: dict[str, Any] = {"answers": clean, **texts}
        old_state = current.state
        if current.state == Return.State.NOT_STARTED:
            fields["state"] = Return.State.DRAFT
        kind = ReturnRevision.Kind.AUTOSAVE if autosave else ReturnRevision.Kind.SAVE
        new_version = _write(
            actor=actor, current=current, version=version, kind=kind, fields=fields
        )
        summary: dict[str, Any] = {
            "version": [version, new_version],
            "changed": changed,  # the keys only: free-text values stay out of the trail
            "autosave": autosave,
        }
        if current.state != old_state:
            summary["state"] = [old_state, current.state]
        _record(action=AuditEvent.Action.CHANGED, actor=actor, ip=ip, ret=current, summary=summary)
    return _sync(ret, current)


# --- submitting ------------------------------------------------------------------------------


def _check_signature(actor: User, ip: str | None, ret: Return, password: str) -> None:
    """The person's password, entered again as their signature. Wrong attempts are recorded
    (outside the write's transaction, so they stay) and, as at sign-in, too many lock it."""
    since = timezone.now() - timedelta(minutes=settings.LOCKOUT_WINDOW_MINUTES)
    failures = AuditEvent.objects.filter(
        action=AuditEvent.Action.FAILED_SIGN_IN,
        object_type=SIGNATURE_OBJECT,
        actor=actor,
        at__gte=since,
    ).count()
    if failures >= settings.LOCKOUT_FAILURES:
        raise ApplicationError(
            f"Too many wrong passwords: try again in {settings.LOCKOUT_WINDOW_MINUTES} minutes.",
            field="password",
        )
    if not password or not actor.check_password(password):
        audit_record(
            action=AuditEvent.Action.FAILED_SIGN_IN,
            actor=actor,
            ip=ip,
            object_type=SIGNATURE_OBJECT,
            object_id=str(ret.pk),
            object_label=str(ret),
            summary={"step": "signature to submit a return"},
        )
        raise ApplicationError(WRONG_PASSWORD, field="password")


def return_submit(
    *, actor: User, ip: str | None, ret: Return, password: str, version: int
) -> Return:
    """Sign (with the person's password) and submit the return made on ``version``: every
    graded and yes/no question must be answered. The return is then locked."""
    _check_auditor(actor, ret)
    _check_signature(actor, ip, ret, password)
    with transaction.atomic():
        current = _fresh(ret)
        _check_open(current)
        if current.version != version:
            raise _stale(actor, current, version)
        missing = missing_required(current)
        if missing:
            raise ApplicationError(
                f"Answer every graded and yes/no question before you submit ({len(missing)} "
                "still to answer): " + "; ".join(q["text"] for q in missing)
            )
        # The answers were checked as they were saved; check again against the tool version.
        _cleaned(current.tool_version.definition, current.answers or {}, {})
        old_state = current.state
        now = timezone.now()
        new_version = _write(
            actor=actor,
            current=current,
            version=version,
            kind=ReturnRevision.Kind.SUBMIT,
            fields={"state": Return.State.SUBMITTED, "submitted_at": now, "submitted_by": actor},
        )
        _record(
            action=AuditEvent.Action.SUBMITTED,
            actor=actor,
            ip=ip,
            ret=current,
            summary={
                "state": [old_state, Return.State.SUBMITTED],
                "version": [version, new_version],
                "signed": "password",
            },
        )
    return _sync(ret, current)


def return_not_known(*, actor: User, ip: str | None, ret: Return, version: int) -> Return:
    """Answer that the child is not known to this agency, instead of completing the tool. The
    return is then locked (the admin can send it back)."""
    _check_auditor(actor, ret)
    with transaction.atomic():
        current = _fresh(ret)
        _check_open(current)
        if current.version != version:
            raise _stale(actor, current, version)
        old_state = current.state
        new_version = _write(
            actor=actor,
            current=current,
            version=version,
            kind=ReturnRevision.Kind.NOT_KNOWN,
            fields={
                "state": Return.State.NOT_KNOWN,
                "submitted_at": timezone.now(),
                "submitted_by": actor,
            },
        )
        _record(
            action=AuditEvent.Action.SUBMITTED,
            actor=actor,
            ip=ip,
            ret=current,
            summary={
                "state": [old_state, Return.State.NOT_KNOWN],
                "version": [version, new_version],
            },
        )
    return _sync(ret, current)


# --- the admin's part ------------------------------------------------------------------------


def return_send_back(*, actor: User, ip: str | None, ret: Return, comment: str) -> Return:
    """Reopen a submitted (or not known) return for changes, with a comment for the agency."""
    comment = comment.strip()
    if not comment:
        raise ApplicationError("Say what needs to change.", field="comment")
    if len(comment) > MAX_COMMENT:
        raise ApplicationError(
            f"Keep the comment under {MAX_COMMENT:,} characters.", field="comment"
        )
    with transaction.atomic():
        current = _fresh(ret)
        if current.audit.state != Audit.State.RETURNS_OPEN:
            raise ApplicationError("A return can only be sent back while returns are open.")
        if not current.is_locked:
            raise ApplicationError(
                "Only a submitted return, or one answered as not known, can be sent back."
            )
        old_state, version = current.state, current.version
        new_version = _write(
            actor=actor,
            current=current,
            version=version,
            kind=ReturnRevision.Kind.SENT_BACK,
            fields={"state": Return.State.SENT_BACK, "sent_back_comment": comment},
        )
        _record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            ret=current,
            summary={
                "state": [old_state, Return.State.SENT_BACK],
                "version": [version, new_version],
                "changed": ["sent_back_comment"],
            },
        )
    return _sync(ret, current)


def return_reassign(*, actor: User, ip: str | None, ret: Return, assignee: User) -> Return:
    """Give the return to another active auditor of the same agency. The content and its
    version do not change, so whoever is editing it carries on undisturbed."""
    if ret.audit.state != Audit.State.RETURNS_OPEN:
        raise ApplicationError("A return can only be reassigned while returns are open.")
    if assignee.pk == ret.assignee_id:
        raise ApplicationError("The return is already assigned to them.", field="assignee")
    if not reassign_candidates(ret).filter(pk=assignee.pk).exists():
        raise ApplicationError(
            f"Choose an active auditor of {ret.organisation.name}.", field="assignee"
        )
    with transaction.atomic():
        old = ret.assignee.email if ret.assignee else None
        Return.objects.filter(pk=ret.pk).update(assignee=assignee)
        ret.assignee = assignee
        _record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            ret=ret,
            summary={"assignee": [old, assignee.email]},
        )
    return ret


def deadline_extend(
    *,
    actor: User,
    ip: str | None,
    audit: Audit,
    organisation: Organisation,
    due_date: datetime.date,
    reason: str,
) -> AgencyDeadline:
    """Set (or replace) one agency's returns deadline for an audit.

    Reminders are keyed by (return, kind, due date), so a new date re-arms them by itself.
    """
    reason = reason.strip()
    if audit.state not in (Audit.State.DRAFT, Audit.State.RETURNS_OPEN):
        raise ApplicationError("Deadlines can only change until returns close.")
    if not audit.agencies.filter(pk=organisation.pk).exists():
        raise ApplicationError(f"{organisation.name} is not taking part in this audit.")
    if not reason:
        raise ApplicationError("Give the reason for the new deadline.", field="reason")
    if due_date < audit.returns_due:
        raise ApplicationError(
            f"An agency's deadline cannot be before the audit's ({_day(audit.returns_due)}).",
            field="due_date",
        )
    if due_date > audit.panel_date:
        raise ApplicationError(
            f"Returns are needed for the panel: choose {_day(audit.panel_date)} or earlier.",
            field="due_date",
        )
    if due_date < timezone.localdate():
        raise ApplicationError("Choose today or a later date.", field="due_date")
    with transaction.atomic():
        existing = AgencyDeadline.objects.filter(audit=audit, organisation=organisation).first()
        old = existing.due_date.isoformat() if existing else audit.returns_due.isoformat()
        deadline, created = AgencyDeadline.objects.update_or_create(
            audit=audit,
            organisation=organisation,
            defaults={"due_date": due_date, "reason": reason},
        )
        audit_record(
            action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=deadline,
            summary={
                "audit": audit.pk,
                "organisation": organisation.short_name,
                "due_date": [old, due_date.isoformat()],
            },
        )
    return deadline


STALE_REOPEN = (
    "This return changed after you opened this page. Go back to the panel, check it, and "
    "reopen it again if it still needs it."
)


def return_reopen(
    *, actor: User, ip: str | None, audit: Audit, ret: Return, reason: str, version: int
) -> Return:
    """Reopen a submitted (or not known) return, made on ``version``: it goes back to the agency
    as "sent back", with the reason as the comment they read. The reason is kept in the audit
    trail. The agency can change it while returns are open (at the panel, move the audit back)."""
    check_admin_of(actor, audit.partnership_id)
    reason = checked_reason(reason)
    if ret.audit_id != audit.pk:
        raise ApplicationError("This return is not of this audit.")
    with transaction.atomic():
        current_audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if current_audit.state not in Audit.State.reopenable():
            raise ApplicationError(
                "A return can be reopened only while returns are open or at the panel."
            )
        current = Return.objects.get(pk=ret.pk)
        if current.version != version:
            raise ApplicationError(STALE_REOPEN)
        if not current.is_locked:
            raise ApplicationError(
                "Only a submitted return, or one answered as not known, can be reopened."
            )
        old_state, new_version, now = current.state, version + 1, timezone.now()
        locked = (Return.State.SUBMITTED, Return.State.NOT_KNOWN)
        updated = Return.objects.filter(pk=current.pk, version=version, state__in=locked).update(
            state=Return.State.SENT_BACK, sent_back_comment=reason, version=new_version,
            updated_at=now, updated_by=actor,
        )  # fmt: skip
        if updated != 1:
            raise ApplicationError(STALE_REOPEN)
        current.refresh_from_db()
        ReturnRevision.objects.create(
            return_obj=current,
            version=new_version,
            kind=ReturnRevision.Kind.SENT_BACK,
            content=content_of(current),
            saved_by=actor,
        )
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=current,
            summary={
                "audit": audit.pk,
                "state": [old_state, Return.State.SENT_BACK],
                "version": [version, new_version],
                "reopened": current_audit.state,
                "reason": reason,
            },
        )
    for name in ("state", "sent_back_comment", "version", "updated_at", "updated_by_id"):
        setattr(ret, name, getattr(current, name))
    return ret
