"""From the panel to the published briefing, on the demo audit, in chromium.

Issue 4: "Browser tests walk a panel on the demo audit: grades agreed, findings like the seeds'
recorded and themed, a planted NHS number and a child's name blocked at publication, then
published; PDF and Word downloaded and opened (PDF text extracted with pdftotext; Word converted
by LibreOffice headless without error)."

The demo audit "Engagement with fathers" starts in returns open (maqa/demo/live_audit.py). The admin
moves it to the panel; the admin and the panel member agree grades on a child's page and read
them in the grid; they record findings like those of the demo's published audit
(maqa/demo/published_audit.py), each with its themes chosen in the form; the audit moves to reporting.
Two planted points (a synthetic NHS number with a valid check digit, and a sampled child's name,
decrypted here from the case list) block publication; once both are corrected the admin asks to
publish, the second admin (deputy@demo.test) confirms with the checklist, and version 1 is
published. Its PDF is read back with pdftotext, its Word file converted by LibreOffice headless,
and the board member reads and downloads it. axe checks the pages met on the way.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Download, Locator, Page, expect

from maqa.audits import crypto
from maqa.audits.models import Audit
from maqa.briefings.models import BriefingVersion
from maqa.demo.live_audit import DEMO_THEME
from maqa.demo.partnership import DEMO_PASSWORD
from maqa.lifecycle.publication import CHECKLIST
from tests.browser.axe import axe_violations, check_axe, with_axe
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

# The second partnership admin (maqa/demo/published_audit.py): not one of DEMO_PEOPLE, so not a persona
# of the permission matrix; signed in here by email.
DEPUTY = ("deputy@demo.test", "Dana Deputy")

# Agreed grades: (who, domain title, grade label, its tag colour, rationale).
GRADES = [
    ("admin", "Recognition of need and risk", "Good", "green",
     "Agencies recognised the neglect early and shared it at the strategy meeting."),
    ("admin", "Fathers and significant adults", "Inadequate", "red",
     "The father was not identified by any agency until the review conference."),
    ("panel", "Voice and lived experience of the child", "Requires improvement", "yellow",
     "The child was seen but their wishes were not recorded in the plan."),
]  # fmt: skip

# Findings like the seeds' (maqa/demo/published_audit.py), each with its themes as (top-level theme,
# theme): the top-level theme itself, or one of its subthemes (see choose_themes).
FATHERS = "Fathers, male carers and partners"
VOICE = "Voice and lived experience of the child"
SHARING = "Information sharing and communication"
ASSESSMENT = "Assessment quality and analysis of risk"
MULTI_AGENCY = "Multi-agency coordination and joint working"
WORRY = "Fathers and new partners were not included in assessments or plans."
GOOD = "Health visitors shared worries quickly with social care."
LEARNING_TITLE = "Engagement with fathers"
FOUND = "Fathers were rarely seen or spoken to."
ACTION = "Always ask who the child's father and significant adults are, and include them."
# Planted for the identifier check, then corrected.
NHS_DIGITS_STEM = "401023456"  # nine digits; the tenth is computed (nhs_check_digit)
NHS_FIXED = "A health record was sent to the wrong agency."
NAME_FIXED = "Child A was not seen alone at any visit."


def nhs_check_digit(nine: str) -> int | None:
    """The modulus 11 check digit of nine digits (None when it would be 10: no such number).
    Worked out here, not taken from the app, so the test does not trust what it tests."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def synthetic_nhs_number() -> str:
    """A synthetic ten-digit number with a valid check digit, written "401 023 4567"."""
    stem = NHS_DIGITS_STEM
    while (check := nhs_check_digit(stem)) is None:
        stem = f"{int(stem) + 1:09d}"
    digits = f"{stem}{check}"
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def test_nhs_check_digit_matches_a_known_test_number() -> None:
    """943 476 5919 is the NHS's well-known test number."""
    assert nhs_check_digit("943476591") == 9
    number = synthetic_nhs_number().replace(" ", "")
    assert len(number) == 10 and number.isdigit()


