from __future__ import annotations

import datetime

import pytest

from maqa.audits import crypto
from maqa.audits.caselist.cases import pool_ages_refresh
from maqa.audits.models import Audit, Case
from maqa.audits.sampling import (
    case_exclude,
    case_include,
    draw,
    pool_rows,
    reference_for,
    sample_clear,
    sample_draw,
    sample_pick,
    scope_description,
    shuffled,
)
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation
from maqa.testing.audits import make_audit, synthetic_case_number, synthetic_name


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas) -> Audit:
    """In scope: child protection, aged 0 to 17; police, health and CSC take part."""
    return make_audit(personas, children=0)


def add_cases(audit: Audit, personas, count: int, **fields) -> list[Case]:
    start = audit.cases.count()
    cases = []
    for index in range(start, start + count):
        values = {
            "enc_name": crypto.encrypt(audit, synthetic_name(index)),
            "enc_case_number": crypto.encrypt(audit, synthetic_case_number(index)),
            "plan_type": "child_protection",
            "category": "neglect",
            "age_months": 60,
            "source_row": index + 2,
            **fields,
        }
        case = Case.objects.create(audit=audit, **values)
        case.agencies.set([personas.police_org])
        cases.append(case)
    return cases


def draw_now(personas, audit: Audit, count: int, **options) -> list[Case]:
    audit.refresh_from_db()
    drawn = sample_draw(
        actor=personas.admin, ip=None, audit=audit, count=count, version=audit.version, **options
    )
    return drawn.children


def sample_of(audit: Audit) -> list[tuple[int, str]]:
    return list(
        audit.cases.filter(sampled=True).order_by("sample_order").values_list("pk", "reference")
    )


# --- drawing --------------------------------------------------------------------------------


def test_it_draws_the_same_sample_with_the_same_seed(personas, audit):
    add_cases(audit, personas, 30)
    draw_now(personas, audit, 8, seed="spring-2025")
    first = sample_of(audit)
    draw_now(personas, audit, 8, seed="other")
    assert sample_of(audit) != first
    draw_now(personas, audit, 8, seed="spring-2025")
    assert sample_of(audit) == first
    assert len(first) == 8


def test_it_makes_up_a_seed_when_none_is_given_and_records_it(personas, audit):
    add_cases(audit, personas, 20)
    draw_now(personas, audit, 5)
    audit.refresh_from_db()
    assert len(audit.sample_seed) == 16
    first = sample_of(audit)
    draw_now(personas, audit, 5, seed=audit.sample_seed)
    assert sample_of(audit) == first


def test_it_shuffles_in_the_same_order_for_a_seed_as_it_always_has():
    # Pins the algorithm: a change here would change every past audit's recorded draw.
    assert shuffled(list(range(10)), "maqa") == [3, 5, 0, 4, 7, 6, 1, 8, 9, 2]


def test_it_gives_references_in_sample_order(personas, audit):
    add_cases(audit, personas, 5)
    chosen = draw_now(personas, audit, 3, seed="x")
    assert [c.reference for c in chosen] == ["Child A", "Child B", "Child C"]
    assert [c.sample_order for c in chosen] == [1, 2, 3]
    assert sample_of(audit) == [(c.pk, c.reference) for c in chosen]


def test_references_go_on_after_z():
    assert [reference_for(n) for n in (1, 26, 27, 28, 52, 53, 702, 703)] == [
        "Child A", "Child Z", "Child AA", "Child AB", "Child AZ", "Child BA", "Child ZZ",
        "Child AAA",
    ]  # fmt: skip


def test_it_replaces_the_sample_when_drawing_again(personas, audit):
    add_cases(audit, personas, 12)
    draw_now(personas, audit, 6, seed="one")
    draw_now(personas, audit, 2, seed="two")
    assert audit.cases.filter(sampled=True).count() == 2
    assert set(audit.cases.exclude(reference="").values_list("reference", flat=True)) == {
        "Child A",
        "Child B",
    }


def test_it_never_draws_an_excluded_case(personas, audit):
    cases = add_cases(audit, personas, 4)
    case_exclude(actor=personas.admin, ip=None, audit=audit, case=cases[1], reason="court")
    chosen = draw_now(personas, audit, 3, seed="any")
    assert cases[1] not in chosen
    with pytest.raises(ApplicationError, match="Only 3 cases are in scope and not excluded"):
        draw_now(personas, audit, 4, seed="any")


