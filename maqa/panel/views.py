"""The panel's pages: the panel, a child's returns side by side with the agreed grades, the grid,
attendance; and the admin's reopen of a return and move of an audit back one state.

Who may do what, the reads and the writes are in maqa.panel.services. A grade is saved by a plain
form post (the page again, at that domain) or, with JavaScript, by htmx, which gets the domain's
form back as a fragment (panel/panel_grade_form.html).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maqa.accounts.access import is_partnership_admin
from maqa.audits.access import access_audit_admin
from maqa.audits.models import Audit, Case
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.panel import selectors, services
from maqa.panel.access import (
    access_audit_panel,
    access_audit_return,
    access_panel_child,
    can_edit_panel,
    why_not_editable,
)
from maqa.panel.forms import AttendanceForm, PanelGradeForm, PanelNoteForm, ReasonForm
from maqa.panel.models import PanelGrade
from maqa.panel.selectors import (
    DomainSheet,
    attendance_organisations,
    attendance_people,
    domain_of,
    grade_shown,
    panel_attendance_rows,
    panel_child_sheet,
    panel_overview,
    scale_of,
)
from maqa.returns import services as return_services
from maqa.tools.definition import DomainTitle

GRADE_FRAGMENT = "panel/panel_grade_form.html"


def _is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _require_editable(request: AuthedRequest, audit: Audit) -> None:
    if not can_edit_panel(request.user, audit):
        raise PermissionDenied(why_not_editable(audit))


def _rebound(data: QueryDict, version_field: str, version: int) -> QueryDict:
    """The posted data on the latest version: after a stale save the person sees theirs and the
    latest side by side, and saving again knowingly replaces the latest."""
    rebound = data.copy()
    rebound[version_field] = str(version)
    return rebound


def _refuse(form: Any, field: str | None, message: str) -> Any:
    """The form with a refusal the service gave, as an error of ``field`` (None: the form's)."""
    form.is_valid()
    form.add_error(field, message)
    return form


def _problems(form: Any, anchor: str) -> list[tuple[str, str]]:
    """For the page's error summary: each message of a form, with the id of what it is about
    (the field; for the form's own messages, ``anchor``)."""
    problems = []
    for name, errors in form.errors.items() if form.is_bound else ():
        if name in form.fields:
            bound = form[name]
            target = bound.id_for_label or f"{bound.auto_id}_0"
        else:
            target = anchor
        problems += [(str(error), target) for error in errors]
    return problems


def _child_url(audit: Audit, child: Case, anchor: str) -> str:
    return reverse("panel:panel-child", args=[audit.pk, child.pk]) + f"#{anchor}"


# --- the panel -------------------------------------------------------------------------------


def _overview_page(
    request: AuthedRequest,
    audit: Audit,
    *,
    note_form: PanelNoteForm | None = None,
    refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    overview = panel_overview(audit=audit)
    editable = can_edit_panel(request.user, audit)
    if editable and note_form is None:
        note_form = PanelNoteForm.for_note(overview.note, label="Notes for the whole panel")
    services.panel_view_record(**acting(request), audit=audit, page="panel")
    return _no_store(render(request, "panel/panel_overview.html", {
        "audit": audit, "overview": overview, "editable": editable, "note_form": note_form,
        "refused": refused, "is_admin": is_partnership_admin(request.user),
        "panel_members": audit.panel_members.all(),
    }, status=status))  # fmt: skip


@login_required
def panel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _overview_page(request, access_audit_panel(request.user, pk))


@login_required
@require_POST
def panel_note(request: AuthedRequest, pk: int) -> HttpResponse:
    """The notes for the whole panel."""
    audit = access_audit_panel(request.user, pk)
    _require_editable(request, audit)
    label = "Notes for the whole panel"
    form = PanelNoteForm(request.POST, label=label)
    if form.is_valid():
        try:
            services.panel_note_save(
                **acting(request), audit=audit, child=None,
                text=form.cleaned_data["text"], version=form.cleaned_data["version"],
            )  # fmt: skip
        except services.StalePanelSave as stale:
            data = _rebound(request.POST, form.add_prefix("version"), stale.version)
            form = PanelNoteForm(data, label=label)
            _refuse(form, "text", stale.message)
            return _overview_page(request, audit, note_form=form, refused=True, status=409)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Saved the notes for the whole panel.")
            return redirect(reverse("panel:panel", args=[audit.pk]) + "#notes")
    return _overview_page(request, audit, note_form=form)


# --- one child -------------------------------------------------------------------------------


def _child_page(
    request: AuthedRequest,
    audit: Audit,
    child: Case,
    *,
    grade_form: PanelGradeForm | None = None,
    note_form: PanelNoteForm | None = None,
    refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    sheet = panel_child_sheet(audit=audit, child=child)
    editable = can_edit_panel(request.user, audit)
    problems: list[tuple[str, str]] = []
    if editable:
        for domain in sheet.domains:
            spec: DomainTitle = {"key": domain.key, "title": domain.title}
            if grade_form is not None and grade_form.domain["key"] == domain.key:
                domain.form, domain.refused = grade_form, refused
                problems += _problems(grade_form, f"grade-{domain.key}")
            else:
                domain.form = PanelGradeForm.for_grade(domain.agreed, domain=spec,
                                                       grades=sheet.grades)  # fmt: skip
        if note_form is None:
            note_form = PanelNoteForm.for_note(sheet.note, label=f"Notes about {child.reference}")
        else:
            problems += _problems(note_form, "notes")
    services.panel_view_record(**acting(request), audit=audit, child=child, page="panel child")
    return _no_store(render(request, "panel/panel_child.html", {
        "audit": audit, "child": child, "sheet": sheet, "editable": editable,
        "note_form": note_form, "note_refused": refused and grade_form is None,
        "problems": problems, "is_admin": is_partnership_admin(request.user),
        "can_reopen": audit.state in Audit.State.reopenable(),
    }, status=status))  # fmt: skip


@login_required
def panel_child(request: AuthedRequest, pk: int, child_pk: int) -> HttpResponse:
    audit = access_audit_panel(request.user, pk)
    return _child_page(request, audit, access_panel_child(audit, child_pk))


def _grade_fragment(
    request: AuthedRequest,
    audit: Audit,
    child: Case,
    form: PanelGradeForm,
    *,
    refused: bool,
    status: int,
) -> HttpResponse:
    """The domain's form alone, for htmx, with the message for the page's status region."""
    key, title = form.domain["key"], form.domain["title"]
    saved = PanelGrade.objects.select_related("updated_by").filter(child=child, domain=key).first()
    shown = grade_shown(saved.grade if saved else "", scale_of(audit))
    domain = DomainSheet(
        key=key, title=title, rows=[], agreed=saved, agreed_shown=shown, form=form,
        refused=refused, saved=status == 200,
    )  # fmt: skip
    if domain.saved:
        live = f"Saved the panel's grade for {title}: {shown.text}."
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        live = f"The grade for {title} was not saved: " + (errors[0] if errors else "")
    response = render(request, GRADE_FRAGMENT, {
        "audit": audit, "child": child, "domain": domain, "editable": True, "oob": True,
        "live": live,
    }, status=status)  # fmt: skip
    response["X-Panel-Fragment"] = "grade"  # panel.js swaps only what it knows came from here
    return _no_store(response)


@login_required
@require_POST
def panel_grade(request: AuthedRequest, pk: int, child_pk: int, domain: str) -> HttpResponse:
    """Save the panel's agreed grade for one domain of one child: the page again (at the
    domain), or for htmx the domain's form alone."""
    audit = access_audit_panel(request.user, pk)
    child = access_panel_child(audit, child_pk)
    spec, grades = domain_of(audit, domain), scale_of(audit)
    htmx = _is_htmx(request)
    if not htmx:
        _require_editable(request, audit)
    form = PanelGradeForm(request.POST, domain=spec, grades=grades)
    refused, status = False, 400 if htmx else 200
    if not can_edit_panel(request.user, audit):
        form, status = _refuse(form, None, why_not_editable(audit)), 409
    elif form.is_valid():
        try:
            saved = services.panel_grade_save(
                **acting(request), audit=audit, child=child,
                domain=domain, grade=form.cleaned_data["grade"],
                rationale=form.cleaned_data["rationale"], version=form.cleaned_data["version"],
            )  # fmt: skip
        except services.StalePanelSave as stale:
            data = _rebound(request.POST, form.add_prefix("version"), stale.version)
            form = _refuse(PanelGradeForm(data, domain=spec, grades=grades), "grade", stale.message)
            refused, status = True, 409
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            if not htmx:
                shown = grade_shown(saved.grade if saved else "", grades).text
                messages.success(request, f"Saved the panel's grade for {spec['title']}: {shown}.")
                return redirect(_child_url(audit, child, f"grade-{domain}"))
            form, status = PanelGradeForm.for_grade(saved, domain=spec, grades=grades), 200
    if htmx:
        return _grade_fragment(request, audit, child, form, refused=refused, status=status)
    return _child_page(request, audit, child, grade_form=form, refused=refused, status=status)


@login_required
@require_POST
def panel_child_note(request: AuthedRequest, pk: int, child_pk: int) -> HttpResponse:
    """The notes about one child."""
    audit = access_audit_panel(request.user, pk)
    child = access_panel_child(audit, child_pk)
    _require_editable(request, audit)
    label = f"Notes about {child.reference}"
    form = PanelNoteForm(request.POST, label=label)
    if form.is_valid():
        try:
            services.panel_note_save(
                **acting(request), audit=audit, child=child,
                text=form.cleaned_data["text"], version=form.cleaned_data["version"],
            )  # fmt: skip
        except services.StalePanelSave as stale:
            data = _rebound(request.POST, form.add_prefix("version"), stale.version)
            form = PanelNoteForm(data, label=label)
            _refuse(form, "text", stale.message)
            return _child_page(request, audit, child, note_form=form, refused=True, status=409)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Saved the notes about {child.reference}.")
            return redirect(_child_url(audit, child, "notes"))
    return _child_page(request, audit, child, note_form=form)


# --- the grid and attendance -----------------------------------------------------------------


@login_required
def panel_grid(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_panel(request.user, pk)
    grid = selectors.panel_grid(audit=audit)
    services.panel_view_record(**acting(request), audit=audit, page="panel grid")
    return _no_store(render(request, "panel/panel_grid.html", {"audit": audit, "grid": grid}))


@login_required
def panel_attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who attended or sent apologies, and conflicts of interest; the form adds a row."""
    audit = access_audit_panel(request.user, pk)
    editable = can_edit_panel(request.user, audit)
    if request.method == "POST":
        _require_editable(request, audit)
    form = AttendanceForm(
        request.POST or None,
        people=attendance_people(audit),
        organisations=attendance_organisations(audit),
    )
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            row = services.panel_attendance_add(
                **acting(request), audit=audit, person=data["person"],
                name=data["name"], organisation=data["organisation"], status=data["status"],
                conflict_of_interest=data["conflict_of_interest"],
            )  # fmt: skip
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Added {row.name} ({row.get_status_display().lower()}).")
            return redirect("panel:panel-attendance", pk=audit.pk)
    return render(request, "panel/panel_attendance.html", {
        "audit": audit, "rows": panel_attendance_rows(audit=audit),
        "form": form if editable else None, "editable": editable,
    })  # fmt: skip


@login_required
@require_POST
def panel_attendance_remove(request: AuthedRequest, pk: int, row_pk: int) -> HttpResponse:
    audit = access_audit_panel(request.user, pk)
    _require_editable(request, audit)
    try:
        row = services.panel_attendance_remove(**acting(request), audit=audit, row_pk=row_pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Removed {row.name}.")
    return redirect("panel:panel-attendance", pk=audit.pk)


# --- the admin's part ------------------------------------------------------------------------


@login_required
def return_reopen(request: AuthedRequest, pk: int, return_pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    ret = access_audit_return(audit, return_pk)
    refused = None
    if audit.state not in Audit.State.reopenable():
        refused = "A return can be reopened only while returns are open or at the panel."
    elif not ret.is_locked:
        refused = f"This return is {ret.get_state_display().lower()}: it is open already."
    form = ReasonForm(
        request.POST or None, initial={"version": ret.version}, label="What needs to change?"
    )
    if request.method == "POST" and refused is None and form.is_valid():
        try:
            return_services.return_reopen(
                **acting(request), audit=audit, ret=ret,
                reason=form.cleaned_data["reason"], version=form.cleaned_data["version"],
            )  # fmt: skip
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Reopened the {ret}: it is sent back to the agency.")
            if audit.state == Audit.State.PANEL:
                return redirect(_child_url(audit, ret.child, "returns"))
            return redirect("returns:return-detail", pk=ret.pk)
    return render(request, "panel/panel_reopen.html", {
        "audit": audit, "ret": ret, "refused": refused, "form": form,
    })  # fmt: skip
