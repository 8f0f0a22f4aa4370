"""Who may see which audit, child, identifiers and return. The only way views fetch them.

"Not yours" and "does not exist" look the same: Http404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, organisation_ids_for_role, roles_of
from maqa.accounts.models import Role
from maqa.audits.models import Audit, Case


def auditor_org_ids(user: AnyUser) -> set[int]:
    return organisation_ids_for_role(user, Role.AGENCY_AUDITOR)


def audits_visible_to(user: AnyUser) -> QuerySet[Audit]:
    """Audits a person may open: all for an admin; otherwise those their roles touch."""
    if not user.is_authenticated:
        return Audit.objects.none()
    audits = Audit.objects.filter(partnership_id=user.partnership_id)
    if is_partnership_admin(user):
        return audits
    roles = roles_of(user)
    condition = Q(pk__in=[])
    if Role.AGENCY_AUDITOR in roles:
        condition |= Q(agencies__in=auditor_org_ids(user)) & ~Q(state=Audit.State.DRAFT)
    if Role.PANEL_MEMBER in roles:
        condition |= Q(panel_members=user) & ~Q(state=Audit.State.DRAFT)
    if Role.VIEWER in roles:
        condition |= Q(state__in=Audit.State.published())
    return audits.filter(condition).distinct()


def access_audit(user: AnyUser, pk: int) -> Audit:
    try:
        return audits_visible_to(user).get(pk=pk)
    except Audit.DoesNotExist as exc:
        raise Http404 from exc


def access_audit_admin(user: AnyUser, pk: int) -> Audit:
    """An audit the person runs (partnership admin); anyone else gets 404."""
    if not is_partnership_admin(user):
        raise Http404
    return access_audit(user, pk)


def can_reveal_identifiers(user: AnyUser, child: Case) -> bool:
    """Partnership admins, and auditors of an agency involved with this child; never after close."""
    if child.audit.state == Audit.State.CLOSED or not user.is_authenticated:
        return False
    if child.audit.partnership_id != user.partnership_id:
        return False
    if is_partnership_admin(user):
        return True
    involved = set(child.agencies.values_list("pk", flat=True))
    return bool(involved & auditor_org_ids(user))
