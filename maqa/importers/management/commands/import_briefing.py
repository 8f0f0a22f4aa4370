from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.accounts.access import is_partnership_admin
from maqa.accounts.models import User
from maqa.importers.services.duplicates import IMPORT_ANYWAY, SKIP
from maqa.importers.services.importing import briefing_import
from maqa.importers.services.reading import MAX_BYTES


class Command(BaseCommand):
    help = "Import past audits from their briefings (a dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="briefing documents")
        parser.add_argument(
            "--by",
            required=True,
            metavar="ADMIN_EMAIL",
            help="the partnership admin importing them: the audits' lead, named in the trail",
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="create the audits; without it, only show what would be created",
        )
        parser.add_argument(
            "--decide",
            choices=["import-anyway", "skip"],
            help="for documents that look like an audit already held: import them anyway, or "
            "skip them (without it they are kept for a person to decide on the web pages)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["by"].strip(), is_active=True).first()
        if actor is None:
            raise CommandError(f"{options['by']}: no active person with this email address")
        if not is_partnership_admin(actor):
            raise CommandError(f"{actor.email} is not a partnership admin")
        decision = {"import-anyway": IMPORT_ANYWAY, "skip": SKIP}.get(options["decide"] or "")
        apply = bool(options["apply"])
        failed = 0
        for name in options["files"]:
            path = Path(name)
            data, problem = _read(path)
            if data is None:
                failed += 1
                self.stdout.write(f"{name}: failed: {problem}")
                continue
            outcome = briefing_import(
                actor=actor, ip=None, partnership=actor.partnership, filename=path.name,
                data=data, apply=apply, decision=decision,
            )  # fmt: skip
            failed += outcome.failed
            self.stdout.write(f"{name}: {outcome.line()}")
        if not apply:
            self.stdout.write("Dry run: nothing was written. Add --apply to create the audits.")
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} files failed")


def _read(path: Path) -> tuple[bytes | None, str]:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB."
        return path.read_bytes(), ""
    except FileNotFoundError:
        return None, "no such file"
    except IsADirectoryError:
        return None, "is a folder, not a file"
    except PermissionError:
        return None, "permission denied"
    except OSError as exc:
        return None, f"cannot read it ({exc.strerror or exc})"
