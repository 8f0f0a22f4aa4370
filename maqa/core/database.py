"""The database against this version's migrations: was it made by migrations that still exist?"""

from __future__ import annotations

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader


def stale_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    """Migrations of maqa's apps recorded as applied in the database but not on disk.

    Empty for a new database and for one made by this version. Not empty for a database made
    before the apps were reorganised (ADR 5): its history names migrations that are gone, and
    ``migrate`` would build new tables beside the old ones."""
    connection = connections[alias]
    if "django_migrations" not in connection.introspection.table_names():
        return []
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("maqa.")}
    return sorted(
        (app, name)
        for app, name in loader.applied_migrations
        if app in ours and (app, name) not in loader.disk_migrations
    )
