"""Issue 4's round trip: a briefing maqa renders parses back into the record it came from.

For each expected seed record (../shared/seeds-expected), render the PDF and the Word document,
take their visible text alone (pdftotext for the PDF; the Word document's paragraphs, one a line,
list items prefixed "- ", as a person would copy them), write it as .txt, parse that with the
briefing import, and score the parsed records against the expected ones with
../shared/eval/score_records.py: the mean must be at least 0.98.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from maqa.briefings.render_docx import render_docx
from maqa.briefings.render_pdf import render_pdf
from maqa.briefings.tests.helpers import SEEDS, docx_text, pdftotext
from maqa.briefings.types import BriefingRecord

MIN_SCORE = 0.98


def parser() -> Callable[..., BriefingRecord]:
    """The briefing import's parser. Missing is a failure, not a skip: the round trip is the
    issue's acceptance test."""
    try:
        from maqa.importers.parse import parse_briefing
    except ImportError as exc:
        pytest.fail(
            f"maqa.importers not available ({exc}): the round trip needs the briefing import's "
            "maqa.importers.parse.parse_briefing(data: bytes, filename: str) -> dict"
        )
    return parse_briefing


def round_trip(
    shared_dir: Path, tmp_path: Path, render: Callable[[BriefingRecord], str]
) -> subprocess.CompletedProcess[str]:
    parse = parser()
    expected_dir = shared_dir / "seeds-expected"
    text_dir, parsed_dir = tmp_path / "text", tmp_path / "parsed"
    text_dir.mkdir()
    parsed_dir.mkdir()
    for name in SEEDS:
        record = json.loads((expected_dir / f"{name}.json").read_text())
        text_file = text_dir / f"{name}.txt"
        text_file.write_text(render(record), encoding="utf-8")
        parsed = parse(text_file.read_bytes(), filename=text_file.name)
        (parsed_dir / f"{name}.json").write_text(json.dumps(parsed, indent=2, ensure_ascii=False))
    return subprocess.run(
        [
            sys.executable,
            str(shared_dir / "eval" / "score_records.py"),
            str(expected_dir),
            str(parsed_dir),
            "--min",
            str(MIN_SCORE),
            "--verbose",
        ],
        capture_output=True,
        text=True,
    )


def test_the_pdf_parses_back_into_its_record(shared_dir, tmp_path):
    result = round_trip(shared_dir, tmp_path, lambda record: pdftotext(render_pdf(record)))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_word_document_parses_back_into_its_record(shared_dir, tmp_path):
    result = round_trip(shared_dir, tmp_path, lambda record: docx_text(render_docx(record)))
    assert result.returncode == 0, result.stdout + result.stderr
