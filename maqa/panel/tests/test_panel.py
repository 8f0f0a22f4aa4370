"""The panel: each child's returns side by side with the agreed grades, notes, the grid and
attendance; who may open and change them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit, Case
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.lifecycle import closing
from maqa.lifecycle.closing import FREE_TEXT_SOURCES, identifier_scan
from maqa.organisations.models import Organisation
from maqa.panel.models import PanelAttendance, PanelGrade, PanelNote
from maqa.panel.selectors import panel_child_sheet, panel_free_text
from maqa.panel.services import StalePanelSave, panel_attendance_add, panel_grade_save
from maqa.returns.models import Return
from maqa.testing.audits import advance, make_audit, synthetic_name
from maqa.testing.personas import PERSONA_PASSWORD, Personas, sign_in

RATIONALE = "Seen alone at every visit; views recorded in the plan."


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def set_return(
    audit: Audit, org: Organisation, reference: str, state: str, answers: dict[str, str] | None = None,
    **free_text: str,
) -> Return:  # fmt: skip
    Return.objects.filter(audit=audit, organisation=org, child__reference=reference).update(
        state=state, answers=answers or {}, **free_text
    )
    return Return.objects.get(audit=audit, organisation=org, child__reference=reference)


@pytest.fixture
def audit(personas: Personas) -> Audit:
    """At the panel: for Child A, police submitted, health answered not known, CSC has a draft."""
    audit = make_audit(personas, state="panel")
    set_return(
        audit, personas.police_org, "Child A", "submitted",
        {"voice.grade": "good", "voice.seen": "yes", "fathers.grade": "inadequate"},
        good_practice="Police shared the incident log the same day.",
    )  # fmt: skip
    set_return(audit, personas.health_org, "Child A", "not_known")
    csc = Organisation.objects.get(partnership=personas.partnership, short_name="CSC")
    set_return(audit, csc, "Child A", "draft", {"voice.grade": "outstanding"})
    return audit


@pytest.fixture
def child(audit: Audit) -> Case:
    return audit.cases.get(reference="Child A")


def child_url(audit: Audit, child: Case) -> str:
    return f"/audits/{audit.pk}/panel/children/{child.pk}/"


def grade_post(
    client: Client, audit: Audit, child: Case, domain: str = "voice", *, htmx: bool = False,
    **data: Any,
) -> Any:  # fmt: skip
    """Post the grade form of one domain (its fields are prefixed by the domain's key)."""
    fields = {f"{domain}-{key}": value for key, value in data.items()}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"{child_url(audit, child)}grades/{domain}/", fields, headers=headers)


def panel_member(personas: Personas, email: str) -> User:
    user = User.objects.create_user(
        email=email, password=PERSONA_PASSWORD, full_name="Second Panellist",
        partnership=personas.partnership,
    )  # fmt: skip
    social = Organisation.objects.get(partnership=personas.partnership, short_name="CSC")
    Membership.objects.create(user=user, organisation=social, role=Role.PANEL_MEMBER)
    return user


# --- side by side ----------------------------------------------------------------------------


def test_the_child_page_shows_each_agencys_self_grade_per_domain_side_by_side(
    personas, audit, child
):
    page = sign_in(Client(), personas.panel).get(child_url(audit, child))

    assert page.status_code == 200
    html = page.content.decode()
    voice = html[html.index('id="domain-voice"') : html.index('id="domain-fathers"')]
    assert '<strong class="govuk-tag govuk-tag--green">Good</strong>' in voice
    assert "Not known to this agency" in voice
    assert "Not submitted" in voice
    assert "The panel&#x27;s agreed grade for Voice and lived experience of the child" in voice
    fathers = html[html.index('id="domain-fathers"') : html.index('id="domain-risk_tools"')]
    assert '<strong class="govuk-tag govuk-tag--red">Inadequate</strong>' in fathers
    assert "Police shared the incident log the same day." in html
    assert "Synthname" not in html and "CN-SYN" not in html  # never an identifier


