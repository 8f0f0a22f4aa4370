"""Take the screenshots of the docs: maqa with the demo data, through a real browser.

    .venv/bin/python scripts/screenshot.py                 docs/screenshot.png: the People page
    .venv/bin/python scripts/screenshot.py --page home     the admin's home page
    .venv/bin/python scripts/screenshot.py --output /tmp/shot.png
    .venv/bin/python scripts/screenshot.py --docs          every image of the docs (below)

--docs writes docs/screenshot.png (the README's) and, under docs/img/:

    audit-page.png     the admin, on the demo audit's page
    dashboard.png      the admin, on its completion dashboard
    sample-page.png    the admin, on the case list and sample of a second audit, in draft
    returns-list.png   the police auditor, on Your returns
    return-form.png    the police auditor, on a return they have started to fill in
    concern-form.png   the police auditor, raising an immediate safeguarding concern

It starts maqa on a throwaway SQLite database in a temporary directory (MAQA_VAR_DIR, so the
development database and secrets under var/ are not touched): `maqa migrate`, `maqa demo`, then
`maqa runserver` on a free port. For --docs it also plans the draft audit, with a case list of
made-up identifiers, through maqa's services. Playwright drives Debian's chromium
(/usr/bin/chromium) to sign in through the sign-in form and take the screenshots, 1280 pixels
wide (the docs' images are of the whole page). The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_EMAIL = "admin@demo.test"
PAGES = {"people": "/manage/people/", "home": "/"}
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
DOCS_IMG = REPO / "docs" / "img"
DRAFT_THEME = "Neglect in the early years"


def maqa_command() -> str:
    """The `maqa` console script beside the running Python (the venv's), else the repo's venv."""
    beside = Path(sys.executable).parent / "maqa"
    return str(beside if beside.exists() else REPO / ".venv" / "bin" / "maqa")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def maqa(env: dict[str, str], *args: str) -> str:
    """Run a maqa command to completion; return what it printed."""
    done = subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [maqa_command(), *args], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"maqa {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"maqa runserver stopped at start (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (http://127.0.0.1)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    sys.exit(f"maqa runserver did not answer {url} within {timeout:.0f}s")


# --- the data the docs' screenshots show, beyond `maqa demo` ----------------------------------


def draft_case_list(today: datetime.date, count: int = 16) -> bytes:
    """A case list of made-up children: identifiers that say they are synthetic."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([
        "Case number", "Name", "Date of birth", "Sex", "Plan type", "Category",
        "Plan start date", "Needs", "Involved agencies", "Lead agency", "Family group",
    ])  # fmt: skip
    needs = ["neglect; parental alcohol misuse", "neglect; domestic abuse", "neglect"]
    agencies = ["Social Care; Community Health; GPs", "Social Care; Police; Education",
                "Social Care; Community Health; Police; GPs"]  # fmt: skip
    for i in range(1, count + 1):
        plan = "Child in need" if i % 5 == 0 else "Child protection"
        born = today - datetime.timedelta(days=120 + 151 * i)
        writer.writerow([
            f"CN-SYN-{i:05d}", f"Synthname{i:02d} Tokenfamily{i:02d}", born.isoformat(),
            "Girl" if i % 2 else "Boy", plan, "Neglect" if plan == "Child protection" else "",
            (today - datetime.timedelta(days=30 + 9 * i)).isoformat(), needs[i % 3],
            agencies[i % 3], "Social Care", "FG-SYN-01" if i in (3, 4) else "",
        ])  # fmt: skip
    return out.getvalue().encode()


def prepare_data() -> dict[str, int]:
    """Plan a second audit, in draft, with a case list, a drawn sample and one exclusion (for
    the sample page), through the services; return the ids the screenshots need.

    Runs in this process, on the throwaway database (the environment is set by the caller
    before Django starts)."""
    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone

    from maqa.accounts.models import User
    from maqa.audits.models import Audit, PlanType
    from maqa.audits.sampling import case_exclude, caselist_import, sample_draw
    from maqa.audits.services import DEFAULT_AIM, audit_create
    from maqa.demo.live_audit import DEMO_THEME
    from maqa.organisations.models import Organisation
    from maqa.returns.models import Return
    from maqa.tools.models import AuditTool

    admin = User.objects.get(email=ADMIN_EMAIL)
    partnership = admin.partnership
    orgs = {o.short_name: o for o in Organisation.objects.filter(partnership=partnership)}
    tool = AuditTool.objects.get(partnership=partnership, slug="multi-agency-case-audit")
    tool_version = tool.latest
    assert tool_version is not None
    today = timezone.localdate()
    draft = audit_create(
        actor=admin,
        ip=None,
        data={
            "theme": DRAFT_THEME,
            "aim": DEFAULT_AIM,
            "plan_types": [PlanType.CHILD_PROTECTION, PlanType.CHILD_IN_NEED],
            "cp_categories": [],
            "age_min_years": 0,
            "age_max_years": 5,
            "sample_size": 6,
            "returns_due": today + datetime.timedelta(days=30),
            "panel_date": today + datetime.timedelta(days=45),
            "lead": admin,
            "tool_version": tool_version,
        },
        agencies=[orgs[n] for n in ("Social Care", "Police", "Community Health", "GPs")],
        panel_members=list(User.objects.filter(email="panel@demo.test")),
    )
    caselist_import(actor=admin, ip=None, audit=draft, data=draft_case_list(today))
    draft.refresh_from_db()
    sample_draw(actor=admin, ip=None, audit=draft, count=6, seed="docs-2026",
                siblings_together=True, version=draft.version)  # fmt: skip
    draft.refresh_from_db()
    spare = draft.cases.filter(sampled=False, age_months__lt=60).order_by("pk").first()
    if spare is not None:
        case_exclude(actor=admin, ip=None, audit=draft, case=spare, reason="court")

    audit = Audit.objects.get(partnership=partnership, theme=DEMO_THEME)
    police = Organisation.objects.get(partnership=partnership, short_name="Police")
    fresh = (
        Return.objects.filter(audit=audit, organisation=police, state=Return.State.NOT_STARTED)
        .order_by("child__sample_order")
        .first()
    )
    if fresh is None:
        sys.exit("the demo audit has no Police return not yet started")
    connections.close_all()
    return {"audit": audit.pk, "draft": draft.pk, "return": fresh.pk, "child": fresh.child_id}


