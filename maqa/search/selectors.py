"""One search over the learning a person may see: findings, briefings, resources and actions.

``search(user, query, ...)`` is the only entry point (the page, ``maqa search`` and the bench use
it). Who sees what follows the pages the results link to:

- findings: of audits whose findings page the person may open (a partnership admin, or a panel
  member named for the audit, from the panel state on: ``access_findings_audit``), and of every
  published or closed audit for a viewer (they read them in the published briefing);
- briefings: of published and closed audits (native and imported), for admins, viewers and the
  audit's panel members (``can_read_versions``);
- resources: the person's partnership's library;
- actions: ``maqa.actions.access.actions_visible_to``.

Agency auditors see no findings or briefings through search (they never see findings), only their
agency's actions and the resources. Another partnership's data never appears.

Filters: ``themes`` (top-level slugs; a sub-theme counts for its parent), ``polarity`` (findings
only: other kinds are left out), ``year`` (the year of the audit's panel), ``agency`` (an
organisation's pk: for findings and briefings, the agencies taking part in the audit; for
actions, the owner agency; resources are left out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role, User
from maqa.actions.access import actions_visible_to
from maqa.actions.models import Action
from maqa.audits.access import PANEL_STATES
from maqa.audits.models import Audit
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Resource
from maqa.search import fts_postgres, fts_sqlite
from maqa.search.query import ParsedQuery, parse_query
from maqa.search.types import Hit

KINDS = ("finding", "briefing", "resource", "action")
KIND_LABELS = {"finding": "Finding", "briefing": "Briefing", "resource": "Resource",
               "action": "Action"}  # fmt: skip
VERSION_STATES = (Audit.State.PUBLISHED, Audit.State.CLOSED)
MAX_LIMIT = 100
# Semantic matching (the maqa[ml] sentence embeddings) is not built yet: see docs/search.md.
FULL_TEXT = "full text (stemmed words and phrases)"
_MARKS = re.compile("([\x02\x03])")


@dataclass(frozen=True)
class SearchResult:
    kind: str
    title: str
    snippet: SafeString  # escaped text, matched words in <mark>
    snippet_text: str
    url: str
    audit_id: int | None
    audit_title: str
    date: date | None
    date_label: str
    themes: list[str]
    score: float
    polarity: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "title": self.title, "snippet": self.snippet_text,
            "url": self.url, "audit": self.audit_title or None, "audit_id": self.audit_id,
            "date": self.date.isoformat() if self.date else None, "themes": self.themes,
            "polarity": self.polarity or None, "score": round(self.score, 4),
        }  # fmt: skip


@dataclass(frozen=True)
class SearchResults:
    query: ParsedQuery
    results: list[SearchResult]
    total: int
    limit: int
    offset: int
    mode: str
    kinds: tuple[str, ...] = field(default=KINDS)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.results) < self.total


def _backend() -> Any:
    return fts_postgres if connection.vendor == "postgresql" else fts_sqlite


def search_mode() -> str:
    """Which matching runs here, said on the page and by the command."""
    return FULL_TEXT


# --- who sees what, with the filters ----------------------------------------------------------


def _theme_ids(user: User, slugs: Sequence[str]) -> list[int]:
    themes = Theme.objects.filter(partnership_id=user.partnership_id)
    return list(
        themes.filter(Q(slug__in=slugs) | Q(parent__slug__in=slugs)).values_list("pk", flat=True)
    )


def _audit_filters(audits: QuerySet[Audit], year: int | None, agency: int | None) -> Any:
    if year is not None:
        audits = audits.filter(panel_date__year=year)
    if agency is not None:
        audits = audits.filter(agencies=agency)
    return audits


def finding_audits(user: User) -> QuerySet[Audit] | None:
    """Audits whose findings the person finds through search (None: none at all)."""
    audits = Audit.objects.filter(partnership_id=user.partnership_id)
    if is_partnership_admin(user):
        return audits.filter(state__in=PANEL_STATES)
    roles = roles_of(user)
    conditions: list[Q] = []
    if Role.PANEL_MEMBER in roles:
        conditions.append(Q(panel_members=user, state__in=PANEL_STATES))
    if Role.VIEWER in roles:
        conditions.append(Q(state__in=VERSION_STATES))
    if not conditions:
        return None
    condition = conditions[0]
    for extra in conditions[1:]:
        condition |= extra
    return audits.filter(condition)


def briefing_audits(user: User) -> QuerySet[Audit] | None:
    audits = Audit.objects.filter(partnership_id=user.partnership_id, state__in=VERSION_STATES)
    roles = roles_of(user)
    if is_partnership_admin(user) or Role.VIEWER in roles:
        return audits
    if Role.PANEL_MEMBER in roles:
        return audits.filter(panel_members=user)
    return None


def _findings_page_audit_ids(user: User) -> set[int] | None:
    """Audits whose findings page opens for the person (None: every one they find)."""
    if is_partnership_admin(user):
        return None
    if Role.PANEL_MEMBER not in roles_of(user):
        return set()
    return set(
        Audit.objects.filter(panel_members=user, state__in=PANEL_STATES).values_list(
            "pk", flat=True
        )
    )


@dataclass(frozen=True)
class Filters:
    themes: tuple[str, ...] = ()
    polarity: str | None = None
    year: int | None = None
    agency: int | None = None


def visible_objects(
    user: User, kinds: Iterable[str], filters: Filters
) -> dict[str, QuerySet[Any] | list[int]]:
    """For each kind, the objects that may appear: a queryset (or a short list of pks)."""
    wanted = set(kinds)
    theme_ids = _theme_ids(user, filters.themes) if filters.themes else None
    if theme_ids is not None and not theme_ids:
        return {}
    out: dict[str, QuerySet[Any] | list[int]] = {}
    audits = finding_audits(user)
    if "finding" in wanted and audits is not None:
        findings = Finding.objects.filter(
            audit__in=_audit_filters(audits, filters.year, filters.agency)
        )
        if theme_ids is not None:
            findings = findings.filter(themes__in=theme_ids)
        if filters.polarity:
            findings = findings.filter(polarity=filters.polarity)
        out["finding"] = findings
    if filters.polarity:
        return out  # polarity is a finding's
    briefings = briefing_audits(user)
    if "briefing" in wanted and briefings is not None:
        briefings = _audit_filters(briefings, filters.year, filters.agency)
        if theme_ids is not None:
            briefings = briefings.filter(
                pk__in=Finding.objects.filter(themes__in=theme_ids).values("audit_id")
            )
        out["briefing"] = briefings
    if "resource" in wanted and filters.year is None and filters.agency is None:
        resources = Resource.objects.filter(partnership_id=user.partnership_id)
        if filters.themes:
            slugs = set(Theme.objects.filter(pk__in=theme_ids or []).values_list("slug", flat=True))
            out["resource"] = [
                pk for pk, themes in resources.values_list("pk", "themes")
                if set(themes or []) & slugs
            ]  # fmt: skip
        else:
            out["resource"] = resources
    if "action" in wanted:
        actions = actions_visible_to(user)
        if theme_ids is not None:
            actions = actions.filter(themes__in=theme_ids)
        if filters.year is not None:
            actions = actions.filter(audit__panel_date__year=filters.year)
        if filters.agency is not None:
            actions = actions.filter(owner_organisation_id=filters.agency)
        out["action"] = actions
    return out


def visibility_sql(
    user: User, kinds: Iterable[str], filters: Filters
) -> tuple[str, list[Any]] | None:
    """A condition on the index row ``d``: of the person's partnership and a visible object."""
    parts: list[str] = []
    params: list[Any] = [user.partnership_id]
    for kind, objects in visible_objects(user, kinds, filters).items():
        if isinstance(objects, list):
            if not objects:
                continue
            parts.append(f"(d.kind = %s AND d.object_id IN ({', '.join(['%s'] * len(objects))}))")
            params += [kind, *objects]
            continue
        sql, sub_params = objects.order_by().values("pk").query.sql_with_params()
        parts.append(f"(d.kind = %s AND d.object_id IN ({sql}))")
        params += [kind, *sub_params]
    if not parts:
        return None
    return "d.partnership_id = %s AND (" + " OR ".join(parts) + ")", params


