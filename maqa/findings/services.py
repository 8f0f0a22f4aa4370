"""Writes for findings (points and themes for learning) and the partnership's theme taxonomy.

Every write records an audit event. Findings are briefing text, not case data, but a point may
still hold something it should not (a name): the events name the section, polarity, themes,
resources and returns of a point, never its text or a title.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, TypedDict

from django.db import transaction
from django.db.models import Max

from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record, changes_between
from maqa.core.versioning import locked_at_version
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.organisations.models import Resource
from maqa.returns.models import Return

Section = Finding.Section
Polarity = Finding.Polarity
Direction = Literal["up", "down"]

TOP_SECTIONS = (Section.WORRY, Section.GOOD_PRACTICE)
LEARNING_SECTIONS = (Section.FOUND, Section.ACTION)
DEFAULT_POLARITY: dict[str, str] = {
    Section.WORRY: Polarity.CONCERN,
    Section.GOOD_PRACTICE: Polarity.STRENGTH,
    Section.FOUND: Polarity.CONCERN,
    Section.ACTION: Polarity.ACTION,
}
MIN_THEMES, MAX_THEMES = 1, 3

READ_ONLY = (
    "The findings of this audit can no longer be changed: it is {state}. Findings are recorded "
    "while the audit is at panel or in reporting."
)
TOO_EARLY = "Findings are recorded from the panel on: this audit is {state}."
STALE = (
    "Someone else changed this {what} while you were editing. Reload the page to see their "
    "changes, then make yours again."
)
NO_THEMES = "Choose at least one theme for this point."
TOO_MANY_THEMES = "Choose no more than three themes for this point (you chose {count})."


class FindingFields(TypedDict):
    """A point as a person writes it (the finding form), as finding_create and finding_update
    take it: ``services.finding_create(actor=..., ip=..., audit=..., **fields)``."""

    section: str
    learning_theme: LearningTheme | None
    text: str
    polarity: str | None
    themes: list[Theme]
    resources: list[Resource]
    source_returns: list[Return]


class FindingUpdate(FindingFields):
    """A point with the version it was read at, as finding_update takes it."""

    version: int


# --- checks ---------------------------------------------------------------------------------


def _lock_editable(audit: Audit) -> Audit:
    """The audit's row, locked until the transaction ends, so that it cannot move on (to
    published) half-way through a change to its findings. Refused unless findings may change."""
    current = Audit.objects.select_for_update().get(pk=audit.pk)
    if current.state in (Audit.State.DRAFT, Audit.State.RETURNS_OPEN):
        raise ApplicationError(TOO_EARLY.format(state=current.get_state_display().lower()))
    if current.state not in Audit.State.recording():
        raise ApplicationError(READ_ONLY.format(state=current.get_state_display().lower()))
    return current


def _checked_section(section: str) -> str:
    if section not in Section.values:
        raise ApplicationError("Choose where the point goes.", field="place")
    return section


def _checked_place(
    audit: Audit, section: str, learning_theme: LearningTheme | None
) -> LearningTheme | None:
    """Worries and good practice stand alone; what we found and what needs to happen belong to a
    theme for learning of the same audit."""
    if section in TOP_SECTIONS:
        if learning_theme is not None:
            raise ApplicationError(
                "Worries and good practice do not belong to a theme for learning.", field="place"
            )
        return None
    if learning_theme is None or learning_theme.audit_id != audit.pk:
        raise ApplicationError(
            "Choose the theme for learning this point is part of.", field="place"
        )
    return learning_theme


def _checked_polarity(section: str, polarity: str | None) -> str:
    if not polarity:
        return DEFAULT_POLARITY[section]
    if polarity not in Polarity.values:
        raise ApplicationError("Choose concern, strength or action.", field="polarity")
    return polarity


def _checked_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ApplicationError("Write the point.", field="text")
    return text


def checked_themes(audit: Audit, themes: Iterable[Theme]) -> list[Theme]:
    """One to three themes of the audit's partnership, none retired (nor under a retired theme)."""
    pks = sorted({t.pk for t in themes})
    if len(pks) < MIN_THEMES:
        raise ApplicationError(NO_THEMES, field="themes")
    if len(pks) > MAX_THEMES:
        raise ApplicationError(TOO_MANY_THEMES.format(count=len(pks)), field="themes")
    found = list(
        Theme.objects.filter(pk__in=pks, partnership_id=audit.partnership_id)
        .select_related("parent")
        .order_by("slug")
    )
    if len(found) != len(pks):
        raise ApplicationError("Choose themes from your partnership's taxonomy.", field="themes")
    for theme in found:
        retired = theme if theme.retired else theme.parent if theme.parent else None
        if retired is not None and retired.retired:
            successor = Theme.objects.filter(
                partnership_id=audit.partnership_id, slug=retired.successor, retired=False
            ).first()
            instead = f" (use “{successor.name}” instead)" if successor else ""
            raise ApplicationError(
                f"The theme “{theme.name}” is retired{instead}: choose another theme.",
                field="themes",
            )
    return found


