"""Who may see and edit returns: an agency sees only its own returns until the panel; from the
panel state on, the audit's panel members read them all (the pre-read); admins see every return."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role
from maqa.audits.access import auditor_org_ids, is_panel_reader
from maqa.audits.models import Audit, Case
from maqa.returns.models import Return


def returns_visible_to(user: AnyUser, audit: Audit) -> QuerySet[Return]:
    returns = Return.objects.filter(audit=audit).select_related("child", "organisation", "assignee")
    if is_partnership_admin(user):
        return returns
    roles = roles_of(user)
    condition = Q(pk__in=[])
    if Role.AGENCY_AUDITOR in roles:
        condition |= Q(organisation__in=auditor_org_ids(user))
    if is_panel_reader(user, audit):
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
