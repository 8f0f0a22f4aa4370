"""The trends selectors on made data: exact counts, which audits count, the period, callouts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.organisations.models import Organisation
from maqa.returns.models import AgencyDeadline, Return
from maqa.trends.selectors import (
    RecurrenceCell,
    actions_summary,
    returns_timeliness,
    theme_recurrence,
    trends_data,
)
from maqa.trends.tests.helpers import a_return, action, child, grade, past_audit, point

FATHERS = "Fathers, male carers and partners"
VOICE = "Voice and lived experience of the child"


@pytest.fixture
def history(personas):
    """Four agreed audits (one imported), one still in reporting, one of another partnership."""
    first = past_audit(personas, date(2021, 12, 7))
    second = past_audit(personas, date(2022, 6, 1), state=Audit.State.CLOSED)
    third = past_audit(personas, date(2023, 3, 1), imported=True)
    reporting = past_audit(personas, date(2024, 2, 1), state=Audit.State.REPORTING)
    last = past_audit(personas, date(2025, 9, 1))
    away = past_audit(personas, date(2022, 1, 1), partnership=personas.other_partnership)
    for audit in (first, second, last, reporting):
        point(audit, "concern", "fathers-male-carers")
    point(away, "concern", "fathers-male-carers")
    # Two subthemes of one theme on one point: it counts once for the theme.
    point(second, "concern", "child-voice.views-heard-recorded", "child-voice.sibling-visibility")
    point(second, "concern", "child-voice")
    point(third, "concern", "child-voice.adult-voice-dominant", "fathers-male-carers.men-as-risk")
    point(first, "strength", "child-voice")
    point(first, "strength", "fathers-male-carers.parenting-support")
    point(last, "action", "child-voice")  # an action is neither a concern nor a strength
    point(last, "concern")  # no theme: in no row
    return {"first": first, "second": second, "third": third, "last": last}


def row(recurrence, slug):
    return next(r for r in recurrence.rows if r.slug == slug)


def test_it_counts_concerns_and_strengths_by_top_level_theme_and_audit(personas, history):
    recurrence = theme_recurrence(personas.partnership)
    assert [a.pk for a in recurrence.audits] == [
        history[k].pk for k in ("first", "second", "third", "last")
    ]
    assert [a.label for a in recurrence.audits] == ["Dec 2021", "Jun 2022", "Mar 2023", "Sep 2025"]
    assert [r.slug for r in recurrence.rows] == ["fathers-male-carers", "child-voice"]
    C = RecurrenceCell
    assert row(recurrence, "fathers-male-carers").cells == [C(1, 1), C(1, 0), C(1, 0), C(1, 0)]
    assert row(recurrence, "child-voice").cells == [C(0, 1), C(2, 0), C(1, 0), C(0, 0)]


def test_a_theme_that_was_a_concern_in_three_or_more_audits_is_called_out(personas, history):
    callouts = theme_recurrence(personas.partnership).callouts
    assert [c.slug for c in callouts] == ["fathers-male-carers"]
    fathers = callouts[0]
    assert (fathers.concern_audits, fathers.total_audits) == (4, 4)
    assert (fathers.first, fathers.last) == (date(2021, 12, 7), date(2025, 9, 1))
    assert fathers.text == f"{FATHERS}: a concern in 4 of 4 audits (Dec 2021 to Sep 2025)"


def test_the_period_keeps_only_its_audits_and_their_callouts(personas, history):
    recurrence = theme_recurrence(
        personas.partnership, start=date(2022, 1, 1), end=date(2023, 12, 31)
    )
    assert [a.label for a in recurrence.audits] == ["Jun 2022", "Mar 2023"]
    assert row(recurrence, "child-voice").concern_audits == 2
    assert recurrence.callouts == []


def test_first_and_last_are_the_audits_where_it_was_a_concern(personas, history):
    point(history["third"], "concern", "child-voice")
    point(history["last"], "concern", "child-voice.lived-experience-focus")
    voice = next(c for c in theme_recurrence(personas.partnership).callouts if c.name == VOICE)
    assert voice.text == f"{VOICE}: a concern in 3 of 4 audits (Jun 2022 to Sep 2025)"


def test_grades_by_domain_and_year_and_self_grades_against_agreed(personas):
    csc = Organisation.objects.get(partnership=personas.partnership, short_name="CSC")
    audit = past_audit(personas, date(2024, 5, 1))
    later = past_audit(personas, date(2025, 5, 1), state=Audit.State.CLOSED)
    ignored = past_audit(personas, date(2025, 6, 1), state=Audit.State.PANEL)
    a, b, c = child(audit, "Child A"), child(audit, "Child B"), child(later, "Child A")
    grade(audit, a, "voice", "good")
    grade(audit, b, "voice", "inadequate")
    grade(audit, a, "fathers", "requires_improvement")
    grade(later, c, "voice", "outstanding")
    grade(ignored, child(ignored), "voice", "inadequate")
    # Police: better than agreed twice (good v RI, outstanding v inadequate), the same once.
    a_return(audit, a, personas.police_org,
             answers={"voice.grade": "good", "fathers.grade": "good"})  # fmt: skip
    a_return(audit, b, personas.police_org, answers={"voice.grade": "outstanding"})
    # Health: worse once; an unanswered domain and a draft return are not compared.
    a_return(later, c, personas.health_org, answers={"voice.grade": "good"})
    a_return(audit, a, personas.health_org, answers={"voice.grade": "good"})
    a_return(audit, b, personas.health_org, state=Return.State.DRAFT,
             answers={"voice.grade": "outstanding"})  # fmt: skip
    a_return(audit, a, csc, answers={"voice.seen": "yes"})
    data = trends_data(personas.partnership)
    grades = data.grades
    assert grades.years == [2024, 2025]
    assert [g.value for g in grades.grades][:2] == ["outstanding", "good"]
    by_key = {d.key: d for d in grades.domains}
    assert list(by_key) == ["voice", "fathers"]  # in the tool's order
    assert by_key["voice"].counts == [{"good": 1, "inadequate": 1}, {"outstanding": 1}]
    assert by_key["fathers"].counts == [{"requires_improvement": 1}, {}]
    assert grades.table_rows() == [
        ("Voice and lived experience of the child", 2024, [0, 1, 0, 1], 2),
        ("Voice and lived experience of the child", 2025, [1, 0, 0, 0], 1),
        ("Fathers and significant adults", 2024, [0, 0, 1, 0], 1),
    ]
    rows = {r.agency: (r.compared, r.better, r.same, r.worse) for r in data.self_vs_panel}
    assert rows == {"Police": (3, 2, 1, 0), "Health": (2, 0, 1, 1)}
    assert [r.agency for r in data.self_vs_panel] == ["Police", "Health"]
    assert data.self_vs_panel[0].optimistic_percent == 67


def test_returns_timeliness_uses_the_agencys_extension(personas):
    audit = past_audit(personas, date(2025, 3, 1), state=Audit.State.CLOSED)
    audit.returns_due = date(2025, 2, 10)
    audit.save()
    AgencyDeadline.objects.create(audit=audit, organisation=personas.health_org,
                                  due_date=date(2025, 2, 20))  # fmt: skip
    a, b, c = child(audit, "Child A"), child(audit, "Child B"), child(audit, "Child C")
    a_return(audit, a, personas.police_org, submitted=date(2025, 2, 10))  # on the day: on time
    a_return(audit, b, personas.police_org, submitted=date(2025, 2, 11))  # late
    a_return(audit, c, personas.police_org, state=Return.State.DRAFT)  # not submitted
    a_return(audit, a, personas.health_org, submitted=date(2025, 2, 15))  # within its extension
    a_return(audit, b, personas.health_org, state=Return.State.NOT_KNOWN,
             submitted=date(2025, 2, 21))  # fmt: skip
    open_audit = past_audit(personas, date(2030, 1, 1), state=Audit.State.RETURNS_OPEN)
    a_return(open_audit, child(open_audit), personas.health_org, state=Return.State.DRAFT)
    draft = past_audit(personas, date(2025, 1, 1), state=Audit.State.DRAFT)
    a_return(draft, child(draft), personas.police_org, state=Return.State.DRAFT)
    rows = {
        r.agency: (r.on_time, r.late, r.not_submitted, r.not_yet_due)
        for r in returns_timeliness(personas.partnership, today=date(2026, 1, 1))
    }
    assert rows == {"Health": (1, 1, 0, 1), "Police": (1, 1, 1, 0)}
    in_2025 = returns_timeliness(
        personas.partnership, start=date(2025, 1, 1), end=date(2025, 12, 31), today=date(2026, 1, 1)
    )
    assert [(r.agency, r.total, r.on_time_percent) for r in in_2025] == [
        ("Health", 2, 50),
        ("Police", 3, 33),
    ]


def test_actions_open_overdue_and_completed_by_agency_and_theme(personas):
    today = date(2026, 1, 10)
    audit = past_audit(personas, date(2025, 6, 1))
    S = Action.Status
    police, health = personas.police_org, personas.health_org
    action(personas, police, due=date(2026, 1, 1), audit=audit,
           themes=("fathers-male-carers.men-as-risk", "fathers-male-carers"))  # fmt: skip
    action(personas, police, due=date(2026, 2, 1), status=S.IN_PROGRESS, audit=audit,
           themes=("child-voice",))  # fmt: skip
    action(personas, health, due=date(2025, 12, 1), status=S.COMPLETED, audit=audit,
           themes=("child-voice", "fathers-male-carers"))  # fmt: skip
    action(personas, health, due=date(2025, 12, 1), status=S.COMPLETION_PROPOSED)
    action(personas, health, due=date(2025, 12, 1), status=S.CANCELLED, audit=audit)
    summary = actions_summary(personas.partnership, today=today)
    by_agency = {c.label: (c.open, c.overdue, c.completed) for c in summary.by_agency}
    assert by_agency == {"Police": (2, 1, 0), "Health": (1, 1, 1)}
    by_theme = {c.label: (c.open, c.overdue, c.completed) for c in summary.by_theme}
    assert by_theme == {FATHERS: (1, 1, 1), VOICE: (1, 0, 1), "No theme": (1, 1, 0)}
    assert (summary.total.open, summary.total.overdue, summary.total.completed) == (3, 2, 1)
    # A period: the audit's actions by its panel date; the free action by when it was written.
    in_2024 = actions_summary(
        personas.partnership, start=date(2024, 1, 1), end=date(2024, 12, 31), today=today
    )
    assert in_2024.total.total == 0


def test_another_partnerships_history_is_not_counted(personas, history):
    away = trends_data(personas.other_partnership)
    assert [a.panel_date for a in away.recurrence.audits] == [date(2022, 1, 1)]
    assert away.recurrence.callouts == []


def test_an_empty_partnership_has_nothing_to_show(personas):
    data = trends_data(personas.partnership)
    assert data.is_empty
    assert data.recurrence.rows == [] and data.timeliness == [] and data.years == []


def test_the_number_of_queries_does_not_grow_with_the_history(personas, history):
    with CaptureQueriesContext(connection) as small:
        trends_data(personas.partnership)
    for n in range(6):
        audit = past_audit(personas, date(2019, 1 + n, 1))
        point(audit, "concern", "fathers-male-carers", "risk-tools")
        a_return(audit, child(audit), personas.police_org, answers={"voice.grade": "good"})
    with CaptureQueriesContext(connection) as large:
        trends_data(personas.partnership)
    assert len(large) == len(small) <= 14
