from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from maqa.actions.reminders import ACTION_REMINDERS
from maqa.core.errors import ApplicationError
from maqa.notify.reminders import DEFAULT_DAYS_BEFORE, ReminderKind, ReminderRun, reminders_run
from maqa.returns.reminders import RETURN_REMINDERS

# Every kind of reminder, in the order of the summary line: the returns' part opens it.
KINDS: tuple[ReminderKind[Any], ...] = (RETURN_REMINDERS, ACTION_REMINDERS)


class Command(BaseCommand):
    help = (
        "Email agency auditors about returns due soon or overdue, and action owners about "
        "actions due soon or overdue (escalated to admins); run it daily (docs/reminders.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-before",
            type=int,
            default=DEFAULT_DAYS_BEFORE,
            metavar="N",
            help=f"remind when a return or action is due in N days or fewer "
            f"(default {DEFAULT_DAYS_BEFORE})",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print who would be emailed and why; send and record nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()  # one day for every kind, however long the run takes
        runs: list[tuple[ReminderKind[Any], ReminderRun]] = []
        try:
            for kind in KINDS:
                run = reminders_run(
                    kind,
                    days_before=options["days_before"],
                    dry_run=options["dry_run"],
                    today=today,
                )
                runs.append((kind, run))
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["dry_run"]:
            for _, run in runs:
                for email in run.emails:
                    self.stdout.write(f"Would email {email.to}: {email.subject}")
        self.stdout.write("".join(kind.summary(run) for kind, run in runs))
        failed = sum(run.failed for _, run in runs)
        if failed:
            raise CommandError(
                f"{failed} email(s) could not be sent; their reminders will be tried again "
                "on the next run."
            )