def test_a_return_not_submitted_shows_none_of_its_answers(personas, audit, child):
    sheet = panel_child_sheet(audit=audit, child=child)

    columns = [c.ret.organisation.short_name for c in sheet.agencies]
    assert columns == ["CSC", "Health", "Police"]
    voice = next(d for d in sheet.domains if d.key == "voice")
    grade_row = next(row for row in voice.rows if row.kind == "grade")
    assert [cell.text for cell in grade_row.cells] == [
        "Not submitted",
        "Not known to this agency",
        "Good",
    ]
    assert [cell.is_grade for cell in grade_row.cells] == [False, False, True]
    seen = next(row for row in voice.rows if row.text.startswith("Was the child seen"))
    assert seen.cells[2].text == "Yes"


def test_a_domain_with_several_grade_questions_shows_each(personas, audit, child):
    definition = dict(audit.tool_version.definition)
    domains = [dict(d) for d in definition["domains"]]
    voice = next(d for d in domains if d["key"] == "voice")
    voice["questions"] = [*voice["questions"], {"key": "voice.second", "kind": "grade",
                                                 "text": "A second graded question", "guidance": ""}]  # fmt: skip
    audit.tool_version.definition = {**definition, "domains": domains}
    Return.objects.filter(child=child, organisation=personas.police_org).update(
        answers={"voice.grade": "good", "voice.second": "requires_improvement"}
    )

    sheet = panel_child_sheet(audit=audit, child=child)

    rows = next(d for d in sheet.domains if d.key == "voice").rows
    grades = [row.cells[2].text for row in rows if row.kind == "grade"]
    assert grades == ["Good", "Requires improvement"]


# --- agreeing grades -------------------------------------------------------------------------


def test_agreeing_a_grade_and_rationale_saves_it_with_a_version_and_an_audit_event(
    personas, audit, child
):
    client = sign_in(Client(), personas.panel)

    response = grade_post(client, audit, child, grade="good", rationale=RATIONALE, version=0)

    assert response.status_code == 302
    assert response["Location"].endswith(f"{child_url(audit, child)}#grade-voice")
    saved = PanelGrade.objects.get(child=child, domain="voice")
    assert (saved.grade, saved.rationale, saved.version) == ("good", RATIONALE, 1)
    assert saved.updated_by == personas.panel
    event = AuditEvent.objects.filter(object_type="panel.panelgrade").latest("seq")
    assert event.action == "created"
    assert event.summary == {
        "audit": audit.pk, "child": "Child A", "domain": "voice", "grade": ["", "good"],
        "version": [0, 1], "changed": ["rationale"],
    }  # fmt: skip
    assert "Seen alone" not in str(event.summary) + event.object_label

    again = grade_post(client, audit, child, grade="requires_improvement", rationale=RATIONALE,
                       version=1)  # fmt: skip

    assert again.status_code == 302
    saved.refresh_from_db()
    assert (saved.grade, saved.version) == ("requires_improvement", 2)
    event = AuditEvent.objects.filter(object_type="panel.panelgrade").latest("seq")
    assert event.action == "changed"
    assert event.summary["grade"] == ["good", "requires_improvement"]
    assert "changed" not in event.summary  # the rationale did not change
    page = client.get(child_url(audit, child)).content.decode()
    assert "Saved the panel&#x27;s grade for Voice and lived experience of the child" in page


def test_a_save_that_changes_nothing_keeps_the_version_and_records_nothing(personas, audit, child):
    panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child, domain="voice",
                     grade="good", rationale="", version=0)  # fmt: skip
    events = AuditEvent.objects.count()

    saved = panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child,
                             domain="voice", grade="good", rationale="", version=1)  # fmt: skip

    assert saved is not None and saved.version == 1
    assert AuditEvent.objects.count() == events


def test_a_stale_grade_save_is_refused_with_who_saved_and_what(personas, audit, child):
    panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child, domain="voice",
                     grade="good", rationale="The admin's view.", version=0)  # fmt: skip
    client = sign_in(Client(), personas.panel)

    response = grade_post(client, audit, child, grade="inadequate", rationale="Mine.", version=0)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Quinn Lead saved the panel&#x27;s grade for Voice" in html
    assert "so yours was not saved" in html
    assert "The grade is now: Good" in html
    assert "The admin&#x27;s view." in html  # theirs, to compare
    assert "Mine." in html  # yours, still in the form
    assert 'name="voice-version" value="1"' in html  # saving again knowingly replaces theirs
    saved = PanelGrade.objects.get(child=child, domain="voice")
    assert (saved.grade, saved.version) == ("good", 1)

    with pytest.raises(StalePanelSave):
        panel_grade_save(actor=personas.panel, ip=None, audit=audit, child=child, domain="voice",
                         grade="inadequate", rationale="", version=0)  # fmt: skip
    assert grade_post(client, audit, child, grade="inadequate", rationale="Mine.",
                      version=1).status_code == 302  # fmt: skip
    assert PanelGrade.objects.get(child=child, domain="voice").grade == "inadequate"


