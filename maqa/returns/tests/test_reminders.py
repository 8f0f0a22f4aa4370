"""`maqa send-reminders`: due soon and overdue reminders, delivered to a real SMTP server."""

from __future__ import annotations

import datetime
import socket
from email.message import Message
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.returns.models import AgencyDeadline, ReminderSent, Return
from maqa.returns.reminders import reminders_send
from maqa.testing.audits import make_audit, synthetic_case_number, synthetic_name

LONDON = ZoneInfo("Europe/London")
# Wednesday 1 December 2026, 09:00 in London.
MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
DUE = datetime.date(2026, 12, 4)

# What no email may carry: a child's reference, or any part of the synthetic identifiers.
CASE_DETAILS = (
    "Child ",
    synthetic_name(0).split()[0][:-2],  # "Synthname"
    synthetic_name(0).split()[1][:-2],  # "Tokenfamily"
    synthetic_case_number(0)[:-5],  # "CN-SYN-"
    "2019-05-01",
)


def text_of(message: Message) -> str:
    """Every header and the decoded body of an email read back from the SMTP server."""
    parts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(parts)


def assert_no_case_details(messages: list[Message]) -> None:
    for message in messages:
        text = text_of(message)
        for token in CASE_DETAILS:
            assert token not in text, f"an email carries {token!r}:\n{text}"


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def every_email_is_free_of_case_details(request):
    """Whatever a test here sends, through the SMTP server or Django's test outbox."""
    sink = request.getfixturevalue("smtp_sink") if "smtp_sink" in request.fixturenames else None
    yield
    assert_no_case_details([m.message() for m in mail.outbox] + (sink.messages if sink else []))


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def audit(personas, morning):
    """Returns open, due on 4 December: police, health and CSC each have Child A and Child B.

    Nobody audits for CSC, so only police and health auditors are reminded."""
    audit = make_audit(personas, state="returns_open")
    Audit.objects.filter(pk=audit.pk).update(returns_due=DUE)
    audit.refresh_from_db()
    return audit


def run(django_capture_on_commit_callbacks, **options):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders_send(**options)