@dataclass
class Walk:
    """What the steps share: the site, a signed-in page per person, axe's findings."""

    site: Site
    browser: Browser
    tmp: Path
    audit: Audit
    pages: dict[str, Page] = field(default_factory=dict)
    axe: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    nhs_number: str = ""
    child_name: str = ""

    def person(self, persona: str) -> Page:
        """This person's page, in a browser context of their own, signed in."""
        if persona not in self.pages:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            page = with_axe(context.new_page(), self.site)
            if persona == "deputy":
                sign_in_by_email(self.site, page, *DEPUTY)
            else:
                self.site.sign_in(page, persona)
            self.pages[persona] = page
        return self.pages[persona]

    def url(self, suffix: str = "") -> str:
        return f"{self.site.url}/audits/{self.audit.pk}/{suffix}"

    def check_axe_here(self, page: Page, where: str) -> None:
        self.axe[f"{where} {page.url.removeprefix(self.site.url)}"] = axe_violations(
            page, self.site
        )


def sign_in_by_email(site: Site, page: Page, email: str, full_name: str) -> None:
    page.goto(f"{site.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {full_name}")


@pytest.fixture
def walk(site: Site, browser: Browser, tmp_path: Path) -> Iterator[Walk]:
    audit = Audit.objects.get(partnership__slug="demo", theme=DEMO_THEME)
    assert audit.state == Audit.State.RETURNS_OPEN, "the demo audit should start in returns open"
    walk = Walk(site=site, browser=browser, tmp=tmp_path, audit=audit)
    yield walk
    for page in walk.pages.values():
        page.context.close()


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def open_audit(page: Page, walk: Walk) -> None:
    page.goto(f"{walk.site.url}/audits/")
    page.get_by_role("link", name=DEMO_THEME, exact=True).click()
    expect(h1(page)).to_have_text(DEMO_THEME)


# --- the steps ----------------------------------------------------------------------------


def move_to_panel(walk: Walk) -> None:
    page = walk.person("admin")
    open_audit(page, walk)
    expect(page.get_by_text("Audit, returns open")).to_be_visible()
    page.get_by_role("button", name="Close returns and move to the panel").click()
    expect(banner(page)).to_contain_text("The audit is now: Panel")
    expect(page.get_by_text("Audit, panel")).to_be_visible()


def domain_section(page: Page, title: str) -> Locator:
    return page.get_by_role("region", name=title, exact=True)


def agree_grade(page: Page, title: str, grade: str, rationale: str) -> None:
    """Agree a domain's grade on a child's page (saved by htmx, without reloading)."""
    section = domain_section(page, title)
    form = section.get_by_role("group", name=f"The panel's agreed grade for {title}")
    form.get_by_label(grade, exact=True).check()
    section.get_by_label("Rationale").fill(rationale)
    section.get_by_role("button", name=f"Save the agreed grade for {title}").click()
    expect(section.get_by_text(f"Saved: {grade}.")).to_be_visible()
    expect(page.locator("#panel-live")).to_have_text(
        f"Saved the panel's grade for {title}: {grade}."
    )


def agree_grades(walk: Walk) -> None:
    """The admin opens the panel and Child A, and agrees two domains; the panel member, on the
    same page in their own browser, agrees a third and sees the admin's."""
    admin = walk.person("admin")
    admin.get_by_role("link", name="Panel", exact=True).click()
    expect(h1(admin)).to_have_text("Panel")
    admin.get_by_role("link", name="Child A", exact=True).click()
    expect(h1(admin)).to_have_text("Child A")
    walk.check_axe_here(admin, "panel child page")
    child_url = admin.url
    for who, title, grade, _colour, rationale in GRADES:
        page = walk.person(who)
        if page.url != child_url:
            page.goto(child_url)
            expect(h1(page)).to_have_text("Child A")
        agree_grade(page, title, grade, rationale)
    panel = walk.person("panel")
    panel.reload()
    for _who, title, grade, _colour, rationale in GRADES:
        section = domain_section(panel, title)
        expect(section.get_by_label(grade, exact=True)).to_be_checked()
        expect(section.get_by_label("Rationale")).to_have_value(rationale)
    contents = panel.get_by_role("navigation", name="Contents")
    expect(contents).to_contain_text(f"{GRADES[0][1]}: {GRADES[0][2]}")


