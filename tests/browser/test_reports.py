"""The reports page in chromium: the demo admin downloads the findings (CSV and Excel), the
actions (Excel) and the board report (PDF) through the page's buttons, and each file is opened
with what a reader would use (csv, openpyxl, pdftotext) and checked against the database.

Before that, the test writes two actions of its own through the models: one overdue, whose
description starts with "=" (a formula, were it not neutralised), and one completed. The page is
checked with axe; docs/img/reports.png is its screenshot and docs/img/board-report.png page 1
of the board report.
"""

from __future__ import annotations

import csv
import datetime
import io
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Download, Page, expect

from tests.browser.axe import axe_violations, check_axe, with_axe
from tests.browser.conftest import REPO, Site

pytestmark = pytest.mark.browser

DOCS_IMG = REPO / "docs" / "img"
FORMULA = '=HYPERLINK("http://example.org","Open me")'
OVERDUE = "Fathers' protocol written and shared with every agency"


def add_actions() -> None:
    from maqa.accounts.models import User
    from maqa.actions.models import Action
    from maqa.audits.models import Audit
    from maqa.organisations.models import Organisation

    admin = User.objects.get(email="admin@demo.test")
    police = Organisation.objects.get(partnership=admin.partnership, short_name="Police")
    audit = (
        Audit.objects.filter(partnership=admin.partnership, state=Audit.State.PUBLISHED)
        .order_by("-panel_date")
        .first()
    )
    assert audit is not None, "the demo has no published audit"
    today = timezone.localdate()
    Action.objects.create(
        partnership=admin.partnership, audit=audit, description=OVERDUE,
        owner_organisation=police, due_date=today - datetime.timedelta(days=30),
        measure_of_success=FORMULA, status=Action.Status.IN_PROGRESS,
    )  # fmt: skip
    Action.objects.create(
        partnership=admin.partnership, audit=audit, description=FORMULA,
        owner_organisation=police, due_date=today + datetime.timedelta(days=60),
        measure_of_success="A re-audit finds fathers invited.",
    )  # fmt: skip


def download(page: Page, button: str, to: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    got: Download = info.value
    assert got.failure() is None, got.failure()
    path = to / got.suggested_filename
    got.save_as(path)
    return path


def findings_in_database() -> list[tuple[str, str]]:
    """(audit theme, text) of every point of the demo's audits from the panel on, read here
    without the reports' selectors."""
    from maqa.findings.models import Finding

    return sorted(
        Finding.objects.filter(
            audit__partnership__name__startswith="Demo",
            audit__state__in=["panel", "reporting", "published", "closed"],
        ).values_list("audit__theme", "text")
    )


def test_the_demo_admin_downloads_the_exports_and_the_board_report(
    site: Site, page: Page, tmp_path: Path
) -> None:
    add_actions()
    with_axe(page, site)
    site.sign_in(page, "admin")
    page.goto(f"{site.url}/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    axe: dict[str, list[dict[str, Any]]] = {"reports page": axe_violations(page, site)}
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "reports.png"), full_page=True)
    today = timezone.localdate().isoformat()

    # The findings as CSV: every point of every audit from the panel on, nothing else.
    path = download(page, "CSV of the findings", tmp_path)
    assert path.name == f"maqa-findings-{today}.csv"
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == [
        "Audit",
        "Audit date",
        "Section",
        "Theme for learning",
        "Polarity",
        "Text",
    ]
    exported = sorted((row[0], row[5].removeprefix("'")) for row in rows[1:])
    assert exported == findings_in_database()
    assert len(exported) > 0

    # The same as Excel.
    path = download(page, "Excel of the findings", tmp_path)
    assert path.name == f"maqa-findings-{today}.xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == rows[0]
    assert sorted((row[0], str(row[5]).removeprefix("'")) for row in cells[1:]) == exported

    # The actions as Excel: the formula is text, quoted; the dates are dates.
    path = download(page, "Excel of the actions", tmp_path)
    assert path.name == f"maqa-actions-{today}.xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["Description", "Owner agency", "Owner person", "Due date", "Status"]
    by_text = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    formula_row = by_text["'" + FORMULA]
    assert formula_row[0].data_type == "s"
    assert formula_row[1].value == "Police"
    overdue_row = by_text[OVERDUE]
    assert overdue_row[5].value == "'" + FORMULA and overdue_row[5].data_type == "s"
    assert overdue_row[4].value == "In progress"
    assert isinstance(overdue_row[3].value, datetime.datetime)

    # The board report for all audits, read back with pdftotext.
    path = download(page, "Download the board report (PDF)", tmp_path)
    assert path.name == f"maqa-board-report-{today}.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    words = " ".join(out.stdout.split())
    assert "Board report: multi-agency audits" in words
    assert "Period: all audits." in words
    assert "Actions by owner agency" in words
    assert "Open actions past their due date" in words
    assert OVERDUE in words
    assert "Briefings of the period" in words
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", "1", "-l", "1", str(path),
         str(DOCS_IMG / "board-report")],
        check=True,
    )  # fmt: skip

    # A period that ends before the end of the start: the page says so, nothing is downloaded.
    page.goto(f"{site.url}/reports/")
    page.locator("#board_start").fill("2025-06-01")
    page.locator("#board_end").fill("2025-01-01")
    page.get_by_role("button", name="Download the board report (PDF)").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The end of the period must be on or after its start."
    )
    axe["reports page with an error"] = axe_violations(page, site)
    check_axe(axe)
