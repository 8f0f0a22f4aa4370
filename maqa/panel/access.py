"""Who may open the panel's pages and change its record: partnership admins and the panel members
named for the audit, from the panel state on; the record changes only while the audit is at the
panel or in reporting."""

from __future__ import annotations

from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin
from maqa.audits.access import access_audit, sits_on_panel
from maqa.audits.models import Audit, Case
from maqa.returns.models import Return


def access_audit_panel(user: AnyUser, pk: int) -> Audit:
    """An audit at the panel or later, for its admins and its named panel members; else 404."""
    audit = access_audit(user, pk)
    if audit.state not in Audit.State.at_panel():
        raise Http404
    if not (is_partnership_admin(user) or sits_on_panel(user, audit)):
        raise Http404
    return audit


def access_panel_child(audit: Audit, pk: int) -> Case:
    """A sampled child of an audit the person already has through access_audit_panel."""
    try:
        return audit.cases.get(pk=pk, sampled=True)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def access_audit_return(audit: Audit, pk: int) -> Return:
    """A return of an audit the person already has (the admin's, through access_audit_admin)."""
    try:
        return Return.objects.select_related("child", "organisation").get(pk=pk, audit=audit)
    except Return.DoesNotExist as exc:
        raise Http404 from exc


def can_edit_panel(user: AnyUser, audit: Audit) -> bool:
    """The panel's record changes at the panel and in reporting, by its admins and members."""
    return audit.state in Audit.State.recording() and (
        is_partnership_admin(user) or sits_on_panel(user, audit)
    )


def why_not_editable(audit: Audit) -> str:
    state = audit.get_state_display().lower()
    why = f"The audit is {state}: the panel's record can no longer change."
    if audit.state == Audit.State.PUBLISHED:
        why += " The partnership admin can move the audit back to reporting to change it."
    return why
