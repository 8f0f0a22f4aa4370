"""Matching by meaning, when the ``maqa[ml]`` extra is installed: sentence embeddings of
all-MiniLM-L6-v2 (:mod:`maqa.suggestions.embeddings`, onnxruntime, no torch).

A search then

1. takes the best CANDIDATES full-text matches of ANY of the words and phrases (not all of
   them), for the person, through the filters;
2. adds up to NEIGHBOURS documents that share no word with the query but whose stored
   embedding is close to the query's (cosine at least MIN_COSINE): one matrix product over
   every stored vector, then the access rules and filters on the closest NEIGHBOUR_POOL;
3. orders them by ``MEANING * cosine + (1 - MEANING) * full-text rank / best full-text rank``;
   further pages carry on with the full-text ranking.

The vectors live in ``search_documentembedding`` (:class:`maqa.search.models.DocumentEmbedding`),
filled by ``maqa search-index --embeddings``; a candidate with no vector (a new or changed
document) is embedded during the search, LAZY_MAX at a time. Each process keeps the vectors in
memory and reads only the new rows on later searches.

Without the extra, or with ``MAQA_SEARCH_SEMANTIC = False`` in the settings, none of this runs.
"""

# ruff: noqa: S608 -- the SQL is assembled from constants and %s placeholders only; the ids and
# values are parameters.

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection

from maqa.search.models import DocumentEmbedding
from maqa.search.query import ParsedQuery
from maqa.search.types import COUNT_CAP, Hit
from maqa.suggestions import embeddings as emb

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MODE = "full text + meaning (all-MiniLM-L6-v2)"
CANDIDATES = 200
NEIGHBOURS = 50
NEIGHBOUR_POOL = 400
MIN_COSINE = 0.25
MEANING = 0.6
LAZY_MAX = 32
# Below this many stored vectors, read them all on each search (no cache to go stale).
CACHE_FROM = 5000

_lock = threading.Lock()
_embedder: emb.MiniLMEmbedder | None = None


def unavailable_reason() -> str | None:
    """None when searches match by meaning here; otherwise why not."""
    if not getattr(settings, "MAQA_SEARCH_SEMANTIC", True):
        return "turned off (MAQA_SEARCH_SEMANTIC)"
    return emb.unavailable_reason()


def active() -> bool:
    return unavailable_reason() is None


def embedder() -> emb.MiniLMEmbedder:
    """The model, loaded once per process (a few seconds, the first time)."""
    global _embedder
    with _lock:
        if _embedder is None:
            _embedder = emb.MiniLMEmbedder()
        return _embedder


def document_text(title: str, body: str) -> str:
    title, body = (title or "").strip(), (body or "").strip()
    return f"{title}. {body}" if title and body else title or body


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _to_bytes(vector: NDArray[np.float32]) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


# --- the stored vectors, kept in memory ----------------------------------------------------------


@dataclass
class Vectors:
    keys: list[tuple[str, int]] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    rows: dict[tuple[str, int], int] = field(default_factory=dict)
    matrix: Any = None  # NDArray[np.float32], len(keys) x DIMENSION
    signature: tuple[str, int, int] = ("", 0, 0)


_vectors = Vectors()


