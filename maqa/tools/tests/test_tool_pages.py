"""The audit tool pages: list, a tool and its versions, copy, edit a copy, the guide."""

from __future__ import annotations

import pytest
from django.test import Client

from maqa.core.models import AuditEvent
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in
from maqa.tools.definition import definition_to_yaml
from maqa.tools.models import AuditTool
from maqa.tools.services import tool_copy, tool_save_version


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def shipped(personas) -> AuditTool:
    return AuditTool.objects.get(partnership=personas.partnership, slug="multi-agency-case-audit")


@pytest.fixture
def copy(personas, shipped) -> AuditTool:
    assert shipped.latest is not None
    return tool_copy(actor=personas.admin, ip=None, version=shipped.latest, name="Neglect audit")


@pytest.fixture
def admin(client, personas) -> Client:
    return sign_in(client, personas.admin)


def current_yaml(tool: AuditTool) -> str:
    assert tool.latest is not None
    return definition_to_yaml(tool.latest.definition)


def edit(admin: Client, tool: AuditTool, text: str, based_on: int = 1):
    return admin.post(f"/returns/tools/{tool.pk}/edit/", {"definition": text, "based_on": based_on})


# --- the list -------------------------------------------------------------------------------


def test_it_lists_the_tools_with_their_latest_version_and_the_audits_on_each(
    admin, personas, shipped, copy, django_assert_num_queries
):
    make_audit(personas)
    make_audit(personas, theme="Neglect")
    text = current_yaml(copy).replace("grade_scale: ogri", "grade_scale: brag")
    tool_save_version(actor=personas.admin, ip=None, tool=copy, text=text, based_on=1)
    # The signed-in person and their session: 8 (the session is saved on every request);
    # the tools: 1; their versions: 1. The same however many tools and versions there are.
    with django_assert_num_queries(8 + 2):
        page = admin.get("/returns/tools/").content.decode()
    for name in ("Fathers audit", "Voice audit"):
        tool_copy(actor=personas.admin, ip=None, version=copy.latest, name=name)
    with django_assert_num_queries(8 + 2):
        admin.get("/returns/tools/")
    assert f'href="/returns/tools/{shipped.pk}/">Multi-agency case audit</a>' in page
    assert "Shipped with maqa" in page
    assert "<li>Version 1: 2 audits</li>" in page
    assert f'href="/returns/tools/{copy.pk}/">Neglect audit</a>' in page
    assert "Version 2, " in page
    assert "Copy of Multi-agency case audit, version 1" in page
    assert "None" in page


def test_the_list_shows_only_the_admins_own_partnership(client, personas, copy):
    sign_in(client, personas.outsider)
    page = client.get("/returns/tools/").content.decode()
    assert "Multi-agency case audit" in page
    assert "Neglect audit" not in page
    assert f"/returns/tools/{copy.pk}/" not in page


# --- a tool and its versions ----------------------------------------------------------------


def test_a_tool_page_shows_the_latest_version_readably(admin, shipped):
    page = admin.get(f"/returns/tools/{shipped.pk}/").content.decode()
    assert "Audit tool, version 1" in page
    assert "Outstanding / Good / Requires improvement / Inadequate" in page
    assert '<strong class="govuk-tag govuk-tag--yellow">Requires improvement</strong>' in page
    assert "4. Fathers and significant adults</h3>" in page
    assert "Was the child seen, and seen alone where appropriate?" in page
    assert "Yes / no / not applicable</strong>" in page
    assert "<code>planning.meetings_attended</code>" in page
    assert "Guidance:</span> A parent&#x27;s account is not the child&#x27;s voice." in page
    assert "What needs to happen</dt>" in page
    assert "Tools shipped with maqa cannot be edited." in page
    assert "Copy this tool</a>" in page
    assert f'href="/returns/tools/{shipped.pk}/edit/"' not in page
    assert "Version 1 (shown)" in page


