"""Who may download which export, and which audits and actions each export may hold.

- Partnership admins: every export and the board report, for their whole partnership.
- Panel members and viewers: the findings of the published (or closed) audits they can see, the
  actions' status, and the board report. Grades are case-level: a panel member gets the grades of
  the audits whose panel they sit on (from the panel on), a viewer none.
- Agency auditors: the actions export only, holding their own agency's actions (and those they
  own in person), as on the actions pages. Everything else answers 403.
- An audit chosen as a filter that the export may not hold answers like one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role
from maqa.actions.access import actions_visible_to
from maqa.actions.models import Action
from maqa.audits.access import audits_visible_to
from maqa.audits.models import Audit

READER_ROLES = frozenset({Role.PARTNERSHIP_ADMIN, Role.PANEL_MEMBER, Role.VIEWER})
EXPORTS = ("findings", "grades", "actions")


def is_report_reader(user: AnyUser) -> bool:
    """Admins, panel members and viewers: the findings export and the board report."""
    return bool(roles_of(user) & READER_ROLES)


def can_export(user: AnyUser, export: str) -> bool:
    if export == "findings":
        return is_report_reader(user)
    if export == "grades":
        return is_partnership_admin(user) or Role.PANEL_MEMBER in roles_of(user)
    if export == "actions":
        return bool(roles_of(user))  # actions_visible_to narrows an auditor to their agency
    raise ValueError(f"no such export: {export}")


def exports_for(user: AnyUser) -> list[str]:
    return [export for export in EXPORTS if can_export(user, export)]


def require_export(user: AnyUser, export: str) -> None:
    if not can_export(user, export):
        raise PermissionDenied("You cannot download this export.")


def require_board_report(user: AnyUser) -> None:
    if not is_report_reader(user):
        raise PermissionDenied(
            "Only partnership admins, panel members and viewers see the board report."
        )


def findings_audits(user: AnyUser) -> QuerySet[Audit]:
    """Audits whose findings the person may export: an admin's every audit from the panel on;
    otherwise published or closed (imported audits are published) audits they can see."""
    audits = audits_visible_to(user)
    if is_partnership_admin(user):
        return audits.filter(state__in=Audit.State.at_panel())
    if not is_report_reader(user):
        return audits.none()
    return audits.filter(state__in=Audit.State.published())


def grades_audits(user: AnyUser) -> QuerySet[Audit]:
    """Audits whose agreed grades the person may export: an admin's every audit from the panel
    on, a panel member's those whose panel they sit on; imported audits have no grades."""
    audits = audits_visible_to(user).filter(state__in=Audit.State.at_panel(), imported=False)
    if is_partnership_admin(user):
        return audits
    if Role.PANEL_MEMBER not in roles_of(user):
        return audits.none()
    return audits.filter(panel_members=user.pk)


def action_audits(user: AnyUser) -> QuerySet[Audit]:
    """Audits that actions the person may see come from."""
    ids = actions_visible_to(user).exclude(audit=None).values("audit_id")
    return Audit.objects.filter(pk__in=ids)


def filter_audits(user: AnyUser) -> QuerySet[Audit]:
    """The audits the reports page offers as a filter: those any of the person's exports holds.
    (Each export then keeps only its own: the grades of a viewer's audit are never in it.)"""
    ids: set[int] = set()
    if can_export(user, "findings"):
        ids |= set(findings_audits(user).values_list("pk", flat=True))
    if can_export(user, "grades"):
        ids |= set(grades_audits(user).values_list("pk", flat=True))
    ids |= set(action_audits(user).values_list("pk", flat=True))
    return Audit.objects.filter(pk__in=ids).order_by("-panel_date", "theme")


def export_actions(user: AnyUser) -> QuerySet[Action]:
    return actions_visible_to(user)
