"""The briefing pages: the preview and its downloads, asking to publish, the second admin's
confirmation, and published versions that viewers read and download byte for byte."""

from __future__ import annotations

import hashlib

import pytest

from maqa.briefings.models import BriefingVersion, PublicationRequest
from maqa.briefings.tests.test_publication import add_finding, make_second_admin
from maqa.core.models import AuditEvent
from maqa.lifecycle.publication import CHECKLIST
from maqa.testing.audits import make_audit, synthetic_name
from maqa.testing.personas import sign_in

ALL_TICKED = {key: "on" for key, _ in CHECKLIST}


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas):
    audit = make_audit(personas, state="reporting", children=2, theme="Synthetic theme")
    add_finding(audit, "Risk checklists were rarely updated after new incidents")
    return audit


@pytest.fixture
def second(personas):
    return make_second_admin(personas)


def url(audit, rest=""):
    return f"/audits/{audit.pk}/briefing/{rest}"


def publish(client, personas, second, audit, note=""):
    """Through the pages: the admin asks, the second admin confirms. Returns the last response."""
    sign_in(client, personas.admin)
    assert client.post(url(audit, "publish/"), {"change_note": note}).status_code == 302
    sign_in(client, second)
    pending = PublicationRequest.objects.get(audit=audit, outcome="")
    return client.post(url(audit, "confirm/"), {"request": pending.pk, **ALL_TICKED})


def test_the_admin_sees_the_briefing_as_it_stands_its_check_and_downloads(client, personas, audit):
    sign_in(client, personas.admin)
    page = client.get(url(audit)).content.decode()
    assert "the audit panel looked at the records of two children" in page
    assert "Risk checklists were rarely updated after new incidents" in page
    assert "The identifier check found no names" in page
    assert f'href="/audits/{audit.pk}/briefing/publish/"' in page
    assert 'href="preview.pdf"' in page and 'href="preview.docx"' in page
    assert "/static/briefings/briefing.css" in page


def test_the_panel_member_sees_the_preview_but_not_the_publishing(client, personas, audit):
    sign_in(client, personas.panel)
    page = client.get(url(audit)).content.decode()
    assert "Risk checklists were rarely updated after new incidents" in page
    assert "identifier check" not in page and "publish/" not in page
    assert client.get(url(audit, "publish/")).status_code == 404


def test_viewers_and_auditors_see_nothing_before_publication(client, personas, audit):
    for someone in (personas.board, personas.police):
        sign_in(client, someone)
        assert client.get(url(audit)).status_code == 404
        assert client.get(url(audit, "preview.pdf")).status_code == 404


