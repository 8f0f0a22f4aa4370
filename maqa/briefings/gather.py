"""The briefing record of an audit: gathered from the database once, then built by a pure function.

    data = gather(audit)          # the only database access: plain values in an AuditData
    record = build_record(data)   # pure: the same data always gives the same record

The record's format is ``../shared/briefing-record.md``, with its optional fields (partnership,
aim, intro, links). The opening paragraphs (``intro``) are written from the data in the same
sentences the renderers compose for a record without them (maqa.briefings.record), which the
briefing import reads back: "On 14th March 2024 the audit panel looked at the records of nine
children, each with ...", "When audited, the children were aged 3 years and under. The sample has
four boys and five girls. Of these, ...", "The children's needs include ...". The renderers place
the aim after the first paragraph and write the organisations sentence from ``organisations``
themselves, so neither is repeated in ``intro``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db.models import QuerySet

from maqa.audits.models import Audit, Case
from maqa.briefings.types import Age, BriefingRecord
from maqa.briefings.words import (
    PLAN_TYPES,
    TITLE_PREFIX,
    age_words,
    join_and,
    number_words,
    ordinal_date,
    plan_counts_sentence,
    plan_phrase,
)
from maqa.findings.models import Finding, LearningTheme
from maqa.organisations.models import Organisation, Resource
from maqa.returns.models import Return

# The order plan types and categories are listed in (as maqa.audits.models defines them).
CP_CATEGORIES = ("neglect", "emotional_abuse", "physical_abuse", "sexual_abuse")

MALE, FEMALE = "male", "female"


# The data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildData:
    """What the briefing may say about one sampled child: never an identifier."""

    sex: str = "unknown"  # maqa.audits.models.Sex values
    plan_type: str = "child_protection"
    category: str = ""
    needs: Sequence[str] = ()
    age_months: int | None = None


@dataclass(frozen=True)
class ThemeData:
    title: str | None
    found: Sequence[str] = ()
    actions: Sequence[str] = ()


@dataclass(frozen=True)
class LinkData:
    title: str
    url: str = ""


@dataclass(frozen=True)
class AuditData:
    """Everything build_record needs, as plain values."""

    theme: str
    panel_date: date
    partnership: str = ""
    aim: str = ""
    plan_types: Sequence[str] = ()  # the audit's scope
    cp_categories: Sequence[str] = ()  # the audit's scope: CPCategory values
    sample_size: int | None = None
    children: Sequence[ChildData] = ()
    organisations: Sequence[str] = ()  # short names
    # False when no agency has submitted a return, and ``organisations`` lists all taking part.
    organisations_returned: bool = True
    worries: Sequence[str] = ()
    good_practice: Sequence[str] = ()
    learning: Sequence[ThemeData] = ()
    links: Sequence[LinkData] = ()  # resources linked from findings, in order of first appearance


# Gathering (the only database access) ------------------------------------------------------


def _point(text: str) -> str:
    """One point as one line: the lines of a point joined, runs of space made one."""
    return " ".join(text.split())


def gather(audit: Audit) -> AuditData:
    """Read what the briefing needs from the database: the sampled children, the agencies that
    returned, the findings (worries, good practice and the themes for learning, each in order)
    and the resources linked from them. The same reading as for many audits (gather_many)."""
    return gather_many([audit])[audit.pk]


# Words -------------------------------------------------------------------------------------


def age_value(months: int) -> Age:
    """An age as the briefings state it: months under two years, whole years from then on."""
    if months < 24:
        return {"value": months, "unit": "month"}
    return {"value": months // 12, "unit": "year"}


def age_range(children: Sequence[ChildData]) -> tuple[Age | None, Age | None]:
    """(age_min, age_max) of the children whose age is known. The youngest is left unstated
    (None) when under a month old, so the briefing says "aged 4 years and under"."""
    ages = [c.age_months for c in children if c.age_months is not None]
    if not ages:
        return None, None
    youngest, oldest = age_value(min(ages)), age_value(max(ages))
    return (youngest if youngest["value"] > 0 else None), oldest


def ages_phrase(age_min: Age | None, age_max: Age | None) -> str:
    """ "aged between 9 months and 15 years", "aged between 3 and 15 years", "aged 3 years and
    under", "6 years old" (everyone the same age); "" when no age is known."""
    if age_max is None:
        return ""
    if age_max["value"] == 0:
        return "aged under a month"
    if age_min is None:
        return f"aged {age_words(age_max)} and under"
    if age_min == age_max:
        return f"{age_words(age_max)} old"
    if age_min["unit"] == age_max["unit"]:
        return f"aged between {age_min['value']} and {age_words(age_max)}"
    return f"aged between {age_words(age_min)} and {age_words(age_max)}"


def children_words(count: int) -> str:
    """ "ten children", "one child", "24 children"."""
    return f"{number_words(count)} {'child' if count == 1 else 'children'}"


def category_words(value: str) -> str:
    """ "emotional_abuse" -> "emotional abuse" (the record's form of a category)."""
    return value.replace("_", " ").strip().lower()


def sample_sentence(data: AuditData) -> str:
    """ "On 14th March 2024 the audit panel looked at the records of nine children, each with a
    child protection or child in need plan." (", with ..." for one child)."""
    count = len(data.children)
    categories = [c for c in CP_CATEGORIES if c in data.cp_categories]
    plans = plan_phrase(plan_types_of(data), [category_words(c) for c in categories])
    if plans:
        plans = f", each {plans}" if count != 1 else f", {plans}"
    return (
        f"On {ordinal_date(data.panel_date)} the audit panel looked at the records of "
        f"{children_words(count)}{plans}."
    )


