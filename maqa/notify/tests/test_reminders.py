"""The reminder engine, with a kind of its own: actions by due date, to whom a test says, in
plain words. Delivered to a real SMTP server; days moved with time-machine."""

from __future__ import annotations

import datetime
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from maqa.accounts.models import User
from maqa.actions.models import Action, ActionReminder
from maqa.actions.services import action_create
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.words import long_date
from maqa.notify.email import Email
from maqa.notify.reminders import (
    Addressee,
    Due,
    Key,
    Ledger,
    Notice,
    ReminderRun,
    ReminderTable,
    Stage,
    reminders_run,
    stage_of,
)
from maqa.organisations.models import Organisation
from maqa.testing.actions import make_action

LONDON = ZoneInfo("Europe/London")
MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)  # a Tuesday
TODAY = MORNING.date()
TRAIL = "notify.test-reminders"
LEDGER = ReminderTable(ActionReminder, "action")


def due(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


@dataclass
class Deadlines:
    """A kind for these tests: each action reminded to the people in ``to`` (by action id)."""

    to: dict[int, list[Addressee]] = field(default_factory=dict)
    ledger: Ledger = LEDGER
    trail_object: str = TRAIL
    fail_to_compose: bool = False

    def plan(self, today: datetime.date, days_before: int) -> Iterator[Due[Action]]:
        for action in Action.objects.select_related("partnership").order_by("pk"):
            stage = stage_of(action.due_date, today, days_before)
            if stage is not None:
                yield Due(
                    item=action,
                    subject_id=action.pk,
                    stage=stage,
                    due_date=action.due_date,
                    partnership=action.partnership,
                    to=tuple(self.to.get(action.pk, [])),
                )

    def email(self, person: User, notices: Sequence[Notice[Action]], today: datetime.date) -> Email:
        if self.fail_to_compose:
            raise RuntimeError("the words could not be written")
        lines = [
            f"- action {n.due.item.pk}: {n.due.stage.value} on {long_date(n.due.due_date)}"
            + (" (escalated)" if n.escalated else "")
            for n in notices
        ]
        return Email(
            to=person.email,
            subject=f"test: {len(notices)} reminder(s) on {long_date(today)}",
            body="\n".join(lines),
        )

    def trail_label(self, today: datetime.date) -> str:
        return f"test reminders of {long_date(today)}"

    def trail_facts(self, reminded: Sequence[Due[Action]]) -> dict[str, Any]:
        return {"actions": sorted(d.subject_id for d in reminded)}

    def summary(self, run: ReminderRun) -> str:
        return f"{run.due_soon} due soon, {run.overdue} overdue"


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.EVIDENCE_DIR = tmp_path / "evidence"


def run(capture, kind: Deadlines, **options: Any) -> ReminderRun:
    with capture(execute=True):
        return reminders_run(kind, **options)


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8").replace("\r\n", "\n").strip()


def to(person: User, *, escalated: bool = False) -> Addressee:
    return Addressee(person, escalated=escalated)


# --- when something is due ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "days_before", "stage"),
    [
        (-1, 3, Stage.OVERDUE),
        (-30, 0, Stage.OVERDUE),
        (0, 3, Stage.DUE_SOON),
        (0, 0, Stage.DUE_SOON),
        (3, 3, Stage.DUE_SOON),
        (4, 3, None),
        (1, 0, None),
    ],
)
def test_the_stage_of_a_due_date(days, days_before, stage):
    assert stage_of(due(days), TODAY, days_before) is stage


