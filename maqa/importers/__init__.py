"""Importing documents into maqa: briefings parsed into records (see docs/parse-briefing.md)."""

from maqa.importers.formats import UnsupportedDocument, detect_format
from maqa.importers.parse import parse_briefing

__all__ = ["UnsupportedDocument", "detect_format", "parse_briefing"]
