"""Briefings laid out as other partnerships lay them out (documents written for these tests)."""

from __future__ import annotations

import pytest

from maqa.briefings.types import BriefingRecord
from maqa.importers import parse_briefing
from maqa.importers.tests.helpers import document


def parse_text(text: str) -> BriefingRecord:
    return parse_briefing(text.encode(), "briefing.txt")


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Strengths", "good_practice"),
        ("What is working well", "good_practice"),
        ("What's working well?", "good_practice"),
        ("What went well", "good_practice"),
        ("WHAT GOOD PRACTICE DID WE SEE?", "good_practice"),
        ("Areas for development", "worries"),
        ("Areas for improvement:", "worries"),
        ("Concerns", "worries"),
        ("What needs to improve", "worries"),
        ("What are we worried about?", "worries"),
        ("## What didn't go well", "worries"),
    ],
)
def test_other_partnerships_headings_name_the_same_sections(heading, field):
    record = parse_text(f"{heading}\n\n- Records were up to date\n- Plans were reviewed\n")
    assert record.get(field) == ["Records were up to date", "Plans were reviewed"]


@pytest.mark.parametrize(
    "heading",
    ["Key learning", "Key findings", "What did we find?", "Themes for Learning", "Findings"],
)
def test_learning_headings_collect_what_was_found(heading):
    record = parse_text(f"{heading}\n\n- Fathers were not seen\n- Chronologies were missing\n")
    points = [p for theme in record["learning"] for p in theme["found"]]
    assert points == ["Fathers were not seen", "Chronologies were missing"]


@pytest.mark.parametrize("heading", ["Recommendations", "What needs to happen", "Next steps"])
def test_recommendation_headings_collect_actions(heading):
    record = parse_text(f"{heading}\n\n- Invite fathers to every meeting\n")
    assert record["learning"][0]["actions"] == ["Invite fathers to every meeting"]


@pytest.mark.parametrize("marker", ["-", "•", "●", "\uf0b7", "Ø", "1.", "a)", "*", "▪", "o"])
def test_every_bullet_style_starts_a_point(marker):
    lines = [f"{marker} Strategy meetings were late", f"{marker} Health was not invited"]
    if marker in ("1.", "a)"):
        lines[1] = lines[1].replace(marker, "2." if marker == "1." else "b)", 1)
    record = parse_text("Concerns\n\n" + "\n".join(lines) + "\n")
    assert record["worries"] == ["Strategy meetings were late", "Health was not invited"]


def test_points_whose_bullets_were_lost_are_told_apart_by_their_wording():
    text = "Areas for development\n\n Escalation was rarely used when plans drifted\n The voice of the child was not always recorded\n"
    assert parse_text(text)["worries"] == [
        "Escalation was rarely used when plans drifted",
        "The voice of the child was not always recorded",
    ]


def test_a_point_wrapped_over_lines_is_one_point():
    text = (
        "Strengths\n\n- Police shared information with schools\nthe next working day, every time\n"
    )
    assert parse_text(text)["good_practice"] == [
        "Police shared information with schools the next working day, every time"
    ]


def test_a_sample_of_cases_by_plan_gives_the_count_and_each_plans_count():
    record = parse_text("The audit looked at 9 cases: 3 CP, 3 CIN, 3 Early Help.\n")
    children = record["children"]
    assert children["count"] == 9
    assert sorted(children["plan_types"]) == ["child_in_need", "child_protection", "early_help"]
    assert children["plan_counts"] == {"child_protection": 3, "child_in_need": 3, "early_help": 3}


def test_ages_in_months_and_years_keep_their_units():
    record = parse_text("We audited the records of 6 children aged 2 months to 17 years.\n")
    assert record["children"]["age_min"] == {"value": 2, "unit": "month"}
    assert record["children"]["age_max"] == {"value": 17, "unit": "year"}


def test_a_count_split_by_area_counts_the_whole_sample():
    record = parse_text("The audit considered 45 cases (30 Cambridgeshire, 15 Peterborough).\n")
    assert record["children"]["count"] == 45
    assert record["warnings"] == []


@pytest.mark.parametrize(
    ("words", "number"),
    [("eight", 8), ("Twelve", 12), ("fifteen", 15), ("twenty", 20), ("one", 1), ("seventeen", 17)],
)
def test_number_words_up_to_twenty_are_counted(words, number):
    record = parse_text(f"The audit reviewed the records of {words} children.\n")
    assert record["children"]["count"] == number


