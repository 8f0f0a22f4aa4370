"""Semantic matching, when the maqa[ml] extra is installed: see maqa.search.embeddings_index."""

from __future__ import annotations

from functools import cache
from typing import Any

from maqa.search.query import ParsedQuery
from maqa.search.types import Hit

FULL_TEXT = "full text"


@cache
def active() -> bool:
    return False


def mode_label() -> str:
    return FULL_TEXT


def ranked(
    backend: Any, query: ParsedQuery, where: str, params: list[Any], *, limit: int, offset: int
) -> tuple[list[Hit], int]:
    hits, total = backend.ranked(query, where, params, limit=limit, offset=offset)
    return hits, total
