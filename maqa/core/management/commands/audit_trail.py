from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.core.audit_chain import Checkpoint, verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's HMAC chain, or print a checkpoint of its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check every event; name the first broken one")
        verify.add_argument(
            "--checkpoint",
            help="a checkpoint printed earlier (SEQ:HMAC); also catches a truncated tail",
        )
        sub.add_parser("checkpoint", help="print the current head (SEQ:HMAC) to keep elsewhere")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            result = verify_chain()
            if not result.ok:
                raise CommandError(f"The chain is broken, so no checkpoint: {result.problem}")
            self.stdout.write(str(result.head) if result.head else "0:" + "0" * 64)
            return
        checkpoint = None
        if options.get("checkpoint"):
            try:
                checkpoint = Checkpoint.parse(options["checkpoint"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        result = verify_chain(checkpoint)
        if not result.ok:
            raise CommandError(
                f"Audit trail FAILED after checking {result.checked} events: {result.problem}"
            )
        head = result.head.seq if result.head else 0
        self.stdout.write(f"Audit trail OK: {result.checked} events, head #{head}.")
