"""Taking a document in: whether its bytes can be imported at all, its name fit to show, its
SHA-256, its format, and reading it into a briefing record within limits (guard.py)."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata

from maqa.briefings.types import BriefingRecord
from maqa.importers.formats import UnsupportedDocument, detect_format
from maqa.importers.guard import ParseCrashed, ParseRefused, parse_in_child
from maqa.importers.parse import parse_briefing

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024


def display_name(filename: str) -> str:
    """A file name fit to show: its last part, without control characters, at most 255 long."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "unnamed file")[:255]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def refusal_of(data: bytes) -> str | None:
    """Why these bytes cannot be imported at all, or None."""
    if not data:
        return "the file is empty."
    if len(data) > MAX_BYTES:
        return f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB."
    try:
        detect_format(data)
    except UnsupportedDocument as exc:
        return f"maqa cannot read this document: it is {exc}."
    return None


def read_record(data: bytes, filename: str) -> tuple[BriefingRecord | None, str]:
    """(the record, "") or (None, why it could not be read). Never raises.

    The document is read in a child process within limits on time, memory and size (guard.py);
    a refused document is never saved."""
    try:
        return parse_in_child(data, filename, parser=parse_briefing), ""
    except ParseCrashed as exc:
        logger.error("reading an imported briefing failed: %s", exc.reason)
        return None, exc.message
    except ParseRefused as exc:
        return None, exc.message
    except Exception:
        logger.exception("reading an imported briefing failed")
        return None, (
            "maqa could not read this document: its layout defeated the reader. Try saving it in "
            "another format (PDF, Word or plain text)."
        )


def format_of(data: bytes) -> str:
    try:
        return detect_format(data)
    except UnsupportedDocument:
        return ""
