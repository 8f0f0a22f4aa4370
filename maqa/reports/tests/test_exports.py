"""The exports: their exact rows in CSV and XLSX, the period and audit filters, neutralised
cells in both formats, file names, and the audit event of each download."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.findings.models import LearningTheme
from maqa.reports.tests.helpers import (
    P,
    S,
    action,
    csv_rows,
    grade,
    point,
    published,
    theme,
    xlsx_rows,
    xlsx_sheet,
)
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in

D2024 = datetime.date(2024, 3, 14)
D2025 = datetime.date(2025, 9, 2)
D_PANEL = datetime.date(2026, 10, 1)
TODAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def world(personas):
    """Two published audits (2024, 2025), one at the panel, with findings, grades, actions."""
    older = published(personas, "Neglect", D2024)
    newer = published(personas, "Engagement with fathers", D2025)
    at_panel = make_audit(personas, state="panel", theme="Still at panel")
    Audit.objects.filter(pk=at_panel.pk).update(panel_date=D_PANEL)
    fathers = theme(personas, "fathers-male-carers")
    inclusion = theme(personas, "fathers-male-carers.identification-inclusion")
    voice = theme(personas, "child-voice")
    worry = point(newer, S.WORRY, P.CONCERN, "Fathers were not invited", themes=(inclusion,))
    worry.resources.set([personas.resource])
    point(newer, S.GOOD_PRACTICE, P.STRENGTH, "Children were seen alone", themes=(voice,))
    lt = LearningTheme.objects.create(audit=newer, title="Think father", position=0)
    point(newer, S.ACTION, P.ACTION, "Ask who the father is", learning=lt)
    point(newer, S.FOUND, P.CONCERN, "No checks on new partners", learning=lt,
          themes=(fathers, inclusion))  # fmt: skip
    point(older, S.WORRY, P.CONCERN, "Neglect not recognised")
    point(at_panel, S.WORRY, P.CONCERN, "Draft point still at panel")
    grade(newer, "Child B", "voice", "good", "Seen alone twice")
    grade(newer, "Child A", "voice", "inadequate", "Never seen")
    grade(newer, "Child A", "recognition", "requires_improvement", "")
    grade(older, "Child A", "fathers", "outstanding", "Father at every meeting")
    grade(at_panel, "Child A", "voice", "good", "Panel still talking")
    first = action(
        personas, "Train on fathers", org=personas.police_org, due=datetime.date(2026, 1, 31),
        audit=newer, themes=(fathers,), owner_person=personas.police,
        measure="Half of staff trained",
    )  # fmt: skip
    second = action(
        personas, "Audit health visits", org=personas.health_org, due=datetime.date(2025, 6, 30),
        audit=older, status=Action.Status.COMPLETED,
        completed_at=datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC),
    )  # fmt: skip
    return {
        "older": older, "newer": newer, "at_panel": at_panel, "actions": (first, second),
        "fathers": fathers.name, "inclusion": inclusion.name,
    }  # fmt: skip


FINDINGS_HEADER = [
    "Audit", "Audit date", "Section", "Theme for learning", "Polarity", "Text", "Themes",
    "Subthemes", "Resources",
]  # fmt: skip


def findings_expected(world):
    fathers, inclusion = world["fathers"], world["inclusion"]
    newer = ["Engagement with fathers", "2025-09-02"]
    return [
        ["Neglect", "2024-03-14", "What we are worried about", "", "Concern",
         "Neglect not recognised", "", "", ""],
        [*newer, "What we are worried about", "", "Concern", "Fathers were not invited",
         fathers, inclusion, "Neglect toolkit"],
        [*newer, "What good practice did we see", "", "Strength", "Children were seen alone",
         "Voice and lived experience of the child", "", ""],
        [*newer, "What we found", "Think father", "Concern", "No checks on new partners",
         fathers, inclusion, ""],
        [*newer, "What needs to happen", "Think father", "Action", "Ask who the father is",
         "", "", ""],
    ]  # fmt: skip


AT_PANEL_ROW = ["Still at panel", "2026-10-01", "What we are worried about", "", "Concern",
                "Draft point still at panel", "", "", ""]  # fmt: skip


@time_machine.travel(TODAY, tick=False)
def test_an_admin_exports_every_finding_as_csv_oldest_audit_first(client, personas, world):
    sign_in(client, personas.admin)
    response = client.get("/reports/findings/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="maqa-findings-2026-11-23.csv"'
    )
    assert csv_rows(response.content) == [FINDINGS_HEADER, *findings_expected(world), AT_PANEL_ROW]


@time_machine.travel(TODAY, tick=False)
def test_the_findings_xlsx_holds_the_same_rows_with_dates_as_dates(client, personas, world):
    sign_in(client, personas.admin)
    response = client.get("/reports/findings/", {"format": "xlsx"})
    assert response["Content-Disposition"] == (
        'attachment; filename="maqa-findings-2026-11-23.xlsx"'
    )
    rows = xlsx_rows(response.content)
    expected = [FINDINGS_HEADER, *findings_expected(world), AT_PANEL_ROW]
    as_text = [
        [cell.date().isoformat() if isinstance(cell, datetime.datetime) else (cell or "")
         for cell in row]
        for row in rows
    ]  # fmt: skip
    assert as_text == expected
    assert isinstance(rows[1][1], datetime.datetime)  # a real date cell
    sheet = xlsx_sheet(response.content)
    assert sheet.title == "Findings"
    assert sheet.freeze_panes == "A2"  # the header stays in view
    assert sheet["A1"].font.b and not sheet["A2"].font.b


def test_a_viewer_gets_only_published_findings(client, personas, world):
    sign_in(client, personas.board)
    rows = csv_rows(client.get("/reports/findings/").content)
    assert rows == [FINDINGS_HEADER, *findings_expected(world)]


def test_the_period_keeps_the_audits_whose_panel_date_is_in_it(client, personas, world):
    sign_in(client, personas.admin)
    rows = csv_rows(
        client.get("/reports/findings/", {"start": "2025-01-01", "end": "2025-12-31"}).content
    )
    assert rows == [FINDINGS_HEADER, *findings_expected(world)[1:]]
    rows = csv_rows(client.get("/reports/findings/", {"end": "2024-03-14"}).content)
    assert rows == [FINDINGS_HEADER, findings_expected(world)[0]]


def test_the_audit_filter_keeps_one_audit(client, personas, world):
    sign_in(client, personas.admin)
    rows = csv_rows(client.get("/reports/findings/", {"audit": world["older"].pk}).content)
    assert rows == [FINDINGS_HEADER, findings_expected(world)[0]]


def test_a_month_only_audit_date_is_the_month(client, personas, world):
    Audit.objects.filter(pk=world["older"].pk).update(
        panel_date=datetime.date(2024, 3, 1), date_precision="month"
    )
    sign_in(client, personas.admin)
    rows = csv_rows(client.get("/reports/findings/", {"audit": world["older"].pk}).content)
    assert rows[1][1] == "2024-03"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-02-30"}, "Enter a valid date."),
        ({"start": "2025-06-01", "end": "2025-01-01"}, "The end of the period must be on or after"),
        ({"audit": "999999"}, "Choose an audit from the list."),
        ({"format": "pdf"}, "Select a valid choice."),
    ],
)
def test_a_bad_filter_shows_the_page_with_the_problem_and_no_file(
    client, personas, world, params, message
):
    sign_in(client, personas.admin)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).count()
    response = client.get("/reports/findings/", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).count() == before


def test_an_audit_the_person_cannot_see_is_refused_as_a_filter(client, personas, world):
    sign_in(client, personas.board)
    response = client.get("/reports/findings/", {"audit": world["at_panel"].pk})
    assert response.status_code == 400
    assert "Choose an audit from the list." in response.content.decode()


GRADES_HEADER = ["Audit", "Audit date", "Child", "Domain", "Grade", "Rationale"]


@time_machine.travel(TODAY, tick=False)
def test_an_admin_exports_the_agreed_grades_by_child_and_domain(client, personas, world):
    sign_in(client, personas.admin)
    response = client.get("/reports/grades/")
    assert response["Content-Disposition"] == 'attachment; filename="maqa-grades-2026-11-23.csv"'
    assert csv_rows(response.content) == [
        GRADES_HEADER,
        ["Neglect", "2024-03-14", "Child A", "Fathers and significant adults", "Outstanding",
         "Father at every meeting"],
        ["Engagement with fathers", "2025-09-02", "Child A", "Recognition of need and risk",
         "Requires improvement", ""],
        ["Engagement with fathers", "2025-09-02", "Child A",
         "Voice and lived experience of the child", "Inadequate", "Never seen"],
        ["Engagement with fathers", "2025-09-02", "Child B",
         "Voice and lived experience of the child", "Good", "Seen alone twice"],
        ["Still at panel", "2026-10-01", "Child A", "Voice and lived experience of the child",
         "Good", "Panel still talking"],
    ]  # fmt: skip


def test_no_export_holds_a_childs_identifiers(client, personas, world):
    from maqa.testing.audits import synthetic_case_number, synthetic_name

    sign_in(client, personas.admin)
    for url in ("/reports/findings/", "/reports/grades/", "/reports/actions/"):
        for fmt in ("csv", "xlsx"):
            content = client.get(url, {"format": fmt}).content
            text = content.decode("utf-8") if fmt == "csv" else str(xlsx_rows(content))
            for index in range(2):
                assert synthetic_name(index) not in text
                assert synthetic_case_number(index) not in text
            assert "2019-05-01" not in text  # the children's date of birth


def test_a_panel_member_gets_the_grades_of_their_panels_only(client, personas, world):
    Audit.objects.get(pk=world["older"].pk).panel_members.clear()
    sign_in(client, personas.panel)
    rows = csv_rows(client.get("/reports/grades/").content)
    assert {row[0] for row in rows[1:]} == {"Engagement with fathers", "Still at panel"}


ACTIONS_HEADER = [
    "Description", "Owner agency", "Owner person", "Due date", "Status", "Measure of success",
    "Themes", "Audit", "Completed date", "Cancelled reason",
]  # fmt: skip
TRAIN = ["Train on fathers", "Police", "Morgan Constable", "2026-01-31", "Not started",
         "Half of staff trained", "Fathers, male carers and partners", "Engagement with fathers",
         "", ""]  # fmt: skip
AUDIT_VISITS = ["Audit health visits", "Health", "", "2025-06-30", "Completed", "Audit shows it",
                "", "Neglect", "2025-06-01", ""]  # fmt: skip


@time_machine.travel(TODAY, tick=False)
def test_an_admin_exports_every_action_by_due_date(client, personas, world):
    sign_in(client, personas.admin)
    response = client.get("/reports/actions/", {"format": "xlsx"})
    assert response["Content-Disposition"] == (
        'attachment; filename="maqa-actions-2026-11-23.xlsx"'
    )
    rows = xlsx_rows(response.content)
    as_text = [
        [cell.date().isoformat() if isinstance(cell, datetime.datetime) else (cell or "")
         for cell in row]
        for row in rows
    ]  # fmt: skip
    assert as_text == [ACTIONS_HEADER, AUDIT_VISITS, TRAIN]
    csv_response = client.get("/reports/actions/")
    assert csv_rows(csv_response.content) == [ACTIONS_HEADER, AUDIT_VISITS, TRAIN]


def test_an_agency_auditor_exports_their_own_agencys_actions_only(client, personas, world):
    sign_in(client, personas.police)
    assert csv_rows(client.get("/reports/actions/").content) == [ACTIONS_HEADER, TRAIN]
    sign_in(client, personas.health)
    assert csv_rows(client.get("/reports/actions/").content) == [ACTIONS_HEADER, AUDIT_VISITS]


def test_actions_follow_their_audits_period_or_the_day_they_were_written(client, personas, world):
    free = action(personas, "Free action", org=personas.police_org, due=datetime.date(2027, 1, 1))
    sign_in(client, personas.admin)
    rows = csv_rows(client.get("/reports/actions/", {"end": "2024-12-31"}).content)
    assert [r[0] for r in rows[1:]] == ["Audit health visits"]
    written = free.created_at.date().isoformat()
    rows = csv_rows(client.get("/reports/actions/", {"start": written}).content)
    assert [r[0] for r in rows[1:]] == ["Free action"]
    rows = csv_rows(client.get("/reports/actions/", {"audit": world["newer"].pk}).content)
    assert [r[0] for r in rows[1:]] == ["Train on fathers"]


def test_each_download_is_recorded_with_what_the_filters_and_the_row_count(client, personas, world):
    sign_in(client, personas.admin)
    client.get("/reports/findings/", {"format": "xlsx", "start": "2025-01-01", "end": "2025-12-31"})
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).latest("seq")
    assert event.actor == personas.admin
    assert event.object_type == "reports.export"
    assert event.summary == {
        "export": "findings", "format": "xlsx", "from": "2025-01-01", "to": "2025-12-31", "audit": None,
        "rows": 4,
    }  # fmt: skip


DANGEROUS = ["=1+1", "+44 117 000", "-2+3", "@SUM(A1:A2)", "\t=cmd|' /C calc'!A0",
             "\r=HYPERLINK(\"http://x\")"]  # fmt: skip


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_could_run_as_a_formula_is_quoted_in_csv_and_xlsx(
    client, personas, world, text
):
    point(world["newer"], S.WORRY, P.CONCERN, text, position=9)
    action(personas, text, org=personas.police_org, due=datetime.date(2026, 2, 1),
           audit=world["newer"], measure=text, cancelled_reason=text)  # fmt: skip
    grade(world["newer"], "Child B", "fathers", "good", text)
    sign_in(client, personas.admin)
    for url, column in (
        ("/reports/findings/", 5),
        ("/reports/grades/", 5),
        ("/reports/actions/", 0),
    ):
        rows = csv_rows(client.get(url, {"audit": world["newer"].pk}).content)
        cells = [row[column] for row in rows if row[column].lstrip("'") == text]
        assert cells == ["'" + text], url
        sheet = xlsx_sheet(client.get(url, {"audit": world["newer"].pk, "format": "xlsx"}).content)
        found = [
            cell
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.lstrip("'") == text
        ]
        assert found, url
        for cell in found:
            assert cell.data_type == "s"
            assert cell.value == "'" + text


def test_the_exports_read_a_fixed_number_of_queries_however_many_rows(personas, world):
    from maqa.reports.selectors import Filters, export_table

    def queries(export):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            export_table(personas.admin, export, Filters())
        return len(captured.captured_queries)

    queries("findings")  # the person's roles are read once, then kept on the user
    before = {export: queries(export) for export in ("findings", "grades", "actions")}
    fathers = theme(personas, "fathers-male-carers")
    for n in range(5):
        point(world["newer"], S.WORRY, P.CONCERN, f"More {n}", themes=(fathers,)).resources.set(
            [personas.resource]
        )
        action(personas, f"More {n}", org=personas.police_org, due=datetime.date(2026, 1, 1),
               audit=world["newer"], themes=(fathers,), owner_person=personas.police)  # fmt: skip
    grade(world["newer"], "Child B", "fathers", "good", "More")
    after = {export: queries(export) for export in ("findings", "grades", "actions")}
    assert after == before
    assert after == {"findings": 5, "grades": 2, "actions": 2}
