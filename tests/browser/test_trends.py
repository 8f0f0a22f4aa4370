"""The trends page and its charts, in chromium, on the demo partnership's history.

The board member (a viewer) opens the trends: the recurring themes are called out in words, and
each chart is an image with an accessible name, described by a sentence, beside a table of its
figures. The period filter narrows the audits; a period ending before it starts is refused with a
message. axe checks the page; it is saved as docs/img/trends.png for the docs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import axe_violations, check_axe, with_axe
from tests.browser.conftest import REPO, Site

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "docs" / "img" / "trends.png"
CHARTS = {
    "recurrence": "Themes by audit",
    "grades": "Agreed grades by domain and year",
    "self-vs-panel": "Agency self-grades against the panel's agreed grades",
    "timeliness": "Returns on time, late and not submitted",
    "actions-by-agency": "Actions open, overdue and completed by agency",
    "actions-by-theme": "Actions open, overdue and completed by theme",
}


@pytest.fixture
def board(site: Site, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = with_axe(context.new_page(), site)
    site.sign_in(page, "board")
    yield page
    context.close()


def test_the_board_reads_the_trends_and_their_charts(site: Site, board: Page) -> None:
    axe: dict[str, list[dict[str, Any]]] = {}
    board.get_by_role("navigation", name="Main").get_by_role("link", name="Trends").click()
    expect(board.get_by_role("heading", level=1)).to_have_text("Trends across audits")

    callouts = board.get_by_role("list", name="Themes that keep coming back").get_by_role(
        "listitem"
    )
    expect(callouts.first).to_have_text(
        re.compile(
            r"^.+: a concern in \d+ of \d+ audits \([A-Z][a-z]{2} \d{4} to [A-Z][a-z]{2} \d{4}\)$"
        )
    )

    for name, label in CHARTS.items():
        chart = board.get_by_role("img", name=re.compile("^" + re.escape(label)))
        expect(chart).to_have_count(1)
        expect(chart).to_be_visible()
        # Described by the sentence beside it, and followed by a table of its figures.
        figure = board.locator(f'figure[aria-describedby="{name}-summary"]')
        expect(figure.locator(f"#{name}-summary")).not_to_be_empty()
        expect(board.locator(f"#{name}-table")).to_have_count(1)
        assert board.locator(f"#{name}-table tbody tr").count() >= 1, name
    # The larger tables open on demand.
    board.get_by_text("Table: themes by audit").click()
    expect(board.locator("#recurrence-table")).to_be_visible()
    axe["board, trends page"] = axe_violations(board, site)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    board.get_by_text("Table: themes by audit").click()  # closed again for the picture
    board.screenshot(path=str(SCREENSHOT), full_page=True)

    # One year only: fewer audits in the recurrence.
    every = board.locator("#recurrence-table thead th").count()
    year = board.get_by_role("link", name=re.compile(r"^\d{4}$")).last
    year.click()
    expect(board).to_have_url(re.compile(r"start=\d{4}-01-01&end=\d{4}-12-31"))
    assert board.locator("#recurrence-table thead th").count() < every

    # A period that ends before it starts is refused, naming the problem.
    board.get_by_label("From").fill("2025-06-01")
    board.get_by_label("To").fill("2024-01-01")
    board.get_by_role("button", name="Show this period").click()
    expect(board.locator(".govuk-error-summary")).to_contain_text(
        "The end of the period must be on or after its start."
    )
    axe["board, period refused"] = axe_violations(board, site)
    check_axe(axe)
