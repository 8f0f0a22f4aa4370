"""The `maqa` console script: Django's management commands under one name.

maqa's own commands are spelt with hyphens (`maqa audit-trail verify`); the underscore spelling
that Django uses for module names works too.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        run(sys.argv[:])
    except ImproperlyConfigured as error:
        # A missing or wrong setting (e.g. SECRET_KEY with DEBUG off): the message, no traceback.
        sys.stderr.write(f"maqa: {error}\n")
        sys.exit(2)


def run(argv: list[str]) -> None:
    argv[0] = "maqa"
    if len(argv) == 1 or (argv[1] in ("--help", "-h", "help") and len(argv) == 2):
        from maqa.core.help import print_help

        print_help()
        return
    # `maqa audit-trail ...` and `maqa help audit-trail`: hyphens name the command's module.
    position = 2 if len(argv) > 2 and argv[1] == "help" else 1
    if len(argv) > position and not argv[position].startswith("-"):
        argv[position] = argv[position].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
