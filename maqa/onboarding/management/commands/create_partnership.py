from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.core.errors import ApplicationError
from maqa.onboarding.services import partnership_bootstrap


class Command(BaseCommand):
    help = "Create a partnership and its first partnership admin, who gets an invitation link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the partnership's name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partnership, link = partnership_bootstrap(
                name=options["name"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Created {partnership.name}.")
        self.stdout.write(f"The admin sets a password here (also emailed): {link}")
