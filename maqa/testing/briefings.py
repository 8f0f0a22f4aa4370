"""Made-up briefing records for tests and the benchmark (no real partnership's text)."""

from __future__ import annotations

import random

from maqa.briefings.types import BriefingRecord, ThemeForLearning

_AGENCIES = [
    "GP practices",
    "Children's Social Care",
    "Community Health",
    "Acute Hospital Trust",
    "Police",
    "Education",
    "Youth Justice Service",
    "Emergency Duty Team",
    "Early Help Service",
    "Domestic Abuse Service",
    "Adult Mental Health Trust",
    "Housing",
]
_SUBJECTS = [
    "the child's daily routine",
    "the family's housing",
    "school attendance",
    "the plan's review dates",
    "information shared at transfer",
    "the views of the father",
    "the chronology",
    "the safety plan",
    "health appointments",
    "the core group",
]
_WORRIES = [
    "Little recorded about {s} in the agency notes",
    "No shared understanding of {s} across the agencies",
    "Actions about {s} had no timescale or owner",
    "Drift in following up {s} after the conference",
]
_GOOD = [
    "Clear and timely recording of {s}",
    "Agencies met promptly to talk about {s}",
    "The child's own words about {s} were recorded",
    "Managers checked {s} and gave written direction",
]
_FOUND = [
    "Practitioners did not always revisit {s} when circumstances changed",
    "Records showed {s} was discussed but the outcome was not written down",
    "Where {s} was explored, the plan was more specific",
]
_ACTIONS = [
    "Make {s} a standing item at every core group",
    "Record the outcome of each discussion about {s}",
    "Share a short guide to {s} with all agencies",
]


def sample_record(*, children: int = 10, findings: int = 40, seed: int = 7) -> BriefingRecord:
    """A complete, made-up record: ``findings`` points spread over worries, good practice and
    three themes for learning; every optional field filled in."""
    rng = random.Random(seed)

    def points(templates: list[str], n: int) -> list[str]:
        return [
            rng.choice(templates).format(s=rng.choice(_SUBJECTS)) + f" (case {i + 1})"
            for i in range(n)
        ]

    per_part = max(findings // 5, 1)
    worries = points(_WORRIES, per_part)
    good = points(_GOOD, per_part)
    rest = findings - 2 * per_part
    learning: list[ThemeForLearning] = []
    for i, title in enumerate(
        ["Hearing the child", "Working with fathers", "Planning that sticks"]
    ):
        n = rest // 3 + (1 if i < rest % 3 else 0)
        learning.append(
            {
                "title": title,
                "found": points(_FOUND, (n + 1) // 2),
                "actions": points(_ACTIONS, n // 2),
            }
        )
    cp = children * 7 // 10
    return {
        "source": "sample.json",
        "title": "Multi Agency Quality Assurance Audit: Neglect and Home Conditions",
        "theme": "Neglect and Home Conditions",
        "audit_date": "2026-03-04",
        "partnership": "Demo Children's Partnership",
        "aim": (
            "The aim of the audit was to find out whether agencies recognised neglect early, "
            "worked together on a shared plan and kept the child's experience in view."
        ),
        "children": {
            "count": children,
            "age_min": {"value": 8, "unit": "month"},
            "age_max": {"value": 15, "unit": "year"},
            "boys": children // 2,
            "girls": children - children // 2,
            "plan_types": ["child_protection", "child_in_need"],
            "plan_counts": {"child_protection": cp, "child_in_need": children - cp},
            "cp_categories": ["neglect"],
        },
        "needs": ["neglect", "parental substance misuse", "poor school attendance", "housing"],
        "organisations": _AGENCIES[: min(len(_AGENCIES), children)],
        "worries": worries,
        "good_practice": good,
        "learning": learning,
        "resources": ["Neglect Toolkit", "Home Conditions Tool", "Escalation Policy"],
        "links": [
            {"title": "Neglect Toolkit", "url": "https://example.org/neglect-toolkit"},
            {"title": "Escalation Policy", "url": "https://example.org/escalation"},
        ],
        "warnings": [],
        "optional": [],
    }
