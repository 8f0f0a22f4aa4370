"""The briefing data of many audits at once, for the board report.

``gather_many(audits)`` gives for each audit exactly what ``maqa.briefings.gather.gather`` gives
for one (a test holds them equal), in eight queries however many audits there are, instead of
about seven per audit: the board report of a long history shows dozens of briefings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from django.db.models import QuerySet

from maqa.audits.models import Audit, Case
from maqa.briefings.gather import AuditData, ChildData, LinkData, ThemeData
from maqa.findings.models import Finding, LearningTheme
from maqa.organisations.models import Organisation, Resource
from maqa.returns.models import Return


class Point(NamedTuple):
    pk: int
    text: str


class ResourceRow(NamedTuple):
    pk: int
    title: str
    url: str


def point_resources(findings: QuerySet[Finding]) -> dict[int, list[ResourceRow]]:
    """{finding pk: its resources by title} for the findings, in two queries (Django's
    prefetch_related costs a queryset per finding, too slow for thousands)."""
    through = Finding.resources.through.objects.filter(finding__in=findings)
    links = list(through.values_list("finding_id", "resource_id"))
    rows = {
        pk: ResourceRow(pk, title, url)
        for pk, title, url in Resource.objects.filter(
            pk__in={resource for _, resource in links}
        ).values_list("pk", "title", "url")
    }
    found: dict[int, list[ResourceRow]] = defaultdict(list)
    for finding, resource in links:
        found[finding].append(rows[resource])
    for listed in found.values():
        listed.sort(key=lambda row: (row.title, row.pk))
    return found


def _point(text: str) -> str:
    # As maqa.briefings.gather: one point as one line, runs of space made one.
    return " ".join(text.split())


def gather_many(audits: Sequence[Audit]) -> dict[int, AuditData]:
    """{audit pk: its AuditData}; the audits' partnership should be select_related."""
    ids = [audit.pk for audit in audits]
    children: dict[int, list[ChildData]] = defaultdict(list)
    for case in Case.objects.filter(audit_id__in=ids, sampled=True).order_by(
        "audit_id", "sample_order", "pk"
    ):
        children[case.audit_id].append(
            ChildData(
                sex=case.sex,
                plan_type=case.plan_type,
                category=case.category,
                needs=tuple(n for n in (case.needs or []) if isinstance(n, str)),
                age_months=case.age_months,
            )
        )
    agencies: dict[int, list[Organisation]] = defaultdict(list)
    through = Audit.agencies.through.objects.filter(audit_id__in=ids).select_related("organisation")
    for link in through:
        agencies[link.audit_id].append(link.organisation)
    returned: dict[int, set[int]] = defaultdict(set)
    for audit_id, org_id in Return.objects.filter(
        audit_id__in=ids, state=Return.State.SUBMITTED
    ).values_list("audit_id", "organisation_id"):
        returned[audit_id].add(org_id)
    learning: dict[int, list[LearningTheme]] = defaultdict(list)
    for lt in LearningTheme.objects.filter(audit_id__in=ids).order_by("audit_id", "position", "pk"):
        learning[lt.audit_id].append(lt)
    points: dict[tuple[int, str, int | None], list[Point]] = defaultdict(list)
    for pk, audit_id, section, lt_id, text in (
        Finding.objects.filter(audit_id__in=ids)
        .order_by("audit_id", "position", "pk")
        .values_list("pk", "audit_id", "section", "learning_theme_id", "text")
    ):
        points[(audit_id, section, lt_id)].append(Point(pk, text))
    resources = point_resources(Finding.objects.filter(audit_id__in=ids))
    S = Finding.Section
    result: dict[int, AuditData] = {}
    for audit in audits:
        participating = sorted(agencies[audit.pk], key=lambda o: o.short_name.lower())
        done = [o.short_name for o in participating if o.pk in returned[audit.pk]]
        worries = points[(audit.pk, S.WORRY, None)]
        good = points[(audit.pk, S.GOOD_PRACTICE, None)]
        themes = [
            (lt, points[(audit.pk, S.FOUND, lt.pk)], points[(audit.pk, S.ACTION, lt.pk)])
            for lt in learning[audit.pk]
        ]
        links: list[LinkData] = []
        seen: set[int] = set()
        for point in [*worries, *good, *(p for _, f, a in themes for p in (*f, *a))]:
            for resource in resources.get(point.pk, ()):
                if resource.pk not in seen:
                    seen.add(resource.pk)
                    links.append(LinkData(title=resource.title, url=resource.url))
        result[audit.pk] = AuditData(
            theme=audit.theme,
            panel_date=audit.panel_date,
            partnership=audit.partnership.name,
            aim=audit.aim,
            plan_types=tuple(audit.plan_types or ()),
            cp_categories=tuple(audit.cp_categories or ()),
            sample_size=audit.sample_size,
            children=tuple(children[audit.pk]),
            organisations=tuple(done or [o.short_name for o in participating]),
            organisations_returned=bool(done) or not participating,
            worries=tuple(_point(p.text) for p in worries),
            good_practice=tuple(_point(p.text) for p in good),
            learning=tuple(
                ThemeData(
                    title=lt.title.strip() or None,
                    found=tuple(_point(p.text) for p in found),
                    actions=tuple(_point(p.text) for p in actions),
                )
                for lt, found, actions in themes
            ),
            links=tuple(links),
        )
    return result
