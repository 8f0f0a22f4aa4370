"""The small readers the parser is built from: resource names, titles and themes, shapes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maqa.importers import parse_briefing
from maqa.importers.headings import clean_title, theme_of
from maqa.importers.resources import resource_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Click here for the DASH risk assessment", ["DASH risk assessment"]),
        ("Click here to access the Neglect Toolkit Click here to read the Graded Care Report",
         ["Neglect Toolkit", "Graded Care Report"]),
        ("Domestic abuse information and MARAC details are all available here",
         ["Domestic abuse information and MARAC details"]),
        ("NEW Professional Curiosity Training is available here for all staff",
         ["Professional Curiosity Training"]),
        ("Escalation: Resolution of Professional Differences \u2013 click here for the policy",
         ["Resolution of Professional Differences policy"]),
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
                    "The audit of 7th",
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
