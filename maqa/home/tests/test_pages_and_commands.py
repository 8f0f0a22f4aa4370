from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from maqa.accounts.models import User
from maqa.demo.partnership import DEMO_PEOPLE
from maqa.organisations.models import Organisation, Partnership
from maqa.testing.personas import sign_in

MAQA = str(Path(sys.executable).parent / "maqa")


def test_maqa_help_lists_its_commands_with_a_line_each():
    result = subprocess.run([MAQA, "--help"], capture_output=True, text=True, check=True)
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  ")}
    for command in ("audit-trail", "create-partnership", "demo", "migrate", "runserver"):
        assert command in lines, result.stdout
        assert len(lines[command].split(None, 1)) == 2, f"{command} has no description"


def test_maqa_accepts_hyphenated_command_names():
    result = subprocess.run([MAQA, "help", "audit-trail"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "verify" in result.stdout


def test_the_demo_creates_the_partnership_its_agencies_and_people(db):
    out = StringIO()
    call_command("demo", stdout=out)
    partnership = Partnership.objects.get(name="Demo Children's Partnership")
    assert Organisation.objects.filter(partnership=partnership).count() >= 10
    for person in DEMO_PEOPLE:
        user = User.objects.get(email=person.email)
        assert user.is_demo
        assert user.memberships.filter(role=person.role).exists()
        assert person.email in out.getvalue()
    assert "password for all" in out.getvalue()


def test_the_demo_has_an_audit_with_returns_open_and_partly_completed(db, settings, tmp_path):
    from collections import Counter

    from maqa.audits.models import Audit
    from maqa.returns.models import Return

    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    call_command("demo", stdout=StringIO())
    audit = Audit.objects.get(partnership__name="Demo Children's Partnership", state="returns_open")
    assert audit.state == "returns_open"
    assert audit.cases.filter(sampled=True).count() == 8
    assert not audit.cases.filter(sampled=False).exists()
    states = Counter(Return.objects.filter(audit=audit).values_list("state", flat=True))
    assert states["submitted"] >= 2
    assert states["draft"] >= 2
    assert states["not_started"] > 0


def test_the_demo_has_a_published_audit_with_its_briefing(db, settings, tmp_path):
    from maqa.audits.models import Audit
    from maqa.briefings.models import BriefingVersion

    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    call_command("demo", stdout=StringIO())
    audit = Audit.objects.get(partnership__name="Demo Children's Partnership", state="published")
    version = BriefingVersion.objects.get(audit=audit)
    assert bytes(version.pdf).startswith(b"%PDF")
    assert version.prepared_by != version.confirmed_by
    assert version.record["worries"] and version.record["learning"]
    assert audit.grades.exclude(grade="").exists()


def test_loading_the_demo_twice_changes_nothing(db):
    call_command("demo", stdout=StringIO())
    counts = (User.objects.count(), Organisation.objects.count())
    call_command("demo", stdout=StringIO())
    assert (User.objects.count(), Organisation.objects.count()) == counts


def test_create_partnership_makes_an_admin_with_an_invitation(db, capsys):
    out = StringIO()
    call_command(
        "create_partnership",
        name="Northshire Partnership",
        admin_email="lead@north.test",
        admin_name="Lead Person",
        stdout=out,
    )
    admin = User.objects.get(email="lead@north.test")
    assert admin.partnership.name == "Northshire Partnership"
    assert admin.memberships.get().role == "partnership_admin"
    assert "/accounts/invitation/" in out.getvalue()


def test_a_missing_page_is_friendly(client, personas):
    sign_in(client, personas.board)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_forbidden_page_is_friendly(client, personas):
    sign_in(client, personas.board)
    response = client.get("/manage/people/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_a_server_error_shows_a_friendly_page_without_a_traceback(db, settings):
    from django.urls import path

    from config import urls as project_urls

    def broken(request):
        raise RuntimeError("secret internal detail")

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {
            "urlpatterns": [*project_urls.urlpatterns, path("boom/", broken)],
            "handler500": project_urls.handler500,
        },
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body


def test_each_role_sees_its_own_home_page(client, personas):
    expectations = {
        "admin": "Running the partnership&#x27;s audits",
        "police": "Returns for Police",
        "health": "Returns for Health",
        "panel": "Panels",
        "board": "Published briefings and actions",
    }
    for persona, heading in expectations.items():
        sign_in(client, personas.get(persona))
        page = client.get("/").content.decode()
        assert heading in page, persona
        assert ("/manage/people/" in page) == (persona == "admin"), persona


def test_pages_send_a_content_security_policy(client, db):
    response = client.get("/accounts/sign-in/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_command_docs_are_up_to_date():
    from maqa.core.help import commands_markdown

    docs = Path(__file__).resolve().parents[3] / "docs" / "commands.md"
    assert docs.read_text() == commands_markdown(), "run `make docs` and commit docs/commands.md"
