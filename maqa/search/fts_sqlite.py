"""Full text on SQLite: the FTS5 table ``search_fts`` (porter stemming), ranked by bm25."""

# ruff: noqa: S608 -- the SQL is assembled from constants and %s placeholders only: the query
# words, filters and ids are always parameters.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from maqa.search.query import ParsedQuery
from maqa.search.types import Hit

OPEN, CLOSE = "\x02", "\x03"
# bm25 weights of the columns: a title (an audit's theme, a resource's title) counts more.
WEIGHTS = "5.0, 1.0"


def ranked(
    query: ParsedQuery,
    where: str,
    params: Sequence[Any],
    *,
    limit: int,
    offset: int,
    any_word: bool = False,
) -> tuple[list[Hit], int]:
    """The page of documents matching the query and ``where`` (about ``d``), best first, and
    how many match in all."""
    match = query.fts5(any_word=any_word)
    # CROSS JOIN: SQLite keeps this order, so the FTS index drives the query (left to choose,
    # it may scan the documents and test MATCH row by row: 100 times slower for a count).
    base = (
        "FROM search_fts CROSS JOIN search_searchdocument d ON d.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND ({where})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id, d.kind, d.object_id, d.audit_id, bm25(search_fts, {WEIGHTS}) AS rank "
            f"{base} ORDER BY rank, d.id LIMIT %s OFFSET %s",
            [match, *params, limit, offset],
        )
        hits = [Hit(r[0], r[1], r[2], r[3], -float(r[4])) for r in cursor.fetchall()]
        if offset == 0 and len(hits) < limit:
            return hits, len(hits)
        cursor.execute(f"SELECT count(*) {base}", [match, *params])
        row = cursor.fetchone()
    return hits, int(row[0]) if row else 0


def snippets(query: ParsedQuery, doc_ids: Sequence[int]) -> dict[int, str]:
    """Marked excerpts (OPEN ... CLOSE around each matched term) of the given documents."""
    if not doc_ids:
        return {}
    marks = ", ".join(["%s"] * len(doc_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, snippet(search_fts, 1, %s, %s, '…', 24) FROM search_fts "
            f"WHERE search_fts MATCH %s AND rowid IN ({marks})",
            [OPEN, CLOSE, query.fts5(any_word=True), *doc_ids],
        )
        return {int(r[0]): str(r[1] or "") for r in cursor.fetchall()}
