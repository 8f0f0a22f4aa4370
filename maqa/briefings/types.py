"""The briefing record's shape, as types (``../shared/briefing-record.md`` describes the format).

A record is plain JSON: built from an audit (maqa.briefings.gather.build_record), parsed from a
document (maqa.importers.parse.parse_briefing), stored in BriefingVersion.record,
PublicationRequest.record and ImportedDocument.record, and rendered by the three renderers.

Every key may be left out (``total=False``): a record parsed from a document or built from an
audit may lack any field, and a parsed record holds ``None`` where the document does not say.
:func:`maqa.briefings.record.validate_record` checks the shape of JSON from elsewhere.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Age(TypedDict):
    """``{"value": 4, "unit": "year"}``: an age as a briefing states it."""

    value: int
    unit: str  # "year" or "month" (maqa.briefings.record.AGE_UNITS)


class ChildrenFacts(TypedDict, total=False):
    """The sample: how many children, their ages, sexes and plans."""

    count: int | None
    age_min: Age | None
    age_max: Age | None
    boys: int | None
    girls: int | None
    plan_types: list[str]  # of maqa.briefings.words.PLAN_TYPES
    plan_counts: dict[str, int]  # plan type: how many children have it
    cp_categories: list[str]  # of maqa.briefings.record.CP_CATEGORIES


class ThemeForLearning(TypedDict, total=False):
    """One theme for learning: its title (or None), what was found, what needs to happen."""

    title: str | None
    found: list[str]
    actions: list[str]


class Link(TypedDict):
    """A resource with its address, where known."""

    title: str
    url: NotRequired[str | None]


class BriefingRecord(TypedDict, total=False):
    source: str | None  # the document's file name (a parsed record)
    title: str | None
    theme: str | None
    audit_date: str | None  # YYYY-MM-DD or YYYY-MM
    children: ChildrenFacts
    needs: list[str]
    organisations: list[str]
    worries: list[str]
    good_practice: list[str]
    learning: list[ThemeForLearning]
    resources: list[str]
    warnings: list[str]
    # Optional fields: the partnership's name, the audit's aim, the opening paragraphs (separated
    # by blank lines), the resources with their addresses.
    partnership: str | None
    aim: str | None
    intro: str | None
    links: list[Link]
    optional: list[str]  # expected records only: call-out text the scorer ignores
    # The themes a person accepted for each point on the import's review page
    # (maqa.importers.review_themes): only in a record corrected there.
    accepted_themes: dict[str, list[int]]
