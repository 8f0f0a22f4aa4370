"""The briefing's words, written one way: numbers and dates as the briefings write them, lists,
ages, and the phrases for the sample's plans. Used by the record built from an audit
(briefings.gather) and the opening composed from a record's facts (briefings.record)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from maqa.briefings.types import Age

TITLE_PREFIX = "Multi Agency Quality Assurance Audit"


PLAN_TYPES = ("child_protection", "child_in_need", "early_help", "looked_after")


# fmt: off
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)


_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def number_words(n: int) -> str:
    """``one`` to ``twenty`` in words (and ``zero``), any other number in digits."""
    if 0 <= n < len(_NUMBER_WORDS):
        return _NUMBER_WORDS[n]
    return str(n)


def _ordinal_suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def ordinal_date(value: date | str) -> str:
    """``14th March 2024``: the way the briefings write the day of an audit.

    Takes a date or an ISO string; a month alone (``2025-09``) gives ``September 2025``.
    """
    if isinstance(value, str):
        parsed = parse_audit_date(value)
        if parsed is None:
            raise ValueError(f"not an ISO date: {value!r}")
        year, month, day = parsed
        if day is None:
            return f"{_MONTHS[month - 1]} {year}"
        value = date(year, month, day)
    return f"{value.day}{_ordinal_suffix(value.day)} {_MONTHS[value.month - 1]} {value.year}"


def month_year(value: date | str) -> str:
    """``March 2024``, for the line under the title."""
    if isinstance(value, date):
        return f"{_MONTHS[value.month - 1]} {value.year}"
    parsed = parse_audit_date(value)
    if parsed is None:
        raise ValueError(f"not an ISO date: {value!r}")
    return f"{_MONTHS[parsed[1] - 1]} {parsed[0]}"


def parse_audit_date(value: str) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) from ``YYYY-MM-DD`` or ``YYYY-MM``; None if neither or invalid."""
    if match := _ISO_DAY.match(value):
        year, month, day = (int(part) for part in match.groups())
        try:
            date(year, month, day)
        except ValueError:
            return None
        return year, month, day
    if match := _ISO_MONTH.match(value):
        year, month = int(match[1]), int(match[2])
        return (year, month, None) if 1 <= month <= 12 else None
    return None


def age_words(age: Age) -> str:
    value, unit = age["value"], age["unit"]
    return f"{value} {unit}{'' if value == 1 else 's'}"


def join_and(items: Sequence[str]) -> str:
    """A, B and C, as the briefings list the organisations (no comma before "and")."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# The sample's plans ---------------------------------------------------------------------------

_WITH_PLAN = {"child_protection": "child protection", "child_in_need": "child in need"}
_OTHER_PLAN = {
    "early_help": "involved with Early Help",
    "looked_after": "looked after by the local authority",
}
# How the counts per plan read: the first count with its verb, the others after it without.
_COUNTED = {
    "child_protection": "on a child protection plan",
    "child_in_need": "on a child in need plan",
    "early_help": "involved with Early Help",
    "looked_after": "looked after",
}


def plan_phrase(plan_types: Iterable[str], categories: Sequence[str]) -> str:
    """'with a child protection or child in need plan', 'with a child protection plan under the
    category of neglect', 'involved with Early Help'; '' for none. ``categories`` are words
    ("emotional abuse"), named only with a child protection plan."""
    kinds = [k for k in PLAN_TYPES if k in set(plan_types)]
    with_plan = [_WITH_PLAN[k] for k in kinds if k in _WITH_PLAN]
    parts = [f"with a {' or '.join(with_plan)} plan"] if with_plan else []
    if with_plan and categories and "child_protection" in kinds:
        noun = "category" if len(categories) == 1 else "categories"
        parts[0] += f" under the {noun} of {join_and(list(categories))}"
    parts += [_OTHER_PLAN[k] for k in kinds if k in _OTHER_PLAN]
    return " or ".join(parts)


def plan_counts_sentence(plan_counts: Mapping[str, int], total: int | None) -> str:
    """'Of these, 5 are on a child protection plan and 4 on a child in need plan.'

    '' when there are no counts, or when the first sentence has said it already: one kind of
    plan, held by all ``total`` children."""
    counts = [(k, plan_counts[k]) for k in PLAN_TYPES if plan_counts.get(k)]
    if not counts or (len(counts) == 1 and counts[0][1] == total):
        return ""
    parts = []
    for i, (kind, n) in enumerate(counts):
        verb = f"{'is' if n == 1 else 'are'} " if i == 0 else ""
        parts.append(f"{n} {verb}{_COUNTED[kind]}")
    return f"Of these, {join_and(parts)}."
