"""Reads for the home page and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from maqa.accounts.access import roles_of
from maqa.accounts.models import Invitation, Role, User
from maqa.core.models import AuditEvent


@dataclass
class AttentionItem:
    text: str
    url: str = ""


@dataclass
class AttentionSection:
    title: str
    items: list[AttentionItem] = field(default_factory=list)
    empty: str = "Nothing needs your attention."


def home_attention(*, user: User) -> list[AttentionSection]:
    """What needs this person's attention, one section per role they hold."""
    roles = roles_of(user)
    sections: list[AttentionSection] = []
    if Role.PARTNERSHIP_ADMIN in roles:
        section = AttentionSection("Running the partnership's audits")
        pending = Invitation.objects.filter(
            partnership=user.partnership, used_at__isnull=True, expires_at__gt=timezone.now()
        ).count()
        expired = Invitation.objects.filter(
            partnership=user.partnership, used_at__isnull=True, expires_at__lte=timezone.now()
        ).count()
        if pending:
            section.items.append(
                AttentionItem(f"{pending} invitation(s) not yet accepted", "/manage/people/")
            )
        if expired:
            section.items.append(
                AttentionItem(f"{expired} invitation(s) expired: invite again", "/manage/people/")
            )
        section.items.append(AttentionItem("Review the audit trail", "/manage/audit-trail/"))
        sections.append(section)
    if Role.AGENCY_AUDITOR in roles:
        orgs = ", ".join(
            sorted(
                m.organisation.short_name
                for m in user.memberships.select_related("organisation").filter(
                    role=Role.AGENCY_AUDITOR
                )
            )
        )
        sections.append(
            AttentionSection(
                f"Returns for {orgs}", empty="No audit returns are waiting for your agency."
            )
        )
    if Role.PANEL_MEMBER in roles:
        sections.append(
            AttentionSection("Panels", empty="You are not named for any upcoming panel.")
        )
    if Role.VIEWER in roles:
        sections.append(
            AttentionSection(
                "Published briefings and actions", empty="No briefings have been published yet."
            )
        )
    if not sections:
        sections.append(
            AttentionSection(
                "Welcome", empty="You have no roles yet. Ask your partnership admin to add one."
            )
        )
    return sections


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
