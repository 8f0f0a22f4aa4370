"""`maqa bench-data`: a large partnership with years of synthetic history, for benchmarks.

The partnership is separate from any real one (default slug "bench"), with agencies of the usual
sectors, an admin, a viewer, panel members and one auditor per agency; the history itself comes
from maqa.demo.history. One audit event records the generation (never one per row).
"""

from __future__ import annotations

import datetime
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from maqa.accounts.models import Membership, Role, User
from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.briefings.models import BriefingVersion
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.demo.history import HistoryCast, HistorySize, history_build
from maqa.findings.themes import themes_load_defaults
from maqa.organisations.models import Organisation, Partnership
from maqa.tools.models import AuditTool
from maqa.tools.services import tools_load_defaults

S = Organisation.Sector
BENCH_AGENCIES: list[tuple[str, str, str]] = [
    ("Children's Social Care", "CSC", S.LOCAL_AUTHORITY),
    ("Police", "Police", S.POLICE),
    ("GP Practices", "GPs", S.HEALTH),
    ("Community Health", "Community Health", S.HEALTH),
    ("Acute Hospital Trust", "Acute Trust", S.HEALTH),
    ("Child and Adolescent Mental Health", "CAMHS", S.HEALTH),
    ("Education Safeguarding", "Education", S.EDUCATION),
    ("Youth Justice Service", "YJS", S.YOUTH_JUSTICE),
    ("Domestic Abuse Service", "DA Service", S.VOLUNTARY),
    ("Early Help", "Early Help", S.LOCAL_AUTHORITY),
]
UNIT = ("Partnership Business Unit", "Unit", S.OTHER)
PANEL_SIZE = 4


@dataclass
class BenchResult:
    partnership: Partnership
    emails: dict[str, list[str]]  # role label -> emails
    password: str
    counts: dict[str, int]
    seconds: float


def bench_data_build(
    *,
    slug: str,
    name: str,
    size: HistorySize,
    seed: int,
    replace: bool = False,
    password: str | None = None,
    today: datetime.date | None = None,
) -> BenchResult:
    """Create (or with ``replace``, refill) the bench partnership and its history.

    An existing partnership of that slug is refused without ``replace``; with it, its audits and
    actions are deleted (its people, agencies and audit trail stay) and made again.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    password = password or secrets.token_urlsafe(12)
    if size.audits < 1 or size.findings < 0 or size.answers < 0 or size.years < 1:
        raise ApplicationError("Sizes must be positive (at least one audit and one year).")
    with transaction.atomic():
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is not None and not replace:
            raise ApplicationError(
                f"A partnership “{partnership.name}” ({slug}) already exists: add --replace to "
                "delete its audits and actions and make them again, or choose another --partnership."
            )
        if partnership is None:
            if Partnership.objects.filter(name=name).exists():
                name = f"{name} ({slug})"
            partnership = Partnership.objects.create(slug=slug, name=name)
        else:
            _clear(partnership)
        cast, emails = _people(partnership, slug, make_password(password))
        tools_load_defaults(partnership=partnership)
        themes_load_defaults(partnership=partnership)
        tool = AuditTool.objects.get(partnership=partnership, slug="multi-agency-case-audit")
        assert tool.latest is not None
        counts = history_build(
            partnership=partnership, cast=cast, tool_version=tool.latest, size=size,
            seed=seed, today=today, end=today - datetime.timedelta(days=30),
        )  # fmt: skip
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=None,
            partnership=partnership,
            obj=partnership,
            summary={
                "bench_data": counts,
                "seed": seed,
                "years": size.years,
                "replaced": partnership is not None and replace,
            },
        )
    return BenchResult(partnership, emails, password, counts, time.perf_counter() - started)


def _clear(partnership: Partnership) -> None:
    try:
        Action.objects.filter(partnership=partnership).delete()
        BriefingVersion.objects.filter(audit__partnership=partnership).delete()
        Audit.objects.filter(partnership=partnership).delete()
    except ProtectedError as exc:
        raise ApplicationError(
            f"The audits of {partnership.name} cannot be deleted ({exc.args[0]})."
        ) from exc


def _people(
    partnership: Partnership, slug: str, password_hash: str
) -> tuple[HistoryCast, dict[str, list[str]]]:
    orgs: dict[str, Organisation] = {}
    for org_name, short, sector in [UNIT, *BENCH_AGENCIES]:
        orgs[short], _ = Organisation.objects.get_or_create(
            partnership=partnership, short_name=short, defaults={"name": org_name, "sector": sector}
        )
    domain = f"{slug}.test"

    def person(email: str, full_name: str, org: Organisation, role: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, partnership=partnership)
            user.password = password_hash  # one hash for all: hashing each is slow on purpose
            user.save()
        elif user.partnership_id != partnership.pk:
            raise ApplicationError(f"{email} belongs to another partnership: choose another slug.")
        Membership.objects.get_or_create(user=user, organisation=org, role=role)
        return user

    admin = person(f"admin@{domain}", "Bench Admin", orgs["Unit"], Role.PARTNERSHIP_ADMIN)
    viewer = person(f"board@{domain}", "Bench Board", orgs["Unit"], Role.VIEWER)
    panel_orgs = ["CSC", "Police", "Community Health", "Education"]
    panel = [
        person(f"panel{n}@{domain}", f"Bench Panel {n}", orgs[panel_orgs[n - 1]], Role.PANEL_MEMBER)
        for n in range(1, PANEL_SIZE + 1)
    ]
    agencies = [orgs[short] for _, short, _ in BENCH_AGENCIES]
    auditors = {
        org.pk: person(
            f"{org.short_name.lower().replace(' ', '-')}@{domain}",
            f"Bench {org.short_name} Auditor",
            org,
            Role.AGENCY_AUDITOR,
        )
        for org in agencies
    }
    emails = {
        "Partnership admin": [admin.email],
        "Viewer": [viewer.email],
        "Panel member": [u.email for u in panel],
        "Agency auditor": [u.email for u in auditors.values()],
    }
    cast = HistoryCast(
        admin=admin, panel=panel, agencies=agencies, auditors=auditors, lead_agency=orgs["CSC"]
    )
    return cast, emails
