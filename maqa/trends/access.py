"""Who may read the trends: partnership admins, panel members and viewers (the board), each for
their own partnership only. Agency auditors are refused with 403, as for the other role-limited
pages that are not about one object (the organisations list answers the same way)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from maqa.accounts.access import AnyUser, roles_of
from maqa.accounts.models import Role

TREND_ROLES = frozenset({Role.PARTNERSHIP_ADMIN, Role.PANEL_MEMBER, Role.VIEWER})


def can_read_trends(user: AnyUser) -> bool:
    return bool(roles_of(user) & TREND_ROLES)


def require_trends_reader(user: AnyUser) -> None:
    if not can_read_trends(user):
        raise PermissionDenied("Trends are for partnership admins, panel members and the board.")