def test_today_is_the_day_in_london_not_in_utc(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: due on 4 July is due in 3 days, not 4.
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        action = make_action(personas, due_date=datetime.date(2026, 7, 4))
        done = run(
            django_capture_on_commit_callbacks, Deadlines({action.pk: [to(personas.police)]})
        )
    assert done.today == datetime.date(2026, 7, 1)
    assert done.due_soon == 1
    assert smtp_sink.messages[0]["Subject"] == "test: 1 reminder(s) on 1 July 2026"


def test_a_negative_number_of_days_is_refused(db):
    with pytest.raises(ApplicationError, match="cannot be negative"):
        reminders_run(Deadlines(), days_before=-1)


# --- one email per person, after the commit --------------------------------------------------


def test_each_person_gets_one_email_with_all_their_reminders_once_the_records_commit(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    late = make_action(personas, due_date=due(-2))
    soon = make_action(personas, due_date=due(3))
    later = make_action(personas, due_date=due(4))  # outside the window
    kind = Deadlines(
        {
            late.pk: [to(personas.police), to(personas.admin, escalated=True)],
            soon.pk: [to(personas.police)],
            later.pk: [to(personas.police)],
        }
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        done = reminders_run(kind, days_before=3)
    assert smtp_sink.messages == []  # nothing goes before the reminders are recorded
    assert ActionReminder.objects.count() == 2
    assert len(callbacks) == 1
    callbacks[0]()
    assert (done.due_soon, done.overdue, done.already_sent, done.failed) == (1, 1, 0, 0)
    # By address: police.auditor@ before qa.lead@ (the admin).
    assert [m["To"] for m in smtp_sink.messages] == [personas.police.email, personas.admin.email]
    police, admin = smtp_sink.messages
    assert body(police) == (
        f"- action {late.pk}: overdue on 29 November 2026\n"
        f"- action {soon.pk}: due_soon on 4 December 2026"
    )
    assert body(admin) == f"- action {late.pk}: overdue on 29 November 2026 (escalated)"
    assert police["Subject"] == "test: 2 reminder(s) on 1 December 2026"
    records = {r.action_id: r.pk for r in ActionReminder.objects.all()}
    assert [e.reminders for e in done.emails] == [
        tuple(sorted([records[late.pk], records[soon.pk]])),
        (records[late.pk],),
    ]


def test_someone_told_twice_about_one_thing_is_told_once_as_the_first_says(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(-1))
    kind = Deadlines({action.pk: [to(personas.admin), to(personas.admin, escalated=True)]})
    run(django_capture_on_commit_callbacks, kind)
    (message,) = smtp_sink.messages
    assert body(message) == f"- action {action.pk}: overdue on 30 November 2026"
    assert ActionReminder.objects.get().recipients == 1


# --- never twice; re-armed by a new due date ------------------------------------------------


def test_a_reminder_is_never_sent_twice_for_its_subject_stage_and_due_date(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(2))
    kind = Deadlines({action.pk: [to(personas.police)]})
    run(django_capture_on_commit_callbacks, kind)
    again = run(django_capture_on_commit_callbacks, kind)
    morning.move_to(MORNING + datetime.timedelta(days=1))
    next_day = run(django_capture_on_commit_callbacks, kind)
    assert (again.already_sent, again.emails) == (1, [])
    assert (next_day.already_sent, next_day.emails) == (1, [])
    morning.move_to(MORNING + datetime.timedelta(days=3))
    overdue = run(django_capture_on_commit_callbacks, kind)
    Action.objects.filter(pk=action.pk).update(due_date=due(5))
    moved = run(django_capture_on_commit_callbacks, kind)
    assert (overdue.overdue, moved.due_soon) == (1, 1)
    assert [m["Subject"] for m in smtp_sink.messages] == [
        "test: 1 reminder(s) on 1 December 2026",
        "test: 1 reminder(s) on 4 December 2026",
        "test: 1 reminder(s) on 4 December 2026",
    ]
    assert sorted(ActionReminder.objects.values_list("kind", "due_date")) == [
        ("due_soon", due(2)),
        ("due_soon", due(5)),
        ("overdue", due(2)),
    ]


@dataclass
class LateReader:
    """A ledger that reads before another run's records commit: it sees nothing sent."""

    table: ReminderTable

    def sent(self, keys: Any) -> set[Key]:
        return set()

    def record(self, key: Key, *, recipients: int) -> int:
        return self.table.record(key, recipients=recipients)

    def forget(self, ids: Any) -> None:
        self.table.forget(ids)


def test_a_run_that_loses_the_race_to_record_a_reminder_does_not_send_it(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    first, second = make_action(personas, due_date=due(1)), make_action(personas, due_date=due(1))
    kind = Deadlines({first.pk: [to(personas.police)], second.pk: [to(personas.health)]})
    run(django_capture_on_commit_callbacks, kind)
    ActionReminder.objects.filter(action=second).delete()
    smtp_sink.messages.clear()
    kind.ledger = LateReader(LEDGER)
    racing = run(django_capture_on_commit_callbacks, kind)
    assert (racing.already_sent, racing.due_soon) == (1, 1)  # the unique constraint said no
    assert [m["To"] for m in smtp_sink.messages] == [personas.health.email]
    assert ActionReminder.objects.count() == 2


# --- nobody to tell, dry runs, failures -----------------------------------------------------


def test_something_due_with_nobody_to_tell_is_counted_and_told_on_a_later_run(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(1))
    kind = Deadlines({action.pk: []})
    nobody = run(django_capture_on_commit_callbacks, kind)
    assert (nobody.nobody_to_email, nobody.due_soon, nobody.emails) == (1, 0, [])
    assert not ActionReminder.objects.exists()
    assert not AuditEvent.objects.filter(object_type=TRAIL).exists()
    kind.to[action.pk] = [to(personas.health)]
    told = run(django_capture_on_commit_callbacks, kind)
    assert (told.nobody_to_email, told.due_soon) == (0, 1)
    assert [m["To"] for m in smtp_sink.messages] == [personas.health.email]


def test_a_dry_run_composes_the_emails_and_records_and_sends_nothing(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(-1))
    kind = Deadlines({action.pk: [to(personas.police), to(personas.admin, escalated=True)]})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dry = reminders_run(kind, dry_run=True)
    assert callbacks == []
    assert (dry.dry_run, dry.overdue) == (True, 1)
    assert [e.to for e in dry.emails] == [personas.police.email, personas.admin.email]
    assert all(e.reminders == () for e in dry.emails)
    assert smtp_sink.messages == []
    assert not ActionReminder.objects.exists()
    assert not AuditEvent.objects.filter(object_type=TRAIL).exists()
    assert run(django_capture_on_commit_callbacks, kind).overdue == 1  # the real run still sends


def test_a_run_that_fails_half_way_records_nothing_and_sends_nothing(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(1))
    kind = Deadlines({action.pk: [to(personas.police)]}, fail_to_compose=True)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True) as callbacks:
        reminders_run(kind)
    assert callbacks == []
    assert smtp_sink.messages == []
    assert not ActionReminder.objects.exists()


def test_a_reminder_is_forgotten_only_when_nobody_heard_about_it(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    shared = make_action(personas, due_date=due(1))
    alone = make_action(personas, due_date=due(2))
    kind = Deadlines(
        {shared.pk: [to(personas.police), to(personas.health)], alone.pk: [to(personas.health)]}
    )
    smtp_sink.refused.add(personas.health.email)
    first = run(django_capture_on_commit_callbacks, kind)
    assert (first.due_soon, first.failed) == (2, 1)
    assert [m["To"] for m in smtp_sink.messages] == [personas.police.email]
    # The police heard about the shared action: kept. Nobody heard about the other: forgotten.
    assert list(ActionReminder.objects.values_list("action_id", flat=True)) == [shared.pk]
    smtp_sink.refused.clear()
    retried = run(django_capture_on_commit_callbacks, kind)
    assert (retried.due_soon, retried.already_sent, retried.failed) == (1, 1, 0)
    assert body(smtp_sink.messages[-1]) == f"- action {alone.pk}: due_soon on 3 December 2026"


def test_when_the_mail_server_is_down_every_reminder_is_tried_again(
    personas, smtp_sink, settings, morning, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(1))
    kind = Deadlines({action.pk: [to(personas.police)]})
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    assert run(django_capture_on_commit_callbacks, kind).failed == 1
    assert not ActionReminder.objects.exists()
    settings.EMAIL_PORT = smtp_sink.port
    assert run(django_capture_on_commit_callbacks, kind).due_soon == 1
    assert len(smtp_sink.messages) == 1


# --- the audit trail ------------------------------------------------------------------------


def test_each_partnership_reminded_gets_one_event_with_the_counts(
    personas, smtp_sink, morning, django_capture_on_commit_callbacks
):
    late = make_action(personas, due_date=due(-1))
    soon = make_action(personas, due_date=due(0))
    elsewhere = action_create(
        actor=None, ip=None, description="Review the elsewhere policy.",
        owner_organisation=Organisation.objects.get(partnership=personas.other_partnership),
        due_date=due(1), measure_of_success="Reviewed.",
    )  # fmt: skip
    kind = Deadlines(
        {
            late.pk: [to(personas.police), to(personas.admin, escalated=True)],
            soon.pk: [to(personas.police)],
            elsewhere.pk: [to(personas.outsider)],
        }
    )
    run(django_capture_on_commit_callbacks, kind, days_before=2)
    events = {e.partnership_id: e for e in AuditEvent.objects.filter(object_type=TRAIL)}
    assert set(events) == {personas.partnership.pk, personas.other_partnership.pk}
    home = events[personas.partnership.pk]
    assert (home.action, home.actor, home.object_id) == ("created", None, "2026-12-01")
    assert home.object_label == "test reminders of 1 December 2026"
    assert home.summary == {
        "kind": "scheduled",
        "days_before": 2,
        "due_soon": 1,
        "overdue": 1,
        "people": 2,
        "actions": [late.pk, soon.pk],
    }
    assert events[personas.other_partnership.pk].summary["actions"] == [elsewhere.pk]
