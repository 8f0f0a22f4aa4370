from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from maqa.search import schema, semantic


class Command(BaseCommand):
    help = "Rebuild the search index; with --embeddings, also fill its sentence embeddings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--embeddings", action="store_true",
            help="embed every document with no vector or a stale one (needs maqa[ml])",
        )  # fmt: skip
        parser.add_argument(
            "--no-rebuild", action="store_true",
            help="leave the full-text index as it is (with --embeddings: only fill them)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["embeddings"]:
            reason = semantic.unavailable_reason()
            if reason:
                raise CommandError(f"--embeddings: matching by meaning cannot run: {reason}")
        if not options["no_rebuild"]:
            with transaction.atomic():
                documents = schema.rebuild(connection)
            self.stdout.write(f"Full-text index rebuilt: {documents} documents.")
        if options["embeddings"]:
            last = [0]

            def progress(done: int, todo: int) -> None:
                if done - last[0] >= 5000 or done == todo:
                    last[0] = done
                    self.stdout.write(f"  embedded {done} of {todo}")

            report = semantic.fill(progress=progress)
            self.stdout.write(
                f"Embeddings ({semantic.MODE}): {report.embedded} of {report.documents} "
                f"documents embedded, {report.removed} removed, in {report.seconds:.1f} s."
            )
