"""Reminders about actions, sent by ``maqa send-reminders`` beside the returns' reminders.

- Due soon: an open action due within ``days_before`` days emails its owner: the owner person,
  else the owner agency's active auditors.
- Overdue: an open action past its due date is escalated: the owner and the partnership's
  admins are emailed.

Actions whose completion is proposed wait for an admin's decision, not for their owner, and are
left out. Each reminder is recorded (ActionReminder) in the transaction that decides it; the
unique (action, kind, due date) means it is never sent twice, and a new due date re-arms both.
Emails name the action's description, owner agency and due date, and link to maqa: never a
child, a case, or the text of a finding. A reminder whose every email failed is forgotten again,
so the next run retries it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse

from maqa.accounts.models import User
from maqa.actions.models import Action, ActionReminder
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.core.words import long_date
from maqa.notify.email import Email, emails_send, site_link
from maqa.notify.people import agency_auditors, partnership_admins
from maqa.organisations.models import Partnership

REMINDED_STATUSES = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
REMINDERS_OBJECT = "actions.reminders"
K = ActionReminder.Kind


@dataclass
class PlannedAction:
    action: Action
    kind: str
    owners: list[User]
    admins: list[User]
    reminder_pk: int | None = None


@dataclass
class ActionReminderRun:
    """What one run decided and sent about actions."""

    today: date
    days_before: int
    dry_run: bool
    due_soon: int = 0
    overdue: int = 0
    already_sent: int = 0
    nobody_to_email: int = 0
    emails: list[Email] = field(default_factory=list)
    failed: int = 0


def owners_of(action: Action, auditors: dict[int, list[User]]) -> list[User]:
    """The owner person while active, else the owner agency's active auditors."""
    person = action.owner_person
    if person is not None and person.is_active:
        return [person]
    return list(auditors.get(action.owner_organisation_id, []))


def action_reminders_send(
    *, days_before: int, dry_run: bool = False, today: date
) -> ActionReminderRun:
    """Plan, record and (after commit) send this run's action reminders."""
    run = ActionReminderRun(today=today, days_before=days_before, dry_run=dry_run)
    with transaction.atomic():
        planned = _plan(run)
        run.emails = _compose(planned, today)
        if dry_run:
            return run
        _record_run(run, planned)
        transaction.on_commit(lambda: _deliver(run))
    return run


def _plan(run: ActionReminderRun) -> list[PlannedAction]:
    actions = list(
        Action.objects.filter(status__in=REMINDED_STATUSES)
        .select_related("partnership", "owner_organisation", "owner_person")
        .order_by("partnership_id", "due_date", "pk")
    )
    sent = set(
        ActionReminder.objects.filter(action__in=[a.pk for a in actions]).values_list(
            "action_id", "kind", "due_date"
        )
    )
    auditors = agency_auditors(a.owner_organisation_id for a in actions)
    admins = partnership_admins({a.partnership_id for a in actions})
    planned: list[PlannedAction] = []
    for action in actions:
        days_left = (action.due_date - run.today).days
        if days_left < 0:
            kind = K.OVERDUE
        elif days_left <= run.days_before:
            kind = K.DUE_SOON
        else:
            continue
        if (action.pk, kind, action.due_date) in sent:
            run.already_sent += 1
            continue
        owners = owners_of(action, auditors)
        escalate_to = admins.get(action.partnership_id, []) if kind == K.OVERDUE else []
        if not owners and not escalate_to:
            run.nobody_to_email += 1  # not recorded: the next run tries again
            continue
        item = PlannedAction(action=action, kind=kind, owners=owners, admins=escalate_to)
        if not run.dry_run:
            people = {p.pk for p in owners} | {p.pk for p in escalate_to}
            try:
                with transaction.atomic():
                    item.reminder_pk = ActionReminder.objects.create(
                        action=action, kind=kind, due_date=action.due_date, recipients=len(people)
                    ).pk
            except IntegrityError:  # a run at the same moment recorded it first
                run.already_sent += 1
                continue
        planned.append(item)
        if kind == K.OVERDUE:
            run.overdue += 1
        else:
            run.due_soon += 1
    return planned


