"""Small value types shared by the search modules."""

from __future__ import annotations

from typing import NamedTuple

# Matches are counted up to COUNT_CAP + 1: past it the page says "more than 1,000".
COUNT_CAP = 1000
# How many of the best matches of the whole index are ranked first (see fts_sqlite.ranked).
CANDIDATES = 400


class Hit(NamedTuple):
    doc_id: int
    kind: str
    object_id: int
    audit_id: int | None
    score: float