def _signature() -> tuple[str, int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM search_documentembedding")
        row = cursor.fetchone()
    return str(connection.settings_dict["NAME"]), int(row[0]), int(row[1])


def stored_vectors() -> Vectors:
    """Every stored vector (with its key and text hash), read again only as far as needed: new
    rows are appended; anything else (a deletion, a re-embedded text) reads them all again."""
    import numpy as np

    global _vectors
    signature = _signature()
    current = _vectors
    if signature == current.signature and signature[1] >= CACHE_FROM:
        return current
    incremental = (
        current.matrix is not None
        and signature[0] == current.signature[0]
        and signature[1] >= CACHE_FROM
    )
    after = current.signature[2] if incremental else 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, object_id, text_hash, vector FROM search_documentembedding "
            "WHERE id > %s ORDER BY id",
            [after],
        )
        rows = cursor.fetchall()
    if incremental and signature[1] != len(current.keys) + len(rows):
        incremental, after = False, 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kind, object_id, text_hash, vector FROM search_documentembedding "
                "ORDER BY id"
            )
            rows = cursor.fetchall()
    keys = list(current.keys) if incremental else []
    hashes = list(current.hashes) if incremental else []
    for kind, object_id, digest, _ in rows:
        keys.append((str(kind), int(object_id)))
        hashes.append(str(digest))
    new = np.frombuffer(b"".join(bytes(r[3]) for r in rows), dtype="<f4").reshape(-1, emb.DIMENSION)
    matrix = np.vstack([current.matrix, new]) if incremental and len(rows) else new
    if incremental and not len(rows):
        matrix = current.matrix
    fresh = Vectors(keys, hashes, {k: i for i, k in enumerate(keys)}, matrix, signature)
    _vectors = fresh
    return fresh


def store(items: Sequence[tuple[str, int, str]], vectors: NDArray[np.float32]) -> None:
    """Save the vectors of (kind, object_id, text) items, replacing any older ones."""
    by_kind: dict[str, list[int]] = {}
    for kind, object_id, _ in items:
        by_kind.setdefault(kind, []).append(object_id)
    for kind, ids in by_kind.items():
        DocumentEmbedding.objects.filter(kind=kind, object_id__in=ids).delete()
    DocumentEmbedding.objects.bulk_create(
        [
            DocumentEmbedding(
                kind=kind, object_id=object_id, text_hash=text_hash(text), vector=_to_bytes(v)
            )
            for (kind, object_id, text), v in zip(items, vectors, strict=True)
        ]
    )


@dataclass(frozen=True)
class FillReport:
    documents: int
    embedded: int
    removed: int
    seconds: float


def fill(*, batch_size: int = 64, progress: Any = None) -> FillReport:
    """Embed every document with no vector or a stale one, and drop the vectors of documents
    that are gone (``maqa search-index --embeddings``)."""
    started = time.perf_counter()
    existing = dict(
        ((kind, object_id), digest)
        for kind, object_id, digest in DocumentEmbedding.objects.values_list(
            "kind", "object_id", "text_hash"
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, object_id, title, body FROM search_searchdocument")
        documents = cursor.fetchall()
    todo: list[tuple[str, int, str]] = []
    seen: set[tuple[str, int]] = set()
    for kind, object_id, title, body in documents:
        key = (str(kind), int(object_id))
        seen.add(key)
        text = document_text(title, body)
        if existing.get(key) != text_hash(text):
            todo.append((key[0], key[1], text))
    gone = [key for key in existing if key not in seen]
    for kind, object_id in gone:
        DocumentEmbedding.objects.filter(kind=kind, object_id=object_id).delete()
    model = embedder() if todo else None
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        assert model is not None
        store(chunk, model.embed([text for _, _, text in chunk], batch_size=batch_size))
        if progress:
            progress(min(start + batch_size, len(todo)), len(todo))
    return FillReport(len(documents), len(todo), len(gone), time.perf_counter() - started)


# --- the search ---------------------------------------------------------------------------------


def _documents(where: str, params: Sequence[Any], keys: Sequence[tuple[str, int]]) -> list[Any]:
    """The visible documents among the keys: (id, kind, object_id, audit_id, title, body)."""
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, []).append(object_id)
    if not by_kind:
        return []
    parts: list[str] = []
    key_params: list[Any] = []
    for kind, ids in by_kind.items():
        parts.append(f"(d.kind = %s AND d.object_id IN ({', '.join(['%s'] * len(ids))}))")
        key_params += [kind, *ids]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.kind, d.object_id, d.audit_id, d.title, d.body "
            f"FROM search_searchdocument d WHERE ({where}) AND ({' OR '.join(parts)})",
            [*params, *key_params],
        )
        return list(cursor.fetchall())


