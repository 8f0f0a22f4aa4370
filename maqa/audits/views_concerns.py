"""Immediate safeguarding concerns: the list, raising one, reading one, acknowledging it and
recording its outcome. Who may do what is in maqa.audits.concerns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maqa.accounts.access import is_partnership_admin
from maqa.audits import concerns as services
from maqa.audits.models import Audit, Case, SafeguardingConcern
from maqa.core.errors import ApplicationError
from maqa.core.forms import GovukForm
from maqa.core.http import AuthedRequest, acting


class ChildChoiceField(forms.ModelChoiceField[Case]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.reference)


class ConcernForm(GovukForm):
    child = ChildChoiceField(
        label="Which child is the concern about?",
        queryset=Case.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the child the concern is about."},
    )
    description = forms.CharField(
        label="What is the concern?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "What you found, and why you think the child may be at risk now. Call the child by "
            "their reference: never write their name or case number here."
        ),
        error_messages={"required": "Describe the concern."},
    )

    def __init__(self, *args: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["child"]
        field.queryset = children


class OutcomeForm(GovukForm):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "What was done, by whom, and when: for example, referred to the front door. No names "
            "or case numbers."
        ),
        error_messages={"required": "Describe what was done about the concern."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


@login_required
def concern_list(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = services.access_audit_for_concerns(request.user, pk)
    return render(request, "audits/concern_list.html", {
        "audit": audit, "concerns": services.concerns_visible_to(request.user, audit),
        "is_admin": is_partnership_admin(request.user),
        "can_raise": services.can_raise_in(audit)
        and services.children_for_concerns(request.user, audit).exists(),
    })  # fmt: skip


@login_required
def concern_new(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = services.access_audit_for_concerns(request.user, pk)
    children = services.children_for_concerns(request.user, audit)
    if not is_partnership_admin(request.user) and not children.exists():
        raise Http404
    # ?child=<pk> preselects the child (a return page's "raise a concern" link).
    form = ConcernForm(
        request.POST if request.method == "POST" else None,
        initial={"child": request.GET.get("child")},
        children=children,
    )
    if request.method == "POST" and services.can_raise_in(audit) and form.is_valid():
        try:
            concern = services.concern_raise(
                **acting(request),
                audit=audit,
                child=form.cleaned_data["child"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                "Your concern has been sent to the partnership admins and the child's lead agency.",
            )
            return redirect("audits:concern-detail", pk=audit.pk, concern_pk=concern.pk)
    return render(request, "audits/concern_form.html", {
        "audit": audit, "form": form, "can_raise": services.can_raise_in(audit),
    })  # fmt: skip


def _detail(
    request: AuthedRequest,
    audit: Audit,
    concern: SafeguardingConcern,
    outcome_form: OutcomeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_act = services.can_act_on_concern(request.user, concern) and audit.state != "closed"
    if outcome_form is None:
        initial = {"outcome": concern.outcome, "version": concern.version}
        outcome_form = OutcomeForm(initial=initial)
    return render(request, "audits/concern_detail.html", {
        "audit": audit, "concern": concern, "can_act": can_act, "form": outcome_form,
    }, status=status)  # fmt: skip


@login_required
def concern_detail(request: AuthedRequest, pk: int, concern_pk: int) -> HttpResponse:
    audit = services.access_audit_for_concerns(request.user, pk)
    concern = services.access_concern(request.user, audit, concern_pk)
    services.concern_viewed(**acting(request), concern=concern)
    return _detail(request, audit, concern)


@login_required
@require_POST
def concern_acknowledge(request: AuthedRequest, pk: int, concern_pk: int) -> HttpResponse:
    audit = services.access_audit_for_concerns(request.user, pk)
    concern = services.access_concern(request.user, audit, concern_pk)
    if not services.can_act_on_concern(request.user, concern):
        return render(request, "403.html", status=403)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(services.STALE_CONCERN)
        services.concern_acknowledge(
            **acting(request),
            concern=concern,
            version=form.cleaned_data["version"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "You have acknowledged the concern.")
    return redirect("audits:concern-detail", pk=audit.pk, concern_pk=concern.pk)


@login_required
@require_POST
def concern_outcome(request: AuthedRequest, pk: int, concern_pk: int) -> HttpResponse:
    audit = services.access_audit_for_concerns(request.user, pk)
    concern = services.access_concern(request.user, audit, concern_pk)
    if not services.can_act_on_concern(request.user, concern):
        return render(request, "403.html", status=403)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.concern_record_outcome(
                **acting(request),
                concern=concern,
                outcome=form.cleaned_data["outcome"],
                version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "The outcome has been recorded.")
            return redirect("audits:concern-detail", pk=audit.pk, concern_pk=concern.pk)
    return _detail(request, audit, concern, form, status=200)
