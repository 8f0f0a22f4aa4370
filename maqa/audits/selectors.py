"""Reads for audit pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from maqa.accounts.models import User
from maqa.audits.access import audits_visible_to
from maqa.audits.models import Audit
from maqa.returns.models import Return


@dataclass
class AuditRow:
    audit: Audit
    returns_total: int
    returns_done: int


def audit_rows_for(*, user: User) -> list[AuditRow]:
    done = Q(returns__state__in=[Return.State.SUBMITTED, Return.State.NOT_KNOWN])
    audits = (
        audits_visible_to(user)
        .annotate(
            total=Count("returns", distinct=True), done=Count("returns", filter=done, distinct=True)
        )
        .order_by("-panel_date")
    )
    return [AuditRow(a, a.total, a.done) for a in audits]
