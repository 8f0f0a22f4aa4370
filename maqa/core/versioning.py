"""Stale saves refused, one way everywhere.

Every row two people can edit carries a ``version``. A form sends the version it was read at;
the service either locks the row and compares (``locked_at_version``) or updates it only while
the version is still the one read (``claim_version``). Either way a stale save raises an
ApplicationError and writes nothing: it is never silently applied over someone else's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F, Manager, Model, QuerySet

from maqa.core.errors import ApplicationError

M = TypeVar("M", bound=Model)

Stale = str | Callable[[Any], ApplicationError]


def _refusal(stale: Stale, current: Any) -> ApplicationError:
    return ApplicationError(stale) if isinstance(stale, str) else stale(current)


def locked_at_version(rows: QuerySet[M] | Manager[M], pk: int, version: int, stale: Stale) -> M:
    """The row, locked for update (inside a transaction), if it is still at ``version``.

    ``stale`` is the message, or a function of the current row (None when it is gone) giving
    the error, for refusals that show what changed."""
    # Only this table's row is locked (of=self): PostgreSQL refuses FOR UPDATE on the nullable
    # side of an outer join, which a default ordering through a nullable foreign key makes.
    current = rows.select_for_update(of=("self",)).filter(pk=pk).first()
    if current is None or getattr(current, "version", None) != version:
        raise _refusal(stale, current)
    return current


def claim_version(
    rows: QuerySet[M] | Manager[M], pk: int, version: int, stale: Stale, **fields: Any
) -> int:
    """Write ``fields`` and the next version only if the row is still at ``version``; the new
    version. One conditional UPDATE: no lock is held while the person's form was open."""
    updated = rows.filter(pk=pk, version=version).update(version=F("version") + 1, **fields)
    if updated != 1:
        raise _refusal(stale, rows.filter(pk=pk).first())
    return version + 1
