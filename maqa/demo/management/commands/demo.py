from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from maqa.accounts.models import Role
from maqa.demo.partnership import DEMO_PASSWORD, DEMO_PEOPLE, demo_load
from maqa.demo.published_audit import DEPUTY_EMAIL


class Command(BaseCommand):
    help = "Load the demo partnership (agencies, people, resources) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = demo_load()
        self.stdout.write(f"Demo data ready: {partnership.name}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for person in DEMO_PEOPLE:
            self.stdout.write(
                f"  {person.email:<20} {Role(person.role).label} ({person.organisation})"
            )
        # The second partnership admin, who confirms briefings before they are published.
        self.stdout.write(f"  {DEPUTY_EMAIL:<20} Partnership admin (second, confirms briefings)")
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING("DEBUG is off: demo accounts will be refused at sign-in.")
            )
