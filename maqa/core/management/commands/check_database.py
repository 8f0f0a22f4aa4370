from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from maqa.core.database import stale_migrations


class Command(BaseCommand):
    help = (
        "Check that the database was made by this version's migrations (run before migrate); "
        "says plainly what to do when it was made by an earlier layout."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stale = stale_migrations()
        if stale:
            listed = ", ".join(f"{app}.{name}" for app, name in stale[:5])
            more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
            raise CommandError(
                "This database was made by an earlier version of maqa whose migrations no longer "
                f"exist ({listed}{more}). maqa's apps were reorganised before its first release "
                "(docs/adr/0005-layout.md), so such a database cannot be upgraded.\n"
                "  For the demo database under var/: run `make reset-demo`, which deletes it and "
                "loads the demo again.\n"
                "  Any other database: make a new one and run `maqa migrate`."
            )
        self.stdout.write("The database's migrations match this version of maqa.")
