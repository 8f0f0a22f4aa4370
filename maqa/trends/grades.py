"""Agreed grades across audits: their distribution by domain and year, and agencies' self-grades
against the panel's agreed grades. Part of maqa.trends.selectors (which re-exports these names);
see there for which audits count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.db.models.fields.json import KT

from maqa.organisations.models import Organisation
from maqa.panel.models import PanelGrade
from maqa.returns.models import Return
from maqa.tools.definition import ToolDefinition
from maqa.tools.models import AuditToolVersion

if TYPE_CHECKING:
    from maqa.trends.selectors import AuditColumn


# --- grades ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeOption:
    value: str
    label: str
    colour: str
    rank: int  # 0 is the best grade of its scale


@dataclass
class DomainGrades:
    """The agreed grades of one domain, year by year: ``counts[i]`` is {grade value: number}
    for ``years[i]`` of the distribution."""

    key: str
    title: str
    counts: list[dict[str, int]]

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts)


@dataclass
class GradeDistribution:
    grades: list[GradeOption]  # best first
    years: list[int]
    domains: list[DomainGrades]

    @property
    def total(self) -> int:
        return sum(d.total for d in self.domains)

    def table_rows(self) -> list[tuple[str, int, list[int], int]]:
        """(domain title, year, the number of each grade best first, total) for each domain and
        year with grades: the chart's data table."""
        rows = []
        for domain in self.domains:
            for year, counts in zip(self.years, domain.counts, strict=True):
                numbers = [counts.get(g.value, 0) for g in self.grades]
                if sum(numbers):
                    rows.append((domain.title, year, numbers, sum(numbers)))
        return rows


@dataclass
class SelfVsPanelRow:
    """An agency's self-grades against the panel's agreed grades for the same child and domain."""

    agency: str
    compared: int = 0
    better: int = 0  # the agency graded itself better than the panel did: over-optimistic
    same: int = 0
    worse: int = 0

    @property
    def optimistic_percent(self) -> int:
        return round(100 * self.better / self.compared) if self.compared else 0


def _definitions(ids: Iterable[int]) -> dict[int, ToolDefinition]:
    return dict(AuditToolVersion.objects.filter(pk__in=set(ids)).values_list("pk", "definition"))


def _grade_options(definitions: Iterable[ToolDefinition]) -> list[GradeOption]:
    """The grades of the scales in use, each scale best first, without repeats."""
    options: dict[str, GradeOption] = {}
    for definition in definitions:
        for rank, grade in enumerate(definition["grade_scale"]["grades"]):
            options.setdefault(
                grade["value"],
                GradeOption(grade["value"], grade["label"], grade.get("colour", ""), rank),
            )
    return sorted(options.values(), key=lambda option: option.rank)


def _domain_titles(definitions: Iterable[ToolDefinition]) -> dict[str, str]:
    titles: dict[str, str] = {}
    for definition in definitions:
        for domain in definition["domains"]:
            titles.setdefault(domain["key"], domain["title"])
    return titles


def grade_distribution_from(
    audits: list[AuditColumn], definitions: dict[int, ToolDefinition]
) -> GradeDistribution:
    """Agreed grades by domain and year of the panel (one query, counted in SQL)."""
    year_of = {audit.pk: audit.panel_date.year for audit in audits if not audit.imported}
    used = [definitions[a.tool_version_id] for a in audits if a.pk in year_of]
    titles = _domain_titles(used)
    options = _grade_options(used)
    known = {option.value for option in options}
    years = sorted(set(year_of.values()))
    col = {year: i for i, year in enumerate(years)}
    counts: dict[str, list[Counter[str]]] = {}
    rows = (
        PanelGrade.objects.filter(audit_id__in=list(year_of))
        .exclude(grade="")
        .values_list("audit_id", "domain", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for audit_id, domain, grade, n in rows:
        if grade not in known:
            continue
        cells = counts.setdefault(domain, [Counter() for _ in years])
        cells[col[year_of[audit_id]]][grade] += n
    order = list(titles)
    domains = [
        DomainGrades(key, titles.get(key, key), [dict(c) for c in counts[key]])
        for key in sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    ]
    return GradeDistribution(options, years, domains)


def _grade_questions(definition: ToolDefinition) -> dict[str, str]:
    """{domain key: the key of the domain's grade question} (its first, if it has several)."""
    found: dict[str, str] = {}
    for domain in definition["domains"]:
        for question in domain["questions"]:
            if question["kind"] == "grade":
                found.setdefault(domain["key"], question["key"])
                break
    return found


def _ranks(definition: ToolDefinition) -> tuple[str, dict[str, int]]:
    scale = definition["grade_scale"]
    return scale["slug"], {g["value"]: i for i, g in enumerate(scale["grades"])}


def self_vs_panel_from(
    audits: list[AuditColumn], definitions: dict[int, ToolDefinition]
) -> list[SelfVsPanelRow]:
    """Each submitted return's self-grade for a domain against the panel's agreed grade for that
    child and domain, by agency (four queries). Only the grade answers are read from returns.

    (Joining returns to agreed grades in SQL was tried: the CASE over domains that picks each
    row's answer made it slower than this single pass, on SQLite and PostgreSQL alike.)"""
    audit_ids = [audit.pk for audit in audits if not audit.imported]
    returns = Return.objects.filter(audit_id__in=audit_ids, state=Return.State.SUBMITTED)
    versions = set(returns.values_list("tool_version_id", flat=True).distinct())
    definitions = {**definitions, **_definitions(versions - set(definitions))}
    keys = sorted({k for v in versions for k in _grade_questions(definitions[v]).values()})
    alias = {key: f"g{i}" for i, key in enumerate(keys)}
    audit_scale = {a.pk: _ranks(definitions[a.tool_version_id]) for a in audits if not a.imported}
    # The agreed grades as ranks on their audit's scale (0 is the best), with the scale's slug.
    agreed: dict[tuple[int, str], tuple[str, int]] = {}
    for audit_id, child_id, domain, grade in (
        PanelGrade.objects.filter(audit_id__in=audit_ids)
        .exclude(grade="")
        .values_list("audit_id", "child_id", "domain", "grade")
    ):
        scale, ranks = audit_scale[audit_id]
        if grade in ranks:
            agreed[(child_id, domain)] = (scale, ranks[grade])
    names = dict(
        Organisation.objects.filter(returns__audit_id__in=audit_ids)
        .distinct()
        .values_list("pk", "short_name")
    )
    asked = {
        v: (_ranks(definitions[v]), [
            (domain, 4 + keys.index(key))
            for domain, key in _grade_questions(definitions[v]).items()
        ])
        for v in versions
    }  # fmt: skip
    tallies: dict[int, list[int]] = {}  # organisation: [better, same, worse]
    rows = returns.annotate(**{a: KT(f"answers__{k}") for k, a in alias.items()}).values_list(
        "child_id", "organisation_id", "tool_version_id", "pk", *alias.values()
    )
    for row in rows:
        child_id = row[0]
        (own_scale, own_ranks), questions = asked[row[2]]
        tally = tallies.setdefault(row[1], [0, 0, 0])
        for domain, column in questions:
            own = own_ranks.get(row[column] or "")
            panel = agreed.get((child_id, domain))
            if own is None or panel is None or panel[0] != own_scale:
                continue
            tally[0 if own < panel[1] else 1 if own == panel[1] else 2] += 1
    result = [
        SelfVsPanelRow(names.get(org, "?"), sum(t), t[0], t[1], t[2])
        for org, t in tallies.items()
        if sum(t)
    ]
    return sorted(result, key=lambda row: (-row.optimistic_percent, row.agency.lower()))
