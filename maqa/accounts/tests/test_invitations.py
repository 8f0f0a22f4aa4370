from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from maqa.accounts.models import Invitation, User
from maqa.core.models import AuditEvent
from maqa.testing.personas import sign_in

GOOD_PASSWORD = "a-long-and-unusual-passphrase"


def invite(client, personas, email="new.auditor@persona.test"):
    sign_in(client, personas.admin)
    return client.post(
        "/manage/people/invite/",
        {
            "full_name": "Nova Auditor",
            "email": email,
            "roles": [f"{personas.police_org.pk}:agency_auditor"],
        },
    )


def link_from(message) -> str:
    body = message.get_payload(decode=True).decode()
    match = re.search(r"http://\S+/accounts/invitation/(\S+)/", body)
    assert match, body
    return f"/accounts/invitation/{match.group(1)}/"


def test_an_admin_invites_a_person_by_real_email(
    client, personas, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, personas)
    assert response.status_code == 302
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "new.auditor@persona.test"
    assert "Persona Partnership" in message["Subject"]
    user = User.objects.get(email="new.auditor@persona.test")
    assert not user.has_usable_password()
    assert [m.role for m in user.memberships.all()] == ["agency_auditor"]
    assert AuditEvent.objects.filter(
        action="invited", object_id=str(user.pk), actor=personas.admin
    ).exists()


def test_the_invited_person_sets_a_password_once(
    client, personas, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, personas)
    link = link_from(smtp_sink.messages[0])
    client.logout()
    assert client.get(link).status_code == 200
    response = client.post(link, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="new.auditor@persona.test")
    assert user.check_password(GOOD_PASSWORD)
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_it_refuses_short_and_common_passwords(
    client, personas, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, personas)
    link = link_from(smtp_sink.messages[0])
    client.logout()
    short = client.post(link, {"password": "Sh0rt-pass", "password_again": "Sh0rt-pass"})
    assert "at least 12 characters" in short.content.decode()
    common = client.post(link, {"password": "password1234", "password_again": "password1234"})
    assert "too common" in common.content.decode()
    mismatch = client.post(link, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD + "x"})
    assert "not the same" in mismatch.content.decode()
    assert Invitation.objects.get(user__email="new.auditor@persona.test").used_at is None


def test_an_invitation_link_expires(
    client, personas, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, personas)
    link = link_from(smtp_sink.messages[0])
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_made_up_link_is_refused(client, db):
    response = client.get("/accounts/invitation/not-a-real-token/")
    assert response.status_code == 410


def test_it_refuses_to_invite_an_existing_email(client, personas):
    response = invite(client, personas, email=personas.police.email)
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()


def test_it_refuses_roles_in_another_partnerships_organisation(client, personas):
    other_org = personas.outsider.memberships.get().organisation
    sign_in(client, personas.admin)
    response = client.post(
        "/manage/people/invite/",
        {"full_name": "X", "email": "x@persona.test", "roles": [f"{other_org.pk}:viewer"]},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@persona.test").exists()
