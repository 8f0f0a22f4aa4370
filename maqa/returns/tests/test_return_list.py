"""An auditor's list of returns: their own agency's only, with due dates and overdue flags."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maqa.returns.models import AgencyDeadline, Return
from maqa.returns.selectors import returns_for_auditor
from maqa.returns.services import return_not_known
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def test_it_lists_only_the_auditors_agency_returns(personas):
    audit = make_audit(personas, state="returns_open", children=2)
    client = sign_in(Client(), personas.police)

    response = client.get("/returns/mine/")

    assert response.status_code == 200
    rows = response.context["rows"].open
    assert [(r.ret.child.reference, r.ret.organisation.short_name) for r in rows] == [
        ("Child A", "Police"),
        ("Child B", "Police"),
    ]
    html = response.content.decode()
    for ret in Return.objects.filter(audit=audit).exclude(organisation=personas.police_org):
        assert f'href="/returns/{ret.pk}/"' not in html


def test_it_leaves_out_audits_in_draft_and_of_other_partnerships(personas):
    make_audit(personas, state="draft")
    client = sign_in(Client(), personas.police)

    response = client.get("/returns/mine/")

    assert response.context["rows"].open == []
    assert "No audit returns are waiting for your agency." in response.content.decode()


def test_it_lists_audits_past_returns_separately(personas):
    make_audit(personas, state="panel", children=1)

    rows = returns_for_auditor(user=personas.police)

    assert rows.open == []
    assert [r.ret.child.reference for r in rows.earlier] == ["Child A"]
    assert rows.earlier[0].overdue is False


def test_people_without_an_auditor_role_have_an_empty_list(personas):
    make_audit(personas, state="published")
    for who in ("admin", "panel", "board", "outsider"):
        response = sign_in(Client(), personas.get(who)).get("/returns/mine/")
        assert response.status_code == 200
        assert not response.context["rows"].open and not response.context["rows"].earlier


def test_the_due_date_is_the_agencys_extension_when_there_is_one(personas):
    audit = make_audit(personas, state="returns_open", children=1)
    later = audit.returns_due + datetime.timedelta(days=5)
    AgencyDeadline.objects.create(
        audit=audit, organisation=personas.police_org, due_date=later, reason="Leave"
    )

    police = returns_for_auditor(user=personas.police).open
    health = returns_for_auditor(user=personas.health).open

    assert [r.due_date for r in police] == [later]
    assert [r.due_date for r in health] == [audit.returns_due]


def test_an_unfinished_return_past_its_due_date_is_overdue(personas):
    audit = make_audit(personas, state="returns_open", children=2)
    done = Return.objects.get(
        audit=audit, child__reference="Child B", organisation=personas.police_org
    )
    return_not_known(actor=personas.police, ip=None, ret=done, version=done.version)
    AgencyDeadline.objects.create(
        audit=audit,
        organisation=personas.health_org,
        due_date=audit.returns_due + datetime.timedelta(days=10),
        reason="Leave",
    )
    after_due = datetime.datetime.combine(
        audit.returns_due + datetime.timedelta(days=1),
        datetime.time(12),
        tzinfo=timezone.get_current_timezone(),
    )

    with time_machine.travel(after_due, tick=False):
        police = returns_for_auditor(user=personas.police).open
        health = returns_for_auditor(user=personas.health).open

    assert [(r.ret.child.reference, r.overdue) for r in police] == [
        ("Child A", True),
        ("Child B", False),  # answered: not known
    ]
    assert [r.overdue for r in health] == [False, False]  # extended


def test_the_list_takes_three_queries_however_many_returns(personas, django_assert_num_queries):
    make_audit(personas, state="returns_open", children=3)
    make_audit(personas, state="panel", children=2, theme="Neglect")
    user = personas.police

    with django_assert_num_queries(3):
        rows = returns_for_auditor(user=user)
        shown = [
            (r.ret.child.reference, r.ret.audit.theme, r.ret.organisation.short_name,
             r.ret.assignee, r.due_date)
            for r in rows.open + rows.earlier
        ]  # fmt: skip

    assert len(shown) == 5


def test_the_page_does_not_query_per_row(personas):
    make_audit(personas, state="returns_open", children=1)
    client = sign_in(Client(), personas.police)
    with CaptureQueriesContext(connection) as few:
        client.get("/returns/mine/")
    make_audit(personas, state="returns_open", children=4, theme="Neglect")

    with CaptureQueriesContext(connection) as many:
        response = client.get("/returns/mine/")

    assert len(response.context["rows"].open) == 5
    assert len(many) == len(few)
