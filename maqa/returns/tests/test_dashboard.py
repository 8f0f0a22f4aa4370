"""The completion dashboard: cells, totals, the CSV export, the chase; and returns on home pages."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation
from maqa.returns.dashboard import audit_dashboard
from maqa.returns.models import AgencyDeadline, ReminderSent, Return
from maqa.returns.tests.test_reminders import assert_no_case_details
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in

LONDON = ZoneInfo("Europe/London")
MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def every_email_is_free_of_case_details(request):
    sink = request.getfixturevalue("smtp_sink") if "smtp_sink" in request.fixturenames else None
    yield
    assert_no_case_details([m.message() for m in mail.outbox] + (sink.messages if sink else []))


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def set_due(audit: Audit, due: datetime.date) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(returns_due=due)
    audit.refresh_from_db()
    return audit


def set_state(audit: Audit, org: Organisation, reference: str, state: str) -> None:
    Return.objects.filter(audit=audit, organisation=org, child__reference=reference).update(
        state=state
    )


@pytest.fixture
def audit(personas):
    """Returns open, due in three days; police has submitted for Child A, health is drafting it."""
    audit = set_due(make_audit(personas, state="returns_open"), datetime.date(2026, 12, 4))
    set_state(audit, personas.police_org, "Child A", Return.State.SUBMITTED)
    set_state(audit, personas.health_org, "Child A", Return.State.DRAFT)
    set_state(audit, personas.police_org, "Child B", Return.State.SENT_BACK)
    return audit


def page(client, personas, audit):
    sign_in(client, personas.admin)
    response = client.get(f"/audits/{audit.pk}/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_cell_shows_the_return_state_in_words_with_a_tag_colour(client, personas, audit):
    html = page(client, personas, audit)
    assert '<strong class="govuk-tag govuk-tag--green">Submitted</strong>' in html
    assert '<strong class="govuk-tag ">Draft</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--orange">Sent back</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Not started</strong>' in html
    assert "Overdue (" not in html


def test_returns_not_done_after_their_agencys_due_date_are_overdue(
    client, personas, audit, morning
):
    AgencyDeadline.objects.create(
        audit=audit, organisation=personas.health_org, due_date=datetime.date(2026, 12, 11)
    )
    morning.move_to(datetime.datetime(2026, 12, 5, 9, 0, tzinfo=LONDON))
    board = audit_dashboard(audit=audit)
    cells = {
        (row.child.reference, column.organisation.short_name): cell
        for row in board.rows
        for column, cell in zip(board.agencies, row.cells, strict=True)
    }
    assert cells["Child A", "Police"].label == "Submitted"
    assert cells["Child B", "Police"].label == "Overdue (sent back)"
    assert cells["Child A", "CSC"].label == "Overdue (not started)"
    assert cells["Child A", "CSC"].tag == "govuk-tag--red"
    # Health has an extension to 11 December: not overdue yet.
    assert cells["Child A", "Health"].label == "Draft"
    html = page(client, personas, audit)
    assert '<strong class="govuk-tag govuk-tag--red">Overdue (not started)</strong>' in html
    assert "11 December 2026 (extended)" in html


def test_a_child_an_agency_is_not_involved_with_shows_a_dash_and_says_so_to_screen_readers(
    client, personas, audit
):
    Return.objects.filter(
        audit=audit, organisation=personas.health_org, child__reference="Child B"
    ).delete()
    html = page(client, personas, audit)
    assert (
        '<span aria-hidden="true">—</span><span class="govuk-visually-hidden">not involved</span>'
        in html
    )


def test_totals_are_counted_per_agency_per_child_and_overall(personas, audit):
    set_state(audit, personas.health_org, "Child B", Return.State.NOT_KNOWN)
    board = audit_dashboard(audit=audit)
    by_agency = {a.organisation.short_name: (a.done, a.total) for a in board.agencies}
    assert by_agency == {"CSC": (0, 2), "Health": (1, 2), "Police": (1, 2)}
    assert [(row.child.reference, row.done, row.total) for row in board.rows] == [
        ("Child A", 1, 3),
        ("Child B", 1, 3),
    ]
    assert (board.done, board.total, board.overdue) == (2, 6, 0)


def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_sample_size(client, personas):
    sign_in(client, personas.admin)
    counts = []
    for children in (1, 6):
        audit = make_audit(personas, state="returns_open", children=children)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/audits/{audit.pk}/dashboard/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] == 14, [q["sql"] for q in queries.captured_queries]


def test_the_dashboard_reads_in_five_queries(personas, audit, django_assert_num_queries):
    with django_assert_num_queries(5):
        board = audit_dashboard(audit=audit)
        assert [cell.label for row in board.rows for cell in row.cells]


def test_the_dashboard_is_the_partnership_admins_alone(client, personas, audit):
    for persona in ("police", "health", "panel", "board", "outsider"):
        sign_in(client, personas.get(persona))
        assert client.get(f"/audits/{audit.pk}/dashboard/").status_code == 404, persona
        assert client.get(f"/audits/{audit.pk}/dashboard.csv").status_code == 404, persona


def test_before_returns_open_the_dashboard_says_it_is_empty(client, personas):
    draft = make_audit(personas)
    html = page(client, personas, draft)
    assert "Returns have not opened yet" in html


# --- the CSV export -------------------------------------------------------------------------


def test_the_csv_export_has_a_row_per_child_and_the_totals(client, personas, audit):
    sign_in(client, personas.admin)
    response = client.get(f"/audits/{audit.pk}/dashboard.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="audit-{audit.pk}-completion-2026-12-01.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Child", "CSC", "Health", "Police", "Done"],
        ["Child A", "Not started", "Draft", "Submitted", "1 of 3"],
        ["Child B", "Not started", "Not started", "Sent back", "0 of 3"],
        ["Done", "0 of 2", "0 of 2", "1 of 2", "1 of 6"],
        ["Overdue", "0", "0", "0", "0"],
        ["Due", "2026-12-04", "2026-12-04", "2026-12-04", ""],
    ]


def test_the_csv_export_neutralises_cells_a_spreadsheet_could_run(client, personas, audit):
    rogue = Organisation.objects.create(
        partnership=personas.partnership,
        name="Rogue agency",
        short_name='=HYPERLINK("http://x")',
        sector=Organisation.Sector.OTHER,
    )
    audit.agencies.add(rogue)
    sign_in(client, personas.admin)
    header = client.get(f"/audits/{audit.pk}/dashboard.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(header)))[1] == """'=HYPERLINK("http://x")"""


