from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.actions.reminders import ACTION_REMINDERS, action_reminders_send
from maqa.core.errors import ApplicationError
from maqa.notify.reminders import DEFAULT_DAYS_BEFORE, ReminderRun
from maqa.returns.reminders import RETURN_REMINDERS, reminders_send


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
        try:
            run = reminders_send(days_before=options["days_before"], dry_run=options["dry_run"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        actions = action_reminders_send(
            days_before=run.days_before, dry_run=run.dry_run, today=run.today
        )
        if run.dry_run:
            for email in run.emails + actions.emails:
                self.stdout.write(f"Would email {email.to}: {email.subject}")
        self.stdout.write(summary(run, actions))
        failed = run.failed + actions.failed
        if failed:
            raise CommandError(
                f"{failed} email(s) could not be sent; their reminders will be tried again "
                "on the next run."
            )


def summary(run: ReminderRun, actions: ReminderRun | None = None) -> str:
    """The returns' counts, then the actions'."""
    return RETURN_REMINDERS.summary(run) + (ACTION_REMINDERS.summary(actions) if actions else "")
