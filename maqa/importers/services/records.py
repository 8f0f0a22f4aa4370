"""The briefing record: checked and turned into a plan of what an import creates (the audit's
fields and its points), with its counts. A problem a person must fix names its field."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from maqa.audits.models import CPCategory, PlanType
from maqa.core.errors import ApplicationError


@dataclass
class Counts:
    children: int = 0
    worries: int = 0
    good_practice: int = 0
    learning_themes: int = 0
    found: int = 0
    actions: int = 0

    @property
    def findings(self) -> int:
        return self.worries + self.good_practice + self.found + self.actions

    def as_dict(self) -> dict[str, int]:
        return {
            "children": self.children,
            "worries": self.worries,
            "good_practice": self.good_practice,
            "learning_themes": self.learning_themes,
            "found": self.found,
            "actions": self.actions,
        }

    def describe(self) -> str:
        return (
            f"{self.children} children, {self.worries} worries, {self.good_practice} good "
            f"practice, {self.learning_themes} themes for learning ({self.found} found, "
            f"{self.actions} actions)"
        )


@dataclass
class LearningPlan:
    title: str
    found: list[str]
    actions: list[str]


@dataclass
class Plan:
    """What an import makes of a record: the audit's fields and its points."""

    theme: str
    aim: str
    panel_date: datetime.date
    date_precision: str
    sample_size: int
    plan_types: list[str]
    cp_categories: list[str]
    age_min_years: int | None
    age_max_years: int | None
    organisations: list[str]
    worries: list[str]
    good_practice: list[str]
    learning: list[LearningPlan]

    @property
    def audit_date(self) -> str:
        if self.date_precision == "month":
            return self.panel_date.strftime("%Y-%m")
        return self.panel_date.isoformat()

    @property
    def counts(self) -> Counts:
        return Counts(
            children=self.sample_size,
            worries=len(self.worries),
            good_practice=len(self.good_practice),
            learning_themes=len(self.learning),
            found=sum(len(t.found) for t in self.learning),
            actions=sum(len(t.actions) for t in self.learning),
        )


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


NEEDS_A_DATE = "needs a date: the document gives no audit date. Give one (YYYY-MM-DD or YYYY-MM)."


def parse_audit_date(value: Any) -> tuple[datetime.date, str]:
    """A briefing date, YYYY-MM-DD or YYYY-MM, as (date, precision); month: the first day."""
    text = str(value or "").strip()
    if not text:
        raise ApplicationError(NEEDS_A_DATE, field="audit_date")
    try:
        if _DAY.match(text):
            return datetime.date.fromisoformat(text), "day"
        month = _MONTH.match(text)
        if month:
            return datetime.date(int(month[1]), int(month[2]), 1), "month"
    except ValueError:
        pass
    raise ApplicationError(
        f"“{text[:20]}” is not a date: give it as YYYY-MM-DD, or YYYY-MM if only the month is "
        "known.",
        field="audit_date",
    )


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [" ".join(str(v).split()) for v in value if isinstance(v, str) and v.strip()]


def _years(value: Any) -> int | None:
    if not isinstance(value, dict) or not isinstance(value.get("value"), int):
        return None
    number = int(value["value"])
    years = number // 12 if value.get("unit") == "month" else number
    return years if 0 <= years <= 25 else None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    if value > 32767:
        raise ApplicationError("The number of children is too large.", field="children")
    return int(value)


def record_plan(record: Any) -> Plan:
    """Check a briefing record and turn it into what an import creates. ApplicationError (with
    the field) for what a person must fix: no theme, no date, a date that is not one."""
    if not isinstance(record, dict):
        raise ApplicationError("The briefing record is not a record.")
    theme = " ".join(str(record.get("theme") or record.get("title") or "").split())
    if not theme:
        raise ApplicationError(
            "needs a theme: the document's title gives no theme. Give the audit's theme.",
            field="theme",
        )
    if len(theme) > 200:
        raise ApplicationError("The theme is longer than 200 characters.", field="theme")
    panel_date, precision = parse_audit_date(record.get("audit_date"))
    found_children = record.get("children")
    children: dict[str, Any] = found_children if isinstance(found_children, dict) else {}
    low, high = _years(children.get("age_min")), _years(children.get("age_max"))
    if low is not None and high is not None and low > high:
        low = None
    learning = []
    for item in record.get("learning") or []:
        if not isinstance(item, dict):
            continue
        title = " ".join(str(item.get("title") or "").split())
        if len(title) > 200:
            title = title[:199].rstrip() + "…"
        found, actions = _strings(item.get("found")), _strings(item.get("actions"))
        if title or found or actions:
            learning.append(LearningPlan(title=title, found=found, actions=actions))
    categories = [c.strip().lower().replace(" ", "_") for c in _strings(children.get("cp_categories"))]  # fmt: skip
    aim = record.get("aim")
    return Plan(
        theme=theme,
        aim=str(aim).strip() if isinstance(aim, str) else "",
        panel_date=panel_date,
        date_precision=precision,
        sample_size=_count(children.get("count")),
        plan_types=[p for p in _strings(children.get("plan_types")) if p in PlanType.values],
        cp_categories=[c for c in dict.fromkeys(categories) if c in CPCategory.values],
        age_min_years=low,
        age_max_years=high,
        organisations=_strings(record.get("organisations")),
        worries=_strings(record.get("worries")),
        good_practice=_strings(record.get("good_practice")),
        learning=learning,
    )
