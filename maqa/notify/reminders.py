"""The reminder engine: one run of one kind of reminder. ``maqa send-reminders`` runs every kind.

A kind says what is due, for whom, and in which words (``maqa/returns/reminders.py``,
``maqa/actions/reminders.py``); the engine does the rest, the same way for every kind:

1. **Plan.** The kind lists what is due (``Due``): due soon (today or within ``days_before``
   days) or overdue (the due date has passed), as ``stage_of`` decides, with the people to tell.
2. **Record.** Each reminder is recorded in the kind's ledger under its key (subject, stage, due
   date), in the run's transaction. The ledger's unique constraint means a reminder is never sent
   twice, even by two runs at once; a new due date is a new key, so it re-arms both stages.
   Something due with nobody to tell is not recorded: a later run tells them once there is
   someone. Each run that reminds anyone records one event per partnership in the audit trail.
3. **Compose.** One email per person, in the kind's words, with every reminder of theirs.
4. **Deliver**, after the transaction has committed, through ``emails_send``. A reminder whose
   every email failed is forgotten again, so that the next run tries it again.

A dry run plans and composes; it records nothing and sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.notify.email import Email, emails_send

if TYPE_CHECKING:
    from maqa.accounts.models import User
    from maqa.organisations.models import Partnership

DEFAULT_DAYS_BEFORE = 3

T = TypeVar("T")


class Stage(StrEnum):
    """How late something is. The values are those of the ledgers' ``kind`` field."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def stage_of(due_date: date, today: date, days_before: int) -> Stage | None:
    """Overdue once the due date has passed; due soon from ``days_before`` days before it."""
    days_left = (due_date - today).days
    if days_left < 0:
        return Stage.OVERDUE
    if days_left <= days_before:
        return Stage.DUE_SOON
    return None


# A reminder's dedupe key: (the subject's id, the stage, the due date).
Key = tuple[int, str, date]


@dataclass(frozen=True)
class Addressee:
    person: User
    # Told because it is overdue and escalated to them (an overdue action's admins), not as owner.
    escalated: bool = False


@dataclass(frozen=True)
class Due(Generic[T]):
    """Something due that a kind wants reminded: its item, stage and due date, and whom to tell."""

    item: T
    subject_id: int  # what the ledger records the reminder against (the item's id)
    stage: Stage
    due_date: date
    partnership: Partnership  # whose audit trail records the run
    to: tuple[Addressee, ...]

    @property
    def key(self) -> Key:
        return (self.subject_id, self.stage.value, self.due_date)

    def addressees(self) -> list[Addressee]:
        """Each person once: the first way they are told wins (an owner who is also an admin is
        told as the owner)."""
        seen: set[int] = set()
        once = []
        for addressee in self.to:
            if addressee.person.pk not in seen:
                seen.add(addressee.person.pk)
                once.append(addressee)
        return once


@dataclass(frozen=True)
class Notice(Generic[T]):
    """One reminder, as one person is told it: a line of their email."""

    due: Due[T]
    escalated: bool


class Ledger(Protocol):
    """Where a kind records the reminders it has sent, one row per key."""

    def sent(self, keys: Collection[Key]) -> set[Key]:
        """Those of ``keys`` already recorded."""
        ...

    def record(self, key: Key, *, recipients: int) -> int:
        """Record a reminder and return its id; raise IntegrityError if the key is recorded."""
        ...

    def forget(self, ids: Collection[int]) -> None:
        """Delete the records of reminders that nobody heard about."""
        ...


@dataclass(frozen=True)
class ReminderTable:
    """A ledger in a model with a foreign key ``subject`` to what is reminded, ``kind`` (the
    stage), ``due_date`` and ``recipients``, unique on (subject, kind, due date) for the stages.
    Other kinds of row in the table (a return's "chase") are not the engine's."""

    model: type[models.Model]
    subject: str

    def sent(self, keys: Collection[Key]) -> set[Key]:
        if not keys:
            return set()
        rows = self.model._default_manager.filter(
            **{f"{self.subject}__in": {key[0] for key in keys}, "kind__in": list(Stage)}
        ).values_list(f"{self.subject}_id", "kind", "due_date")
        return {(pk, kind, day) for pk, kind, day in rows} & set(keys)

    def record(self, key: Key, *, recipients: int) -> int:
        subject_id, kind, due_date = key
        row = self.model._default_manager.create(
            **{f"{self.subject}_id": subject_id, "kind": kind, "due_date": due_date},
            recipients=recipients,
        )
        return int(row.pk)

    def forget(self, ids: Collection[int]) -> None:
        self.model._default_manager.filter(pk__in=ids).delete()


@dataclass
class ReminderRun:
    """What one run of one kind decided and sent."""

    today: date
    days_before: int
    dry_run: bool
    due_soon: int = 0
    overdue: int = 0
    already_sent: int = 0
    nobody_to_email: int = 0
    emails: list[Email] = field(default_factory=list)
    failed: int = 0  # emails that could not be sent: known once delivered, after the commit