def test_it_never_draws_a_case_out_of_scope(personas, audit):
    (inside,) = add_cases(audit, personas, 1)
    add_cases(audit, personas, 1, plan_type="child_in_need", category="")
    add_cases(audit, personas, 1, age_months=18 * 12)
    add_cases(audit, personas, 1, age_months=None)
    outsider = Organisation.objects.create(
        partnership=personas.partnership, name="School", short_name="School", sector="education"
    )
    (unknown_to_all,) = add_cases(audit, personas, 1)
    unknown_to_all.agencies.set([outsider])
    for seed in ("a", "b", "c"):
        assert draw_now(personas, audit, 1, seed=seed) == [inside]
    with pytest.raises(ApplicationError, match="Only 1 cases"):
        draw_now(personas, audit, 2)


def test_it_says_why_a_case_is_out_of_scope(personas, audit):
    audit.cp_categories = ["sexual_abuse"]
    audit.age_min_years = 5
    audit.save()
    add_cases(audit, personas, 1, age_months=50)
    add_cases(audit, personas, 1, plan_type="early_help", category="", age_months=None)
    school = Organisation.objects.create(
        partnership=personas.partnership, name="School", short_name="School", sector="education"
    )
    audit.cases.last().agencies.set([school])
    assert [row.out_of_scope for row in pool_rows(audit)] == [
        ("category neglect is not in scope", "aged 4, outside 5 to 17 years"),
        (
            "Early help is not in scope",
            "age not known",
            "no agency taking part in the audit is involved",
        ),
    ]
    assert scope_description(audit) == (
        "Child protection; child protection categories: sexual abuse; aged 5 to 17 years"
    )


def test_it_keeps_siblings_together_when_asked(personas, audit):
    add_cases(audit, personas, 6)
    family = add_cases(audit, personas, 3, family_group="FG-1")
    family[2].family_group = " fg-1 "  # the same group, written differently
    family[2].save()
    for seed in [str(n) for n in range(20)]:
        chosen = draw_now(personas, audit, 5, seed=seed, siblings_together=True)
        assert len(chosen) == 5
        picked = {c.pk for c in chosen} & {c.pk for c in family}
        assert picked in (set(), {c.pk for c in family}), seed
        if picked:
            positions = sorted(c.sample_order or 0 for c in chosen if c.pk in picked)
            assert positions == list(range(positions[0], positions[0] + 3))  # consecutive


def test_it_passes_over_a_family_that_would_take_the_sample_past_n():
    singles = [Case(pk=n, family_group="") for n in range(1, 4)]
    family = [Case(pk=n, family_group="FG") for n in range(4, 8)]
    for seed in [str(n) for n in range(20)]:
        chosen = draw([*singles, *family], count=3, seed=seed, siblings_together=True)
        assert chosen and all(c in singles for c in chosen)
        assert len(chosen) == 3
    # Only a family too large is left: the sample stays below N rather than going past it.
    assert draw(family, count=3, seed="x", siblings_together=True) == []


def test_without_keeping_siblings_together_each_child_is_drawn_alone():
    family = [Case(pk=n, family_group="FG") for n in range(1, 5)]
    assert len(draw(family, count=2, seed="x", siblings_together=False)) == 2


def test_it_refuses_to_draw_when_nothing_can_be_drawn_or_too_many(personas, audit):
    with pytest.raises(ApplicationError, match="No case can be drawn"):
        draw_now(personas, audit, 1)
    add_cases(audit, personas, 2)
    with pytest.raises(ApplicationError, match="Draw from 1 to 50"):
        draw_now(personas, audit, 51)
    with pytest.raises(ApplicationError, match="at most 64"):
        draw_now(personas, audit, 1, seed="s" * 65)


def test_it_refuses_to_draw_once_returns_open(personas):
    audit = make_audit(personas, state="returns_open")
    with pytest.raises(ApplicationError, match="fixed once returns open"):
        draw_now(personas, audit, 1)


def test_it_refuses_a_draw_from_a_stale_page(personas, audit):
    add_cases(audit, personas, 3)
    stale = audit.version
    draw_now(personas, audit, 1)
    with pytest.raises(ApplicationError, match="Someone else changed this audit"):
        sample_draw(actor=personas.admin, ip=None, audit=audit, count=2, version=stale)


def test_it_records_the_draw_with_its_seed_and_count_and_no_identifiers(personas, audit):
    add_cases(audit, personas, 6)
    draw_now(personas, audit, 4, seed="recorded-seed", siblings_together=True)
    event = AuditEvent.objects.filter(action="changed", object_id=str(audit.pk)).latest("seq")
    assert event.summary == {
        "sample": "drawn",
        "seed": "recorded-seed",
        "requested": 4,
        "children": 4,
        "siblings_together": True,
        "eligible": 6,
    }
    assert "Synthname" not in f"{event.summary}{event.object_label}"
    audit.refresh_from_db()
    assert audit.sample_seed == "recorded-seed"


