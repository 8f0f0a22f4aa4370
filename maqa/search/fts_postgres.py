"""Full text on PostgreSQL: the generated ``tsv`` column (english configuration, GIN index),
ranked by ts_rank, excerpts by ts_headline."""

# ruff: noqa: S608 -- the SQL is assembled from constants and %s placeholders only: the query
# words, filters and ids are always parameters.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from maqa.search.query import ParsedQuery
from maqa.search.types import COUNT_CAP, Hit

OPEN, CLOSE = "\x02", "\x03"
HEADLINE = f'StartSel="{OPEN}", StopSel="{CLOSE}", MaxWords=35, MinWords=15, ShortWord=0'


def tsquery(
    query: ParsedQuery, *, any_word: bool = False, any_term: bool = False
) -> tuple[str, list[str]]:
    """A tsquery expression built from the words and phrases, passed as parameters only."""
    parts = ["plainto_tsquery('english', %s)"] * len(query.words)
    params = list(query.words)
    if any_word:
        parts = ["plainto_tsquery('english', %s)"] * len(query.all_words)
        params = list(query.all_words)
    else:
        parts += ["phraseto_tsquery('english', %s)"] * len(query.phrases)
        params += [" ".join(p) for p in query.phrases]
    joiner = " || " if any_word or any_term else " && "
    return "(" + joiner.join(parts) + ")", params


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
    expression, query_params = tsquery(query, any_word=any_word, any_term=any_term)
    base = (
        f"FROM search_searchdocument d, (SELECT {expression} AS q) AS tq "
        f"WHERE d.tsv @@ q AND ({where})"
    )
    with connection.cursor() as cursor:
        # One scan ranks and counts: PostgreSQL reads every match to rank it anyway, so the
        # window count costs nothing more (a second, counting query would scan again).
        cursor.execute(
            f"SELECT d.id, d.kind, d.object_id, d.audit_id, ts_rank(d.tsv, q) AS rank, "
            f"count(*) OVER () {base} ORDER BY rank DESC, d.id LIMIT %s OFFSET %s",
            [*query_params, *params, limit, offset],
        )
        rows = cursor.fetchall()
        hits = [Hit(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]
        if rows:
            return hits, min(int(rows[0][5]), COUNT_CAP + 1)
        if offset == 0:
            return hits, 0
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 {base} LIMIT %s) AS capped",
            [*query_params, *params, COUNT_CAP + 1],
        )
        row = cursor.fetchone()
    return hits, int(row[0]) if row else 0


def snippets(query: ParsedQuery, doc_ids: Sequence[int]) -> dict[int, str]:
    if not doc_ids:
        return {}
    expression, query_params = tsquery(query, any_word=True)
    marks = ", ".join(["%s"] * len(doc_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id, ts_headline('english', d.body, q, %s) "
            f"FROM search_searchdocument d, (SELECT {expression} AS q) AS tq WHERE d.id IN ({marks})",
            [HEADLINE, *query_params, *doc_ids],
        )
        return {int(r[0]): str(r[1] or "") for r in cursor.fetchall()}
