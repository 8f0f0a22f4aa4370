"""Reads for the home page and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from maqa.accounts.access import organisation_ids_for_role, roles_of
from maqa.accounts.models import Invitation, Role, User
from maqa.audits.concerns import open_concerns_for
from maqa.audits.models import Audit
from maqa.core.words import long_date
from maqa.returns.dashboard import Progress, returns_progress


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
    concerns = _concerns_section(user, roles)
    if concerns is not None:
        sections.append(concerns)
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
                AttentionItem(
                    f"{pending} invitation(s) not yet accepted",
                    reverse("organisations:person-list"),
                )
            )
        if expired:
            section.items.append(
                AttentionItem(
                    f"{expired} invitation(s) expired: invite again",
                    reverse("organisations:person-list"),
                )
            )
        section.items.append(
            AttentionItem("Review the audit trail", reverse("organisations:audit-trail"))
        )
        sections.append(section)
        sections.append(_dashboards_section(user))
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
                f"Returns for {orgs}",
                items=_returns_items(user),
                empty="No audit returns are waiting for your agency.",
            )
        )
    if Role.PANEL_MEMBER in roles:
        sections.append(
            AttentionSection(
                "Panels",
                items=_panel_items(user),
                empty="You are not named for any upcoming panel.",
            )
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


def _concerns_section(user: User, roles: frozenset[str]) -> AttentionSection | None:
    """Open immediate safeguarding concerns: for admins, and the lead agency's auditors."""
    admin = Role.PARTNERSHIP_ADMIN in roles
    if not admin and Role.AGENCY_AUDITOR not in roles:
        return None
    concerns = open_concerns_for(user=user, as_admin=admin)
    if not concerns:
        return None
    return AttentionSection(
        "Immediate safeguarding concerns",
        items=[AttentionItem(c.text, c.url) for c in concerns],
    )


def _open_audits(user: User) -> QuerySet[Audit]:
    return Audit.objects.filter(partnership_id=user.partnership_id, state=Audit.State.RETURNS_OPEN)


def _returns(count: int) -> str:
    return f"{count} return" if count == 1 else f"{count} returns"


def _dashboards_section(user: User) -> AttentionSection:
    items = []
    for p in returns_progress(audits=_open_audits(user)):
        text = f"{p.audit.theme}: {p.done} of {_returns(p.total)} done"
        if p.overdue:
            text += f", {p.overdue} overdue"
        items.append(AttentionItem(text, reverse("returns:dashboard", args=[p.audit.pk])))
    return AttentionSection("Returns in progress", items, empty="No audit has returns open.")


def _returns_text(p: Progress) -> str:
    parts = []
    if p.overdue_since:
        parts.append(f"{_returns(p.overdue)} overdue (due {long_date(p.overdue_since)})")
    if p.next_due:
        to_do = p.outstanding - p.overdue
        parts.append(f"{_returns(to_do)} to complete by {long_date(p.next_due)}")
    return f"{p.audit.theme}: " + "; ".join(parts)


def _returns_items(user: User) -> list[AttentionItem]:
    """Returns still to do for the person's agencies, by audit, overdue first."""
    progress = returns_progress(
        audits=_open_audits(user),
        organisation_ids=organisation_ids_for_role(user, Role.AGENCY_AUDITOR),
    )
    progress = [p for p in progress if p.outstanding]
    progress.sort(key=lambda p: (not p.overdue, p.overdue_since or p.next_due or date.max))
    return [AttentionItem(_returns_text(p), reverse("returns:return-list")) for p in progress]


def _panel_items(user: User) -> list[AttentionItem]:
    """The panels the person sits on that are still to come or under way."""
    audits = Audit.objects.filter(
        partnership_id=user.partnership_id,
        panel_members=user,
        state__in=[Audit.State.RETURNS_OPEN, Audit.State.PANEL],
    ).order_by("panel_date", "theme")
    items = []
    for audit in audits:
        when = f"panel on {long_date(audit.panel_date)}"
        if audit.state == Audit.State.PANEL:
            when += ": the returns are ready to read"
        items.append(
            AttentionItem(f"{audit.theme}: {when}", reverse("home:audit-detail", args=[audit.pk]))
        )
    return items
