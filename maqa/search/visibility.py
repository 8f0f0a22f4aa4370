"""Who sees what through search, as one SQL condition on the index row ``d``.

The rules are those of the pages the results link to (the module docstring of
:mod:`maqa.search.selectors` lists them), and they are not written here again: each list below is
the set form of a page's own access rule, built from the same code as the predicate the page asks
(maqa.audits.access explains the two forms):

- findings: ``findings_audit_ids`` (the findings page, ``access_findings_audit``), and
  ``published_briefing_ids``, the audits in ``Audit.State.published()`` whose versions the
  person reads (``can_read_versions``): the published briefing the findings are read in;
- briefings: that second list;
- resources and themes: ``in_partnership`` (``access_in_partnership``);
- actions: ``actions_visible_to`` (``access_action``).

For speed they reach the ranking query as short lists of ids worked out here first, not as
nested subqueries: a partnership has a few hundred audits at most, so "the audits whose findings
this person may see, of that year, with that agency" is one small query and a list of ids, and
the condition on each matched row is a lookup in it. A finding's polarity is a column of the
index row (kept by the triggers); a theme is one indexed subquery on the findings' themes table.
``maqa/search/tests/test_visibility.py`` checks the lists against the pages' predicates for every
persona and audit state.
"""

# ruff: noqa: S608 -- the SQL is assembled from constants and %s placeholders only; every id and
# value is a parameter.

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from maqa.accounts.access import in_partnership
from maqa.accounts.models import User
from maqa.actions.access import actions_visible_to
from maqa.audits.access import OpenAudits
from maqa.briefings.access import published_briefing_ids
from maqa.findings.models import Theme
from maqa.findings.selectors import findings_audit_ids
from maqa.organisations.models import Resource

FINDING_THEMES = "findings_finding_themes"


@dataclass(frozen=True)
class Filters:
    themes: tuple[str, ...] = ()
    polarity: str | None = None
    year: int | None = None
    agency: int | None = None


@dataclass(frozen=True)
class AuditSets:
    """Ids of the person's audits: whose findings they find, whose briefings, and whose
    findings page opens for them (the others' findings are read in the published briefing)."""

    findings: list[int]
    briefings: list[int]
    findings_page: set[int]


def audit_sets(user: User, filters: Filters | None = None) -> AuditSets:
    """The person's audits, narrowed by the year and agency filters: one small query, one more
    if they may open any (and the panel seats, for a panel member)."""
    filters = filters or Filters()
    narrow = Q()
    if filters.year is not None:
        narrow &= Q(panel_date__year=filters.year)
    if filters.agency is not None:
        narrow &= Q(agencies=filters.agency)
    audits = OpenAudits(user, narrow)
    page = findings_audit_ids(audits)
    # The published briefing: viewers read the findings there, and it is the briefing found.
    published = published_briefing_ids(audits)
    return AuditSets(sorted(page | published), sorted(published), page)


def _ids(values: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(values))


def _theme_ids(user: User, slugs: Sequence[str]) -> list[int]:
    themes = in_partnership(user, Theme)
    return list(
        themes.filter(Q(slug__in=slugs) | Q(parent__slug__in=slugs)).values_list("pk", flat=True)
    )


def visibility_sql(
    user: User, kinds: Iterable[str], filters: Filters, audits: AuditSets | None = None
) -> tuple[str, list[Any]] | None:
    """A condition on the index row ``d``: of the person's partnership, a visible object, and
    through the filters; None when nothing can match. ``audits``: audit_sets(user, filters),
    when the caller has it already."""
    wanted = set(kinds)
    theme_ids = _theme_ids(user, filters.themes) if filters.themes else None
    if theme_ids is not None and not theme_ids:
        return None
    if audits is None:
        audits = audit_sets(user, filters)
    parts: list[str] = []
    params: list[Any] = [user.partnership_id]
    if "finding" in wanted and audits.findings:
        sql = f"d.kind = 'finding' AND d.audit_id IN ({_ids(audits.findings)})"
        params += audits.findings
        if filters.polarity:
            sql += " AND d.polarity = %s"
            params.append(filters.polarity)
        if theme_ids is not None:
            sql += (
                f" AND d.object_id IN (SELECT finding_id FROM {FINDING_THEMES} "
                f"WHERE theme_id IN ({_ids(theme_ids)}))"
            )
            params += theme_ids
        parts.append(f"({sql})")
    if filters.polarity:
        return _joined(parts, params)  # polarity is a finding's: no other kind passes
    if "briefing" in wanted and audits.briefings:
        sql = f"d.kind = 'briefing' AND d.object_id IN ({_ids(audits.briefings)})"
        params += audits.briefings
        if theme_ids is not None:
            sql += (
                f" AND d.object_id IN (SELECT f.audit_id FROM findings_finding f JOIN "
                f"{FINDING_THEMES} ft ON ft.finding_id = f.id WHERE ft.theme_id IN "
                f"({_ids(theme_ids)}))"
            )
            params += theme_ids
        parts.append(f"({sql})")
    if "resource" in wanted and filters.year is None and filters.agency is None:
        resources = in_partnership(user, Resource).order_by()
        if theme_ids is None:  # the partnership's library: a subquery of a few dozen rows
            sql, sub_params = resources.values("pk").query.sql_with_params()
            parts.append(f"(d.kind = 'resource' AND d.object_id IN ({sql}))")
            params += sub_params
        else:
            slugs = set(Theme.objects.filter(pk__in=theme_ids).values_list("slug", flat=True))
            tagged = [
                pk for pk, themes in resources.values_list("pk", "themes")
                if set(themes or []) & slugs
            ]  # fmt: skip
            if tagged:
                parts.append(f"(d.kind = 'resource' AND d.object_id IN ({_ids(tagged)}))")
                params += tagged
    if "action" in wanted:
        actions = actions_visible_to(user)
        if theme_ids is not None:
            actions = actions.filter(themes__in=theme_ids)
        if filters.year is not None:
            actions = actions.filter(audit__panel_date__year=filters.year)
        if filters.agency is not None:
            actions = actions.filter(owner_organisation_id=filters.agency)
        # A few hundred rows: the database reads the subquery once (SQLite materialises it,
        # PostgreSQL hashes it).
        sql, sub_params = actions.order_by().values("pk").query.sql_with_params()
        parts.append(f"(d.kind = 'action' AND d.object_id IN ({sql}))")
        params += sub_params
    return _joined(parts, params)


def _joined(parts: list[str], params: list[Any]) -> tuple[str, list[Any]] | None:
    if not parts:
        return None
    # The partnership is a second lock, not the rule: every list and subquery above is of the
    # person's partnership already.
    return "d.partnership_id = %s AND (" + " OR ".join(parts) + ")", params
