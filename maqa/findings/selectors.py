"""Reads for findings and themes, and the access helpers the findings pages fetch them through.

Who may open the findings of an audit: its partnership admins, and the panel members named for
it, once the audit reaches the panel (read-only once it is published). Viewers read the published
briefing instead; agency auditors never see findings. "Not yours" and "does not exist" look the
same (Http404), as in maqa.audits.access.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from maqa.accounts.access import AnyUser, access_in_partnership, is_partnership_admin
from maqa.audits.access import OpenAudits, Seated, access_audit, holds, reads_panel_papers
from maqa.audits.models import Audit
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.organisations.models import Partnership, Resource
from maqa.returns.access import returns_visible_to
from maqa.returns.models import Return

# Findings are recorded and changed while the audit is at panel or in reporting.


# --- access ---------------------------------------------------------------------------------


def opens_findings(user: AnyUser, state: str, seated: Seated) -> bool:
    """(An AuditRule, maqa.audits.access.) The findings page of an audit at the panel or later:
    its partnership admins, and the panel members named for it."""
    if is_partnership_admin(user):
        return state in Audit.State.at_panel()
    return reads_panel_papers(user, state, seated)


def access_findings_audit(user: AnyUser, pk: int) -> Audit:
    """The audit, if the person may read its findings (opens_findings). Anyone else (or any
    earlier state) gets 404."""
    audit = access_audit(user, pk)
    if not holds(opens_findings, user, audit):
        raise Http404
    return audit


def findings_audit_ids(audits: OpenAudits) -> set[int]:
    """The set form of access_findings_audit: of the audits the person may open
    (``OpenAudits(user, narrow)``), the ids whose findings page opens for them."""
    return audits.ids_where(opens_findings)


def can_edit_findings(audit: Audit) -> bool:
    """Whether the findings may change (who may is settled by access_findings_audit)."""
    return audit.state in Audit.State.recording()


def access_finding(audit: Audit, pk: int) -> Finding:
    try:
        return Finding.objects.select_related("learning_theme").get(pk=pk, audit=audit)
    except Finding.DoesNotExist as exc:
        raise Http404 from exc


def access_learning_theme(audit: Audit, pk: int) -> LearningTheme:
    try:
        return LearningTheme.objects.get(pk=pk, audit=audit)
    except LearningTheme.DoesNotExist as exc:
        raise Http404 from exc


def access_theme(user: AnyUser, pk: int) -> Theme:
    """A theme of the person's partnership (the caller has checked they are its admin)."""
    theme: Theme = access_in_partnership(user, Theme, pk)
    return theme


# --- the findings of an audit ---------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRef:
    pk: int
    slug: str
    name: str
    parent_slug: str | None
    parent_name: str | None
    retired: bool

    @property
    def label(self) -> str:
        """The name as a reader sees it: a subtheme with its top-level theme first."""
        return f"{self.parent_name}: {self.name}" if self.parent_name else self.name


@dataclass(frozen=True)
class ResourceRef:
    pk: int
    title: str
    kind: str
    url: str


@dataclass(frozen=True)
class SourceReturnRef:
    """A return a point came from: internal only, never in a briefing."""

    pk: int
    child_reference: str
    agency: str


@dataclass(frozen=True)
class PointItem:
    pk: int
    section: str
    polarity: str
    text: str
    position: int
    version: int
    themes: tuple[ThemeRef, ...]
    resources: tuple[ResourceRef, ...]
    source_returns: tuple[SourceReturnRef, ...] = ()

    @property
    def polarity_label(self) -> str:
        return str(Finding.Polarity(self.polarity).label)


@dataclass(frozen=True)
class LearningThemeItem:
    pk: int
    title: str
    position: int
    version: int
    found: tuple[PointItem, ...]
    actions: tuple[PointItem, ...]


