"""`maqa --help`: every management command with its one-line description."""

from __future__ import annotations

import contextlib

import django
from django.core.management import get_commands, load_command_class

# Django's own commands that do not fit maqa's accounts (no superusers: use create-partnership).
HIDDEN = {"createsuperuser", "changepassword"}


def command_summaries() -> list[tuple[str, str, str]]:
    """(group, name, first line of help) for each command; maqa's own come first."""
    django.setup()
    rows = []
    for name, app in get_commands().items():
        if name in HIDDEN:
            continue
        try:
            command = load_command_class(app, name)
            summary = (command.help or "").strip().splitlines()[0] if command.help else ""
        except Exception as exc:  # a broken third-party command must not hide the rest
            summary = f"(cannot load: {exc.__class__.__name__})"
        if app.startswith("maqa"):
            rows.append(("maqa", name.replace("_", "-"), summary))
        else:
            group = "django" if app.startswith("django") else app.split(".")[0]
            rows.append((group, name, summary))
    rows.sort(key=lambda row: (row[0] != "maqa", row[0], row[1]))
    return rows


def print_help() -> None:
    lines = ["Usage: maqa COMMAND [options]   (maqa help COMMAND for a command's options)"]
    current = None
    for group, name, summary in command_summaries():
        if group != current:
            lines.append(f"\n{group} commands:")
            current = group
        lines.append(f"  {name:<26} {summary}")
    with contextlib.suppress(BrokenPipeError):
        print("\n".join(lines))
