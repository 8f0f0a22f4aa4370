"""A re-audit compared with the audit it looks at again: grades by domain, and themes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from maqa.accounts.access import is_partnership_admin
from maqa.core.http import AuthedRequest, acting
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.trends.reaudit import access_reaudit, reaudit_comparison


@login_required
def audit_reaudit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A re-audit compared with the audit it looks at again: grades by domain, and themes."""
    audit = access_reaudit(request.user, pk)
    comparison = reaudit_comparison(request.user, audit)
    if comparison.grades is not None:
        # Grades are about children, case by case: a view of case data.
        audit_record(
            action=AuditEvent.Action.VIEWED,
            **acting(request),
            obj=audit,
            summary={"page": "re-audit comparison", "earlier": audit.reaudit_of_id},
        )
    return render(request, "trends/audit_reaudit.html", {
        "audit": audit, "c": comparison, "is_admin": is_partnership_admin(request.user),
    })  # fmt: skip
