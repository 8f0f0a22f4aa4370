"""Matrix rows for an audit's briefing (maqa/briefings/urls.py).

The briefing as it stands now (the page, its preview downloads): partnership admins in every
state; the audit's panel member while it is in reporting or published (in closed, the page shows
them the published versions only). Published versions: admins, the panel member and the board
once the audit is published. Agency auditors see no briefing here.

The sample world: in reporting and published, a second partnership admin has asked to publish,
so the admin may open the confirmation page; in published and closed, version 1 exists (made
directly, with placeholder files: rendering is tested in maqa/findings/tests). Asking to publish
and confirming are the admin's only while the audit is in reporting or published; in the other
states both pages send the admin back to the briefing (302).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit
from maqa.briefings.models import BriefingVersion, PublicationRequest
from maqa.briefings.selectors import briefing_current
from maqa.lifecycle.publication import CHECKLIST
from maqa.organisations.models import Organisation
from maqa.testing.personas import Personas
from tests.permissions import STATES, Allow, Rule, merge, only, when

PREVIEW_STATES = ("reporting", "published")
VERSION_STATES = ("published", "closed")
PUBLISHABLE = ("reporting", "published")

AUDIT = {"pk": "audit"}
VERSION = {"pk": "audit", "number": "briefing_version"}

PAGE = merge(
    lambda state: {"admin": 200},
    when((*PREVIEW_STATES, "closed"), only(200, "panel")),
    when(VERSION_STATES, only(200, "board")),
)
PREVIEW = merge(lambda state: {"admin": 200}, when(PREVIEW_STATES, only(200, "panel")))
VERSIONS = when(VERSION_STATES, only(200, "admin", "panel", "board"))


def admin_publishing(state: str) -> Allow:
    return {"admin": 200 if state in PUBLISHABLE else 302}


MATRIX_PART: dict[str, Rule] = {
    "briefings:briefing": Rule(allow=PAGE, kwargs=AUDIT),
    "lifecycle:briefing-publish": Rule(allow=admin_publishing, kwargs=AUDIT),
    "lifecycle:briefing-confirm": Rule(allow=admin_publishing, kwargs=AUDIT),
    **{
        f"briefings:briefing-preview-{kind}": Rule(allow=PREVIEW, kwargs=AUDIT, page=False)
        for kind in ("html", "pdf", "docx", "json")
    },
    "briefings:briefing-version": Rule(allow=VERSIONS, kwargs=VERSION),
    **{
        f"briefings:briefing-version-{kind}": Rule(allow=VERSIONS, kwargs=VERSION, page=False)
        for kind in ("html", "pdf", "docx", "json")
    },
}
assert set(STATES) >= set(PREVIEW_STATES) | set(VERSION_STATES)


def second_admin(personas: Personas) -> User:
    """Another partnership admin of the personas' partnership (the second pair of eyes)."""
    user = User.objects.filter(email="second.admin@persona.test").first()
    if user is None:
        user = User.objects.create_user(
            email="second.admin@persona.test",
            full_name="Second Admin",
            partnership=personas.partnership,
        )
        unit = Organisation.objects.get(partnership=personas.partnership, short_name="Unit")
        Membership.objects.create(user=user, organisation=unit, role=Role.PARTNERSHIP_ADMIN)
    return user


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    if audit.state not in (*PUBLISHABLE, *VERSION_STATES):
        return {"briefing_version": 1}
    other = second_admin(personas)
    record = briefing_current(audit)
    if audit.state in PUBLISHABLE:
        PublicationRequest.objects.create(audit=audit, record=record, requested_by=other)
    if audit.state in VERSION_STATES:
        html, pdf, docx = "<!DOCTYPE html><title>matrix</title>", b"%PDF-1.7\n", b"PK\x03\x04"
        # make_audit published it with a stand-in version 1: this one replaces it
        BriefingVersion.objects.filter(audit=audit).delete()
        BriefingVersion.objects.create(
            audit=audit,
            number=1,
            record=record,
            html=html,
            pdf=pdf,
            docx=docx,
            html_sha256=hashlib.sha256(html.encode()).hexdigest(),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            docx_sha256=hashlib.sha256(docx).hexdigest(),
            prepared_by=other,
            confirmed_by=personas.admin,
            checklist=dict(CHECKLIST),
            published_at=timezone.now(),
        )
    return {"briefing_version": 1}
