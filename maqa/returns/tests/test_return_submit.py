"""Submitting a return (signed with the password) and answering "not known to this agency"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.returns.models import Return, ReturnRevision
from maqa.returns.services import return_save, return_submit
from maqa.testing.audits import make_audit
from maqa.testing.personas import PERSONA_PASSWORD, Personas, sign_in
from maqa.tools.definition import questions_of

FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def ret(personas: Personas) -> Return:
    audit = make_audit(personas, state="returns_open")
    return Return.objects.get(
        audit=audit, child__reference="Child A", organisation=personas.police_org
    )


def required_answers(ret: Return) -> dict[str, str]:
    """An answer to every graded and yes/no question (the others may stay empty)."""
    answers = {}
    for q in questions_of(ret.tool_version.definition):
        if q["kind"] == "grade":
            answers[q["key"]] = "good"
        elif q["kind"] == "yes_no_na":
            answers[q["key"]] = "yes"
    return answers


def answered(personas: Personas, ret: Return, **overrides: str) -> Return:
    return return_save(
        actor=personas.police, ip=None, ret=ret,
        answers={**required_answers(ret), **overrides}, free_text={"good_practice": "Shared"},
        version=ret.version, autosave=False,
    )  # fmt: skip


def submit(client: Client, ret: Return, password: str = PERSONA_PASSWORD, **extra: Any):
    return client.post(
        f"/returns/{ret.pk}/submit/", {"password": password, "version": ret.version, **extra}
    )


def test_the_submit_page_shows_the_answers_and_asks_for_the_password(personas, ret):
    answered(personas, ret)
    client = sign_in(Client(), personas.police)

    response = client.get(f"/returns/{ret.pk}/submit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "Shared" in html
    assert "You cannot submit yet" not in html


def test_the_submit_page_lists_the_questions_still_to_answer(personas, ret):
    answered(personas, ret, **{"overall.grade": ""})
    client = sign_in(Client(), personas.police)

    html = client.get(f"/returns/{ret.pk}/submit/").content.decode()

    assert "You cannot submit yet: 1 graded or yes/no question still needs an answer." in html
    assert "Overall, how good was your agency&#x27;s practice for this child?" in html


def test_submitting_with_the_password_locks_the_return_and_records_it(personas, ret):
    answered(personas, ret)
    client = sign_in(Client(), personas.police)

    response = submit(client, ret)

    assert response.status_code == 302
    assert response["Location"] == f"/returns/{ret.pk}/"
    ret.refresh_from_db()
    assert ret.state == "submitted"
    assert ret.is_locked
    assert ret.submitted_by == personas.police
    assert ret.submitted_at is not None
    assert ReturnRevision.objects.get(return_obj=ret, version=ret.version).kind == "submit"
    event = AuditEvent.objects.filter(action="submitted", object_id=str(ret.pk)).get()
    assert event.actor == personas.police
    assert event.summary["state"] == ["draft", "submitted"]
    page = client.get(f"/returns/{ret.pk}/").content.decode()
    assert "You submitted the Police return for Child A." in page
    assert "Save draft" not in page


def test_a_wrong_password_does_not_submit_and_is_recorded(personas, ret):
    answered(personas, ret)
    client = sign_in(Client(), personas.police)

    response = submit(client, ret, password="not-the-password")

    assert response.status_code == 200
    assert "The password is not right" in response.content.decode()
    ret.refresh_from_db()
    assert ret.state == "draft"
    failed = AuditEvent.objects.filter(action="failed_sign_in", object_type="returns.signature")
    assert failed.get().actor == personas.police


def test_too_many_wrong_passwords_stop_submitting_for_a_while(personas, ret, settings):
    settings.LOCKOUT_FAILURES = 2
    answered(personas, ret)
    client = sign_in(Client(), personas.police)
    submit(client, ret, password="wrong-1")
    submit(client, ret, password="wrong-2")

    response = submit(client, ret)

    assert "Too many wrong passwords" in response.content.decode()
    assert Return.objects.get(pk=ret.pk).state == "draft"


def test_every_graded_and_yes_no_question_must_be_answered(personas, ret):
    answered(personas, ret, **{"voice.seen": "", "overall.grade": ""})
    ret.refresh_from_db()

    with pytest.raises(ApplicationError, match=r"\(2 still to answer\)") as refused:
        return_submit(
            actor=personas.police, ip=None, ret=ret, password=PERSONA_PASSWORD,
            version=ret.version,
        )  # fmt: skip

    assert "Was the child seen, and seen alone where appropriate?" in refused.value.message
    assert Return.objects.get(pk=ret.pk).state == "draft"


def test_numbers_dates_and_text_may_stay_empty(personas, ret):
    answered(personas, ret)
    ret.refresh_from_db()
    assert "planning.meetings_attended" not in ret.answers

    return_submit(
        actor=personas.police, ip=None, ret=ret, password=PERSONA_PASSWORD, version=ret.version
    )

    assert Return.objects.get(pk=ret.pk).state == "submitted"


def test_a_submit_on_a_stale_version_is_refused(personas, ret):
    answered(personas, ret)
    ret.refresh_from_db()
    stale_version = ret.version
    answered(personas, ret, **{"voice.seen": "no"})
    client = sign_in(Client(), personas.police)

    response = client.post(
        f"/returns/{ret.pk}/submit/", {"password": PERSONA_PASSWORD, "version": stale_version}
    )

    assert response.status_code == 409
    assert "Your changes were not saved" in response.content.decode()
    assert Return.objects.get(pk=ret.pk).state == "draft"


def test_a_submitted_return_takes_no_more_saves(personas, ret):
    answered(personas, ret)
    client = sign_in(Client(), personas.police)
    submit(client, ret)
    ret.refresh_from_db()

    response = client.post(
        f"/returns/{ret.pk}/save/",
        {**required_answers(ret), "version": ret.version, "autosave": "1"},
        headers=FETCH,
    )

    assert response.status_code == 403
    assert "submitted" in response.json()["error"]
    assert client.get(f"/returns/{ret.pk}/submit/").status_code == 403


def test_another_agency_cannot_submit(personas, ret):
    answered(personas, ret)
    client = sign_in(Client(), personas.health)

    assert submit(client, ret).status_code == 404
    assert Return.objects.get(pk=ret.pk).state == "draft"


# --- not known ---------------------------------------------------------------------------------


def test_not_known_needs_the_confirmation(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(f"/returns/{ret.pk}/not-known/", {"version": ret.version})

    assert response.status_code == 200
    assert "Confirm that you checked your agency&#x27;s records." in response.content.decode()
    assert Return.objects.get(pk=ret.pk).state == "not_started"


def test_not_known_locks_the_return_and_records_it(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(
        f"/returns/{ret.pk}/not-known/", {"version": ret.version, "confirm": "on"}
    )

    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == "not_known"
    assert ret.is_locked
    assert ReturnRevision.objects.get(return_obj=ret, version=2).kind == "not_known"
    event = AuditEvent.objects.filter(action="submitted", object_id=str(ret.pk)).get()
    assert event.summary["state"] == ["not_started", "not_known"]
    page = client.get(f"/returns/{ret.pk}/").content.decode()
    assert "answered that Child A is not known to the agency" in page
    assert "Save draft" not in page


def test_not_known_on_a_stale_version_is_refused(personas, ret):
    answered(personas, ret)
    client = sign_in(Client(), personas.police)

    response = client.post(f"/returns/{ret.pk}/not-known/", {"version": 1, "confirm": "on"})

    assert response.status_code == 302
    assert Return.objects.get(pk=ret.pk).state == "draft"
    assert "Your changes were not saved" in client.get(f"/returns/{ret.pk}/").content.decode()
