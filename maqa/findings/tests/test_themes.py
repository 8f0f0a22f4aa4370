"""The themes admin: the taxonomy as a tree, adding a theme (slug from its name, never changed),
correcting an added theme, retiring one (with a successor; subthemes too), stale saves, who may,
and the audit events."""

from __future__ import annotations

import pytest
from django.test import Client

from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding, Theme
from maqa.findings.selectors import audit_findings, theme_fingerprint, theme_tree
from maqa.findings.tests.test_findings import add_point
from maqa.findings.themes import theme_create, theme_retire, theme_update
from maqa.testing.audits import make_audit
from maqa.testing.personas import Personas, sign_in


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def theme(personas: Personas, slug: str) -> Theme:
    return Theme.objects.get(partnership=personas.partnership, slug=slug)


def admin(personas: Personas) -> Client:
    return sign_in(Client(), personas.admin)


def retire(personas, t: Theme, successor: Theme | None = None) -> Theme:
    return theme_retire(
        actor=personas.admin,
        ip=None,
        theme=t,
        successor=successor,
        fingerprint=theme_fingerprint(t),
    )


# --- the list -------------------------------------------------------------------------------


def test_the_admin_sees_the_taxonomy_as_themes_with_their_subthemes(personas):
    Theme.objects.filter(partnership=personas.partnership, slug="recording").update(
        retired=True, successor="information-sharing"
    )

    response = admin(personas).get("/audits/themes/")

    assert response.status_code == 200
    page = response.content.decode()
    voice = theme(personas, "child-voice")
    assert f'href="/audits/themes/{voice.pk}/">{voice.name}</a></th>' in page
    assert "Subtheme of Voice and lived experience of the child: " in page
    assert "<code>child-voice.sibling-visibility</code>" in page
    assert "Retired</strong> use <code>information-sharing</code>" in page
    assert 'tabindex="0" role="region" aria-label="Themes"' in page


def test_the_tree_puts_subthemes_under_their_theme(personas):
    tree = theme_tree(personas.partnership)

    node = next(n for n in tree if n.theme.slug == "risk-tools")
    assert {t.slug for t in node.subthemes} == {
        "risk-tools.domestic-abuse-dash",
        "risk-tools.neglect-tools",
        "risk-tools.tools-general",
    }
    assert all(n.theme.parent_id is None for n in tree)


@pytest.mark.parametrize("who", ["police", "panel", "board"])
def test_only_partnership_admins_may_open_the_themes_pages(personas, who):
    client = sign_in(Client(), personas.get(who))
    voice = theme(personas, "child-voice")

    for path in ("/audits/themes/", "/audits/themes/new/", f"/audits/themes/{voice.pk}/"):
        assert client.get(path).status_code == 403, path


def test_another_partnerships_admin_gets_404_for_this_partnerships_theme(personas):
    voice = theme(personas, "child-voice")
    client = sign_in(Client(), personas.outsider)

    assert client.get(f"/audits/themes/{voice.pk}/").status_code == 404
    response = client.post(f"/audits/themes/{voice.pk}/retire/", {})
    assert response.status_code == 404
    assert not theme(personas, "child-voice").retired


# --- adding ---------------------------------------------------------------------------------


def test_the_admin_adds_a_top_level_theme_with_a_slug_from_its_name(personas):
    response = admin(personas).post(
        "/audits/themes/new/",
        {"name": "Neurodiversity & SEND", "definition": "Needs of neurodivergent children."},
    )

    assert response.status_code == 302
    added = theme(personas, "neurodiversity-send")
    assert added.name == "Neurodiversity & SEND"
    assert added.parent is None
    assert added.added_by == personas.admin
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATED, object_type="findings.theme", object_id=str(added.pk)
    )
    assert event.summary["slug"] == "neurodiversity-send"
    assert event.actor == personas.admin


def test_the_admin_adds_a_subtheme_under_a_top_level_theme(personas):
    parent = theme(personas, "fathers-male-carers")

    admin(personas).post(
        "/audits/themes/new/", {"name": "Male carers in prison", "parent": parent.pk}
    )

    added = theme(personas, "fathers-male-carers.male-carers-in-prison")
    assert added.parent == parent


def test_a_subtheme_cannot_be_a_parent_nor_a_retired_theme(personas):
    sub = theme(personas, "child-voice.sibling-visibility")
    with pytest.raises(ApplicationError, match="top-level theme as the parent"):
        theme_create(actor=personas.admin, ip=None, name="Deeper", parent=sub)
    old = retire(personas, theme(personas, "recording"))
    with pytest.raises(ApplicationError, match="is retired"):
        theme_create(actor=personas.admin, ip=None, name="Under old", parent=old)


def test_a_theme_whose_slug_is_taken_is_refused_even_by_a_retired_one(personas):
    retire(personas, theme(personas, "recording"))

    response = admin(personas).post("/audits/themes/new/", {"name": "Recording"})

    assert response.status_code == 200
    assert "A theme with the slug “recording” already exists (it may be retired)" in (
        response.content.decode()
    )


def test_a_name_without_letters_or_numbers_is_refused(personas):
    with pytest.raises(ApplicationError, match="letters or numbers"):
        theme_create(actor=personas.admin, ip=None, name="&&&")


