"""Reading a briefing in a child process, within limits on time, memory and size.

``parse_in_child`` runs ``parse_briefing`` in a forked child with an address-space limit and a
hard timeout (the child is killed when it runs over), after refusing files larger than 20 MB.
The PDF and Word readers refuse, in the child, PDFs of more than 300 pages, encrypted PDFs and
Word files that would unpack beyond 100 MB. Everything refused raises ``ParseRefused`` with a
message naming the problem. The parser is pure: the child touches no database connection (it
leaves with ``os._exit``, so nothing inherited from the parent is closed or flushed).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any, cast

from maqa.briefings.types import BriefingRecord
from maqa.core.errors import ApplicationError
from maqa.importers.formats import MAX_PAGES, MAX_UNPACKED_BYTES, UnsupportedDocument
from maqa.importers.parse import parse_briefing

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 30.0
MEMORY_MB = 512

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "MAX_UNPACKED_BYTES",
    "MEMORY_MB",
    "TIMEOUT",
    "ParseCrashed",
    "ParseRefused",
    "parse_in_child",
]

Parser = Callable[[bytes, str], BriefingRecord]


class ParseRefused(ApplicationError):
    """A document maqa will not read. ``kind``: unsupported, size, time, memory or crashed;
    ``reason``: the problem on its own ("an image: ...", "it took longer than 30 s")."""

    def __init__(self, message: str, *, kind: str, reason: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = reason


class ParseCrashed(ParseRefused):
    """The reader failed on the document in a way it does not document (a bug, or a limit)."""


def _refused(kind: str, reason: str) -> ParseRefused:
    if kind == "unsupported":
        return ParseRefused(f"maqa cannot read this document: it is {reason}.", kind=kind, reason=reason)  # fmt: skip
    return ParseRefused(f"maqa stopped reading this document: {reason}.", kind=kind, reason=reason)


def _virtual_size() -> int:
    """This process's address space now, in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child(conn: Any, parser: Parser, data: bytes, filename: str, memory_mb: int) -> None:
    try:
        # The forked child starts as large as its parent: it may use memory_mb more than that.
        limit = _virtual_size() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            conn.send(("ok", parser(data, filename)))
        except UnsupportedDocument as exc:
            conn.send(("unsupported", str(exc)))
        except MemoryError:
            conn.send(("memory", ""))
        except Exception as exc:
            conn.send(("crashed", exc.__class__.__name__))
    except MemoryError:
        pass  # no room even to answer: the parent sees an empty pipe and a dead child
    finally:
        conn.close()


def parse_in_child(
    data: bytes,
    filename: str = "",
    *,
    timeout: float = TIMEOUT,
    memory_mb: int = MEMORY_MB,
    parser: Parser | None = None,
) -> BriefingRecord:
    """The briefing record of ``data``, read in a child process; ``ParseRefused`` otherwise.

    ``parser`` is ``parse_briefing`` unless given (tests pass another)."""
    if len(data) > MAX_BYTES:
        raise _refused("size", f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(send, parser or parse_briefing, data, filename, memory_mb),
        daemon=True,
    )
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise _refused("time", f"it took longer than {timeout:g} s")
        try:
            status, value = receive.recv()
        except (EOFError, OSError):
            child.join(5)
            raise ParseCrashed(
                "maqa stopped reading this document: the reader stopped without an answer "
                f"(it may have needed more than {memory_mb} MB of memory).",
                kind="crashed",
                reason=f"the reader stopped (exit code {child.exitcode})",
            ) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
        if child.exitcode is not None:
            child.close()
    if status == "ok":
        return cast(BriefingRecord, dict(value))  # what the parser returned, through the pipe
    if status == "unsupported":
        raise _refused("unsupported", value)
    if status == "memory":
        raise _refused("memory", f"it needed more than {memory_mb} MB of memory")
    raise ParseCrashed(
        "maqa could not read this document: its layout defeated the reader. Try saving it in "
        "another format (PDF, Word or plain text).",
        kind="crashed",
        reason=f"the reader failed ({value})",
    )