def test_with_htmx_a_grade_save_answers_with_the_domains_form_alone(personas, audit, child):
    client = sign_in(Client(), personas.panel)

    response = grade_post(client, audit, child, grade="good", rationale="", version=0, htmx=True)

    assert response.status_code == 200
    assert response["X-Panel-Fragment"] == "grade"
    html = response.content.decode()
    assert '<div id="grade-voice"' in html and "<html" not in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "Saved the panel&#x27;s grade for Voice and lived experience of the child: Good." in html
    assert 'name="voice-version" value="1"' in html

    stale = grade_post(client, audit, child, grade="inadequate", rationale="", version=0, htmx=True)

    assert stale.status_code == 409
    html = stale.content.decode()
    assert "The grade for Voice and lived experience of the child was not saved: " in html
    assert 'id="id_voice-grade_error"' in html  # the refusal is the grade's error message
    assert 'aria-describedby="id_voice-grade_error"' in html
    assert PanelGrade.objects.get(child=child, domain="voice").grade == "good"


def test_a_grade_off_the_scale_or_an_unknown_domain_is_refused(personas, audit, child):
    client = sign_in(Client(), personas.admin)

    response = grade_post(client, audit, child, grade="excellent", rationale="", version=0)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PanelGrade.objects.exists()
    assert grade_post(client, audit, child, "nonsense", grade="good", version=0).status_code == 404
    with pytest.raises(ApplicationError, match="Choose a grade from the list"):
        panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child, domain="voice",
                         grade="excellent", rationale="", version=0)  # fmt: skip


def test_a_save_without_its_version_asks_to_reload(personas, audit, child):
    response = grade_post(sign_in(Client(), personas.admin), audit, child, grade="good")

    assert response.status_code == 200
    assert "the form was sent without its version" in response.content.decode()
    assert not PanelGrade.objects.exists()


# --- notes -----------------------------------------------------------------------------------


def test_notes_about_a_child_and_the_whole_panel_save_with_versions(personas, audit, child):
    client = sign_in(Client(), personas.panel)

    about_child = client.post(
        f"{child_url(audit, child)}notes/", {"note-text": "Think Family gaps.", "note-version": 0}
    )
    whole = client.post(
        f"/audits/{audit.pk}/panel/notes/", {"note-text": "Quorate.", "note-version": 0}
    )

    assert about_child.status_code == 302 and whole.status_code == 302
    assert PanelNote.objects.get(child=child).text == "Think Family gaps."
    assert PanelNote.objects.get(audit=audit, child__isnull=True).text == "Quorate."
    events = AuditEvent.objects.filter(object_type="panel.panelnote").order_by("seq")
    assert [e.summary["child"] for e in events] == ["Child A", None]
    assert all("Think" not in str(e.summary) and "Quorate" not in str(e.summary) for e in events)
    assert "Quorate." in client.get(f"/audits/{audit.pk}/panel/").content.decode()

    stale = client.post(
        f"{child_url(audit, child)}notes/", {"note-text": "Other words.", "note-version": 0}
    )

    assert stale.status_code == 409
    assert "so yours was not saved" in stale.content.decode()
    assert PanelNote.objects.get(child=child).text == "Think Family gaps."


# --- the grid --------------------------------------------------------------------------------


def test_the_grid_shows_the_text_of_each_agreed_grade_beside_its_colour(personas, audit, child):
    for domain, grade in (("voice", "good"), ("fathers", "inadequate"), ("overall", "outstanding")):
        panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child, domain=domain,
                         grade=grade, rationale="", version=0)  # fmt: skip

    html = sign_in(Client(), personas.panel).get(f"/audits/{audit.pk}/panel/grid/").content.decode()

    assert '<strong class="govuk-tag govuk-tag--green">Good</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--red">Inadequate</strong>' in html
    assert '<strong class="govuk-tag">Outstanding</strong>' in html  # the default tag is blue
    assert html.count("Not agreed yet") == 11 * 2 - 3
    assert 'aria-label="Agreed grades by child and domain"' in html


