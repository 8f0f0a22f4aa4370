"""Creating a new partnership with its first admin (run once per partnership by operations)."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from maqa.accounts.models import Membership, Role, User
from maqa.accounts.services import invitation_create
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.findings.themes import themes_load_defaults
from maqa.organisations.models import Organisation, Partnership
from maqa.tools.services import tools_load_defaults


def partnership_bootstrap(
    *, name: str, admin_email: str, admin_name: str
) -> tuple[Partnership, str]:
    name = name.strip()
    if not name:
        raise ApplicationError("Give the partnership a name.")
    if Partnership.objects.filter(name=name).exists():
        raise ApplicationError(f"A partnership called {name!r} already exists.")
    if User.objects.filter(email=admin_email.strip().lower()).exists():
        raise ApplicationError("Someone with this email address already has an account.")
    with transaction.atomic():
        partnership = Partnership.objects.create(name=name, slug=slugify(name)[:60])
        unit = Organisation.objects.create(
            partnership=partnership,
            name="Partnership Business Unit",
            short_name="Partnership",
            sector=Organisation.Sector.OTHER,
        )
        admin = User.objects.create_user(
            email=admin_email, full_name=admin_name, partnership=partnership
        )
        Membership.objects.create(user=admin, organisation=unit, role=Role.PARTNERSHIP_ADMIN)
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=None,
            partnership=partnership,
            obj=partnership,
            summary={"admin": admin.email, "by": "create-partnership"},
        )
        tools_load_defaults(partnership=partnership)
        themes_load_defaults(partnership=partnership)
        link = invitation_create(user=admin, invited_by=None)
    return partnership, link