def test_a_copy_offers_edit_and_its_history_says_who_saved_each_version(admin, personas, copy):
    text = current_yaml(copy).replace("kind: number", "kind: text")
    tool_save_version(actor=personas.admin, ip=None, tool=copy, text=text, based_on=1)
    page = admin.get(f"/returns/tools/{copy.pk}/").content.decode()
    assert f'href="/returns/tools/{copy.pk}/edit/">Edit</a>' in page
    assert "Audit tool, version 2" in page
    assert "Version 2 (shown)" in page
    assert f'href="/returns/tools/{copy.pk}/versions/1/">Version 1</a>' in page
    assert "edited in maqa" in page
    assert "copy of Multi-agency case audit, version 1" in page
    assert page.count("Quinn Lead") == 2


def test_an_old_version_is_shown_as_it_was(admin, personas, copy):
    text = current_yaml(copy).replace(
        "text: How good were your agency's assessments?", "text: How good were the assessments?"
    )
    tool_save_version(actor=personas.admin, ip=None, tool=copy, text=text, based_on=1)
    page = admin.get(f"/returns/tools/{copy.pk}/versions/1/").content.decode()
    assert "This is version 1" in page
    assert "How good were your agency&#x27;s assessments?" in page
    assert "How good were the assessments?" not in page
    assert admin.get(f"/returns/tools/{copy.pk}/versions/3/").status_code == 404


# --- copying --------------------------------------------------------------------------------


def test_an_admin_copies_a_tool(admin, personas, shipped):
    form = admin.get(f"/returns/tools/{shipped.pk}/copy/").content.decode()
    assert 'value="Multi-agency case audit (copy)"' in form
    response = admin.post(f"/returns/tools/{shipped.pk}/copy/", {"name": "Fathers audit"})
    copy = AuditTool.objects.get(partnership=personas.partnership, name="Fathers audit")
    assert response.status_code == 302
    assert response["Location"] == f"/returns/tools/{copy.pk}/"
    assert copy.copied_from == shipped.latest
    assert AuditEvent.objects.filter(action="created", object_id=str(copy.pk)).exists()


