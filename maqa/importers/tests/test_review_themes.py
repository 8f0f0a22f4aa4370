"""The review page of an imported briefing: each point with the themes it will be saved with,
suggested from the partnership's coding, and an Accept button for the other suggestions."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maqa.findings import suggestions as partnership
from maqa.findings.models import Finding, Theme
from maqa.importers.models import ImportBatch, ImportedDocument
from maqa.importers.tests.briefings import briefing
from maqa.testing.personas import sign_in

pytestmark = pytest.mark.urls("maqa.importers.tests.urls_for_tests")


@pytest.fixture(autouse=True)
def suggesting(settings):
    settings.IMPORT_SUGGEST_THEMES = True
    partnership.forget()


@pytest.fixture
def admin(personas: Any) -> Client:
    return sign_in(Client(), personas.admin)


@pytest.fixture
def document(admin) -> ImportedDocument:
    admin.post(
        "/imports/upload/",
        {"documents": [SimpleUploadedFile("da.txt", briefing(), "application/octet-stream")]},
    )
    batch = ImportBatch.objects.latest("pk")
    admin.post(f"/imports/batch/{batch.pk}/step/", HTTP_HX_REQUEST="true")
    doc = batch.documents.get()
    assert doc.status == ImportedDocument.Status.PARSED
    return doc


def point_block(page: str, index: int) -> str:
    found = re.search(rf'data-review-point="{index}">(.*?)</li>\s*(?:<li class|</ol>)', page, re.S)
    assert found is not None, page
    return found[1]


def form_of(page: str) -> dict[str, Any]:
    """The review form's fields as the page holds them."""
    data: dict[str, Any] = {}
    for name, value in re.findall(
        r'<input type="(?:text|hidden)" name="(\w+)" value="([^"]*)"', page
    ):
        data[name] = html.unescape(value)
    for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(value)
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_each_point_shows_the_themes_it_will_be_saved_with(admin, document):
    page = admin.get(f"/imports/{document.pk}/review/").content.decode()

    assert "Themes for each point" in page
    assert partnership.method_line() in page
    first = point_block(page, 0)
    assert "Risk assessments were not shared between agencies" in first
    assert "Saved with: <strong>" in first
    assert 'name="accept_themes"' not in page  # the hidden field is accepted_themes
    assert 'name="accepted_themes"' in page


def test_accept_adds_a_theme_to_the_point_and_saving_keeps_it(admin, document, personas):
    page = admin.get(f"/imports/{document.pk}/review/").content.decode()
    first = point_block(page, 0)
    offered = re.search(r'name="accept" value="0:(\d+)"', first)
    assert offered is not None
    theme = Theme.objects.get(pk=int(offered[1]))

    accepted = admin.post(
        f"/imports/{document.pk}/review/", {**form_of(page), "accept": f"0:{theme.pk}"}
    )

    assert accepted.status_code == 200
    again = accepted.content.decode()
    chosen = re.search(r"<p[^>]*data-chosen>(.*?)</p>", point_block(again, 0), re.S)
    assert chosen is not None and f"<strong>{html.escape(theme.name)}</strong>" in chosen[1]
    assert not Finding.objects.filter(audit__partnership=personas.partnership).exists()

    saved = admin.post(f"/imports/{document.pk}/review/", form_of(again))

    assert saved.status_code == 302
    document.refresh_from_db()
    point = document.audit.findings.get(text="Risk assessments were not shared between agencies")
    assert theme in point.themes.all()
    assert 1 <= point.themes.count() <= 3


def test_an_accept_for_a_theme_not_offered_changes_nothing(admin, document, personas):
    page = admin.get(f"/imports/{document.pk}/review/").content.decode()
    before = re.search(r"<p[^>]*data-chosen>(.*?)</p>", point_block(page, 0), re.S)
    away = Theme.objects.filter(partnership=personas.other_partnership).first()
    assert away is not None

    response = admin.post(
        f"/imports/{document.pk}/review/", {**form_of(page), "accept": f"0:{away.pk}"}
    )

    after = re.search(
        r"<p[^>]*data-chosen>(.*?)</p>", point_block(response.content.decode(), 0), re.S
    )
    assert before is not None and after is not None and before[1] == after[1]
