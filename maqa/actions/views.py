"""Pages of action plans: the list, one action with its history and evidence, writing and
changing actions, progress updates with evidence, the admin's decision, cancelling, and the
evidence files themselves.

Who may open what is in maqa.actions.access; what may change when, in maqa.actions.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from maqa.actions import evidence as evidence_files
from maqa.actions import services
from maqa.actions.access import (
    access_action,
    can_decide_action,
    can_edit_action,
    can_manage_actions,
    can_see_evidence,
    can_update_action,
)
from maqa.actions.forms import (
    ActionForm,
    CancelForm,
    DecideForm,
    FilterForm,
    UpdateForm,
    action_initial,
)
from maqa.actions.models import Action
from maqa.actions.selectors import ActionFilters, access_evidence, action_history, action_list
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.findings.models import Finding
from maqa.findings.selectors import access_finding, access_findings_audit


def _show(form: Any, error: ApplicationError) -> None:
    form.add_application_error(error)


def _detail(action: Action) -> HttpResponse:
    return redirect("actions:action-detail", pk=action.pk)


@login_required
def list_view(request: AuthedRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, partnership=request.user.partnership)
    filters = ActionFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = ActionFilters(
            status=data.get("status") or "",
            agency=data["agency"].pk if data.get("agency") else None,
            theme=data["theme"].pk if data.get("theme") else None,
            overdue=bool(data.get("overdue")),
        )
    return render(request, "actions/action_list.html", {
        "form": form, "actions": action_list(request.user, filters),
        "can_manage": can_manage_actions(request.user), "today": timezone.localdate(),
        "filtered": filters != ActionFilters(),
    })  # fmt: skip


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    action = access_action(request.user, pk)
    evidence = can_see_evidence(request.user, action)
    services.action_viewed(**acting(request), action=action)
    return render(request, "actions/action_detail.html", {
        "action": action, "history": action_history(action, with_evidence=evidence),
        "themes": action.themes.select_related("parent").order_by("parent__name", "name"),
        "show_evidence": evidence, "can_update": can_update_action(request.user, action),
        "can_decide": can_decide_action(request.user, action),
        "can_edit": can_edit_action(request.user, action),
        "overdue": action.is_open and action.due_date < timezone.localdate(),
        "today": timezone.localdate(),
    })  # fmt: skip


def _form_page(request: AuthedRequest, form: ActionForm, **context: Any) -> HttpResponse:
    return render(request, "actions/action_form.html", {"form": form, **context})


def _create(
    request: AuthedRequest, initial: dict[str, Any], finding: Finding | None
) -> HttpResponse:
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        partnership=request.user.partnership,
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                **acting(request), finding=finding, **form.service_kwargs()
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, "The action has been written.")
            return _detail(action)
    return _form_page(request, form, action=None, finding=finding)


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    if not can_manage_actions(request.user):
        raise PermissionDenied
    return _create(request, {}, None)


@login_required
def create_from_finding(request: AuthedRequest, finding_pk: int) -> HttpResponse:
    """An action from a point of an audit's findings the admin can read: its text and themes
    fill the form."""
    if not can_manage_actions(request.user):
        raise Http404
    audit_id = (
        Finding.objects.filter(pk=finding_pk, audit__partnership_id=request.user.partnership_id)
        .values_list("audit_id", flat=True)
        .first()
    )
    if audit_id is None:
        raise Http404
    finding = access_finding(access_findings_audit(request.user, audit_id), finding_pk)
    initial = {"description": finding.text, "themes": [t.pk for t in finding.themes.all()]}
    return _create(request, initial, finding)


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    action = access_action(request.user, pk)
    if not can_manage_actions(request.user):
        raise PermissionDenied
    if not can_edit_action(request.user, action):
        messages.info(request, "This action is closed: it can no longer be changed.")
        return _detail(action)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=action_initial(action),
        partnership=request.user.partnership,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_edit(
                **acting(request),
                action=action,
                expected_version=form.cleaned_data["version"] or 0,
                **form.service_kwargs(),
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, "The action has been saved.")
            return _detail(action)
    return _form_page(request, form, action=action, finding=None)


def _update(request: AuthedRequest, pk: int, *, propose: bool) -> HttpResponse:
    action = access_action(request.user, pk)
    if not can_update_action(request.user, action):
        if not (can_manage_actions(request.user) or can_see_evidence(request.user, action)):
            raise PermissionDenied
        messages.info(request, _why_not_open(action))
        return _detail(action)
    form = UpdateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"version": action.version},
        propose=propose,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update_add(
                **acting(request),
                action=action,
                text=form.cleaned_data["text"],
                files=form.file_pairs(),
                propose_completion=propose,
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(
                request,
                "Completion has been proposed: a partnership admin will look at the evidence."
                if propose
                else "The update has been added.",
            )
            return _detail(action)
    return render(request, "actions/action_update.html", {
        "action": action, "form": form, "propose": propose,
    })  # fmt: skip


def _why_not_open(action: Action) -> str:
    if action.status == Action.Status.COMPLETION_PROPOSED:
        return "Completion has been proposed: a partnership admin will accept it or send it back."
    return "This action is closed: it can no longer be updated."


@login_required
def update(request: AuthedRequest, pk: int) -> HttpResponse:
    return _update(request, pk, propose=False)


@login_required
def propose(request: AuthedRequest, pk: int) -> HttpResponse:
    return _update(request, pk, propose=True)


@login_required
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    action = access_action(request.user, pk)
    if not can_manage_actions(request.user):
        raise PermissionDenied
    if not can_decide_action(request.user, action):
        messages.info(request, "Completion of this action has not been proposed.")
        return _detail(action)
    form = DecideForm(request.POST or None, initial={"version": action.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        accept = data["decision"] == "accept"
        decide_with = services.action_accept if accept else services.action_send_back
        try:
            decide_with(
                **acting(request),
                action=action,
                expected_version=data["version"],
                comment=data.get("comment") or "",
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(
                request,
                "The action is completed." if accept else "The action has been sent back.",
            )
            return _detail(action)
    history = action_history(action, with_evidence=True)
    return render(request, "actions/action_decide.html", {
        "action": action, "form": form, "history": history, "show_evidence": True,
    })  # fmt: skip


@login_required
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    action = access_action(request.user, pk)
    if not can_manage_actions(request.user):
        raise PermissionDenied
    if not can_edit_action(request.user, action):
        messages.info(request, "This action is closed already.")
        return _detail(action)
    form = CancelForm(request.POST or None, initial={"version": action.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_cancel(
                **acting(request),
                action=action,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, "The action has been cancelled.")
            return _detail(action)
    return render(request, "actions/action_cancel.html", {"action": action, "form": form})


@login_required
def evidence_download(request: AuthedRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """One evidence file, as an attachment, to those who may see the action's evidence."""
    action = access_action(request.user, pk)
    if not can_see_evidence(request.user, action):
        raise Http404
    item = access_evidence(action, evidence_pk)
    data = evidence_files.read(item.sha256)
    if data is None:
        raise Http404
    services.action_viewed(**acting(request), action=action, page=f"evidence {item.pk}")
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