def test_an_added_theme_can_be_offered_for_new_points(personas):
    added = theme_create(actor=personas.admin, ip=None, name="Online harm")
    audit = make_audit(personas, state="panel")

    page = sign_in(Client(), personas.panel).get(f"/audits/{audit.pk}/findings/new/")

    assert f'value="{added.pk}"' in page.content.decode()


# --- correcting -----------------------------------------------------------------------------


def test_an_added_theme_is_renamed_but_its_slug_never_changes(personas):
    added = theme_create(actor=personas.admin, ip=None, name="Onlne harm")

    response = admin(personas).post(
        f"/audits/themes/{added.pk}/",
        {
            "name": "Online harm",
            "definition": "Harm online.",
            "fingerprint": theme_fingerprint(added),
        },
    )

    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.slug, added.definition) == (
        "Online harm",
        "onlne-harm",
        "Harm online.",
    )
    event = AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGED, object_type="findings.theme", object_id=str(added.pk)
    ).get()
    assert event.summary == {
        "slug": "onlne-harm",
        "name": ["Onlne harm", "Online harm"],
        "definition": "changed",
    }


def test_a_theme_of_the_default_taxonomy_cannot_be_edited(personas):
    voice = theme(personas, "child-voice")

    page = admin(personas).get(f"/audits/themes/{voice.pk}/").content.decode()

    assert "cannot be renamed or redefined here" in page
    assert 'name="name"' not in page
    with pytest.raises(ApplicationError, match="default taxonomy cannot be edited"):
        theme_update(
            actor=personas.admin,
            ip=None,
            theme=voice,
            name="Renamed",
            definition="",
            fingerprint=theme_fingerprint(voice),
        )


def test_a_stale_theme_edit_is_refused(personas):
    added = theme_create(actor=personas.admin, ip=None, name="Online harm")
    seen = theme_fingerprint(added)
    theme_update(
        actor=personas.admin,
        ip=None,
        theme=added,
        name="Online harms",
        definition="",
        fingerprint=seen,
    )

    response = admin(personas).post(
        f"/audits/themes/{added.pk}/",
        {"name": "Harm online", "definition": "", "fingerprint": seen},
    )

    assert "Someone else changed this theme while you were editing" in response.content.decode()
    assert theme(personas, "online-harm").name == "Online harms"


# --- retiring -------------------------------------------------------------------------------


def test_the_admin_retires_a_theme_with_a_successor_and_its_slug_stays(personas):
    old = theme(personas, "recording")
    successor = theme(personas, "information-sharing")
    audit = make_audit(personas, state="panel")
    point = add_point(personas, audit, slugs=("recording",))

    response = admin(personas).post(
        f"/audits/themes/{old.pk}/retire/",
        {"retire-successor": successor.pk, "retire-fingerprint": theme_fingerprint(old)},
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.retired
    assert old.slug == "recording"
    assert old.successor == "information-sharing"
    # Points that have it keep it, marked retired.
    assert [t.slug for t in Finding.objects.get(pk=point.pk).themes.all()] == ["recording"]
    assert audit_findings(audit).worries[0].themes[0].retired
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CHANGED, object_type="findings.theme", object_id=str(old.pk)
    )
    assert event.summary["retired"] == [False, True]
    assert event.summary["successor"] == "information-sharing"


def test_retiring_a_top_level_theme_retires_its_subthemes(personas):
    top = theme(personas, "risk-tools")

    retire(personas, top)

    subs = Theme.objects.filter(parent=top)
    assert subs.count() == 3
    assert all(s.retired for s in subs)
    assert all(s.successor == "" for s in subs)
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGED,
            object_type="findings.theme",
            object_id__in=[str(s.pk) for s in subs],
        ).count()
        == 3
    )


def test_the_retire_page_says_subthemes_go_too_and_offers_successors(personas):
    top = theme(personas, "risk-tools")

    page = admin(personas).get(f"/audits/themes/{top.pk}/").content.decode()

    assert "Its 3 subthemes will be retired too." in page
    assert "Retire the theme" in page
    assert f'<option value="{top.pk}"' not in page  # not its own successor


@pytest.mark.parametrize("pick", ["itself", "its subtheme", "retired"])
def test_a_successor_must_be_another_theme_in_use(personas, pick):
    top = theme(personas, "risk-tools")
    if pick == "itself":
        successor = top
    elif pick == "its subtheme":
        successor = theme(personas, "risk-tools.neglect-tools")
    else:
        successor = retire(personas, theme(personas, "recording"))

    with pytest.raises(ApplicationError) as raised:
        retire(personas, top, successor)

    assert raised.value.field == "successor"
    assert not theme(personas, "risk-tools").retired


def test_a_theme_is_retired_once(personas):
    old = retire(personas, theme(personas, "recording"))

    with pytest.raises(ApplicationError, match="already retired"):
        retire(personas, old)


def test_retiring_from_a_stale_page_is_refused(personas):
    added = theme_create(actor=personas.admin, ip=None, name="Online harm")
    seen = theme_fingerprint(added)
    theme_update(
        actor=personas.admin,
        ip=None,
        theme=added,
        name="Online harms",
        definition="",
        fingerprint=seen,
    )

    response = admin(personas).post(
        f"/audits/themes/{added.pk}/retire/", {"retire-fingerprint": seen}
    )

    assert response.status_code == 200
    assert "Someone else changed this theme" in response.content.decode()
    assert not theme(personas, "online-harm").retired
