from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.core.errors import ApplicationError
from maqa.demo.benchdata import bench_data_build
from maqa.demo.history import HistorySize


class Command(BaseCommand):
    help = "Generate a large partnership with years of synthetic audit history, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--audits", type=int, default=80, help="audits in all (default 80)")
        parser.add_argument(
            "--findings", type=int, default=8000, help="findings in all, about (default 8000)"
        )
        parser.add_argument(
            "--answers",
            type=int,
            default=50000,
            help="answers in all returns, about (default 50000)",
        )
        parser.add_argument(
            "--partnership", default="bench", metavar="SLUG", help="its slug (default bench)"
        )
        parser.add_argument(
            "--name",
            default="Bench Safeguarding Partnership",
            help="its name (default Bench Safeguarding Partnership)",
        )
        parser.add_argument(
            "--years", type=int, default=10, help="years the audits span (default 10)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same data (default 1)"
        )
        parser.add_argument(
            "--password",
            help="password of the partnership's people (default: a random one, printed)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="if the partnership exists, delete its audits and actions and make them again",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = HistorySize(
            audits=options["audits"],
            findings=options["findings"],
            answers=options["answers"],
            years=options["years"],
        )
        try:
            result = bench_data_build(
                slug=options["partnership"],
                name=options["name"],
                size=size,
                seed=options["seed"],
                replace=options["replace"],
                password=options["password"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        counts = result.counts
        self.stdout.write(
            f"{result.partnership.name} ({result.partnership.slug}): {counts['audits']} audits, "
            f"{counts['cases']} children, {counts['returns']} returns with {counts['answers']} "
            f"answers, {counts['panel_grades']} agreed grades, {counts['findings']} findings, "
            f"{counts['learning_themes']} themes for learning, {counts['actions']} actions "
            f"in {result.seconds:.1f} s ({sum(counts.values()) - counts['answers']} rows)"
        )
        self.stdout.write(f"People (password for all: {result.password}):")
        for role, emails in result.emails.items():
            self.stdout.write(f"  {role}: {', '.join(emails)}")
