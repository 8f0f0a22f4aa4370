from __future__ import annotations

from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation, Resource
from maqa.testing.personas import sign_in


def test_an_admin_adds_an_organisation_and_it_is_recorded(client, personas):
    sign_in(client, personas.admin)
    response = client.post(
        "/manage/organisations/new/",
        {
            "name": "Youth Justice Service",
            "short_name": "YJS",
            "sector": "youth_justice",
            "active": "on",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(partnership=personas.partnership, short_name="YJS")
    event = AuditEvent.objects.get(
        action="created", object_type="organisations.organisation", object_id=str(org.pk)
    )
    assert event.actor == personas.admin
    assert event.summary["short_name"] == "YJS"


def test_it_names_the_problem_with_a_duplicate_short_name(client, personas):
    sign_in(client, personas.admin)
    response = client.post(
        "/manage/organisations/new/",
        {"name": "Another Police", "short_name": "Police", "sector": "police"},
    )
    assert response.status_code == 200
    assert "already has that name" in response.content.decode()


def test_it_refuses_a_stale_edit_instead_of_overwriting(client, personas):
    org = personas.police_org
    sign_in(client, personas.admin)
    first = {
        "name": "Constabulary North",
        "short_name": "Police",
        "sector": "police",
        "active": "on",
        "version": org.version,
    }
    second = {**first, "name": "Constabulary South"}
    assert client.post(f"/manage/organisations/{org.pk}/", first).status_code == 302
    stale = client.post(f"/manage/organisations/{org.pk}/", second)
    assert stale.status_code == 200
    assert "Someone else changed this organisation" in stale.content.decode()
    org.refresh_from_db()
    assert org.name == "Constabulary North"
    change = AuditEvent.objects.filter(action="changed", object_id=str(org.pk)).latest("seq")
    assert change.summary == {"name": ["Constabulary", "Constabulary North"]}


def test_it_lists_only_the_admins_own_organisations(client, personas):
    sign_in(client, personas.outsider)
    page = client.get("/manage/organisations/").content.decode()
    assert "Elsewhere Unit" in page
    assert "Constabulary" not in page


def test_another_partnerships_organisation_looks_missing(client, personas):
    sign_in(client, personas.outsider)
    assert client.get(f"/manage/organisations/{personas.police_org.pk}/").status_code == 404
    assert client.get(f"/manage/people/{personas.police.pk}/").status_code == 404
    assert client.get(f"/manage/resources/{personas.resource.pk}/").status_code == 404


def test_an_admin_adds_a_resource_with_themes(client, personas):
    sign_in(client, personas.admin)
    response = client.post(
        "/manage/resources/new/",
        {
            "title": "Escalation policy",
            "kind": "policy",
            "url": "https://example.org/escalation",
            "description": "How to challenge another agency's decision",
            "themes_text": "escalation, professional-challenge",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get(partnership=personas.partnership, title="Escalation policy")
    assert resource.themes == ["escalation", "professional-challenge"]


def test_it_names_a_bad_link(client, personas):
    sign_in(client, personas.admin)
    response = client.post(
        "/manage/resources/new/", {"title": "Bad", "kind": "policy", "url": "not a link"}
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()


def test_an_admin_changes_roles_and_the_change_is_recorded(client, personas):
    sign_in(client, personas.admin)
    roles = [f"{personas.police_org.pk}:agency_auditor", f"{personas.police_org.pk}:panel_member"]
    response = client.post(
        f"/manage/people/{personas.police.pk}/",
        {"roles": roles, "version": personas.police.version},
    )
    assert response.status_code == 302
    assert sorted(personas.police.memberships.values_list("role", flat=True)) == [
        "agency_auditor",
        "panel_member",
    ]
    event = AuditEvent.objects.filter(action="changed", object_id=str(personas.police.pk)).latest(
        "seq"
    )
    assert event.summary["roles"] == [
        ["agency_auditor@Police"],
        ["agency_auditor@Police", "panel_member@Police"],
    ]


def test_a_person_with_several_roles_has_the_union_of_their_rights(client, personas):
    from maqa.accounts.access import roles_of
    from maqa.accounts.models import Membership

    Membership.objects.create(
        user=personas.police, organisation=personas.police_org, role="partnership_admin"
    )
    sign_in(client, personas.police)
    assert roles_of(personas.police) == {"agency_auditor", "partnership_admin"}
    assert client.get("/manage/people/").status_code == 200


def test_an_admin_cannot_deactivate_themselves(client, personas):
    sign_in(client, personas.admin)
    client.post(f"/manage/people/{personas.admin.pk}/deactivate/")
    personas.admin.refresh_from_db()
    assert personas.admin.is_active


def test_the_audit_trail_page_filters_by_action(client, personas):
    sign_in(client, personas.admin)
    client.post(
        "/manage/organisations/new/",
        {"name": "EDT", "short_name": "EDT", "sector": "local_authority"},
    )
    page = client.get("/manage/audit-trail/?action=created").content.decode()
    assert "organisations.organisation" in page
    assert "EDT" in page


def test_the_audit_trail_shows_nothing_of_another_partnership(client, personas):
    sign_in(client, personas.admin)
    client.post(
        "/manage/organisations/new/",
        {"name": "Secret Agency", "short_name": "Secret", "sector": "other"},
    )
    sign_in(client, personas.outsider)
    assert "Secret Agency" not in client.get("/manage/audit-trail/").content.decode()


def test_the_people_list_pins_its_query_count(client, personas, django_assert_max_num_queries):
    sign_in(client, personas.admin)
    with django_assert_max_num_queries(12):
        assert client.get("/manage/people/").status_code == 200
