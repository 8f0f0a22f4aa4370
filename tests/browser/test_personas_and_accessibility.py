"""The demo people in a real browser: sign-in, home pages, and an accessibility sweep with axe-core.

The sweep opens every page of the permission matrix (tests/permissions.py) that a person may open,
runs axe-core on it, and fails on any "serious" or "critical" violation. The rows about an audit
are opened on the demo audit, at its state (returns open), with their URL arguments filled from
the demo data (demo_world in tests/browser/conftest.py). How axe is loaded (the pages keep their
Content-Security-Policy) is in tests/browser/axe.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from tests.browser.axe import axe_violations, check_axe, with_axe
from tests.browser.conftest import Site, demo_state, demo_world, matrix_url
from tests.permissions import ANONYMOUS, MATRIX

pytestmark = pytest.mark.browser

DEMO_PERSONAS = ("admin", "police", "health", "panel", "board")

# What each demo person's home page shows, besides "Hello, <full name>".
HOME_SECTIONS = {
    "admin": "Running the partnership's audits",
    "police": "Returns for Police",
    "health": "Returns for Community Health",
    "panel": "Panels",
    "board": "Published briefings and actions",
}
ADMIN_NAV = ("Organisations", "People", "Resources", "Audit tools", "Themes", "Audit trail")


def pages_for(persona: str, state: str | None = None) -> list[str]:
    """The URL names of the matrix that ``persona`` may open in a browser (GET, 200): the rows
    about an audit too when ``state`` (the audit's) is given."""
    return sorted(
        name
        for name, rule in MATRIX.items()
        if rule.method == "GET"
        and rule.page
        and (not rule.per_state or state is not None)
        and rule.allowed(state if rule.per_state else None).get(persona) == 200
    )


def url_of(site: Site, name: str, world: dict[str, object] | None = None) -> str:
    return matrix_url(site, name, site.world if world is None else world)


# --- signing in -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", DEMO_PERSONAS)
def test_each_demo_person_signs_in_sees_their_own_home_page_and_signs_out(
    page: Page, site: Site, persona: str
) -> None:
    person = site.sign_in(page, persona)

    expect(page).to_have_url(f"{site.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {person.full_name}")
    expect(page.get_by_role("heading", level=2, name=HOME_SECTIONS[persona])).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    if persona == "admin":
        for label in ADMIN_NAV:
            expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    else:
        for label in ADMIN_NAV:
            expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{site.url}/accounts/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to maqa")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


# --- accessibility ----------------------------------------------------------------------------


def test_the_sweep_opens_every_page_about_an_audit_that_a_demo_person_may_open(
    site: Site,
) -> None:
    """Each row about an audit that is a page some demo person may open at the demo audit's
    state is in the sweep, with every URL argument filled from the demo data (a missing one
    fails here, naming it, rather than being skipped)."""
    state = demo_state()
    world = demo_world(site)
    about_an_audit = {
        name
        for persona in DEMO_PERSONAS
        for name in pages_for(persona, state)
        if MATRIX[name].per_state
    }
    assert {"home:audit-detail", "returns:return-detail"} <= about_an_audit, about_an_audit
    for name in sorted(about_an_audit):
        assert url_of(site, name, world).startswith(site.url + "/"), name


@pytest.mark.parametrize("persona", [ANONYMOUS, *DEMO_PERSONAS])
def test_every_page_a_person_may_open_has_no_serious_accessibility_violations(
    page: Page, site: Site, persona: str
) -> None:
    state = demo_state()
    names = pages_for(persona, state)
    assert names, f"the matrix gives {persona} no page to open"
    world = demo_world(site)
    with_axe(page, site)
    if persona != ANONYMOUS:
        site.sign_in(page, persona)
    found = {}
    for name in names:
        response = page.goto(url_of(site, name, world))
        assert response is not None and response.status == 200, f"{persona} {name}"
        found[f"{persona} {name} {page.url.removeprefix(site.url)}"] = axe_violations(page, site)
    check_axe(found)


FORMS_WITH_ERRORS = {
    # URL name: (who fills it in, the page's submit button)
    "accounts:sign-in": (ANONYMOUS, "Sign in"),
    "organisations:organisation-create": ("admin", "Save"),
    "organisations:person-invite": ("admin", "Send invitation"),
    "organisations:resource-create": ("admin", "Save"),
}


@pytest.mark.parametrize("name", sorted(FORMS_WITH_ERRORS))
def test_a_form_sent_empty_shows_its_errors_with_no_serious_accessibility_violations(
    page: Page, site: Site, name: str
) -> None:
    persona, button = FORMS_WITH_ERRORS[name]
    with_axe(page, site)
    if persona != ANONYMOUS:
        site.sign_in(page, persona)
    page.goto(url_of(site, name))

    page.get_by_role("main").get_by_role("button", name=button, exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend's error summary takes focus
    expect(page.locator(".govuk-error-message").first).to_be_visible()
    check_axe({f"{persona} {name} (sent empty)": axe_violations(page, site)})


# axe reports an aria-describedby that names no element only as "incomplete", never as a
# violation, so hints and error messages are checked here: each must be named by its field's (or
# fieldset's) aria-describedby, every name there must exist, and every link of the error summary
# must lead to an element of the page.
BROKEN_REFERENCES_JS = """() => {
  const problems = [];
  const short = (el) => el.outerHTML.slice(0, 90);
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attr of ["aria-describedby", "aria-labelledby"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          problems.push(`${short(el)}: ${attr} names #${id}, which is not on the page`);
        }
      }
    }
  }
  for (const el of document.querySelectorAll("main .govuk-hint, main .govuk-error-message")) {
    const named = el.id && document.querySelector(`[aria-describedby~="${CSS.escape(el.id)}"]`);
    if (!named) {
      problems.push(`${short(el)}: no field's aria-describedby names it`);
    }
  }
  for (const link of document.querySelectorAll(".govuk-error-summary__list a")) {
    const href = link.getAttribute("href") || "";
    if (href.length < 2 || !document.getElementById(href.slice(1))) {
      problems.push(`error summary link ${short(link)} leads nowhere`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("name", sorted(FORMS_WITH_ERRORS))
def test_a_form_sent_empty_ties_every_hint_and_error_message_to_its_field(
    page: Page, site: Site, name: str
) -> None:
    persona, button = FORMS_WITH_ERRORS[name]
    if persona != ANONYMOUS:
        site.sign_in(page, persona)
    page.goto(url_of(site, name))
    page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()

    problems: list[str] = page.evaluate(BROKEN_REFERENCES_JS)

    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("persona", [ANONYMOUS, "admin"])
def test_a_keyboard_user_s_first_tab_lands_on_a_skip_link_that_shows_when_focused(
    page: Page, site: Site, persona: str
) -> None:
    if persona != ANONYMOUS:
        site.sign_in(page, persona)
        page.goto(f"{site.url}/")
    else:
        page.goto(f"{site.url}/accounts/sign-in/")
    skip = page.get_by_role("link", name="Skip to main content")
    hidden = skip.bounding_box()
    assert hidden is not None and hidden["width"] <= 1 and hidden["height"] <= 1, hidden

    page.keyboard.press("Tab")

    expect(skip).to_be_focused()
    shown = skip.bounding_box()
    assert shown is not None and shown["width"] > 50 and shown["height"] > 10, shown
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{page.url.split('#')[0]}#main-content")
    expect(page.locator("#main-content")).to_be_focused()


def test_the_admin_s_pages_load_with_no_console_errors(page: Page, site: Site) -> None:
    """CSP violations, scripts that fail and assets that are missing all log console errors."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico by itself, as the pages name no icon (reported:
        # templates/base.html could name one); whether the 404 is logged before the next page
        # loads is a matter of timing, so it is not counted here.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{page.url}: {message.text} ({message.location})")

    def on_page_error(error: Error) -> None:
        errors.append(f"{page.url}: uncaught {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    world = demo_world(site)
    site.sign_in(page, "admin")
    for name in ["home:home", *pages_for("admin", demo_state())]:
        page.goto(url_of(site, name, world))
        page.wait_for_load_state("networkidle")
        if name == "home:home":
            # The page script ran: GOV.UK Frontend's JS-enabled styles are on.
            expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert not errors, "console errors:\n" + "\n".join(errors)
