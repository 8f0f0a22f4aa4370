"""Running a search on someone's behalf: the search itself, and its audit event.

The event records that a search ran, with its filters and how many results it found, but not
the words typed: a query may hold a child's name typed by mistake, and the audit trail keeps
no identifiers. It records the query's length, its number of words and phrases, and a keyed
hash (HMAC-SHA256 with the site's secret key, first 16 hex digits): someone holding the key can
check whether a given query was run, and nobody can read it back. See the search ADR.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from django.conf import settings

from maqa.accounts.models import User
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.search.selectors import SearchResults, search


def query_fingerprint(query: str) -> str:
    key = settings.SECRET_KEY.encode()
    normalised = " ".join(query.split()).casefold().encode()
    return hmac.new(key, b"maqa.search:" + normalised, hashlib.sha256).hexdigest()[:16]


def search_run(
    *,
    actor: User,
    ip: str | None,
    query: str,
    themes: Sequence[str] = (),
    polarity: str | None = None,
    year: int | None = None,
    agency: int | None = None,
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    channel: str = "page",
) -> SearchResults:
    results = search(
        actor, query, themes=themes, polarity=polarity, year=year, agency=agency, kinds=kinds,
        limit=limit, offset=offset,
    )  # fmt: skip
    audit_record(
        action=AuditEvent.Action.VIEWED,
        actor=actor,
        ip=ip,
        object_type="search",
        object_label="search",
        summary={
            "search": channel,
            "query_hmac": query_fingerprint(query),
            "query_length": len(query),
            "words": len(results.query.words),
            "phrases": len(results.query.phrases),
            "themes": list(themes),
            "polarity": polarity or "",
            "year": year,
            "agency": agency,
            "kinds": list(results.kinds),
            "offset": results.offset,
            "results": results.total,
            "mode": results.mode,
        },
    )
    return results