# --- picking, excluding, clearing -----------------------------------------------------------


def test_it_picks_cases_by_hand_in_the_order_of_the_case_list(personas, audit):
    cases = add_cases(audit, personas, 5)
    draw_now(personas, audit, 2, seed="first")
    audit.refresh_from_db()
    chosen = sample_pick(
        actor=personas.admin,
        ip=None,
        audit=audit,
        case_ids=[cases[4].pk, cases[0].pk],
        version=audit.version,
    )
    assert chosen == [cases[0], cases[4]]
    assert sample_of(audit) == [(cases[0].pk, "Child A"), (cases[4].pk, "Child B")]
    audit.refresh_from_db()
    assert audit.sample_seed == ""
    event = AuditEvent.objects.filter(action="changed", object_id=str(audit.pk)).latest("seq")
    assert event.summary == {"sample": "picked", "children": 2}


def test_it_refuses_to_pick_a_case_excluded_or_out_of_scope(personas, audit):
    cases = add_cases(audit, personas, 2)
    (older,) = add_cases(audit, personas, 1, age_months=20 * 12)
    case_exclude(actor=personas.admin, ip=None, audit=audit, case=cases[1], reason="police")
    with pytest.raises(ApplicationError, match=r"out of scope or excluded.*: case 2, case 3"):
        sample_pick(
            actor=personas.admin,
            ip=None,
            audit=audit,
            case_ids=[c.pk for c in (*cases, older)],
            version=audit.version,
        )
    assert not audit.cases.filter(sampled=True).exists()
    with pytest.raises(ApplicationError, match="Choose at least one case"):
        sample_pick(actor=personas.admin, ip=None, audit=audit, case_ids=[], version=1)


def test_it_excludes_a_case_with_a_reason_and_includes_it_again(personas, audit):
    (case,) = add_cases(audit, personas, 1)
    case_exclude(
        actor=personas.admin,
        ip=None,
        audit=audit,
        case=case,
        reason="other",
        detail="Moved   out of the area",
    )
    case.refresh_from_db()
    assert case.excluded_reason == "Other: Moved out of the area"
    event = AuditEvent.objects.filter(object_type="audits.case").latest("seq")
    assert event.summary == {"audit": audit.pk, "excluded": "other"}
    assert event.object_label == "case-list row 2 (Engagement with fathers)"
    case_include(actor=personas.admin, ip=None, audit=audit, case=case)
    case.refresh_from_db()
    assert case.excluded_reason == ""


def test_it_needs_words_for_an_other_reason(personas, audit):
    (case,) = add_cases(audit, personas, 1)
    with pytest.raises(ApplicationError, match="Say why") as raised:
        case_exclude(actor=personas.admin, ip=None, audit=audit, case=case, reason="other")
    assert raised.value.field == "detail"
    with pytest.raises(ApplicationError, match="Choose why"):
        case_exclude(actor=personas.admin, ip=None, audit=audit, case=case, reason="bored")


def test_it_refuses_to_exclude_a_sampled_case(personas, audit):
    add_cases(audit, personas, 2)
    (chosen, _) = draw_now(personas, audit, 2)
    with pytest.raises(ApplicationError, match="is in the sample"):
        case_exclude(actor=personas.admin, ip=None, audit=audit, case=chosen, reason="court")


def test_it_clears_the_sample_and_keeps_the_case_list(personas, audit):
    add_cases(audit, personas, 3)
    draw_now(personas, audit, 2, seed="gone")
    audit.refresh_from_db()
    assert sample_clear(actor=personas.admin, ip=None, audit=audit, version=audit.version) == 2
    audit.refresh_from_db()
    assert audit.sample_seed == ""
    assert audit.cases.count() == 3
    assert not audit.cases.filter(sampled=True).exists()
    assert not audit.cases.exclude(reference="").exists()


def test_it_refreshes_ages_when_the_panel_date_moves(personas, audit):
    (case,) = add_cases(audit, personas, 1, enc_dob=crypto.encrypt(audit, "2019-05-01"))
    audit.panel_date = datetime.date(2025, 6, 1)
    assert pool_ages_refresh(audit=audit) == 1
    case.refresh_from_db()
    assert case.age_months == 73
    assert pool_ages_refresh(audit=audit) == 0
