from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maqa.accounts import services
from maqa.accounts.models import User
from maqa.core.models import AuditEvent
from maqa.testing.personas import PERSONA_PASSWORD, confirmed_device, sign_in


def post_sign_in(client, email, password, ip="192.0.2.10"):
    return client.post("/accounts/sign-in/", {"email": email, "password": password}, REMOTE_ADDR=ip)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_signs_a_viewer_in_with_a_password_alone(client, personas):
    response = post_sign_in(client, personas.board.email, PERSONA_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action="signed_in", actor=personas.board, ip_address="192.0.2.10"
    ).exists()


def test_it_accepts_the_email_in_any_case(client, personas):
    response = post_sign_in(client, personas.board.email.upper(), PERSONA_PASSWORD)
    assert response.status_code == 302


def test_it_says_what_is_wrong_with_a_bad_password_and_records_it(client, personas):
    response = post_sign_in(client, personas.board.email, "not-the-password")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    event = AuditEvent.objects.filter(action="failed_sign_in").latest("seq")
    assert event.object_id == personas.board.email
    assert event.ip_address == "192.0.2.10"


def test_it_locks_an_account_out_after_ten_failures_from_one_address(client, personas):
    for _ in range(10):
        post_sign_in(client, personas.admin.email, "wrong-password-guess")
    response = post_sign_in(client, personas.admin.email, PERSONA_PASSWORD)
    assert response.status_code == 200
    assert "locked for 15 minutes" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_it_does_not_lock_the_account_out_from_another_address(client, personas):
    for _ in range(10):
        post_sign_in(client, personas.board.email, "wrong-password-guess", ip="198.51.100.7")
    response = post_sign_in(client, personas.board.email, PERSONA_PASSWORD, ip="192.0.2.99")
    assert response.status_code == 302


def test_it_allows_nine_failures_then_a_correct_password(client, personas):
    for _ in range(9):
        post_sign_in(client, personas.board.email, "wrong-password-guess")
    assert post_sign_in(client, personas.board.email, PERSONA_PASSWORD).status_code == 302


def test_it_lifts_the_lock_out_after_the_window(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            post_sign_in(client, personas.board.email, "wrong-password-guess")
        assert (
            "locked"
            in post_sign_in(client, personas.board.email, PERSONA_PASSWORD).content.decode()
        )
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert post_sign_in(client, personas.board.email, PERSONA_PASSWORD).status_code == 302


def test_it_refuses_a_deactivated_person(client, personas):
    User.objects.filter(pk=personas.board.pk).update(is_active=False)
    response = post_sign_in(client, personas.board.email, PERSONA_PASSWORD)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()


def test_it_refuses_demo_accounts_when_debug_is_off(client, personas, settings):
    settings.DEBUG = False
    User.objects.filter(pk=personas.board.pk).update(is_demo=True)
    response = post_sign_in(client, personas.board.email, PERSONA_PASSWORD)
    assert response.status_code == 200
    assert "Demo accounts can only sign in to a demonstration site" in response.content.decode()


def test_it_lets_demo_accounts_in_without_two_factor_when_debug_is_on(client, personas, settings):
    settings.DEBUG = True
    User.objects.filter(pk=personas.admin.pk).update(is_demo=True)
    post_sign_in(client, personas.admin.email, PERSONA_PASSWORD)
    assert client.get("/manage/organisations/").status_code == 200


@pytest.mark.parametrize("persona", ["admin", "police", "panel"])
def test_it_requires_two_factor_for_roles_that_see_returns(client, personas, persona):
    user = personas.get(persona)
    response = post_sign_in(client, user.email, PERSONA_PASSWORD)
    assert response["Location"] == "/accounts/two-factor/"
    assert client.get("/")["Location"] == "/accounts/two-factor/"
    # No authenticator yet: the person is sent to set one up.
    assert client.get("/accounts/two-factor/")["Location"] == "/accounts/two-factor/setup/"


def test_it_sets_up_an_authenticator_with_a_real_code(client, personas):
    post_sign_in(client, personas.police.email, PERSONA_PASSWORD)
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=personas.police, confirmed=False)
    right = client.post("/accounts/two-factor/setup/", {"token": current_code(device)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_it_refuses_a_wrong_code_at_set_up_then_asks_the_person_to_wait(client, personas):
    post_sign_in(client, personas.police.email, PERSONA_PASSWORD)
    client.get("/accounts/two-factor/setup/")
    wrong = client.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert "The code is not right" in wrong.content.decode()
    again = client.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert "Too many wrong codes. Wait" in again.content.decode()
    assert client.get("/")["Location"] == "/accounts/two-factor/"


def test_it_asks_for_the_code_of_an_existing_authenticator(client, personas):
    device = confirmed_device(personas.admin)
    post_sign_in(client, personas.admin.email, PERSONA_PASSWORD)
    assert client.get("/accounts/two-factor/").status_code == 200
    response = client.post("/accounts/two-factor/", {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get("/manage/people/").status_code == 200


def test_it_counts_wrong_two_factor_codes_towards_the_lock_out(client, personas):
    confirmed_device(personas.admin)
    post_sign_in(client, personas.admin.email, PERSONA_PASSWORD)
    client.post("/accounts/two-factor/", {"token": "000000"})
    assert AuditEvent.objects.filter(
        action="failed_sign_in",
        object_id=personas.admin.email,
        summary__reason="wrong two-factor code",
    ).exists()


def test_it_renews_the_session_on_each_request_and_expires_it_when_idle():
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_COOKIE_AGE == django_settings.SESSION_IDLE_TIMEOUT_MINUTES * 60


def test_it_ends_an_idle_session(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, personas.board)
        assert client.get("/").status_code == 200
    idle = django_settings.SESSION_IDLE_TIMEOUT_MINUTES + 1
    with time_machine.travel(start + timedelta(minutes=idle), tick=False):
        assert client.get("/")["Location"].startswith("/accounts/sign-in/")


def test_deactivating_a_person_ends_their_sessions_at_once(client, personas):
    sign_in(client, personas.police)
    assert client.get("/").status_code == 200
    services.user_deactivate(actor=personas.admin, ip=None, user=personas.police)
    assert client.get("/")["Location"].startswith("/accounts/sign-in/")
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(personas.police.pk)
    ]


def test_signing_out_is_recorded(client, personas):
    sign_in(client, personas.board)
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="signed_out", actor=personas.board).exists()


def test_it_hashes_passwords_with_argon2(personas):
    assert personas.board.password.startswith("argon2")
    from config import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    validators = production_settings.AUTH_PASSWORD_VALIDATORS
    assert {"min_length": 12} in [v.get("OPTIONS") for v in validators]  # type: ignore[attr-defined]
