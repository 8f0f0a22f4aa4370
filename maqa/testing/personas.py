"""Named test personas, built once per test database, and helpers to sign them in.

The people: ``admin`` (partnership admin), ``police`` and ``health`` (agency auditors of two
agencies, each the other's "other agency"), ``panel`` (panel member), ``board`` (viewer) and
``outsider`` (partnership admin of a second partnership, who must see nothing of the first).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from maqa.accounts.models import Membership, Role, User
from maqa.findings.themes import themes_load_defaults
from maqa.organisations.models import Organisation, Partnership, Resource
from maqa.tools.services import tools_load_defaults


class FastArgon2(Argon2PasswordHasher):
    """Argon2 with cheap parameters, for the test suite only (config/settings_test.py)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


PERSONA_PASSWORD = "correct-horse-battery-staple-7"
PERSONA_EMAILS = {
    "admin": "qa.lead@persona.test",
    "police": "police.auditor@persona.test",
    "health": "health.auditor@persona.test",
    "panel": "panel.member@persona.test",
    "board": "board.member@persona.test",
    "outsider": "outsider.admin@elsewhere.test",
}
PERSONA_NAMES = tuple(PERSONA_EMAILS)


@dataclass
class Personas:
    admin: User
    police: User
    health: User
    panel: User
    board: User
    outsider: User
    partnership: Partnership
    other_partnership: Partnership
    police_org: Organisation
    health_org: Organisation
    resource: Resource

    def get(self, name: str) -> User:
        user: User = getattr(self, name)
        return user


def build_personas() -> None:
    """Create the personas' partnerships, agencies and people (called once per test database)."""
    home = Partnership.objects.create(name="Persona Partnership", slug="persona")
    away = Partnership.objects.create(name="Elsewhere Partnership", slug="elsewhere")
    S = Organisation.Sector
    unit = Organisation.objects.create(
        partnership=home, name="Business Unit", short_name="Unit", sector=S.OTHER
    )
    police = Organisation.objects.create(
        partnership=home, name="Constabulary", short_name="Police", sector=S.POLICE
    )
    health = Organisation.objects.create(
        partnership=home, name="Community Health", short_name="Health", sector=S.HEALTH
    )
    social = Organisation.objects.create(
        partnership=home, name="Social Care", short_name="CSC", sector=S.LOCAL_AUTHORITY
    )
    away_unit = Organisation.objects.create(
        partnership=away, name="Elsewhere Unit", short_name="Unit", sector=S.OTHER
    )
    Resource.objects.create(
        partnership=home,
        title="Neglect toolkit",
        url="https://example.org/neglect",
        themes=["neglect"],
    )
    Resource.objects.create(
        partnership=away, title="Elsewhere policy", url="https://example.org/policy"
    )
    people = [
        ("admin", "Quinn Lead", home, unit, Role.PARTNERSHIP_ADMIN),
        ("police", "Morgan Constable", home, police, Role.AGENCY_AUDITOR),
        ("health", "Robin Nurse", home, health, Role.AGENCY_AUDITOR),
        ("panel", "Sam Chair", home, social, Role.PANEL_MEMBER),
        ("board", "Jo Board", home, unit, Role.VIEWER),
        ("outsider", "Lee Away", away, away_unit, Role.PARTNERSHIP_ADMIN),
    ]
    for partnership in (home, away):
        tools_load_defaults(partnership=partnership)
        themes_load_defaults(partnership=partnership)
    for key, name, partnership, org, role in people:
        user = User.objects.create_user(
            email=PERSONA_EMAILS[key],
            password=PERSONA_PASSWORD,
            full_name=name,
            partnership=partnership,
        )
        Membership.objects.create(user=user, organisation=org, role=role)


def load_personas() -> Personas:
    users = {u.email: u for u in User.objects.filter(email__in=PERSONA_EMAILS.values())}
    home = Partnership.objects.get(slug="persona")
    return Personas(
        **{key: users[email] for key, email in PERSONA_EMAILS.items()},
        partnership=home,
        other_partnership=Partnership.objects.get(slug="elsewhere"),
        police_org=Organisation.objects.get(partnership=home, short_name="Police"),
        health_org=Organisation.objects.get(partnership=home, short_name="Health"),
        resource=Resource.objects.get(partnership=home, title="Neglect toolkit"),
    )


def confirmed_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """Sign ``user`` in on ``client``, past two-factor unless ``verified`` is False."""
    client.force_login(user, backend="maqa.accounts.backends.EmailBackend")
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()
    return client
