from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from maqa.audits.crypto import rotate_master_keys


class Command(BaseCommand):
    help = "Re-wrap every audit's identifier key with the first key of IDENTIFIER_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rotate_master_keys()
        self.stdout.write(
            f"Re-wrapped {count} audit key(s). Once done on every server, the old master key "
            "can be removed from IDENTIFIER_KEYS."
        )
