from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.accounts.access import is_partnership_admin
from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.importers.theme_codes import codes_read, theme_codes_apply

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Apply theme codes kept in a spreadsheet (CSV) to findings matched by their text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            metavar="FILE.csv",
            help="columns finding, polarity, themes ('a; b') and optionally subthemes",
        )
        parser.add_argument(
            "--by",
            required=True,
            metavar="ADMIN_EMAIL",
            help="the partnership admin applying them; their partnership's findings are coded",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would change and change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["by"].strip(), is_active=True).first()
        if actor is None:
            raise CommandError(f"{options['by']}: no active person with this email address")
        if not is_partnership_admin(actor):
            raise CommandError(f"{actor.email} is not a partnership admin")
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path}: is a folder, not a CSV file") from exc
        except OSError as exc:
            raise CommandError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
        try:
            rows = codes_read(data)
            report = theme_codes_apply(
                actor=actor, ip=None, rows=rows, dry_run=bool(options["dry_run"])
            )
        except ApplicationError as exc:
            raise CommandError(f"{path}: {exc.message} Nothing was changed.") from exc
        for line in report.lines():
            self.stdout.write(line)