def _line(action: Action, kind: str, today: date, *, as_admin: bool) -> str:
    what = f"“{_short(action.description)}” ({action.owner_organisation.short_name})"
    link = site_link(reverse("actions:action-detail", args=[action.pk]))
    if kind == K.OVERDUE:
        days = (today - action.due_date).days
        late = f"{days} day{'s' if days != 1 else ''}"
        head = "Escalated to you: " if as_admin else ""
        return f"- {head}{what} was due on {long_date(action.due_date)}, {late} ago.\n  {link}"
    return f"- {what} is due on {long_date(action.due_date)}.\n  {link}"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _compose(planned: list[PlannedAction], today: date) -> list[Email]:
    """One email per person: their actions, overdue first, then the escalations to admins."""
    people: dict[int, User] = {}
    lines: dict[int, list[tuple[int, date, str]]] = defaultdict(list)
    reminders: dict[int, list[int]] = defaultdict(list)
    partnerships: dict[int, Partnership] = {}
    seen: set[tuple[int, int]] = set()
    for item in planned:
        action = item.action
        recipients = [(p, False) for p in item.owners] + [(p, True) for p in item.admins]
        for person, as_admin in recipients:
            if (person.pk, action.pk) in seen:  # an owner who is also an admin: once
                continue
            seen.add((person.pk, action.pk))
            people[person.pk] = person
            partnerships[person.pk] = action.partnership
            order = 0 if item.kind == K.OVERDUE else 1
            text = _line(action, item.kind, today, as_admin=as_admin)
            lines[person.pk].append((order, action.due_date, text))
            if item.reminder_pk is not None:
                reminders[person.pk].append(item.reminder_pk)
    emails = []
    for pk, person in sorted(people.items(), key=lambda p: p[1].email):
        items = sorted(lines[pk], key=lambda line: (line[0], line[1]))
        overdue = any(order == 0 for order, _, _ in items)
        emails.append(
            Email(
                to=person.email,
                subject="maqa: overdue actions" if overdue else "maqa: actions due soon",
                body=_body(person, partnerships[pk], [text for _, _, text in items]),
                reminders=tuple(sorted(set(reminders[pk]))),
            )
        )
    return emails


def _body(person: User, partnership: Partnership, lines: list[str]) -> str:
    return (
        f"Hello {person.full_name},\n\n"
        f"This is a reminder from maqa about the action plan of {partnership.name}.\n\n"
        + "\n".join(lines)
        + "\n\nOpen an action to add an update with evidence, or to propose that it is complete. "
        "If it needs a new due date, ask your partnership admin.\n"
    )


def _record_run(run: ActionReminderRun, planned: list[PlannedAction]) -> None:
    """One audit event per partnership reminded in this run, with its counts."""
    by_partnership: dict[int, list[PlannedAction]] = defaultdict(list)
    for item in planned:
        by_partnership[item.action.partnership_id].append(item)
    for items in by_partnership.values():
        people = {p.pk for i in items for p in [*i.owners, *i.admins]}
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=None,
            partnership=items[0].action.partnership,
            object_type=REMINDERS_OBJECT,
            object_id=run.today.isoformat(),
            object_label=f"action reminders of {long_date(run.today)}",
            summary={
                "kind": "scheduled",
                "days_before": run.days_before,
                "due_soon": sum(1 for i in items if i.kind == K.DUE_SOON),
                "overdue": sum(1 for i in items if i.kind == K.OVERDUE),
                "people": len(people),
                "actions": sorted(i.action.pk for i in items),
            },
        )


def _deliver(run: ActionReminderRun) -> None:
    failed = emails_send(run.emails)
    run.failed = len(failed)
    delivered = {pk for email in run.emails if email not in failed for pk in email.reminders}
    undelivered = {pk for email in failed for pk in email.reminders} - delivered
    if undelivered:
        ActionReminder.objects.filter(pk__in=undelivered).delete()


def summary_part(run: ActionReminderRun) -> str:
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
