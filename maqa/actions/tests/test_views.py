"""The action pages: list and filters, detail with history and evidence, writing (free and from a
finding), changing, updates with files, the admin's decision, cancelling, evidence downloads,
and the links other pages carry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maqa.actions.models import Action, Evidence
from maqa.actions.services import action_update_add
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.testing.actions import make_action, tiny_pdf
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in

S = Action.Status


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EVIDENCE_DIR


def client_for(personas, name: str) -> Client:
    return sign_in(Client(), personas.get(name))


def with_evidence(personas, action: Action) -> Evidence:
    made = action_update_add(
        actor=personas.police, ip=None, action=action, text="Briefed the first team.",
        files=[("register.pdf", tiny_pdf())], expected_version=action.version,
    )  # fmt: skip
    return made.evidence.get()


def form_data(personas, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "description": "Deliver training on including fathers.",
        "owner_organisation": personas.police_org.pk,
        "due_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "measure_of_success": "Records show fathers' details in 9 of 10 cases.",
    }
    data.update(overrides)
    return data


# --- list -----------------------------------------------------------------------------------


def test_it_lists_the_actions_a_person_may_see(personas):
    police = make_action(personas, description="Police: brief response officers.")
    health = make_action(
        personas,
        description="Health: record fathers at booking.",
        owner_organisation=personas.health_org,
    )
    for name, expected in [
        ("admin", {police, health}), ("board", {police, health}), ("panel", {police, health}),
        ("police", {police}), ("health", {health}), ("outsider", set()),
    ]:  # fmt: skip
        response = client_for(personas, name).get("/actions/")
        assert response.status_code == 200
        assert set(response.context["actions"]) == expected, name


def test_an_auditor_sees_their_own_agency_first(personas):
    health = make_action(personas, owner_organisation=personas.health_org, due_in_days=1)
    mine = make_action(personas, owner_person=personas.police, due_in_days=90)
    # The police auditor owns one Health action in person: their own come first, then by date.
    personal = make_action(personas, owner_organisation=personas.police_org, due_in_days=5)
    response = client_for(personas, "police").get("/actions/")
    assert response.context["actions"] == [personal, mine]
    admin = client_for(personas, "admin").get("/actions/")
    assert admin.context["actions"] == [health, personal, mine]


def test_the_list_filters_by_status_agency_theme_and_overdue(personas):
    late = make_action(personas, due_in_days=-3)
    fathers = Theme.objects.get(partnership=personas.partnership, slug="fathers-male-carers")
    sub = fathers.subthemes.first()
    other = make_action(personas, owner_organisation=personas.health_org, themes=[sub])
    done = make_action(personas, themes=[])
    done.status = S.CANCELLED
    done.save()
    client = client_for(personas, "admin")

    def listed(query: str) -> set[Action]:
        return set(client.get(f"/actions/?{query}").context["actions"])

    assert listed("overdue=on") == {late}
    assert listed(f"agency={personas.health_org.pk}") == {other}
    assert listed(f"theme={fathers.pk}") == {late, other}
    assert listed("status=open") == {late, other}
    assert listed("status=cancelled") == {done}


def test_the_list_costs_the_same_queries_for_more_actions(personas):
    client = client_for(personas, "admin")
    make_action(personas)
    client.get("/actions/")
    with CaptureQueriesContext(connection) as few:
        client.get("/actions/")
    for _ in range(5):
        make_action(personas, owner_organisation=personas.health_org)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/actions/")
    assert len(response.context["actions"]) == 6
    assert len(many) == len(few)


# --- detail ---------------------------------------------------------------------------------


def test_the_detail_shows_history_and_evidence_to_owners_and_records_the_view(personas):
    action = make_action(personas)
    item = with_evidence(personas, action)
    link = f"/actions/{action.pk}/evidence/{item.pk}/"
    for name, sees_files in [("admin", True), ("police", True), ("board", False), ("panel", False)]:
        before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED).count()
        response = client_for(personas, name).get(f"/actions/{action.pk}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Briefed the first team." in body
        assert (link in body) is sees_files, name
        event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED).latest("seq")
        assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED).count() == before + 1
        assert (event.object_id, event.actor) == (str(action.pk), personas.get(name))
    for name in ("health", "outsider"):
        assert client_for(personas, name).get(f"/actions/{action.pk}/").status_code == 404


# --- writing and changing -------------------------------------------------------------------


def test_writing_an_action_without_owner_date_or_measure_names_each(personas):
    client = client_for(personas, "admin")
    response = client.post("/actions/new/", {"description": "Train staff"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    for message in (
        "Choose the agency that owns the action",
        "Enter the date the action is due",
        "Enter a measure of success",
    ):
        assert message in body
    assert not Action.objects.exists()


def test_the_admin_writes_an_action(personas):
    client = client_for(personas, "admin")
    response = client.post("/actions/new/", form_data(personas, owner_person=personas.police.pk))
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    assert (action.owner_person, action.status, action.audit) == (
        personas.police,
        S.NOT_STARTED,
        None,
    )


def test_an_owner_person_of_another_agency_is_refused_on_the_form(personas):
    response = client_for(personas, "admin").post(
        "/actions/new/", form_data(personas, owner_person=personas.health.pk)
    )
    assert "Choose an owner who works for Police" in response.content.decode()
    assert not Action.objects.exists()


def test_an_action_from_a_finding_is_filled_from_the_point(personas):
    audit = make_audit(personas, state="panel")
    theme = Theme.objects.get(partnership=personas.partnership, slug="child-voice")
    learning = LearningTheme.objects.create(audit=audit, title="Hearing the child")
    finding = Finding.objects.create(
        audit=audit, section="action", polarity="action", learning_theme=learning,
        text="Practitioners record the child's own words.",
    )  # fmt: skip
    finding.themes.set([theme])
    client = client_for(personas, "admin")
    page = client.get(f"/actions/from-finding/{finding.pk}/")
    form = page.context["form"]
    assert form.initial["description"] == finding.text
    assert form.initial["themes"] == [theme.pk]
    listing = client.get(f"/audits/{audit.pk}/findings/").content.decode()
    assert f'href="/actions/from-finding/{finding.pk}/"' in listing
    panel_listing = client_for(personas, "panel").get(f"/audits/{audit.pk}/findings/")
    assert "/actions/from-finding/" not in panel_listing.content.decode()
    response = client.post(
        f"/actions/from-finding/{finding.pk}/",
        form_data(personas, description=finding.text, themes=[theme.pk]),
    )
    action = Action.objects.get()
    assert response.status_code == 302
    assert (action.finding, action.audit, list(action.themes.all())) == (finding, audit, [theme])
    audit_page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert f'href="/actions/{action.pk}/"' in audit_page


def test_the_admin_changes_an_action_and_a_stale_form_is_refused(personas):
    action = make_action(personas)
    client = client_for(personas, "admin")
    page = client.get(f"/actions/{action.pk}/edit/")
    assert page.context["form"].initial["version"] == 1
    with_evidence(personas, action)  # someone else saves meanwhile: version 2
    stale = client.post(
        f"/actions/{action.pk}/edit/", form_data(personas, description="Mine", version=1)
    )
    assert "Someone else changed this action" in stale.content.decode()
    action.refresh_from_db()
    assert action.description != "Mine"
    saved = client.post(
        f"/actions/{action.pk}/edit/", form_data(personas, description="Mine", version=2)
    )
    assert saved.status_code == 302
    action.refresh_from_db()
    assert action.description == "Mine"


# --- updates and evidence -------------------------------------------------------------------


def test_the_owner_adds_an_update_with_a_file(personas, evidence_dir):
    action = make_action(personas)
    client = client_for(personas, "police")
    upload = SimpleUploadedFile("register.pdf", tiny_pdf(), content_type="application/pdf")
    response = client.post(
        f"/actions/{action.pk}/update/",
        {"text": "Briefed team one.", "evidence": [upload], "version": 1},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS
    assert Evidence.objects.get(action=action).filename == "register.pdf"


def test_a_renamed_program_is_refused_and_nothing_is_saved(personas, evidence_dir):
    action = make_action(personas)
    client = client_for(personas, "police")
    good = SimpleUploadedFile("register.pdf", tiny_pdf(), content_type="application/pdf")
    bad = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")
    response = client.post(
        f"/actions/{action.pk}/update/",
        {"text": "Briefed team one.", "evidence": [good, bad], "version": 1},
    )
    assert response.status_code == 200
    assert "minutes.pdf is not a PDF, Word (.docx), PNG or JPEG file" in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.version) == (S.NOT_STARTED, 1)
    assert not action.updates.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.rglob("*"))


def test_an_eleven_megabyte_upload_is_refused_on_the_page(personas):
    action = make_action(personas)
    big = SimpleUploadedFile("big.pdf", tiny_pdf() + b"%" * (11 * 1024 * 1024), "application/pdf")
    response = client_for(personas, "police").post(
        f"/actions/{action.pk}/update/", {"text": "x", "evidence": [big], "version": 1}
    )
    assert "big.pdf is larger than 10 MB" in response.content.decode()
    assert not action.updates.exists()


@pytest.mark.parametrize("name", ["health", "board", "panel"])
def test_others_cannot_open_the_update_pages(personas, name):
    action = make_action(personas)
    for page in ("update", "propose"):
        assert client_for(personas, name).get(f"/actions/{action.pk}/{page}/").status_code in (
            403,
            404,
        )


def test_evidence_is_downloaded_as_an_attachment_only_by_those_who_may(personas):
    action = make_action(personas)
    item = with_evidence(personas, action)
    url = f"/actions/{action.pk}/evidence/{item.pk}/"
    response = client_for(personas, "police").get(url)
    assert response.status_code == 200
    assert response.content == tiny_pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="register.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.summary) == (
        AuditEvent.Action.VIEWED,
        {"page": f"evidence {item.pk}"},
    )
    for name in ("health", "board", "panel", "outsider"):
        assert client_for(personas, name).get(url).status_code == 404, name
    other = make_action(personas)
    assert (
        client_for(personas, "admin").get(f"/actions/{other.pk}/evidence/{item.pk}/").status_code
        == 404
    )


# --- completion -----------------------------------------------------------------------------


def test_propose_then_send_back_then_accept_through_the_pages(personas):
    action = make_action(personas)
    police, admin = client_for(personas, "police"), client_for(personas, "admin")
    empty = police.post(f"/actions/{action.pk}/propose/", {"text": "", "version": 1})
    assert (
        "Describe what was done and how it meets the measure of success" in empty.content.decode()
    )
    police.post(f"/actions/{action.pk}/propose/", {"text": "All teams briefed.", "version": 1})
    action.refresh_from_db()
    assert action.status == S.COMPLETION_PROPOSED
    assert police.get(f"/actions/{action.pk}/update/").status_code == 302
    no_comment = admin.post(
        f"/actions/{action.pk}/decide/", {"decision": "send_back", "comment": "", "version": 2}
    )
    assert "Say what is missing" in no_comment.content.decode()
    admin.post(
        f"/actions/{action.pk}/decide/",
        {"decision": "send_back", "comment": "Attach the register.", "version": 2},
    )
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS
    police.post(f"/actions/{action.pk}/propose/", {"text": "Register attached.", "version": 3})
    admin.post(f"/actions/{action.pk}/decide/", {"decision": "accept", "version": 4})
    action.refresh_from_db()
    assert (action.status, action.completed_accepted_by) == (S.COMPLETED, personas.admin)
    assert police.get(f"/actions/{action.pk}/decide/").status_code == 403


def test_cancelling_through_the_page_needs_a_reason(personas):
    action = make_action(personas)
    client = client_for(personas, "admin")
    missing = client.post(f"/actions/{action.pk}/cancel/", {"reason": "", "version": 1})
    assert "Enter the reason for cancelling the action" in missing.content.decode()
    client.post(f"/actions/{action.pk}/cancel/", {"reason": "Merged with another.", "version": 1})
    action.refresh_from_db()
    assert (action.status, action.cancelled_reason) == (S.CANCELLED, "Merged with another.")
    assert "Merged with another." in client.get(f"/actions/{action.pk}/").content.decode()


def test_the_home_page_shows_the_owner_their_actions_due_soon(personas):
    soon = make_action(personas, due_in_days=3, description="Due soon: brief officers.")
    make_action(personas, due_in_days=100, description="Far away: review policy.")
    late = make_action(personas, due_in_days=-2, description="Late: dip sample.")
    body = client_for(personas, "police").get("/").content.decode()
    assert "Your actions due soon or overdue" in body
    assert f"/actions/{soon.pk}/" in body and f"/actions/{late.pk}/" in body
    assert "Far away" not in body
    assert "Your actions due soon" not in client_for(personas, "health").get("/").content.decode()
