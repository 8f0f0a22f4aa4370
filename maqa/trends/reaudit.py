"""Comparing a re-audit with the audit it looks at again: agreed grades by domain, and the themes
of the findings, side by side. Who may see which part follows the panel's and the board's rules."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Coalesce
from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role
from maqa.audits.access import access_audit, is_panel_reader
from maqa.audits.models import Audit
from maqa.audits.reaudit import GONE, NEW, NONE, RECURRING
from maqa.findings.models import Finding
from maqa.panel.models import PanelGrade
from maqa.tools.definition import ToolDefinition


def can_see_grades(user: AnyUser, audit: Audit) -> bool:
    return is_partnership_admin(user) or is_panel_reader(user, audit)


def can_see_themes(user: AnyUser, audit: Audit) -> bool:
    if can_see_grades(user, audit):
        return True
    return audit.state in Audit.State.published() and Role.VIEWER in roles_of(user)


def access_reaudit(user: AnyUser, pk: int) -> Audit:
    """The audit, for its comparison page: 404 unless the person may see one part of it."""
    audit = access_audit(user, pk)
    if not can_see_themes(user, audit):
        raise Http404
    return audit


@dataclass(frozen=True)
class GradeCount:
    label: str
    count: int


@dataclass(frozen=True)
class GradeSide:
    counts: tuple[GradeCount, ...]  # every grade of the audit's scale, best first
    graded: int
    good_or_better: int

    @property
    def share(self) -> int | None:
        """Per cent good or better, rounded; None when nothing was graded."""
        return round(100 * self.good_or_better / self.graded) if self.graded else None


@dataclass(frozen=True)
class DomainRow:
    key: str
    title: str
    earlier: GradeSide
    this: GradeSide

    @property
    def change(self) -> int | None:
        if self.earlier.share is None or self.this.share is None:
            return None
        return self.this.share - self.earlier.share


def _definition(audit: Audit) -> ToolDefinition:
    definition: ToolDefinition = audit.tool_version.definition
    return definition


def _side(audit: Audit, domain: str, counted: Counter[tuple[str, str]]) -> GradeSide:
    grades = _definition(audit)["grade_scale"]["grades"]
    # "Good or better": the better half of the scale (Outstanding or Good; Blue or Green).
    better = {g["value"] for g in grades[: len(grades) // 2]}
    counts = tuple(GradeCount(g["label"], counted[(domain, g["value"])]) for g in grades)
    graded = sum(c.count for c in counts)
    good = sum(counted[(domain, v)] for v in better)
    return GradeSide(counts=counts, graded=graded, good_or_better=good)


def _grade_counts(audit: Audit) -> Counter[tuple[str, str]]:

    rows = (
        PanelGrade.objects.filter(audit=audit)
        .exclude(grade="")
        .values_list("domain", "grade")
        .annotate(n=Count("pk"))
    )
    return Counter({(domain, grade): n for domain, grade, n in rows})


def compare_grades(earlier: Audit, this: Audit) -> list[DomainRow]:
    """Agreed grades by domain, earlier against this: the domains of this audit's tool in its
    order, then any only the earlier audit's tool had."""
    before, now = _grade_counts(earlier), _grade_counts(this)
    titles: dict[str, str] = {}
    for audit in (this, earlier):
        for domain in _definition(audit)["domains"]:
            titles.setdefault(domain["key"], domain["title"])
    return [
        DomainRow(key, title, _side(earlier, key, before), _side(this, key, now))
        for key, title in titles.items()
    ]


@dataclass(frozen=True)
class ThemeRow:
    slug: str
    name: str
    earlier_concerns: int
    earlier_strengths: int
    concerns: int
    strengths: int

    @property
    def status(self) -> str:
        """Of the theme as a concern: new, recurring, no longer seen (or none of those)."""
        if self.concerns and self.earlier_concerns:
            return RECURRING
        if self.concerns:
            return NEW
        if self.earlier_concerns:
            return GONE
        return NONE


def _theme_counts(audit: Audit) -> dict[tuple[str, str], tuple[str, int]]:

    rows = (
        Finding.themes.through.objects.filter(finding__audit=audit)  # type: ignore[misc]  # values of an annotation
        .annotate(
            top_slug=Coalesce("theme__parent__slug", "theme__slug"),
            top_name=Coalesce("theme__parent__name", "theme__name"),
        )
        .values_list("top_slug", "top_name", "finding__polarity")
        .annotate(n=Count("finding_id", distinct=True))
    )
    return {(slug, polarity): (name, n) for slug, name, polarity, n in rows}


def compare_themes(earlier: Audit, this: Audit) -> list[ThemeRow]:
    """Concerns and strengths per top-level theme (points counted once per theme; a subtheme
    counts for its parent), earlier against this. Recurring concerns first, then new ones, then
    those no longer seen, then strengths only; by name within each."""
    before, now = _theme_counts(earlier), _theme_counts(this)
    names = {slug: name for (slug, _), (name, _) in {**before, **now}.items()}

    def n(counts: dict[tuple[str, str], tuple[str, int]], slug: str, polarity: str) -> int:
        return counts.get((slug, polarity), ("", 0))[1]

    rows = [
        ThemeRow(
            slug=slug,
            name=name,
            earlier_concerns=n(before, slug, "concern"),
            earlier_strengths=n(before, slug, "strength"),
            concerns=n(now, slug, "concern"),
            strengths=n(now, slug, "strength"),
        )
        for slug, name in names.items()
    ]
    rows = [
        r for r in rows if r.concerns or r.strengths or r.earlier_concerns or r.earlier_strengths
    ]
    order = {RECURRING: 0, NEW: 1, GONE: 2, NONE: 3}
    return sorted(rows, key=lambda r: (order[r.status], r.name.lower()))


@dataclass(frozen=True)
class Comparison:
    earlier: Audit | None
    grades: list[DomainRow] | None  # None: not shown to this person (or no earlier audit)
    themes: list[ThemeRow] | None
    grades_hidden: bool  # the person may not see both audits' grades
    themes_hidden: bool


def reaudit_comparison(user: AnyUser, audit: Audit) -> Comparison:
    """What the comparison page shows this person about ``audit`` and the audit it re-audits."""
    earlier = audit.reaudit_of
    if earlier is None or earlier.partnership_id != audit.partnership_id:
        return Comparison(None, None, None, False, False)
    grades_ok = can_see_grades(user, audit) and can_see_grades(user, earlier)
    themes_ok = can_see_themes(user, audit) and can_see_themes(user, earlier)
    return Comparison(
        earlier=earlier,
        grades=compare_grades(earlier, audit) if grades_ok else None,
        themes=compare_themes(earlier, audit) if themes_ok else None,
        grades_hidden=not grades_ok,
        themes_hidden=not themes_ok,
    )
