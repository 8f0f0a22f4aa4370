from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maqa.briefings.record import InvalidRecord, validate_record
from maqa.briefings.types import BriefingRecord

FORMATS = ("html", "pdf", "docx")


class Command(BaseCommand):
    help = (
        "Render a briefing record (JSON) as an HTML page, a PDF or a Word document.\n\n"
        "The record format is described in docs/briefings.md. The format comes from --format, "
        "or else from the output file's extension."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("record", metavar="RECORD.json", help="the briefing record to render")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="html, pdf or docx (default: from the extension of -o)",
        )
        parser.add_argument(
            "-o", "--output", metavar="OUT", required=True, help="the file to write"
        )
        parser.add_argument(
            "--logo", metavar="IMAGE", help="the partnership's logo, a PNG or JPEG file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["record"])
        output = Path(options["output"])
        fmt = options["format"] or output.suffix.lower().lstrip(".")
        if fmt == "htm":
            fmt = "html"
        if fmt not in FORMATS:
            raise CommandError(
                f"Say which format to write with --format {'|'.join(FORMATS)} "
                f"(the output name {output.name!r} does not end in .html, .pdf or .docx)."
            )
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"{source}: no such file.") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{source}: cannot read it as UTF-8 text ({exc}).") from exc
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc
        problems = validate_record(record)
        if problems:
            raise CommandError(
                f"{source} is not a briefing record that can be rendered:\n  - "
                + "\n  - ".join(problems)
            )
        logo = Path(options["logo"]) if options.get("logo") else None
        if logo is not None and not logo.is_file():
            raise CommandError(f"{logo}: no such file.")

        try:
            data = self._render(record, fmt, logo)
        except InvalidRecord as exc:  # validate_record passed, so this should not happen
            raise CommandError(str(exc)) from exc
        except ValueError as exc:  # a logo that is not a PNG or JPEG
            raise CommandError(str(exc)) from exc
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from exc
        self.stdout.write(f"Wrote {output} ({fmt.upper()}, {len(data) / 1024:.1f} KB).")

    def _render(self, record: BriefingRecord, fmt: str, logo: Path | None) -> bytes:
        if fmt == "html":
            from maqa.briefings.render_html import render_html

            return render_html(record, logo=logo.read_bytes() if logo else None).encode("utf-8")
        if fmt == "pdf":
            from maqa.briefings.render_pdf import render_pdf

            return render_pdf(record, logo_path=logo)
        from maqa.briefings.render_docx import render_docx

        return render_docx(record, logo_path=logo)
