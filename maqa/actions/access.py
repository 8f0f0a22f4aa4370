"""Who may see and change which action. The only way views (and other apps: search, trends,
reports) fetch actions.

- Partnership admins see and manage every action of their partnership.
- Agency auditors see the actions their agency owns (and any they own in person), add updates to
  them and propose completion; they never see other agencies' actions.
- Panel members and viewers see every action's status and history, never its evidence files.
- "Not yours" and "does not exist" look the same: Http404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, organisation_ids_for_role, roles_of
from maqa.accounts.models import Role
from maqa.actions.models import Action

STATUS_ROLES = frozenset({Role.PANEL_MEMBER, Role.VIEWER})


def owner_org_ids(user: AnyUser) -> set[int]:
    """The organisations whose actions the person updates: those they audit for."""
    return organisation_ids_for_role(user, Role.AGENCY_AUDITOR)


def actions_visible_to(user: AnyUser) -> QuerySet[Action]:
    """Actions a person may open: all for an admin, panel member or viewer; an auditor's own
    agency's (and those they own in person) otherwise."""
    if not user.is_authenticated or not user.is_active:
        return Action.objects.none()
    actions = Action.objects.filter(partnership_id=user.partnership_id)
    roles = roles_of(user)
    if is_partnership_admin(user) or roles & STATUS_ROLES:
        return actions
    condition = Q(owner_person_id=user.pk)
    if Role.AGENCY_AUDITOR in roles:
        condition |= Q(owner_organisation_id__in=owner_org_ids(user))
    return actions.filter(condition)


def access_action(user: AnyUser, pk: int) -> Action:
    try:
        return (
            actions_visible_to(user)
            .select_related("owner_organisation", "owner_person", "audit", "finding", "created_by")
            .get(pk=pk)
        )
    except Action.DoesNotExist as exc:
        raise Http404 from exc


def can_manage_actions(user: AnyUser) -> bool:
    """Write, edit and cancel actions; accept completion or send it back."""
    return is_partnership_admin(user)


def is_owner(user: AnyUser, action: Action) -> bool:
    """One of the owner agency's auditors, or the owner person."""
    if not user.is_authenticated or action.partnership_id != user.partnership_id:
        return False
    return action.owner_person_id == user.pk or action.owner_organisation_id in owner_org_ids(user)


def can_update_action(user: AnyUser, action: Action) -> bool:
    """Add a progress update or propose completion: the owners (and admins) of an open action
    that is not waiting for a decision on completion."""
    if not action.is_open or action.status == Action.Status.COMPLETION_PROPOSED:
        return False
    if action.partnership_id != getattr(user, "partnership_id", None):
        return False
    return can_manage_actions(user) or is_owner(user, action)


def can_decide_action(user: AnyUser, action: Action) -> bool:
    """Accept the evidence or send it back: an admin, once completion is proposed."""
    return (
        action.status == Action.Status.COMPLETION_PROPOSED
        and action.partnership_id == getattr(user, "partnership_id", None)
        and can_manage_actions(user)
    )


def can_edit_action(user: AnyUser, action: Action) -> bool:
    """Change or cancel: an admin, while the action is open."""
    return (
        action.is_open
        and action.partnership_id == getattr(user, "partnership_id", None)
        and can_manage_actions(user)
    )


def can_see_evidence(user: AnyUser, action: Action) -> bool:
    """The evidence files: admins and the owners, never panel members or viewers as such."""
    if action.partnership_id != getattr(user, "partnership_id", None):
        return False
    return can_manage_actions(user) or is_owner(user, action)