def read_the_grid(walk: Walk) -> None:
    page = walk.person("panel")
    page.get_by_role("link", name="The panel").click()
    page.get_by_role("link", name="Agreed grades: summary grid").click()
    expect(h1(page)).to_have_text("Agreed grades")
    table = page.get_by_role("region", name="Agreed grades by child and domain")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="Child A", exact=True))
    cells = row.locator("td")
    for _who, title, grade, colour, _rationale in GRADES:
        cell = cells.nth(headers.index(title) - 1)  # the first column is the child's
        tag = cell.locator("strong.govuk-tag")
        expect(tag).to_have_text(grade)  # the words, not the colour alone
        expect(tag).to_have_class(f"govuk-tag govuk-tag--{colour}")
    # Domains not agreed yet: a dash, read out as "Not agreed yet".
    empty = cells.nth(headers.index("Assessment") - 1)
    expect(empty.locator("strong.govuk-tag")).to_have_count(0)
    expect(empty).to_contain_text("—")
    walk.check_axe_here(page, "panel grid")


def choose_themes(page: Page, boxes: list[tuple[str, str]]) -> None:
    """Tick each (top-level theme, theme) box, opening its group first. The top-level theme's
    own box reads "<name> (in general)"; a subtheme's "<top-level name>: <name>" to a screen
    reader (the group's name is visually hidden)."""
    fieldset = page.get_by_role("group", name="Themes", exact=True)
    for group, theme in boxes:
        details = fieldset.locator("details").filter(has=page.locator("summary", has_text=group))
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        label = f"{group} (in general)" if theme == group else f"{group}: {theme}"
        details.get_by_label(label, exact=True).check()


def add_point(page: Page, add: str, text: str, boxes: list[tuple[str, str]]) -> None:
    """From the findings page: the add button, the point, its themes; back on the findings."""
    page.get_by_role("link", name=add).click()
    expect(h1(page)).to_have_text("Add a point")
    page.get_by_label("The point").fill(text)
    choose_themes(page, boxes)
    page.get_by_role("button", name="Add the point").click()
    expect(h1(page)).to_have_text("Findings")
    expect(page.get_by_text(text, exact=True)).to_be_visible()


def record_findings(walk: Walk) -> None:
    """A worry, good practice and a theme for learning, like the seeds'; then the two planted
    points (an NHS number, a child's name) as worries 2 and 3."""
    admin = walk.person("admin")
    open_audit(admin, walk)
    admin.get_by_role("link", name="Findings", exact=True).click()
    expect(h1(admin)).to_have_text("Findings")

    # The form with errors first: no text, no theme.
    admin.get_by_role("link", name="Add a worry").click()
    admin.get_by_role("button", name="Add the point").click()
    summary = admin.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Write the point.")
    expect(summary).to_contain_text("theme")
    expect(admin).to_have_title(re.compile(rf"^Error: Add a point: {DEMO_THEME}"))
    walk.check_axe_here(admin, "findings form with errors")
    admin.get_by_label("The point").fill(WORRY)
    choose_themes(admin, [(FATHERS, FATHERS), (ASSESSMENT, "Holistic content")])
    admin.get_by_role("button", name="Add the point").click()
    expect(h1(admin)).to_have_text("Findings")

    # The panel member records the good practice.
    panel = walk.person("panel")
    panel.goto(walk.url("findings/"))
    add_point(panel, "Add good practice", GOOD, [
        (SHARING, SHARING),
        (VOICE, "Non verbal observation"),
        (MULTI_AGENCY, "Meeting attendance"),
    ])  # fmt: skip

    admin.reload()
    admin.get_by_role("link", name="Add a theme for learning").click()
    admin.get_by_label("Title (optional)").fill(LEARNING_TITLE)
    admin.get_by_role("button", name="Add the theme for learning").click()
    expect(admin.get_by_role("heading", name=LEARNING_TITLE, level=3)).to_be_visible()
    add_point(admin, f"Add what we found ({LEARNING_TITLE})", FOUND,
              [(FATHERS, "Identification inclusion")])  # fmt: skip
    add_point(admin, f"Add what needs to happen ({LEARNING_TITLE})", ACTION,
              [(FATHERS, FATHERS), (VOICE, VOICE)])  # fmt: skip

    # The planted points: a synthetic NHS number, and a sampled child's own name.
    walk.nhs_number = synthetic_nhs_number()
    child = walk.audit.cases.get(reference="Child B")
    walk.child_name = crypto.decrypt(walk.audit, child.enc_name)
    assert walk.child_name.strip(), "the demo child has no name to plant"
    add_point(admin, "Add a worry",
              f"A referral quoted the NHS number {walk.nhs_number} in full.",
              [(SHARING, SHARING)])  # fmt: skip
    add_point(admin, "Add a worry",
              f"{walk.child_name} was not seen alone at any visit.",
              [(VOICE, VOICE)])  # fmt: skip

    # Each point shows its themes on the findings page.
    worry = admin.locator("#worries + ol > li").first
    expect(worry).to_contain_text(FATHERS)
    expect(worry).to_contain_text("Holistic")
    expect(worry.locator(".govuk-tag")).to_have_text("Concern")