def test_exporting_the_dashboard_is_recorded(client, personas, audit):
    sign_in(client, personas.admin)
    client.get(f"/audits/{audit.pk}/dashboard.csv")
    event = AuditEvent.objects.filter(action="exported").latest("seq")
    assert (event.object_type, event.object_id) == ("audits.audit", str(audit.pk))
    assert event.actor == personas.admin
    assert event.summary["export"] == "completion dashboard"


# --- the chase ------------------------------------------------------------------------------


def chase(client, personas, audit, org, django_capture_on_commit_callbacks):
    sign_in(client, personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            f"/audits/{audit.pk}/dashboard/chase/", {"organisation": org.pk}, follow=True
        )


def test_chasing_an_agency_emails_its_auditors_now_and_says_so(
    client, personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    response = chase(
        client, personas, audit, personas.health_org, django_capture_on_commit_callbacks
    )
    assert "Chased Health: emailed 1 auditor(s) about 2 return(s) still to do." in (
        response.content.decode()
    )
    assert [m["To"] for m in smtp_sink.messages] == [personas.health.email]
    message = smtp_sink.messages[0]
    body = message.get_payload(decode=True).decode()
    assert "Health to complete its returns for the audit 'Engagement with fathers'" in body
    assert "2 returns still to do. They are due on 4 December 2026." in body
    assert "/returns/mine/" in body


def test_a_chase_is_recorded_against_each_return_still_to_do_and_in_the_audit_trail(
    client, personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    chase(client, personas, audit, personas.police_org, django_capture_on_commit_callbacks)
    chased = ReminderSent.objects.filter(kind="chase")
    assert [r.return_obj.child.reference for r in chased] == ["Child B"]
    event = AuditEvent.objects.filter(object_type="returns.reminders").latest("seq")
    assert event.actor == personas.admin
    assert event.summary == {
        "kind": "chase",
        "audit": audit.pk,
        "agency": "Police",
        "returns": 1,
        "people": 1,
    }
    html = page(client, personas, audit)
    assert "Not chased" in html  # CSC and health
    assert "1 December 2026, 09:00" in html  # police


def test_an_agency_can_be_chased_again(
    client, personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    chase(client, personas, audit, personas.police_org, django_capture_on_commit_callbacks)
    chase(client, personas, audit, personas.police_org, django_capture_on_commit_callbacks)
    assert len(smtp_sink.messages) == 2


def test_an_agency_with_nothing_left_to_do_is_not_chased(
    client, personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    set_state(audit, personas.police_org, "Child B", Return.State.SUBMITTED)
    response = chase(
        client, personas, audit, personas.police_org, django_capture_on_commit_callbacks
    )
    assert "Police has no returns left to complete in this audit." in response.content.decode()
    assert smtp_sink.messages == []


def test_an_agency_with_no_auditor_cannot_be_chased(
    client, personas, audit, smtp_sink, django_capture_on_commit_callbacks
):
    csc = Organisation.objects.get(partnership=personas.partnership, short_name="CSC")
    response = chase(client, personas, audit, csc, django_capture_on_commit_callbacks)
    assert "CSC has no active agency auditor to email." in response.content.decode()
    assert not ReminderSent.objects.exists()


def test_an_agency_not_in_the_audit_cannot_be_chased(
    client, personas, audit, django_capture_on_commit_callbacks
):
    unit = Organisation.objects.get(partnership=personas.partnership, short_name="Unit")
    response = chase(client, personas, audit, unit, django_capture_on_commit_callbacks)
    assert "Choose an agency taking part in this audit to chase." in response.content.decode()


def test_chasing_is_only_while_returns_are_open(
    client, personas, smtp_sink, django_capture_on_commit_callbacks
):
    panel = make_audit(personas, state="panel")
    response = chase(
        client, personas, panel, personas.police_org, django_capture_on_commit_callbacks
    )
    assert "Returns are not open for this audit" in response.content.decode()
    assert "Chase<span" not in response.content.decode()
    assert smtp_sink.messages == []


# --- returns on the home pages --------------------------------------------------------------


def test_an_auditor_sees_their_agencys_returns_due_and_overdue_on_their_home_page(
    client, personas, morning
):
    soon = set_due(make_audit(personas, state="returns_open"), datetime.date(2026, 12, 4))
    set_due(
        make_audit(personas, state="returns_open", theme="Neglect"), datetime.date(2026, 11, 20)
    )
    set_state(soon, personas.police_org, "Child A", Return.State.SUBMITTED)
    sign_in(client, personas.police)
    html = client.get("/").content.decode()
    overdue = '<a class="govuk-link" href="/returns/mine/">Neglect: 2 returns overdue (due 20 November 2026)</a>'
    due = '<a class="govuk-link" href="/returns/mine/">Engagement with fathers: 1 return to complete by 4 December 2026</a>'
    assert overdue in html
    assert due in html
    assert html.index(overdue) < html.index(due)


def test_the_admin_sees_each_audit_with_returns_open_with_a_link_to_its_dashboard(
    client, personas, audit, morning
):
    morning.move_to(datetime.datetime(2026, 12, 5, 9, 0, tzinfo=LONDON))
    sign_in(client, personas.admin)
    html = client.get("/").content.decode()
    assert (
        f'<a class="govuk-link" href="/audits/{audit.pk}/dashboard/">Engagement with fathers: '
        "1 of 6 returns done, 5 overdue</a>"
    ) in html


def test_a_panel_member_sees_the_panels_they_sit_on(client, personas):
    audit = make_audit(personas, state="panel")
    make_audit(personas, state="published", theme="Old panel")
    extra = User.objects.create_user(
        email="other.panel@persona.test", full_name="Other Panel", partnership=personas.partnership
    )
    Membership.objects.create(user=extra, organisation=personas.police_org, role=Role.PANEL_MEMBER)
    sign_in(client, personas.panel)
    html = client.get("/").content.decode()
    assert (
        f'<a class="govuk-link" href="/audits/{audit.pk}/">Engagement with fathers: panel on '
        f"29 December 2026: the returns are ready to read</a>"
    ) in html
    assert "Old panel" not in html
    sign_in(client, extra)
    assert "You are not named for any upcoming panel." in client.get("/").content.decode()
