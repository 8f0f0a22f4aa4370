"""Re-audits: naming the earlier audit in the plan, and the page comparing the two (agreed grades
by domain, and themes), with who sees which part."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client

from maqa.audits.models import Audit
from maqa.audits.reaudit import NOT_EARLIER, NOT_OURS, check_reaudit_of
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding, Theme
from maqa.panel.models import PanelGrade
from maqa.testing.audits import make_audit
from maqa.testing.personas import Personas, sign_in
from maqa.trends.reaudit import reaudit_comparison


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def client_for(personas: Personas, who: str) -> Client:
    return sign_in(Client(), personas.get(who))


def moved_back(audit: Audit, days: int) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(
        panel_date=audit.panel_date - datetime.timedelta(days=days),
        returns_due=audit.returns_due - datetime.timedelta(days=days),
    )
    return Audit.objects.get(pk=audit.pk)


def grade(audit: Audit, child: str, domain: str, value: str) -> None:
    PanelGrade.objects.create(
        audit=audit, child=audit.cases.get(reference=child), domain=domain, grade=value
    )


def point(audit: Audit, polarity: str, *slugs: str) -> Finding:
    finding = Finding.objects.create(
        audit=audit, section="worry", text=f"A point ({polarity})", polarity=polarity
    )
    finding.themes.set(Theme.objects.filter(partnership_id=audit.partnership_id, slug__in=slugs))
    return finding


@pytest.fixture
def pair(personas) -> tuple[Audit, Audit]:
    """A published earlier audit and its re-audit, also published; the panel member sat on both."""
    earlier = moved_back(make_audit(personas, state="published", theme="Neglect"), 400)
    later = make_audit(personas, state="published", theme="Neglect, again")
    Audit.objects.filter(pk=later.pk).update(reaudit_of=earlier)
    later.refresh_from_db()
    return earlier, later


# --- the plan -----------------------------------------------------------------------------------


def plan_data(personas: Personas, audit: Audit, **changes) -> dict:
    data = {
        "theme": audit.theme,
        "aim": audit.aim,
        "plan_types": audit.plan_types,
        "cp_categories": audit.cp_categories,
        "age_min_years": audit.age_min_years,
        "age_max_years": audit.age_max_years,
        "sample_size": audit.sample_size,
        "agencies": [a.pk for a in audit.agencies.all()],
        "tool_version": audit.tool_version_id,
        "returns_due": audit.returns_due.isoformat(),
        "panel_date": audit.panel_date.isoformat(),
        "lead": audit.lead_id,
        "panel_members": [p.pk for p in audit.panel_members.all()],
        "version": audit.version,
    }
    data.update(changes)
    return data


def test_the_plan_names_the_earlier_audit_and_the_change_is_recorded(personas):
    earlier = moved_back(make_audit(personas, theme="Neglect"), 400)
    audit = make_audit(personas)

    page = client_for(personas, "admin").get(f"/audits/{audit.pk}/edit/").content.decode()
    choices = re.findall(r'<option value="(\d+)"', page.split('name="reaudit_of"')[1])
    assert str(earlier.pk) in choices and str(audit.pk) not in choices

    response = client_for(personas, "admin").post(
        f"/audits/{audit.pk}/edit/", plan_data(personas, audit, reaudit_of=earlier.pk)
    )

    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.reaudit_of == earlier
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGED, object_id=str(audit.pk))
    assert event.latest("seq").summary["reaudit_of"] == [None, earlier.pk]


def test_a_later_audit_cannot_be_the_earlier_one(personas):
    audit = moved_back(make_audit(personas), 400)
    later = make_audit(personas, theme="Later")

    response = client_for(personas, "admin").post(
        f"/audits/{audit.pk}/edit/", plan_data(personas, audit, reaudit_of=later.pk)
    )

    assert response.status_code == 200
    assert NOT_EARLIER in html.unescape(response.content.decode())
    audit.refresh_from_db()
    assert audit.reaudit_of is None


def test_the_service_refuses_itself_another_partnership_and_a_later_audit(personas):
    audit = make_audit(personas)
    later = make_audit(personas, theme="Later")
    same = {"partnership_id": personas.partnership.pk, "panel_date": audit.panel_date}

    with pytest.raises(ApplicationError, match=NOT_OURS):
        check_reaudit_of(audit, **same, audit_pk=audit.pk)
    with pytest.raises(ApplicationError, match=NOT_OURS):
        check_reaudit_of(
            audit, partnership_id=personas.other_partnership.pk, panel_date=audit.panel_date
        )
    with pytest.raises(ApplicationError, match=re.escape(NOT_EARLIER)):
        check_reaudit_of(later, **same, audit_pk=audit.pk)


def test_another_partnerships_audit_is_not_a_choice(personas):
    audit = make_audit(personas)
    theirs = Audit.objects.create(
        partnership=personas.other_partnership,
        theme="Elsewhere",
        aim="-",
        tool_version=audit.tool_version,
        returns_due=audit.returns_due - datetime.timedelta(days=500),
        panel_date=audit.panel_date - datetime.timedelta(days=500),
        lead=personas.outsider,
    )

    response = client_for(personas, "admin").post(
        f"/audits/{audit.pk}/edit/", plan_data(personas, audit, reaudit_of=theirs.pk)
    )

    assert response.status_code == 200
    audit.refresh_from_db()
    assert audit.reaudit_of is None


# --- the audit's page -----------------------------------------------------------------------------


def test_the_audit_page_says_what_it_re_audits(personas, pair):
    earlier, later = pair

    page = client_for(personas, "admin").get(f"/audits/{later.pk}/").content.decode()

    row = re.search(r'id="reaudit-of">(.*?)</div>', page, re.S)
    assert row is not None
    assert "Re-audit of" in row[1]
    assert f'href="/audits/{earlier.pk}/"' in row[1]
    assert f'href="/trends/reaudit/{later.pk}/"' in row[1]


# --- the comparison -------------------------------------------------------------------------------


def test_grades_by_domain_count_each_grade_and_the_share_good_or_better(personas, pair):
    earlier, later = pair
    grade(earlier, "Child A", "fathers", "inadequate")
    grade(earlier, "Child B", "fathers", "good")
    grade(later, "Child A", "fathers", "good")
    grade(later, "Child B", "fathers", "outstanding")
    grade(later, "Child A", "voice", "requires_improvement")

    comparison = reaudit_comparison(personas.admin, later)

    assert comparison.grades is not None
    rows = {row.key: row for row in comparison.grades}
    fathers = rows["fathers"]
    assert [(g.label, g.count) for g in fathers.earlier.counts] == [
        ("Outstanding", 0), ("Good", 1), ("Requires improvement", 0), ("Inadequate", 1),
    ]  # fmt: skip
    assert (fathers.earlier.graded, fathers.earlier.share) == (2, 50)
    assert (fathers.this.graded, fathers.this.share) == (2, 100)
    assert fathers.change == 50
    assert rows["voice"].earlier.share is None and rows["voice"].this.share == 0
    assert rows["voice"].change is None


def test_themes_are_new_recurring_or_no_longer_seen(personas, pair):
    earlier, later = pair
    point(earlier, "concern", "fathers-male-carers")
    point(earlier, "concern", "recording")
    point(later, "concern", "fathers-male-carers.reliance-on-mother")
    point(later, "concern", "child-voice")
    point(later, "strength", "recording")

    themes = {t.slug: t for t in reaudit_comparison(personas.admin, later).themes or []}

    assert themes["fathers-male-carers"].status == "recurring"
    assert themes["child-voice"].status == "new"
    assert themes["recording"].status == "no longer seen"
    assert (themes["recording"].earlier_concerns, themes["recording"].strengths) == (1, 1)


def test_the_page_shows_both_tables_to_an_admin_and_records_the_view(personas, pair):
    _earlier, later = pair
    grade(later, "Child A", "fathers", "good")
    point(later, "concern", "child-voice")

    page = client_for(personas, "admin").get(f"/trends/reaudit/{later.pk}/").content.decode()

    assert 'data-domain="fathers" data-side="this"' in page
    assert 'data-theme="child-voice"' in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEWED,
        object_id=str(later.pk),
        summary__page="re-audit comparison",
    ).exists()


def test_the_board_sees_the_themes_but_not_the_grades(personas, pair):
    _earlier, later = pair
    grade(later, "Child A", "fathers", "good")
    point(later, "concern", "child-voice")

    page = client_for(personas, "board").get(f"/trends/reaudit/{later.pk}/").content.decode()

    assert 'data-theme="child-voice"' in page
    assert "data-domain=" not in page
    assert "panel members who sat on both panels" in page


def test_a_panel_member_who_missed_the_earlier_panel_sees_no_grades(personas, pair):
    earlier, later = pair
    earlier.panel_members.clear()

    comparison = reaudit_comparison(personas.panel, later)

    assert comparison.grades is None and comparison.grades_hidden
    assert comparison.themes is None and comparison.themes_hidden


def test_a_panel_member_of_both_sees_the_grades(personas, pair):
    comparison = reaudit_comparison(personas.panel, pair[1])

    assert comparison.grades is not None and comparison.themes is not None


@pytest.mark.parametrize("who", ["police", "health", "outsider"])
def test_agency_auditors_and_outsiders_do_not_find_the_page(personas, pair, who):
    response = client_for(personas, who).get(f"/trends/reaudit/{pair[1].pk}/")

    assert response.status_code == 404


def test_an_audit_that_is_not_a_re_audit_says_so(personas):
    audit = make_audit(personas)

    page = client_for(personas, "admin").get(f"/trends/reaudit/{audit.pk}/").content.decode()

    assert "not marked as a re-audit" in page
    assert f'href="/audits/{audit.pk}/edit/"' in page
