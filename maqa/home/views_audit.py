"""The audit's page: where the audit is in its cycle, its sample, who takes part, the next move, and
links to every part of it (returns, dashboard, panel, findings, briefing); revealing a child's
identifiers from it. It links to every app's pages, so it sits at the top, beside the home page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maqa.accounts.access import is_partnership_admin
from maqa.audits import services
from maqa.audits.access import (
    access_audit,
    auditor_org_ids,
    audits_visible_to,
    can_reveal_identifiers,
    holds,
)
from maqa.audits.models import Audit
from maqa.audits.sampling import scope_description
from maqa.briefings.access import can_open_briefing
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.findings.selectors import opens_findings
from maqa.returns.access import access_child, returns_visible_to
from maqa.returns.selectors import audit_rows_for
from maqa.trends.reaudit import can_see_themes


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
            **acting(request),
            obj=audit,
            summary={"page": "audit"},
        )
    return render(request, "home/audit_detail.html", {
        "audit": audit, "is_admin": is_admin, "children": children, "returns": returns,
        "next_state": Audit.State.next_of(audit.state),
        "agencies": audit.agencies.all(), "panel_members": audit.panel_members.all(),
        "can_reveal": {c.pk for c in children if can_reveal_identifiers(request.user, c)},
        "concerns_link": not is_admin and bool(auditor_org_ids(request.user)),
        "briefing_link": can_open_briefing(request.user, audit),
        "scope": scope_description(audit),
        # The findings and panel pages: admins and the audit's panel, from the panel state on.
        "findings_link": holds(opens_findings, request.user, audit),
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
@require_POST
def child_identifiers(request: AuthedRequest, pk: int, child_pk: int) -> HttpResponse:
    """Show a child's identifiers (a POST, so that each reveal is a deliberate, recorded act)."""
    audit = access_audit(request.user, pk)
    child = access_child(request.user, audit, child_pk)
    if not can_reveal_identifiers(request.user, child):
        return render(request, "403.html", status=403)
    try:
        identifiers = services.identifiers_reveal(**acting(request), child=child)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("home:audit-detail", pk=audit.pk)
    response = render(
        request,
        "home/child_identifiers.html",
        {"audit": audit, "child": child, "identifiers": identifiers},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "audits/audit_list.html", {
        "rows": audit_rows_for(user=request.user),
        "is_admin": is_partnership_admin(request.user),
    })  # fmt: skip
