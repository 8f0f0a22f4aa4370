"""Reads of the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from maqa.core.models import AuditEvent

if TYPE_CHECKING:
    from maqa.accounts.models import User


def audit_trail_for(
    *, user: User, action: str = "", object_type: str = "", actor_email: str = ""
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(partnership=user.partnership).select_related("actor")
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if actor_email:
        events = events.filter(actor_label__iexact=actor_email.strip())
    return events.order_by("-seq")
