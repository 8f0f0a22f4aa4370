"""Scoring parsed records with ../shared's scorer, run as the evaluation runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from maqa.briefings.types import BriefingRecord

DOCUMENTS = Path(__file__).resolve().parent / "documents"


def score(
    shared: Path,
    expected: Mapping[str, Mapping[str, Any]],
    parsed: Mapping[str, BriefingRecord],
    work: Path,
) -> dict[str, float]:
    """Per-document scores from ``eval/score_records.py`` (a subprocess on two folders of JSON)."""
    expected_dir, parsed_dir = work / "expected", work / "parsed"
    expected_dir.mkdir(parents=True, exist_ok=True)
    parsed_dir.mkdir(parents=True, exist_ok=True)
    for name, record in expected.items():
        (expected_dir / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    for name, record in parsed.items():
        (parsed_dir / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            str(shared / "eval" / "score_records.py"),
            str(expected_dir),
            str(parsed_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {m[1]: float(m[2]) for m in re.finditer(r"^(\S+): (\d\.\d+)", done.stdout, re.M)}


def document(name: str) -> bytes:
    return (DOCUMENTS / name).read_bytes()
