from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from maqa.briefings.types import BriefingRecord
from maqa.core.models import AuditEvent
from maqa.testing.personas import sign_in

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_an_admin_uploads_a_png_logo_told_by_its_content(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, personas.admin)
    upload = SimpleUploadedFile("anything.txt", PNG, content_type="text/plain")
    response = client.post("/manage/partnership/", {"logo": upload})
    assert response.status_code == 302
    personas.partnership.refresh_from_db()
    assert personas.partnership.logo.name.endswith(f"partnership-{personas.partnership.pk}.png")
    assert client.get("/manage/partnership/logo/").content == PNG
    assert AuditEvent.objects.filter(
        action="changed", object_type="organisations.partnership"
    ).exists()


def test_it_refuses_a_file_that_is_not_an_image(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, personas.admin)
    upload = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post("/manage/partnership/", {"logo": upload})
    assert response.status_code == 200
    assert "must be a PNG or JPEG image" in response.content.decode()
    personas.partnership.refresh_from_db()
    assert not personas.partnership.logo


def test_it_refuses_a_logo_over_one_megabyte(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, personas.admin)
    big = io.BytesIO(PNG + b"\0" * 1_100_000)
    response = client.post(
        "/manage/partnership/", {"logo": SimpleUploadedFile("l.png", big.getvalue())}
    )
    assert "larger than 1 MB" in response.content.decode()


def test_the_logo_reaches_the_briefing_pdf(personas, settings, tmp_path):
    from maqa.briefings.render_pdf import render_pdf
    from maqa.organisations.services import partnership_logo_set

    settings.MEDIA_ROOT = tmp_path
    partnership_logo_set(actor=personas.admin, ip=None, data=PNG)
    personas.partnership.refresh_from_db()
    record: BriefingRecord = {
        "title": "Multi Agency Quality Assurance Audit: Test",
        "theme": "Test",
        "partnership": personas.partnership.name,
        "worries": ["A worry"],
    }
    with_logo = render_pdf(record, logo_path=personas.partnership.logo.path)
    without = render_pdf(record)
    assert b"/Image" in with_logo
    assert b"/Image" not in without
