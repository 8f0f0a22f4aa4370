"""Who may open an audit's briefing: the current (unpublished) record, and published versions."""

from __future__ import annotations

from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role
from maqa.audits.access import access_audit
from maqa.audits.models import Audit
from maqa.briefings.models import BriefingVersion


def _is_panel_member_of(user: AnyUser, audit: Audit) -> bool:
    return Role.PANEL_MEMBER in roles_of(user) and audit.panel_members.filter(pk=user.pk).exists()


def can_preview(user: AnyUser, audit: Audit) -> bool:
    """The current (unpublished) briefing: admins always; the audit's panel members while it is
    in reporting or published."""
    if is_partnership_admin(user):
        return True
    return audit.state in Audit.State.publishable() and _is_panel_member_of(user, audit)


def can_read_versions(user: AnyUser, audit: Audit) -> bool:
    """Published versions: admins; the audit's panel members and viewers once it is published."""
    if is_partnership_admin(user):
        return True
    if audit.state not in Audit.State.published():
        return False
    return Role.VIEWER in roles_of(user) or _is_panel_member_of(user, audit)


def can_open_briefing(user: AnyUser, audit: Audit) -> bool:
    """Whether the audit's Briefing page opens for this person (for a link to it)."""
    return can_preview(user, audit) or can_read_versions(user, audit)


def access_briefing_audit(user: AnyUser, pk: int) -> Audit:
    """An audit whose briefing the person may open in some form; anyone else gets 404."""
    audit = access_audit(user, pk)
    if not can_open_briefing(user, audit):
        raise Http404
    return audit


def access_version(user: AnyUser, audit: Audit, number: int) -> BriefingVersion:
    if not can_read_versions(user, audit):
        raise Http404
    try:
        return audit.briefing_versions.select_related("prepared_by", "confirmed_by").get(
            number=number
        )
    except BriefingVersion.DoesNotExist as exc:
        raise Http404 from exc
