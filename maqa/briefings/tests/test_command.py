from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from maqa.briefings.management.commands.render_briefing import Command
from maqa.briefings.tests.helpers import pdf_pages

MAQA = str(Path(sys.executable).parent / "maqa")


@pytest.fixture
def record_file(tmp_path, record) -> Path:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(Command(), *args, stdout=out)
    return out.getvalue()


def test_the_app_is_installed_so_the_command_exists():
    assert "maqa.briefings" in settings.INSTALLED_APPS, (
        "add maqa.briefings to INSTALLED_APPS in config/settings.py"
    )


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_it_renders_each_format(record_file, tmp_path, fmt):
    out = tmp_path / f"briefing.{fmt}"
    message = run(str(record_file), "--format", fmt, "-o", str(out))
    assert message.startswith(f"Wrote {out} ({fmt.upper()},")
    data = out.read_bytes()
    if fmt == "html":
        assert data.startswith(b"<!DOCTYPE html>")
    elif fmt == "pdf":
        assert data.startswith(b"%PDF-") and len(pdf_pages(data)) >= 1
    else:
        assert docx.Document(io.BytesIO(data)).paragraphs


def test_the_format_comes_from_the_extension(record_file, tmp_path, logo_file):
    out = tmp_path / "briefing.pdf"
    run(str(record_file), "-o", str(out), "--logo", str(logo_file))
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes"),
        ("[1, 2]", "The record must be a JSON object"),
        (
            json.dumps({"theme": "T", "children": {"count": "ten"}}),
            "children.count must be a whole number",
        ),
    ],
)
def test_a_bad_record_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "record.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "-o", str(tmp_path / "out.pdf"))
    assert not (tmp_path / "out.pdf").exists()


def test_an_unknown_output_type_and_a_missing_file_are_clear_errors(tmp_path, record_file):
    with pytest.raises(CommandError, match="Say which format"):
        run(str(record_file), "-o", str(tmp_path / "out.txt"))
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.json"), "-o", str(tmp_path / "out.pdf"))
    with pytest.raises(CommandError, match="no such file"):
        run(str(record_file), "-o", str(tmp_path / "o.pdf"), "--logo", str(tmp_path / "x.png"))


def test_a_logo_that_is_not_an_image_is_a_clear_error(tmp_path, record_file):
    fake = tmp_path / "logo.png"
    fake.write_text("not an image")
    with pytest.raises(CommandError, match="PNG or JPEG"):
        run(str(record_file), "-o", str(tmp_path / "o.docx"), "--logo", str(fake))


def test_the_maqa_command_renders_and_reports_errors_without_a_traceback(tmp_path, record_file):
    out = tmp_path / "briefing.docx"
    done = subprocess.run(
        [MAQA, "render-briefing", str(record_file), "--format", "docx", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists()
    bad = tmp_path / "bad.json"
    bad.write_text('{"theme": "T", "worries": "one"')
    failed = subprocess.run(
        [MAQA, "render-briefing", str(bad), "-o", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert failed.stderr.startswith("CommandError: ")
    assert "is not valid JSON" in failed.stderr
