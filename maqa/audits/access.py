"""Who may see which audit, child, identifiers and return. The only way views fetch them.

"Not yours" and "does not exist" look the same: Http404.

A rule about one audit that other apps ask (may this person read its findings, its published
briefing, its returns at the panel?) is written once, as an :data:`AuditRule`: a function of the
person, the audit's state and whether they sit on its panel. It then has two forms built from that
one function: :func:`holds` asks it of one audit (the pages' predicates) and :class:`OpenAudits`
of every audit the person may open at once (the search's lists of ids), so they cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, organisation_ids_for_role, roles_of
from maqa.accounts.models import Role
from maqa.audits.models import Audit, Case


def auditor_org_ids(user: AnyUser) -> set[int]:
    return organisation_ids_for_role(user, Role.AGENCY_AUDITOR)


def _visible_condition(user: AnyUser) -> Q | None:
    """Which of the partnership's audits the person may open; None: all of them (an admin)."""
    if is_partnership_admin(user):
        return None
    roles = roles_of(user)
    condition = Q(pk__in=[])
    if Role.AGENCY_AUDITOR in roles:
        condition |= Q(agencies__in=auditor_org_ids(user)) & ~Q(state=Audit.State.DRAFT)
    if Role.PANEL_MEMBER in roles:
        condition |= Q(panel_members=user) & ~Q(state=Audit.State.DRAFT)
    if Role.VIEWER in roles:
        condition |= Q(state__in=Audit.State.published())
    return condition


def audits_visible_to(user: AnyUser) -> QuerySet[Audit]:
    """Audits a person may open: all for an admin; otherwise those their roles touch."""
    if not user.is_authenticated:
        return Audit.objects.none()
    audits = Audit.objects.filter(partnership_id=user.partnership_id)
    condition = _visible_condition(user)
    return audits if condition is None else audits.filter(condition).distinct()


# --- rules about one audit, in two forms ------------------------------------------------------

Seated = Callable[[], bool]
"""Whether the person sits on the audit's panel (asked only when a rule needs to know)."""
AuditRule = Callable[[AnyUser, str, Seated], bool]
"""A rule about one audit: (person, the audit's state, seated) -> whether it holds. It reads
nothing else of the audit (OpenAudits asks it once per state)."""


def sits_on_panel(user: AnyUser, audit: Audit) -> bool:
    """A panel member (the role) named for this audit's panel."""
    return Role.PANEL_MEMBER in roles_of(user) and audit.panel_members.filter(pk=user.pk).exists()


def panel_seat_ids(user: AnyUser) -> frozenset[int]:
    """The set form of sits_on_panel: ids of the audits the person sits on the panel of."""
    if Role.PANEL_MEMBER not in roles_of(user) or user.pk is None:
        return frozenset()
    through = Audit.panel_members.through.objects.filter(user_id=user.pk)
    return frozenset(through.order_by().values_list("audit_id", flat=True))


def holds(rule: AuditRule, user: AnyUser, audit: Audit) -> bool:
    """The rule, asked of one audit (the caller has it through access_audit)."""
    return rule(user, audit.state, lambda: sits_on_panel(user, audit))


class OpenAudits:
    """The audits a person may open (audits_visible_to), narrowed by ``narrow`` if given, with
    what the rules read of them: the set form of holds(), for any number of rules.

    A rule reads nothing but its arguments, so it is asked once per state, seated and not (not
    once per audit), and the person's panel seats are read only if its answer depends on them.
    Read once, lazily: the partnership's audits (id and state); the seats; which of them
    audits_visible_to lets through, only when a rule holds for some and the person is not an
    admin (who opens them all). So a person no rule lets through, or an admin, costs one small
    query."""

    def __init__(self, user: AnyUser, narrow: Q | None = None) -> None:
        self.user = user
        self.narrow = narrow if narrow is not None else Q()
        self._by_state: dict[str, list[int]] | None = None
        self._seats: frozenset[int] | None = None
        self._visible: set[int] | None = None

    def ids_where(self, rule: AuditRule) -> set[int]:
        """Ids of the audits the rule holds for."""
        held: set[int] = set()
        for state, pks in self._audits().items():
            if_seated = rule(self.user, state, lambda: True)
            if_not = rule(self.user, state, lambda: False)
            if if_seated and if_not:
                held.update(pks)
            elif if_seated or if_not:
                seats = self._seat_ids()
                held.update(pk for pk in pks if (pk in seats) == if_seated)
        if not held:
            return held
        if self._visible is None:
            if _visible_condition(self.user) is None:  # all of the partnership's: no query
                self._visible = {pk for pks in self._audits().values() for pk in pks}
            else:
                visible = audits_visible_to(self.user).filter(self.narrow).order_by()
                self._visible = set(visible.values_list("pk", flat=True))
        return held & self._visible

    def _audits(self) -> dict[str, list[int]]:
        """The partnership's audits' ids, by state."""
        if self._by_state is None:
            self._by_state = {}
            if self.user.is_authenticated:
                audits = Audit.objects.filter(self.narrow, partnership_id=self.user.partnership_id)
                for pk, state in audits.order_by().values_list("pk", "state"):
                    self._by_state.setdefault(state, []).append(pk)
        return self._by_state

    def _seat_ids(self) -> frozenset[int]:
        if self._seats is None:
            self._seats = panel_seat_ids(self.user)
        return self._seats


def reads_panel_papers(user: AnyUser, state: str, seated: Seated) -> bool:
    """(An AuditRule.) The audit's panel members, from the panel state on: they read every
    return (the pre-read) and the panel's findings."""
    return state in Audit.State.at_panel() and seated()


def is_panel_reader(user: AnyUser, audit: Audit) -> bool:
    """A panel member named for the audit, which is at the panel or later."""
    return holds(reads_panel_papers, user, audit)


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
