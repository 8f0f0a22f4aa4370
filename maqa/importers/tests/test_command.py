"""`maqa parse-briefing FILE`: the record as JSON on standard output, clear errors otherwise."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from maqa.importers.management.commands.parse_briefing import Command
from maqa.importers.tests.helpers import DOCUMENTS

MAQA = str(Path(sys.executable).parent / "maqa")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(Command(), *args, stdout=out)
    return out.getvalue()


def test_the_app_is_installed_so_the_command_exists():
    assert "maqa.importers" in settings.INSTALLED_APPS


def test_its_help_is_one_line():
    assert "\n" not in Command.help.strip()


def test_it_prints_the_record_as_indented_json_keeping_non_ascii_characters():
    output = run(str(DOCUMENTS / "markdown.md"))
    record = json.loads(output)
    assert record["source"] == "markdown.md"
    assert record["theme"] == "Voice of the Child"
    assert output.startswith('{\n  "source"')
    assert "Children's Social Care" in output


def test_it_keeps_typographic_characters_as_they_are(tmp_path):
    path = tmp_path / "briefing.txt"
    path.write_text(
        "Strengths\n\n\u2022 Children\u2019s voices heard \u2013 every visit\n", encoding="utf-8"
    )
    output = run(str(path))
    assert "Children\u2019s voices heard \u2013 every visit" in output


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: tmp / "missing.txt", "no such file"),
        (lambda tmp: tmp, "is a folder"),
    ],
)
def test_an_unreadable_path_is_a_clear_error(tmp_path, make, says):
    with pytest.raises(CommandError, match=says):
        run(str(make(tmp_path)))


def test_an_unsupported_document_is_a_clear_error(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(CommandError, match="cannot read this document: an image"):
        run(str(path))


def test_the_console_script_prints_json_and_fails_without_a_traceback(tmp_path):
    done = subprocess.run(
        [MAQA, "parse-briefing", str(DOCUMENTS / "slides.txt")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["theme"] == "Exploitation"
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    failed = subprocess.run([MAQA, "parse-briefing", str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "cannot read this document" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_it_reads_standard_input_when_the_file_is_a_dash():
    done = subprocess.run(
        [MAQA, "parse-briefing", "-"],
        input=b"Concerns\n\n- Drift in plans\n",
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["worries"] == ["Drift in plans"]