def to(sink, email: str) -> list[Message]:
    return [m for m in sink.messages if m["To"] == email]


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_auditors_are_emailed_three_days_before_the_due_date(
    personas, audit, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://maqa.example.org/"
    result = run(django_capture_on_commit_callbacks)
    assert (result.due_soon, result.overdue, result.nobody_to_email) == (4, 0, 2)
    assert sorted(m["To"] for m in smtp_sink.messages) == [
        personas.health.email,
        personas.police.email,
    ]
    message = to(smtp_sink, personas.police.email)[0]
    assert message["Subject"] == "maqa: audit returns due soon"
    text = body(message)
    assert "2 returns for the audit 'Engagement with fathers' are due on 4 December 2026." in text
    assert "https://maqa.example.org/returns/mine/" in text


def test_nothing_is_sent_before_the_reminder_window_opens(
    audit, smtp_sink, django_capture_on_commit_callbacks, morning
):
    morning.move_to(MORNING - datetime.timedelta(days=1))
    result = run(django_capture_on_commit_callbacks)
    assert result.emails == []
    assert smtp_sink.messages == []
    assert not ReminderSent.objects.exists()


def test_the_number_of_days_before_is_the_commands_option(
    audit, smtp_sink, django_capture_on_commit_callbacks, morning
):
    morning.move_to(MORNING - datetime.timedelta(days=5))  # due in 8 days
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--days-before", "8", stdout=out)
    assert len(smtp_sink.messages) == 2
    assert "(due within 8 day(s))" in out.getvalue()


def test_a_reminder_is_never_sent_twice_for_the_same_return_kind_and_due_date(
    audit, smtp_sink, django_capture_on_commit_callbacks, morning
):
    run(django_capture_on_commit_callbacks)
    again = run(django_capture_on_commit_callbacks)
    morning.move_to(MORNING + datetime.timedelta(days=1))
    next_day = run(django_capture_on_commit_callbacks)
    assert len(smtp_sink.messages) == 2
    assert again.emails == next_day.emails == []
    assert again.already_sent == next_day.already_sent == 4
    assert ReminderSent.objects.filter(kind="due_soon", due_date=DUE).count() == 4


def test_overdue_returns_are_reminded_once_the_day_after_the_due_date(
    personas, audit, smtp_sink, django_capture_on_commit_callbacks, morning
):
    morning.move_to(datetime.datetime(2026, 12, 5, 9, 0, tzinfo=LONDON))
    first = run(django_capture_on_commit_callbacks)
    morning.move_to(datetime.datetime(2026, 12, 6, 9, 0, tzinfo=LONDON))
    second = run(django_capture_on_commit_callbacks)
    assert (first.overdue, first.due_soon, second.overdue) == (4, 0, 0)
    message = to(smtp_sink, personas.police.email)[0]
    assert message["Subject"] == "maqa: overdue audit returns"
    assert (
        "2 returns for the audit 'Engagement with fathers' were due on 4 December 2026 and are "
        "now overdue." in body(message)
    )
    assert len(smtp_sink.messages) == 2


def test_an_extension_gives_a_new_due_date_and_so_re_arms_the_reminders(
    personas, audit, smtp_sink, django_capture_on_commit_callbacks, morning
):
    run(django_capture_on_commit_callbacks)
    extended = datetime.date(2026, 12, 11)
    AgencyDeadline.objects.create(
        audit=audit, organisation=personas.police_org, due_date=extended, reason="staff absence"
    )
    smtp_sink.messages.clear()
    morning.move_to(datetime.datetime(2026, 12, 8, 9, 0, tzinfo=LONDON))
    result = run(django_capture_on_commit_callbacks)
    police = to(smtp_sink, personas.police.email)
    health = to(smtp_sink, personas.health.email)
    assert "are due on 11 December 2026" in body(police[0])
    assert "were due on 4 December 2026" in body(health[0])
    assert (result.due_soon, result.overdue) == (2, 2)
    assert ReminderSent.objects.filter(kind="due_soon", due_date=extended).count() == 2


def test_returns_submitted_or_not_known_are_not_reminded(
    personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    police_returns = Return.objects.filter(audit=audit, organisation=personas.police_org)
    police_returns.filter(child__reference="Child A").update(state=Return.State.SUBMITTED)
    police_returns.filter(child__reference="Child B").update(state=Return.State.NOT_KNOWN)
    run(django_capture_on_commit_callbacks)
    assert [m["To"] for m in smtp_sink.messages] == [personas.health.email]


def test_only_audits_with_returns_open_are_reminded(
    personas, smtp_sink, django_capture_on_commit_callbacks, morning
):
    for state in ("panel", "reporting"):
        other = make_audit(personas, state=state)
        Audit.objects.filter(pk=other.pk).update(returns_due=DUE)
    result = run(django_capture_on_commit_callbacks)
    assert result.emails == []
    assert smtp_sink.messages == []


@pytest.fixture
def second_police_auditor(personas):
    user = User.objects.create_user(
        email="second.police@persona.test",
        full_name="Avery Sergeant",
        partnership=personas.partnership,
    )
    Membership.objects.create(user=user, organisation=personas.police_org, role=Role.AGENCY_AUDITOR)
    return user


def test_a_returns_assignee_alone_is_reminded_and_the_rest_go_to_every_auditor(
    personas, audit, second_police_auditor, smtp_sink, django_capture_on_commit_callbacks
):
    Return.objects.filter(
        audit=audit, organisation=personas.police_org, child__reference="Child A"
    ).update(assignee=personas.police)
    run(django_capture_on_commit_callbacks)
    assert "2 returns for the audit" in body(to(smtp_sink, personas.police.email)[0])
    assert "1 return for the audit 'Engagement with fathers' is due on 4 December 2026." in body(
        to(smtp_sink, second_police_auditor.email)[0]
    )


def test_an_inactive_assignee_is_passed_over_for_the_agencys_active_auditors(
    personas, audit, second_police_auditor, smtp_sink, django_capture_on_commit_callbacks
):
    Return.objects.filter(audit=audit, organisation=personas.police_org).update(
        assignee=second_police_auditor
    )
    User.objects.filter(pk=second_police_auditor.pk).update(is_active=False)
    run(django_capture_on_commit_callbacks)
    assert to(smtp_sink, second_police_auditor.email) == []
    assert "2 returns for the audit" in body(to(smtp_sink, personas.police.email)[0])


def test_reminders_count_days_in_london_not_in_utc(
    personas, smtp_sink, django_capture_on_commit_callbacks
):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): due in 3 days, not 4.
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        audit = make_audit(personas, state="returns_open")
        Audit.objects.filter(pk=audit.pk).update(returns_due=datetime.date(2026, 7, 4))
        result = run(django_capture_on_commit_callbacks)
    assert result.today == datetime.date(2026, 7, 1)
    assert result.due_soon == 4


def test_a_reminder_whose_emails_all_failed_is_tried_again_on_the_next_run(
    audit, smtp_sink, settings, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_PORT = closed_port
    failed = run(django_capture_on_commit_callbacks)
    assert failed.failed == 2
    assert not ReminderSent.objects.exists()
    settings.EMAIL_PORT = smtp_sink.port
    retried = run(django_capture_on_commit_callbacks)
    assert (retried.due_soon, retried.failed) == (4, 0)
    assert len(smtp_sink.messages) == 2


def test_the_command_prints_a_summary_and_records_the_run_in_the_audit_trail(
    personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == (
        "Sent 2 email(s) on 2026-12-01 (due within 3 day(s)): 4 return(s) due soon, 0 overdue; "
        "2 with no active agency auditor to email."
    )
    event = AuditEvent.objects.get(object_type="returns.reminders")
    assert event.action == "created"
    assert event.partnership == personas.partnership
    assert event.summary == {
        "kind": "scheduled",
        "days_before": 3,
        "due_soon": 4,
        "overdue": 0,
        "people": 2,
        "audits": [audit.pk],
    }


def test_a_dry_run_prints_who_would_be_emailed_and_sends_and_records_nothing(
    personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--dry-run", stdout=out)
    assert f"Would email {personas.police.email}: maqa: audit returns due soon" in out.getvalue()
    assert "Would send 2 email(s)" in out.getvalue()
    assert smtp_sink.messages == []
    assert not ReminderSent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="returns.reminders").exists()


def test_a_negative_number_of_days_is_refused(db):
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("send_reminders", "--days-before", "-1", stdout=StringIO())


def test_the_case_details_check_catches_a_reference_a_name_or_a_case_number():
    for text in ("About Child A", f"Name: {synthetic_name(3)}", synthetic_case_number(9)):
        message = Message()
        message["Subject"] = "maqa"
        message.set_payload(text.encode(), charset="utf-8")
        with pytest.raises(AssertionError, match="an email carries"):
            assert_no_case_details([message])
