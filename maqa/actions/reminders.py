"""Reminders about actions, sent by ``maqa send-reminders`` beside the returns' reminders.

- Due soon: an open action due within ``days_before`` days emails its owner: the owner person,
  else the owner agency's active auditors.
- Overdue: an open action past its due date is escalated: the owner and the partnership's
  admins are emailed.

Actions whose completion is proposed wait for an admin's decision, not for their owner, and are
left out. Emails name the action's description, owner agency and due date, and link to maqa:
never a child, a case, or the text of a finding.

This is a kind of the reminder engine (maqa/notify/reminders.py): this module says which actions
are due, when, for whom, and in which words; the engine records each (ActionReminder, unique on
action, kind and due date, so never sent twice; a new due date re-arms both) and sends the emails
once that has committed. A reminder whose every email failed is forgotten again, so the next run
retries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.urls import reverse

from maqa.accounts.models import User
from maqa.actions.models import Action, ActionReminder
from maqa.core.words import long_date
from maqa.notify.email import Email, site_link
from maqa.notify.people import agency_auditors, partnership_admins
from maqa.notify.reminders import (
    Addressee,
    Due,
    Notice,
    ReminderRun,
    ReminderTable,
    Stage,
    reminders_run,
    stage_of,
)
from maqa.organisations.models import Partnership

REMINDED_STATUSES = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
REMINDERS_OBJECT = "actions.reminders"


def owners_of(action: Action, auditors: dict[int, list[User]]) -> list[User]:
    """The owner person while active, else the owner agency's active auditors."""
    person = action.owner_person
    if person is not None and person.is_active:
        return [person]
    return list(auditors.get(action.owner_organisation_id, []))


class ActionReminders:
    """Open actions due soon (to their owner) or overdue (escalated to the owner and the admins),
    a line and a link each (``maqa send-reminders``; the engine is maqa/notify/reminders.py)."""

    ledger = ReminderTable(ActionReminder, "action")
    trail_object = REMINDERS_OBJECT

    def plan(self, today: date, days_before: int) -> list[Due[Action]]:
        """Open actions only (not started or in progress); the admins only once overdue."""
        actions = list(
            Action.objects.filter(status__in=REMINDED_STATUSES)
            .select_related("partnership", "owner_organisation", "owner_person")
            .order_by("partnership_id", "due_date", "pk")
        )
        auditors = agency_auditors(a.owner_organisation_id for a in actions)
        admins = partnership_admins(a.partnership_id for a in actions)
        due = []
        for action in actions:
            stage = stage_of(action.due_date, today, days_before)
            if stage is None:
                continue
            escalate_to = admins.get(action.partnership_id, []) if stage is Stage.OVERDUE else []
            to = [Addressee(person) for person in owners_of(action, auditors)] + [
                Addressee(admin, escalated=True) for admin in escalate_to
            ]
            due.append(
                Due(
                    item=action,
                    subject_id=action.pk,
                    stage=stage,
                    due_date=action.due_date,
                    partnership=action.partnership,
                    to=tuple(to),
                )
            )
        return due

    def email(self, person: User, notices: Sequence[Notice[Action]], today: date) -> Email:
        """Their actions, overdue first, then by due date; escalations to admins say so."""
        ordered = sorted(notices, key=lambda n: (n.due.stage is not Stage.OVERDUE, n.due.due_date))
        lines = [_line(n.due.item, n.due.stage, today, as_admin=n.escalated) for n in ordered]
        overdue = any(n.due.stage is Stage.OVERDUE for n in notices)
        return Email(
            to=person.email,
            subject="maqa: overdue actions" if overdue else "maqa: actions due soon",
            body=_body(person, notices[0].due.partnership, lines),
        )

    def trail_label(self, today: date) -> str:
        return f"action reminders of {long_date(today)}"

    def trail_facts(self, reminded: Sequence[Due[Action]]) -> dict[str, Any]:
        return {"actions": sorted(due.subject_id for due in reminded)}

    def summary(self, run: ReminderRun) -> str:
        """The actions' part of the command's summary line ("" when there was nothing to say)."""
        if not (run.due_soon or run.overdue or run.already_sent or run.nobody_to_email):
            return ""
        verb = "would send" if run.dry_run else "sent"
        text = (
            f" Actions: {verb} {len(run.emails)} email(s): {run.due_soon} due soon, "
            f"{run.overdue} overdue (escalated to admins)"
        )
        extra = []
        if run.already_sent:
            extra.append(f"{run.already_sent} already reminded")
        if run.nobody_to_email:
            extra.append(f"{run.nobody_to_email} with nobody to email")
        return text + ("; " + ", ".join(extra) if extra else "") + "."


ACTION_REMINDERS = ActionReminders()


def action_reminders_send(*, days_before: int, dry_run: bool = False, today: date) -> ReminderRun:
    """Plan, record and (after commit) send this run's action reminders."""
    return reminders_run(ACTION_REMINDERS, days_before=days_before, dry_run=dry_run, today=today)


def _line(action: Action, stage: Stage, today: date, *, as_admin: bool) -> str:
    what = f"“{_short(action.description)}” ({action.owner_organisation.short_name})"
    link = site_link(reverse("actions:action-detail", args=[action.pk]))
    if stage is Stage.OVERDUE:
        days = (today - action.due_date).days
        late = f"{days} day{'s' if days != 1 else ''}"
        head = "Escalated to you: " if as_admin else ""
        return f"- {head}{what} was due on {long_date(action.due_date)}, {late} ago.\n  {link}"
    return f"- {what} is due on {long_date(action.due_date)}.\n  {link}"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _body(person: User, partnership: Partnership, lines: list[str]) -> str:
    return (
        f"Hello {person.full_name},\n\n"
        f"This is a reminder from maqa about the action plan of {partnership.name}.\n\n"
        + "\n".join(lines)
        + "\n\nOpen an action to add an update with evidence, or to propose that it is complete. "
        "If it needs a new due date, ask your partnership admin.\n"
    )
