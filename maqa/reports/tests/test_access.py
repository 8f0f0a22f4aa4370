"""Who gets which export: per persona, what the reports page offers and what each file holds."""

from __future__ import annotations

import datetime

import pytest

from maqa.reports.tests.helpers import P, S, action, csv_rows, grade, point, published


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def world(personas):
    audit = published(personas, "Engagement with fathers", datetime.date(2025, 9, 2))
    point(audit, S.WORRY, P.CONCERN, "Fathers were not invited")
    grade(audit, "Child A", "voice", "good", "Seen alone")
    action(personas, "Police action", org=personas.police_org, due=datetime.date(2026, 1, 1))
    action(personas, "Health action", org=personas.health_org, due=datetime.date(2026, 1, 1))
    return audit


def downloads(client, personas, name):
    from maqa.testing.personas import sign_in

    sign_in(client, personas.get(name))
    return {
        export: client.get(f"/reports/{export}/")
        for export in ("findings", "grades", "actions", "board-report")
    }


def statuses(responses):
    return {export: response.status_code for export, response in responses.items()}


def test_an_admin_gets_everything(client, personas, world):
    got = downloads(client, personas, "admin")
    assert statuses(got) == {"findings": 200, "grades": 200, "actions": 200, "board-report": 200}
    assert len(csv_rows(got["actions"].content)) == 3


def test_a_viewer_gets_findings_actions_and_the_board_report_but_no_grades(client, personas, world):
    got = downloads(client, personas, "board")
    assert statuses(got) == {"findings": 200, "grades": 403, "actions": 200, "board-report": 200}
    assert csv_rows(got["findings"].content)[1][5] == "Fathers were not invited"
    page = client.get("/reports/").content.decode()
    assert "Agreed grades" not in page and "Board report" in page


def test_a_panel_member_gets_the_grades_of_their_panel(client, personas, world):
    got = downloads(client, personas, "panel")
    assert statuses(got) == {"findings": 200, "grades": 200, "actions": 200, "board-report": 200}
    assert csv_rows(got["grades"].content)[1][2:5] == [
        "Child A",
        "Voice and lived experience of the child",
        "Good",
    ]
    world.panel_members.clear()
    assert csv_rows(client.get("/reports/grades/").content) == [
        ["Audit", "Audit date", "Child", "Domain", "Grade", "Rationale"]
    ]


@pytest.mark.parametrize(
    ("name", "own"), [("police", "Police action"), ("health", "Health action")]
)
def test_an_agency_auditor_gets_only_their_agencys_actions(client, personas, world, name, own):
    got = downloads(client, personas, name)
    assert statuses(got) == {"findings": 403, "grades": 403, "actions": 200, "board-report": 403}
    assert [row[0] for row in csv_rows(got["actions"].content)[1:]] == [own]
    page = client.get("/reports/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "your agency's actions only" in text
    assert "Findings" not in text and "Board report" not in text


def test_the_outsider_gets_nothing_of_another_partnership(client, personas, world):
    got = downloads(client, personas, "outsider")
    assert statuses(got) == {"findings": 200, "grades": 200, "actions": 200, "board-report": 200}
    for export in ("findings", "grades", "actions"):
        assert len(csv_rows(got[export].content)) == 1, export
    response = client.get("/reports/findings/", {"audit": world.pk})
    assert response.status_code == 400


def test_someone_signed_out_is_sent_to_sign_in(client, world):
    for url in ("/reports/", "/reports/findings/", "/reports/board-report/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")
