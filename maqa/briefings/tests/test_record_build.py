"""The briefing record is built from plain data by a pure function, and its opening paragraphs are
the sentences the renderers compose, which the briefing import reads back. No database here:
build_record never needs one."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from maqa.briefings.gather import (
    AuditData,
    ChildData,
    LinkData,
    ThemeData,
    ages_phrase,
    build_record,
    intro_paragraphs,
    needs_by_frequency,
)
from maqa.briefings.record import briefing_content, validate_record
from maqa.briefings.render_html import render_html
from maqa.briefings.words import plan_counts_sentence

CP, CIN, EH = "child_protection", "child_in_need", "early_help"


def child(months=60, sex="male", plan=CP, needs=(), category="") -> ChildData:
    return ChildData(sex=sex, plan_type=plan, category=category, needs=needs, age_months=months)


def toddler_sample() -> tuple[ChildData, ...]:
    """Nine children aged 3 and under (the youngest newborn), four boys and five girls, 5 on a
    child protection plan and 4 on a child in need plan."""
    months = [0, 5, 9, 14, 20, 26, 30, 35, 41]
    return tuple(
        child(
            months=m,
            sex="male" if i < 4 else "female",
            plan=CP if i < 5 else CIN,
            needs=("parental substance misuse", "housing instability")
            if i % 2
            else ("neglect", "parental substance misuse"),
        )
        for i, m in enumerate(months)
    )


def data(**overrides) -> AuditData:
    values: dict[str, Any] = {
        "theme": "Babies and Toddlers",
        "panel_date": date(2024, 3, 14),
        "partnership": "Synthetic Safeguarding Children Partnership",
        "aim": "To learn whether plans for babies were reviewed when their circumstances changed.",
        "plan_types": (CP, CIN),
        "sample_size": 9,
        "children": toddler_sample(),
        "organisations": ("GPs", "Police", "Health Visiting"),
        "worries": ("Health visitors were not invited to core groups",),
        "good_practice": ("Police shared information with schools the next working day",),
        "learning": (
            ThemeData(
                title="Drift in plans",
                found=("Plans were not reviewed when a new partner moved in",),
                actions=("Review the plan within a month of any change in the household",),
            ),
        ),
        "links": (LinkData("Neglect toolkit", "https://example.org/neglect"),),
    }
    values.update(overrides)
    return AuditData(**values)


def paragraphs(**overrides) -> list[str]:
    return intro_paragraphs(data(**overrides))


# --- the opening paragraphs ---------------------------------------------------------------------


def test_it_opens_with_the_ordinal_panel_date_and_the_number_of_children_in_words():
    assert paragraphs()[0] == (
        "On 14th March 2024 the audit panel looked at the records of nine children, each with a "
        "child protection or child in need plan."
    )


def test_it_writes_the_ages_sexes_and_plan_counts_as_the_renderers_do():
    assert paragraphs()[1] == (
        "When audited, the children were aged 3 years and under. The sample has four boys and "
        "five girls. Of these, 5 are on a child protection plan and 4 on a child in need plan."
    )
    record = build_record(data())
    composed = briefing_content({**record, "intro": None}).intro
    assert record["intro"] is not None
    assert record["intro"].split("\n\n")[:2] == [composed[0], composed[2]]


def test_it_lists_the_needs_most_frequent_first():
    assert paragraphs()[2] == (
        "The children's needs include parental substance misuse, neglect and housing instability."
    )


def test_the_intro_is_three_paragraphs_joined_by_blank_lines_without_the_aim_or_organisations():
    record = build_record(data())
    assert record["intro"] == "\n\n".join(paragraphs())
    assert "aim" not in record["intro"].lower()
    assert "Organisations" not in record["intro"]


def test_numbers_of_children_are_words_up_to_twenty_then_digits():
    many = tuple(child(months=60 + i) for i in range(24))
    assert "records of twenty children" in paragraphs(children=many[:20])[0]
    assert "records of 24 children" in paragraphs(children=many)[0]
    assert "The sample has 24 boys." in paragraphs(children=many)[1]


def test_a_sample_from_9_months_to_15_years_is_aged_between_them():
    sample = (child(months=9), child(months=15 * 12 + 3, sex="female"), child(months=100))
    assert ages_phrase({"value": 9, "unit": "month"}, {"value": 15, "unit": "year"}) == (
        "aged between 9 months and 15 years"
    )
    assert paragraphs(children=sample)[1].startswith(
        "When audited, the children were aged between 9 months and 15 years."
    )


def test_ages_in_the_same_unit_name_it_once():
    sample = (child(months=3 * 12), child(months=15 * 12 + 11))
    assert "aged between 3 and 15 years." in paragraphs(children=sample)[1]


def test_under_two_years_ages_are_in_months_and_a_newborn_makes_it_and_under():
    assert ages_phrase(None, {"value": 3, "unit": "year"}) == "aged 3 years and under"
    sample = (child(months=0), child(months=20))
    record = build_record(data(children=sample))
    assert record["children"]["age_min"] is None
    assert record["children"]["age_max"] == {"value": 20, "unit": "month"}
    assert record["intro"] is not None
    assert "aged 20 months and under" in record["intro"]


def test_children_all_the_same_age_are_all_that_age():
    sample = (child(months=73), child(months=80, sex="female"))
    assert "When audited, the children were all 6 years old." in paragraphs(children=sample)[1]


def test_ages_not_recorded_leave_the_age_sentence_out_and_warn():
    sample = (child(months=None), child(months=None, sex="female"))
    record = build_record(data(children=sample, sample_size=2))
    assert record["intro"] is not None
    assert "aged" not in record["intro"]
    assert record["intro"].split("\n\n")[1] == "The sample has one boy and one girl."
    assert record["children"]["age_min"] is None and record["children"]["age_max"] is None
    assert "the age of two children is not recorded" in record["warnings"][0]


def test_one_child_is_written_in_the_singular():
    intro = paragraphs(children=(child(months=30, sex="female", needs=("neglect",)),))
    assert intro == [
        "On 14th March 2024 the audit panel looked at the records of one child, with a child "
        "protection plan.",
        "When audited, the child was 2 years old. The child is a girl.",
        "The child's needs include neglect.",
    ]


def test_sexes_all_one_way_or_not_recorded_read_naturally():
    girls = tuple(child(sex="female") for _ in range(3))
    assert "The sample has three girls." in paragraphs(children=girls)[1]
    mixed = (child(sex="male"), child(sex="female"), child(sex="female"), child(sex="unknown"))
    assert (
        "The sample has one boy, two girls and one child not recorded as a boy or a girl."
        in (paragraphs(children=mixed)[1])
    )
    unknown = (child(sex="unknown"), child(sex="unknown"))
    assert "boy" not in paragraphs(children=unknown)[1]


def test_the_plan_counts_sentence_names_each_kind_and_is_left_out_for_one_kind():
    assert plan_counts_sentence({CP: 5, CIN: 4}, 9) == (
        "Of these, 5 are on a child protection plan and 4 on a child in need plan."
    )
    assert plan_counts_sentence({CP: 1, CIN: 2, EH: 3}, 6) == (
        "Of these, 1 is on a child protection plan, 2 on a child in need plan and 3 involved "
        "with Early Help."
    )
    assert plan_counts_sentence({CP: 10}, 10) == ""
    # A count of one kind that is not every child is said (a record with partial counts).
    assert plan_counts_sentence({CP: 4}, 10) == "Of these, 4 are on a child protection plan."


def test_early_help_and_a_category_of_the_scope_are_named_for_the_whole_sample():
    early = tuple(child(plan=EH) for _ in range(6))
    assert paragraphs(children=early, plan_types=(EH,))[0].endswith(
        "six children, each involved with Early Help."
    )
    emotional = tuple(child(category="emotional_abuse") for _ in range(10))
    first = paragraphs(children=emotional, plan_types=(CP,), cp_categories=("emotional_abuse",))[0]
    assert first.endswith(
        "ten children, each with a child protection plan under the category of emotional abuse."
    )


def test_needs_are_counted_once_per_child_ignoring_case_ties_alphabetical():
    sample = (
        child(needs=("Neglect", "neglect", "trauma")),
        child(needs=("neglect", "ADHD")),
        child(needs=("trauma", "self-harm")),
    )
    assert needs_by_frequency(sample) == ["Neglect", "trauma", "ADHD", "self-harm"]


# --- the record ---------------------------------------------------------------------------------


def test_the_record_has_every_field_of_the_format_and_validates():
    record = build_record(data())
    assert record["title"] == "Multi Agency Quality Assurance Audit: Babies and Toddlers"
    assert record["theme"] == "Babies and Toddlers"
    assert record["audit_date"] == "2024-03-14"
    assert record["children"] == {
        "count": 9,
        "age_min": None,
        "age_max": {"value": 3, "unit": "year"},
        "boys": 4,
        "girls": 5,
        "plan_types": [CP, CIN],
        "plan_counts": {CP: 5, CIN: 4},
        "cp_categories": [],
    }
    assert record["organisations"] == ["GPs", "Police", "Health Visiting"]
    assert record["learning"] == [
        {
            "title": "Drift in plans",
            "found": ["Plans were not reviewed when a new partner moved in"],
            "actions": ["Review the plan within a month of any change in the household"],
        }
    ]
    assert record["resources"] == ["Neglect toolkit"]
    assert record["links"] == [{"title": "Neglect toolkit", "url": "https://example.org/neglect"}]
    assert record["partnership"] == "Synthetic Safeguarding Children Partnership"
    assert record["aim"] is not None
    assert record["aim"].startswith("To learn whether")
    assert record["warnings"] == []
    assert validate_record(record) == []
    assert json.loads(json.dumps(record)) == record


def test_building_is_pure_the_same_data_gives_the_same_record():
    assert build_record(data()) == build_record(data())


def test_the_scope_gives_the_plan_types_while_no_child_is_sampled_and_it_warns():
    record = build_record(data(children=(), plan_types=(CIN, CP)))
    assert record["children"]["plan_types"] == [CP, CIN]
    assert record["children"]["count"] == 0
    assert "no children are in the sample yet" in record["warnings"]


def test_it_warns_of_a_short_sample_empty_sections_and_agencies_that_did_not_return():
    record = build_record(
        data(
            children=toddler_sample()[:8],
            worries=(),
            learning=(ThemeData(title="Empty"),),
            organisations_returned=False,
        )
    )
    assert record["warnings"] == [
        "the audit planned nine children but the sample has eight",
        "no organisation has submitted a return, so every agency taking part is listed",
        'there are no points under "What we are worried about"',
        "theme for learning 1 has no points",
    ]


def test_a_category_of_the_record_is_in_words():
    record = build_record(data(plan_types=(CP,), cp_categories=("sexual_abuse", "neglect")))
    assert record["children"]["cp_categories"] == ["neglect", "sexual abuse"]


def test_the_rendered_briefing_says_which_organisations_audited_and_puts_the_aim_second():
    html = render_html(build_record(data()), standalone=False)
    assert (
        "The organisations that took part, each auditing its own work with the nine children, "
        "were GPs, Police and Health Visiting." in html
    )
    intro = html.split('class="briefing__intro')
    assert "looked at the records of nine children" in intro[1]
    assert "To learn whether" in intro[2]
    assert "The sample has four boys and five girls." in intro[3]


def test_a_record_built_from_a_seeds_sample_has_its_children(shared_dir):
    """A sample with the facts of seed 000's expected record (read in place) gives them back."""
    expected = json.loads((shared_dir / "seeds-expected" / "000_83a5f85d2ccbf291.json").read_text())
    facts = expected["children"]
    assert facts["age_min"] is None and facts["age_max"]["unit"] == "year"
    count, oldest = facts["count"], facts["age_max"]["value"] * 12
    plans = [kind for kind, n in facts["plan_counts"].items() for _ in range(n)]
    sample = tuple(
        child(
            months=0 if i == 0 else oldest if i == count - 1 else 12 + i,
            sex="male" if i < facts["boys"] else "female",
            plan=plans[i],
        )
        for i in range(count)
    )
    record = build_record(
        data(
            theme=expected["theme"],
            panel_date=date.fromisoformat(expected["audit_date"]),
            plan_types=tuple(facts["plan_types"]),
            sample_size=count,
            children=sample,
        )
    )
    assert record["children"] == facts
    assert record["title"] == expected["title"]
    assert record["audit_date"] == expected["audit_date"]
