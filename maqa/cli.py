"""The `maqa` console script: Django's management commands under one name.

maqa's own commands are spelt with hyphens (`maqa audit-trail verify`); the underscore spelling
that Django uses for module names works too.

In a development checkout the command uses the generated development secrets without being told
(see :func:`development_checkout`); gunicorn (config.wsgi) never does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

# The project's directory when maqa runs from a source tree (pyproject.toml beside maqa/).
SOURCE_DIR = Path(__file__).resolve().parent.parent

# Any of these in the environment says "these are the real settings": the command then uses them
# as they are, and refuses to start without secrets when DEBUG is off (config/settings.py).
PRODUCTION_SIGNS = (
    "DEBUG",
    "MAQA_DEV_SECRETS",
    "SECRET_KEY",
    "AUDIT_HMAC_KEY",
    "IDENTIFIER_KEYS",
    "DATABASE_URL",
)


def development_checkout(source_dir: Path, environ: Mapping[str, str]) -> bool:
    """Whether this is a developer's checkout, where the generated secrets may be used.

    True when the code runs from a git checkout (``.git`` and ``pyproject.toml`` in
    ``source_dir``) and the environment sets none of :data:`PRODUCTION_SIGNS` (an empty value
    counts as unset). A production server also runs from a checkout (docs/operations.md), but
    its environment sets ``DEBUG=false``, the secrets and ``DATABASE_URL``; so the generated
    secrets only ever go with a database in ``MAQA_VAR_DIR``, never with a production one.
    """
    if not ((source_dir / ".git").exists() and (source_dir / "pyproject.toml").is_file()):
        return False
    return not any(environ.get(name) for name in PRODUCTION_SIGNS)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if development_checkout(SOURCE_DIR, os.environ):
        # Read by config/settings.py; inherited by the processes a command starts.
        os.environ["MAQA_DEV_SECRETS"] = "true"
        var_dir = Path(os.environ.get("MAQA_VAR_DIR") or SOURCE_DIR / "var")
        if not (var_dir / "secret_key").exists():
            # Said once, when they are made: on a server run without its settings, this is
            # the hint that it is not using them (docs/operations.md).
            sys.stderr.write(
                f"maqa: a development checkout with no secrets set: generating development "
                f"secrets into {var_dir} (docs/development.md)\n"
            )
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
