"""The small readers the parser is built from: resource names, titles and themes, shapes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maqa.importers import parse_briefing
from maqa.importers.headings import clean_title, theme_of
from maqa.importers.resources import resource_names, split_glued
from maqa.importers.structure import merge_garbled_duplicates
from maqa.importers.text import TEXT, Para


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Click here for the Home Conditions Checklist", ["Home Conditions Checklist"]),
        ("Click here to view the Home Conditions Toolkit Click here to read the Drift in Plans Report",
         ["Home Conditions Toolkit", "Drift in Plans Report"]),
        ("Exploitation screening information and MACE details are all available here",
         ["Exploitation screening information and MACE details"]),
        ("NEW Exploitation Screening Training is available here for all staff",
         ["Exploitation Screening Training"]),
        ("Escalation: Challenging Decisions \u2013 click here for the policy",
         ["Challenging Decisions policy"]),
        ("Home Conditions Tool \u2013 use it before every visit -click here", ["Home Conditions Tool"]),
        ("Safer Sleep. There is a short video that covers safe sleeping \u2013 click here",
         ["Safer Sleep short video"]),
        ("Missing Protocol: https://example.org/missing", ["Missing Protocol"]),
        ("Read the Young Carers Strategy here", ["Young Carers Strategy"]),
    ],
)  # fmt: skip
def test_a_resource_is_named_from_the_words_around_its_link(text, names):
    assert resource_names(text) == names


@pytest.mark.parametrize(
    ("raw", "title", "theme"),
    [
        ("Multi Agency Audit: Neglect December 2022", "Multi Agency Audit: Neglect", "Neglect"),
        ("Multi-Agency Audit: Self Harm \u2013 7th March 2024", "Multi-Agency Audit: Self Harm",
         "Self Harm"),
        ("Neglect \u2013 Multi-Agency Case File Audit Briefing",
         "Neglect \u2013 Multi-Agency Case File Audit Briefing", "Neglect"),
        ("Learning from the audit of children in care", "Learning from the audit of children in care",
         "children in care"),
        ("7 Minute Briefing: Online Safety", "7 Minute Briefing: Online Safety", "Online Safety"),
        ("Multi Agency Audit Learning Briefing", "Multi Agency Audit Learning Briefing", None),
        ("Audit: Pre-Birth Planning Summer 2023", "Audit: Pre-Birth Planning Summer", "Pre-Birth Planning Summer"),
    ],
)  # fmt: skip
def test_the_theme_is_what_the_title_says_beyond_its_generic_words(raw, title, theme):
    assert clean_title(raw) == title
    assert theme_of(clean_title(raw)) == theme


def test_two_link_labels_run_together_are_two_names():
    assert split_glued("Signs of Safety for Babies Tool Signs of Safety for Teens Tool") == [
        "Signs of Safety for Babies Tool",
        "Signs of Safety for Teens Tool",
    ]


def test_a_title_keeps_no_stray_lower_case_fragment():
    assert clean_title("Multi Agency Audit: Children Missing from Education cation") == (
        "Multi Agency Audit: Children Missing from Education"
    )


def test_a_line_a_hidden_text_layer_repeated_garbled_is_mended_into_one_paragraph():
    paras = [
        Para(TEXT, ["Strategy meetings were held but the plan was not",
                    "reveiwed at the core group and Health did"]),
        Para(TEXT, ["reviewed at the core group and Health did not attend the reviews."]),
    ]  # fmt: skip
    assert [p.text for p in merge_garbled_duplicates(paras)] == [
        "Strategy meetings were held but the plan was not reviewed at the core group and Health "
        "did not attend the reviews."
    ]


def test_a_garbled_copy_of_the_start_of_the_next_paragraph_is_dropped():
    paras = [
        Para(TEXT, ["This is echoed in the Natonal Reveiw. The Rsk of Drlft in Plans."]),
        Para(TEXT, ["This is echoed in the National Review \u2013 The Risk of Drift in Plans "
                    "\u2013 which you can read from the link on this page"]),
    ]  # fmt: skip
    assert [p.text for p in merge_garbled_duplicates(paras)] == [paras[1].text]


SHAPE = {
    "source", "title", "theme", "audit_date", "children", "needs", "organisations", "worries",
    "good_practice", "learning", "resources", "warnings", "partnership", "aim", "intro", "links",
}  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80),
            st.sampled_from(
                [
                    "What we are worried about?",
                    "Themes for Learning",
                    "What we found:",
                    "What needs to happen?",
                    "- ",
                    "\u2022 ",
                    "Click here",
                    "The audit of 14th",
                    "ten children",
                    "",
                ]
            ),
        ),
        max_size=30,
    )
)
def test_any_text_gives_a_record_of_the_documented_shape(lines):
    record = parse_briefing("\n".join(["Briefing", *lines]).encode(), "x.txt")
    assert set(record) == SHAPE
    assert all(isinstance(point, str) and point for point in record["worries"])
    for theme in record["learning"]:
        assert set(theme) == {"title", "found", "actions"}