def ages_sentence(data: AuditData) -> str:
    """ "When audited, the children were aged 3 years and under." ("" when no child's age is
    known)."""
    phrase = ages_phrase(*age_range(data.children))
    if not phrase:
        return ""
    if len(data.children) == 1:
        return f"When audited, the child was {phrase}."
    if not phrase.startswith("aged"):
        phrase = f"all {phrase}"
    return f"When audited, the children were {phrase}."


def sexes_sentence(data: AuditData) -> str:
    """ "The sample has four boys and five girls." / "The child is a girl." ("" when none is
    recorded)."""
    count = len(data.children)
    boys = sum(1 for c in data.children if c.sex == MALE)
    girls = sum(1 for c in data.children if c.sex == FEMALE)
    others = count - boys - girls
    if count == 0 or others == count:
        return ""
    if count == 1:
        return f"The child is a {'boy' if boys else 'girl'}."
    parts = []
    if boys:
        parts.append(f"{number_words(boys)} {'boy' if boys == 1 else 'boys'}")
    if girls:
        parts.append(f"{number_words(girls)} {'girl' if girls == 1 else 'girls'}")
    if others:
        parts.append(f"{children_words(others)} not recorded as a boy or a girl")
    return f"The sample has {join_and(parts)}."


def needs_by_frequency(children: Sequence[ChildData]) -> list[str]:
    """Each need once (compared without case), the most frequent first, ties alphabetical;
    spelt as it was first written."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for child in children:
        for need in dict.fromkeys(" ".join(n.split()) for n in child.needs):
            key = need.lower()
            if key:
                counts[key] += 1
                spelling.setdefault(key, need)
    return [spelling[k] for k in sorted(counts, key=lambda k: (-counts[k], k))]


def needs_sentence(count: int, needs: Sequence[str]) -> str:
    """ "The children's needs include neglect, housing instability and ..."."""
    if not needs:
        return ""
    whose = "The child's" if count == 1 else "The children's"
    return f"{whose} needs include {join_and(list(needs))}."


def intro_paragraphs(data: AuditData) -> list[str]:
    """The opening paragraphs: the sample; the children's ages, sexes and plans; their needs."""
    count = len(data.children)
    about = " ".join(
        s
        for s in (
            ages_sentence(data),
            sexes_sentence(data),
            plan_counts_sentence(plan_counts_of(data), count),
        )
        if s
    )
    needs = needs_sentence(count, needs_by_frequency(data.children))
    return [p for p in (sample_sentence(data), about, needs) if p]


# The record --------------------------------------------------------------------------------


def plan_types_of(data: AuditData) -> list[str]:
    """The plan types of the sampled children (the audit's scope while none is sampled)."""
    present = {c.plan_type for c in data.children} or set(data.plan_types)
    return [k for k in PLAN_TYPES if k in present]


def plan_counts_of(data: AuditData) -> dict[str, int]:
    counts = Counter(c.plan_type for c in data.children)
    return {k: counts[k] for k in PLAN_TYPES if counts[k]}


def _warnings(data: AuditData, age_known: int) -> list[str]:
    count = len(data.children)
    warnings = []
    if count == 0:
        warnings.append("no children are in the sample yet")
    elif data.sample_size and data.sample_size != count:
        warnings.append(
            f"the audit planned {children_words(data.sample_size)} but the sample has "
            f"{number_words(count)}"
        )
    if count and age_known < count:
        unknown = count - age_known
        warnings.append(
            f"the age of {children_words(unknown)} is not recorded, so the ages stated leave "
            f"{'it' if unknown == 1 else 'them'} out"
        )
    if not data.organisations_returned:
        warnings.append(
            "no organisation has submitted a return, so every agency taking part is listed"
        )
    if not data.worries:
        warnings.append('there are no points under "What we are worried about"')
    if not data.good_practice:
        warnings.append('there are no points under "What good practice did we see"')
    for number, theme in enumerate(data.learning, start=1):
        if not theme.found and not theme.actions:
            warnings.append(f"theme for learning {number} has no points")
    return warnings


def build_record(data: AuditData) -> BriefingRecord:
    """The briefing record of an audit (pure: no database, no clock)."""
    children = data.children
    count = len(children)
    age_min, age_max = age_range(children)
    return {
        "title": f"{TITLE_PREFIX}: {data.theme}",
        "theme": data.theme,
        "audit_date": data.panel_date.isoformat(),
        "children": {
            "count": count,
            "age_min": age_min,
            "age_max": age_max,
            "boys": sum(1 for c in children if c.sex == MALE),
            "girls": sum(1 for c in children if c.sex == FEMALE),
            "plan_types": plan_types_of(data),
            "plan_counts": plan_counts_of(data),
            "cp_categories": [category_words(c) for c in CP_CATEGORIES if c in data.cp_categories],
        },
        "needs": needs_by_frequency(children),
        "organisations": list(data.organisations),
        "worries": list(data.worries),
        "good_practice": list(data.good_practice),
        "learning": [
            {"title": t.title, "found": list(t.found), "actions": list(t.actions)}
            for t in data.learning
        ],
        "resources": [link.title for link in data.links],
        "links": [{"title": link.title, "url": link.url} for link in data.links],
        "warnings": _warnings(data, sum(1 for c in children if c.age_months is not None)),
        "partnership": data.partnership,
        "aim": data.aim.strip(),
        "intro": "\n\n".join(intro_paragraphs(data)),
    }


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
