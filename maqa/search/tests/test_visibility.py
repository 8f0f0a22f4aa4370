"""What search may return is what the pages allow: for every persona, every audit state (draft to
closed, and imported audits) and every searchable kind, the objects the search's visibility
condition lets through are exactly those the pages' own access functions open.

The pages' side is asked one object at a time, through the functions the views call
(access_findings_audit, access_briefing_audit and can_read_versions, access_action,
access_in_partnership); the search's side is the condition the ranking query runs
(maqa.search.visibility), read over the whole index. A second test asks each audit rule's set
form (what the search uses) and its predicate (what the pages use) of the same audits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.http import Http404

from maqa.accounts.access import access_in_partnership
from maqa.accounts.models import Membership, Role, User
from maqa.actions.access import access_action
from maqa.actions.models import Action
from maqa.actions.services import action_create
from maqa.audits.access import OpenAudits, access_audit
from maqa.audits.models import Audit
from maqa.briefings.access import (
    access_briefing_audit,
    can_read_versions,
    published_briefing_ids,
    version_reader_audit_ids,
)
from maqa.findings.models import Finding
from maqa.findings.selectors import access_findings_audit, findings_audit_ids
from maqa.organisations.models import Organisation, Resource
from maqa.search.selectors import KINDS, search
from maqa.search.visibility import Filters, visibility_sql
from maqa.testing.actions import make_action
from maqa.testing.audits import STATES, make_audit
from maqa.testing.personas import PERSONA_NAMES, Personas

WORD = "quokka"  # in every object the world adds, to check the whole search too
# The personas, and a viewer who also sits on the panels the panel persona does not.
PEOPLE = (*PERSONA_NAMES, "viewer_on_panels")

Object = tuple[str, int]  # (kind, pk)


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    settings.MAQA_SEARCH_SEMANTIC = False


def people(personas: Personas) -> dict[str, User]:
    """Fresh from the database: no cached roles."""
    emails = {name: personas.get(name).email for name in PERSONA_NAMES}
    emails["viewer_on_panels"] = "viewer.on.panels@persona.test"
    return {name: User.objects.get(email=email) for name, email in emails.items()}


@pytest.fixture
def world(personas: Personas) -> dict[str, Any]:
    """Two audits in each state (one with the panel persona on its panel, one with the other
    panel member instead), two imported ones (published, closed), another partnership's audit;
    a finding in every audit, whatever its state; actions owned by each agency and in person;
    a resource in each partnership."""
    social = Organisation.objects.get(partnership=personas.partnership, short_name="CSC")
    viewer_on_panels = User.objects.create_user(
        email="viewer.on.panels@persona.test", password=None, full_name="Ari Both",
        partnership=personas.partnership,
    )  # fmt: skip
    for role in (Role.PANEL_MEMBER, Role.VIEWER):
        Membership.objects.create(user=viewer_on_panels, organisation=social, role=role)
    audits: list[Audit] = []
    for state in STATES:
        audits.append(make_audit(personas, state=state, theme=f"Quokka {state} seated"))
        other = make_audit(personas, state=state, theme=f"Quokka {state} other panel")
        other.panel_members.set([viewer_on_panels])
        audits.append(other)
    base = audits[0]
    for state in (Audit.State.PUBLISHED, Audit.State.CLOSED):
        imported = Audit.objects.create(
            partnership=personas.partnership, theme=f"Quokka imported {state}", aim="Imported",
            tool_version=base.tool_version, returns_due=base.returns_due,
            panel_date=base.panel_date, lead=personas.admin, state=state, imported=True,
        )  # fmt: skip
        imported.agencies.set([personas.police_org])
        audits.append(imported)
    away_unit = Organisation.objects.get(partnership=personas.other_partnership)
    elsewhere = Audit.objects.create(
        partnership=personas.other_partnership, theme="Quokka elsewhere", aim="Their own",
        tool_version=base.tool_version, returns_due=base.returns_due,
        panel_date=base.panel_date, lead=personas.outsider, state=Audit.State.PUBLISHED,
    )  # fmt: skip
    audits.append(elsewhere)
    for audit in audits:
        Finding.objects.create(
            audit=audit, section="worry", polarity="concern",
            text=f"Quokka point of the {audit.theme} audit",
        )  # fmt: skip
    by_state = {(a.state, a.imported): a for a in audits if a.partnership_id == base.partnership_id}
    linked: list[tuple[Organisation, Audit | None]] = [
        (personas.police_org, by_state["panel", False]),
        (personas.health_org, by_state["published", False]),
        (personas.police_org, None),
    ]
    for org, of_audit in linked:
        make_action(personas, owner_organisation=org, audit=of_audit,
                    description=f"Quokka action for {org.short_name}")  # fmt: skip
    make_action(personas, owner_organisation=social, owner_person=viewer_on_panels,
                description="Quokka action owned in person")  # fmt: skip
    action_create(
        actor=None, ip=None, description="Quokka action elsewhere", owner_organisation=away_unit,
        due_date=base.panel_date, measure_of_success="Done elsewhere", audit=elsewhere,
    )  # fmt: skip
    for partnership in (personas.partnership, personas.other_partnership):
        Resource.objects.create(
            partnership=partnership, title="Quokka toolkit", url="https://example.org/quokka"
        )
    return {"audits": audits}


def opens(access: Callable[..., Any], *args: Any) -> bool:
    try:
        access(*args)
    except Http404:
        return False
    return True


def published_briefing_opens(user: User, pk: int) -> bool:
    """The audit's published briefing (and the findings in it) opens for the person."""
    try:
        audit = access_briefing_audit(user, pk)
    except Http404:
        return False
    return audit.state in Audit.State.published() and can_read_versions(user, audit)


