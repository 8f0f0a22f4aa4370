"""Saving a return: versions and revisions, autosave's JSON, stale saves refused, invalid answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.returns import services
from maqa.returns.models import Return, ReturnRevision
from maqa.returns.services import StaleReturn, return_save
from maqa.testing.audits import make_audit
from maqa.testing.personas import PERSONA_PASSWORD, Personas, sign_in

FETCH = {"X-Requested-With": "fetch"}
GRADE_TEXT = "How well did your agency recognise the child's needs and risks?"


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def ret(personas: Personas) -> Return:
    audit = make_audit(personas, state="returns_open")
    return Return.objects.get(
        audit=audit, child__reference="Child A", organisation=personas.police_org
    )


@pytest.fixture
def colleague(personas: Personas) -> User:
    """A second auditor of the police."""
    user = User.objects.create_user(
        email="second.police@persona.test",
        password=PERSONA_PASSWORD,
        full_name="Alex Second",
        partnership=personas.partnership,
    )
    Membership.objects.create(user=user, organisation=personas.police_org, role=Role.AGENCY_AUDITOR)
    return user


def form_data(ret: Return, version: int | None = None, **answers: str) -> dict[str, Any]:
    """What the form posts: every question and free-text box (empty unless given)."""
    ret.refresh_from_db()
    definition = ret.tool_version.definition
    data: dict[str, Any] = {q["key"]: "" for d in definition["domains"] for q in d["questions"]}
    data.update({f["key"]: "" for f in definition["free_text"]})
    data.update({key.replace("__", "."): value for key, value in answers.items()})
    data["version"] = ret.version if version is None else version
    return data


def save_url(ret: Return) -> str:
    return f"/returns/{ret.pk}/save/"


def changed_events(ret: Return):
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGED, object_type="returns.return", object_id=str(ret.pk)
    )


def test_a_save_bumps_the_version_and_keeps_a_revision(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(save_url(ret), form_data(ret, recognition__grade="good"))

    assert response.status_code == 302
    assert response["Location"] == f"/returns/{ret.pk}/"
    ret.refresh_from_db()
    assert ret.version == 2
    assert ret.state == "draft"
    assert ret.answers == {"recognition.grade": "good"}
    assert ret.updated_by == personas.police
    revision = ReturnRevision.objects.get(return_obj=ret, version=2)
    assert revision.kind == "save"
    assert revision.content["answers"] == {"recognition.grade": "good"}
    assert revision.saved_by == personas.police
    assert "Draft saved at" in client.get(f"/returns/{ret.pk}/").content.decode()


def test_continue_to_submit_saves_then_goes_to_the_submit_page(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(save_url(ret), {**form_data(ret, voice__seen="yes"), "next": "submit"})

    assert response["Location"] == f"/returns/{ret.pk}/submit/"
    ret.refresh_from_db()
    assert ret.answers == {"voice.seen": "yes"}


def test_autosave_answers_json_with_the_new_version(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(
        save_url(ret), {**form_data(ret, voice__seen="no"), "autosave": "1"}, headers=FETCH
    )

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert body["saved_at"].startswith(str(Return.objects.get(pk=ret.pk).updated_at.date()))
    assert ReturnRevision.objects.get(return_obj=ret, version=2).kind == "autosave"
    assert changed_events(ret).get().summary["autosave"] is True


def test_an_htmx_request_gets_json_too(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(
        save_url(ret), form_data(ret, voice__seen="no"), headers={"HX-Request": "true"}
    )

    assert response.json()["version"] == 2


def test_autosave_records_a_change_and_no_view(personas, ret):
    client = sign_in(Client(), personas.police)
    viewed_before = AuditEvent.objects.filter(action="viewed").count()

    client.post(save_url(ret), {**form_data(ret, voice__seen="no"), "autosave": "1"}, headers=FETCH)
    client.post(
        save_url(ret), {**form_data(ret, voice__seen="yes"), "autosave": "1"}, headers=FETCH
    )

    assert AuditEvent.objects.filter(action="viewed").count() == viewed_before
    assert changed_events(ret).count() == 2


def test_an_untouched_save_keeps_the_version_and_records_nothing(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(save_url(ret), form_data(ret), headers=FETCH)

    assert response.json()["version"] == 1
    ret.refresh_from_db()
    assert (ret.version, ret.state) == (1, "not_started")
    assert not ReturnRevision.objects.filter(return_obj=ret).exists()
    assert not changed_events(ret).exists()


def test_the_event_lists_changed_keys_never_free_text(personas, ret):
    client = sign_in(Client(), personas.police)

    client.post(
        save_url(ret),
        form_data(ret, recognition__grade="good", good_practice="Distinctive-phrase-7 at home"),
    )

    event = changed_events(ret).get()
    assert event.summary["changed"] == ["recognition.grade", "good_practice"]
    assert event.summary["version"] == [1, 2]
    assert event.summary["state"] == ["not_started", "draft"]
    assert "Distinctive-phrase-7" not in str(event.summary)


def test_a_stale_save_is_refused_with_what_changed_and_nothing_is_overwritten(
    personas, ret, colleague
):
    mine = sign_in(Client(), personas.police)
    theirs = sign_in(Client(), colleague)
    opened_at = ret.version  # both open the return at version 1
    assert mine.get(f"/returns/{ret.pk}/").status_code == 200
    assert theirs.get(f"/returns/{ret.pk}/").status_code == 200

    theirs.post(
        save_url(ret),
        form_data(ret, opened_at, recognition__grade="good", good_practice="Their text"),
        headers=FETCH,
    )
    response = mine.post(
        save_url(ret),
        form_data(ret, opened_at, recognition__grade="inadequate", voice__seen="no"),
        headers=FETCH,
    )

    assert response.status_code == 409
    body = response.json()
    assert body["error"].startswith("This return was saved by Alex Second at ")
    assert (
        "after you opened it. Your changes were not saved. Here is what changed:" in (body["error"])
    )
    assert body["changes"] == [
        {"key": "recognition.grade", "question": GRADE_TEXT, "yours": "No answer",
         "theirs": "Good"},
        {"key": "good_practice", "question": "Good practice", "yours": "No answer",
         "theirs": "Their text"},
    ]  # fmt: skip
    ret.refresh_from_db()
    assert ret.version == 2
    assert ret.answers == {"recognition.grade": "good"}
    assert ret.good_practice == "Their text"
    assert ReturnRevision.objects.filter(return_obj=ret).count() == 1


def test_a_stale_save_by_the_button_shows_the_changes_and_keeps_what_was_typed(
    personas, ret, colleague
):
    return_save(
        actor=colleague, ip=None, ret=ret, answers={"voice.seen": "yes"}, free_text={},
        version=1, autosave=False,
    )  # fmt: skip
    client = sign_in(Client(), personas.police)

    response = client.post(save_url(ret), form_data(ret, 1, good_practice="Mine, unsaved"))

    assert response.status_code == 409
    html = response.content.decode()
    assert "Your changes were not saved" in html
    assert "Was the child seen, and seen alone where appropriate?" in html
    assert "Mine, unsaved" in html  # still in the form, to copy
    ret.refresh_from_db()
    assert ret.good_practice == ""


def test_a_save_from_a_second_tab_names_the_same_person(personas, ret):
    return_save(
        actor=personas.police, ip=None, ret=ret, answers={"voice.seen": "yes"}, free_text={},
        version=1, autosave=True,
    )  # fmt: skip
    with pytest.raises(StaleReturn, match=r"saved by you \(in another tab or window\)"):
        return_save(
            actor=personas.police, ip=None, ret=ret, answers={}, free_text={}, version=1,
            autosave=True,
        )  # fmt: skip


def test_the_conditional_update_refuses_a_save_that_lost_the_race(
    personas, ret, colleague, monkeypatch
):
    # Both requests read the return at version 1; the colleague's write commits first. The
    # second write's read saw version 1 too, so only the UPDATE ... WHERE version = 1 stops it.
    read_before = services._fresh(ret)
    return_save(
        actor=colleague, ip=None, ret=ret, answers={"voice.seen": "yes"}, free_text={},
        version=1, autosave=True,
    )  # fmt: skip
    real_fresh = services._fresh
    reads: list[int] = []

    def fresh_as_read_before_the_colleague(r: Return) -> Return:
        reads.append(r.pk)
        return read_before if len(reads) == 1 else real_fresh(r)

    monkeypatch.setattr(services, "_fresh", fresh_as_read_before_the_colleague)

    with pytest.raises(StaleReturn) as refused:
        return_save(
            actor=personas.police, ip=None, ret=ret, answers={"voice.seen": "no"},
            free_text={}, version=1, autosave=True,
        )  # fmt: skip

    assert [c["key"] for c in refused.value.changes] == ["voice.seen"]
    fresh = Return.objects.get(pk=ret.pk)
    assert (fresh.version, fresh.answers) == (2, {"voice.seen": "yes"})
    assert list(
        ReturnRevision.objects.filter(return_obj=ret).values_list("version", flat=True)
    ) == [2]


def test_an_invalid_answer_is_refused_naming_the_question(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(
        save_url(ret), form_data(ret, planning__meetings_attended="lots"), headers=FETCH
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "How many of those meetings did your agency attend?: enter a whole number, "
        "for example 3.",
        "field": "planning.meetings_attended",
    }
    assert Return.objects.get(pk=ret.pk).version == 1


def test_an_invalid_answer_by_the_button_shows_the_error_by_the_question(personas, ret):
    client = sign_in(Client(), personas.police)

    response = client.post(save_url(ret), form_data(ret, step_up_down__last_change="last May"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_step_up_down.last_change"' in html
    assert "When did the level of intervention last change?: enter a date" in html
    assert 'value="last May"' in html
    assert Return.objects.get(pk=ret.pk).version == 1


def test_a_grade_not_on_the_scale_is_refused(personas, ret):
    with pytest.raises(ApplicationError, match="choose a grade from the list") as refused:
        return_save(
            actor=personas.police, ip=None, ret=ret, answers={"overall.grade": "excellent"},
            free_text={}, version=1, autosave=False,
        )  # fmt: skip
    assert refused.value.field == "overall.grade"


def test_answers_are_checked_against_the_tool_version_the_return_was_made_on(personas, ret):
    with pytest.raises(ApplicationError, match=r"no question 'new\.question'"):
        return_save(
            actor=personas.police, ip=None, ret=ret, answers={"new.question": "yes"},
            free_text={}, version=1, autosave=False,
        )  # fmt: skip


def test_a_save_without_its_version_is_refused(personas, ret):
    client = sign_in(Client(), personas.police)
    data = form_data(ret, voice__seen="yes")
    del data["version"]

    response = client.post(save_url(ret), data, headers=FETCH)

    assert response.status_code == 400
    assert "Reload the page" in response.json()["error"]


def test_another_agency_cannot_save(personas, ret):
    client = sign_in(Client(), personas.health)

    response = client.post(save_url(ret), form_data(ret, voice__seen="yes"), headers=FETCH)

    assert response.status_code == 404
    assert response.json() == {"error": "This return is not available to you."}
    assert Return.objects.get(pk=ret.pk).version == 1
    missing = client.post("/returns/999999/save/", form_data(ret), headers=FETCH)
    assert (missing.status_code, missing.json()) == (404, response.json())  # the same answer


def test_the_admin_cannot_save_an_agencys_return(personas, ret):
    client = sign_in(Client(), personas.admin)

    response = client.post(save_url(ret), form_data(ret, voice__seen="yes"), headers=FETCH)

    assert response.status_code == 403
    assert "Only an auditor of the return's agency" in response.json()["error"]


def test_nothing_is_saved_once_returns_close(personas, ret):
    audit = Audit.objects.get(pk=ret.audit_id)
    audit.state = Audit.State.PANEL
    audit.save()
    client = sign_in(Client(), personas.police)

    response = client.post(save_url(ret), form_data(ret, voice__seen="yes"), headers=FETCH)

    assert response.status_code == 403
    assert "Returns for this audit have closed" in response.json()["error"]
