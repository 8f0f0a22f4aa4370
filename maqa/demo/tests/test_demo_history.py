"""The demo's past audits (maqa.demo.demo_history): extra to the demo's own two, dated before
them, closed, coded, and with the patterns the trends pages are there to show."""

from __future__ import annotations

import pytest

from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.demo.demo_history import DEMO_HISTORY, demo_history_load
from maqa.demo.live_audit import DEMO_THEME
from maqa.demo.partnership import demo_load
from maqa.demo.published_audit import PUBLISHED_THEME
from maqa.findings.models import Finding


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    return demo_load()


def test_the_past_audits_come_before_the_demos_own_which_stay_as_they_are(demo):
    audits = Audit.objects.filter(partnership=demo)
    own = {a.theme: a for a in audits.filter(theme__in=[DEMO_THEME, PUBLISHED_THEME])}
    assert own[DEMO_THEME].state == Audit.State.RETURNS_OPEN
    assert own[PUBLISHED_THEME].state == Audit.State.PUBLISHED
    past = audits.filter(sample_seed__startswith="history-")
    assert past.count() == DEMO_HISTORY.audits
    assert set(past.values_list("state", flat=True)) == {Audit.State.CLOSED}
    latest = max(past.values_list("panel_date", flat=True))
    assert latest < own[PUBLISHED_THEME].panel_date
    years = {d.year for d in past.values_list("panel_date", flat=True)}
    assert len(years) >= 4
    assert audits.filter(state=Audit.State.PUBLISHED).count() == 1


def test_fathers_are_a_concern_in_most_years_and_the_childs_voice_improves(demo):
    past = list(
        Audit.objects.filter(partnership=demo, sample_seed__startswith="history-").order_by(
            "panel_date"
        )
    )
    concerns = Finding.objects.filter(polarity="concern")

    def worried(audit: Audit, slug: str) -> bool:
        return concerns.filter(audit=audit, themes__slug=slug).exists()

    assert sum(worried(a, "fathers-male-carers") for a in past) >= len(past) * 3 // 4
    half = len(past) // 2
    voice_before = sum(worried(a, "child-voice") for a in past[:half])
    voice_after = sum(worried(a, "child-voice") for a in past[half:])
    assert voice_before == half and voice_after < voice_before
    voice_action = Action.objects.get(
        partnership=demo, description__startswith="Practitioners in every agency record the child"
    )
    assert voice_action.status == Action.Status.COMPLETED
    assert voice_action.themes.filter(slug="child-voice").exists()


def test_every_past_point_is_coded_and_the_past_has_grades_returns_and_actions(demo):
    findings = Finding.objects.filter(
        audit__partnership=demo, audit__sample_seed__startswith="history-"
    )
    assert findings.count() == DEMO_HISTORY.findings
    assert not findings.filter(themes__isnull=True).exists()
    past = Audit.objects.filter(partnership=demo, sample_seed__startswith="history-")
    for audit in past:
        assert audit.grades.exclude(grade="").exists()
        assert audit.returns.filter(state="submitted", submitted_at__isnull=False).exists()
    actions = Action.objects.filter(audit__in=past)
    assert actions.filter(status=Action.Status.COMPLETED).exists()
    assert {a.version for a in actions} != {1}  # moved on through the services


def test_loading_it_again_adds_nothing(demo):
    before = Audit.objects.filter(partnership=demo).count()
    assert demo_history_load(partnership=demo) is None
    demo_load()
    assert Audit.objects.filter(partnership=demo).count() == before
