"""Writing actions: create, edit, progress updates with evidence, proposing completion, the
admin's decision, and cancelling.

Every write records an audit event. Every write carries the version the person read: the row is
changed only if it still has that version (a conditional UPDATE), so a stale save is refused
with a message, never applied over someone else's.

The status moves: not started -> in progress (first update) -> completion proposed (owner) ->
completed (admin accepts) or back to in progress (admin sends it back); an admin may cancel any
open action, with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from maqa.accounts.models import User
from maqa.actions import evidence as files_mod
from maqa.actions.access import (
    can_decide_action,
    can_edit_action,
    can_manage_actions,
    can_update_action,
)
from maqa.actions.models import Action, ActionUpdate, Evidence
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record, changes_between
from maqa.core.words import long_date
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Organisation

STALE = (
    "Someone else changed this action while you were working on it. Reload the page to see "
    "their changes, then make yours again."
)
NO_DESCRIPTION = "Enter a description of the action: what will be done"
NO_OWNER = "Choose the agency that owns the action"
NO_DUE_DATE = "Enter the date the action is due"
NO_MEASURE = "Enter a measure of success: how you will know the action has made a difference"
NOT_ALLOWED = "You cannot do this to this action."
S = Action.Status
K = ActionUpdate.Kind


class ActionFields(TypedDict):
    """What a person writes of an action (the action form), as action_create and action_edit
    take it: ``services.action_create(actor=..., ip=..., **fields)``."""

    description: str
    owner_organisation: Organisation | None
    owner_person: User | None
    due_date: date | None
    measure_of_success: str
    themes: list[Theme]


# --- checks ---------------------------------------------------------------------------------


def _text(value: str | None, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, field=field)
    return value


def _checked(
    *,
    partnership_id: int,
    description: str,
    owner_organisation: Organisation | None,
    due_date: date | None,
    measure_of_success: str,
    owner_person: User | None,
    themes: Iterable[Theme],
) -> tuple[str, Organisation, date, str, list[Theme]]:
    description = _text(description, NO_DESCRIPTION, "description")
    if owner_organisation is None:
        raise ApplicationError(NO_OWNER, field="owner_organisation")
    if owner_organisation.partnership_id != partnership_id or not owner_organisation.active:
        raise ApplicationError("Choose an agency of your partnership.", field="owner_organisation")
    if due_date is None:
        raise ApplicationError(NO_DUE_DATE, field="due_date")
    measure = _text(measure_of_success, NO_MEASURE, "measure_of_success")
    if owner_person is not None and not (
        owner_person.is_active
        and owner_person.partnership_id == partnership_id
        and owner_person.memberships.filter(organisation=owner_organisation).exists()
    ):
        raise ApplicationError(
            f"Choose an owner who works for {owner_organisation.short_name}, or leave it empty.",
            field="owner_person",
        )
    pks = {t.pk for t in themes}
    found = list(Theme.objects.filter(pk__in=pks, partnership_id=partnership_id).order_by("slug"))
    if len(found) != len(pks):
        raise ApplicationError("Choose themes from your partnership's taxonomy.", field="themes")
    return description, owner_organisation, due_date, measure, found


def _facts(action: Action, themes: Iterable[Theme]) -> dict[str, Any]:
    return {
        "owner_organisation": action.owner_organisation.short_name,
        "owner_person": action.owner_person.email if action.owner_person else None,
        "due_date": action.due_date.isoformat(),
        "status": action.status,
        "themes": sorted(t.slug for t in themes),
    }


def _record(action_name: str, actor: User | None, ip: str | None, action: Action,
            summary: dict[str, Any]) -> None:  # fmt: skip
    audit_record(
        action=action_name,
        actor=actor,
        ip=ip,
        partnership=action.partnership,
        obj=action,
        summary=summary,
    )


def _current(action: Action, expected_version: int) -> Action:
    """The action as it is now, refused as stale unless it still has ``expected_version``."""
    current = (
        Action.objects.select_related("owner_organisation", "owner_person", "partnership")
        .filter(pk=action.pk)
        .first()
    )
    if current is None or current.version != expected_version:
        raise ApplicationError(STALE)
    return current


def _save(action: Action, expected_version: int, **fields: Any) -> None:
    """The conditional UPDATE: only if nobody changed the row since ``expected_version``."""
    changed = Action.objects.filter(pk=action.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if changed != 1:
        raise ApplicationError(STALE)
    for name, value in fields.items():
        setattr(action, name, value)
    action.version = expected_version + 1


# --- create and edit ------------------------------------------------------------------------


def action_create(
    *,
    actor: User | None,
    ip: str | None,
    description: str,
    owner_organisation: Organisation | None,
    due_date: date | None,
    measure_of_success: str,
    owner_person: User | None = None,
    themes: Iterable[Theme] = (),
    audit: Audit | None = None,
    finding: Finding | None = None,
) -> Action:
    """A new action (not started), free or from a finding (then of that finding's audit).

    ``actor`` None is the system (demo and benchmark data); a person must be a partnership admin.
    """
    if owner_organisation is None:
        raise ApplicationError(NO_OWNER, field="owner_organisation")
    partnership_id = owner_organisation.partnership_id
    if actor is not None and (
        actor.partnership_id != partnership_id or not can_manage_actions(actor)
    ):
        raise ApplicationError("Only a partnership admin can write actions.")
    if finding is not None:
        audit = finding.audit
    if audit is not None and audit.partnership_id != partnership_id:
        raise ApplicationError("Choose an audit of your partnership.", field="audit")
    description, organisation, due, measure, chosen = _checked(
        partnership_id=partnership_id,
        description=description,
        owner_organisation=owner_organisation,
        due_date=due_date,
        measure_of_success=measure_of_success,
        owner_person=owner_person,
        themes=themes,
    )
    with transaction.atomic():
        action = Action.objects.create(
            partnership_id=partnership_id,
            audit=audit,
            finding=finding,
            description=description,
            owner_organisation=organisation,
            owner_person=owner_person,
            due_date=due,
            measure_of_success=measure,
            created_by=actor,
        )
        action.themes.set(chosen)
        summary = _facts(action, chosen)
        summary.update(audit=audit.pk if audit else None, finding=finding.pk if finding else None)
        _record(AuditEvent.Action.CREATED, actor, ip, action, summary)
    return action


def action_edit(
    *,
    actor: User,
    ip: str | None,
    action: Action,
    expected_version: int,
    description: str,
    owner_organisation: Organisation | None,
    due_date: date | None,
    measure_of_success: str,
    owner_person: User | None = None,
    themes: Iterable[Theme] = (),
) -> Action:
    """Change an open action (admins). A new due date re-arms its reminders."""
    description, organisation, due, measure, chosen = _checked(
        partnership_id=action.partnership_id,
        description=description,
        owner_organisation=owner_organisation,
        due_date=due_date,
        measure_of_success=measure_of_success,
        owner_person=owner_person,
        themes=themes,
    )
    with transaction.atomic():
        current = _current(action, expected_version)
        if not can_edit_action(actor, current):
            raise ApplicationError("Only an open action can be changed, by a partnership admin.")
        before = _facts(current, current.themes.all())
        before_text = (current.description, current.measure_of_success)
        _save(
            current,
            expected_version,
            description=description,
            owner_organisation=organisation,
            owner_person=owner_person,
            due_date=due,
            measure_of_success=measure,
        )
        current.themes.set(chosen)
        summary = changes_between(before, _facts(current, chosen))
        if before_text[0] != description:
            summary["description"] = "changed"
        if before_text[1] != measure:
            summary["measure_of_success"] = "changed"
        ActionUpdate.objects.create(
            action=current,
            kind=K.EDITED,
            text=_edit_note(summary),
            status_after=current.status,
            created_by=actor,
        )
        _record(AuditEvent.Action.CHANGED, actor, ip, current, summary)
    return current


_LABELS = {
    "owner_organisation": "owner agency",
    "owner_person": "owner",
    "due_date": "due date",
    "themes": "themes",
    "description": "description",
    "measure_of_success": "measure of success",
}


def _edit_note(summary: dict[str, Any]) -> str:
    if not summary:
        return "Saved with no changes."
    if "due_date" in summary:
        old, new = (long_date(date.fromisoformat(day)) for day in summary["due_date"])
        rest = [_LABELS[k] for k in summary if k != "due_date" and k in _LABELS]
        note = f"Due date moved from {old} to {new}."
        return note + (f" Also changed: {', '.join(rest)}." if rest else "")
    return "Changed: " + ", ".join(_LABELS[k] for k in summary if k in _LABELS) + "."


# --- progress and completion ----------------------------------------------------------------


def action_update_add(
    *,
    actor: User,
    ip: str | None,
    action: Action,
    text: str,
    files: Sequence[tuple[str, bytes]] = (),
    propose_completion: bool = False,
    expected_version: int,
) -> ActionUpdate:
    """A progress update with evidence files ((name, bytes) pairs), or a proposal that the action
    is complete. Any refused file refuses the whole update: nothing of it is saved."""
    if propose_completion:
        text = _text(
            text,
            "Describe what was done and how it meets the measure of success",
            "text",
        )
    else:
        text = _text(text, "Describe the progress made", "text")
    if len(files) > files_mod.MAX_FILES:
        raise ApplicationError(
            f"Attach no more than {files_mod.MAX_FILES} files to one update.", field="evidence"
        )
    checked = [files_mod.check_file(name, data) for name, data in files]
    with transaction.atomic():
        current = _current(action, expected_version)
        if not can_update_action(actor, current):
            if current.status == S.COMPLETION_PROPOSED:
                raise ApplicationError(
                    "Completion of this action has been proposed: wait for a partnership admin "
                    "to accept it or send it back."
                )
            raise ApplicationError(NOT_ALLOWED if current.is_open else "This action is closed.")
        status = S.COMPLETION_PROPOSED if propose_completion else S.IN_PROGRESS
        before = current.status
        _save(current, expected_version, status=status)
        update = ActionUpdate.objects.create(
            action=current,
            kind=K.PROPOSED if propose_completion else K.PROGRESS,
            text=text,
            status_after=status,
            created_by=actor,
        )
        for item in checked:
            files_mod.store(item)
            Evidence.objects.create(
                update=update,
                action=current,
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by=actor,
            )
        summary: dict[str, Any] = {"update": update.kind, "evidence": [
            {"filename": i.filename, "sha256": i.sha256, "size": i.size} for i in checked
        ]}  # fmt: skip
        if before != status:
            summary["status"] = [before, status]
        _record(AuditEvent.Action.CHANGED, actor, ip, current, summary)
    return update


def _decide(
    *,
    actor: User,
    ip: str | None,
    action: Action,
    expected_version: int,
    kind: str,
    text: str,
    fields: dict[str, Any],
) -> Action:
    with transaction.atomic():
        current = _current(action, expected_version)
        if not can_decide_action(actor, current):
            raise ApplicationError(
                "Completion of this action has not been proposed, so there is nothing to decide."
            )
        before = current.status
        _save(current, expected_version, **fields)
        ActionUpdate.objects.create(
            action=current, kind=kind, text=text, status_after=current.status, created_by=actor
        )
        _record(AuditEvent.Action.CHANGED, actor, ip, current,
                {"update": kind, "status": [before, current.status]})  # fmt: skip
    return current


def action_accept(
    *, actor: User, ip: str | None, action: Action, expected_version: int, comment: str = ""
) -> Action:
    """The admin accepts the evidence: the action is completed."""
    return _decide(
        actor=actor,
        ip=ip,
        action=action,
        expected_version=expected_version,
        kind=K.ACCEPTED,
        text=(comment or "").strip(),
        fields={
            "status": S.COMPLETED,
            "completed_at": timezone.now(),
            "completed_accepted_by": actor,
        },
    )


def action_send_back(
    *, actor: User, ip: str | None, action: Action, expected_version: int, comment: str
) -> Action:
    """The admin sends the proposal back, saying what is missing: the action is in progress."""
    comment = _text(comment, "Say what is missing, so the owner knows what to do next", "comment")
    return _decide(
        actor=actor,
        ip=ip,
        action=action,
        expected_version=expected_version,
        kind=K.SENT_BACK,
        text=comment,
        fields={"status": S.IN_PROGRESS},
    )


def action_cancel(
    *, actor: User, ip: str | None, action: Action, expected_version: int, reason: str
) -> Action:
    """An admin cancels an open action, with a reason."""
    reason = _text(reason, "Enter the reason for cancelling the action", "reason")
    with transaction.atomic():
        current = _current(action, expected_version)
        if not can_edit_action(actor, current):
            raise ApplicationError("Only an open action can be cancelled, by a partnership admin.")
        before = current.status
        _save(current, expected_version, status=S.CANCELLED, cancelled_reason=reason)
        ActionUpdate.objects.create(
            action=current, kind=K.CANCELLED, text=reason, status_after=S.CANCELLED,
            created_by=actor,
        )  # fmt: skip
        _record(AuditEvent.Action.CHANGED, actor, ip, current,
                {"update": K.CANCELLED, "status": [before, S.CANCELLED]})  # fmt: skip
    return current


def action_viewed(*, actor: User, ip: str | None, action: Action, page: str = "action") -> None:
    """A view of an action's page (or of one evidence file), recorded like other case data."""
    _record(AuditEvent.Action.VIEWED, actor, ip, action, {"page": page})