# --- the screenshots --------------------------------------------------------------------------


def fill_part_of_the_return(page: Page) -> None:
    """Answer the first two groups of questions, as an auditor part way through."""
    answers = {
        "Did your agency identify the child's needs and the risks to them at the right time?": "Yes",
        "Were incidents seen together, so that a pattern or cumulative harm was recognised?": "No",
        "How well did your agency recognise the child's needs and risks?": "Requires improvement",
        "Did assessments use the family's history and a chronology?": "Yes",
        "How good were your agency's assessments?": "Good",
    }
    for question, answer in answers.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def fill_the_concern(page: Page) -> None:
    page.get_by_role("group", name="Which child is the concern about?").get_by_role(
        "radio"
    ).first.check()
    page.get_by_label("What is the concern?").fill(
        "The latest police log records a new adult in the household with a history of violence. "
        "No check was made with the children's front door."
    )


@dataclass(frozen=True)
class Shot:
    output: Path
    email: str
    path: str  # formatted with the ids from prepare_data
    full_page: bool = True
    prepare: Callable[[Page], None] | None = None
    heading: str = ""  # the page's h1, checked before the screenshot is taken


DOC_SHOTS = [
    Shot(REPO / "docs" / "screenshot.png", ADMIN_EMAIL, PAGES["people"], full_page=False),
    Shot(DOCS_IMG / "audit-page.png", ADMIN_EMAIL, "/audits/{audit}/",
         heading="Engagement with fathers"),
    Shot(DOCS_IMG / "dashboard.png", ADMIN_EMAIL, "/audits/{audit}/dashboard/",
         heading="Completion dashboard"),
    Shot(DOCS_IMG / "sample-page.png", ADMIN_EMAIL, "/audits/{draft}/sample/",
         heading="Case list and sample"),
    Shot(DOCS_IMG / "returns-list.png", "police@demo.test", "/returns/mine/",
         heading="Your returns"),
    Shot(DOCS_IMG / "return-form.png", "police@demo.test", "/returns/{return}/",
         prepare=fill_part_of_the_return, heading="Police return for"),
    Shot(DOCS_IMG / "concern-form.png", "police@demo.test", "/audits/{audit}/concerns/new/",
         prepare=fill_the_concern, heading="Raise an immediate safeguarding concern"),
]  # fmt: skip


def sign_in(browser: Browser, base_url: str, email: str, password: str) -> Page:
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello,")
    return page


def take(shots: list[Shot], base_url: str, password: str, ids: dict[str, int]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages: dict[str, Page] = {}
            for shot in shots:
                if shot.email not in pages:
                    pages[shot.email] = sign_in(browser, base_url, shot.email, password)
                page = pages[shot.email]
                response = page.goto(f"{base_url}{shot.path.format(**ids)}")
                if response is None or response.status != 200:
                    status = response.status if response else "no response"
                    sys.exit(f"{shot.path} answered {status}, not 200")
                if shot.heading:
                    expect(page.get_by_role("heading", level=1)).to_contain_text(shot.heading)
                if shot.prepare is not None:
                    shot.prepare(page)
                    # No focus ring, nor hover ring, on the last field filled in.
                    page.evaluate("() => document.activeElement?.blur()")
                    page.mouse.move(0, 0)
                page.wait_for_load_state("networkidle")
                shot.output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(shot.output),
                    full_page=shot.full_page,
                    animations="disabled",
                    caret="hide",
                )
                print(f"wrote {shot.output}")
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--page", choices=sorted(PAGES), default="people")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "screenshot.png")
    parser.add_argument(
        "--docs", action="store_true", help="take every image of the docs (ignores --page)"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="maqa-screenshot-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MAQA_VAR_DIR": tmp,
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        }
        maqa(env, "migrate", "--no-input", "-v0")
        printed = maqa(env, "demo")
        found = re.search(r"password for all: (\S+?)\)", printed)
        if found is None:
            sys.exit(f"could not find the demo password in what `maqa demo` printed:\n{printed}")
        ids: dict[str, int] = {}
        if options.docs:
            os.environ.update(env)  # Django, started in this process, reads the same database
            ids = prepare_data()
            shots = DOC_SHOTS
        else:
            shots = [Shot(options.output, ADMIN_EMAIL, PAGES[options.page], full_page=False)]
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (our own console script, fixed arguments)
            [maqa_command(), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"{base_url}/healthz", server)
            take(shots, base_url, found.group(1), ids)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
