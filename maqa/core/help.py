"""`maqa --help`: every management command with its one-line description."""

from __future__ import annotations

import argparse
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


def commands_markdown() -> str:
    """docs/commands.md, generated from the commands themselves (`make docs` rewrites it)."""
    import os
    from unittest import mock

    django.setup()
    parts = [
        "# maqa commands\n",
        "Generated from the code by `make docs`; a test fails when this file is out of date.\n",
        "Run any of them as `.venv/bin/maqa COMMAND` (or `maqa COMMAND` with the venv active).",
        "Django's own commands (`migrate`, `runserver`, `collectstatic`, `check`, ...) are there",
        "too: `maqa --help` lists everything.\n",
    ]
    commands = {name: app for name, app in get_commands().items() if app.startswith("maqa")}
    with mock.patch.dict(os.environ, {"COLUMNS": "100"}):
        for name in sorted(commands):
            command = load_command_class(commands[name], name)
            hyphenated = name.replace("_", "-")
            parser = command.create_parser("maqa", hyphenated)
            parts.append(f"## maqa {hyphenated}\n")
            parts.append(f"{command.help}\n")
            parts.append("```\n" + parser.format_help().rstrip() + "\n```\n")
            for action in parser._actions:
                if not isinstance(action, argparse._SubParsersAction):
                    continue
                for sub_name, sub_parser in action.choices.items():
                    parts.append(f"### maqa {hyphenated} {sub_name}\n")
                    parts.append("```\n" + sub_parser.format_help().rstrip() + "\n```\n")
    return "\n".join(parts)