def test_the_grid_takes_the_same_number_of_queries_whatever_the_sample_size(personas):
    client = sign_in(Client(), personas.admin)
    counts = []
    for children in (1, 5):
        audit = make_audit(personas, state="panel", children=children)
        for child in audit.cases.all():
            panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child,
                             domain="voice", grade="good", rationale="", version=0)  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/audits/{audit.pk}/panel/grid/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] == 17, [q["sql"] for q in queries.captured_queries]


# --- viewing ---------------------------------------------------------------------------------


def test_each_load_of_a_childs_panel_page_records_one_viewed_event(personas, audit, child):
    client = sign_in(Client(), personas.panel)
    viewed = AuditEvent.objects.filter(action="viewed", object_type="audits.audit")
    before = viewed.count()

    client.get(child_url(audit, child))
    client.get(child_url(audit, child))

    events = list(viewed.order_by("seq"))[before:]
    assert len(events) == 2
    assert events[0].summary == {"page": "panel child", "child": "Child A"}
    assert events[0].actor == personas.panel


# --- attendance ------------------------------------------------------------------------------


def test_attendance_apologies_and_conflicts_of_interest_are_recorded(personas, audit):
    client = sign_in(Client(), personas.admin)
    url = f"/audits/{audit.pk}/panel/attendance/"

    chosen = client.post(url, {"person": personas.panel.pk, "status": "present",
                               "conflict_of_interest": "Worked with Child B's family in 2024."})  # fmt: skip
    typed = client.post(url, {"name": "Guest Practitioner", "status": "apologies",
                              "organisation": personas.health_org.pk})  # fmt: skip

    assert chosen.status_code == 302 and typed.status_code == 302
    rows = {r.name: r for r in PanelAttendance.objects.filter(audit=audit)}
    assert rows["Sam Chair"].user == personas.panel
    assert rows["Sam Chair"].conflict_of_interest == "Worked with Child B's family in 2024."
    assert (rows["Guest Practitioner"].status, rows["Guest Practitioner"].organisation) == (
        "apologies", personas.health_org,
    )  # fmt: skip
    event = AuditEvent.objects.filter(object_type="panel.panelattendance").earliest("seq")
    assert event.summary["conflict_of_interest"] == "declared"
    assert "family" not in str(event.summary)
    html = client.get(url).content.decode()
    assert "Worked with Child B&#x27;s family in 2024." in html
    assert "Apologies" in html and "Community Health" in html

    twice = client.post(url, {"person": personas.panel.pk, "status": "present"})
    nameless = client.post(url, {"status": "present"})

    assert "Sam Chair is already listed." in twice.content.decode()
    assert "Choose someone from the list, or type their name." in nameless.content.decode()
    assert PanelAttendance.objects.filter(audit=audit).count() == 2

    removed = client.post(f"{url}{rows['Guest Practitioner'].pk}/remove/")

    assert removed.status_code == 302
    assert list(PanelAttendance.objects.filter(audit=audit).values_list("name", flat=True)) == [
        "Sam Chair"
    ]
    assert AuditEvent.objects.filter(object_type="panel.panelattendance",
                                     action="deleted").exists()  # fmt: skip


def test_someone_of_another_partnership_cannot_be_listed(personas, audit):
    with pytest.raises(ApplicationError, match="Choose someone of the partnership"):
        panel_attendance_add(actor=personas.admin, ip=None, audit=audit, person=personas.outsider,
                             name="", organisation=None, status="present",
                             conflict_of_interest="")  # fmt: skip


# --- read-only and who ---------------------------------------------------------------------