# --- the search -------------------------------------------------------------------------------


def search(
    user: AnyUser,
    query: str,
    *,
    themes: Sequence[str] = (),
    polarity: str | None = None,
    year: int | None = None,
    agency: int | None = None,
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """The page of results for what the person typed, best first. Never raises on odd input:
    a query with no words gives no results."""
    parsed = parse_query(query)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    chosen = tuple(k for k in KINDS if kinds is None or k in kinds)
    mode = search_mode()
    empty = SearchResults(parsed, [], 0, limit, offset, mode, chosen)
    if parsed.is_empty or not isinstance(user, User) or not user.is_active or not chosen:
        return empty
    filters = Filters(tuple(themes), polarity or None, year, agency)
    condition = visibility_sql(user, chosen, filters)
    if condition is None:
        return empty
    where, params = condition
    backend = _backend()
    hits, total = backend.ranked(parsed, where, params, limit=limit, offset=offset)
    marked = backend.snippets(parsed, [h.doc_id for h in hits])
    results = _results(user, hits, marked)
    return SearchResults(parsed, results, total, limit, offset, mode, chosen)


# --- results ----------------------------------------------------------------------------------


def highlighted(marked: str) -> SafeString:
    """The backend's excerpt, escaped, with its marked words in <mark> (balanced whatever the
    text holds)."""
    out: list[str] = []
    is_open = False
    for piece in _MARKS.split(marked):
        if piece == fts_sqlite.OPEN:
            if not is_open:
                out.append("<mark>")
            is_open = True
        elif piece == fts_sqlite.CLOSE:
            if is_open:
                out.append("</mark>")
            is_open = False
        elif piece:
            out.append(str(escape(piece)))
    if is_open:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 (every character of the text is escaped)


def plain(marked: str) -> str:
    return marked.replace(fts_sqlite.OPEN, "").replace(fts_sqlite.CLOSE, "")


def _date_label(audit: Audit) -> str:
    if audit.date_precision == "month":
        return audit.panel_date.strftime("%B %Y")
    return f"{audit.panel_date.day} {audit.panel_date:%B %Y}"


def _top_themes(themes: Iterable[Theme]) -> list[str]:
    names = [(t.parent.name if t.parent_id and t.parent else t.name) for t in themes]
    return list(dict.fromkeys(names))


def _results(user: User, hits: list[Hit], marked: dict[int, str]) -> list[SearchResult]:
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    findings = Finding.objects.select_related("audit").prefetch_related("themes__parent")
    found: dict[tuple[str, int], Any] = {}
    for f in findings.filter(pk__in=by_kind.get("finding", [])):
        found["finding", f.pk] = f
    for a in Audit.objects.filter(pk__in=by_kind.get("briefing", [])):
        found["briefing", a.pk] = a
    for r in Resource.objects.filter(pk__in=by_kind.get("resource", [])):
        found["resource", r.pk] = r
    actions = Action.objects.select_related("audit").prefetch_related("themes__parent")
    for x in actions.filter(pk__in=by_kind.get("action", [])):
        found["action", x.pk] = x
    page_audits = _findings_page_audit_ids(user) if "finding" in by_kind else set()
    results = []
    for hit in hits:
        obj = found.get((hit.kind, hit.object_id))
        if obj is None:  # deleted since the ranking query
            continue
        excerpt = marked.get(hit.doc_id, "")
        results.append(_result(hit, obj, excerpt, page_audits))
    return results


def _text_of(kind: str, obj: Any) -> str:
    text = {
        "finding": "text",
        "briefing": "aim",
        "resource": "description",
        "action": "description",
    }
    value = str(getattr(obj, text[kind]) or "")
    return value if len(value) <= 200 else value[:200].rsplit(" ", 1)[0] + " …"


def _result(hit: Hit, obj: Any, excerpt: str, page_audits: set[int] | None) -> SearchResult:
    excerpt = excerpt.strip() or _text_of(hit.kind, obj)
    common: dict[str, Any] = {
        "snippet": highlighted(excerpt),
        "snippet_text": plain(excerpt),
        "score": hit.score,
    }
    if hit.kind == "finding":
        audit = obj.audit
        opens = page_audits is None or audit.pk in page_audits
        url = (
            f"/audits/{audit.pk}/findings/#point-{obj.pk}"
            if opens
            else f"/audits/{audit.pk}/briefing/"
        )
        return SearchResult(
            kind="finding", title=audit.theme, url=url, audit_id=audit.pk,
            audit_title=audit.theme, date=audit.panel_date, date_label=_date_label(audit),
            themes=_top_themes(obj.themes.all()), polarity=obj.get_polarity_display(), **common,
        )  # fmt: skip
    if hit.kind == "briefing":
        return SearchResult(
            kind="briefing", title=f"{obj.theme}: briefing", url=f"/audits/{obj.pk}/briefing/",
            audit_id=obj.pk, audit_title=obj.theme, date=obj.panel_date,
            date_label=_date_label(obj), themes=[], **common,
        )  # fmt: skip
    if hit.kind == "resource":
        safe_url = obj.url if obj.url.lower().startswith(("https://", "http://")) else ""
        return SearchResult(
            kind="resource", title=obj.title, url=safe_url, audit_id=None, audit_title="",
            date=None, date_label="", themes=list(obj.themes or []), **common,
        )  # fmt: skip
    audit = obj.audit
    return SearchResult(
        kind="action", title=obj.description[:120], url=f"/actions/{obj.pk}/",
        audit_id=audit.pk if audit else None, audit_title=audit.theme if audit else "",
        date=obj.due_date, date_label=f"due {obj.due_date.day} {obj.due_date:%B %Y}",
        themes=_top_themes(obj.themes.all()), **common,
    )  # fmt: skip
