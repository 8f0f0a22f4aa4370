from __future__ import annotations

import json
from datetime import date

import pytest

from maqa.briefings.record import (
    InvalidRecord,
    briefing_content,
    clean_text,
    safe_link_url,
    validate_record,
)
from maqa.briefings.tests.helpers import SEEDS
from maqa.briefings.types import BriefingRecord
from maqa.briefings.words import month_year, number_words, ordinal_date


def test_number_words_spell_one_to_twenty_and_use_digits_beyond():
    assert [number_words(n) for n in (1, 2, 8, 10, 13, 20)] == [
        "one",
        "two",
        "eight",
        "ten",
        "thirteen",
        "twenty",
    ]
    assert number_words(21) == "21"
    assert number_words(120) == "120"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2021, 12, 7), "7th December 2021"),
        (date(2022, 12, 6), "6th December 2022"),
        (date(2023, 3, 1), "1st March 2023"),
        (date(2023, 3, 2), "2nd March 2023"),
        (date(2023, 3, 3), "3rd March 2023"),
        (date(2023, 3, 11), "11th March 2023"),
        (date(2023, 3, 12), "12th March 2023"),
        (date(2023, 3, 13), "13th March 2023"),
        (date(2023, 3, 21), "21st March 2023"),
        (date(2023, 3, 22), "22nd March 2023"),
        (date(2023, 3, 23), "23rd March 2023"),
        (date(2023, 3, 31), "31st March 2023"),
        ("2022-09-06", "6th September 2022"),
        ("2025-09", "September 2025"),
    ],
)
def test_ordinal_date_writes_the_day_as_the_briefings_do(value, text):
    assert ordinal_date(value) == text


def test_ordinal_date_refuses_what_is_not_a_date():
    with pytest.raises(ValueError):
        ordinal_date("7 December 2021")
    with pytest.raises(ValueError):
        ordinal_date("2021-02-30")


def test_month_year_is_the_line_under_the_title():
    assert month_year("2021-12-07") == "December 2021"
    assert month_year("2025-09") == "September 2025"
    assert month_year(date(2023, 3, 1)) == "March 2023"


def test_the_expected_seed_records_are_valid(shared_dir):
    for name in SEEDS:
        record = json.loads((shared_dir / "seeds-expected" / f"{name}.json").read_text())
        assert validate_record(record) == [], name


def test_a_made_up_full_record_is_valid(record):
    assert validate_record(record) == []


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ([], "must be a JSON object"),
        ({}, "needs a title or a theme"),
        ({"theme": 7}, "theme must be text"),
        ({"theme": "X", "audit_date": "7/12/2021"}, "audit_date must be YYYY-MM-DD or YYYY-MM"),
        ({"theme": "X", "audit_date": "2021-13"}, "audit_date must be"),
        ({"theme": "X", "children": []}, "children must be an object"),
        ({"theme": "X", "children": {"count": "ten"}}, "children.count must be a whole number"),
        ({"theme": "X", "children": {"count": True}}, "children.count must be a whole number"),
        ({"theme": "X", "children": {"count": -1}}, "children.count must be a whole number"),
        (
            {"theme": "X", "children": {"age_max": {"value": 4, "unit": "decade"}}},
            'children.age_max.unit must be "year" or "month"',
        ),
        ({"theme": "X", "children": {"age_min": 4}}, "children.age_min must be like"),
        (
            {"theme": "X", "children": {"plan_types": ["foster"]}},
            "children.plan_types[0] must be one of",
        ),
        (
            {"theme": "X", "children": {"plan_counts": {"child_protection": "7"}}},
            "children.plan_counts.child_protection must be a whole number",
        ),
        ({"theme": "X", "worries": "one long text"}, "worries must be a list of text"),
        ({"theme": "X", "worries": ["ok", 3]}, "worries[1] must be text"),
        ({"theme": "X", "learning": [{"title": "T", "found": "x"}]}, "learning[0].found must be"),
        ({"theme": "X", "learning": ["T"]}, "learning[0] must be an object"),
        ({"theme": "X", "links": [{"url": "https://example.org"}]}, "links[0].title is missing"),
        (
            {"theme": "X", "links": [{"title": "T", "url": "javascript:alert(1)"}]},
            "links[0].url must be a full http://, https:// or mailto: address",
        ),
        (
            {"theme": "X", "links": [{"title": "T", "url": "file:///etc/passwd"}]},
            "links[0].url must be a full",
        ),
    ],
)
def test_validate_record_names_each_problem(record, problem):
    problems = validate_record(record)
    assert any(problem in p for p in problems), problems


def test_briefing_content_refuses_an_invalid_record_with_its_problems():
    with pytest.raises(InvalidRecord) as caught:
        briefing_content({"children": {"count": "ten"}})  # type: ignore[typeddict-item]
    assert len(caught.value.problems) == 2


def test_link_addresses_must_be_absolute_web_or_mail_addresses():
    assert safe_link_url("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2"
    assert safe_link_url("mailto:qa@example.org") == "mailto:qa@example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/relative", "https://", "ftp://x/y"):
        assert safe_link_url(bad) is None, bad


def test_clean_text_drops_control_characters_and_folds_space():
    assert clean_text("  a\x00b\x0b c\n\n d\t") == "ab c d"