def test_once_published_the_panels_record_is_read_only(personas, child):
    audit = child.audit
    panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child, domain="voice",
                     grade="good", rationale=RATIONALE, version=0)  # fmt: skip
    for _ in range(2):
        audit.refresh_from_db()
        advance(personas, audit)
    assert audit.state == "published"
    client = sign_in(Client(), personas.panel)

    page = client.get(child_url(audit, child)).content.decode()

    assert "the panel's record is read-only" in page
    assert "Save the agreed grade" not in page
    assert '<strong class="govuk-tag govuk-tag--green">Good</strong>' in page
    assert RATIONALE in page
    assert grade_post(client, audit, child, grade="inadequate", version=1).status_code == 403
    with_htmx = grade_post(client, audit, child, grade="inadequate", version=1, htmx=True)
    assert with_htmx.status_code == 409
    assert "the panel&#x27;s record can no longer change" in with_htmx.content.decode()
    assert client.post(f"/audits/{audit.pk}/panel/attendance/", {"name": "X", "status": "present"}
                       ).status_code == 403  # fmt: skip
    with pytest.raises(ApplicationError, match="can no longer change"):
        panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child, domain="voice",
                         grade="inadequate", rationale="", version=1)  # fmt: skip


def panel_urls(audit: Audit, child: Case) -> list[str]:
    return [
        f"/audits/{audit.pk}/panel/",
        child_url(audit, child),
        f"/audits/{audit.pk}/panel/grid/",
        f"/audits/{audit.pk}/panel/attendance/",
    ]


def test_a_panel_member_not_named_for_the_audit_gets_404(personas, audit, child):
    client = sign_in(Client(), panel_member(personas, "second.panellist@persona.test"))

    for url in panel_urls(audit, child):
        assert client.get(url).status_code == 404, url
    assert grade_post(client, audit, child, grade="good", version=0).status_code == 404
    assert not PanelGrade.objects.exists()


def test_a_named_panel_member_may_save_as_the_admin_may(personas, audit, child):
    member = panel_member(personas, "named.panellist@persona.test")
    audit.panel_members.add(member)

    response = grade_post(sign_in(Client(), member), audit, child, grade="good", version=0)

    assert response.status_code == 302
    assert PanelGrade.objects.get(child=child).updated_by == member


def test_auditors_viewers_and_other_partnerships_get_404(personas, audit, child):
    for persona in ("police", "health", "board", "outsider"):
        client = sign_in(Client(), personas.get(persona))
        for url in panel_urls(audit, child):
            assert client.get(url).status_code == 404, (persona, url)
        assert grade_post(client, audit, child, grade="good", version=0).status_code == 404


def test_before_the_panel_the_panel_pages_do_not_exist(personas):
    audit = make_audit(personas, state="returns_open")
    child = audit.cases.get(reference="Child A")
    for persona in ("admin", "panel"):
        client = sign_in(Client(), personas.get(persona))
        for url in panel_urls(audit, child):
            assert client.get(url).status_code == 404, (persona, url)


def test_a_child_of_another_audit_gets_404(personas, audit):
    other = make_audit(personas, state="panel")
    stranger = other.cases.get(reference="Child A")

    response = sign_in(Client(), personas.admin).get(child_url(audit, stranger))

    assert response.status_code == 404


# --- before closing --------------------------------------------------------------------------


def test_the_panels_free_text_is_listed_for_the_identifier_scan(personas, audit, child):
    panel_grade_save(actor=personas.admin, ip=None, audit=audit, child=child, domain="voice",
                     grade="good", rationale=RATIONALE, version=0)  # fmt: skip
    PanelNote.objects.create(audit=audit, child=None, text="Whole-panel words.")
    PanelAttendance.objects.create(audit=audit, name="Guest", conflict_of_interest="A link.")

    texts = dict(panel_free_text(audit))

    assert texts["panel's rationale for Child A, voice"] == RATIONALE
    assert texts["panel notes about the whole panel"] == "Whole-panel words."
    assert texts["conflict of interest declared by Guest"] == "A link."


def test_a_childs_name_in_the_panels_notes_is_found_before_the_audit_closes(
    personas, audit, child, monkeypatch
):
    # Until maqa.lifecycle.closing lists the panel's text itself (see docs/panel.md).
    sources = [*FREE_TEXT_SOURCES, panel_free_text]
    monkeypatch.setattr(closing, "FREE_TEXT_SOURCES", sources)
    PanelNote.objects.create(audit=audit, child=child, text=f"Seen with {synthetic_name(0)}.")

    hits = identifier_scan(audit)

    assert any(hit.where == "panel notes about Child A" for hit in hits)
    assert all(synthetic_name(0) not in hit.where + hit.found for hit in hits)