def move_to_reporting(walk: Walk) -> None:
    page = walk.person("admin")
    open_audit(page, walk)
    page.get_by_role("button", name="Move to reporting").click()
    expect(banner(page)).to_contain_text("The audit is now: Reporting")


def publication_blocked(walk: Walk) -> None:
    page = walk.person("admin")
    page.get_by_role("link", name="Briefing", exact=True).click()
    expect(h1(page)).to_have_text("Learning briefing")
    hits = page.locator(".govuk-error-summary")
    expect(hits.get_by_role("heading")).to_have_text(
        "The identifier check found 2 things that could identify a child"
    )
    items = hits.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("What we are worried about, point 2: an NHS number")
    expect(items.nth(1)).to_contain_text("What we are worried about, point 3: a child's name")
    # Nothing found is repeated on the screen, and there is no way to ask yet.
    assert_not_on_page(page, walk)
    expect(page.get_by_role("link", name="Ask to publish the briefing")).to_have_count(0)
    walk.check_axe_here(page, "briefing page with hits")

    # Asking anyway (the address of the request page) is blocked the same way.
    page.goto(walk.url("briefing/publish/"))
    expect(h1(page)).to_have_text("Ask to publish the briefing")
    expect(page.locator(".govuk-error-summary").get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_role("button", name="Ask to publish")).to_have_count(0)
    assert_not_on_page(page, walk)


def assert_not_on_page(page: Page, walk: Walk) -> None:
    """The check's list masks what it found (the briefing's preview below it, which the admin
    may read, shows the findings as they are)."""
    text = page.locator(".govuk-error-summary").inner_text()
    assert walk.nhs_number not in text
    assert walk.nhs_number.replace(" ", "") not in text
    for part in walk.child_name.split():
        if len(part) >= 3 and not part.isdigit():
            assert part not in text, "the check repeated a child's name on the screen"


def change_point(page: Page, walk: Walk, number: int, text: str) -> None:
    page.goto(walk.url("findings/"))
    page.get_by_role("link", name=f"Change point {number} of What we are worried about").click()
    expect(h1(page)).to_have_text("Change a point")
    page.get_by_label("The point").fill(text)
    page.get_by_role("button", name="Save the point").click()
    expect(h1(page)).to_have_text("Findings")
    expect(page.get_by_text(text, exact=True)).to_be_visible()


def fix_and_ask(walk: Walk) -> None:
    page = walk.person("admin")
    change_point(page, walk, 2, NHS_FIXED)
    change_point(page, walk, 3, NAME_FIXED)
    page.goto(walk.url("briefing/"))
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_text("The identifier check found no names")).to_be_visible()
    page.get_by_role("link", name="Ask to publish the briefing").click()
    expect(h1(page)).to_have_text("Ask to publish the briefing")
    page.get_by_role("button", name="Ask to publish").click()
    expect(banner(page)).to_contain_text("Publication requested")
    expect(page.get_by_text("Another partnership admin must now read it")).to_be_visible()
    # The one who asked cannot confirm.
    expect(page.get_by_role("link", name="Read and confirm the briefing")).to_have_count(0)


def confirm_and_publish(walk: Walk) -> None:
    page = walk.person("deputy")
    page.goto(walk.url("briefing/"))
    page.get_by_role("link", name="Read and confirm the briefing").click()
    expect(h1(page)).to_have_text("Confirm the anonymisation")
    preview = page.locator(".maqa-briefing-preview")
    expect(preview).to_contain_text(WORRY)
    expect(preview).to_contain_text(NAME_FIXED)
    walk.check_axe_here(page, "confirm page")

    # One point left unticked: refused, and nothing is published.
    checklist = page.get_by_role("group", name="In this briefing")
    for _key, text in CHECKLIST[:-1]:
        checklist.get_by_label(text).check()
    page.get_by_role("button", name="Confirm and publish").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm this point, or do not publish."
    )
    assert not BriefingVersion.objects.filter(audit=walk.audit).exists()
    walk.check_axe_here(page, "confirm page with errors")

    checklist = page.get_by_role("group", name="In this briefing")
    for _key, text in CHECKLIST:
        checklist.get_by_label(text).check()
    page.get_by_role("button", name="Confirm and publish").click()
    expect(banner(page)).to_contain_text("Published version 1 of the briefing.")
    expect(h1(page)).to_have_text("Learning briefing, version 1")
    expect(page.get_by_text("Anonymisation confirmed by")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Dana Deputy")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Alex Admin")
    walk.check_axe_here(page, "published version")
    walk.audit.refresh_from_db()
    assert walk.audit.state == Audit.State.PUBLISHED