def _checked_resources(audit: Audit, resources: Iterable[Resource]) -> list[Resource]:
    chosen = list(resources)
    if any(r.partnership_id != audit.partnership_id for r in chosen):
        raise ApplicationError(
            "Choose resources from your partnership's library.", field="resources"
        )
    return sorted(chosen, key=lambda r: r.pk)


def _checked_returns(audit: Audit, returns: Iterable[Return]) -> list[Return]:
    chosen = list(returns)
    if any(r.audit_id != audit.pk for r in chosen):
        raise ApplicationError("Choose returns of this audit.", field="source_returns")
    return sorted(chosen, key=lambda r: r.pk)


# --- audit events ---------------------------------------------------------------------------

SECTION_SHORT: dict[str, str] = {
    Section.WORRY: "worry",
    Section.GOOD_PRACTICE: "good practice",
    Section.FOUND: "what we found",
    Section.ACTION: "what needs to happen",
}


def _finding_label(finding: Finding) -> str:
    # Never str(finding): that is the point's text.
    return f"finding {finding.pk}, {SECTION_SHORT[finding.section]} (audit {finding.audit_id})"


def _learning_label(learning_theme: LearningTheme) -> str:
    return f"theme for learning {learning_theme.pk} (audit {learning_theme.audit_id})"


def _finding_facts(
    finding: Finding, themes: list[Theme], resources: list[Resource], returns: list[Return]
) -> dict[str, Any]:
    return {
        "audit": finding.audit_id,
        "section": finding.section,
        "learning_theme": finding.learning_theme_id,
        "polarity": finding.polarity,
        "themes": [t.slug for t in themes],
        "resources": [r.pk for r in resources],
        "source_returns": [r.pk for r in returns],
    }


def _record_finding(
    action: str, actor: User, ip: str | None, finding: Finding, summary: dict[str, Any]
) -> None:
    audit_record(
        action=action,
        actor=actor,
        ip=ip,
        partnership=finding.audit.partnership,
        obj=finding,
        object_label=_finding_label(finding),
        summary=summary,
    )


def _record_learning(
    action: str, actor: User, ip: str | None, lt: LearningTheme, summary: dict[str, Any]
) -> None:
    audit_record(
        action=action,
        actor=actor,
        ip=ip,
        partnership=lt.audit.partnership,
        obj=lt,
        object_label=_learning_label(lt),
        summary=summary,
    )


# --- positions ------------------------------------------------------------------------------


def _next_position(audit: Audit, section: str, learning_theme: LearningTheme | None) -> int:
    last = Finding.objects.filter(
        audit=audit, section=section, learning_theme=learning_theme
    ).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _move(rows: list[Any], obj: Any, direction: Direction, what: str) -> tuple[int, int]:
    """Swap ``obj`` with its neighbour in ``rows`` (in their order) and number them 0, 1, ...
    Returns the old and new place (1-based)."""
    if direction not in ("up", "down"):
        raise ApplicationError("Choose whether to move it up or down.")
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(rows):
        raise ApplicationError(f"This {what} is already {'first' if target < 0 else 'last'}.")
    rows[index], rows[target] = rows[target], rows[index]
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    type(obj).objects.bulk_update(changed, ["position"])
    obj.position = target
    return index + 1, target + 1


# --- points ---------------------------------------------------------------------------------