@dataclass(frozen=True)
class AuditFindings:
    audit_pk: int
    worries: tuple[PointItem, ...]
    good_practice: tuple[PointItem, ...]
    learning_themes: tuple[LearningThemeItem, ...]
    internal: bool = False
    themes_used: tuple[ThemeRef, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.worries or self.good_practice or self.learning_themes)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (lists, dicts, str, int, bool, None): ready for a JSON record."""
        plain: dict[str, Any] = _lists(asdict(self))
        return plain


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value


def audit_findings(audit: Audit, *, internal: bool = False) -> AuditFindings:
    """Everything the panel found in ``audit``, in order, ready for a page or the briefing.

    The shape (frozen dataclasses; ``.as_dict()`` gives the same as plain JSON-able data)::

        AuditFindings(
            audit_pk=12,
            worries=(PointItem, ...),          # section "worry", in their order
            good_practice=(PointItem, ...),    # section "good_practice"
            learning_themes=(                  # themes for learning, in their order
                LearningThemeItem(pk, title, position, version,
                                  found=(PointItem, ...),     # "what we found"
                                  actions=(PointItem, ...)),  # "what needs to happen"
                ...),
            internal=False,
            themes_used=(ThemeRef, ...),       # every theme of any point, once, by slug
        )
        PointItem(pk, section, polarity ("concern" | "strength" | "action"), text, position,
                  version, themes=(ThemeRef, ...), resources=(ResourceRef, ...),
                  source_returns=(SourceReturnRef, ...))
        ThemeRef(pk, slug, name, parent_slug, parent_name, retired)   # .label: "Parent: Sub"
        ResourceRef(pk, title, kind, url)
        SourceReturnRef(pk, child_reference, agency)  # agency: the organisation's short name

    ``source_returns`` are internal only: they are filled (and read from the database) only when
    ``internal`` is True, which a briefing must never ask for. A point's themes are ordered by
    slug, its resources by title, its source returns by child then agency.

    Queries: four (themes for learning, points, their themes, their resources), five when
    ``internal`` (the source returns, with their child and agency); the test suite pins this.
    """
    prefetches: list[Any] = [
        Prefetch("themes", queryset=Theme.objects.select_related("parent").order_by("slug")),
        Prefetch("resources", queryset=Resource.objects.order_by("title")),
    ]
    if internal:
        prefetches.append(
            Prefetch(
                "source_returns",
                queryset=Return.objects.select_related("child", "organisation").order_by(
                    "child__sample_order", "organisation__short_name"
                ),
            )
        )
    learning = list(LearningTheme.objects.filter(audit=audit).order_by("position", "pk"))
    points = list(
        Finding.objects.filter(audit=audit).order_by("position", "pk").prefetch_related(*prefetches)
    )
    used: dict[str, ThemeRef] = {}
    by_place: dict[tuple[str, int | None], list[PointItem]] = {}
    for point in points:
        item = _point_item(point, internal)
        for theme in item.themes:
            used.setdefault(theme.slug, theme)
        by_place.setdefault((point.section, point.learning_theme_id), []).append(item)
    S = Finding.Section
    return AuditFindings(
        audit_pk=audit.pk,
        worries=tuple(by_place.get((S.WORRY, None), [])),
        good_practice=tuple(by_place.get((S.GOOD_PRACTICE, None), [])),
        learning_themes=tuple(
            LearningThemeItem(
                pk=lt.pk,
                title=lt.title,
                position=lt.position,
                version=lt.version,
                found=tuple(by_place.get((S.FOUND, lt.pk), [])),
                actions=tuple(by_place.get((S.ACTION, lt.pk), [])),
            )
            for lt in learning
        ),
        internal=internal,
        themes_used=tuple(used[slug] for slug in sorted(used)),
    )


def _theme_ref(theme: Theme) -> ThemeRef:
    parent = theme.parent
    return ThemeRef(
        pk=theme.pk,
        slug=theme.slug,
        name=theme.name,
        parent_slug=parent.slug if parent else None,
        parent_name=parent.name if parent else None,
        retired=theme.retired,
    )


def _point_item(point: Finding, internal: bool) -> PointItem:
    return PointItem(
        pk=point.pk,
        section=point.section,
        polarity=point.polarity,
        text=point.text,
        position=point.position,
        version=point.version,
        themes=tuple(_theme_ref(t) for t in point.themes.all()),
        resources=tuple(
            ResourceRef(pk=r.pk, title=r.title, kind=r.kind, url=r.url)
            for r in point.resources.all()
        ),
        source_returns=tuple(
            SourceReturnRef(
                pk=r.pk, child_reference=r.child.reference, agency=r.organisation.short_name
            )
            for r in point.source_returns.all()
        )
        if internal
        else (),
    )


def finding_item(finding: Finding, *, internal: bool = False) -> PointItem:
    """One point, in the shape ``audit_findings`` gives it."""
    return _point_item(finding, internal)


def findings_free_text(audit: Audit) -> list[tuple[str, str]]:
    """The findings' free text with where it is, for the close scan's FREE_TEXT_SOURCES."""
    texts: list[tuple[str, str]] = [
        (f"theme for learning {lt.pk}, title", lt.title)
        for lt in LearningTheme.objects.filter(audit=audit)
    ]
    for point in Finding.objects.filter(audit=audit).order_by("pk"):
        texts.append((f"finding {point.pk} ({point.get_section_display().lower()})", point.text))
    return texts


# --- choices for the forms ------------------------------------------------------------------


def themes_for_choice(partnership: Partnership) -> QuerySet[Theme]:
    """Themes a point may be given: not retired, and not under a retired top-level theme.

    In tree order by name: each top-level theme, then its subthemes (so the form can group them,
    and its first box is the first of the first group)."""
    return (
        Theme.objects.filter(partnership=partnership, retired=False)
        .filter(Q(parent__isnull=True) | Q(parent__retired=False))
        .select_related("parent")
        .annotate(group=Lower(Coalesce("parent__name", "name")))
        .order_by("group", F("parent").asc(nulls_first=True), Lower("name"))
    )


def resources_for_choice(partnership: Partnership) -> QuerySet[Resource]:
    return Resource.objects.filter(partnership=partnership).order_by("title")


def returns_for_choice(
    user: AnyUser, audit: Audit, *, keep: Iterable[int] = ()
) -> QuerySet[Return]:
    """The audit's returns a point may come from: those the person can see (all of them, for an
    admin or the audit's panel) that were worked on, not those never started or of an agency that
    did not know the child; and any in ``keep`` (those a point already has)."""
    empty = (Return.State.NOT_STARTED, Return.State.NOT_KNOWN)
    return (
        returns_visible_to(user, audit)
        .filter(~Q(state__in=empty) | Q(pk__in=list(keep)))
        .order_by("child__sample_order", "organisation__name")
    )


# --- the taxonomy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeNode:
    theme: Theme
    subthemes: tuple[Theme, ...]


def theme_tree(partnership: Partnership) -> list[ThemeNode]:
    """The partnership's taxonomy as top-level themes with their subthemes (retired included),
    each level ordered by name. One query."""
    themes = list(Theme.objects.filter(partnership=partnership).select_related("added_by"))
    children: dict[int, list[Theme]] = {}
    for theme in themes:
        if theme.parent_id is not None:
            children.setdefault(theme.parent_id, []).append(theme)
    tops = sorted((t for t in themes if t.parent_id is None), key=lambda t: t.name.lower())
    return [
        ThemeNode(
            theme=top,
            subthemes=tuple(sorted(children.get(top.pk, []), key=lambda t: t.name.lower())),
        )
        for top in tops
    ]


def theme_is_added(theme: Theme) -> bool:
    """Added by the partnership (not from the default taxonomy, which reloads its own)."""
    return theme.added_by_id is not None


def theme_fingerprint(theme: Theme) -> str:
    """A short digest of what an admin may change on a theme: a form carries it, and a save
    made from an older page is refused (themes have no version column)."""
    content = "\x1f".join(
        [theme.name, theme.definition, str(theme.retired), theme.successor, str(theme.parent_id)]
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


# --- recurrence: a theme that was a concern in earlier audits ---------------------------------


@dataclass(frozen=True)
class EarlierAudit:
    pk: int
    theme: str
    panel_date: datetime.date
    month_only: bool  # the date is known to the month only (an imported briefing)


@dataclass(frozen=True)
class Recurrence:
    """A top-level theme that was a concern in earlier audits the person may open."""

    slug: str
    name: str
    audits: tuple[EarlierAudit, ...]  # newest first

    @property
    def count(self) -> int:
        return len(self.audits)


def theme_recurrence(user: AnyUser, audit: Audit, slugs: Iterable[str]) -> dict[str, Recurrence]:
    """For each top-level theme slug (a subtheme's slug counts for its parent), the earlier
    audits of the partnership in which a point with that theme was a concern: earlier means a
    panel date before this audit's; only audits whose findings the person may open count.

    One query for all the themes of a page, whatever their number, after the earlier audits'
    ids (findings_audit_ids). Keyed by top-level slug; themes never a concern before are left
    out."""
    tops = sorted({slug.split(".", 1)[0] for slug in slugs})
    if not tops:
        return {}
    earlier = findings_audit_ids(OpenAudits(user, Q(panel_date__lt=audit.panel_date)))
    if not earlier:
        return {}
    through = Finding.themes.through
    rows = (
        through.objects.filter(  # type: ignore[misc]  # filters on an annotation
            finding__audit_id__in=earlier,
            finding__polarity=Finding.Polarity.CONCERN,
            finding__audit__partnership_id=audit.partnership_id,
            finding__audit__panel_date__lt=audit.panel_date,
        )
        .annotate(
            top_slug=Coalesce("theme__parent__slug", "theme__slug"),
            top_name=Coalesce("theme__parent__name", "theme__name"),
        )
        .filter(top_slug__in=tops)
        .values_list(
            "top_slug",
            "top_name",
            "finding__audit_id",
            "finding__audit__theme",
            "finding__audit__panel_date",
            "finding__audit__date_precision",
        )
        .distinct()
    )
    names: dict[str, str] = {}
    found: dict[str, dict[int, EarlierAudit]] = {}
    for slug, name, pk, theme, panel_date, precision in rows:
        names[slug] = name
        found.setdefault(slug, {})[pk] = EarlierAudit(pk, theme, panel_date, precision == "month")
    return {
        slug: Recurrence(
            slug=slug,
            name=names[slug],
            audits=tuple(sorted(audits.values(), key=lambda a: (a.panel_date, a.pk), reverse=True)),
        )
        for slug, audits in sorted(found.items())
    }


def top_slugs(themes: Iterable[ThemeRef]) -> list[str]:
    """The top-level slugs of a point's themes, each once, in order."""
    out: list[str] = []
    for theme in themes:
        top = theme.parent_slug or theme.slug
        if top not in out:
            out.append(top)
    return out
