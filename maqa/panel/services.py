"""The panel: who may open it, what it reads (each child's returns side by side, the grid of agreed
grades) and what it writes (agreed grades, notes, attendance), plus the admin's two ways back:
reopening a submitted return and moving an audit back one state.

Who: partnership admins, and the panel members named for the audit, once the audit reaches the
panel (PANEL_STATES). The panel's record changes at the panel and in reporting; from publication
on it is read-only. Everyone else gets 404, as for an audit that does not exist.

Every write carries the version it started from and is a conditional update, so of two saves on
one version exactly one wins; the other is refused (StalePanelSave) with who saved and what.
Audit events name the child's reference, the domain and the grade, never the free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import dateformat, timezone

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role, User
from maqa.audits.access import PANEL_STATES, access_audit
from maqa.audits.models import Audit, Case
from maqa.core.errors import MAX_REASON, ApplicationError, checked_text
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.organisations.models import Organisation
from maqa.panel.models import PanelAttendance, PanelGrade, PanelNote
from maqa.returns.models import Return
from maqa.returns.selectors import NO_ANSWER, answer_label

# The panel's record (grades, notes, attendance) changes in these states; later it is read-only.
EDIT_STATES = (Audit.State.PANEL, Audit.State.REPORTING)
# A submitted return can be reopened while returns are open and at the panel (once the panel has
# met, move the audit back to the panel first).
# One step back. Not from draft (nothing earlier), not from closed (the identifiers are gone for
# good), and not from returns open to draft: the returns exist, agencies may have started them,
# and opening returns again would make them twice.
MAX_TEXT = 10_000
# GOV.UK Frontend's tag colours; the default tag (no modifier) is blue.
TAG_COLOURS = {"grey", "green", "turquoise", "purple", "pink", "red", "orange", "yellow",
               "teal", "magenta"}  # fmt: skip
NOT_KNOWN = "Not known to this agency"
NOT_SUBMITTED = "Not submitted"
NOT_AGREED = "Not agreed yet"


class StalePanelSave(ApplicationError):
    """A save made on a version that is no longer the latest; nothing was saved. ``version`` is
    the latest (0: nothing saved), for a form that saves again knowingly over it."""

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__(message)
        self.version = version


# --- who ------------------------------------------------------------------------------------


def is_named_panel_member(user: AnyUser, audit: Audit) -> bool:
    return Role.PANEL_MEMBER in roles_of(user) and audit.panel_members.filter(pk=user.pk).exists()


def access_audit_panel(user: AnyUser, pk: int) -> Audit:
    """An audit at the panel or later, for its admins and its named panel members; else 404."""
    audit = access_audit(user, pk)
    if audit.state not in PANEL_STATES:
        raise Http404
    if not (is_partnership_admin(user) or is_named_panel_member(user, audit)):
        raise Http404
    return audit


def access_panel_child(audit: Audit, pk: int) -> Case:
    """A sampled child of an audit the person already has through access_audit_panel."""
    try:
        return audit.cases.get(pk=pk, sampled=True)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def access_audit_return(audit: Audit, pk: int) -> Return:
    """A return of an audit the person already has (the admin's, through access_audit_admin)."""
    try:
        return Return.objects.select_related("child", "organisation").get(pk=pk, audit=audit)
    except Return.DoesNotExist as exc:
        raise Http404 from exc


def can_edit_panel(user: AnyUser, audit: Audit) -> bool:
    """The panel's record changes at the panel and in reporting, by its admins and members."""
    return audit.state in EDIT_STATES and (
        is_partnership_admin(user) or is_named_panel_member(user, audit)
    )


def why_not_editable(audit: Audit) -> str:
    state = audit.get_state_display().lower()
    why = f"The audit is {state}: the panel's record can no longer change."
    if audit.state == Audit.State.PUBLISHED:
        why += " The partnership admin can move the audit back to reporting to change it."
    return why


def domain_of(audit: Audit, key: str) -> dict[str, Any]:
    """A domain of the audit's tool by its key; 404 for any other key."""
    for domain in audit.tool_version.definition["domains"]:
        if domain["key"] == key:
            return dict(domain)
    raise Http404


# --- reading: grades as people read them -----------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A value as the page shows it: its text always, and a GOV.UK tag class when it is a grade
    (the colour only repeats what the text says)."""

    text: str
    tag: str | None = None  # "govuk-tag ..." classes, or None for plain text
    long: bool = False  # free text: shown with its line breaks

    @property
    def is_grade(self) -> bool:
        return self.tag is not None


def tag_class(colour: str) -> str:
    return f"govuk-tag govuk-tag--{colour}" if colour in TAG_COLOURS else "govuk-tag"


def grade_shown(value: str, grades: list[dict[str, Any]]) -> Shown:
    for grade in grades:
        if grade["value"] == value:
            return Shown(grade["label"], tag_class(grade.get("colour", "")))
    return Shown(value or NOT_AGREED)


def scale_of(audit: Audit) -> list[dict[str, Any]]:
    grades: list[dict[str, Any]] = audit.tool_version.definition["grade_scale"]["grades"]
    return grades


# --- reading: one child ----------------------------------------------------------------------


@dataclass
class AgencyColumn:
    ret: Return
    submitted: bool
    status: Shown


@dataclass
class QuestionRow:
    text: str
    kind: str
    cells: list[Shown]


@dataclass
class DomainSheet:
    key: str
    title: str
    rows: list[QuestionRow]
    agreed: PanelGrade | None
    agreed_shown: Shown
    form: Any = None  # the view's PanelGradeForm, when the person may edit
    refused: bool = False  # a save was refused as stale: show what is saved now
    saved: bool = False  # just saved (the htmx fragment says so)


@dataclass
class ChildSheet:
    audit: Audit
    child: Case
    agencies: list[AgencyColumn]
    domains: list[DomainSheet]
    free_text: list[QuestionRow]
    note: PanelNote | None
    grades: list[dict[str, Any]] = field(default_factory=list)


def _status(ret: Return) -> Shown:
    if ret.state == Return.State.SUBMITTED:
        return Shown("Submitted", "govuk-tag govuk-tag--green")
    if ret.state == Return.State.NOT_KNOWN:
        return Shown(NOT_KNOWN, "govuk-tag govuk-tag--grey")
    return Shown(f"{NOT_SUBMITTED} ({ret.get_state_display().lower()})", "govuk-tag")


def _answer(column: AgencyColumn, question: dict[str, Any], grades: list[dict[str, Any]]) -> Shown:
    if column.ret.state == Return.State.NOT_KNOWN:
        return Shown(NOT_KNOWN)
    if not column.submitted:
        return Shown(NOT_SUBMITTED)
    value = str((column.ret.answers or {}).get(question["key"], "") or "")
    if not value:
        return Shown(NO_ANSWER)
    if question["kind"] == "grade":
        shown = grade_shown(value, grades)
        return shown if shown.is_grade else Shown(value)
    return Shown(answer_label(question, value, grades), long=question["kind"] == "text")


def _free_text(column: AgencyColumn, key: str) -> Shown:
    if column.ret.state == Return.State.NOT_KNOWN:
        return Shown(NOT_KNOWN)
    if not column.submitted:
        return Shown(NOT_SUBMITTED)
    text = getattr(column.ret, key, "") or ""
    return Shown(text, long=True) if text else Shown("Nothing written")


def panel_child_sheet(*, audit: Audit, child: Case) -> ChildSheet:
    """One child's returns side by side, domain by domain, beside the panel's agreed grades.

    Only a submitted return's answers are shown: a return not submitted (or reopened) says so,
    as does one answered "not known to this agency". Four queries.
    """
    definition = audit.tool_version.definition
    grades = definition["grade_scale"]["grades"]
    returns = Return.objects.filter(audit=audit, child=child).select_related("organisation")
    agencies = [
        AgencyColumn(ret, ret.state == Return.State.SUBMITTED, _status(ret))
        for ret in returns.order_by("organisation__short_name")
    ]
    agreed = {g.domain: g for g in PanelGrade.objects.filter(child=child).select_related(
        "updated_by"
    )}  # fmt: skip
    domains = []
    for domain in definition["domains"]:
        grade = agreed.get(domain["key"])
        domains.append(
            DomainSheet(
                key=domain["key"],
                title=domain["title"],
                rows=[
                    QuestionRow(q["text"], q["kind"], [_answer(c, q, grades) for c in agencies])
                    for q in domain["questions"]
                ],
                agreed=grade,
                agreed_shown=grade_shown(grade.grade if grade else "", grades),
            )
        )
    free_text = [
        QuestionRow(item["title"], "free_text", [_free_text(c, item["key"]) for c in agencies])
        for item in definition["free_text"]
    ]
    note = PanelNote.objects.filter(audit=audit, child=child).select_related("updated_by").first()
    return ChildSheet(audit, child, agencies, domains, free_text, note, grades)


# --- reading: the whole panel ----------------------------------------------------------------


@dataclass
class ChildSummary:
    child: Case
    returns_total: int
    returns_done: int
    agreed: int


@dataclass
class PanelOverview:
    audit: Audit
    children: list[ChildSummary]
    domains: int
    note: PanelNote | None
    attendance: int


def panel_overview(*, audit: Audit) -> PanelOverview:
    """The children with how many returns are in and how many grades are agreed (five queries)."""
    domains = len(audit.tool_version.definition["domains"])
    agreed = dict(
        PanelGrade.objects.filter(audit=audit)
        .exclude(grade="")
        .values("child_id")
        .annotate(n=Count("pk"))
        .values_list("child_id", "n")
    )
    returns: dict[int, list[str]] = {}
    for child_id, state in Return.objects.filter(audit=audit).values_list("child_id", "state"):
        returns.setdefault(child_id, []).append(state)
    done = (Return.State.SUBMITTED, Return.State.NOT_KNOWN)
    children = [
        ChildSummary(
            child,
            len(returns.get(child.pk, [])),
            sum(1 for s in returns.get(child.pk, []) if s in done),
            agreed.get(child.pk, 0),
        )
        for child in audit.cases.filter(sampled=True).order_by("sample_order", "pk")
    ]
    note = PanelNote.objects.filter(audit=audit, child__isnull=True).select_related(
        "updated_by"
    ).first()  # fmt: skip
    return PanelOverview(audit, children, domains, note, audit.attendance.count())


@dataclass
class GridRow:
    child: Case
    cells: list[Shown]


@dataclass
class PanelGrid:
    audit: Audit
    domains: list[dict[str, Any]]
    rows: list[GridRow]


def panel_grid(*, audit: Audit) -> PanelGrid:
    """Children by domains with the agreed grades, text and colour. Three queries, whatever the
    size of the sample."""
    definition = audit.tool_version.definition
    grades = definition["grade_scale"]["grades"]
    domains = [{"key": d["key"], "title": d["title"]} for d in definition["domains"]]
    agreed = {
        (child_id, domain): grade
        for child_id, domain, grade in PanelGrade.objects.filter(audit=audit).values_list(
            "child_id", "domain", "grade"
        )
    }
    rows = [
        GridRow(
            child,
            [grade_shown(agreed.get((child.pk, d["key"]), ""), grades) for d in domains],
        )
        for child in audit.cases.filter(sampled=True).order_by("sample_order", "pk")
    ]
    return PanelGrid(audit, domains, rows)


def panel_attendance_rows(*, audit: Audit) -> list[PanelAttendance]:
    return list(audit.attendance.select_related("organisation").order_by("name", "pk"))


def attendance_people(audit: Audit) -> Any:
    """The partnership's active people, to choose an attendee from."""
    return User.objects.filter(partnership_id=audit.partnership_id, is_active=True).order_by(
        "full_name"
    )


def attendance_organisations(audit: Audit) -> Any:
    return Organisation.objects.filter(partnership_id=audit.partnership_id, active=True).order_by(
        "name"
    )


def panel_free_text(audit: Audit) -> list[tuple[str, str]]:
    """The panel's free text, with where it is, for the identifier scan before an audit closes
    (maqa.audits.services.FREE_TEXT_SOURCES)."""
    texts: list[tuple[str, str]] = []
    for grade in PanelGrade.objects.filter(audit=audit).select_related("child"):
        texts.append((f"panel's rationale for {grade.child.reference}, {grade.domain}",
                      grade.rationale))  # fmt: skip
    for note in PanelNote.objects.filter(audit=audit).select_related("child"):
        where = note.child.reference if note.child else "the whole panel"
        texts.append((f"panel notes about {where}", note.text))
    for row in audit.attendance.all():
        texts.append((f"conflict of interest declared by {row.name}", row.conflict_of_interest))
    return texts


# --- writing: helpers ------------------------------------------------------------------------


def _lock_editable(actor: User, audit: Audit) -> Audit:
    """The audit's row, locked until the transaction ends (so that it cannot move on half-way
    through a save), if the actor may change its panel record now."""
    current = Audit.objects.select_for_update().get(pk=audit.pk)
    if current.partnership_id != actor.partnership_id or not (
        is_partnership_admin(actor) or is_named_panel_member(actor, current)
    ):
        raise ApplicationError("Only the partnership admin and the audit's panel can change this.")
    if current.state not in EDIT_STATES:
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
