from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.accounts.models import User
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.organisations.models import Partnership
from maqa.reports.access import is_report_reader
from maqa.reports.render import board_report_pdf
from maqa.reports.selectors import board_report_data


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Write a partnership's board report (trends, actions, briefings of a period) as a PDF.\n\n"
        "Name the partnership with --partnership, or the person it is made for with --by (a "
        "partnership admin, panel member or viewer). The download is recorded in the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--partnership", metavar="SLUG", help="the partnership's slug")
        who.add_argument("--by", metavar="EMAIL", help="the person the report is made for")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first panel date")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last panel date")
        parser.add_argument("-o", "--output", metavar="FILE.pdf", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        start = _day(options["start"]) if options.get("start") else None
        end = _day(options["end"]) if options.get("end") else None
        if start and end and start > end:
            raise CommandError("--to must be on or after --from.")
        actor: User | None = None
        if options.get("by"):
            actor = User.objects.filter(email__iexact=options["by"], is_active=True).first()
            if actor is None or not is_report_reader(actor):
                raise CommandError(
                    f"{options['by']}: no active partnership admin, panel member or viewer "
                    "has this email."
                )
            partnership = actor.partnership
        else:
            found = Partnership.objects.filter(slug=options["partnership"]).first()
            if found is None:
                raise CommandError(f"{options['partnership']}: no partnership has this slug.")
            partnership = found
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such directory.")
        began = time.perf_counter()
        data = board_report_data(partnership, start=start, end=end)
        pdf = board_report_pdf(data)
        output.write_bytes(pdf)
        audit_record(
            action=AuditEvent.Action.EXPORTED,
            actor=actor,
            partnership=partnership,
            object_type="reports.board_report",
            object_label="board report",
            summary={
                "export": "board report",
                "format": "pdf",
                "from": start.isoformat() if start else None,
                "to": end.isoformat() if end else None,
                "briefings": len(data.briefings),
                "overdue actions": len(data.overdue),
                "command": True,
            },
        )
        self.stdout.write(
            f"Wrote {output} ({len(pdf) // 1024} KB): {partnership.name}, {data.period}; "
            f"{len(data.briefings)} briefing(s), {len(data.overdue)} overdue action(s), "
            f"in {time.perf_counter() - began:.1f} s."
        )
