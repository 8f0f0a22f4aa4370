"""The import pages: upload several files, progress while they are read, review and save."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maqa.audits.models import Audit
from maqa.findings.models import Finding
from maqa.importers.forms import learning_to_text, text_to_learning
from maqa.importers.models import ImportBatch, ImportedDocument
from maqa.importers.services import batches, reading
from maqa.importers.services.importing import briefing_import
from maqa.importers.tests.briefings import MONTH, NO_DATE, briefing, no_suggester
from maqa.testing.personas import sign_in

pytestmark = [
    pytest.mark.usefixtures("no_suggester"),
    pytest.mark.urls("maqa.importers.tests.urls_for_tests"),
]
__all__ = ["no_suggester"]
Status = ImportedDocument.Status


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def admin(personas: Any) -> Client:
    return sign_in(Client(), personas.admin)


def upload_three(client: Client) -> ImportBatch:
    response = client.post(
        "/imports/upload/",
        {
            "documents": [
                upload("dated.txt", briefing()),
                upload("undated.txt", briefing(theme="Neglect", intro=NO_DATE)),
                upload("picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
            ]
        },
    )
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/imports/batch/{batch.pk}/"
    return batch


def poll_until_done(client: Client, batch: ImportBatch) -> int:
    """Poll as htmx does; returns how many polls it took."""
    for polls in range(1, 20):
        response = client.post(f"/imports/batch/{batch.pk}/step/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<progress" in html
        if "hx-trigger" not in html:
            return polls
    raise AssertionError("the progress never finished")


def test_upload_several_files_then_watch_them_read_then_review_and_save(admin, personas):
    batch = upload_three(admin)
    # The image is refused by its content, with the reason; the others wait to be read.
    assert batch.refused == [
        {
            "filename": "picture.png",
            "reason": "maqa cannot read this document: it is an image: maqa reads text, not "
            "pictures of text.",
        }
    ]
    assert [d.status for d in batch.documents.order_by("pk")] == [Status.PENDING] * 2
    page = admin.get(f"/imports/batch/{batch.pk}/").content.decode()
    assert 'hx-post="/imports/batch/' in page and 'hx-trigger="load delay:1s"' in page
    assert "Reading the files: 0 of 2 done" in page
    assert 'value="0"' in page and "picture.png" in page

    assert poll_until_done(admin, batch) == 2
    dated, undated = batch.documents.order_by("pk")
    assert (dated.status, undated.status) == (Status.PARSED, Status.PARSED)
    assert undated.problem.startswith("needs a date")
    page = admin.get(f"/imports/batch/{batch.pk}/").content.decode()
    assert "All 2 files read" in page and "hx-trigger" not in page
    assert f'href="/imports/{dated.pk}/review/"' in page

    review = admin.get(f"/imports/{dated.pk}/review/").content.decode()
    assert 'value="Domestic Abuse"' in review and 'value="2024-03-12"' in review
    assert "## Information sharing" in review
    response = admin.post(
        f"/imports/{dated.pk}/review/",
        {
            "theme": "Domestic abuse and coercive control",
            "audit_date": "2024-03",
            "children": "7",
            "worries": "Risk assessments were not shared\n\n• A worry added in review",
            "good_practice": "Schools referred promptly",
            "learning": "## Information sharing\nFound: Kept to themselves\n"
            "Action: Share every risk assessment\nAction: Record who it went to",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/imports/batch/{batch.pk}/"
    dated.refresh_from_db()
    assert dated.status == Status.SAVED and dated.audit is not None
    audit = dated.audit
    assert (audit.theme, audit.date_precision, audit.sample_size) == (
        "Domestic abuse and coercive control", "month", 7,
    )  # fmt: skip
    assert audit.state == Audit.State.PUBLISHED and audit.imported
    assert list(audit.findings.filter(section="worry").values_list("text", flat=True)) == [
        "Risk assessments were not shared", "A worry added in review",
    ]  # fmt: skip
    assert audit.findings.filter(section="action", polarity="action").count() == 2
    assert dated.record is not None and dated.reviewed_record is not None
    assert dated.record["theme"] == "Domestic Abuse"  # as parsed, kept
    assert dated.reviewed_record["theme"] == "Domestic abuse and coercive control"
    followed = admin.get(response["Location"]).content.decode()
    assert "Saved “Domestic abuse and coercive control” (2024-03)" in followed
    assert "6 points need a theme" in followed

    # The undated one: the date is asked for, then it saves.
    response = admin.post(
        f"/imports/{undated.pk}/review/",
        {"theme": "Neglect", "audit_date": "", "children": "", "learning": "Nonsense line"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Line 1 of the themes for learning" in html
    assert Audit.objects.filter(theme="Neglect").count() == 0
    response = admin.post(
        f"/imports/{undated.pk}/review/",
        {"theme": "Neglect", "audit_date": "2022-02-30", "worries": "A worry"},
    )
    assert "is not a date" in response.content.decode()
    response = admin.post(
        f"/imports/{undated.pk}/review/",
        {"theme": "Neglect", "audit_date": "2022-02-28", "worries": "A worry"},
    )
    assert response.status_code == 302
    assert Audit.objects.get(theme="Neglect").findings.count() == 1

    listing = admin.get("/imports/").content.decode()
    assert "dated.txt" in listing and "Saved as an audit" in listing
    assert "Needs a theme" in listing and "A worry added in review" in listing


def test_without_htmx_the_step_redirects_to_the_progress_page(admin):
    batch = upload_three(admin)
    response = admin.post(f"/imports/batch/{batch.pk}/step/")
    assert response.status_code == 302 and response["Location"] == f"/imports/batch/{batch.pk}/"
    assert batch.documents.filter(status=Status.PENDING).count() == 1


def test_a_look_alike_needs_the_box_ticked_or_can_be_skipped(admin, personas):
    briefing_import(
        actor=personas.admin, ip=None, partnership=personas.partnership, filename="a.txt",
        data=briefing(), apply=True,
    )  # fmt: skip
    admin.post("/imports/upload/", {"documents": [upload("b.txt", briefing(extra="\n• More"))]})
    batch = ImportBatch.objects.latest("pk")
    poll_until_done(admin, batch)
    document = batch.documents.get()
    assert document.status == Status.NEEDS_DECISION
    page = admin.get(f"/imports/{document.pk}/review/").content.decode()
    assert "This looks like an audit already held" in page
    form = {"theme": "Domestic Abuse", "audit_date": "2024-03-12", "worries": "x"}
    response = admin.post(f"/imports/{document.pk}/review/", form)
    assert "tick the box to import it anyway" in response.content.decode()
    assert Audit.objects.count() == 1
    response = admin.post(f"/imports/{document.pk}/skip/")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == Status.SKIPPED
    response = admin.post(f"/imports/{document.pk}/review/", {**form, "import_anyway": "on"})
    assert response.status_code == 302
    assert Audit.objects.count() == 2


def test_the_same_file_uploaded_again_is_refused_as_imported_before(admin, personas):
    data = briefing(intro=MONTH)
    briefing_import(
        actor=personas.admin, ip=None, partnership=personas.partnership, filename="a.txt",
        data=data, apply=True,
    )  # fmt: skip
    admin.post(
        "/imports/upload/", {"documents": [upload("again.txt", data), upload("x.txt", data)]}
    )
    batch = ImportBatch.objects.latest("pk")
    assert [r["reason"] for r in batch.refused] == [
        "this file was imported before, as “Domestic Abuse (March 2024)”.",
    ] * 2
    assert not batch.documents.exists()


def test_upload_limits(admin, monkeypatch):
    response = admin.post("/imports/upload/", {})
    assert "Choose at least one briefing" in response.content.decode()
    many = [upload(f"{n}.txt", briefing(extra=f"\n• {n}")) for n in range(21)]
    response = admin.post("/imports/upload/", {"documents": many})
    assert "Choose no more than 20 files at once (you chose 21)" in response.content.decode()
    assert not ImportBatch.objects.exists()
    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    monkeypatch.setattr(batches, "MAX_BYTES", 1000)
    admin.post("/imports/upload/", {"documents": [upload("big.txt", briefing() + b" " * 1000)]})
    batch = ImportBatch.objects.get()
    assert batch.refused == [{"filename": "big.txt", "reason": "the file is larger than 0 MB."}]
    empty = admin.post("/imports/upload/", {"documents": [upload("e.txt", b"")]})
    assert empty.status_code in (200, 302)


def test_a_file_the_reader_cannot_manage_shows_as_failed(admin, monkeypatch):
    def broken(data: bytes, filename: str = "") -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(reading, "parse_briefing", broken)
    admin.post("/imports/upload/", {"documents": [upload("a.txt", briefing())]})
    batch = ImportBatch.objects.latest("pk")
    poll_until_done(admin, batch)
    document = batch.documents.get()
    assert document.status == Status.FAILED
    page = admin.get(f"/imports/{document.pk}/review/").content.decode()
    assert "could not read this document" in page and '<form method="post" novalidate' not in page


def test_only_partnership_admins_and_only_their_own(personas, admin):
    admin.post("/imports/upload/", {"documents": [upload("a.txt", briefing())]})
    batch = ImportBatch.objects.latest("pk")
    document = batch.documents.get()
    urls = [
        ("get", "/imports/"), ("get", "/imports/upload/"), ("get", f"/imports/batch/{batch.pk}/"),
        ("post", f"/imports/batch/{batch.pk}/step/"), ("get", f"/imports/{document.pk}/review/"),
        ("post", f"/imports/{document.pk}/skip/"),
    ]  # fmt: skip
    for name in ("police", "health", "panel", "board"):
        client = sign_in(Client(), personas.get(name))
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (name, url)
    outsider = sign_in(Client(), personas.outsider)
    assert outsider.get("/imports/").status_code == 200
    assert "a.txt" not in outsider.get("/imports/").content.decode()
    for method, url in urls[2:]:
        assert getattr(outsider, method)(url).status_code == 404, url
    anonymous = Client().get("/imports/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/sign-in/")
    document.refresh_from_db()
    assert document.status == Status.PENDING  # nobody else's request touched it


def test_the_learning_mini_format_round_trips():
    learning = [
        {"title": "Fathers", "found": ["Not seen"], "actions": ["Invite them", "Record it"]},
        {"title": None, "found": [], "actions": ["Do this"]},
    ]
    assert text_to_learning(learning_to_text(learning)) == learning
    assert text_to_learning("Found: before any title") == [
        {"title": None, "found": ["before any title"], "actions": []}
    ]


def test_points_of_imported_audits_without_themes_are_listed(admin, personas):
    outcome = briefing_import(
        actor=personas.admin, ip=None, partnership=personas.partnership, filename="a.txt",
        data=briefing(), apply=True,
    )  # fmt: skip
    assert outcome.audit is not None
    page = admin.get("/imports/").content.decode()
    assert page.count("Schools referred promptly") == 1
    assert "These points of imported audits were saved without a theme (7)" in page
    theme = personas.partnership.themes.first()
    for finding in Finding.objects.filter(audit=outcome.audit):
        finding.themes.set([theme])
    assert (
        "Every point of the imported audits has a theme" in admin.get("/imports/").content.decode()
    )
