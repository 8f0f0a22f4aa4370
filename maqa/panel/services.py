"""The panel: who may open it, what it reads (each child's returns side by side, the grid of agreed
grades) and what it writes (agreed grades, notes, attendance), plus the admin's two ways back:
reopening a submitted return and moving an audit back one state.

Who: partnership admins, and the panel members named for the audit, once the audit reaches the
panel (Audit.State.at_panel()). The panel's record changes at the panel and in reporting; from publication
on it is read-only. Everyone else gets 404, as for an audit that does not exist.

Every write carries the version it started from and is a conditional update, so of two saves on
one version exactly one wins; the other is refused (StalePanelSave) with who saved and what.
Audit events name the child's reference, the domain and the grade, never the free text.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.utils import dateformat, timezone

from maqa.accounts.access import is_partnership_admin
from maqa.accounts.models import User
from maqa.audits.access import sits_on_panel
from maqa.audits.models import Audit, Case
from maqa.core.errors import MAX_REASON, ApplicationError, checked_text
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.organisations.models import Organisation
from maqa.panel.access import why_not_editable
from maqa.panel.models import PanelAttendance, PanelGrade, PanelNote
from maqa.panel.selectors import grade_shown

# The panel's record (grades, notes, attendance) changes in these states; later it is read-only.
# A submitted return can be reopened while returns are open and at the panel (once the panel has
# met, move the audit back to the panel first).
# One step back. Not from draft (nothing earlier), not from closed (the identifiers are gone for
# good), and not from returns open to draft: the returns exist, agencies may have started them,
# and opening returns again would make them twice.
MAX_TEXT = 10_000


class StalePanelSave(ApplicationError):
    """A save made on a version that is no longer the latest; nothing was saved. ``version`` is
    the latest (0: nothing saved), for a form that saves again knowingly over it."""

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__(message)
        self.version = version


# --- who ------------------------------------------------------------------------------------


# --- reading: grades as people read them -----------------------------------------------------


# --- reading: one child ----------------------------------------------------------------------


# --- reading: the whole panel ----------------------------------------------------------------


# --- writing: helpers ------------------------------------------------------------------------


def _lock_editable(actor: User, audit: Audit) -> Audit:
    """The audit's row, locked until the transaction ends (so that it cannot move on half-way
    through a save), if the actor may change its panel record now."""
    current = Audit.objects.select_for_update().get(pk=audit.pk)
    if current.partnership_id != actor.partnership_id or not (
        is_partnership_admin(actor) or sits_on_panel(actor, current)
    ):
        raise ApplicationError("Only the partnership admin and the audit's panel can change this.")
    if current.state not in Audit.State.recording():
        raise ApplicationError(why_not_editable(current))
    return current


def _stale(actor: User, current: Any, what: str, now: str) -> StalePanelSave:
    """The refusal of a save on an old version: who saved since, when, and what is there now."""
    if current is None:
        return StalePanelSave(
            f"{what.capitalize()} changed after you opened this page. Reload it.", version=0
        )
    user = current.updated_by
    who = "You (in another tab or window)" if user and user.pk == actor.pk else None
    who = who or (user.full_name if user else "Someone else")
    when = dateformat.format(timezone.localtime(current.updated_at), r"H:i \o\n j F Y")
    return StalePanelSave(
        f"{who} saved {what} at {when}, after you opened this page, so yours was not saved. "
        f"{now} To keep yours instead, check it and save again.",
        version=current.version,
    )


def _save_versioned(
    model: Any,
    *,
    actor: User,
    lookup: dict[str, Any],
    values: dict[str, Any],
    version: int,
    stale: Any,
) -> tuple[Any, Any]:
    """Write ``values`` to the row found by ``lookup`` if it is still at ``version`` (0: no row
    yet), as a conditional UPDATE. Returns (the row before, the row after): after is None when
    there was nothing to save, and is ``before`` itself when nothing changed. Raises the
    ``stale(current row or None)`` refusal when the row is at another version."""
    rows = model.objects.select_related("updated_by")
    before = rows.filter(**lookup).first()
    if (before.version if before else 0) != version:
        raise stale(before)
    if before is None:
        if not any(values.values()):
            return None, None
        return None, model.objects.create(**lookup, **values, version=1, updated_by=actor)
    if all(getattr(before, key) == value for key, value in values.items()):
        return before, before
    updated = model.objects.filter(pk=before.pk, version=version).update(
        **values, version=version + 1, updated_by=actor, updated_at=timezone.now()
    )
    if updated != 1:
        raise stale(rows.get(pk=before.pk))
    return before, rows.get(pk=before.pk)


def panel_view_record(
    *, actor: User, ip: str | None, audit: Audit, page: str, child: Case | None = None
) -> None:
    """One event per page load that shows the panel's or the returns' content."""
    summary: dict[str, Any] = {"page": page}
    if child is not None:
        summary["child"] = child.reference
    audit_record(action=AuditEvent.Action.VIEWED, actor=actor, ip=ip, obj=audit, summary=summary)


# --- writing: agreed grades and notes --------------------------------------------------------


def panel_grade_save(
    *,
    actor: User,
    ip: str | None,
    audit: Audit,
    child: Case,
    domain: str,
    grade: str,
    rationale: str,
    version: int,
) -> PanelGrade | None:
    """Save the panel's agreed grade (a value of the tool's scale, or "" for not agreed yet) and
    its rationale for one domain of one child, made on ``version`` (0: none saved yet).

    Returns the saved grade (None if nothing has ever been saved). A save that changes nothing
    keeps the version and records nothing. Raises StalePanelSave when someone saved since.
    """
    if child.audit_id != audit.pk or not child.sampled:
        raise ApplicationError("This child is not in the audit's sample.")
    definition = audit.tool_version.definition
    titles = {d["key"]: d["title"] for d in definition["domains"]}
    if domain not in titles:
        raise ApplicationError("The audit tool has no such domain. Reload the page.")
    grades = definition["grade_scale"]["grades"]
    grade = (grade or "").strip()
    if grade and grade not in {g["value"] for g in grades}:
        raise ApplicationError("Choose a grade from the list.", field="grade")
    rationale = checked_text(rationale, limit=MAX_TEXT, what="the rationale", field="rationale")
    what = f"the panel's grade for {titles[domain]}"

    def stale(current: PanelGrade | None) -> StalePanelSave:
        now = grade_shown(current.grade, grades).text if current else ""
        return _stale(
            actor,
            current,
            what,
            f"The grade is now: {now}, shown with their rationale above your form.",
        )

    with transaction.atomic():
        _lock_editable(actor, audit)
        before, saved = _save_versioned(
            PanelGrade, actor=actor, lookup={"audit": audit, "child": child, "domain": domain},
            values={"grade": grade, "rationale": rationale}, version=version, stale=stale,
        )  # fmt: skip
        if saved is None or saved is before:
            return cast(PanelGrade | None, saved)
        summary: dict[str, Any] = {
            "audit": audit.pk,
            "child": child.reference,
            "domain": domain,
            "grade": [before.grade if before else "", grade],
            "version": [version, saved.version],
        }
        if (before.rationale if before else "") != rationale:
            summary["changed"] = ["rationale"]  # that it changed, never what it says
        audit_record(
            action=AuditEvent.Action.CHANGED if before else AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=saved,
            object_label=f"panel grade, {child.reference}, {titles[domain]}",
            summary=summary,
        )
    return cast(PanelGrade, saved)


def panel_note_save(
    *,
    actor: User,
    ip: str | None,
    audit: Audit,
    child: Case | None,
    text: str,
    version: int,
) -> PanelNote | None:
    """Save the panel's notes about one child (or, with ``child`` None, the whole panel), made on
    ``version`` (0: none saved yet). The same rules as panel_grade_save."""
    if child is not None and (child.audit_id != audit.pk or not child.sampled):
        raise ApplicationError("This child is not in the audit's sample.")
    text = checked_text(text, limit=MAX_TEXT, what="the notes", field="text")
    about = child.reference if child else "the whole panel"

    def stale(current: PanelNote | None) -> StalePanelSave:
        return _stale(
            actor, current, f"the notes about {about}", "Theirs are shown above your form."
        )

    with transaction.atomic():
        _lock_editable(actor, audit)
        before, saved = _save_versioned(
            PanelNote, actor=actor, lookup={"audit": audit, "child": child},
            values={"text": text}, version=version, stale=stale,
        )  # fmt: skip
        if saved is None or saved is before:
            return cast(PanelNote | None, saved)
        audit_record(
            action=AuditEvent.Action.CHANGED if before else AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=saved,
            object_label=f"panel notes, {about}",
            summary={
                "audit": audit.pk,
                "child": child.reference if child else None,
                "version": [version, saved.version],
                "changed": ["text"],  # that it changed, never what it says
            },
        )
    return cast(PanelNote, saved)


# --- writing: attendance ---------------------------------------------------------------------


def panel_attendance_add(
    *,
    actor: User,
    ip: str | None,
    audit: Audit,
    person: User | None,
    name: str,
    organisation: Organisation | None,
    status: str,
    conflict_of_interest: str,
) -> PanelAttendance:
    """Record that someone attended the panel or sent apologies, and any conflict of interest
    they declared. Choose them from the partnership's people, or type a name."""
    if status not in PanelAttendance.Status.values:
        raise ApplicationError("Choose whether they attended or sent apologies.", field="status")
    if person is not None and (
        person.partnership_id != audit.partnership_id or not person.is_active
    ):
        raise ApplicationError("Choose someone of the partnership.", field="person")
    if organisation is not None and organisation.partnership_id != audit.partnership_id:
        raise ApplicationError("Choose an organisation of the partnership.", field="organisation")
    name = checked_text(name, limit=200, what="the name", field="name")
    if person is not None:
        name = name or person.full_name
    elif not name:
        raise ApplicationError("Choose someone from the list, or type their name.", field="name")
    conflict = checked_text(
        conflict_of_interest,
        limit=MAX_REASON,
        what="the conflict of interest",
        field="conflict_of_interest",
    )
    with transaction.atomic():
        _lock_editable(actor, audit)
        if person is not None and audit.attendance.filter(user=person).exists():
            raise ApplicationError(f"{person.full_name} is already listed.", field="person")
        if person is None and audit.attendance.filter(name__iexact=name).exists():
            raise ApplicationError(f"{name} is already listed.", field="name")
        row = PanelAttendance.objects.create(
            audit=audit, user=person, name=name, organisation=organisation, status=status,
            conflict_of_interest=conflict,
        )  # fmt: skip
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=row,
            summary={
                "audit": audit.pk,
                "name": name,
                "organisation": organisation.short_name if organisation else None,
                "status": status,
                "conflict_of_interest": "declared" if conflict else "none",
            },
        )
    return row


def panel_attendance_remove(
    *, actor: User, ip: str | None, audit: Audit, row_pk: int
) -> PanelAttendance:
    with transaction.atomic():
        _lock_editable(actor, audit)
        row = audit.attendance.select_for_update().filter(pk=row_pk).first()
        if row is None:
            raise ApplicationError("That row has already been removed.")
        label, pk = str(row), row.pk
        row.delete()
        audit_record(
            action=AuditEvent.Action.DELETED,
            actor=actor,
            ip=ip,
            object_type=PanelAttendance._meta.label_lower,
            object_id=str(pk),
            object_label=label,
            summary={"audit": audit.pk, "name": row.name, "status": row.status},
        )
    return row


# --- the admin's part: reopen a return, move an audit back ----------------------------------