def finding_create(
    *,
    actor: User,
    ip: str | None,
    audit: Audit,
    section: str,
    text: str,
    themes: Iterable[Theme],
    learning_theme: LearningTheme | None = None,
    polarity: str | None = None,
    resources: Iterable[Resource] = (),
    source_returns: Iterable[Return] = (),
) -> Finding:
    """Record a point at the end of its section (or of its theme for learning's section).

    ``polarity`` left empty takes the section's default: a worry or what we found is a concern,
    good practice a strength, what needs to happen an action.
    """
    section = _checked_section(section)
    learning_theme = _checked_place(audit, section, learning_theme)
    polarity = _checked_polarity(section, polarity)
    text = _checked_text(text)
    chosen_themes = checked_themes(audit, themes)
    chosen_resources = _checked_resources(audit, resources)
    chosen_returns = _checked_returns(audit, source_returns)
    with transaction.atomic():
        _lock_editable(audit)
        finding = Finding.objects.create(
            audit=audit,
            section=section,
            learning_theme=learning_theme,
            text=text,
            polarity=polarity,
            position=_next_position(audit, section, learning_theme),
            created_by=actor,
        )
        finding.themes.set(chosen_themes)
        finding.resources.set(chosen_resources)
        finding.source_returns.set(chosen_returns)
        _record_finding(
            AuditEvent.Action.CREATED,
            actor,
            ip,
            finding,
            _finding_facts(finding, chosen_themes, chosen_resources, chosen_returns),
        )
    return finding


def finding_update(
    *,
    actor: User,
    ip: str | None,
    finding: Finding,
    version: int,
    section: str,
    text: str,
    themes: Iterable[Theme],
    learning_theme: LearningTheme | None,
    polarity: str | None,
    resources: Iterable[Resource],
    source_returns: Iterable[Return],
) -> Finding:
    """Change a point, if nobody saved it since ``version`` was read: every field is given (the
    themes, resources and source returns replace the point's). A point moved to another section
    (or theme for learning) goes to the end of it."""
    audit = finding.audit
    section = _checked_section(section)
    learning_theme = _checked_place(audit, section, learning_theme)
    polarity = _checked_polarity(section, polarity)
    text = _checked_text(text)
    chosen_themes = checked_themes(audit, themes)
    chosen_resources = _checked_resources(audit, resources)
    chosen_returns = _checked_returns(audit, source_returns)
    with transaction.atomic():
        _lock_editable(audit)
        current = locked_at_version(
            Finding.objects, finding.pk, version, STALE.format(what="point")
        )
        before = _finding_facts(
            current,
            list(current.themes.order_by("slug")),
            list(current.resources.order_by("pk")),
            list(current.source_returns.order_by("pk")),
        )
        text_changed = current.text != text
        moved = (current.section, current.learning_theme_id) != (
            section,
            learning_theme.pk if learning_theme else None,
        )
        finding.section = section
        finding.learning_theme = learning_theme
        finding.polarity = polarity
        finding.text = text
        finding.version = version + 1
        if moved:
            finding.position = _next_position(audit, section, learning_theme)
        finding.save(
            update_fields=["section", "learning_theme", "polarity", "text", "version", "position"]
        )
        finding.themes.set(chosen_themes)
        finding.resources.set(chosen_resources)
        finding.source_returns.set(chosen_returns)
        after = _finding_facts(finding, chosen_themes, chosen_resources, chosen_returns)
        summary = changes_between(before, after)
        if text_changed:
            summary["text"] = "changed"
        _record_finding(AuditEvent.Action.CHANGED, actor, ip, finding, summary)
    return finding


def finding_delete(*, actor: User, ip: str | None, finding: Finding, version: int) -> None:
    with transaction.atomic():
        _lock_editable(finding.audit)
        current = locked_at_version(
            Finding.objects, finding.pk, version, STALE.format(what="point")
        )
        summary = _finding_facts(
            current,
            list(current.themes.order_by("slug")),
            list(current.resources.order_by("pk")),
            list(current.source_returns.order_by("pk")),
        )
        label = _finding_label(current)
        current.delete()
        audit_record(
            action=AuditEvent.Action.DELETED,
            actor=actor,
            ip=ip,
            partnership=finding.audit.partnership,
            object_type=Finding._meta.label_lower,
            object_id=str(finding.pk),
            object_label=label,
            summary=summary,
        )


