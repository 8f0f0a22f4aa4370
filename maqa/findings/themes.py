"""The partnership's themes in the database: loaded from the shipped default taxonomy, added, edited
and retired by its admins (slugs never change)."""

from __future__ import annotations

from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record, changes_between
from maqa.findings.models import Theme
from maqa.findings.selectors import theme_fingerprint, theme_is_added
from maqa.findings.services import STALE
from maqa.organisations.models import Partnership
from maqa.suggestions.taxonomy import default_taxonomy_path

# The default taxonomy ships with the suggestion engine, which reads the same file format.
DEFAULT_TAXONOMY = default_taxonomy_path()


def default_taxonomy() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_TAXONOMY.read_text())
    return data


def themes_load_defaults(*, partnership: Partnership) -> int:
    """Create or update the partnership's themes from the default taxonomy (idempotent).

    Slugs never change; a theme the file marks deprecated is retired, never deleted. Themes the
    partnership added itself are left alone. Returns how many themes were created.
    """
    data = default_taxonomy()
    version = int(data.get("version", 1))
    created = 0
    with transaction.atomic():
        for item in data["themes"]:
            parent, made = _upsert(partnership, item, None, version)
            created += made
            for sub in item.get("subthemes") or []:
                _, made = _upsert(partnership, sub, parent, version)
                created += made
    return created


def _upsert(
    partnership: Partnership, item: dict[str, Any], parent: Theme | None, version: int
) -> tuple[Theme, int]:
    slug = item["slug"]
    name = item.get("name") or slug.split(".")[-1].replace("-", " ").capitalize()
    values = {
        "name": name,
        "definition": item.get("definition", ""),
        "boundary": item.get("boundary", ""),
        "keywords": item.get("keywords", []),
        "parent": parent,
        "taxonomy_version": version,
        "retired": bool(item.get("deprecated", False)),
        "successor": item.get("successor", "") or "",
    }
    theme, made = Theme.objects.get_or_create(partnership=partnership, slug=slug, defaults=values)
    if not made and theme.added_by_id is None:
        if theme.retired and not values["retired"]:
            # Retired by the partnership (maqa.findings.services.theme_retire): reloading the
            # default never brings a retired theme back, nor drops its successor.
            values["retired"], values["successor"] = True, theme.successor
        changed = {k: v for k, v in values.items() if getattr(theme, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(theme, key, value)
            theme.save(update_fields=list(changed))
    return theme, int(made)


def _check_fingerprint(theme: Theme, fingerprint: str) -> Theme:
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme_fingerprint(current) != fingerprint:
        raise ApplicationError(STALE.format(what="theme"))
    return current


def theme_slug(name: str, parent: Theme | None) -> str:
    """A new theme's slug: from its name, under its parent's ("parent.sub-name") as the default
    taxonomy's subthemes are. Fixed once made: renaming never changes it."""
    base = slugify(name)
    if not base:
        raise ApplicationError("Give the theme a name with letters or numbers.", field="name")
    slug = f"{parent.slug}.{base}" if parent else base
    return slug[:120]


def theme_create(
    *, actor: User, ip: str | None, name: str, definition: str = "", parent: Theme | None = None
) -> Theme:
    """Add a theme to the actor's partnership's taxonomy (top level, or under ``parent``)."""
    name = name.strip()
    if not name:
        raise ApplicationError("Give the theme a name.", field="name")
    if parent is not None:
        if parent.partnership_id != actor.partnership_id or parent.parent_id is not None:
            raise ApplicationError("Choose a top-level theme as the parent.", field="parent")
        if parent.retired:
            raise ApplicationError(
                f"“{parent.name}” is retired: a new theme cannot go under it.", field="parent"
            )
    slug = theme_slug(name, parent)
    with transaction.atomic():
        try:
            with transaction.atomic():
                theme = Theme.objects.create(
                    partnership=actor.partnership,
                    slug=slug,
                    name=name,
                    definition=definition.strip(),
                    parent=parent,
                    added_by=actor,
                )
        except IntegrityError as exc:
            raise ApplicationError(
                f"A theme with the slug “{slug}” already exists (it may be retired). Choose "
                "another name.",
                field="name",
            ) from exc
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=theme,
            summary={
                "slug": slug,
                "name": name,
                "parent": parent.slug if parent else None,
                "definition": bool(theme.definition),
            },
        )
    return theme


def theme_update(
    *, actor: User, ip: str | None, theme: Theme, name: str, definition: str, fingerprint: str
) -> Theme:
    """Correct the name or definition of a theme the partnership added; its slug never changes.

    The default taxonomy's themes are not edited here (loading the taxonomy would undo it): to
    change what a theme means, retire it and add another as its successor.
    """
    if not theme_is_added(theme):
        raise ApplicationError(
            "Themes of the default taxonomy cannot be edited: retire this one and add another."
        )
    name = name.strip()
    if not name:
        raise ApplicationError("Give the theme a name.", field="name")
    with transaction.atomic():
        current = _check_fingerprint(theme, fingerprint)
        before = {"name": current.name, "definition": current.definition}
        after = {"name": name, "definition": definition.strip()}
        theme.name, theme.definition = after["name"], after["definition"]
        theme.save(update_fields=["name", "definition"])
        summary = changes_between(before, after)
        if "definition" in summary:
            summary["definition"] = "changed"
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=theme,
            summary={"slug": theme.slug, **summary},
        )
    return theme


def theme_retire(
    *,
    actor: User,
    ip: str | None,
    theme: Theme,
    fingerprint: str,
    successor: Theme | None = None,
) -> Theme:
    """Retire a theme (its slug stays, and so do the points that have it): new points cannot
    choose it. Retiring a top-level theme retires its subthemes too. ``successor``, if given, is
    the theme to use instead."""
    if successor is not None:
        if successor.partnership_id != theme.partnership_id:
            raise ApplicationError("Choose a successor from your taxonomy.", field="successor")
        if successor.pk == theme.pk or successor.parent_id == theme.pk:
            raise ApplicationError(
                "A theme cannot be its own successor, nor have one of its subthemes as it.",
                field="successor",
            )
        if successor.retired:
            raise ApplicationError(
                "The successor is retired too: choose another.", field="successor"
            )
    with transaction.atomic():
        current = _check_fingerprint(theme, fingerprint)
        if current.retired:
            raise ApplicationError("This theme is already retired.")
        theme.retired = True
        theme.successor = successor.slug if successor else ""
        theme.save(update_fields=["retired", "successor"])
        subthemes = list(
            Theme.objects.select_for_update().filter(parent=theme, retired=False).order_by("slug")
        )
        for sub in subthemes:
            sub.retired = True
            sub.save(update_fields=["retired"])
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=theme,
            summary={
                "slug": theme.slug,
                "retired": [False, True],
                "successor": theme.successor or None,
                "subthemes_retired": [s.slug for s in subthemes],
            },
        )
        for sub in subthemes:
            audit_record(
                action=AuditEvent.Action.CHANGED,
                actor=actor,
                ip=ip,
                obj=sub,
                summary={"slug": sub.slug, "retired": [False, True], "with_parent": theme.slug},
            )
    return theme
