"""The one application error type: services raise it, views show its message to the person."""

from __future__ import annotations


class ApplicationError(Exception):
    """A problem the person can fix, described in words they understand."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