def test_boys_and_girls_are_counted_in_words_or_digits():
    record = parse_text("The audit reviewed ten children. Six are girls and four are boys.\n")
    assert (record["children"]["boys"], record["children"]["girls"]) == (4, 6)
    record = parse_text(
        "The audit reviewed the records of five children. One is a boy and four are girls.\n"
    )
    assert (record["children"]["boys"], record["children"]["girls"]) == (1, 4)


def test_findings_introduced_in_prose_are_found_without_a_heading():
    record = parse_text(
        "The audit of 12 cases took place in May 2021.\n\n"
        "Key findings included: chronologies were rarely used; fathers were not contacted; "
        "plans had no timescales.\n\n"
        "Concerns were raised about the timeliness of strategy meetings. It was found that health "
        "visitors were not invited to core groups. The audit identified good practice in schools' "
        "safeguarding records.\n"
    )
    found = [p for theme in record["learning"] for p in theme["found"]]
    assert found == [
        "Chronologies were rarely used",
        "Fathers were not contacted",
        "Plans had no timescales",
        "Health visitors were not invited to core groups",
    ]
    assert record["worries"] == ["The timeliness of strategy meetings"]
    assert record["good_practice"] == ["Good practice in schools' safeguarding records"]
    assert record["audit_date"] == "2021-05"


def test_committee_minutes_give_their_findings_but_not_the_meeting_date_as_the_audit_date():
    record = parse_briefing(document("minutes.txt"), "minutes.txt")
    assert record["audit_date"] is None
    assert record["theme"] == "children missing education"
    assert record["children"]["count"] == 12
    assert record["children"]["age_min"] == {"value": 11, "unit": "year"}
    assert record["worries"] == ["The timeliness of return home interviews"]
    assert record["learning"][0]["found"] == [
        "Schools made referrals to the local authority promptly",
        "Information about missing episodes was not routinely shared with health",
    ]
    assert record["learning"][0]["actions"] == [
        "The protocol for return home interviews is reviewed by March"
    ]


def test_a_briefing_with_strengths_areas_for_development_and_recommendations():
    record = parse_briefing(document("strengths-and-development.txt"), "s.txt")
    assert record["theme"] == "Neglect"
    assert record["partnership"] == "Northshire Safeguarding Children Partnership"
    assert record["audit_date"] == "2023-02"  # "In February 2023 the partnership audited ..."
    assert record["children"]["plan_counts"] == {
        "child_protection": 3,
        "child_in_need": 3,
        "early_help": 3,
    }
    assert len(record["good_practice"]) == 3
    assert record["worries"][2] == "Home conditions were described but not revisited"
    assert [len(t["found"]) + len(t["actions"]) for t in record["learning"]] == [4]
    assert record["resources"] == ["Neglect Toolkit", "Graded Care Profile 2 guidance"]
    assert record["links"] == [
        {"title": "Neglect Toolkit", "url": "https://example.org/neglect-toolkit"}
    ]


def test_slide_deck_text_gives_one_point_a_line():
    record = parse_briefing(document("slides.txt"), "slides.txt")
    assert record["theme"] == "Exploitation"
    assert record["audit_date"] == "2021-11"
    assert record["children"]["plan_counts"] == {"looked_after": 7, "child_in_need": 5}
    assert record["good_practice"] == [
        "Youth workers built trusting relationships",
        "Return home interviews were completed quickly",
        "Schools knew which young people were at risk",
    ]
    assert len(record["worries"]) == 2
    assert record["learning"][0]["actions"] == [
        "Share missing episode data weekly",
        "Invite health to every strategy meeting",
    ]


def test_a_table_flattened_into_text_is_read_column_by_column():
    record = parse_briefing(document("cases-and-table.txt"), "t.txt")
    assert record["theme"] == "Children Missing from Home"
    assert record["audit_date"] == "2019-05-03"
    assert record["children"]["count"] == 45
    assert record["children"]["age_max"] == {"value": 17, "unit": "year"}
    assert record["good_practice"][:2] == [
        "Return interviews offered in every case",
        "Police recorded every missing episode",
    ]
    assert record["worries"][:2] == [
        "Information from return interviews was not shared with schools",
        "Patterns of missing episodes were not analysed",
    ]
    assert record["resources"] == ["Missing Children Protocol", "The Exploitation Screening Tool"]