def finding_move(*, actor: User, ip: str | None, finding: Finding, direction: Direction) -> Finding:
    """Move a point one place up or down within its section (or theme for learning's section).

    Its version is unchanged: reordering does not make someone's open edit of the text stale.
    """
    with transaction.atomic():
        _lock_editable(finding.audit)
        current = Finding.objects.filter(pk=finding.pk).first()
        if current is None:
            raise ApplicationError(STALE.format(what="point"))
        # Its siblings as stored now (someone may have moved it to another section meanwhile).
        finding.section, finding.learning_theme_id = current.section, current.learning_theme_id
        rows = list(
            Finding.objects.select_for_update(of=("self",))
            .filter(
                audit_id=current.audit_id,
                section=current.section,
                learning_theme_id=current.learning_theme_id,
            )
            .order_by("position", "pk")
        )
        old, new = _move(rows, finding, direction, "point")
        _record_finding(
            AuditEvent.Action.CHANGED,
            actor,
            ip,
            finding,
            {"section": finding.section, "place": [old, new]},
        )
    return finding


# --- themes for learning ----------------------------------------------------------------------


def learning_theme_create(
    *, actor: User, ip: str | None, audit: Audit, title: str = ""
) -> LearningTheme:
    """Add a theme for learning (a title, then what we found and what needs to happen) at the end."""
    with transaction.atomic():
        _lock_editable(audit)
        last = LearningTheme.objects.filter(audit=audit).aggregate(last=Max("position"))["last"]
        lt = LearningTheme.objects.create(
            audit=audit, title=title.strip(), position=0 if last is None else last + 1
        )
        _record_learning(
            AuditEvent.Action.CREATED, actor, ip, lt, {"audit": audit.pk, "titled": bool(lt.title)}
        )
    return lt


def learning_theme_update(
    *, actor: User, ip: str | None, learning_theme: LearningTheme, title: str, version: int
) -> LearningTheme:
    with transaction.atomic():
        _lock_editable(learning_theme.audit)
        current = locked_at_version(
            LearningTheme.objects,
            learning_theme.pk,
            version,
            STALE.format(what="theme for learning"),
        )
        title = title.strip()
        changed = current.title != title
        learning_theme.title = title
        learning_theme.version = version + 1
        learning_theme.save(update_fields=["title", "version"])
        _record_learning(
            AuditEvent.Action.CHANGED,
            actor,
            ip,
            learning_theme,
            {"audit": learning_theme.audit_id, "title": "changed" if changed else "unchanged"},
        )
    return learning_theme


def learning_theme_delete(
    *, actor: User, ip: str | None, learning_theme: LearningTheme, version: int
) -> None:
    """Delete a theme for learning and its points."""
    with transaction.atomic():
        _lock_editable(learning_theme.audit)
        current = locked_at_version(
            LearningTheme.objects,
            learning_theme.pk,
            version,
            STALE.format(what="theme for learning"),
        )
        points = sorted(current.points.values_list("pk", flat=True))
        label = _learning_label(current)
        current.delete()
        audit_record(
            action=AuditEvent.Action.DELETED,
            actor=actor,
            ip=ip,
            partnership=learning_theme.audit.partnership,
            object_type=LearningTheme._meta.label_lower,
            object_id=str(learning_theme.pk),
            object_label=label,
            summary={"audit": learning_theme.audit_id, "points_deleted": points},
        )


def learning_theme_move(
    *, actor: User, ip: str | None, learning_theme: LearningTheme, direction: Direction
) -> LearningTheme:
    with transaction.atomic():
        _lock_editable(learning_theme.audit)
        rows = list(
            LearningTheme.objects.select_for_update()
            .filter(audit_id=learning_theme.audit_id)
            .order_by("position", "pk")
        )
        if not any(row.pk == learning_theme.pk for row in rows):
            raise ApplicationError(STALE.format(what="theme for learning"))
        old, new = _move(rows, learning_theme, direction, "theme for learning")
        _record_learning(
            AuditEvent.Action.CHANGED,
            actor,
            ip,
            learning_theme,
            {"audit": learning_theme.audit_id, "place": [old, new]},
        )
    return learning_theme


# --- the taxonomy -----------------------------------------------------------------------------
