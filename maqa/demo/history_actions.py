"""The actions of a synthetic history (maqa.demo.history): from a third of the "what needs to
happen" points of published and closed audits, with statuses and their updates, written in bulk
or (for small histories such as the demo's) through maqa.actions.services."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import models

from maqa.actions import services
from maqa.actions.models import Action, ActionUpdate
from maqa.audits.models import Audit
from maqa.demo import history_text as words
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Partnership

if TYPE_CHECKING:
    from maqa.demo.history import HistoryCast, _AuditPlan

S = Audit.State
Status = Action.Status
# When, in the history (0 oldest, 1 newest), the action on the child's voice lands.
TURN = 0.5


class ActionsMixin:
    """The action-writing part of maqa.demo.history._Writer."""

    rng: random.Random
    partnership: Partnership
    cast: HistoryCast
    themes: dict[str, Theme]
    today: datetime.date
    counts: dict[str, int]
    via_services: bool
    action_findings: list[tuple[Finding, list[int]]]

    def _save(self, model: type[models.Model], rows: Sequence[models.Model], name: str) -> None:
        raise NotImplementedError

    def _at(self, day: datetime.date, hour: int = 16) -> datetime.datetime:
        raise NotImplementedError

    def add_actions(self, plans: list[_AuditPlan]) -> None:
        rng, today = self.rng, self.today
        by_audit: dict[int, list[tuple[Finding | None, list[int]]]] = {}
        for point, point_ids in self.action_findings:
            by_audit.setdefault(point.audit.pk, []).append((point, point_ids))
        picked: list[tuple[Finding | None, list[int]]]
        voice = self.themes.get("child-voice")
        turned = False
        actions: list[Action] = []
        updates: list[ActionUpdate] = []
        links: list[tuple[Action, int]] = []
        for plan in plans:
            audit = plan.audit
            if audit.state not in (S.PUBLISHED, S.CLOSED):
                continue
            candidates = by_audit.get(audit.pk, [])
            picked = rng.sample(candidates, min(len(candidates), max(1, len(candidates) // 3), 8))
            if voice is not None and not turned and plan.t >= TURN - 0.1:
                turned = True  # the action that turns the child's voice around
                picked = [(None, [voice.pk]), *picked]
            for source, ids in picked:
                finding: Finding | None = source
                due = audit.panel_date + datetime.timedelta(days=rng.randint(60, 240))
                owner = rng.choice(self.cast.agencies)
                action = Action(
                    partnership=self.partnership, audit=audit, finding=finding,
                    description=finding.text if finding else
                    "Practitioners in every agency record the child's own words at each visit",
                    owner_organisation=owner, owner_person=self.cast.auditors.get(owner.pk),
                    due_date=due, measure_of_success=rng.choice(words.MEASURES),
                    created_by=self.cast.admin,
                )  # fmt: skip
                kinds = self._status(action, due, today, finding is None)
                action.version = 1 + len(kinds)
                actions.append(action)
                for kind, status_after, text in kinds:
                    updates.append(ActionUpdate(
                        action=action, kind=kind, text=text, status_after=status_after,
                        created_by=action.owner_person or self.cast.admin,
                    ))  # fmt: skip
                links += [(action, theme_id) for theme_id in ids]
                if self.via_services:
                    self._through_services(action, kinds, ids)
        if self.via_services:
            return
        self._save(Action, actions, "actions")
        for update in updates:
            update.action_id = update.action.pk
        self._save(ActionUpdate, updates, "action_updates")
        through = Action.themes.through
        self._save(
            through,
            [through(action_id=a.pk, theme_id=t) for a, t in dict.fromkeys(links)],
            "action_themes",
        )

    def _through_services(
        self, action: Action, kinds: list[tuple[str, str, str]], theme_ids: list[int]
    ) -> None:
        """The action made and moved on through maqa.actions.services, as a person would (the
        demo's few actions); its dates are then set back to when they happened."""

        K, admin = ActionUpdate.Kind, self.cast.admin
        made = services.action_create(
            actor=admin, ip=None, description=action.description,
            owner_organisation=action.owner_organisation, due_date=action.due_date,
            measure_of_success=action.measure_of_success, owner_person=action.owner_person,
            themes=[t for t in self.themes.values() if t.pk in theme_ids],
            audit=action.audit, finding=action.finding,
        )  # fmt: skip
        for kind, _, text in kinds:
            if kind in (K.PROGRESS, K.PROPOSED):
                services.action_update_add(
                    actor=admin, ip=None, action=made, text=text, expected_version=made.version,
                    propose_completion=kind == K.PROPOSED,
                )  # fmt: skip
            elif kind == K.ACCEPTED:
                services.action_accept(
                    actor=admin, ip=None, action=made, expected_version=made.version, comment=text
                )
            elif kind == K.CANCELLED:
                services.action_cancel(
                    actor=admin, ip=None, action=made, expected_version=made.version, reason=text
                )
            made.refresh_from_db()
        if action.completed_at is not None:
            Action.objects.filter(pk=made.pk).update(completed_at=action.completed_at)
        self.counts["actions"] = self.counts.get("actions", 0) + 1
        self.counts["action_updates"] = self.counts.get("action_updates", 0) + len(kinds)

    def _status(
        self, action: Action, due: datetime.date, today: datetime.date, certain: bool
    ) -> list[tuple[str, str, str]]:
        """The action's status, and the updates that led to it (kind, status after, text)."""
        rng, K = self.rng, ActionUpdate.Kind
        progress = (K.PROGRESS, Status.IN_PROGRESS, rng.choice(words.PROGRESS_NOTES))
        proposed = (
            K.PROPOSED,
            Status.COMPLETION_PROPOSED,
            "Done; evidence attached to the update.",
        )
        roll = 0.0 if certain else rng.random()
        if due < today - datetime.timedelta(days=60):
            if roll < 0.75:
                action.status = Status.COMPLETED
                action.completed_at = self._at(due + datetime.timedelta(days=rng.randint(-30, 20)))
                action.completed_accepted_by = self.cast.admin
                return [progress, proposed, (K.ACCEPTED, Status.COMPLETED, "Evidence accepted.")]
            if roll < 0.83:
                action.status = Status.CANCELLED
                action.cancelled_reason = rng.choice(words.CANCEL_REASONS)
                return [(K.CANCELLED, Status.CANCELLED, action.cancelled_reason)]
            action.status = Status.IN_PROGRESS  # overdue
            return [progress]
        if roll < 0.3:
            action.status = Status.NOT_STARTED
            return []
        if roll < 0.8:
            action.status = Status.IN_PROGRESS
            return [progress]
        action.status = Status.COMPLETION_PROPOSED
        return [progress, proposed]
