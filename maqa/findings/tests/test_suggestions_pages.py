"""Suggested themes while recording a point (with and without JavaScript), accepting one for a
saved point, and "seen before in N audits" for a theme that was a concern in earlier audits."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.findings import suggestions as partnership
from maqa.findings.models import Finding
from maqa.findings.selectors import theme_recurrence
from maqa.findings.tests.test_findings import S, add_point, theme
from maqa.suggestions.suggest import resolve_method
from maqa.testing.audits import make_audit
from maqa.testing.personas import Personas, sign_in

FATHERS = "Nobody spoke to the father or the mother's new partner about the baby."


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def fresh_cache():
    partnership.forget()


@pytest.fixture
def audit(personas):
    return make_audit(personas, state="panel")


def client_for(personas: Personas, who: str = "panel") -> Client:
    return sign_in(Client(), personas.get(who))


def html(response) -> str:
    return response.content.decode()


def checked_theme_pks(page: str) -> set[int]:
    return {
        int(v) for v in re.findall(r'name="themes" type="checkbox" value="(\d+)" checked', page)
    }


def changes(finding: Finding) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGED,
            object_id=str(finding.pk),
            object_type="findings.finding",
        )
    )


# --- while recording ----------------------------------------------------------------------------


def test_the_form_shows_suggestions_for_the_text_as_it_is_typed(personas, audit):
    page = html(
        client_for(personas).post(
            f"/audits/{audit.pk}/findings/suggest/", {"text": FATHERS, "themes": []}
        )
    )

    fathers = theme(personas, "fathers-male-carers")
    assert 'data-suggested-theme="fathers-male-carers"' in page
    assert f'name="accept_theme" value="{fathers.pk}"' in page
    method = resolve_method("auto")[0]
    assert f'data-suggestion-method="{method}"' in page
    assert partnership.method_line(method) in page


def test_asking_for_suggestions_saves_and_records_nothing(personas, audit):
    events = AuditEvent.objects.count()

    client_for(personas).post(f"/audits/{audit.pk}/findings/suggest/", {"text": FATHERS})

    assert not Finding.objects.filter(audit=audit).exists()
    assert AuditEvent.objects.count() == events


def test_the_new_point_form_invites_writing_before_it_suggests(personas, audit):
    page = html(client_for(personas).get(f"/audits/{audit.pk}/findings/new/"))

    assert "Suggested themes" in page
    assert "Write the point to see the themes suggested for it." in page
    assert 'hx-trigger="keyup changed delay:600ms, paste delay:600ms"' in page
    assert partnership.method_line() in page


def test_accept_with_htmx_ticks_the_theme_and_keeps_the_others(personas, audit):
    fathers, voice = theme(personas, "fathers-male-carers"), theme(personas, "child-voice")

    response = client_for(personas).post(
        f"/audits/{audit.pk}/findings/suggest/",
        {"text": FATHERS, "themes": [voice.pk], "accept_theme": fathers.pk},
        HTTP_HX_REQUEST="true",
    )

    page = html(response)
    assert page.lstrip().startswith('<div id="theme-block">')
    assert checked_theme_pks(page) == {fathers.pk, voice.pk}
    assert 'hx-swap-oob="true"' in page and "Themes ticked:" in page
    assert not Finding.objects.filter(audit=audit).exists()


def test_accept_without_javascript_comes_back_with_the_theme_ticked_and_nothing_saved(
    personas, audit
):
    fathers = theme(personas, "fathers-male-carers")

    response = client_for(personas).post(
        f"/audits/{audit.pk}/findings/new/",
        {"place": "worry", "text": FATHERS, "polarity": "", "accept_theme": fathers.pk},
    )

    page = html(response)
    assert response.status_code == 200
    assert checked_theme_pks(page) == {fathers.pk}
    assert FATHERS.replace("'", "&#x27;") in page
    assert "There is a problem" not in page
    assert not Finding.objects.filter(audit=audit).exists()

    saved = client_for(personas).post(
        f"/audits/{audit.pk}/findings/new/",
        {"place": "worry", "text": FATHERS, "polarity": "", "themes": [fathers.pk]},
    )
    assert saved.status_code == 302
    point = Finding.objects.get(audit=audit)
    assert [t.slug for t in point.themes.all()] == ["fathers-male-carers"]


def test_a_saved_points_form_shows_its_suggestions_on_load(personas, audit):
    point = add_point(personas, audit, text=FATHERS, slugs=("child-voice",))

    page = html(client_for(personas).get(f"/audits/{audit.pk}/findings/{point.pk}/"))

    assert 'data-suggested-theme="fathers-male-carers"' in page
    assert 'data-suggested-theme="child-voice"' in page or "Ticked" not in page


@pytest.mark.parametrize("who", ["police", "board", "outsider"])
def test_only_the_findings_team_may_ask_for_suggestions(personas, audit, who):
    response = client_for(personas, who).post(
        f"/audits/{audit.pk}/findings/suggest/", {"text": FATHERS}
    )

    assert response.status_code == 404


def test_no_suggestions_once_published(personas):
    published = make_audit(personas, state="published")

    response = client_for(personas, "admin").post(
        f"/audits/{published.pk}/findings/suggest/", {"text": FATHERS}
    )

    assert response.status_code == 404


# --- a saved point on the findings page ----------------------------------------------------------


def test_the_findings_page_offers_themes_a_point_does_not_have(personas, audit):
    point = add_point(personas, audit, text=FATHERS, slugs=("recording",))

    page = html(client_for(personas).get(f"/audits/{audit.pk}/findings/"))

    offered = re.search(rf'data-suggestions-for="{point.pk}">(.*?)</div>', page, re.S)
    assert offered is not None
    assert "Fathers, male carers and partners" in offered[1]
    assert "Recording" not in offered[1]
    assert partnership.method_line() in page


def test_accepting_a_theme_saves_it_and_records_the_change(personas, audit):
    point = add_point(personas, audit, text=FATHERS, slugs=("recording",))
    fathers = theme(personas, "fathers-male-carers")

    response = client_for(personas).post(
        f"/audits/{audit.pk}/findings/{point.pk}/accept-theme/",
        {"theme": fathers.pk, "version": point.version},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#point-{point.pk}")
    point.refresh_from_db()
    assert sorted(t.slug for t in point.themes.all()) == ["fathers-male-carers", "recording"]
    assert point.version == 2
    (event,) = changes(point)
    assert event.summary["themes"] == [["recording"], ["fathers-male-carers", "recording"]]


def test_accepting_from_a_stale_page_is_refused(personas, audit):
    point = add_point(personas, audit, text=FATHERS, slugs=("recording",))
    fathers = theme(personas, "fathers-male-carers")
    stale = point.version
    client_for(personas).post(
        f"/audits/{audit.pk}/findings/{point.pk}/accept-theme/",
        {"theme": theme(personas, "child-voice").pk, "version": stale},
    )

    response = client_for(personas).post(
        f"/audits/{audit.pk}/findings/{point.pk}/accept-theme/",
        {"theme": fathers.pk, "version": stale},
        follow=True,
    )

    assert "Someone else changed this point" in html(response)
    point.refresh_from_db()
    assert "fathers-male-carers" not in [t.slug for t in point.themes.all()]


def test_a_fourth_theme_is_refused_and_not_offered(personas, audit):
    point = add_point(
        personas, audit, text=FATHERS, slugs=("recording", "child-voice", "risk-tools")
    )

    page = html(client_for(personas).get(f"/audits/{audit.pk}/findings/"))
    assert f'data-suggestions-for="{point.pk}"' not in page

    response = client_for(personas).post(
        f"/audits/{audit.pk}/findings/{point.pk}/accept-theme/",
        {"theme": theme(personas, "fathers-male-carers").pk, "version": point.version},
        follow=True,
    )
    assert "Choose no more than three themes" in html(response)
    assert point.themes.count() == 3


def test_another_partnerships_theme_cannot_be_accepted(personas, audit):
    point = add_point(personas, audit, text=FATHERS, slugs=("recording",))
    away = theme(personas, "fathers-male-carers").__class__.objects.get(
        partnership=personas.other_partnership, slug="fathers-male-carers"
    )

    client_for(personas).post(
        f"/audits/{audit.pk}/findings/{point.pk}/accept-theme/",
        {"theme": away.pk, "version": point.version},
    )

    assert [t.slug for t in point.themes.all()] == ["recording"]


# --- seen before ----------------------------------------------------------------------------------


def earlier(personas, *, days: int, polarity: str = "concern", slug: str = "fathers-male-carers",
            panel: bool = True, theme_name: str = "Neglect") -> Audit:  # fmt: skip
    """An earlier audit (``days`` before the current one's panel) with one point."""
    old = make_audit(personas, state="panel", theme=theme_name)
    add_point(personas, old, text="Dad was not seen.", slugs=(slug,), polarity=polarity)
    Audit.objects.filter(pk=old.pk).update(
        panel_date=datetime.date.today() + datetime.timedelta(days=28 - days)
    )
    if not panel:
        old.panel_members.clear()
    return Audit.objects.get(pk=old.pk)


def test_a_theme_that_was_a_concern_before_says_so_with_links(personas, audit):
    first = earlier(personas, days=700, theme_name="Neglect")
    second = earlier(personas, days=300, slug="fathers-male-carers.views-and-assessment",
                     theme_name="Domestic abuse")  # fmt: skip
    point = add_point(personas, audit, text=FATHERS, slugs=("fathers-male-carers",))

    page = html(client_for(personas).get(f"/audits/{audit.pk}/findings/"))

    line = re.search(r'<p[^>]*data-seen-before="fathers-male-carers">(.*?)</p>', page, re.S)
    assert line is not None, page
    assert "Fathers, male carers and partners: seen before in 2 audits" in line[1]
    assert f'href="/audits/{second.pk}/findings/"' in line[1]
    assert f'href="/audits/{first.pk}/findings/"' in line[1]
    assert line[1].index("Domestic abuse") < line[1].index("Neglect")  # newest first
    assert point.pk


def test_strengths_later_audits_and_the_audit_itself_do_not_count(personas, audit):
    earlier(personas, days=200, polarity="strength")
    earlier(personas, days=-30)  # a later audit
    add_point(personas, audit, text=FATHERS, slugs=("fathers-male-carers",))

    found = theme_recurrence(personas.admin, audit, ["fathers-male-carers"])

    assert found == {}


def test_a_panel_member_sees_only_the_audits_whose_findings_they_may_open(personas, audit):
    theirs = earlier(personas, days=100)
    earlier(personas, days=200, panel=False)

    as_panel = theme_recurrence(personas.panel, audit, ["fathers-male-carers"])
    as_admin = theme_recurrence(personas.admin, audit, ["fathers-male-carers"])

    assert [a.pk for a in as_panel["fathers-male-carers"].audits] == [theirs.pk]
    assert as_admin["fathers-male-carers"].count == 2
    assert theme_recurrence(personas.board, audit, ["fathers-male-carers"]) == {}


def test_recurrence_costs_the_same_for_any_number_of_themes(personas, audit):
    earlier(personas, days=100)
    earlier(personas, days=100, slug="child-voice")

    def queries(slugs: list[str]) -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as captured:
            found = theme_recurrence(personas.admin, audit, slugs)
        return len(captured), found

    one, _ = queries(["fathers-male-carers"])
    many, found = queries(["fathers-male-carers", "child-voice.views", "recording", "neglect"])

    # who the person is (once), the audits whose findings they open, then the one query
    assert one <= 3 and many <= 3
    assert sorted(found) == ["child-voice", "fathers-male-carers"]


def test_the_form_says_seen_before_for_a_ticked_theme(personas, audit):
    earlier(personas, days=100)
    fathers = theme(personas, "fathers-male-carers")

    page = html(
        client_for(personas, "admin").post(
            f"/audits/{audit.pk}/findings/suggest/",
            {"text": FATHERS, "accept_theme": fathers.pk},
            HTTP_HX_REQUEST="true",
        )
    )

    assert "seen before in 1 audit " in page
    assert S.WORRY
