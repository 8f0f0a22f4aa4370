"""What the parser must not make up, and the warnings a careful reader would raise."""

from __future__ import annotations

import pytest

from maqa.briefings.types import BriefingRecord
from maqa.importers import parse_briefing
from maqa.importers.tests.helpers import document


def parse_text(text: str) -> BriefingRecord:
    return parse_briefing(text.encode(), "briefing.txt")


@pytest.mark.parametrize(
    "opening",
    [
        "In 2017 the partnership audited the records of ten children.",
        "The 2016/17 audit reviewed the records of ten children.",
        "Audit programme 2019-20: the records of ten children were reviewed.",
        "The audit reviewed the records of ten children over 2021/22.",
    ],
)
def test_a_year_alone_or_a_range_of_years_is_no_audit_date(opening):
    assert parse_text(opening + "\n")["audit_date"] is None


@pytest.mark.parametrize(
    ("opening", "date"),
    [
        ("The audit of 19th March 2024 reviewed the records of eight children.", "2024-03-19"),
        ("The audit took place on 14 June 2022.", "2022-06-14"),
        ("The audit panel met on the 3rd of May 2019.", "2019-05-03"),
        ("The audit of 2<sup>nd</sup> February 2023 reviewed nine children.", "2023-02-02"),
        ("The audit of 1st March\n2023 reviewed the records of six children.", "2023-03-01"),
        ("Audit date: 19/03/2024", "2024-03-19"),
        ("The audit held on March 19, 2024 reviewed eight children.", "2024-03-19"),
        ("The audit in October 2023 reviewed twelve children.", "2023-10"),
        ("The audit of Sept. 2025 looked at ten children.", "2025-09"),
    ],
)
def test_the_audit_date_is_read_however_it_is_written(opening, date):
    assert parse_text(opening + "\n")["audit_date"] == date


def test_a_month_in_the_title_dates_an_audit_whose_opening_gives_none():
    text = "Multi Agency Audit: Neglect December 2022\n\nThe audit reviewed the records of ten children.\n"
    record = parse_text(text)
    assert record["audit_date"] == "2022-12"
    assert record["title"] == "Multi Agency Audit: Neglect"


def test_a_publication_date_is_not_the_audit_date():
    text = "Published March 2024\n\nThe audit reviewed the records of ten children in 2023.\n"
    assert parse_text(text)["audit_date"] is None


def test_a_plan_type_is_only_what_the_text_states():
    record = parse_text(
        "The audit reviewed the records of ten children.\n\n"
        "The children had a range of needs such as neglect, domestic abuse and physical abuse.\n"
    )
    assert record["children"]["plan_types"] == []
    assert record["children"]["plan_counts"] == {}
    assert record["children"]["cp_categories"] == []
    assert record["needs"] == ["neglect", "domestic abuse", "physical abuse"]


def test_plans_named_for_some_of_the_sample_are_not_counted_for_all():
    record = parse_text(
        "The audit reviewed the case records of nine children who are on a child protection plan "
        "or are open as Child in Need.\n"
    )
    assert record["children"]["plan_types"] == ["child_protection", "child_in_need"]
    assert record["children"]["plan_counts"] == {}


def test_one_plan_held_by_the_whole_sample_is_counted_for_all():
    record = parse_text(
        "The audit looked at the records of seven children, all on a child protection plan under "
        "the category of Emotional Abuse.\n"
    )
    assert record["children"]["plan_counts"] == {"child_protection": 7}
    assert record["children"]["cp_categories"] == ["emotional abuse"]


def test_some_of_the_sample_on_a_plan_is_not_all_of_it():
    record = parse_text("Ten children were audited, some of whom were on child protection plans.\n")
    assert record["children"]["plan_types"] == ["child_protection"]
    assert record["children"]["plan_counts"] == {}


def test_a_theme_that_names_a_plan_gives_the_plan_type_when_the_opening_does_not():
    record = parse_text(
        "Multi Agency Audit: Second Child Protection Plans\n\n"
        "The twelve children in the sample were aged between 3 and 15 years old.\n"
    )
    assert record["children"]["plan_types"] == ["child_protection"]
    assert record["children"]["plan_counts"] == {}


def test_an_age_given_only_as_a_maximum_has_no_minimum():
    record = parse_text("The eight children were aged 3 years and under when the panel met.\n")
    assert record["children"]["age_min"] is None
    assert record["children"]["age_max"] == {"value": 3, "unit": "year"}


def test_ages_in_weeks_are_not_turned_into_months_but_flagged():
    record = parse_text("The six children were aged between 6 weeks and 3 years.\n")
    assert record["children"]["age_min"] is None
    assert record["children"]["age_max"] == {"value": 3, "unit": "year"}
    assert any("weeks" in warning for warning in record["warnings"])


def test_counts_of_children_that_disagree_are_warned_about():
    record = parse_text(
        "The audit reviewed the records of ten children.\n\n"
        "Agencies that audited their work with the nine children were: Police, GPs.\n"
    )
    assert record["children"]["count"] == 10
    assert (
        "the organisations line counts nine children, the introduction ten" in (record["warnings"])
    )


def test_plan_counts_that_do_not_add_up_to_the_sample_are_warned_about():
    record = parse_text("The audit looked at 9 cases: 3 CP, 3 CIN, 2 Early Help.\n")
    assert "the plan counts add up to 8 but the sample is 9" in record["warnings"]


def test_boys_and_girls_that_do_not_add_up_to_the_sample_are_warned_about():
    record = parse_text("The audit reviewed ten children. There are four boys and five girls.\n")
    assert any("4 boys and 5 girls make 9" in warning for warning in record["warnings"])


def test_points_cut_off_mid_sentence_and_empty_sections_are_warned_about():
    record = parse_briefing(document("what-not-to-invent.txt"), "w.txt")
    assert record["audit_date"] is None
    assert record["theme"] is None
    assert record["children"]["count"] == 19
    assert record["good_practice"] == []
    warnings = record["warnings"]
    assert "the section \u201cStrengths\u201d is empty" in warnings
    assert sum("cut off mid-sentence" in w for w in warnings) == 2
    assert not any("Fathers were not contacted" in w for w in warnings)


def test_a_point_ending_on_a_preposition_it_needs_is_not_called_cut_off():
    record = parse_text("Recommendations\n\n- Ask adults about the children they live with\n")
    assert record["warnings"] == []


def test_a_clean_briefing_has_no_warnings():
    record = parse_briefing(document("markdown.md"), "m.md")
    assert record["warnings"] == []