def _texts(doc_ids: Sequence[int]) -> dict[int, str]:
    if not doc_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title, body FROM search_searchdocument "
            f"WHERE id IN ({', '.join(['%s'] * len(doc_ids))})",
            list(doc_ids),
        )
        return {int(r[0]): document_text(r[1], r[2]) for r in cursor.fetchall()}


def ranked(
    query: ParsedQuery,
    where: str,
    params: Sequence[Any],
    *,
    limit: int,
    offset: int,
    backend: Any,
) -> tuple[list[Hit], int]:
    """The page of documents by words and meaning, best first, and how many there are (up to
    COUNT_CAP + 1)."""
    import numpy as np

    model = embedder()
    wanted = model.embed([query.text()])[0]
    candidates, word_total = backend.ranked(
        query, where, params, limit=CANDIDATES, offset=0, any_term=True
    )
    vectors = stored_vectors()
    texts = _texts([h.doc_id for h in candidates])
    cosine: dict[int, float] = {}
    missing: list[tuple[Hit, str]] = []
    for hit in candidates:
        text = texts.get(hit.doc_id, "")
        row = vectors.rows.get((hit.kind, hit.object_id))
        if row is not None and vectors.hashes[row] == text_hash(text):
            cosine[hit.doc_id] = float(vectors.matrix[row] @ wanted)
        else:
            missing.append((hit, text))
    if missing:  # new or changed documents: embed (a few) now, and keep them
        batch = missing[:LAZY_MAX]
        fresh = model.embed([text for _, text in batch])
        store([(h.kind, h.object_id, text) for h, text in batch], fresh)
        for (hit, _), vector in zip(batch, fresh, strict=True):
            cosine[hit.doc_id] = float(vector @ wanted)
    # Documents sharing no word: the closest stored vectors the person may see.
    neighbours: list[Hit] = []
    if vectors.matrix is not None and len(vectors.keys):
        similarity = vectors.matrix @ wanted
        pool = min(NEIGHBOUR_POOL, len(similarity))
        pooled = np.argpartition(-similarity, pool - 1)[:pool]
        closest = [int(i) for i in pooled if similarity[i] >= MIN_COSINE]
        known = {h.doc_id for h in candidates}
        rows = _documents(where, params, [vectors.keys[i] for i in closest])
        for doc_id, kind, object_id, audit_id, title, body in rows:
            row = vectors.rows[(str(kind), int(object_id))]
            if doc_id in known or vectors.hashes[row] != text_hash(document_text(title, body)):
                continue
            score = MEANING * float(similarity[row])
            neighbours.append(Hit(int(doc_id), str(kind), int(object_id), audit_id, score))
        neighbours.sort(key=lambda h: (-h.score, h.doc_id))
        neighbours = neighbours[:NEIGHBOURS]
    best = max((h.score for h in candidates), default=0.0) or 1.0
    blended = [
        h._replace(score=MEANING * cosine.get(h.doc_id, 0.0) + (1 - MEANING) * h.score / best)
        for h in candidates
    ] + neighbours
    blended.sort(key=lambda h: (-h.score, h.doc_id))
    page = blended[offset : offset + limit]
    total = len(blended)
    if word_total > len(candidates):  # more word matches than were re-ranked
        total = min(word_total + len(neighbours), COUNT_CAP + 1)
        if len(page) < limit:
            rest, _ = backend.ranked(
                query, where, params, limit=limit - len(page),
                offset=len(candidates) + max(0, offset - len(blended)), any_term=True,
            )  # fmt: skip
            shown = {h.doc_id for h in neighbours}
            page += [
                h._replace(score=(1 - MEANING) * h.score / best)
                for h in rest
                if h.doc_id not in shown
            ]
    return page, total
