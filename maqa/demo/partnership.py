"""The demo partnership: agencies like those in real briefings, and one person per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from maqa.accounts.models import Membership, Role, User
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.demo.demo_history import demo_history_load
from maqa.demo.live_audit import demo_audit_load
from maqa.demo.published_audit import demo_published_load
from maqa.findings.themes import themes_load_defaults
from maqa.organisations.models import Organisation, Partnership, Resource
from maqa.tools.services import tools_load_defaults

DEMO_PARTNERSHIP = "Demo Children's Partnership"
# Printed at start by `make demo`. Demo accounts are refused whenever DEBUG is off.
DEMO_PASSWORD = "demo-maqa-2026"

S = Organisation.Sector
DEMO_AGENCIES: list[tuple[str, str, str]] = [
    ("Partnership Business Unit", "Partnership", S.OTHER),
    ("GP Practices", "GPs", S.HEALTH),
    ("Children's Social Care", "Social Care", S.LOCAL_AUTHORITY),
    ("Police", "Police", S.POLICE),
    ("Community Health Services", "Community Health", S.HEALTH),
    ("Acute Hospital Trust", "Acute Trust", S.HEALTH),
    ("Adult Mental Health Trust", "Adult MH Trust", S.HEALTH),
    ("Education Safeguarding Service", "Education", S.EDUCATION),
    ("Youth Justice Service", "YJS", S.YOUTH_JUSTICE),
    ("Emergency Duty Team", "EDT", S.LOCAL_AUTHORITY),
    ("Preventative Services", "Preventative Services", S.LOCAL_AUTHORITY),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    organisation: str  # short name
    role: str


DEMO_PEOPLE = [
    DemoPerson("admin@demo.test", "Alex Admin", "Partnership", Role.PARTNERSHIP_ADMIN),
    DemoPerson("police@demo.test", "Pat Police", "Police", Role.AGENCY_AUDITOR),
    DemoPerson("health@demo.test", "Harper Health", "Community Health", Role.AGENCY_AUDITOR),
    DemoPerson("panel@demo.test", "Parker Panel", "Social Care", Role.PANEL_MEMBER),
    DemoPerson("board@demo.test", "Blair Board", "Partnership", Role.VIEWER),
]

DEMO_RESOURCES = [
    (
        "Domestic abuse risk checklist (DASH) guidance",
        Resource.Kind.TOOLKIT,
        "https://example.org/dash",
        ["risk-tools", "domestic-abuse"],
    ),
    (
        "Neglect toolkit",
        Resource.Kind.TOOLKIT,
        "https://example.org/neglect-toolkit",
        ["neglect", "risk-tools"],
    ),
    (
        "Resolution of professional differences (escalation) policy",
        Resource.Kind.POLICY,
        "https://example.org/escalation",
        ["escalation"],
    ),
]


def demo_load() -> Partnership:
    """Create the demo partnership (idempotent: running it again changes nothing)."""
    with transaction.atomic():
        partnership, created = Partnership.objects.get_or_create(
            slug="demo", defaults={"name": DEMO_PARTNERSHIP}
        )
        orgs = {}
        for name, short, sector in DEMO_AGENCIES:
            orgs[short], _ = Organisation.objects.get_or_create(
                partnership=partnership,
                short_name=short,
                defaults={"name": name, "sector": sector},
            )
        for person in DEMO_PEOPLE:
            user = User.objects.filter(email=person.email).first()
            if user is None:
                user = User.objects.create_user(
                    email=person.email,
                    password=DEMO_PASSWORD,
                    full_name=person.full_name,
                    partnership=partnership,
                    is_demo=True,
                )
            Membership.objects.get_or_create(
                user=user, organisation=orgs[person.organisation], role=person.role
            )
        for title, kind, url, themes in DEMO_RESOURCES:
            Resource.objects.get_or_create(
                partnership=partnership,
                title=title,
                defaults={"kind": kind, "url": url, "themes": themes},
            )
        tools_load_defaults(partnership=partnership)
        themes_load_defaults(partnership=partnership)

        demo_published_load(partnership=partnership, password=DEMO_PASSWORD)
        demo_audit_load(partnership=partnership, password=DEMO_PASSWORD)

        demo_history_load(partnership=partnership)  # past audits, for the trends pages
        if created:
            audit_record(
                action=AuditEvent.Action.CREATED,
                actor=None,
                partnership=partnership,
                obj=partnership,
                summary={"demo": True},
            )
    return partnership
