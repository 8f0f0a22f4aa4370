"""The five seed briefings imported with `maqa import-briefing`, coded from
../shared/themes/seed-labels.csv with `maqa import-theme-codes`: the recurrence view calls out
exactly the themes that are a concern in three or more of the five audits under those codes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from maqa.audits.models import Audit
from maqa.trends.selectors import theme_recurrence

EXPECTED = {
    "child-voice": 4,
    "fathers-male-carers": 4,
    "cumulative-harm": 4,
    "step-up-down": 4,
    "risk-tools": 3,
    "information-sharing": 3,
    "optimism-compliance": 3,
    "domestic-abuse": 3,
    "escalation-challenge": 3,
}


@pytest.fixture
def seeds_coded(personas, shared_dir: Path, settings) -> None:
    settings.IMPORT_SUGGEST_THEMES = False  # points come in without themes; the file codes them
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    out = io.StringIO()
    call_command("import_briefing", *map(str, seeds), "--by", personas.admin.email, "--apply",
                 stdout=out)  # fmt: skip
    assert out.getvalue().count(": created audit ") == 5, out.getvalue()
    out = io.StringIO()
    labels = shared_dir / "themes" / "seed-labels.csv"
    call_command("import_theme_codes", str(labels), "--by", personas.admin.email, stdout=out)
    assert Audit.objects.filter(partnership=personas.partnership, imported=True).count() == 5


def test_the_seeds_call_out_exactly_the_themes_of_three_or_more_audits(personas, seeds_coded):
    recurrence = theme_recurrence(personas.partnership)
    assert len(recurrence.audits) == 5
    assert {c.slug: c.concern_audits for c in recurrence.callouts} == EXPECTED
    assert all(c.total_audits == 5 for c in recurrence.callouts)


def test_a_callout_says_how_often_and_when_in_words(personas, seeds_coded):
    callouts = {c.slug: c for c in theme_recurrence(personas.partnership).callouts}
    fathers = callouts["fathers-male-carers"]
    assert fathers.text == (
        "Fathers, male carers and partners: a concern in 4 of 5 audits (Dec 2021 to Sep 2025)"
    )
    # First and last are the audits in which it was a concern, not the period's ends.
    voice = callouts["child-voice"]
    assert (voice.first, voice.last) == (date(2022, 9, 6), date(2025, 9, 1))
    assert voice.text.endswith("a concern in 4 of 5 audits (Sep 2022 to Sep 2025)")


def test_a_shorter_period_counts_only_its_audits(personas, seeds_coded):
    recurrence = theme_recurrence(personas.partnership, start=date(2022, 1, 1))
    assert len(recurrence.audits) == 4  # December 2021 is left out
    counts = {c.slug: c.concern_audits for c in recurrence.callouts}
    assert counts["child-voice"] == 4 and counts["fathers-male-carers"] == 3
    assert "risk-tools" not in counts  # 2021, September 2022 and 2025: two left in the period
