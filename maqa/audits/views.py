"""Audit plan pages: list, create and edit, the audit's page, moving it on, identifiers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from maqa.accounts.access import require_partnership_admin
from maqa.audits import services
from maqa.audits.access import (
    access_audit_admin,
)
from maqa.audits.forms import AuditForm
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting


@login_required
def audit_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require_partnership_admin(request.user)
    audit = access_audit_admin(request.user, pk) if pk else None
    initial = AuditForm.initial_from(audit) if audit else {"aim": services.DEFAULT_AIM}
    form = AuditForm(
        request.POST or None, initial=initial, partnership=request.user.partnership, audit=audit
    )
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data
        data: services.AuditPlan = {
            "theme": plan["theme"],
            "aim": plan["aim"],
            "plan_types": plan["plan_types"],
            "cp_categories": plan["cp_categories"],
            "age_min_years": plan["age_min_years"],
            "age_max_years": plan["age_max_years"],
            "sample_size": plan["sample_size"],
            "returns_due": plan["returns_due"],
            "panel_date": plan["panel_date"],
            "lead": plan["lead"],
            "tool_version": plan["tool_version"],
            "reaudit_of": plan["reaudit_of"],
        }
        try:
            if audit is None:
                audit = services.audit_create(
                    **acting(request),
                    data=data,
                    agencies=list(form.cleaned_data["agencies"]),
                    panel_members=list(form.cleaned_data["panel_members"]),
                )
            else:
                services.audit_update(
                    **acting(request),
                    audit=audit,
                    data=data,
                    agencies=list(form.cleaned_data["agencies"]),
                    panel_members=list(form.cleaned_data["panel_members"]),
                    version=form.cleaned_data["version"] or 0,
                )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Saved the audit: {audit.theme}.")
            return redirect("home:audit-detail", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "audit": audit})
