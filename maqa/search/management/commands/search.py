from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from maqa.accounts.models import User
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Organisation
from maqa.search.selectors import KINDS, MAX_LIMIT
from maqa.search.services import search_run
from maqa.search.types import COUNT_CAP


class Command(BaseCommand):
    help = "Search the findings, briefings, resources and actions a person may see."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", metavar="QUERY", help='words, and "quoted phrases"')
        parser.add_argument(
            "--as", dest="email", required=True, metavar="EMAIL",
            help="the person whose access applies (their partnership and roles)",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        parser.add_argument(
            "--theme", action="append", default=[], metavar="SLUG",
            help="a top-level theme's slug (its sub-themes count); repeat for several",
        )  # fmt: skip
        parser.add_argument("--polarity", choices=Finding.Polarity.values)
        parser.add_argument("--year", type=int, help="the year of the audit's panel")
        parser.add_argument("--agency", metavar="NAME", help="an agency's name or short name")
        parser.add_argument(
            "--kind", action="append", choices=KINDS, help="only these kinds; repeat for several"
        )
        parser.add_argument("--limit", type=int, default=20, help=f"at most {MAX_LIMIT}")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(f"--as {options['email']}: no active person with that email")
        if not 1 <= options["limit"] <= MAX_LIMIT:
            raise CommandError(f"--limit must be between 1 and {MAX_LIMIT}")
        known = set(
            Theme.objects.filter(partnership_id=user.partnership_id, parent__isnull=True)
            .values_list("slug", flat=True)
        )  # fmt: skip
        unknown = [slug for slug in options["theme"] if slug not in known]
        if unknown:
            raise CommandError(
                f"--theme {', '.join(unknown)}: not a top-level theme of the partnership "
                f"(themes: {', '.join(sorted(known))})"
            )
        agency = None
        if options["agency"]:
            name = options["agency"]
            agency = Organisation.objects.filter(
                Q(name__iexact=name) | Q(short_name__iexact=name),
                partnership_id=user.partnership_id,
            ).first()
            if agency is None:
                raise CommandError(
                    f"--agency {name}: no organisation of the partnership by that name"
                )
        results = search_run(
            actor=user, ip=None, query=options["query"], themes=options["theme"],
            polarity=options["polarity"], year=options["year"],
            agency=agency.pk if agency else None, kinds=options["kind"],
            limit=options["limit"], channel="command",
        )  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps({
                "mode": results.mode, "total": results.total,
                "more_than": COUNT_CAP if results.more_than_cap else None,
                "results": [r.as_dict() for r in results.results],
            }, indent=2))  # fmt: skip
            return
        self.stdout.write(f"{results.total_label.capitalize()} ({results.mode})")
        for number, r in enumerate(results.results, start=1):
            where = f" ({r.date_label})" if r.date_label else ""
            self.stdout.write(f"{number}. [{r.kind_label}] {r.title}{where}")
            if r.snippet_text:
                self.stdout.write(f"   {r.snippet_text}")
            self.stdout.write(f"   {r.url}")
