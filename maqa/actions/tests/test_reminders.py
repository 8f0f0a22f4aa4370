"""Action reminders of `maqa send-reminders`, delivered to a real SMTP server: due soon to the
owner, overdue escalated to the owner and the admins, never twice for one due date, re-armed by
a new due date, and never carrying a finding's text."""

from __future__ import annotations

import datetime
import socket
from email.message import Message
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from maqa.actions.models import Action, ActionReminder
from maqa.actions.reminders import action_reminders_send
from maqa.actions.services import action_cancel, action_edit, action_update_add
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding
from maqa.testing.actions import make_action
from maqa.testing.audits import make_audit

LONDON = ZoneInfo("Europe/London")
MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
TODAY = MORNING.date()


@pytest.fixture(autouse=True)
def frozen(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    with time_machine.travel(MORNING, tick=False):
        yield


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def by_recipient(messages: list[Message]) -> dict[str, Message]:
    return {message["To"]: message for message in messages}


def due(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def run(capture, **kwargs):
    with capture(execute=True):
        return action_reminders_send(
            days_before=kwargs.pop("days_before", 3), today=TODAY, **kwargs
        )


def test_an_action_due_soon_emails_its_owner_person(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(2), owner_person=personas.police)
    make_action(personas, due_date=due(10))  # not yet
    done = run(django_capture_on_commit_callbacks)
    assert (done.due_soon, done.overdue, done.failed) == (1, 0, 0)
    (message,) = smtp_sink.messages
    assert message["To"] == personas.police.email
    assert message["Subject"] == "maqa: actions due soon"
    text = body(message)
    assert "is due on 3 December 2026" in text
    assert f"/actions/{action.pk}/" in text
    assert "Deliver briefings to response officers" in text
    assert ActionReminder.objects.get().kind == ActionReminder.Kind.DUE_SOON


def test_without_an_owner_person_the_agency_auditors_are_reminded(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    make_action(personas, due_date=due(0), owner_organisation=personas.health_org)
    run(django_capture_on_commit_callbacks)
    assert [m["To"] for m in smtp_sink.messages] == [personas.health.email]


def test_an_overdue_action_is_escalated_to_the_owner_and_the_admins_once(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(-4))
    first = run(django_capture_on_commit_callbacks)
    assert (first.overdue, first.due_soon) == (1, 0)
    mail = by_recipient(smtp_sink.messages)
    assert set(mail) == {personas.police.email, personas.admin.email}  # never the outsider
    assert mail[personas.police.email]["Subject"] == "maqa: overdue actions"
    assert "was due on 27 November 2026, 4 days ago" in body(mail[personas.police.email])
    assert "Escalated to you:" in body(mail[personas.admin.email])
    assert "Escalated" not in body(mail[personas.police.email])
    again = run(django_capture_on_commit_callbacks)
    assert (again.overdue, again.already_sent, again.emails) == (0, 1, [])
    assert len(smtp_sink.messages) == 2
    event = AuditEvent.objects.get(object_type="actions.reminders")
    assert event.summary["actions"] == [action.pk]
    assert event.summary["overdue"] == 1


def test_a_new_due_date_re_arms_the_reminders(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    action = make_action(personas, due_date=due(-1))
    run(django_capture_on_commit_callbacks)
    assert len(smtp_sink.messages) == 2
    action_edit(
        actor=personas.admin, ip=None, action=action, expected_version=action.version,
        description=action.description, owner_organisation=personas.police_org,
        due_date=due(1), measure_of_success=action.measure_of_success,
    )  # fmt: skip
    moved = run(django_capture_on_commit_callbacks)
    assert moved.due_soon == 1
    assert smtp_sink.messages[-1]["Subject"] == "maqa: actions due soon"
    assert run(django_capture_on_commit_callbacks).emails == []
    action.refresh_from_db()
    action_edit(
        actor=personas.admin, ip=None, action=action, expected_version=action.version,
        description=action.description, owner_organisation=personas.police_org,
        due_date=due(-2), measure_of_success=action.measure_of_success,
    )  # fmt: skip
    assert run(django_capture_on_commit_callbacks).overdue == 1
    assert ActionReminder.objects.filter(action=action).count() == 3


def test_closed_and_proposed_actions_are_not_reminded(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    cancelled = make_action(personas, due_date=due(-1))
    action_cancel(actor=personas.admin, ip=None, action=cancelled, expected_version=1, reason="r")
    proposed = make_action(personas, due_date=due(1))
    action_update_add(
        actor=personas.police, ip=None, action=proposed, text="Done", propose_completion=True,
        expected_version=1,
    )  # fmt: skip
    done = run(django_capture_on_commit_callbacks)
    assert (done.due_soon, done.overdue, smtp_sink.messages) == (0, 0, [])


def test_emails_never_carry_the_finding_text(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    audit = make_audit(personas, state="panel")
    finding = Finding.objects.create(
        audit=audit, section="action", polarity="action",
        text="Child A's father was never asked about the incident at the school gate.",
    )  # fmt: skip
    make_action(personas, finding=finding, due_date=due(-1))
    run(django_capture_on_commit_callbacks)
    assert smtp_sink.messages
    for message in smtp_sink.messages:
        assert "school gate" not in body(message)
        assert "Child A" not in body(message)


def test_an_undelivered_reminder_is_tried_again(
    personas, smtp_sink, settings, django_capture_on_commit_callbacks
):
    make_action(personas, due_date=due(1), owner_person=personas.police)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.EMAIL_PORT = closed
    assert run(django_capture_on_commit_callbacks).failed == 1
    assert not ActionReminder.objects.exists()
    settings.EMAIL_PORT = smtp_sink.port
    assert run(django_capture_on_commit_callbacks).due_soon == 1
    assert len(smtp_sink.messages) == 1


def test_the_command_reports_actions_and_a_dry_run_sends_nothing(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    make_action(personas, due_date=due(-3))
    make_action(personas, due_date=due(2), owner_person=personas.police)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"Would email {personas.admin.email}: maqa: overdue actions" in lines
    assert f"Would email {personas.police.email}: maqa: overdue actions" in lines
    assert lines[-1] == (
        "Would send 0 email(s) on 2026-12-01 (due within 3 day(s)): 0 return(s) due soon, "
        "0 overdue. Actions: would send 2 email(s): 1 due soon, 1 overdue (escalated to admins)."
    )
    assert smtp_sink.messages == []
    assert not ActionReminder.objects.exists()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert "Actions: sent 2 email(s): 1 due soon, 1 overdue" in out.getvalue()
    assert len(smtp_sink.messages) == 2
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert (
        out.getvalue()
        .strip()
        .endswith(
            "Actions: sent 0 email(s): 0 due soon, 0 overdue (escalated to admins); "
            "2 already reminded."
        )
    )
    assert Action.objects.count() == 2