def download(page: Page, link: str, to: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    got: Download = info.value
    assert got.failure() is None, got.failure()
    path = to / got.suggested_filename
    got.save_as(path)
    return path


def pdf_text(path: Path) -> str:
    assert path.read_bytes().startswith(b"%PDF"), f"{path.name} is not a PDF"
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


def soffice_or_skip() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = (
        "LibreOffice (soffice) is not installed, so the Word briefing cannot be opened: "
        "run scripts/install-system-deps (Debian package libreoffice-writer-nogui)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def docx_opens(docx: Path, out: Path) -> Path:
    """Convert the Word file to PDF with LibreOffice headless; it must exit 0 and make a PDF."""
    soffice = soffice_or_skip()
    out.mkdir(exist_ok=True)
    profile = out / "lo-profile"  # its own profile: no lock shared with a desktop LibreOffice
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    converted = out / f"{docx.stem}.pdf"
    assert done.returncode == 0, f"soffice failed ({done.returncode}): {done.stderr}"
    assert converted.exists(), f"soffice made no PDF: {done.stdout} {done.stderr}"
    return converted


def read_the_files(walk: Walk) -> None:
    """The published version's PDF and Word file, downloaded through the page, read back."""
    page = walk.person("deputy")
    n = walk.audit.pk
    pdf = download(page, "PDF of this version", walk.tmp)
    assert pdf.name == f"briefing-{n}-v1.pdf"
    text = pdf_text(pdf)
    for expected in (LEARNING_TITLE, WORRY, GOOD, FOUND, NHS_FIXED, NAME_FIXED):
        assert expected.rstrip(".") in text, f"{expected!r} is not in the PDF"
    assert walk.nhs_number not in text and walk.nhs_number.replace(" ", "") not in text
    assert walk.child_name not in text
    for part in walk.child_name.split():
        if len(part) >= 3 and not part.isdigit():
            assert part.lower() not in text.lower(), "a child's name is in the PDF"

    docx = download(page, "Word document of this version", walk.tmp)
    assert docx.name == f"briefing-{n}-v1.docx"
    assert docx.read_bytes().startswith(b"PK"), "the Word file is not a zip (OOXML)"
    converted = docx_opens(docx, walk.tmp / "converted")
    word_text = pdf_text(converted)
    assert WORRY.rstrip(".") in word_text
    assert walk.nhs_number not in word_text and walk.child_name not in word_text


def board_reads_it(walk: Walk) -> None:
    page = walk.person("board")
    open_audit(page, walk)
    page.get_by_role("link", name="Briefing", exact=True).click()
    expect(h1(page)).to_have_text("Learning briefing")
    expect(page.get_by_role("heading", name="Published versions")).to_be_visible()
    expect(page.locator(".maqa-briefing-preview")).to_contain_text(LEARNING_TITLE)
    # The board reads only what was published: no preview downloads, no publishing.
    expect(page.get_by_role("link", name="PDF of the briefing as it stands now")).to_have_count(0)
    page.get_by_role("link", name="Version 1").click()
    expect(h1(page)).to_have_text("Learning briefing, version 1")
    pdf = download(page, "PDF of this version", walk.tmp / "board")
    text = pdf_text(pdf)
    assert LEARNING_TITLE in text and GOOD.rstrip(".") in text


def test_panel_to_published_briefing(walk: Walk) -> None:
    (walk.tmp / "board").mkdir()
    move_to_panel(walk)
    agree_grades(walk)
    read_the_grid(walk)
    record_findings(walk)
    move_to_reporting(walk)
    publication_blocked(walk)
    fix_and_ask(walk)
    confirm_and_publish(walk)
    read_the_files(walk)
    board_reads_it(walk)
    check_axe(walk.axe)
