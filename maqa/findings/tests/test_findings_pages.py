"""The findings pages: who may open them, the point form (places, polarity, themes grouped by
top-level theme, resources and source returns), reordering, read-only once published, and the
page's cost."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.findings.tests.test_findings import (
    S,
    add_learning,
    add_point,
    police_return,
    theme,
)
from maqa.organisations.models import Organisation
from maqa.returns.models import Return
from maqa.testing.audits import advance, make_audit
from maqa.testing.personas import Personas, sign_in


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas):
    return make_audit(personas, state="panel")


def client_for(personas: Personas, who: str) -> Client:
    return sign_in(Client(), personas.get(who))


def url(audit: Audit, rest: str = "") -> str:
    return f"/audits/{audit.pk}/findings/{rest}"


def form_data(personas: Personas, place: str = "worry", **extra) -> dict:
    data = {
        "place": place,
        "text": "Pre-birth planning started too late to be tested.",
        "polarity": "",
        "themes": [theme(personas, "planning-outcomes").pk],
    }
    data.update(extra)
    return data


def html(response) -> str:
    return response.content.decode()


# --- who ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "panel"])
def test_the_admin_and_the_audits_panel_member_see_the_findings_page(personas, audit, who):
    add_point(personas, audit, text="Good communication between agencies.")

    response = client_for(personas, who).get(url(audit))

    assert response.status_code == 200
    page = html(response)
    assert "Good communication between agencies." in page
    assert "Add a worry" in page
    assert "Add good practice" in page
    assert "Add a theme for learning" in page
    assert '<nav aria-label="Back link">' in page


def test_a_panel_member_not_on_the_audits_panel_gets_404(personas, audit):
    social = Organisation.objects.get(partnership=personas.partnership, short_name="CSC")
    other = User.objects.create_user(
        email="another.panel@persona.test",
        full_name="Panel Two",
        partnership=personas.partnership,
    )
    Membership.objects.create(user=other, organisation=social, role=Role.PANEL_MEMBER)
    point = add_point(personas, audit)
    client = sign_in(Client(), other)

    for path in (url(audit), url(audit, "new/"), url(audit, f"{point.pk}/")):
        assert client.get(path).status_code == 404, path
    assert client.post(url(audit, "new/"), form_data(personas)).status_code == 404
    assert Finding.objects.filter(audit=audit).count() == 1


@pytest.mark.parametrize("who", ["police", "health", "board", "outsider"])
def test_auditors_the_board_and_other_partnerships_get_404(personas, who):
    audit = make_audit(personas, state="published")
    client = client_for(personas, who)

    assert client.get(url(audit)).status_code == 404


def test_before_the_panel_there_is_no_findings_page(personas):
    audit = make_audit(personas, state="returns_open")

    assert client_for(personas, "admin").get(url(audit)).status_code == 404


def test_someone_elses_point_looks_missing(personas, audit):
    other = make_audit(personas, state="panel", theme="Neglect")
    point = add_point(personas, other)

    response = client_for(personas, "admin").get(url(audit, f"{point.pk}/"))

    assert response.status_code == 404


# --- adding and changing points -------------------------------------------------------------


def test_the_panel_member_adds_a_worry_with_its_default_polarity(personas, audit):
    response = client_for(personas, "panel").post(url(audit, "new/"), form_data(personas))

    point = Finding.objects.get(audit=audit)
    assert response.status_code == 302
    assert response["Location"] == url(audit, f"#point-{point.pk}")
    assert point.section == S.WORRY
    assert point.polarity == "concern"
    assert point.created_by == personas.panel
    assert [t.slug for t in point.themes.all()] == ["planning-outcomes"]


def test_points_of_a_theme_for_learning_are_added_with_their_place(personas, audit):
    lt = add_learning(personas, audit, "Engagement with fathers")
    client = client_for(personas, "admin")

    page = html(client.get(url(audit, f"new/?place=action-{lt.pk}")))
    response = client.post(url(audit, "new/"), form_data(personas, place=f"action-{lt.pk}"))

    assert f'value="action-{lt.pk}" checked' in page
    assert "Engagement with fathers: what needs to happen" in page
    assert response.status_code == 302
    point = Finding.objects.get(audit=audit)
    assert (point.section, point.learning_theme_id, point.polarity) == ("action", lt.pk, "action")


def test_the_chosen_polarity_is_kept(personas, audit):
    client_for(personas, "admin").post(
        url(audit, "new/"), form_data(personas, place="good_practice", polarity="concern")
    )

    assert Finding.objects.get(audit=audit).polarity == "concern"


def test_themes_are_offered_as_checkboxes_grouped_by_top_level_theme(personas, audit):
    page = html(client_for(personas, "admin").get(url(audit, "new/")))

    child_voice = theme(personas, "child-voice")
    sibling = theme(personas, "child-voice.sibling-visibility")
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Themes</legend>' in page
    )
    assert f"{child_voice.name} (in general)" in page
    assert f'<span class="govuk-details__summary-text">{child_voice.name}</span>' in page
    assert f'value="{sibling.pk}"' in page
    assert 'id="id_themes_0"' in page  # what the error summary links to


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ((), "Choose at least one theme for this point."),
        (
            ("risk-tools", "child-voice", "recording", "think-family"),
            "Choose no more than three themes for this point (you chose 4).",
        ),
    ],
)
def test_the_form_says_clearly_when_a_point_has_too_few_or_too_many_themes(
    personas, audit, chosen, message
):
    data = form_data(personas, themes=[theme(personas, s).pk for s in chosen])

    response = client_for(personas, "panel").post(url(audit, "new/"), data)

    assert response.status_code == 200
    page = html(response)
    assert "There is a problem" in page
    assert f'<a href="#id_themes_0">{message}</a>' in page
    assert "Error: Add a point" in page
    assert not Finding.objects.filter(audit=audit).exists()


def test_a_retired_theme_is_not_offered_and_is_refused(personas, audit):
    Theme.objects.filter(partnership=personas.partnership, slug="recording").update(retired=True)
    retired = theme(personas, "recording")
    client = client_for(personas, "panel")

    page = html(client.get(url(audit, "new/")))
    response = client.post(url(audit, "new/"), form_data(personas, themes=[retired.pk]))

    assert f'value="{retired.pk}"' not in page
    assert "no longer available (it may have been retired)" in html(response)
    assert not Finding.objects.filter(audit=audit).exists()


def test_the_edit_page_warns_of_a_retired_theme_on_the_point(personas, audit):
    point = add_point(personas, audit, slugs=("recording", "child-voice"))
    Theme.objects.filter(partnership=personas.partnership, slug="recording").update(
        retired=True, successor="information-sharing"
    )

    page = html(client_for(personas, "panel").get(url(audit, f"{point.pk}/")))

    assert "has a theme that has been retired" in page
    assert "information-sharing" in page


def submitted(ret: Return) -> Return:
    Return.objects.filter(pk=ret.pk).update(state=Return.State.SUBMITTED)
    return ret


def test_resources_and_source_returns_are_chosen_and_shown_internally(personas, audit):
    ret = submitted(police_return(personas, audit))
    client = client_for(personas, "admin")

    form = html(client.get(url(audit, "new/")))
    client.post(
        url(audit, "new/"),
        form_data(personas, resources=[personas.resource.pk], source_returns=[ret.pk]),
    )
    page = html(client.get(url(audit)))

    assert "Child A: Police" in form
    assert "never in the briefing" in form
    point = Finding.objects.get(audit=audit)
    assert list(point.resources.all()) == [personas.resource]
    assert list(point.source_returns.all()) == [ret]
    assert "Neglect toolkit" in page
    assert "From the returns (internal): Child A (Police)" in page


def test_an_edit_from_a_stale_page_is_refused_with_a_clear_message(personas, audit):
    point = add_point(personas, audit)
    admin, panel = client_for(personas, "admin"), client_for(personas, "panel")
    data = form_data(personas, text="The admin's version.", version=1)
    admin.post(url(audit, f"{point.pk}/"), data)

    response = panel.post(
        url(audit, f"{point.pk}/"), {**data, "text": "The panel's version.", "version": 1}
    )

    assert response.status_code == 200
    assert "Someone else changed this point while you were editing" in html(response)
    point.refresh_from_db()
    assert point.text == "The admin's version."


def test_the_edit_form_starts_from_the_point(personas, audit):
    point = add_point(personas, audit, text="Step down happened too soon.", polarity="action")

    page = html(client_for(personas, "admin").get(url(audit, f"{point.pk}/")))

    assert "Step down happened too soon." in page
    assert 'value="action" checked' in page
    assert f'value="{theme(personas, "risk-tools").pk}" checked' in page
    assert 'name="version" value="1"' in page


def test_move_buttons_reorder_points(personas, audit):
    first = add_point(personas, audit, text="First point.")
    second = add_point(personas, audit, text="Second point.")
    client = client_for(personas, "panel")

    page = html(client.get(url(audit)))
    response = client.post(url(audit, f"{second.pk}/move/"), {"direction": "up"})

    assert 'Move up<span class="govuk-visually-hidden"> point 2 of What we are worried' in page
    assert response.status_code == 302
    assert response["Location"] == url(audit, f"#point-{second.pk}")
    after = html(client.get(url(audit)))
    assert after.index("Second point.") < after.index("First point.")
    assert first.pk != second.pk


def test_themes_for_learning_are_added_titled_reordered_and_deleted(personas, audit):
    client = client_for(personas, "admin")

    client.post(url(audit, "learning/new/"), {"title": "One"})
    client.post(url(audit, "learning/new/"), {"title": "Two"})
    one, two = LearningTheme.objects.filter(audit=audit).order_by("position")
    client.post(url(audit, f"learning/{two.pk}/move/"), {"direction": "up"})
    client.post(url(audit, f"learning/{one.pk}/"), {"title": "One, retitled", "version": 1})
    page = html(client.get(url(audit)))
    client.post(url(audit, f"learning/{two.pk}/delete/"), {"version": 1})

    assert page.index("Two") < page.index("One, retitled")
    assert list(LearningTheme.objects.filter(audit=audit).values_list("title", flat=True)) == [
        "One, retitled"
    ]


def test_a_point_is_deleted_after_confirming(personas, audit):
    point = add_point(personas, audit, text="To be deleted.")
    client = client_for(personas, "panel")

    confirm = client.get(url(audit, f"{point.pk}/delete/"))
    response = client.post(url(audit, f"{point.pk}/delete/"), {"version": 1})

    assert "Delete this point?" in html(confirm)
    assert "To be deleted." in html(confirm)
    assert response.status_code == 302
    assert not Finding.objects.filter(pk=point.pk).exists()


# --- once published -------------------------------------------------------------------------


def test_once_published_the_findings_are_read_only(personas):
    audit = make_audit(personas, state="reporting")
    point = add_point(personas, audit, text="Recorded before publication.")
    lt = add_learning(personas, audit)
    audit = advance(personas, audit)
    client = client_for(personas, "panel")

    listing = html(client.get(url(audit)))
    detail = client.get(url(audit, f"{point.pk}/"))
    new = client.get(url(audit, "new/"))
    moved = client.post(url(audit, f"{point.pk}/move/"), {"direction": "down"})
    retitled = client.post(url(audit, f"learning/{lt.pk}/"), {"title": "Late", "version": 1})

    assert "Recorded before publication." in listing
    assert "can no longer be changed" in listing
    assert "Add a worry" not in listing
    assert "Move up" not in listing and "Move down" not in listing
    assert detail.status_code == 200
    assert "A point of the findings" in html(detail)
    assert 'name="text"' not in html(detail)
    assert new.status_code == 302 and new["Location"] == url(audit)
    assert moved.status_code == 302
    assert retitled.status_code == 200
    lt.refresh_from_db()
    assert lt.title == "Engagement with fathers"


# --- cost -----------------------------------------------------------------------------------


def queries_for_page(personas, audit) -> int:
    client = client_for(personas, "admin")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(audit)).status_code == 200
    return len(captured)


def test_the_findings_page_costs_the_same_however_many_points(personas, audit):
    add_point(personas, audit)
    few = queries_for_page(personas, audit)
    for n in range(8):
        lt = add_learning(personas, audit, f"Learning {n}")
        add_point(personas, audit, section=S.FOUND, learning_theme=lt, slugs=("child-voice",))
        add_point(
            personas,
            audit,
            section=S.ACTION,
            learning_theme=lt,
            resources=[personas.resource],
            source_returns=[police_return(personas, audit)],
        )
        add_point(personas, audit, section=S.GOOD_PRACTICE)

    many = queries_for_page(personas, audit)

    assert many == few


def test_the_findings_page_shows_no_identifier(personas, audit):
    add_point(personas, audit, source_returns=[police_return(personas, audit)])

    page = html(client_for(personas, "admin").get(url(audit)))

    assert not re.search(r"Synthname|CN-SYN-", page)


def test_only_returns_that_were_worked_on_are_offered_as_sources(personas, audit):
    submitted(police_return(personas, audit))
    Return.objects.filter(pk=police_return(personas, audit, "Child B").pk).update(
        state=Return.State.NOT_KNOWN
    )
    never_started = Return.objects.get(
        audit=audit, child__reference="Child B", organisation=personas.health_org
    )
    linked = add_point(personas, audit, source_returns=[never_started])

    new = html(client_for(personas, "admin").get(url(audit, "new/")))
    edit = html(client_for(personas, "admin").get(url(audit, f"{linked.pk}/")))

    assert "Child A: Police" in new
    assert "Child B: Police" not in new
    assert "Child B: Health" not in new
    assert "Child B: Health" in edit  # kept while a point has it


def test_theme_groups_are_in_name_order_with_subthemes_under_their_theme(personas, audit):
    page = html(client_for(personas, "admin").get(url(audit, "new/")))

    groups = re.findall(r'<span class="govuk-details__summary-text">([^<(]+)', page)
    assert groups == sorted(groups, key=str.lower)
    first_box = re.search(r'<input class="govuk-checkboxes__input" id="id_themes_0"[^>]*>', page)
    assert first_box is not None
    first_top = Theme.objects.filter(partnership=personas.partnership, parent__isnull=True)
    assert f'value="{min(first_top, key=lambda t: t.name.lower()).pk}"' in first_box.group(0)
