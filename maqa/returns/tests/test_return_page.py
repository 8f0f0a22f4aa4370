"""The return page: who sees it, what it shows, and the one view event each load records."""

from __future__ import annotations

import pytest
from django.test import Client

from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.returns.models import Return
from maqa.testing.audits import make_audit, synthetic_case_number, synthetic_name
from maqa.testing.personas import Personas, sign_in


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def police_return(personas: Personas, audit: Audit) -> Return:
    return Return.objects.get(
        audit=audit, child__reference="Child A", organisation=personas.police_org
    )


def page(personas: Personas, who: str, ret: Return):
    return sign_in(Client(), personas.get(who)).get(f"/returns/{ret.pk}/")


def views_of(ret: Return) -> int:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEWED, object_type="returns.return", object_id=str(ret.pk)
    ).count()


def test_it_shows_the_agency_auditor_the_form_with_the_child_and_the_due_date(personas):
    audit = make_audit(personas, state="returns_open")
    ret = police_return(personas, audit)

    response = page(personas, "police", ret)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Police return for Child A" in html
    assert audit.theme in html
    assert "Child protection (neglect)" in html
    assert "6 years" in html
    assert f"{audit.returns_due:%-d %B %Y}" in html
    assert 'data-autosave-seconds="30"' in html
    assert "js/autosave.js" in html
    assert "Recognition of need and risk" in html  # a domain's fieldset
    assert 'name="recognition.grade"' in html
    assert "Requires improvement" in html  # the grade scale's labels
    assert 'inputmode="numeric"' in html
    assert 'type="date"' in html
    assert "Save draft" in html
    assert "Continue to submit" in html
    assert "Not known to this agency" in html


def test_it_never_shows_identifiers(personas):
    audit = make_audit(personas, state="returns_open")
    ret = police_return(personas, audit)

    html = page(personas, "police", ret).content.decode()

    assert synthetic_name(0) not in html
    assert synthetic_case_number(0) not in html
    assert "2019-05-01" not in html


def test_it_is_not_kept_by_the_browser(personas):
    audit = make_audit(personas, state="returns_open")

    response = page(personas, "police", police_return(personas, audit))

    assert response["Cache-Control"] == "no-store"
    assert 'hx-history="false"' in response.content.decode()  # no copy in htmx's cache


def test_autosave_keeps_nothing_in_the_browser():
    from django.conf import settings

    source = (settings.BASE_DIR / "static" / "src" / "js" / "autosave.js").read_text()
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("//"))
    for storage in ("localStorage", "sessionStorage", "indexedDB", "document.cookie"):
        assert storage not in code


def test_it_is_404_for_another_agencys_auditor(personas):
    audit = make_audit(personas, state="returns_open")

    assert page(personas, "health", police_return(personas, audit)).status_code == 404


def test_it_is_404_for_another_partnership(personas):
    audit = make_audit(personas, state="returns_open")

    assert page(personas, "outsider", police_return(personas, audit)).status_code == 404


def test_a_panel_member_sees_no_return_before_the_panel(personas):
    audit = make_audit(personas, state="returns_open")

    assert page(personas, "panel", police_return(personas, audit)).status_code == 404


def test_a_panel_member_reads_every_return_from_the_panel_state(personas):
    audit = make_audit(personas, state="panel")
    for ret in Return.objects.filter(audit=audit):
        response = page(personas, "panel", ret)
        assert response.status_code == 200
        assert "Save draft" not in response.content.decode()


def test_a_panel_member_not_named_for_the_panel_sees_nothing(personas):
    audit = make_audit(personas, state="panel")
    audit.panel_members.clear()

    assert page(personas, "panel", police_return(personas, audit)).status_code == 404


def test_a_viewer_never_sees_a_return(personas):
    audit = make_audit(personas, state="published")

    assert page(personas, "board", police_return(personas, audit)).status_code == 404


def test_the_agency_reads_its_return_once_returns_close(personas):
    audit = make_audit(personas, state="panel")

    response = page(personas, "police", police_return(personas, audit))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Save draft" not in html
    assert "How well did your agency recognise the child&#x27;s needs and risks?" in html


def test_the_admin_reads_the_return_without_a_form(personas):
    audit = make_audit(personas, state="returns_open")

    response = page(personas, "admin", police_return(personas, audit))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Save draft" not in html
    assert "Reassign" in html
    assert "Change Police's deadline" in html


def test_each_page_load_records_exactly_one_view(personas):
    audit = make_audit(personas, state="returns_open")
    ret = police_return(personas, audit)
    client = sign_in(Client(), personas.police)

    client.get(f"/returns/{ret.pk}/")
    client.get(f"/returns/{ret.pk}/")

    assert views_of(ret) == 2
    event = AuditEvent.objects.filter(action="viewed", object_id=str(ret.pk)).latest("seq")
    assert event.actor == personas.police
    assert event.summary == {"audit": audit.pk, "page": "return"}


def test_a_refused_page_records_no_view(personas):
    audit = make_audit(personas, state="returns_open")
    ret = police_return(personas, audit)

    page(personas, "health", ret)

    assert views_of(ret) == 0
