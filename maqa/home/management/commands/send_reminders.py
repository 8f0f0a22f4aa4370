from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.actions.reminders import ActionReminderRun, action_reminders_send, summary_part
from maqa.core.errors import ApplicationError
from maqa.returns.reminders import DEFAULT_DAYS_BEFORE, ReminderRun, reminders_send


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


def summary(run: ReminderRun, actions: ActionReminderRun | None = None) -> str:
    """The returns' counts, then the actions' (maqa.actions.reminders.summary_part)."""
    verb = "Would send" if run.dry_run else "Sent"
    parts = [
        f"{verb} {len(run.emails)} email(s) on {run.today.isoformat()} "
        f"(due within {run.days_before} day(s)):",
        f"{run.due_soon} return(s) due soon, {run.overdue} overdue",
    ]
    extra = []
    if run.already_sent:
        extra.append(f"{run.already_sent} already reminded")
    if run.nobody_to_email:
        extra.append(f"{run.nobody_to_email} with no active agency auditor to email")
    line = " ".join(parts) + ("; " + ", ".join(extra) if extra else "") + "."
    return line + (summary_part(actions) if actions else "")
