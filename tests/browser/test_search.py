"""The learning search in chromium, on the demo partnership: the board member (a viewer) and the
admin search from the navigation, filter by theme and follow a result to its audit; axe checks
the results page, which is the docs' screenshot (docs/img/search.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations, check_axe, with_axe
from tests.browser.conftest import REPO, Site

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "docs" / "img" / "search.png"
FATHERS = "Fathers, male carers and partners"


def search_from_nav(page: Page, words: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    page.get_by_role("textbox", name="Search the partnership's learning").fill(words)
    page.get_by_role("button", name="Search").click()


def results(page: Page) -> list[str]:
    return page.locator(".maqa-search-results > li h3").all_inner_texts()


def test_the_board_searches_filters_by_theme_and_reads_the_briefing(page: Page, site: Site) -> None:
    with_axe(page, site)
    site.sign_in(page, "board")
    search_from_nav(page, "fathers")
    expect(page.locator("#results-heading")).to_contain_text("result")
    expect(page.locator(".maqa-search-results mark").first).to_have_text("Fathers")
    before = len(results(page))
    assert before >= 2
    page.get_by_label("Theme").select_option(label=FATHERS)
    page.get_by_label("Findings", exact=True).check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_contain_text("result")
    themed = page.locator(".maqa-search-results > li")
    for item in themed.all():
        expect(item).to_contain_text("Finding")
        expect(item).to_contain_text(FATHERS)
    found = {"search results, board": axe_violations(page, site)}
    page.locator("main").screenshot(path=str(SCREENSHOT))
    first = themed.first.get_by_role("link")
    first.click()
    # A viewer reads findings in the published briefing.
    expect(page).to_have_url(f"{site.url}/audits/{page.url.split('/')[4]}/briefing/")
    expect(page.locator("main")).to_contain_text("Fathers")
    check_axe(found)


def test_the_admin_follows_a_finding_to_its_point(page: Page, site: Site) -> None:
    with_axe(page, site)
    site.sign_in(page, "admin")
    search_from_nav(page, '"rarely seen"')
    expect(page.locator("#results-heading")).to_have_text("1 result")
    snippet = page.locator(".maqa-search-results > li p").first.inner_text()
    found = {"search results, admin": axe_violations(page, site)}
    page.locator(".maqa-search-results > li").first.get_by_role("link").click()
    assert "/findings/#point-" in page.url
    point = page.url.split("#")[1]
    expect(page.locator(f"#{point}")).to_contain_text(snippet.strip()[:20])
    # Nothing at all for words that appear nowhere; odd characters are just text.
    search_from_nav(page, 'NEAR( "*: -')
    expect(page.locator("#results-heading")).to_have_text("No results")
    check_axe(found)
