"""The briefing record is built from plain data by a pure function, and its opening paragraphs read
like the partnership briefings (../shared/seeds). No database here: build_record never needs one."""

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
    plan_counts_sentence,
)
from maqa.briefings.record import validate_record
from maqa.briefings.render_html import render_html

CP, CIN, EH = "child_protection", "child_in_need", "early_help"


def child(months=60, sex="male", plan=CP, needs=(), category="") -> ChildData:
    return ChildData(sex=sex, plan_type=plan, category=category, needs=needs, age_months=months)


def preschool_sample() -> tuple[ChildData, ...]:
    """Like seed 000: ten children aged 4 and under, five boys and five girls, 7 CP and 3 CiN."""
    months = [0, 6, 11, 18, 23, 30, 36, 41, 50, 59]
    return tuple(
        child(
            months=m,
            sex="male" if i < 5 else "female",
            plan=CP if i < 7 else CIN,
            needs=("exposure to domestic abuse", "parental mental health")
            if i % 2
            else ("neglect", "exposure to domestic abuse"),
        )
        for i, m in enumerate(months)
    )


def data(**overrides) -> AuditData:
    values: dict[str, Any] = {
        "theme": "Pre-School Children",
        "panel_date": date(2021, 12, 7),
        "partnership": "Synthetic Safeguarding Children Partnership",
        "aim": "To ascertain whether there were good multi-agency standards.",
        "plan_types": (CP, CIN),
        "sample_size": 10,
        "children": preschool_sample(),
        "organisations": ("GPs", "Police", "Sirona"),
        "worries": ("Lack of use of DASH by partners",),
        "good_practice": ("Good communication and multi agency engagement",),
        "learning": (
            ThemeData(
                title="Engagement with Fathers",
                found=("Lack of engagement with fathers in the cases",),
                actions=("Always endeavour to include fathers in your work with families",),
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
        "The audit of 7th December 2021 reviewed the records of ten children who have a child "
        "protection plan or a child in need plan."
    )


def test_it_writes_the_ages_sexes_and_plan_counts_as_the_seeds_do():
    assert paragraphs()[1] == (
        "The ten children chosen for this audit were aged 4 years and under at the time of the "
        "audit. Five are boys and five are girls. 7 children have a child protection plan, and 3 "
        "have a child in need plan."
    )


def test_it_lists_the_needs_most_frequent_first():
    assert paragraphs()[2] == (
        "The children have a range of needs including exposure to domestic abuse, neglect and "
        "parental mental health."
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
    assert paragraphs(children=many)[1].startswith("The 24 children chosen for this audit")


def test_a_sample_from_7_months_to_17_years_is_aged_between_them():
    sample = (child(months=7), child(months=17 * 12 + 3, sex="female"), child(months=100))
    assert ages_phrase({"value": 7, "unit": "month"}, {"value": 17, "unit": "year"}) == (
        "aged between 7 months and 17 years old"
    )
    assert paragraphs(children=sample)[1].startswith(
        "The three children chosen for this audit were aged between 7 months and 17 years old "
        "at the time of the audit."
    )


def test_ages_in_the_same_unit_name_it_once():
    sample = (child(months=2 * 12), child(months=16 * 12 + 11))
    assert "aged between 2 and 16 years old" in paragraphs(children=sample)[1]


def test_under_two_years_ages_are_in_months_and_a_newborn_makes_it_and_under():
    assert ages_phrase(None, {"value": 4, "unit": "year"}) == "aged 4 years and under"
    sample = (child(months=0), child(months=20))
    record = build_record(data(children=sample))
    assert record["children"]["age_min"] is None
    assert record["children"]["age_max"] == {"value": 20, "unit": "month"}
    assert "aged 20 months and under" in record["intro"]


def test_children_all_the_same_age_are_all_that_age():
    sample = (child(months=73), child(months=80, sex="female"))
    assert "were all 6 years old at the time" in paragraphs(children=sample)[1]


def test_ages_not_recorded_leave_the_age_sentence_out_and_warn():
    sample = (child(months=None), child(months=None, sex="female"))
    record = build_record(data(children=sample, sample_size=2))
    assert "aged" not in record["intro"]
    assert record["intro"].split("\n\n")[1] == "One is a boy and one is a girl."
    assert record["children"]["age_min"] is None and record["children"]["age_max"] is None
    assert "the age of two children is not recorded" in record["warnings"][0]


def test_one_child_is_written_in_the_singular():
    intro = paragraphs(children=(child(months=30, sex="female", needs=("neglect",)),))
    assert intro == [
        "The audit of 7th December 2021 reviewed the records of one child who has a child "
        "protection plan.",
        "The child chosen for this audit was 2 years old at the time of the audit. "
        "The child is a girl.",
        "The child has needs including neglect.",
    ]


def test_sexes_all_one_way_or_not_recorded_read_naturally():
    girls = tuple(child(sex="female") for _ in range(3))
    assert "All three are girls." in paragraphs(children=girls)[1]
    mixed = (child(sex="male"), child(sex="female"), child(sex="female"), child(sex="unknown"))
    assert (
        "One is a boy, two are girls and one is not recorded as a boy or a girl."
        in (paragraphs(children=mixed)[1])
    )
    unknown = (child(sex="unknown"), child(sex="unknown"))
    assert "boy" not in paragraphs(children=unknown)[1]


def test_the_plan_counts_sentence_names_each_kind_and_is_left_out_for_one_kind():
    assert plan_counts_sentence({CP: 7, CIN: 3}) == (
        "7 children have a child protection plan, and 3 have a child in need plan."
    )
    assert plan_counts_sentence({CP: 1, CIN: 2, EH: 3}) == (
        "1 child has a child protection plan, 2 have a child in need plan, and 3 are involved "
        "with Early Help."
    )
    assert plan_counts_sentence({CP: 10}) == ""


def test_early_help_and_a_category_of_the_scope_read_as_the_seeds_do():
    early = tuple(child(plan=EH) for _ in range(6))
    assert paragraphs(children=early, plan_types=(EH,))[0].endswith(
        "six children who are involved with Early Help."
    )
    emotional = tuple(child(category="emotional_abuse") for _ in range(10))
    first = paragraphs(children=emotional, plan_types=(CP,), cp_categories=("emotional_abuse",))[0]
    assert first.endswith(
        "ten children who have a child protection plan under the category of emotional abuse."
    )


def test_needs_are_counted_once_per_child_ignoring_case_ties_alphabetical():
    sample = (
        child(needs=("Neglect", "neglect", "trauma")),
        child(needs=("neglect", "ADHD")),
        child(needs=("trauma", "anti social behaviour")),
    )
    assert needs_by_frequency(sample) == ["Neglect", "trauma", "ADHD", "anti social behaviour"]


# --- the record ---------------------------------------------------------------------------------


def test_the_record_has_every_field_of_the_format_and_validates():
    record = build_record(data())
    assert record["title"] == "Multi Agency Quality Assurance Audit: Pre-School Children"
    assert record["theme"] == "Pre-School Children"
    assert record["audit_date"] == "2021-12-07"
    assert record["children"] == {
        "count": 10,
        "age_min": None,
        "age_max": {"value": 4, "unit": "year"},
        "boys": 5,
        "girls": 5,
        "plan_types": [CP, CIN],
        "plan_counts": {CP: 7, CIN: 3},
        "cp_categories": [],
    }
    assert record["organisations"] == ["GPs", "Police", "Sirona"]
    assert record["learning"] == [
        {
            "title": "Engagement with Fathers",
            "found": ["Lack of engagement with fathers in the cases"],
            "actions": ["Always endeavour to include fathers in your work with families"],
        }
    ]
    assert record["resources"] == ["Neglect toolkit"]
    assert record["links"] == [{"title": "Neglect toolkit", "url": "https://example.org/neglect"}]
    assert record["partnership"] == "Synthetic Safeguarding Children Partnership"
    assert record["aim"].startswith("To ascertain")
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
            children=preschool_sample()[:8],
            worries=(),
            learning=(ThemeData(title="Empty"),),
            organisations_returned=False,
        )
    )
    assert record["warnings"] == [
        "the audit planned ten children but the sample has eight",
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
        "Organisations that audited their involvement with the ten children were: GPs, Police "
        "and Sirona." in html
    )
    intro = html.split('class="briefing__intro')
    assert "reviewed the records of ten children" in intro[1]
    assert "To ascertain whether" in intro[2]
    assert "Five are boys and five are girls." in intro[3]


def test_a_record_built_like_seed_000_has_the_seeds_children(shared_dir):
    expected = json.loads((shared_dir / "seeds-expected" / "000_83a5f85d2ccbf291.json").read_text())
    record = build_record(data())
    assert record["children"] == expected["children"]
    assert record["title"] == expected["title"]
    assert record["audit_date"] == expected["audit_date"]
    seed = (shared_dir / "seeds" / "000_83a5f85d2ccbf291.txt").read_text()
    assert "The ten children chosen for this audit were aged 4 years and under at the time" in seed
    assert (
        record["intro"]
        .split("\n\n")[1]
        .startswith(
            "The ten children chosen for this audit were aged 4 years and under at the time"
        )
    )
