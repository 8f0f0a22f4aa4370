"""Full text on SQLite: the FTS5 table ``search_fts`` (porter stemming), ranked by bm25."""

# ruff: noqa: S608 -- the SQL is assembled from constants and %s placeholders only: the query
# words, filters and ids are always parameters.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from maqa.search.query import ParsedQuery
from maqa.search.types import CANDIDATES, COUNT_CAP, Hit

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
    any_term: bool = False,
) -> tuple[list[Hit], int]:
    """The page of documents matching the query and ``where`` (about ``d``), best first, and
    how many match in all, counted up to COUNT_CAP + 1 only."""
    match = query.fts5(any_word=any_word, any_term=any_term)
    score = f"bm25(search_fts, {WEIGHTS})"
    with connection.cursor() as cursor:
        # First the best CANDIDATES matches of the whole index (FTS5 keeps only the top ones
        # as it ranks), then the person's: enough whenever they fill the page. The common
        # case for a word found in thousands of documents, most of them visible.
        hits: list[Hit] = []
        if offset + limit <= CANDIDATES // 2:
            cursor.execute(
                "SELECT d.id, d.kind, d.object_id, d.audit_id, c.rank FROM ("
                f"SELECT rowid, {score} AS rank FROM search_fts WHERE search_fts MATCH %s "
                "ORDER BY rank, rowid LIMIT %s) AS c "
                "CROSS JOIN search_searchdocument d ON d.id = c.rowid "
                f"WHERE {where} ORDER BY c.rank, d.id LIMIT %s OFFSET %s",
                [match, CANDIDATES, *params, limit, offset],
            )
            hits = [Hit(r[0], r[1], r[2], r[3], -float(r[4])) for r in cursor.fetchall()]
        if len(hits) < limit:
            # CROSS JOIN: SQLite keeps this order, so the FTS index drives the query (left to
            # choose, it may scan the documents and test MATCH row by row: 100 times slower).
            cursor.execute(
                f"SELECT d.id, d.kind, d.object_id, d.audit_id, {score} AS rank "
                "FROM search_fts CROSS JOIN search_searchdocument d ON d.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s AND ({where}) ORDER BY rank, d.id LIMIT %s OFFSET %s",
                [match, *params, limit, offset],
            )
            hits = [Hit(r[0], r[1], r[2], r[3], -float(r[4])) for r in cursor.fetchall()]
            if offset == 0 and len(hits) < limit:
                return hits, len(hits)
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_fts CROSS JOIN search_searchdocument d "
            f"ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND ({where}) LIMIT %s)",
            [match, *params, COUNT_CAP + 1],
        )
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
