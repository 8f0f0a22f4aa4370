"""Small value types shared by the search modules."""

from __future__ import annotations

from typing import NamedTuple


class Hit(NamedTuple):
    doc_id: int
    kind: str
    object_id: int
    audit_id: int | None
    score: float