class ReminderKind(Protocol[T]):
    """A kind of reminder: its rules and its words. The engine does the rest."""

    @property
    def ledger(self) -> Ledger: ...

    @property
    def trail_object(self) -> str:
        """The object type of its runs in the audit trail."""
        ...

    def plan(self, today: date, days_before: int) -> Iterable[Due[T]]:
        """Everything due soon or overdue on ``today``, with whom to tell (possibly nobody)."""
        ...

    def email(self, person: User, notices: Sequence[Notice[T]], today: date) -> Email:
        """The one email of this run to ``person``, about ``notices`` (in the plan's order)."""
        ...

    def trail_label(self, today: date) -> str: ...

    def trail_facts(self, reminded: Sequence[Due[T]]) -> dict[str, Any]:
        """What the audit event of a partnership adds to the counts (which audits, actions)."""
        ...

    def summary(self, run: ReminderRun) -> str:
        """The kind's part of the command's summary line."""
        ...


def reminders_run(
    kind: ReminderKind[T],
    *,
    days_before: int = DEFAULT_DAYS_BEFORE,
    dry_run: bool = False,
    today: date | None = None,
) -> ReminderRun:
    """Plan, record and compose one kind's reminders; deliver them once the records commit."""
    if days_before < 0:
        raise ApplicationError("The number of days before the due date cannot be negative.")
    run = ReminderRun(today=today or timezone.localdate(), days_before=days_before, dry_run=dry_run)
    with transaction.atomic():
        reminded = _record(kind.ledger, run, list(kind.plan(run.today, days_before)))
        run.emails = _compose(kind, reminded, run.today)
        if dry_run:
            transaction.set_rollback(True)  # whatever a kind read or wrote, a dry run keeps nothing
            return run
        _record_in_trail(kind, run, [due for due, _ in reminded])
        ledger = kind.ledger
        transaction.on_commit(lambda: _deliver(ledger, run))
    return run


def _record(
    ledger: Ledger, run: ReminderRun, planned: list[Due[T]]
) -> list[tuple[Due[T], int | None]]:
    """What this run reminds, each with its ledger id (None in a dry run), counted in ``run``."""
    sent = ledger.sent([due.key for due in planned])
    reminded: list[tuple[Due[T], int | None]] = []
    for due in planned:
        if due.key in sent:
            run.already_sent += 1
            continue
        people = due.addressees()
        if not people:
            run.nobody_to_email += 1  # not recorded: a later run tells whoever there is then
            continue
        record = None
        if not run.dry_run:
            try:
                with transaction.atomic():
                    record = ledger.record(due.key, recipients=len(people))
            except IntegrityError:  # a run at the same moment recorded it first
                run.already_sent += 1
                continue
        reminded.append((due, record))
        if due.stage is Stage.OVERDUE:
            run.overdue += 1
        else:
            run.due_soon += 1
    return reminded


def _compose(
    kind: ReminderKind[T], reminded: list[tuple[Due[T], int | None]], today: date
) -> list[Email]:
    """One email per person (by address), carrying the ids of the reminders it delivers."""
    people: dict[int, User] = {}
    notices: dict[int, list[Notice[T]]] = defaultdict(list)
    records: dict[int, set[int]] = defaultdict(set)
    for due, record in reminded:
        for addressee in due.addressees():
            person = addressee.person
            people[person.pk] = person
            notices[person.pk].append(Notice(due=due, escalated=addressee.escalated))
            if record is not None:
                records[person.pk].add(record)
    return [
        replace(kind.email(person, notices[pk], today), reminders=tuple(sorted(records[pk])))
        for pk, person in sorted(people.items(), key=lambda p: p[1].email)
    ]


def _record_in_trail(kind: ReminderKind[T], run: ReminderRun, reminded: list[Due[T]]) -> None:
    """One audit event per partnership reminded in this run, with its counts."""
    by_partnership: dict[int, list[Due[T]]] = defaultdict(list)
    for due in reminded:
        by_partnership[due.partnership.pk].append(due)
    for items in by_partnership.values():
        people = {addressee.person.pk for due in items for addressee in due.to}
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=None,
            partnership=items[0].partnership,
            object_type=kind.trail_object,
            object_id=run.today.isoformat(),
            object_label=kind.trail_label(run.today),
            summary={
                "kind": "scheduled",
                "days_before": run.days_before,
                "due_soon": sum(1 for due in items if due.stage is Stage.DUE_SOON),
                "overdue": sum(1 for due in items if due.stage is Stage.OVERDUE),
                "people": len(people),
                **kind.trail_facts(items),
            },
        )


def _deliver(ledger: Ledger, run: ReminderRun) -> None:
    failed = emails_send(run.emails)
    run.failed = len(failed)
    delivered = {pk for email in run.emails if email not in failed for pk in email.reminders}
    undelivered = {pk for email in failed for pk in email.reminders} - delivered
    if undelivered:
        ledger.forget(undelivered)  # nobody heard about these: the next run tries them again
