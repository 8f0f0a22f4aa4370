"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Every test here is marked ``browser`` (``make test-browser`` runs them; ``make test-unit`` skips
them). One chromium is started per session; each test gets a fresh context (cookies, storage)
from pytest-playwright's ``page`` fixture, and a freshly loaded demo partnership.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from maqa.demo.partnership import DEMO_PASSWORD, DEMO_PEOPLE, DemoPerson, demo_load
from tests.permissions import MATRIX, Rule

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
AXE_JS = REPO / "static" / "build" / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The demo people by the name the permission matrix (tests/permissions.py) gives their role.
DEMO_BY_PERSONA: dict[str, DemoPerson] = {
    person.email.split("@")[0]: person for person in DEMO_PEOPLE
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser ``browser``, before ``-m`` selects (belt and braces:
    the modules also set ``pytestmark``)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _allow_django_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the main thread, so Django's ORM (fixtures,
    demo_load) would refuse to run there. ``make test-browser`` sets this too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, never a browser downloaded by ``playwright install``."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@dataclass
class Site:
    """The live server with the demo partnership loaded, and the sample world for the matrix.

    ``world`` fills the URL arguments of the matrix's rows that are not about an audit;
    ``demo_world()`` adds those about the demo audit (see there). ``keystore`` is where the
    audits' identifier keys are kept for this test (never var/keys, the developer's own).
    """

    url: str
    world: dict[str, object]
    keystore: Path

    def sign_in(self, page: Page, persona: str) -> DemoPerson:
        """Sign in through the real sign-in form, and wait for the home page."""
        person = DEMO_BY_PERSONA[persona]
        page.goto(f"{self.url}/accounts/sign-in/")
        page.get_by_label("Email address").fill(person.email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {person.full_name}")
        return person


@pytest.fixture
def site(live_server: Any, transactional_db: None, settings: Any, tmp_path: Path) -> Site:
    """The demo data, loaded afresh (live-server tests flush the database after each test), and
    DEBUG on so that demo accounts may sign in (the server thread reads settings per request).

    The audits' key files go to a directory of this test: the demo audit makes one, and a test
    that closes an audit destroys its key, which must never be a file of var/keys (audit numbers
    in the test database are not those of the development database)."""
    from maqa.accounts.models import User
    from maqa.core.models import AuditChainHead, AuditEvent
    from maqa.organisations.models import Organisation, Resource

    settings.DEBUG = True
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    # The flush after a live-server test also deletes the audit chain's head row, which the
    # migrations made; put it back at the end of the chain (as maqa/core/tests/test_audit_chain.py
    # does) so that demo_load() and sign-ins can record events.
    last = AuditEvent.objects.order_by("-seq").first()
    AuditChainHead.objects.get_or_create(
        id=1, defaults={"seq": last.seq, "hmac": last.hmac} if last else {}
    )
    partnership = demo_load()
    world: dict[str, object] = {
        "organisation": Organisation.objects.get(partnership=partnership, short_name="Police").pk,
        "person": User.objects.get(email="police@demo.test").pk,
        "resource": Resource.objects.filter(partnership=partnership).earliest("pk").pk,
        "token": "not-a-real-invitation",
    }
    return Site(url=live_server.url, world=world, keystore=tmp_path / "keys")


# --- the matrix's sample world, from the demo data ----------------------------------------------


def demo_users() -> dict[str, Any]:
    """The demo user standing in for each persona of the matrix (admin -> admin@demo.test, ...).
    The matrix's "outsider" (admin of another partnership) has no demo counterpart."""
    from maqa.accounts.models import User

    return {
        persona: User.objects.get(email=person.email) for persona, person in DEMO_BY_PERSONA.items()
    }


def demo_world(site: Site) -> dict[str, object]:
    """The matrix's sample world (tests/test_permission_matrix.py, build_world, and the
    WORLD_BUILDERS of tests/permissions_*.py) built from the demo partnership instead of the test
    personas, for the demo audit in the state it is in (returns open).

    Each key means what the builders mean by it:

    - ``audit``: the demo audit; ``child``: its Child A.
    - ``return_police`` / ``org_police``: a Police return of the audit and the Police
      organisation. The builders take the Police return of Child A, made fresh for the matrix,
      which Police may still change. The demo's Child A is not known to Police, and two of its
      Police returns are already submitted (locked: the submit page then answers 403), so this is
      the first Police return, in sample order, that Police may still change.
    - ``concern``: a concern raised by police about that return's child (lead agency Social
      Care, as in the matrix), through the real service (alerts go to the test mailbox).
    - ``pool_case``: after draft the unsampled cases are gone, so a sampled child stands in.
    - ``tool`` / ``tool_version`` / ``copied_tool``: the shipped tool, its version 1, and a copy
      made through the real service (a copy's edit page is the one the matrix opens).
    - ``theme``: a top-level theme of the partnership's taxonomy (the demo loads the defaults).

    Keys the builders give only for pages of later states (the panel's, the findings', the
    briefing's) are not built: a page that needs one at the demo audit's state fails in
    kwargs_from, naming it.

    Call it once per test: it creates the concern and the copied tool.
    """
    from maqa.audits.concerns import concern_raise
    from maqa.audits.models import Audit
    from maqa.demo.live_audit import DEMO_THEME
    from maqa.findings.models import Theme
    from maqa.organisations.models import Organisation
    from maqa.returns.models import Return
    from maqa.tools.models import AuditTool
    from maqa.tools.services import tool_copy

    users = demo_users()
    admin, police = users["admin"], users["police"]
    audit = Audit.objects.get(partnership=admin.partnership, theme=DEMO_THEME)
    police_org = Organisation.objects.get(partnership=admin.partnership, short_name="Police")
    ret = (
        Return.objects.filter(audit=audit, organisation=police_org)
        .exclude(state__in=[Return.State.SUBMITTED, Return.State.NOT_KNOWN])
        .order_by("child__sample_order", "pk")
        .first()
    )
    assert ret is not None, "the demo audit has no Police return that Police may still change"
    concern = concern_raise(
        actor=police,
        ip=None,
        audit=audit,
        child=ret.child,
        description="Demo world concern: the father's new partner has a history of violence.",
    )
    tool = AuditTool.objects.get(partnership=admin.partnership, slug="multi-agency-case-audit")
    assert tool.latest is not None
    copy = tool_copy(actor=admin, ip=None, version=tool.latest, name="Demo world copy")
    theme = Theme.objects.filter(partnership=admin.partnership, parent__isnull=True).first()
    assert theme is not None, "the demo partnership has no theme"
    return {
        **site.world,
        "audit": audit.pk,
        "child": audit.cases.get(reference="Child A").pk,
        "return_police": ret.pk,
        "org_police": police_org.pk,
        "concern": concern.pk,
        "pool_case": audit.cases.order_by("pk").first().pk,  # type: ignore[union-attr]
        "tool": tool.pk,
        "copied_tool": copy.pk,
        "tool_version": 1,
        "theme": theme.pk,
        **_import_world(admin),
        **_world_parts(site, users),
    }


def _world_parts(site: Site, users: dict[str, Any]) -> dict[str, object]:
    """Keys from tests/browser/world_*.py: each module's ``demo_world_part(site, users)`` returns
    the demo equivalents of the keys its tests/permissions_*.py ``world`` builder adds."""
    import importlib
    import pkgutil

    import tests.browser

    world: dict[str, object] = {}
    for module in pkgutil.iter_modules(tests.browser.__path__):
        if module.name.startswith("world_"):
            part = importlib.import_module(f"tests.browser.{module.name}").demo_world_part
            world.update(part(site, users))
    return world


def _import_world(admin: Any) -> dict[str, object]:
    """An upload batch and a parsed document, as tests/permissions_importers.py makes them."""
    import hashlib

    from maqa.importers.models import ImportBatch, ImportedDocument
    from tests.permissions_importers import RECORD

    batch = ImportBatch.objects.create(partnership=admin.partnership, uploaded_by=admin)
    data = b"Multi-Agency Case File Audit: Demo world\n\nIn January 2020 we audited 3 children.\n"
    document = ImportedDocument.objects.create(
        partnership=admin.partnership, batch=batch, filename="demo-world.txt",
        sha256=hashlib.sha256(data).hexdigest(), format="text", size=len(data), content=data,
        record=RECORD, status=ImportedDocument.Status.PARSED, uploaded_by=admin,
    )  # fmt: skip
    return {"import_batch": batch.pk, "imported_document": document.pk}


def demo_state() -> str:
    """The demo audit's state (returns open, as maqa/demo/live_audit.py leaves it)."""
    from maqa.audits.models import Audit
    from maqa.demo.live_audit import DEMO_THEME

    return str(Audit.objects.get(theme=DEMO_THEME).state)


def kwargs_from(name: str, rule: Rule, world: dict[str, object]) -> dict[str, object]:
    """``rule``'s URL arguments from ``world``; a name the world lacks fails the test at once
    (a new key in a WORLD_BUILDER needs its demo equivalent in demo_world above)."""
    missing = sorted(set(rule.kwargs.values()) - set(world))
    assert not missing, (
        f"{name} needs {missing} from the sample world, which demo_world() in "
        "tests/browser/conftest.py does not build: add the demo equivalent"
    )
    return {key: world[value] for key, value in rule.kwargs.items()}


def matrix_url(site: Site, name: str, world: dict[str, object]) -> str:
    from django.urls import reverse

    return site.url + reverse(name, kwargs=kwargs_from(name, MATRIX[name], world))
