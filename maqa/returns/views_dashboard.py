"""The completion dashboard (partnership admins): the page, its CSV export and the chase."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maqa.audits.access import access_audit_admin
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.exports import csv_response
from maqa.core.http import AuthedRequest, acting
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.returns.dashboard import audit_dashboard, dashboard_csv_rows
from maqa.returns.reminders import returns_chase


class ChaseForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)


@login_required
def dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    return render(request, "returns/dashboard.html", {
        "audit": audit, "board": audit_dashboard(audit=audit),
        "can_chase": audit.state == Audit.State.RETURNS_OPEN,
    })  # fmt: skip


@login_required
def dashboard_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    board = audit_dashboard(audit=audit)
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        **acting(request),
        obj=audit,
        summary={"export": "completion dashboard", "format": "csv", "children": len(board.rows)},
    )
    return csv_response(
        filename=f"audit-{audit.pk}-completion-{board.today.isoformat()}.csv",
        rows=dashboard_csv_rows(board),
    )


@login_required
@require_POST
def dashboard_chase(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    form = ChaseForm(request.POST)
    agency = (
        audit.agencies.filter(pk=form.cleaned_data["organisation"]).first()
        if form.is_valid()
        else None
    )
    if agency is None:
        messages.error(request, "Choose an agency taking part in this audit to chase.")
        return redirect("returns:dashboard", pk=audit.pk)
    try:
        result = returns_chase(**acting(request), audit=audit, organisation=agency)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Chased {agency.short_name}: emailed {result.recipients} auditor(s) about "
            f"{result.returns} return(s) still to do.",
        )
        if result.failed:
            messages.error(request, f"{result.failed} email(s) could not be sent. Try again later.")
    return redirect("returns:dashboard", pk=audit.pk)