def pages_allow(user: User) -> set[Object]:
    """Every object of every partnership that a page opens for the person, asked one by one."""
    allowed: set[Object] = set()
    for pk, audit_id in Finding.objects.values_list("pk", "audit_id"):
        if opens(access_findings_audit, user, audit_id) or published_briefing_opens(user, audit_id):
            allowed.add(("finding", pk))
    for pk in Audit.objects.values_list("pk", flat=True):
        if published_briefing_opens(user, pk):
            allowed.add(("briefing", pk))
    for pk in Resource.objects.values_list("pk", flat=True):
        if opens(access_in_partnership, user, Resource, pk):
            allowed.add(("resource", pk))
    for pk in Action.objects.values_list("pk", flat=True):
        if opens(access_action, user, pk):
            allowed.add(("action", pk))
    return allowed


def search_may_return(user: User) -> set[Object]:
    """Every document of the index that the search's visibility condition lets through."""
    condition = visibility_sql(user, KINDS, Filters())
    if condition is None:
        return set()
    where, params = condition
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.kind, d.object_id FROM search_searchdocument d WHERE {where}",
                       params)  # fmt: skip
        return {(kind, int(pk)) for kind, pk in cursor.fetchall()}


def with_the_word() -> set[Object]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, object_id FROM search_searchdocument "
            "WHERE lower(title || ' ' || body) LIKE %s",
            [f"%{WORD}%"],
        )
        return {(kind, int(pk)) for kind, pk in cursor.fetchall()}


def test_search_finds_what_the_pages_open_for_every_persona_state_and_kind(personas, world):
    states = {(a.state, a.imported) for a in world["audits"]}
    assert {s for s, imported in states if not imported} == set(STATES)
    assert {s for s, imported in states if imported} == {"published", "closed"}
    worded = with_the_word()
    mismatches: list[str] = []
    allowed_by: dict[str, set[Object]] = {}
    for name, user in people(personas).items():
        allowed = allowed_by[name] = pages_allow(user)
        found = search_may_return(user)
        for kind in KINDS:
            extra = {pk for k, pk in found - allowed if k == kind}
            missing = {pk for k, pk in allowed - found if k == kind}
            if extra or missing:
                mismatches.append(
                    f"{name}, {kind}: search also returns {sorted(extra)}, misses {sorted(missing)}"
                )
        # The whole search, as the page runs it, counts the same documents.
        total = search(user, WORD, limit=100).total
        if total != len(allowed & worded):
            mismatches.append(f"{name}: search('{WORD}') counts {total}, pages allow "
                              f"{len(allowed & worded)}")  # fmt: skip
    assert not mismatches, "\n".join(mismatches)
    # The world tells the rules apart: each kind is open to someone and closed to someone.
    everything = set().union(*allowed_by.values())
    for kind in KINDS:
        of_kind = {o for o in everything if o[0] == kind}
        assert of_kind, kind
        assert any(not of_kind <= allowed for allowed in allowed_by.values()), kind
    assert allowed_by["police"] & {o for o in everything if o[0] == "finding"} == set()
    # The panel member and the viewer on other panels each find what the other does not.
    panel, both = allowed_by["panel"], allowed_by["viewer_on_panels"]
    assert panel - both and both - panel


def versions_open(user: User, pk: int) -> bool:
    try:
        audit = access_audit(user, pk)
    except Http404:
        return False
    return can_read_versions(user, audit)


def test_each_set_form_equals_its_predicate(personas, world):
    """The audit rules' two forms (maqa.audits.access.OpenAudits and holds), asked of the same
    audits: the findings page, the published versions and the published briefing."""
    pks = list(Audit.objects.values_list("pk", flat=True))
    mismatches = []
    for name, user in people(personas).items():
        open_audits = OpenAudits(user)
        forms = {
            "findings page": (
                findings_audit_ids(open_audits),
                {pk for pk in pks if opens(access_findings_audit, user, pk)},
            ),
            "versions": (
                version_reader_audit_ids(open_audits),
                {pk for pk in pks if versions_open(user, pk)},
            ),
            "published briefing": (
                published_briefing_ids(open_audits),
                {pk for pk in pks if published_briefing_opens(user, pk)},
            ),
        }
        for form, (ids, expected) in forms.items():
            if ids != expected:
                mismatches.append(
                    f"{name}, {form}: set form {sorted(ids)}, pages {sorted(expected)}"
                )
    assert not mismatches, "\n".join(mismatches)