def test_the_intro_states_the_sample_then_ages_sexes_and_plans_then_needs():
    content = briefing_content(
        {
            "theme": "Babies and Toddlers",
            "audit_date": "2024-03-14",
            "children": {
                "count": 9,
                "age_max": {"value": 3, "unit": "year"},
                "boys": 4,
                "girls": 5,
                "plan_types": ["child_protection", "child_in_need"],
                "plan_counts": {"child_protection": 5, "child_in_need": 4},
            },
            "needs": ["parental substance misuse", "neglect", "housing instability"],
        }
    )
    assert content.intro == [
        "On 14th March 2024 the audit panel looked at the records of nine children, each with a "
        "child protection or child in need plan.",
        "When audited, the children were aged 3 years and under. The sample has four boys and "
        "five girls. Of these, 5 are on a child protection plan and 4 on a child in need plan.",
        "The children's needs include parental substance misuse, neglect, housing instability.",
    ]


def test_a_seed_record_gives_an_intro_with_its_facts_in_order(shared_dir):
    record = json.loads((shared_dir / "seeds-expected" / f"{SEEDS[0]}.json").read_text())
    intro = briefing_content(record).intro
    assert len(intro) == 3
    assert intro[0].startswith(f"On {ordinal_date(record['audit_date'])} the audit panel")
    assert f"records of {number_words(record['children']['count'])} children" in intro[0]
    assert intro[2] == "The children's needs include " + ", ".join(record["needs"]) + "."


def test_the_intro_states_ages_in_months_and_years_and_the_category():
    content = briefing_content(
        {
            "theme": "Hidden Harm",
            "audit_date": "2023-03-01",
            "children": {
                "count": 6,
                "age_min": {"value": 9, "unit": "month"},
                "age_max": {"value": 15, "unit": "year"},
                "plan_types": ["child_protection"],
                "plan_counts": {"child_protection": 6},
                "cp_categories": ["emotional abuse"],
            },
        }
    )
    assert content.intro[0] == (
        "On 1st March 2023 the audit panel looked at the records of six children, each with a "
        "child protection plan under the category of emotional abuse."
    )
    assert content.intro[1] == "When audited, the children were aged between 9 months and 15 years."
    assert content.title == "Multi Agency Quality Assurance Audit: Hidden Harm"
    assert content.date_line == "March 2023"


def test_a_record_with_its_own_intro_and_aim_shows_them_as_written():
    content = briefing_content(
        {
            "theme": "T",
            "intro": "First paragraph\nstill first.\n\nSecond paragraph.",
            "aim": "To see whether plans were reviewed on time.",
            "audit_date": "2022-09-06",
            "children": {"count": 10},
        }
    )
    assert content.intro == [
        "First paragraph still first.",
        "To see whether plans were reviewed on time.",
        "Second paragraph.",
    ]


def test_the_organisations_sentence_counts_the_children_in_words():
    content = briefing_content(
        {
            "theme": "T",
            "children": {"count": 12},
            "organisations": ["GPs", "Police", "School Nursing", "Housing"],
        }
    )
    assert content.organisations == (
        "The organisations that took part, each auditing its own work with the twelve children, "
        "were GPs, Police, School Nursing and Housing."
    )


def test_resources_take_their_addresses_from_links_by_name():
    content = briefing_content(
        {
            "theme": "T",
            "resources": ["Neglect Toolkit", "DASH risk assessment"],
            "links": [
                {"title": "neglect toolkit", "url": "https://example.org/neglect"},
                {"title": "Escalation Policy", "url": "https://example.org/escalation"},
            ],
        }
    )
    assert [(r.title, r.url) for r in content.resources] == [
        ("Neglect Toolkit", "https://example.org/neglect"),
        ("DASH risk assessment", None),
        ("Escalation Policy", "https://example.org/escalation"),
    ]


def test_untitled_themes_for_learning_keep_the_bare_heading():
    record: BriefingRecord = {
        "theme": "T",
        "learning": [
            {"title": "Drift in plans", "found": ["Plans were not reviewed"], "actions": []},
            {"title": None, "found": ["Health did not attend"], "actions": []},
        ],
    }
    headings = [t.heading for t in briefing_content(record).learning]
    assert headings == ["Themes for Learning: Drift in plans", "Themes for Learning"]


def test_one_kind_of_plan_without_a_count_is_where_the_sample_came_from_not_a_count():
    content = briefing_content(
        {
            "theme": "Second Child Protection Plans",
            "audit_date": "2025-09",
            "children": {"count": 10, "plan_types": ["child_protection"], "plan_counts": {}},
        }
    )
    assert content.intro[0] == (
        "In September 2025 the audit panel looked at the records of ten children. "
        "The sample was drawn from children with a child protection plan."
    )


def test_a_partial_count_of_one_plan_is_stated_as_a_number():
    content = briefing_content(
        {
            "theme": "T",
            "children": {
                "count": 10,
                "plan_types": ["child_protection"],
                "plan_counts": {"child_protection": 7},
            },
        }
    )
    assert content.intro == [
        "The audit panel looked at the records of ten children. The sample was drawn from "
        "children with a child protection plan.",
        "Of these, 7 are on a child protection plan.",
    ]