def test_a_preview_download_has_no_name_in_its_filename_and_is_recorded(client, personas, audit):
    sign_in(client, personas.panel)
    response = client.get(url(audit, "preview.docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="briefing-{audit.pk}-preview.docx"'
    )
    assert response.content.startswith(b"PK")
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor, event.summary["version"]) == (
        "exported",
        personas.panel,
        "preview",
    )
    pdf = client.get(url(audit, "preview.pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = client.get(url(audit, "preview.html"))
    assert html.content.startswith(b"<!DOCTYPE html>")


def test_publishing_is_blocked_with_each_hit_listed_where_it_is(client, personas, audit):
    add_finding(audit, f"{synthetic_name(1)} was not seen alone; call 07700 900123")
    sign_in(client, personas.admin)
    page = client.get(url(audit, "publish/")).content.decode()
    assert "The identifier check found 2 things that could identify a child" in page
    assert "What we are worried about, point 2</strong>: a child&#x27;s name" in page
    assert "What we are worried about, point 2</strong>: a phone number" in page
    assert synthetic_name(1).split()[0] not in page and "900123" not in page
    assert "Ask to publish</button>" not in page

    response = client.post(url(audit, "publish/"), {"change_note": ""})
    assert response.status_code == 200
    assert "The briefing cannot be published" in response.content.decode()
    assert not PublicationRequest.objects.filter(audit=audit).exists()


def test_the_admin_who_asked_is_told_another_admin_must_confirm(client, personas, audit):
    sign_in(client, personas.admin)
    client.post(url(audit, "publish/"), {"change_note": ""})
    pending = PublicationRequest.objects.get(audit=audit)
    page = client.get(url(audit, "confirm/")).content.decode()
    assert "you cannot confirm it yourself" in page
    assert "Confirm and publish" not in page
    response = client.post(url(audit, "confirm/"), {"request": pending.pk, **ALL_TICKED})
    assert "you cannot confirm it yourself" in response.content.decode()
    assert not BriefingVersion.objects.exists()


def test_the_second_admin_must_tick_every_point(client, personas, second, audit):
    sign_in(client, personas.admin)
    client.post(url(audit, "publish/"), {"change_note": ""})
    pending = PublicationRequest.objects.get(audit=audit)
    sign_in(client, second)
    page = client.get(url(audit, "confirm/")).content.decode()
    assert "Risk checklists were rarely updated after new incidents" in page
    for _, text in CHECKLIST:
        assert text.replace("'", "&#x27;") in page
    partial = dict(list(ALL_TICKED.items())[:2])
    response = client.post(url(audit, "confirm/"), {"request": pending.pk, **partial})
    assert response.status_code == 200
    assert "Confirm this point, or do not publish." in response.content.decode()
    assert not BriefingVersion.objects.exists()


def test_confirming_publishes_version_1_with_both_names(client, personas, second, audit):
    response = publish(client, personas, second, audit)
    assert response.status_code == 302
    assert response["Location"] == url(audit, "versions/1/")
    page = client.get(response["Location"]).content.decode()
    assert "Quinn Lead" in page and "Second Admin" in page
    version = BriefingVersion.objects.get(audit=audit)
    assert version.pdf_sha256 in page
    audit.refresh_from_db()
    assert audit.state == "published"


def test_viewers_read_and_download_a_published_version_byte_for_byte(
    client, personas, second, audit
):
    publish(client, personas, second, audit)
    version = BriefingVersion.objects.get(audit=audit)
    sign_in(client, personas.board)
    page = client.get(url(audit)).content.decode()
    assert (
        "Version 1, published" in page
        and "Risk checklists were rarely updated after new incidents" in page
    )
    assert "preview.pdf" not in page
    assert client.get(url(audit, "preview.pdf")).status_code == 404
    for kind, stored in (
        ("pdf", version.pdf_sha256),
        ("docx", version.docx_sha256),
        ("html", version.html_sha256),
    ):
        response = client.get(url(audit, f"versions/1/briefing.{kind}"))
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == stored
        assert response["Content-Disposition"] == (
            f'attachment; filename="briefing-{audit.pk}-v1.{kind}"'
        )
    assert client.get(url(audit, "versions/2/")).status_code == 404


def test_a_published_version_has_no_way_to_change_it(client, personas, second, audit):
    publish(client, personas, second, audit)
    before = BriefingVersion.objects.values().get(audit=audit)
    sign_in(client, personas.admin)
    for rest in ("versions/1/", "versions/1/briefing.pdf", "versions/1/briefing.html", ""):
        assert client.post(url(audit, rest), {"html": "changed"}).status_code == 405
    assert BriefingVersion.objects.values().get(audit=audit) == before


def test_publishing_again_asks_for_a_change_note_and_makes_version_2(
    client, personas, second, audit
):
    publish(client, personas, second, audit)
    add_finding(audit, "A worry added after publication")
    sign_in(client, personas.admin)
    refused = client.post(url(audit, "publish/"), {"change_note": ""})
    assert "Say what has changed since the last version." in refused.content.decode()
    response = publish(client, personas, second, audit, note="Added a worry.")
    assert response["Location"] == url(audit, "versions/2/")
    sign_in(client, personas.board)
    page = client.get(url(audit)).content.decode()
    assert "Version 2, published" in page and "Added a worry." in page
    assert f'href="/audits/{audit.pk}/briefing/versions/1/"' in page


def test_another_partnerships_admin_gets_nothing(client, personas, audit):
    sign_in(client, personas.outsider)
    for rest in ("", "preview.pdf", "publish/", "confirm/"):
        assert client.get(url(audit, rest)).status_code == 404
