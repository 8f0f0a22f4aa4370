"""Audit plan pages: list, create and edit, the audit's page, moving it on, identifiers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maqa.accounts.access import is_partnership_admin, require_partnership_admin
from maqa.audits import services
from maqa.audits.access import (
    PANEL_STATES,
    access_audit,
    access_audit_admin,
    access_child,
    auditor_org_ids,
    audits_visible_to,
    can_reveal_identifiers,
    returns_visible_to,
)
from maqa.audits.forms import AuditForm, VersionForm
from maqa.audits.models import Audit
from maqa.audits.reaudit import access_reaudit, can_see_themes, reaudit_comparison
from maqa.audits.sampling import scope_description
from maqa.audits.selectors import audit_rows_for
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, client_ip
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.findings.publication import can_open_briefing

PLAN_KEYS = services.PLAN_FIELDS


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "audits/audit_list.html", {
        "rows": audit_rows_for(user=request.user),
        "is_admin": is_partnership_admin(request.user),
    })  # fmt: skip


@login_required
def audit_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require_partnership_admin(request.user)
    audit = access_audit_admin(request.user, pk) if pk else None
    initial = AuditForm.initial_from(audit) if audit else {"aim": services.DEFAULT_AIM}
    form = AuditForm(
        request.POST or None, initial=initial, partnership=request.user.partnership, audit=audit
    )
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = {k: form.cleaned_data[k] for k in [*PLAN_KEYS, "reaudit_of"]}
        try:
            if audit is None:
                audit = services.audit_create(
                    actor=request.user,
                    ip=client_ip(request),
                    data=data,
                    agencies=list(form.cleaned_data["agencies"]),
                    panel_members=list(form.cleaned_data["panel_members"]),
                )
            else:
                services.audit_update(
                    actor=request.user,
                    ip=client_ip(request),
                    audit=audit,
                    data=data,
                    agencies=list(form.cleaned_data["agencies"]),
                    panel_members=list(form.cleaned_data["panel_members"]),
                    version=form.cleaned_data["version"] or 0,
                )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Saved the audit: {audit.theme}.")
            return redirect("audits:audit-detail", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "audit": audit})


@login_required
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit(request.user, pk)
    is_admin = is_partnership_admin(request.user)
    children = list(audit.cases.filter(sampled=True).prefetch_related("agencies"))
    returns = list(returns_visible_to(request.user, audit))
    if children or returns:
        # Case-level data on this page: one view event per page load.
        audit_record(
            action=AuditEvent.Action.VIEWED,
            actor=request.user,
            ip=client_ip(request),
            obj=audit,
            summary={"page": "audit"},
        )
    return render(request, "audits/audit_detail.html", {
        "audit": audit, "is_admin": is_admin, "children": children, "returns": returns,
        "next_state": services.FORWARD.get(Audit.State(audit.state)),
        "agencies": audit.agencies.all(), "panel_members": audit.panel_members.all(),
        "can_reveal": {c.pk for c in children if can_reveal_identifiers(request.user, c)},
        "concerns_link": not is_admin and bool(auditor_org_ids(request.user)),
        "briefing_link": can_open_briefing(request.user, audit),
        "scope": scope_description(audit),
        # The findings and panel pages: admins and the audit's panel, from the panel state on.
        "findings_link": audit.state in PANEL_STATES
        and (is_admin or audit.panel_members.filter(pk=request.user.pk).exists()),
        **_reaudit_context(request, audit),
    })  # fmt: skip


def _reaudit_context(request: AuthedRequest, audit: Audit) -> dict[str, Any]:
    """The audit this one re-audits (a link when the person may open it), and whether the
    comparison page opens for them."""
    earlier = audit.reaudit_of
    if earlier is None:
        return {"reaudit_of": None}
    return {
        "reaudit_of": earlier,
        "reaudit_of_link": audits_visible_to(request.user).filter(pk=earlier.pk).exists(),
        "compare_link": can_see_themes(request.user, audit),
    }


@login_required
def audit_reaudit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A re-audit compared with the audit it looks at again: grades by domain, and themes."""
    audit = access_reaudit(request.user, pk)
    comparison = reaudit_comparison(request.user, audit)
    if comparison.grades is not None:
        # Grades are about children, case by case: a view of case data.
        audit_record(
            action=AuditEvent.Action.VIEWED,
            actor=request.user,
            ip=client_ip(request),
            obj=audit,
            summary={"page": "re-audit comparison", "earlier": audit.reaudit_of_id},
        )
    return render(request, "audits/audit_reaudit.html", {
        "audit": audit, "c": comparison, "is_admin": is_partnership_admin(request.user),
    })  # fmt: skip


@login_required
@require_POST
def audit_move_on(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and try again.")
        return redirect("audits:audit-detail", pk=audit.pk)
    try:
        services.audit_move_on(
            actor=request.user,
            ip=client_ip(request),
            audit=audit,
            version=form.cleaned_data["version"],
        )
    except services.IdentifiersInFreeText as error:
        return render(
            request,
            "audits/close_refused.html",
            {"audit": audit, "message": error.message, "hits": error.hits},
            status=409,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The audit is now: {audit.get_state_display()}.")
    return redirect("audits:audit-detail", pk=audit.pk)


@login_required
@require_POST
def child_identifiers(request: AuthedRequest, pk: int, child_pk: int) -> HttpResponse:
    """Show a child's identifiers (a POST, so that each reveal is a deliberate, recorded act)."""
    audit = access_audit(request.user, pk)
    child = access_child(request.user, audit, child_pk)
    if not can_reveal_identifiers(request.user, child):
        return render(request, "403.html", status=403)
    try:
        identifiers = services.identifiers_reveal(
            actor=request.user, ip=client_ip(request), child=child
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("audits:audit-detail", pk=audit.pk)
    response = render(
        request,
        "audits/child_identifiers.html",
        {"audit": audit, "child": child, "identifiers": identifiers},
    )
    response["Cache-Control"] = "no-store"
    return response
