"""The admin's part: send a return back, reassign it, extend an agency's deadline."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation
from maqa.returns.models import AgencyDeadline, Return
from maqa.returns.services import (
    deadline_extend,
    return_due_date,
    return_not_known,
    return_reassign,
    return_send_back,
)
from maqa.testing.audits import advance, make_audit
from maqa.testing.personas import PERSONA_PASSWORD, Personas, sign_in


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas: Personas) -> Audit:
    return make_audit(personas, state="returns_open")


@pytest.fixture
def ret(personas: Personas, audit: Audit) -> Return:
    return Return.objects.get(
        audit=audit, child__reference="Child A", organisation=personas.police_org
    )


def auditor(personas: Personas, org: Organisation, email: str, *, active: bool = True) -> User:
    user = User.objects.create_user(
        email=email, password=PERSONA_PASSWORD, full_name=email.split("@")[0],
        partnership=personas.partnership, is_active=active,
    )  # fmt: skip
    Membership.objects.create(user=user, organisation=org, role=Role.AGENCY_AUDITOR)
    return user


def not_known(personas: Personas, ret: Return) -> Return:
    return return_not_known(actor=personas.police, ip=None, ret=ret, version=ret.version)


# --- send back ---------------------------------------------------------------------------------


def test_sending_back_reopens_the_return_with_the_comment(personas, ret):
    not_known(personas, ret)
    admin = sign_in(Client(), personas.admin)

    response = admin.post(
        f"/returns/{ret.pk}/send-back/", {"comment": "Our records show a police contact in May."}
    )

    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == "sent_back"
    assert not ret.is_locked
    assert ret.sent_back_comment == "Our records show a police contact in May."
    event = AuditEvent.objects.filter(action="changed", object_id=str(ret.pk)).latest("seq")
    assert event.summary["state"] == ["not_known", "sent_back"]
    assert "police contact" not in str(event.summary)
    police = sign_in(Client(), personas.police)
    page = police.get(f"/returns/{ret.pk}/").content.decode()
    assert "Sent back for changes" in page
    assert "Our records show a police contact in May." in page
    assert "Save draft" in page
    saved = police.post(
        f"/returns/{ret.pk}/save/",
        {"voice.seen": "yes", "version": ret.version},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved.status_code == 200
    assert Return.objects.get(pk=ret.pk).state == "sent_back"  # until submitted again


def test_sending_back_needs_a_comment(personas, ret):
    not_known(personas, ret)
    admin = sign_in(Client(), personas.admin)

    response = admin.post(f"/returns/{ret.pk}/send-back/", {"comment": " "})

    assert response.status_code == 200
    assert "Say what needs to change." in response.content.decode()
    assert Return.objects.get(pk=ret.pk).state == "not_known"


def test_only_a_submitted_or_not_known_return_is_sent_back(personas, ret):
    with pytest.raises(ApplicationError, match="Only a submitted return"):
        return_send_back(actor=personas.admin, ip=None, ret=ret, comment="Please redo")


def test_nothing_is_sent_back_once_returns_close(personas, audit, ret):
    not_known(personas, ret)
    audit.refresh_from_db()
    advance(personas, audit)
    ret.refresh_from_db()

    with pytest.raises(ApplicationError, match="while returns are open"):
        return_send_back(actor=personas.admin, ip=None, ret=ret, comment="Please redo")


def test_an_auditor_cannot_send_back(personas, ret):
    not_known(personas, ret)
    police = sign_in(Client(), personas.police)

    response = police.post(f"/returns/{ret.pk}/send-back/", {"comment": "Reopen"})

    assert response.status_code == 404
    assert Return.objects.get(pk=ret.pk).state == "not_known"


def test_the_send_back_form_shows_only_on_a_locked_return(personas, ret):
    admin = sign_in(Client(), personas.admin)
    assert "Send back" not in admin.get(f"/returns/{ret.pk}/").content.decode()

    not_known(personas, ret)

    assert "Send back" in admin.get(f"/returns/{ret.pk}/").content.decode()


# --- reassign ----------------------------------------------------------------------------------


def test_reassigning_to_another_auditor_of_the_agency(personas, ret):
    second = auditor(personas, personas.police_org, "second.police@persona.test")
    admin = sign_in(Client(), personas.admin)

    page = admin.get(f"/returns/{ret.pk}/reassign/").content.decode()
    response = admin.post(f"/returns/{ret.pk}/reassign/", {"assignee": second.pk})

    assert "second.police" in page
    assert "Robin Nurse" not in page  # health's auditor is not offered
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.assignee == second
    assert ret.version == 1  # the content did not change: whoever is editing carries on
    event = AuditEvent.objects.filter(action="changed", object_id=str(ret.pk)).latest("seq")
    assert event.summary["assignee"] == [None, second.email]


def test_a_return_is_not_reassigned_to_another_agencys_auditor(personas, ret):
    admin = sign_in(Client(), personas.admin)

    response = admin.post(f"/returns/{ret.pk}/reassign/", {"assignee": personas.health.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ApplicationError, match="Choose an active auditor of Constabulary"):
        return_reassign(actor=personas.admin, ip=None, ret=ret, assignee=personas.health)
    assert Return.objects.get(pk=ret.pk).assignee is None


def test_a_return_is_not_reassigned_to_someone_inactive(personas, ret):
    gone = auditor(personas, personas.police_org, "gone.police@persona.test", active=False)

    with pytest.raises(ApplicationError, match="Choose an active auditor"):
        return_reassign(actor=personas.admin, ip=None, ret=ret, assignee=gone)


def test_the_person_already_assigned_is_not_offered(personas, ret):
    return_reassign(actor=personas.admin, ip=None, ret=ret, assignee=personas.police)
    admin = sign_in(Client(), personas.admin)

    page = admin.get(f"/returns/{ret.pk}/reassign/").content.decode()

    assert "has no other active auditor" in page


def test_an_auditor_cannot_reassign(personas, ret):
    police = sign_in(Client(), personas.police)

    assert police.get(f"/returns/{ret.pk}/reassign/").status_code == 404


# --- deadlines ---------------------------------------------------------------------------------


def extend_url(audit: Audit, org: Organisation) -> str:
    return f"/returns/audit/{audit.pk}/extend/{org.pk}/"


def test_an_extension_is_stored_and_shown_as_the_due_date(personas, audit, ret):
    new_date = audit.returns_due + datetime.timedelta(days=7)
    admin = sign_in(Client(), personas.admin)

    response = admin.post(
        extend_url(audit, personas.police_org),
        {"due_date": new_date.isoformat(), "reason": "Auditor on leave"},
    )

    assert response.status_code == 302
    deadline = AgencyDeadline.objects.get(audit=audit, organisation=personas.police_org)
    assert (deadline.due_date, deadline.reason) == (new_date, "Auditor on leave")
    assert return_due_date(ret) == new_date
    police = sign_in(Client(), personas.police)
    assert f"{new_date:%-d %B %Y}" in police.get(f"/returns/{ret.pk}/").content.decode()
    assert f"{new_date:%-d %b %Y}" in police.get("/returns/mine/").content.decode()
    health_ret = Return.objects.get(audit=audit, child=ret.child, organisation=personas.health_org)
    assert return_due_date(health_ret) == audit.returns_due  # one agency only
    event = AuditEvent.objects.filter(object_type="returns.agencydeadline").get()
    assert event.action == "created"
    assert event.summary["due_date"] == [audit.returns_due.isoformat(), new_date.isoformat()]


def test_a_second_extension_replaces_the_first(personas, audit):
    for days in (3, 5):
        deadline_extend(
            actor=personas.admin, ip=None, audit=audit, organisation=personas.police_org,
            due_date=audit.returns_due + datetime.timedelta(days=days), reason="More time",
        )  # fmt: skip

    deadlines = AgencyDeadline.objects.filter(audit=audit, organisation=personas.police_org)
    assert [d.due_date for d in deadlines] == [audit.returns_due + datetime.timedelta(days=5)]
    events = AuditEvent.objects.filter(object_type="returns.agencydeadline").order_by("seq")
    assert [e.action for e in events] == ["created", "changed"]


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "cannot be before the audit's"), (15, "Returns are needed for the panel")],
)
def test_an_extension_stays_between_the_audits_due_date_and_the_panel(
    personas, audit, days, message
):
    with pytest.raises(ApplicationError, match=message):
        deadline_extend(
            actor=personas.admin, ip=None, audit=audit, organisation=personas.police_org,
            due_date=audit.panel_date + datetime.timedelta(days=days) if days > 0
            else audit.returns_due + datetime.timedelta(days=days),
            reason="More time",
        )  # fmt: skip


def test_an_extension_needs_a_reason(personas, audit):
    admin = sign_in(Client(), personas.admin)

    response = admin.post(
        extend_url(audit, personas.police_org), {"due_date": audit.returns_due.isoformat()}
    )

    assert response.status_code == 200
    assert "Give the reason for the new deadline." in response.content.decode()
    assert not AgencyDeadline.objects.exists()


def test_no_extension_once_returns_close(personas):
    audit = make_audit(personas, state="panel")

    with pytest.raises(ApplicationError, match="until returns close"):
        deadline_extend(
            actor=personas.admin, ip=None, audit=audit, organisation=personas.police_org,
            due_date=audit.returns_due, reason="More time",
        )  # fmt: skip


def test_an_agency_not_taking_part_has_no_deadline_page(personas, audit):
    unit = Organisation.objects.get(partnership=personas.partnership, short_name="Unit")
    admin = sign_in(Client(), personas.admin)

    assert admin.get(extend_url(audit, unit)).status_code == 404


def test_only_the_admin_extends(personas, audit):
    police = sign_in(Client(), personas.police)
    outsider = sign_in(Client(), personas.outsider)

    assert police.get(extend_url(audit, personas.police_org)).status_code == 404
    assert outsider.get(extend_url(audit, personas.police_org)).status_code == 404
