"""The trends page: who may open it, what it shows (callouts, charts with text alternatives and
data tables), the period filter and the empty state."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.testing.personas import sign_in
from maqa.trends.tests.helpers import a_return, action, child, grade, past_audit, point

URL = "/trends/"
CHARTS = ("recurrence", "grades", "self-vs-panel", "timeliness", "actions-by-agency",
          "actions-by-theme")  # fmt: skip
FATHERS = "Fathers, male carers and partners"


@pytest.fixture
def history(personas):
    audits = [past_audit(personas, date(year, 9, 1)) for year in (2021, 2022, 2023, 2024)]
    for audit in audits[:3]:
        point(audit, "concern", "fathers-male-carers.men-as-risk")
    point(audits[3], "strength", "child-voice")
    case = child(audits[3])
    grade(audits[3], case, "voice", "good")
    a_return(audits[3], case, personas.police_org, answers={"voice.grade": "outstanding"},
             submitted=date(2024, 8, 1))  # fmt: skip
    action(personas, personas.health_org, due=date(2024, 12, 1), audit=audits[3],
           themes=("child-voice",))  # fmt: skip
    return audits


def get(client: Client, user, query: str = "") -> str:
    sign_in(client, user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["admin", "panel", "board"])
def test_it_shows_each_chart_with_its_summary_and_table(client, personas, history, persona):
    page = get(client, personas.get(persona))
    assert f"{FATHERS}: a concern in 3 of 4 audits (Sep 2021 to Sep 2023)" in page
    for name in CHARTS:
        assert f'class="maqa-chart maqa-chart--{name}"' in page
        assert f'aria-describedby="{name}-summary"' in page
        assert f'id="{name}-summary"' in page
        assert f'id="{name}-table"' in page
    assert page.count('role="img"') == len(CHARTS)
    assert "<script" not in page.split("</main>")[0].split("<main")[1]


def test_the_tables_carry_the_figures(client, personas, history):
    page = get(client, personas.admin)
    assert '<td class="govuk-table__cell">3 of 4</td>' in page  # fathers: a concern in 3 of 4
    assert "Police" in page and "100%" in page  # police over-optimistic in its one comparison
    numbers = "".join(
        f'<td class="govuk-table__cell govuk-table__cell--numeric">{n}</td>'
        for n in (0, 1, 0, 0, 1)
    )
    assert (
        '<th scope="row" class="govuk-table__header">Voice and lived experience of the child</th>'
        f'<td class="govuk-table__cell">2024</td>{numbers}'
    ) in page


def test_agency_auditors_and_strangers_are_refused(client, personas, history):
    sign_in(client, personas.police)
    assert client.get(URL).status_code == 403
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/sign-in/")


def test_the_outsider_sees_only_their_own_empty_partnership(client, personas, history):
    page = get(client, personas.outsider)
    assert "There is nothing to show yet" in page
    assert FATHERS not in page and "maqa-chart" not in page


def test_the_period_filter_keeps_only_its_audits(client, personas, history):
    page = get(client, personas.admin, "?start=2023-01-01&end=2024-12-31")
    assert "a concern in 1 of 2" not in page and ": a concern in" not in page
    assert "No theme was a concern in three or more of the 2 audits of the period." in page
    assert 'value="2023-01-01"' in page


def test_a_period_ending_before_it_starts_is_refused_with_a_message(client, personas, history):
    page = get(client, personas.admin, "?start=2024-01-01&end=2023-01-01")
    assert "The end of the period must be on or after its start." in page
    assert "There is a problem" in page
    # The trends are still shown, over every audit.
    assert f"{FATHERS}: a concern in 3 of 4 audits" in page
    page = get(client, personas.admin, "?start=not-a-date")
    assert "Enter the first date as year-month-day" in page


def test_a_period_without_audits_says_so(client, personas, history):
    page = get(client, personas.admin, "?start=2030-01-01")
    assert "There is nothing to show for this period" in page


def test_an_empty_partnership_gets_a_helpful_empty_state(client, personas):
    page = get(client, personas.board)
    assert "There is nothing to show yet" in page
    assert "Trends fill in once audits are published" in page


def test_audits_not_yet_published_do_not_count(client, personas, history):
    Audit.objects.filter(pk=history[0].pk).update(state=Audit.State.REPORTING)
    page = get(client, personas.admin)
    assert "a concern in 3 of" not in page


def test_viewing_the_trends_writes_no_audit_event(client, personas, history):
    sign_in(client, personas.admin)
    before = AuditEvent.objects.count()
    client.get(URL)
    assert AuditEvent.objects.count() == before
