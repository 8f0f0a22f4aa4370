"""Who may see which audit, child, identifiers and return. The only way views fetch them.

"Not yours" and "does not exist" look the same: Http404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, organisation_ids_for_role, roles_of
from maqa.accounts.models import Role
from maqa.audits.models import Audit, Case
from maqa.returns.models import Return

# From the panel state on, panel members of an audit read all its returns (the pre-read).
PANEL_STATES = (
    Audit.State.PANEL,
    Audit.State.REPORTING,
    Audit.State.PUBLISHED,
    Audit.State.CLOSED,
)
VIEWER_STATES = (Audit.State.PUBLISHED, Audit.State.CLOSED)


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
        condition |= Q(state__in=VIEWER_STATES)
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


def returns_visible_to(user: AnyUser, audit: Audit) -> QuerySet[Return]:
    returns = Return.objects.filter(audit=audit).select_related("child", "organisation", "assignee")
    if is_partnership_admin(user):
        return returns
    roles = roles_of(user)
    condition = Q(pk__in=[])
    if Role.AGENCY_AUDITOR in roles:
        condition |= Q(organisation__in=auditor_org_ids(user))
    if (
        Role.PANEL_MEMBER in roles
        and audit.state in PANEL_STATES
        and audit.panel_members.filter(pk=user.pk).exists()
    ):
        condition |= Q(pk__isnull=False)
    return returns.filter(condition)


def access_return(user: AnyUser, pk: int) -> Return:
    if not user.is_authenticated:
        raise Http404
    try:
        ret = Return.objects.select_related("audit", "child", "organisation", "tool_version").get(
            pk=pk, audit__partnership_id=user.partnership_id
        )
    except Return.DoesNotExist as exc:
        raise Http404 from exc
    if not returns_visible_to(user, ret.audit).filter(pk=ret.pk).exists():
        raise Http404
    return ret


def can_edit_return(user: AnyUser, ret: Return) -> bool:
    """Only the agency's own auditors, while returns are open and the return is not locked."""
    return (
        ret.audit.state == Audit.State.RETURNS_OPEN
        and ret.organisation_id in auditor_org_ids(user)
        and not ret.is_locked
    )


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


def access_child(user: AnyUser, audit: Audit, pk: int) -> Case:
    """A sampled child of an audit the person can see, through a return they can see."""
    try:
        child = audit.cases.get(pk=pk, sampled=True)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    if is_partnership_admin(user):
        return child
    if not returns_visible_to(user, audit).filter(child=child).exists():
        raise Http404
    return child
