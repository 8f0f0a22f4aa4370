"""The partnership's theme taxonomy in the database, loaded from the shipped default."""

from __future__ import annotations

from typing import Any

import yaml
from django.db import transaction

from maqa.findings.models import Theme
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