def test_a_copy_needs_a_name_of_its_own(admin, shipped):
    response = admin.post(f"/returns/tools/{shipped.pk}/copy/", {"name": "Multi-agency case audit"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_name">A tool with that name already exists.</a>' in page


# --- editing --------------------------------------------------------------------------------


def test_the_edit_page_shows_the_latest_version_as_yaml(admin, copy):
    page = admin.get(f"/returns/tools/{copy.pk}/edit/").content.decode()
    assert '<textarea name="definition"' in page
    assert "name: Neglect audit\ngrade_scale: ogri\n" in page
    assert "      - key: voice.seen\n        kind: yes_no_na\n" in page
    assert '<input type="hidden" name="based_on" value="1"' in page
    assert 'href="/returns/tools/guide/"' in page
    assert "Save as version 2" in page


def test_saving_an_edit_makes_the_next_version_and_records_it(admin, personas, copy):
    text = current_yaml(copy).replace("grade_scale: ogri", "grade_scale: brag")
    response = edit(admin, copy, text)
    assert response.status_code == 302
    assert response["Location"] == f"/returns/tools/{copy.pk}/"
    assert copy.latest.number == 2
    assert copy.latest.definition["grade_scale"]["slug"] == "brag"
    assert copy.versions.get(number=1).definition["grade_scale"]["slug"] == "ogri"
    event = AuditEvent.objects.filter(action="changed", object_id=str(copy.pk)).latest("seq")
    assert event.actor == personas.admin
    assert event.summary == {"version": [1, 2]}
    page = admin.get(response["Location"]).content.decode()
    assert "Saved version 2 of Neglect audit." in page
    assert "BRAG (blue, green, amber, red)" in page


def test_every_problem_is_shown_in_the_error_summary(admin, copy):
    text = (
        current_yaml(copy)
        .replace("grade_scale: ogri", "grade_scale: rag")
        .replace("kind: number", "kind: count")
        .replace("title: Escalation", "title: ''")
    )
    response = edit(admin, copy, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Edit Neglect audit" in page
    assert "There is a problem" in page
    for problem in [
        "grade_scale: &#x27;rag&#x27; is not a grade scale; use one of brag, ogri",
        "domain 7 (planning), question 3: kind &#x27;count&#x27; is not one of grade, "
        "yes_no_na, number, date, text",
        "domain 8 (escalation): give it a title",
    ]:
        assert f'<a href="#id_definition">{problem}</a>' in page
    assert "kind: count" in page  # the text as typed, to fix
    assert copy.versions.count() == 1


def test_bad_yaml_is_shown_with_its_line_and_column(admin, copy):
    text = current_yaml(copy).replace("title: Assessment", "title: [Assessment")
    page = edit(admin, copy, text).content.decode()
    assert "it is not valid YAML at line " in page
    assert ", column " in page
    assert copy.versions.count() == 1


def test_a_stale_edit_is_refused_with_a_clear_message(admin, personas, copy):
    theirs = current_yaml(copy).replace("grade_scale: ogri", "grade_scale: brag")
    tool_save_version(actor=personas.admin, ip=None, tool=copy, text=theirs, based_on=1)
    mine = theirs.replace("grade_scale: brag", "grade_scale: ogri").replace(
        "kind: number", "kind: text"
    )
    response = edit(admin, copy, mine, based_on=1)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Someone saved version 2 of this tool while you were editing version 1. Reload it and "
        "make your changes again."
    ) in page
    assert copy.versions.count() == 2
    assert copy.latest.definition["grade_scale"]["slug"] == "brag"


def test_an_edit_that_changes_nothing_is_refused(admin, copy):
    page = edit(admin, copy, current_yaml(copy)).content.decode()
    assert "Nothing changed: the tool is the same as its latest version." in page
    assert copy.versions.count() == 1


def test_a_shipped_tool_cannot_be_edited_and_a_copy_is_offered(admin, shipped):
    page = admin.get(f"/returns/tools/{shipped.pk}/edit/").content.decode()
    assert "Multi-agency case audit cannot be edited" in page
    assert "<textarea" not in page
    assert f'href="/returns/tools/{shipped.pk}/copy/">Copy this tool</a>' in page
    text = current_yaml(shipped).replace("kind: number", "kind: text")
    response = edit(admin, shipped, text)
    assert response.status_code == 200
    assert "cannot be edited" in response.content.decode()
    assert shipped.versions.count() == 1


# --- the guide ------------------------------------------------------------------------------


def test_the_guide_shows_docs_audit_tools_md(admin):
    page = admin.get("/returns/tools/guide/").content.decode()
    assert "Writing audit tools" in page
    assert "## Question kinds" in page
    assert "yes_no_na" in page


# --- who may ------------------------------------------------------------------------------


def test_another_partnerships_tool_looks_missing(client, personas, shipped, copy):
    sign_in(client, personas.outsider)
    for url in [
        f"/returns/tools/{shipped.pk}/",
        f"/returns/tools/{shipped.pk}/versions/1/",
        f"/returns/tools/{shipped.pk}/copy/",
        f"/returns/tools/{copy.pk}/edit/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/returns/tools/{shipped.pk}/copy/", {"name": "Stolen"}).status_code == 404
    response = client.post(
        f"/returns/tools/{copy.pk}/edit/", {"definition": current_yaml(copy), "based_on": 1}
    )
    assert response.status_code == 404
    assert not AuditTool.objects.filter(name="Stolen").exists()


@pytest.mark.parametrize("persona", ["police", "health", "panel", "board"])
def test_only_a_partnership_admin_may_open_the_tool_pages(client, personas, persona, shipped, copy):
    sign_in(client, personas.get(persona))
    for url in [
        "/returns/tools/",
        "/returns/tools/guide/",
        f"/returns/tools/{shipped.pk}/",
        f"/returns/tools/{shipped.pk}/versions/1/",
        f"/returns/tools/{shipped.pk}/copy/",
        f"/returns/tools/{copy.pk}/edit/",
    ]:
        assert client.get(url).status_code == 403, url
    text = current_yaml(copy).replace("kind: number", "kind: text")
    assert edit(client, copy, text).status_code == 403
    assert copy.versions.count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in(client, shipped):
    response = client.get(f"/returns/tools/{shipped.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
