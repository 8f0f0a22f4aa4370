"""Agency returns: an auditor's list, the return page and form, saving (by hand and autosave),
submitting, not known; the admin's send back, reassign and deadline extension."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from maqa.accounts.access import AnyUser, is_partnership_admin
from maqa.audits.access import access_audit_admin
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting, client_ip
from maqa.returns import services
from maqa.returns.access import access_return, can_edit_return
from maqa.returns.forms import (
    RELOAD_TEXT,
    DeadlineForm,
    NotKnownForm,
    ReassignForm,
    ReturnForm,
    SendBackForm,
    SubmitForm,
)
from maqa.returns.models import AgencyDeadline, Return
from maqa.returns.selectors import (
    is_overdue,
    missing_required,
    reassign_candidates,
    return_due_date,
    return_sections,
    returns_for_auditor,
)

AUTOSAVE_SECONDS = 30


def _access_return_admin(user: AnyUser, pk: int) -> Return:
    """A return of an audit the person runs (partnership admin); anyone else gets 404."""
    if not is_partnership_admin(user):
        raise Http404
    return access_return(user, pk)


def _wants_json(request: AuthedRequest) -> bool:
    """Autosave (fetch) and htmx requests get JSON; a form sent by its button gets a page."""
    return (
        request.headers.get("X-Requested-With") == "fetch"
        or request.headers.get("HX-Request") == "true"
    )


def _why_not_editable(ret: Return) -> str:
    if ret.audit.state != Audit.State.RETURNS_OPEN:
        return "Returns for this audit have closed: this return can no longer change."
    if ret.is_locked:
        return f"This return is {ret.get_state_display().lower()}: it can no longer be changed."
    return "Only an auditor of the return's agency can change it."


def _day(deadline: AgencyDeadline) -> str:
    return dateformat.format(deadline.due_date, "j F Y")


def _time(ret: Return) -> str:
    return dateformat.format(timezone.localtime(ret.updated_at), "H:i")


def _return_page(
    request: AuthedRequest,
    ret: Return,
    *,
    form: ReturnForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The return page: the form for those who may edit, the answers for those who may read."""
    user = request.user
    services.return_view_record(actor=user, ip=client_ip(request), ret=ret, page="return")
    editable = can_edit_return(user, ret)
    if editable and form is None:
        form = ReturnForm.for_return(ret)
    is_admin = is_partnership_admin(user)
    open_ = ret.audit.state == Audit.State.RETURNS_OPEN
    due = return_due_date(ret)
    context = {
        "ret": ret,
        "audit": ret.audit,
        "child": ret.child,
        "due_date": due,
        "overdue": is_overdue(ret, due),
        "form": form if editable else None,
        "sections": None if editable else return_sections(ret),
        "not_known_form": NotKnownForm(initial={"version": ret.version}) if editable else None,
        "is_admin": is_admin,
        "can_send_back": is_admin and open_ and ret.is_locked,
        "send_back_form": SendBackForm() if is_admin and open_ and ret.is_locked else None,
        "can_reassign": is_admin and open_,
        "autosave_seconds": AUTOSAVE_SECONDS,
        **extra,
    }
    response = render(request, "returns/return_detail.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def return_list(request: AuthedRequest) -> HttpResponse:
    rows = returns_for_auditor(user=request.user)
    return render(request, "returns/return_list.html", {"rows": rows})


@login_required
def return_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _return_page(request, access_return(request.user, pk))


@login_required
@require_POST
def return_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save a draft: JSON for autosave (see docs/returns.md), a page for the Save button."""
    as_json = _wants_json(request)
    try:
        ret = access_return(request.user, pk)
    except Http404:
        if as_json:
            return JsonResponse({"error": "This return is not available to you."}, status=404)
        raise
    if not can_edit_return(request.user, ret):
        if as_json:
            return JsonResponse({"error": _why_not_editable(ret), "changes": []}, status=403)
        raise PermissionDenied(_why_not_editable(ret))
    form = ReturnForm.for_return(ret, request.POST)
    if not form.is_valid():
        if as_json:
            return JsonResponse({"error": RELOAD_TEXT, "field": None}, status=400)
        return _return_page(request, ret, form=form)
    try:
        services.return_save(
            **acting(request),
            ret=ret,
            answers=form.answers(),
            free_text=form.free_text(),
            version=form.cleaned_data["version"],
            autosave=request.POST.get("autosave") == "1",
        )
    except services.StaleReturn as stale:
        if as_json:
            return JsonResponse({"error": stale.message, "changes": stale.changes}, status=409)
        return _return_page(request, ret, form=form, status=409, stale=stale)
    except services.ReturnLocked as locked:
        if as_json:
            return JsonResponse({"error": locked.message, "changes": []}, status=409)
        messages.error(request, locked.message)
        return redirect("returns:return-detail", pk=ret.pk)
    except ApplicationError as error:
        if as_json:
            return JsonResponse({"error": error.message, "field": error.field}, status=400)
        form.add_application_error(error)
        return _return_page(request, ret, form=form)
    if as_json:
        return JsonResponse(
            {
                "version": ret.version,
                "saved_at": ret.updated_at.isoformat(),
                "saved_at_label": _time(ret),
            }
        )
    if request.POST.get("next") == "submit":
        return redirect("returns:return-submit", pk=ret.pk)
    messages.success(request, f"Draft saved at {_time(ret)}.")
    return redirect("returns:return-detail", pk=ret.pk)


@login_required
def return_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Check the answers, then sign with the password to submit."""
    ret = access_return(request.user, pk)
    if not can_edit_return(request.user, ret):
        raise PermissionDenied(_why_not_editable(ret))
    form = SubmitForm(request.POST or None, initial={"version": ret.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.return_submit(
                **acting(request),
                ret=ret,
                password=form.cleaned_data["password"],
                version=form.cleaned_data["version"],
            )
        except services.StaleReturn as error:
            stale = error
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"You submitted the {ret}.")
            return redirect("returns:return-detail", pk=ret.pk)
    services.return_view_record(**acting(request), ret=ret, page="submit")
    response = render(
        request,
        "returns/return_submit.html",
        {
            "ret": ret,
            "audit": ret.audit,
            "child": ret.child,
            "form": form,
            "stale": stale,
            "sections": return_sections(ret),
            "missing": missing_required(ret),
        },
        status=409 if stale else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def return_not_known(request: AuthedRequest, pk: int) -> HttpResponse:
    ret = access_return(request.user, pk)
    if not can_edit_return(request.user, ret):
        raise PermissionDenied(_why_not_editable(ret))
    form = NotKnownForm(request.POST)
    if form.is_valid():
        try:
            services.return_not_known(
                **acting(request),
                ret=ret,
                version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"You answered that {ret.child} is not known to your agency.")
        return redirect("returns:return-detail", pk=ret.pk)
    return _return_page(request, ret, not_known_form=form, error_form=form)


@login_required
@require_POST
def return_send_back(request: AuthedRequest, pk: int) -> HttpResponse:
    ret = _access_return_admin(request.user, pk)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.return_send_back(
                **acting(request),
                ret=ret,
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Sent the {ret} back for changes.")
            return redirect("returns:return-detail", pk=ret.pk)
    return _return_page(request, ret, send_back_form=form, error_form=form)


@login_required
def return_reassign(request: AuthedRequest, pk: int) -> HttpResponse:
    ret = _access_return_admin(request.user, pk)
    form = ReassignForm(request.POST or None, candidates=reassign_candidates(ret))
    if request.method == "POST" and form.is_valid():
        try:
            services.return_reassign(
                **acting(request),
                ret=ret,
                assignee=form.cleaned_data["assignee"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"The {ret} is now assigned to {ret.assignee}.")
            return redirect("returns:return-detail", pk=ret.pk)
    return render(
        request,
        "returns/return_reassign.html",
        {
            "ret": ret,
            "audit": ret.audit,
            "form": form,
            "open": ret.audit.state == Audit.State.RETURNS_OPEN,
        },
    )


@login_required
def deadline_extend(request: AuthedRequest, audit_pk: int, org_pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, audit_pk)
    organisation = audit.agencies.filter(pk=org_pk).first()
    if organisation is None:
        raise Http404
    existing = AgencyDeadline.objects.filter(audit=audit, organisation=organisation).first()
    initial = {"due_date": existing.due_date, "reason": existing.reason} if existing else {}
    form = DeadlineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            deadline = services.deadline_extend(
                **acting(request),
                audit=audit,
                organisation=organisation,
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, f"{organisation.name}'s returns are now due on {_day(deadline)}."
            )
            return redirect("home:audit-detail", pk=audit.pk)
    return render(
        request,
        "returns/deadline_extend.html",
        {
            "audit": audit,
            "organisation": organisation,
            "existing": existing,
            "form": form,
            "can_change": audit.state in (Audit.State.DRAFT, Audit.State.RETURNS_OPEN),
        },
    )
