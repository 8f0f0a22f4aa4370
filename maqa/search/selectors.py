"""One search over the learning a person may see: findings, briefings, resources and actions.

``search(user, query, ...)`` is the only entry point (the page, ``maqa search`` and the bench use
it). Who sees what follows the pages the results link to (``maqa.search.visibility`` takes each
rule from the page's own access module, in its set form):

- findings: of audits whose findings page the person may open (a partnership admin, or a panel
  member named for the audit, from the panel state on: ``access_findings_audit``), and of every
  audit whose published briefing they read, where the findings are (published or closed, and
  ``can_read_versions``: for a viewer, every one);
- briefings: of published and closed audits (native and imported), for admins, viewers and the
  audit's panel members (``can_read_versions``);
- resources: the person's partnership's library (``access_in_partnership``);
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from maqa.accounts.access import AnyUser
from maqa.accounts.models import User
from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.findings.models import Finding
from maqa.organisations.models import Resource
from maqa.search import fts_postgres, fts_sqlite, semantic
from maqa.search.query import ParsedQuery, parse_query
from maqa.search.types import COUNT_CAP, Hit
from maqa.search.visibility import Filters, audit_sets, visibility_sql

KINDS = ("finding", "briefing", "resource", "action")
KIND_LABELS = {"finding": "Finding", "briefing": "Briefing", "resource": "Resource",
               "action": "Action"}  # fmt: skip
MAX_LIMIT = 100
# Without the maqa[ml] extra; with it, semantic.MODE (maqa/search/semantic.py).
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

    @property
    def more_than_cap(self) -> bool:
        """The matches were counted only up to COUNT_CAP + 1: say "more than 1,000"."""
        return self.total > COUNT_CAP

    @property
    def total_label(self) -> str:
        if self.more_than_cap:
            return f"more than {COUNT_CAP:,} results"
        return f"{self.total:,} result" + ("" if self.total == 1 else "s")


def _backend() -> Any:
    return fts_postgres if connection.vendor == "postgresql" else fts_sqlite


def search_mode() -> str:
    """Which matching runs here, said on the page and by the command."""
    return semantic.MODE if semantic.active() else FULL_TEXT


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
    audits = audit_sets(user, filters)
    condition = visibility_sql(user, chosen, filters, audits)
    if condition is None:
        return empty
    where, params = condition
    backend = _backend()
    if mode == semantic.MODE:
        hits, total = semantic.ranked(
            parsed, where, params, limit=limit, offset=offset, backend=backend
        )
    else:
        hits, total = backend.ranked(parsed, where, params, limit=limit, offset=offset)
    marked = backend.snippets(parsed, [h.doc_id for h in hits])
    results = _results(user, hits, marked, audits.findings_page)
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


def _top_theme_names(through: Any, key: str, ids: list[int]) -> dict[int, list[str]]:
    """Each object's themes as their top-level names (a sub-theme shows as its parent), in the
    themes' order: one query over the many-to-many table."""
    if not ids:
        return {}
    rows = (
        through.objects.filter(**{f"{key}__in": ids})
        .order_by("theme__slug")
        .values_list(key, "theme__name", "theme__parent__name")
    )
    names: dict[int, list[str]] = {}
    for pk, name, parent in rows:
        top = parent or name
        if top not in names.setdefault(pk, []):
            names[pk].append(top)
    return names


def _results(
    user: User, hits: list[Hit], marked: dict[int, str], page_audits: set[int]
) -> list[SearchResult]:
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    # Few queries, whatever the page holds: each kind's rows, and the themes in one go. No
    # ordering (the hits give it): compiling the models' default orderings cost more than the
    # queries themselves.
    found: dict[tuple[str, int], Any] = {}
    finding_ids = by_kind.get("finding", [])
    for f in Finding.objects.select_related("audit").filter(pk__in=finding_ids).order_by():
        found["finding", f.pk] = f
    for a in Audit.objects.filter(pk__in=by_kind.get("briefing", [])).order_by():
        found["briefing", a.pk] = a
    for r in Resource.objects.filter(pk__in=by_kind.get("resource", [])).order_by():
        found["resource", r.pk] = r
    action_ids = by_kind.get("action", [])
    for x in Action.objects.select_related("audit").filter(pk__in=action_ids).order_by():
        found["action", x.pk] = x
    themes = {
        "finding": _top_theme_names(Finding.themes.through, "finding_id", finding_ids),
        "action": _top_theme_names(Action.themes.through, "action_id", action_ids),
    }
    results = []
    for hit in hits:
        obj = found.get((hit.kind, hit.object_id))
        if obj is None:  # deleted since the ranking query
            continue
        excerpt = marked.get(hit.doc_id, "")
        coded = themes.get(hit.kind, {}).get(hit.object_id, [])
        results.append(_result(hit, obj, excerpt, page_audits, coded))
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


def _result(
    hit: Hit, obj: Any, excerpt: str, page_audits: set[int], themes: list[str]
) -> SearchResult:
    excerpt = excerpt.strip() or _text_of(hit.kind, obj)
    common: dict[str, Any] = {
        "snippet": highlighted(excerpt),
        "snippet_text": plain(excerpt),
        "score": hit.score,
    }
    if hit.kind == "finding":
        audit = obj.audit
        url = (
            reverse("findings:finding-list", args=[audit.pk]) + f"#point-{obj.pk}"
            if audit.pk in page_audits
            else reverse("briefings:briefing", args=[audit.pk])
        )
        return SearchResult(
            kind="finding", title=audit.theme, url=url, audit_id=audit.pk,
            audit_title=audit.theme, date=audit.panel_date, date_label=_date_label(audit),
            themes=themes, polarity=obj.get_polarity_display(), **common,
        )  # fmt: skip
    if hit.kind == "briefing":
        return SearchResult(
            kind="briefing", title=f"{obj.theme}: briefing", url=reverse("briefings:briefing", args=[obj.pk]),
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
        kind="action", title=obj.description[:120], url=reverse("actions:action-detail", args=[obj.pk]),
        audit_id=audit.pk if audit else None, audit_title=audit.theme if audit else "",
        date=obj.due_date, date_label=f"due {obj.due_date.day} {obj.due_date:%B %Y}",
        themes=themes, **common,
    )  # fmt: skip