def test_a_markdown_briefing_with_numbered_themes():
    record = parse_briefing(document("markdown.md"), "markdown.md")
    assert record["audit_date"] == "2020-11-03"
    assert record["children"]["plan_counts"] == {"looked_after": 15}
    assert record["organisations"] == [
        "Children's Social Care",
        "Health",
        "Police",
        "Education",
        "Virtual School",
    ]
    assert [t["title"] for t in record["learning"]] == ["Direct work", "Feedback to children"]
    assert [link["url"] for link in record["links"]] == [
        "https://example.org/voice",
        "https://example.org/direct-work",
    ]


def test_a_web_page_loses_its_navigation_and_debris():
    record = parse_briefing(document("web-page.html"), "page.html")
    assert record["title"] == "Multi-agency audit: Domestic Abuse"
    assert record["audit_date"] == "2022-06-14"
    assert record["children"]["count"] == 8
    assert record["children"]["plan_counts"] == {"child_protection": 8}
    everything = str(record).lower()
    for debris in ("skip to", "about us", "new window", "top of page", "cookies", "home >"):
        assert debris not in everything
    assert record["resources"] == ["DASH risk checklist", "Escalation policy"]
    assert record["learning"][0]["found"] == [
        "Concerns were raised about the quality of safety plans.",
        "It was found that perpetrators were seldom contacted by health practitioners.",
    ]


def test_debris_in_plain_text_from_a_web_page_is_dropped():
    record = parse_text(
        "Home > Learning > Audits\n\nStrengths\n\n- Good joint visits (this link opens in a new "
        "window)\n\ntop of page\n\nShare this page\n\nLast updated: 3 March 2024\n"
    )
    assert record["good_practice"] == ["Good joint visits"]
    assert record["audit_date"] is None


def test_organisations_under_their_own_heading_are_listed_one_each():
    record = parse_text(
        "Agencies involved\n\n- Police\n- Health Visiting\n- Children and Families Service\n"
    )
    assert record["organisations"] == ["Police", "Health Visiting", "Children and Families Service"]


def test_the_two_columns_of_what_we_found_and_what_needs_to_happen_are_told_apart():
    record = parse_text(
        "Themes for Learning\n\nWhat we found: Plans drifting What needs to happen?\n\n"
        "- Plans were not reviewed after incidents\n- Review the plan after every incident\n"
        "- Managers should check plans monthly\n"
    )
    theme = record["learning"][0]
    assert theme["title"] == "Plans drifting"
    assert theme["found"] == ["Plans were not reviewed after incidents"]
    assert theme["actions"] == [
        "Review the plan after every incident",
        "Managers should check plans monthly",
    ]


def test_bullet_glyphs_printed_apart_from_their_points_are_put_back():
    record = parse_text(
        "What we are worried about?\n\n\u2022 \n\n\u2022 \n\n"
        "Chronologies were missing in most records, and the incidents were never joined\n"
        "together to show the harm the children lived with over the years\n"
        "Health were not invited to strategy meetings\n"
    )
    assert record["worries"] == [
        "Chronologies were missing in most records, and the incidents were never joined "
        "together to show the harm the children lived with over the years",
        "Health were not invited to strategy meetings",
    ]


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("Number of children: 9\n", "count", 9),
        ("Age range: 0\u20134 years\n", "age_max", {"value": 4, "unit": "year"}),
        ("Sample size: twelve. CP: 5, CIN: 7.\n", "plan_counts", {"child_protection": 5, "child_in_need": 7}),
        ("The audit looked at six families (eleven children) in care.\n", "count", 11),
        ("Ten children were audited. Boys: 4, girls: 6.\n", "girls", 6),
    ],
)  # fmt: skip
def test_sample_descriptions_written_as_labels(text, field, value):
    assert parse_text(text)["children"].get(field) == value


def test_needs_and_themes_written_other_ways():
    record = parse_text(
        "Needs identified: self-harm, exclusion from school, parental conflict\n\n"
        "Theme 2: Transitions\n\n- Moves between schools were not planned\n"
    )
    assert record["needs"] == ["self-harm", "exclusion from school", "parental conflict"]
    assert record["learning"] == [
        {"title": "Transitions", "found": ["Moves between schools were not planned"], "actions": []}
    ]
