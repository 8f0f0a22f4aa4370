"""Who is told: the people a notice goes to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from maqa.accounts.models import Membership, Role, User


def agency_auditors(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active agency auditors of each organisation (active organisations only)."""
    auditors: dict[int, list[User]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            role=Role.AGENCY_AUDITOR,
            organisation_id__in=set(organisation_ids),
            organisation__active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        auditors[membership.organisation_id].append(membership.user)
    return auditors


def partnership_admins(partnership_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active partnership admins of each partnership, once each (active organisations only)."""
    admins: dict[int, list[User]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            role=Role.PARTNERSHIP_ADMIN,
            organisation__partnership_id__in=set(partnership_ids),
            organisation__active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )
    seen: set[int] = set()
    for membership in memberships:
        if membership.user_id not in seen:
            seen.add(membership.user_id)
            admins[membership.user.partnership_id].append(membership.user)
    return admins
