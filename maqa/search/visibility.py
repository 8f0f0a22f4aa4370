"""Who sees what through search, as one SQL condition on the index row ``d``.

The rules are those of the pages the results link to (the module docstring of
:mod:`maqa.search.selectors` lists them). For speed they reach the ranking query as short lists
of ids worked out here first, not as nested subqueries: a partnership has a few hundred audits
at most, so "the audits whose findings this person may see, of that year, with that agency" is
one small query and a list of ids, and the condition on each matched row is a lookup in it.
A finding's polarity is a column of the index row (kept by the triggers); a theme is one
indexed subquery on the findings' themes table.
"""

# ruff: noqa: S608 -- the SQL is assembled from constants and %s placeholders only; every id and
# value is a parameter.

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from maqa.accounts.access import is_partnership_admin, roles_of
from maqa.accounts.models import Role, User
from maqa.actions.access import actions_visible_to
from maqa.audits.models import Audit
from maqa.findings.models import Theme
from maqa.organisations.models import Resource

VERSION_STATES = (Audit.State.PUBLISHED, Audit.State.CLOSED)
FINDING_THEMES = "findings_finding_themes"


@dataclass(frozen=True)
class Filters:
    themes: tuple[str, ...] = ()
    polarity: str | None = None
    year: int | None = None
    agency: int | None = None


@dataclass(frozen=True)
class AuditSets:
    """Ids of the partnership's audits: whose findings the person finds, whose briefings, and
    whose findings page opens for them (None: every audit they find findings of)."""

    findings: list[int]
    briefings: list[int]
    findings_page: set[int] | None


def audit_sets(user: User, filters: Filters | None = None) -> AuditSets:
    """The person's audits, narrowed by the year and agency filters: two small queries."""
    filters = filters or Filters()
    admin = is_partnership_admin(user)
    roles = roles_of(user)
    panel = Role.PANEL_MEMBER in roles and not admin
    viewer = Role.VIEWER in roles or admin
    audits = Audit.objects.filter(partnership_id=user.partnership_id)
    if filters.year is not None:
        audits = audits.filter(panel_date__year=filters.year)
    if filters.agency is not None:
        audits = audits.filter(agencies=filters.agency)
    sits_on: set[int] = set()
    if panel:
        sits_on = set(
            Audit.panel_members.through.objects.filter(user_id=user.pk)
            .order_by()
            .values_list("audit_id", flat=True)
        )
    findings: list[int] = []
    briefings: list[int] = []
    for pk, state in audits.order_by().values_list("pk", "state"):
        at_panel = state in Audit.State.at_panel()
        published = state in VERSION_STATES
        if (admin and at_panel) or (panel and at_panel and pk in sits_on) or (viewer and published):
            findings.append(pk)
        if published and (viewer or (panel and pk in sits_on)):
            briefings.append(pk)
    page = None if admin else {pk for pk in findings if pk in sits_on}
    return AuditSets(findings, briefings, page)


def _ids(values: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(values))


def _theme_ids(user: User, slugs: Sequence[str]) -> list[int]:
    themes = Theme.objects.filter(partnership_id=user.partnership_id)
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
        if theme_ids is None:
            parts.append("(d.kind = 'resource')")  # the partnership's library
        else:
            slugs = set(Theme.objects.filter(pk__in=theme_ids).values_list("slug", flat=True))
            tagged = [
                pk for pk, themes in Resource.objects.filter(
                    partnership_id=user.partnership_id).values_list("pk", "themes")
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
    return "d.partnership_id = %s AND (" + " OR ".join(parts) + ")", params
