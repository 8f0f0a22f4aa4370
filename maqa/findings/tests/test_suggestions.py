"""Suggestions for one partnership, learnt from its coded findings and its taxonomy's definitions.

Runs with and without the maqa[ml] extra (CI runs maqa/suggestions both ways): the method asserted is
the one active here.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maqa.findings import services
from maqa.findings import suggestions as p
from maqa.findings.models import Finding, Theme
from maqa.findings.selectors import theme_fingerprint
from maqa.findings.themes import theme_retire
from maqa.suggestions.suggest import resolve_method
from maqa.testing.audits import make_audit

# Made-up practice words that no theme's definition uses: what the suggester knows of them it
# can only have learnt from this partnership's coding.
LEARNT = [
    "The quorvex meeting was not held before the baby was discharged",
    "No quorvex meeting took place after the second referral",
    "Quorvex meeting minutes were not shared with the nursery",
    "A quorvex meeting was arranged quickly and everyone attended",
    "Hold a quorvex meeting for every unborn baby on a plan",
    "The quorvex meeting agreed clear actions for the family",
]


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    # Thresholds chosen in the request, so each test sees one trained suggester per coding; the
    # background calibration has its own test below.
    monkeypatch.setattr(p, "calibrate_sync", True)
    p.wait_for_calibration()
    p.forget()
    yield
    p.wait_for_calibration()
    p.forget()


@pytest.fixture
def audit(personas):
    return make_audit(personas, state="panel")


def theme(personas, slug: str) -> Theme:
    return Theme.objects.get(partnership=personas.partnership, slug=slug)


def code(personas, audit, text: str, *slugs: str, polarity: str = "concern") -> Finding:
    return services.finding_create(
        actor=personas.admin,
        ip=None,
        audit=audit,
        section="worry",
        text=text,
        polarity=polarity,
        themes=[theme(personas, s) for s in slugs],
    )


def first(personas, text: str) -> str:
    result = p.suggestions_for(partnership=personas.partnership, texts=[text])[0]
    return result.themes[0].slug


def test_it_says_which_method_is_active(personas, audit):
    active = resolve_method("auto")[0]

    result = p.suggestions_for(partnership=personas.partnership, texts=["Dad was not seen"])[0]

    assert result.method == active == p.active_method()
    if active == "embeddings":
        assert result.method_line == "Suggestions by sentence embeddings (all-MiniLM-L6-v2)"
    else:
        assert result.method_line.startswith("Suggestions by word matching (TF-IDF)")
        assert "install maqa[ml]" in result.method_line


def test_it_ranks_top_level_themes_of_the_partnership_with_scores(personas, audit):
    result = p.suggestions_for(
        partnership=personas.partnership,
        texts=["Nobody spoke to the father or the mother's new partner about the baby"],
        polarities=["concern"],
    )[0]

    assert len(result.themes) == p.OFFERED
    assert result.themes[0].slug == "fathers-male-carers"
    assert result.themes[0].recommended
    scores = [s.score for s in result.themes]
    assert scores == sorted(scores, reverse=True)
    ours = {t.pk for t in Theme.objects.filter(partnership=personas.partnership)}
    assert all(s.theme_pk in ours and "." not in s.slug for s in result.themes)


def test_a_blank_text_gets_no_suggestions(personas, audit):
    result = p.suggestions_for(partnership=personas.partnership, texts=["  ", "Dad not seen"])

    assert result[0].themes == ()
    assert result[1].themes


def test_it_learns_from_the_points_the_partnership_has_coded(personas, audit):
    new = "The quorvex meeting was late again"
    before = first(personas, new)
    assert before != "identity-inclusion"  # nothing in the taxonomy says so

    for text in LEARNT:
        code(personas, audit, text, "identity-inclusion")

    assert first(personas, new) == "identity-inclusion"


def test_a_subtheme_counts_for_its_parent(personas, audit):
    sub = Theme.objects.filter(
        partnership=personas.partnership, parent__slug="identity-inclusion"
    ).first()
    assert sub is not None
    for text in LEARNT:
        code(personas, audit, text, sub.slug)

    assert first(personas, "The quorvex meeting was late again") == "identity-inclusion"


def test_a_retired_theme_counts_for_its_successor_and_is_never_offered(personas, audit):
    for text in LEARNT:
        code(personas, audit, text, "identity-inclusion")
    theme_retire(
        actor=personas.admin,
        ip=None,
        theme=theme(personas, "identity-inclusion"),
        successor=theme(personas, "direct-work"),
        fingerprint=theme_fingerprint(theme(personas, "identity-inclusion")),
    )

    result = p.suggestions_for(
        partnership=personas.partnership, texts=["The quorvex meeting was late again"]
    )[0]

    assert result.themes[0].slug == "direct-work"
    assert "identity-inclusion" not in [s.slug for s in result.themes]


def test_it_is_trained_once_and_again_only_when_the_coding_changes(personas, audit):
    code(personas, audit, LEARNT[0], "identity-inclusion")
    p.suggestions_for(partnership=personas.partnership, texts=["x y"])
    trained = p._cache[personas.partnership.pk]

    p.suggestions_for(partnership=personas.partnership, texts=["another point"])
    assert p._cache[personas.partnership.pk] is trained

    point = code(personas, audit, LEARNT[1], "identity-inclusion")
    p.suggestions_for(partnership=personas.partnership, texts=["x y"])
    retrained = p._cache[personas.partnership.pk]
    assert retrained is not trained

    services.finding_update(
        actor=personas.admin,
        ip=None,
        finding=point,
        version=point.version,
        section="worry",
        text=point.text,
        themes=[theme(personas, "child-voice")],
        learning_theme=None,
        polarity="concern",
        resources=[],
        source_returns=[],
    )
    p.suggestions_for(partnership=personas.partnership, texts=["x y"])
    assert p._cache[personas.partnership.pk] is not retrained


def test_a_changed_definition_retrains_it(personas, audit):
    p.suggestions_for(partnership=personas.partnership, texts=["x y"])
    trained = p._cache[personas.partnership.pk]
    Theme.objects.filter(partnership=personas.partnership, slug="identity-inclusion").update(
        definition="Quorvex meetings and everything about them."
    )

    assert first(personas, "The quorvex meeting was late again") == "identity-inclusion"
    assert p._cache[personas.partnership.pk] is not trained


def test_another_partnerships_coding_is_not_learnt(personas, audit):
    other = Finding.objects.filter(audit__partnership=personas.other_partnership)
    assert not other.exists()
    for text in LEARNT:
        code(personas, audit, text, "identity-inclusion")
    p.suggestions_for(partnership=personas.partnership, texts=["x"])

    p.suggestions_for(partnership=personas.other_partnership, texts=["x"])

    trained = p._cache[personas.other_partnership.pk]
    assert trained.suggester.n_examples == 0
    assert p._cache[personas.partnership.pk].suggester.n_examples == len(LEARNT)


def test_a_warm_request_costs_two_small_queries(personas, audit):
    for text in LEARNT:
        code(personas, audit, text, "identity-inclusion")
    p.suggestions_for(partnership=personas.partnership, texts=["x"])

    with CaptureQueriesContext(connection) as captured:
        p.suggestions_for(partnership=personas.partnership, texts=["The quorvex meeting"])

    assert len(captured) == 2


def test_a_request_does_not_wait_for_the_thresholds_they_are_chosen_in_the_background(
    personas, monkeypatch
):
    """Choosing thresholds cross-validates over the audits (seconds once there are years of
    coding): a request refits the scorer with the thresholds of the last calibration (the
    defaults the first time) and a thread swaps in the calibrated suggester."""
    monkeypatch.setattr(p, "calibrate_sync", False)
    audits = [make_audit(personas, state="panel") for _ in range(3)]
    texts = [f"{text} (visit {n})" for n in range(4) for text in LEARNT]  # 24: enough to calibrate
    for n, text in enumerate(texts):
        code(personas, audits[n % 3], text, "direct-work")

    p.suggestions_for(partnership=personas.partnership, texts=["x y"])
    first = p._cache[personas.partnership.pk]
    assert not first.calibrated
    assert first.suggester.thresholds.source == "defaults"

    p.wait_for_calibration()
    calibrated = p._cache[personas.partnership.pk]
    assert calibrated.calibrated and calibrated.key == first.key
    assert calibrated.suggester.thresholds.source != "defaults"

    code(personas, audits[0], "The quorvex meeting was cancelled twice", "direct-work")
    p.suggestions_for(partnership=personas.partnership, texts=["x y"])
    quick = p._cache[personas.partnership.pk]
    assert not quick.calibrated and quick.key != first.key
    assert quick.suggester.thresholds == calibrated.suggester.thresholds  # reused meanwhile
    assert quick.suggester.n_examples == len(texts) + 1

    p.wait_for_calibration()
    assert p._cache[personas.partnership.pk].calibrated
