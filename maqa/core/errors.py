"""The one application error type: services raise it, views show its message to the person."""

from __future__ import annotations


class ApplicationError(Exception):
    """A problem the person can fix, described in words they understand."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


RELOAD = "Reload the page and try again."


def checked_text(value: str | None, *, limit: int, what: str, field: str) -> str:
    """``value`` stripped, refused (naming the field) when longer than ``limit`` characters."""
    value = (value or "").strip()
    if len(value) > limit:
        raise ApplicationError(f"Keep {what} under {limit:,} characters.", field=field)
    return value


MAX_REASON = 2_000


def checked_reason(reason: str | None) -> str:
    """A reason that is kept in the audit trail: required, at most MAX_REASON characters."""
    reason = checked_text(reason, limit=MAX_REASON, what="the reason", field="reason")
    if not reason:
        raise ApplicationError("Give the reason: it is kept in the audit trail.", field="reason")
    return reason
