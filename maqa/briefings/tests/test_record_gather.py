"""gather() reads an audit into plain data: the sampled children, the agencies that returned, the
findings in their sections and order, and the resources linked from them."""

from __future__ import annotations

import pytest

from maqa.audits.models import Case, PlanType
from maqa.briefings.gather import build_record, gather
from maqa.findings.models import Finding, LearningTheme
from maqa.organisations.models import Resource
from maqa.returns.models import Return
from maqa.testing.audits import make_audit

S, P = Finding.Section, Finding.Polarity


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas):
    return make_audit(personas, state="reporting", children=3, theme="Synthetic theme")


def point(audit, section, text, position=0, theme=None, resources=()):
    polarity = {S.WORRY: P.CONCERN, S.GOOD_PRACTICE: P.STRENGTH}.get(section, P.ACTION)
    finding = Finding.objects.create(
        audit=audit,
        section=section,
        text=text,
        polarity=polarity,
        position=position,
        learning_theme=theme,
    )
    finding.resources.set(resources)
    return finding


def test_it_reads_the_sampled_children_only(personas):
    audit = make_audit(personas, state="draft", children=2)
    Case.objects.create(audit=audit, plan_type=PlanType.CHILD_IN_NEED, age_months=5)
    data = gather(audit)
    assert len(data.children) == 2
    assert {c.plan_type for c in data.children} == {PlanType.CHILD_PROTECTION}
    assert [c.age_months for c in data.children] == [72, 73]
    assert data.children[0].needs == ("neglect", "domestic abuse")


def test_the_audit_date_is_the_panel_date_and_the_partnership_and_aim_come_along(audit):
    data = gather(audit)
    assert data.panel_date == audit.panel_date
    assert data.partnership == "Persona Partnership"
    assert data.aim == audit.aim
    assert build_record(data)["audit_date"] == audit.panel_date.isoformat()


def test_the_organisations_are_those_with_a_submitted_return(audit, personas):
    Return.objects.filter(audit=audit, organisation=personas.police_org).update(
        state=Return.State.SUBMITTED
    )
    Return.objects.filter(audit=audit, organisation=personas.health_org).update(
        state=Return.State.NOT_KNOWN
    )
    data = gather(audit)
    assert data.organisations == ("Police",)
    assert data.organisations_returned


def test_with_no_return_submitted_every_agency_taking_part_is_listed_with_a_warning(audit):
    data = gather(audit)
    assert data.organisations == ("CSC", "Health", "Police")
    assert not data.organisations_returned
    assert any("no organisation has submitted" in w for w in build_record(data)["warnings"])


def test_findings_come_in_their_sections_in_order_and_points_are_one_line(audit):
    point(audit, S.WORRY, "Second worry", position=2)
    point(audit, S.WORRY, "First worry\nover two lines", position=1)
    point(audit, S.GOOD_PRACTICE, "Good practice")
    record = build_record(gather(audit))
    assert record["worries"] == ["First worry over two lines", "Second worry"]
    assert record["good_practice"] == ["Good practice"]


def test_themes_for_learning_keep_their_order_and_an_untitled_one_has_no_title(audit):
    later = LearningTheme.objects.create(audit=audit, title="Later theme", position=2)
    first = LearningTheme.objects.create(audit=audit, title="First theme", position=1)
    untitled = LearningTheme.objects.create(audit=audit, title="", position=3)
    point(audit, S.ACTION, "Do this", theme=first)
    point(audit, S.FOUND, "Found that", theme=first)
    point(audit, S.FOUND, "Found later", theme=later)
    point(audit, S.ACTION, "An action", theme=untitled)
    assert build_record(gather(audit))["learning"] == [
        {"title": "First theme", "found": ["Found that"], "actions": ["Do this"]},
        {"title": "Later theme", "found": ["Found later"], "actions": []},
        {"title": None, "found": [], "actions": ["An action"]},
    ]


def test_resources_are_listed_once_in_order_of_first_appearance_with_their_links(audit, personas):
    policy = Resource.objects.create(
        partnership=personas.partnership,
        title="Escalation policy",
        url="https://example.org/escalation",
    )
    theme = LearningTheme.objects.create(audit=audit, title="A theme")
    point(audit, S.FOUND, "Found", theme=theme, resources=[personas.resource, policy])
    point(audit, S.WORRY, "Worry", resources=[policy])
    record = build_record(gather(audit))
    assert record["resources"] == ["Escalation policy", "Neglect toolkit"]
    assert record["links"] == [
        {"title": "Escalation policy", "url": "https://example.org/escalation"},
        {"title": "Neglect toolkit", "url": "https://example.org/neglect"},
    ]


def test_gathering_takes_eight_queries_however_many_findings(
    audit, personas, django_assert_num_queries
):
    theme = LearningTheme.objects.create(audit=audit, title="A theme")
    for i in range(40):
        section = [S.WORRY, S.GOOD_PRACTICE, S.FOUND, S.ACTION][i % 4]
        point(
            audit,
            section,
            f"Point {i}",
            position=i,
            theme=theme if section in (S.FOUND, S.ACTION) else None,
            resources=[personas.resource],
        )
    audit.refresh_from_db()
    with django_assert_num_queries(8):
        data = gather(audit)
    assert len(data.worries) == 10 and len(data.learning[0].found) == 10
