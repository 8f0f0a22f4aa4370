from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.importers.guard import ParseRefused, parse_in_child


class Command(BaseCommand):
    help = (
        "Print the briefing record of one document (.txt, .md, .pdf, .docx, .html) as JSON. "
        "It is read in a child process limited to 30 s, 512 MB of memory, 20 MB and 300 pages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help="the briefing to read; its format is told from its content ('-' reads stdin)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        data = sys.stdin.buffer.read() if name == "-" else _read(Path(name))
        try:
            record = parse_in_child(data, "" if name == "-" else Path(name).name)
        except ParseRefused as exc:
            raise CommandError(f"{name}: cannot read this document: {exc.reason}") from exc
        self.stdout.write(json.dumps(record, indent=2, ensure_ascii=False))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise CommandError(f"{path}: permission denied") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read it ({exc.strerror or exc})") from None
