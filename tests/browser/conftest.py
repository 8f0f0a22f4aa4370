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

from maqa.organisations.demo import DEMO_PASSWORD, DEMO_PEOPLE, DemoPerson, demo_load

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
    """The live server with the demo partnership loaded, and the sample world for the matrix."""

    url: str
    world: dict[str, object]

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
def site(live_server: Any, transactional_db: None, settings: Any) -> Site:
    """The demo data, loaded afresh (live-server tests flush the database after each test), and
    DEBUG on so that demo accounts may sign in (the server thread reads settings per request)."""
    from maqa.accounts.models import User
    from maqa.core.models import AuditChainHead, AuditEvent
    from maqa.organisations.models import Organisation, Resource

    settings.DEBUG = True
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
    return Site(url=live_server.url, world=world)
