"""Immediate safeguarding concerns: raising, alerts, home pages, acknowledging, outcomes; and no
email maqa sends carries case details."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from maqa.accounts.models import Membership, Role, User
from maqa.audits import concerns
from maqa.audits.models import Audit, SafeguardingConcern
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation
from maqa.returns.models import Return
from maqa.returns.tests.test_reminders import assert_no_case_details
from maqa.testing.audits import advance, make_audit
from maqa.testing.personas import sign_in

DESCRIPTION = "Bruising seen at the last visit was not followed up; the child is at home now."
OUTCOME = "Referred to the front door the same day; strategy discussion held."


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def every_email_is_free_of_case_details(request):
    sink = request.getfixturevalue("smtp_sink") if "smtp_sink" in request.fixturenames else None
    yield
    assert_no_case_details([m.message() for m in mail.outbox] + (sink.messages if sink else []))


@pytest.fixture
def csc(personas):
    return Organisation.objects.get(partnership=personas.partnership, short_name="CSC")


@pytest.fixture
def csc_auditor(personas, csc):
    """An auditor of CSC, the lead agency of every child make_audit samples."""
    user = User.objects.create_user(
        email="csc.auditor@persona.test", full_name="Casey Worker", partnership=personas.partnership
    )
    Membership.objects.create(user=user, organisation=csc, role=Role.AGENCY_AUDITOR)
    return user


@pytest.fixture
def audit(personas):
    return make_audit(personas, state="returns_open")


def raise_concern(client, personas, audit, *, by="police", reference="Child A", text=DESCRIPTION):
    sign_in(client, personas.get(by))
    child = audit.cases.get(reference=reference)
    return client.post(
        f"/audits/{audit.pk}/concerns/new/", {"child": child.pk, "description": text}
    )


def raised(personas, audit, *, by="police", reference="Child A") -> SafeguardingConcern:
    return concerns.concern_raise(
        actor=personas.get(by),
        ip=None,
        audit=audit,
        child=audit.cases.get(reference=reference),
        description=DESCRIPTION,
    )


def detail_url(concern: SafeguardingConcern) -> str:
    return f"/audits/{concern.audit_id}/concerns/{concern.pk}/"


# --- raising --------------------------------------------------------------------------------


def test_the_form_says_plainly_that_maqa_is_not_a_referral_route(client, personas, audit):
    sign_in(client, personas.police)
    html = client.get(f"/audits/{audit.pk}/concerns/new/").content.decode()
    warning = html[html.index('<div class="govuk-warning-text">') :]
    assert html.index('class="govuk-warning-text"') < html.index('<form method="post" novalidate>')
    assert "maqa is not a referral route" in warning
    assert "call 999 or contact the local children's front door now" in warning


def test_an_auditor_chooses_among_the_children_their_agency_audits(client, personas, audit):
    Return.objects.filter(
        audit=audit, organisation=personas.police_org, child__reference="Child B"
    ).delete()
    sign_in(client, personas.police)
    html = client.get(f"/audits/{audit.pk}/concerns/new/").content.decode()
    assert "Child A" in html
    assert "Child B" not in html
    response = raise_concern(client, personas, audit, reference="Child B")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SafeguardingConcern.objects.exists()


def test_a_concern_needs_a_child_and_a_description(client, personas, audit):
    sign_in(client, personas.police)
    response = client.post(f"/audits/{audit.pk}/concerns/new/", {})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose the child the concern is about." in html
    assert "Describe the concern." in html


def test_raising_a_concern_alerts_the_admins_and_the_lead_agency_at_once(
    client, personas, audit, csc_auditor, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://maqa.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = raise_concern(client, personas, audit)
    concern = SafeguardingConcern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(concern)
    assert (concern.raised_by, concern.organisation) == (personas.police, personas.police_org)
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(
        [personas.admin.email, csc_auditor.email]
    )
    body = smtp_sink.messages[0].get_payload(decode=True).decode().replace("\r\n", "\n")
    assert (
        "An immediate safeguarding concern has been raised in the audit 'Engagement with "
        f"fathers'. Open maqa to read it:\nhttps://maqa.example.org{detail_url(concern)}"
    ) in body
    assert "Bruising" not in body


def test_the_raiser_is_told_where_the_concern_went(client, personas, audit):
    response = raise_concern(client, personas, audit)
    html = client.get(response["Location"]).content.decode()
    assert "Your concern has been sent to the partnership admins and the child" in html
    assert DESCRIPTION in html


def test_an_admin_can_raise_a_concern_about_any_child_in_the_sample(personas, audit):
    concern = raised(personas, audit, by="admin", reference="Child B")
    assert concern.organisation.short_name == "Unit"


@pytest.mark.parametrize("state", ["returns_open", "panel", "reporting"])
def test_concerns_can_be_raised_while_case_files_are_being_read(personas, state):
    audit = make_audit(personas, state=state)
    assert raised(personas, audit).pk


@pytest.mark.parametrize("state", ["published", "closed"])
def test_concerns_cannot_be_raised_once_the_audit_is_published(client, personas, state):
    audit = make_audit(personas, state=state)
    with pytest.raises(ApplicationError, match="call 999"):
        raised(personas, audit)
    sign_in(client, personas.police)
    html = client.get(f"/audits/{audit.pk}/concerns/new/").content.decode()
    assert "Concerns cannot be raised in maqa while this audit is" in html
    assert '<form method="post" novalidate>' not in html
    assert "maqa is not a referral route" in html


def test_no_concern_is_raised_in_a_draft_audit(client, personas):
    audit = make_audit(personas)
    sign_in(client, personas.police)
    assert client.get(f"/audits/{audit.pk}/concerns/new/").status_code == 404
    with pytest.raises(ApplicationError):
        raised(personas, audit, by="admin")


def test_someone_elses_audit_is_refused(client, personas, audit):
    for persona in ("outsider", "panel", "board"):
        sign_in(client, personas.get(persona))
        assert client.get(f"/audits/{audit.pk}/concerns/new/").status_code == 404, persona
        assert client.get(f"/audits/{audit.pk}/concerns/").status_code == 404, persona


# --- who sees what --------------------------------------------------------------------------


def test_an_auditor_sees_the_concerns_they_raised_and_those_their_agency_leads_on(
    client, personas, audit, csc_auditor
):
    by_police = raised(personas, audit, by="police")
    by_health = raised(personas, audit, by="health", reference="Child B")
    visible = {
        who: set(concerns.concerns_visible_to(personas.get(who), audit))
        for who in ("admin", "police", "health")
    }
    assert visible == {
        "admin": {by_police, by_health},
        "police": {by_police},
        "health": {by_health},
    }
    assert set(concerns.concerns_visible_to(csc_auditor, audit)) == {by_police, by_health}
    sign_in(client, personas.health)
    assert client.get(detail_url(by_police)).status_code == 404
    html = client.get(f"/audits/{audit.pk}/concerns/").content.decode()
    assert detail_url(by_health) in html
    assert detail_url(by_police) not in html


def test_the_lead_agencys_auditor_reaches_a_concern_even_when_not_taking_part(
    client, personas, audit, csc, csc_auditor
):
    audit.agencies.remove(csc)
    concern = raised(personas, audit)
    sign_in(client, csc_auditor)
    assert client.get(detail_url(concern)).status_code == 200


# --- acknowledging and outcomes -------------------------------------------------------------


def test_the_lead_agency_acknowledges_and_records_the_outcome(client, personas, audit, csc_auditor):
    concern = raised(personas, audit)
    sign_in(client, csc_auditor)
    response = client.post(f"{detail_url(concern)}acknowledge/", {"version": 1}, follow=True)
    assert "You have acknowledged the concern." in response.content.decode()
    response = client.post(
        f"{detail_url(concern)}outcome/", {"outcome": OUTCOME, "version": 2}, follow=True
    )
    assert "The outcome has been recorded." in response.content.decode()
    concern.refresh_from_db()
    assert concern.acknowledged_by == csc_auditor
    assert concern.outcome == OUTCOME
    assert concern.outcome_recorded_at is not None
    assert not concern.is_open


def test_recording_the_outcome_also_acknowledges(personas, audit):
    concern = raised(personas, audit)
    concerns.concern_record_outcome(
        actor=personas.admin, ip=None, concern=concern, outcome=OUTCOME, version=1
    )
    assert concern.acknowledged_by == personas.admin


def test_the_raiser_cannot_acknowledge_a_concern_their_agency_does_not_lead_on(
    client, personas, audit
):
    concern = raised(personas, audit)
    sign_in(client, personas.police)
    html = client.get(detail_url(concern)).content.decode()
    assert "Acknowledge the concern" not in html
    assert client.post(f"{detail_url(concern)}acknowledge/", {"version": 1}).status_code == 403
    assert (
        client.post(f"{detail_url(concern)}outcome/", {"outcome": "x", "version": 1}).status_code
        == 403
    )


def test_a_stale_outcome_is_refused_not_silently_applied(client, personas, audit, csc_auditor):
    concern = raised(personas, audit)
    concerns.concern_acknowledge(actor=csc_auditor, ip=None, concern=concern, version=1)
    sign_in(client, personas.admin)
    response = client.post(f"{detail_url(concern)}outcome/", {"outcome": OUTCOME, "version": 1})
    assert response.status_code == 200
    assert "Someone else updated this concern while you were reading it." in (
        response.content.decode()
    )
    concern.refresh_from_db()
    assert concern.outcome == ""


def test_acknowledging_twice_says_who_did_it_first(client, personas, audit, csc_auditor):
    concern = raised(personas, audit)
    concerns.concern_acknowledge(actor=csc_auditor, ip=None, concern=concern, version=1)
    sign_in(client, personas.admin)
    response = client.post(f"{detail_url(concern)}acknowledge/", {"version": 2}, follow=True)
    assert "Casey Worker has already acknowledged this concern." in response.content.decode()


def test_an_empty_outcome_is_refused(client, personas, audit):
    concern = raised(personas, audit)
    sign_in(client, personas.admin)
    response = client.post(f"{detail_url(concern)}outcome/", {"outcome": " ", "version": 1})
    assert "Describe what was done about the concern." in response.content.decode()


def test_a_concern_in_a_closed_audit_can_no_longer_be_updated(personas):
    audit = make_audit(personas, state="reporting")
    concern = raised(personas, audit)
    concerns.concern_record_outcome(
        actor=personas.admin, ip=None, concern=concern, outcome=OUTCOME, version=1
    )
    for _ in range(2):
        audit.refresh_from_db()
        advance(personas, audit)
    concern.refresh_from_db()
    with pytest.raises(ApplicationError, match="closed"):
        concerns.concern_record_outcome(
            actor=personas.admin, ip=None, concern=concern, outcome="later", version=2
        )


# --- home pages and the audit trail ---------------------------------------------------------


def test_a_concern_shows_on_home_pages_until_its_outcome_is_recorded(
    client, personas, audit, csc_auditor
):
    concern = raised(personas, audit)
    link = f'href="{detail_url(concern)}"'
    expected = {"admin": True, "police": False, "health": False, "panel": False, "board": False}
    for persona, shown in expected.items():
        sign_in(client, personas.get(persona))
        assert (link in client.get("/").content.decode()) is shown, persona
    sign_in(client, csc_auditor)
    html = client.get("/").content.decode()
    assert "Immediate safeguarding concerns" in html
    assert "Engagement with fathers: concern about Child A, raised" in html
    assert "(new)" in html
    concerns.concern_acknowledge(actor=csc_auditor, ip=None, concern=concern, version=1)
    assert "(acknowledged, outcome not yet recorded)" in client.get("/").content.decode()
    concerns.concern_record_outcome(
        actor=csc_auditor, ip=None, concern=concern, outcome=OUTCOME, version=2
    )
    for user in (personas.admin, csc_auditor):
        sign_in(client, user)
        assert link not in client.get("/").content.decode()


def test_each_step_is_kept_in_the_audit_trail_without_the_concerns_text(
    client, personas, audit, csc_auditor
):
    concern = raised(personas, audit)
    sign_in(client, csc_auditor)
    client.get(detail_url(concern))
    concerns.concern_acknowledge(actor=csc_auditor, ip=None, concern=concern, version=1)
    concerns.concern_record_outcome(
        actor=personas.admin, ip=None, concern=concern, outcome=OUTCOME, version=2
    )
    events = AuditEvent.objects.filter(
        object_type="audits.safeguardingconcern", object_id=str(concern.pk)
    ).order_by("seq")
    assert [(e.action, e.summary.get("step", e.summary.get("page"))) for e in events] == [
        ("created", None),
        ("viewed", "concern"),
        ("changed", "acknowledged"),
        ("changed", "outcome recorded"),
    ]
    assert events[0].summary == {
        "audit": audit.pk,
        "child": "Child A",
        "agency": "Police",
        "alerted": 2,
    }
    for event in events:
        assert "Bruising" not in str(event.summary) + event.object_label
        assert "front door" not in str(event.summary) + event.object_label


# --- every email -----------------------------------------------------------------------------


def test_no_email_maqa_sends_carries_case_details_or_identifiers(
    client, personas, csc_auditor, smtp_sink, django_capture_on_commit_callbacks
):
    """Reminders (due soon and overdue), the chase and the concern alert, read back from SMTP."""
    london = ZoneInfo("Europe/London")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=london), tick=False) as t:
        audit = make_audit(personas, state="returns_open")
        Audit.objects.filter(pk=audit.pk).update(returns_due=datetime.date(2026, 12, 3))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")
        t.move_to(datetime.datetime(2026, 12, 4, 9, 0, tzinfo=london))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")
        with django_capture_on_commit_callbacks(execute=True):
            sign_in(client, personas.admin)
            client.post(
                f"/audits/{audit.pk}/dashboard/chase/", {"organisation": personas.police_org.pk}
            )
        with django_capture_on_commit_callbacks(execute=True):
            raise_concern(client, personas, audit, text=f"{DESCRIPTION} Child A, CN-SYN-00000.")
    subjects = {m["Subject"] for m in smtp_sink.messages}
    assert subjects == {
        "maqa: audit returns due soon",
        "maqa: overdue audit returns",
        "maqa: your partnership admin is chasing audit returns",
        "maqa: an immediate safeguarding concern has been raised",
    }
    assert_no_case_details(smtp_sink.messages)


def test_a_link_can_preselect_the_child(client, personas, audit):
    child = audit.cases.get(reference="Child B")
    sign_in(client, personas.police)
    html = client.get(f"/audits/{audit.pk}/concerns/new/?child={child.pk}").content.decode()
    assert f'type="radio" value="{child.pk}" checked' in html
