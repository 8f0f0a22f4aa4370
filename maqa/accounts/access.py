"""Who may do what. Rights are the union of a person's memberships, within their partnership.

Views ask these functions; they never inspect memberships themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from maqa.accounts.models import ROLES_NEEDING_TWO_FACTOR, Role, User
from maqa.core.errors import ApplicationError

AnyUser = User | AnonymousUser


def roles_of(user: AnyUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_maqa_roles", None)
    if cached is None:
        cached = frozenset(
            user.memberships.filter(organisation__active=True).values_list("role", flat=True)
        )
        user._maqa_roles = cached  # type: ignore[attr-defined]
    return cached


def organisation_ids_for_role(user: AnyUser, role: str) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        user.memberships.filter(role=role, organisation__active=True).values_list(
            "organisation_id", flat=True
        )
    )


def is_partnership_admin(user: AnyUser) -> bool:
    return Role.PARTNERSHIP_ADMIN in roles_of(user)


def needs_two_factor(user: User) -> bool:
    """Everyone who can see returns or identifiers; demo accounts are exempt (and DEBUG-only)."""
    if user.is_demo:
        return False
    return bool(roles_of(user) & ROLES_NEEDING_TWO_FACTOR)


def require_partnership_admin(user: AnyUser) -> None:
    if not is_partnership_admin(user):
        raise PermissionDenied("Only a partnership admin can do this.")


def in_partnership(user: AnyUser, model: Any) -> Any:
    """The objects of the person's partnership (a queryset of ``model``): the set form of
    access_in_partnership (the search's resources and themes)."""
    if not user.is_authenticated:
        return model.objects.none()
    return model.objects.filter(partnership_id=user.partnership_id)


def access_in_partnership(user: AnyUser, model: Any, pk: int) -> Any:
    """Fetch an object of the person's partnership; someone else's looks like a missing one."""
    try:
        return in_partnership(user, model).get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def check_admin_of(
    actor: AnyUser, partnership_id: int, message: str = "Only a partnership admin can do this."
) -> None:
    """For services: ``actor`` must be an admin of the partnership the object belongs to."""
    if not is_partnership_admin(actor) or getattr(actor, "partnership_id", None) != partnership_id:
        raise ApplicationError(message)
