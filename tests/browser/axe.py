"""axe-core in the browser tests: load it into a page and report what it finds.

The pages keep their Content-Security-Policy (script-src 'self'): axe is loaded from a
same-origin address that Playwright answers with static/build/vendor/axe.min.js, so nothing is
inlined and nothing is bypassed. Every violation is printed (pytest shows them with -s or on a
failure); the "serious" and "critical" ones fail the test.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import AXE_JS, Site

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
# Not a page of the app: Playwright answers it with axe-core's file (see with_axe).
AXE_PATH = "/__browser-tests__/axe.min.js"


def with_axe(page: Page, site: Site) -> Page:
    """Answer AXE_PATH with axe-core's file, so add_script_tag(url=...) passes script-src 'self'."""
    page.route(
        f"{site.url}{AXE_PATH}",
        lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript"),
    )
    return page


def axe_violations(page: Page, site: Site) -> list[dict[str, Any]]:
    page.add_script_tag(url=f"{site.url}{AXE_PATH}")
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: tags, resultTypes: ['violations']})", AXE_TAGS
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(where: str, violation: dict[str, Any]) -> str:
    targets = "; ".join(
        " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
    )
    return (
        f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}"
        f" [{len(violation['nodes'])} node(s): {targets}]"
    )


def check_axe(found: dict[str, list[dict[str, Any]]]) -> None:
    """Print every violation found (pytest shows them with -s or on failure); fail on the
    serious and critical ones."""
    every = [describe(where, v) for where, violations in found.items() for v in violations]
    print(json.dumps({"axe_violations": every}, indent=2))
    failing = [
        describe(where, v)
        for where, violations in found.items()
        for v in violations
        if v["impact"] in FAILING_IMPACTS
    ]
    assert not failing, "serious or critical accessibility violations:\n" + "\n".join(failing)
