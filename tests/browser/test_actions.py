"""An action plan through the real pages, in chromium.

"The admin writes an action from a 'what needs to happen' point of the demo's published audit;
Police, the owner agency, proposes completion with an evidence PDF (a renamed program is refused
first); the admin sends it back, Police proposes again and the admin accepts it. An overdue
action is escalated through a real SMTP server to its owner and to the partnership's admins."

The admin and Police each have a browser context of their own. The action page is saved as
docs/img/actions.png for the docs.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, Page, expect

from maqa.actions.models import Action
from maqa.actions.services import action_create
from maqa.demo.published_audit import PUBLISHED_THEME
from maqa.findings.models import Finding
from maqa.organisations.models import Organisation
from tests.browser.axe import axe_violations, check_axe, with_axe
from tests.browser.conftest import REPO, Site

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "docs" / "img" / "actions.png"
MEASURE = "A dip sample of 20 records in March shows the child's own words in 18."


def evidence_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<h1>Attendance register</h1><p>Briefing on recording the child's voice: "
        "42 of 45 practitioners attended.</p>"
    ).write_pdf()


@pytest.fixture
def people(
    site: Site, browser: Browser, tmp_path: Path, settings: Any
) -> Iterator[dict[str, Page]]:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    pages: dict[str, Page] = {}
    for persona in ("admin", "police"):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(10_000)
        page = with_axe(context.new_page(), site)
        site.sign_in(page, persona)
        pages[persona] = page
    yield pages
    for page in pages.values():
        page.context.close()


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes), message
    return payload.decode()


def banner(page: Page) -> Any:
    return page.locator(".govuk-notification-banner--success")


def test_an_action_from_a_finding_to_accepted_evidence_and_an_overdue_escalation(
    site: Site, people: dict[str, Page], smtp_sink: Any
) -> None:
    admin, police = people["admin"], people["police"]
    axe: dict[str, list[dict[str, Any]]] = {}

    def check(page: Page, where: str) -> None:
        axe[f"{where} {page.url.removeprefix(site.url)}"] = axe_violations(page, site)

    # The admin writes an action from a point of the published audit's findings.
    point = Finding.objects.filter(audit__theme=PUBLISHED_THEME, section="action").order_by("pk")[0]
    admin.goto(f"{site.url}/audits/{point.audit_id}/findings/")
    admin.locator(f"#point-{point.pk}").get_by_role(
        "link", name="Write an action from this point"
    ).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Write an action")
    expect(admin.get_by_label("What will be done")).to_have_value(point.text)
    for theme in point.themes.all():
        expect(admin.get_by_label(theme.name, exact=True).first).to_be_checked()
    admin.get_by_role("button", name="Write the action").click()
    summary = admin.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the agency that owns the action")
    expect(summary).to_contain_text("Enter the date the action is due")
    expect(summary).to_contain_text("Enter a measure of success")
    check(admin, "admin, action form with errors")
    due = timezone.localdate() + datetime.timedelta(days=90)
    admin.get_by_label("Owner agency").select_option(label="Police")
    admin.get_by_label("Due date").fill(due.isoformat())
    admin.get_by_label("Measure of success").fill(MEASURE)
    admin.get_by_role("button", name="Write the action").click()
    expect(banner(admin)).to_contain_text("The action has been written.")
    action = Action.objects.get(finding=point)
    assert (action.owner_organisation.short_name, action.due_date) == ("Police", due)
    expect(admin.get_by_role("strong").filter(has_text="Not started")).to_be_visible()

    # Police sees it first in its list and proposes completion with evidence.
    police.goto(f"{site.url}/actions/")
    police.get_by_role("link", name=point.text[:40]).first.click()
    expect(police).to_have_url(f"{site.url}/actions/{action.pk}/")
    check(police, "police, action page")
    police.get_by_role("link", name="Propose completion").click()
    text = police.get_by_label("What was done, and how it meets the measure of success")
    files = police.get_by_label("Evidence files (optional)")
    text.fill("All practitioners briefed; the register is attached.")
    files.set_input_files(
        [FilePayload(name="register.pdf", mimeType="application/pdf", buffer=b"MZ\x90\x00" * 64)]
    )
    police.get_by_role("button", name="Propose completion").click()
    expect(police.locator(".govuk-error-summary")).to_contain_text(
        "register.pdf is not a PDF, Word (.docx), PNG or JPEG file"
    )
    check(police, "police, refused file")
    action.refresh_from_db()
    assert (action.status, action.updates.count()) == (Action.Status.NOT_STARTED, 0)
    pdf = evidence_pdf()
    police.get_by_label("Evidence files (optional)").set_input_files(
        [FilePayload(name="Register (final).pdf", mimeType="application/pdf", buffer=pdf)]
    )
    police.get_by_role("button", name="Propose completion").click()
    expect(banner(police)).to_contain_text("Completion has been proposed")
    with police.expect_download() as download:
        police.get_by_role("link", name="Register_final.pdf").click()
    assert Path(download.value.path()).read_bytes() == pdf
    assert download.value.suggested_filename == "Register_final.pdf"

    # The admin sends it back, Police proposes again, and the admin accepts.
    admin.goto(f"{site.url}/actions/{action.pk}/")
    admin.get_by_role("link", name="Accept or send back").click()
    check(admin, "admin, decide")
    admin.get_by_label("No: send it back to the owner").check()
    admin.get_by_role("button", name="Save the decision").click()
    expect(admin.locator(".govuk-error-summary")).to_contain_text("Say what is missing")
    admin.get_by_label("Comment").fill("Add the dip sample of records as well, please.")
    admin.get_by_role("button", name="Save the decision").click()
    expect(banner(admin)).to_contain_text("sent back")
    police.goto(f"{site.url}/actions/{action.pk}/")
    expect(police.get_by_text("Add the dip sample of records as well, please.")).to_be_visible()
    police.get_by_role("link", name="Propose completion").click()
    police.get_by_label("What was done, and how it meets the measure of success").fill(
        "Dip sample done: 18 of 20 records have the child's own words."
    )
    police.get_by_role("button", name="Propose completion").click()
    expect(banner(police)).to_be_visible()
    admin.goto(f"{site.url}/actions/{action.pk}/decide/")
    admin.get_by_label("Yes: accept the evidence, the action is completed").check()
    admin.get_by_role("button", name="Save the decision").click()
    expect(banner(admin)).to_contain_text("The action is completed.")
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETED
    assert action.completed_accepted_by is not None
    assert action.completed_accepted_by.email == "admin@demo.test"
    check(admin, "admin, completed action")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(SCREENSHOT), full_page=True)

    # An overdue action is escalated to its owner and to the admins, once.
    late = action_create(
        actor=action.created_by,
        ip=None,
        description="Review the escalation policy with designated safeguarding leads.",
        owner_organisation=Organisation.objects.get(
            partnership=action.partnership, short_name="Police"
        ),
        due_date=timezone.localdate() - datetime.timedelta(days=2),
        measure_of_success="Every school's lead has signed the updated policy.",
    )
    smtp_sink.messages.clear()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "overdue (escalated to admins)" in out.getvalue(), out.getvalue()
    link = f"/actions/{late.pk}/"
    received = {m["To"]: m for m in smtp_sink.messages if link in body_of(m)}
    assert {"police@demo.test", "admin@demo.test", "deputy@demo.test"} <= set(received), list(
        received
    )
    assert received["police@demo.test"]["Subject"] == "maqa: overdue actions"
    assert "Escalated to you:" in body_of(received["admin@demo.test"])
    count = len(smtp_sink.messages)
    call_command("send_reminders", stdout=io.StringIO())
    assert len(smtp_sink.messages) == count
    check_axe(axe)
