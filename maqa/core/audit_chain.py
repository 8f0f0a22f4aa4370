"""The audit trail's HMAC chain: appending events and verifying that nobody rewrote history.

Each event's HMAC covers its own content (including its sequence number) and the previous
event's HMAC. The key lives in the environment, not the database, so a person with database access
alone cannot alter, delete or insert an event without ``verify_chain`` naming it. Deleting events
from the end leaves a valid shorter chain; a checkpoint (sequence number and HMAC of the head,
kept elsewhere) catches that.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from maqa.core.models import AuditEvent

GENESIS = "0" * 64


def event_content(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "partnership": event.partnership_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "ip": event.ip_address or "",
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "summary": event.summary,
    }


def compute_hmac(event: AuditEvent, prev_hmac: str, key: str | None = None) -> str:
    payload = json.dumps(
        event_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    message = f"{prev_hmac}\n{payload}".encode()
    secret = (key or settings.AUDIT_HMAC_KEY).encode()
    return hmac_lib.new(secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Problem:
    kind: str  # "altered", "deleted", "inserted", "truncated"
    seq: int
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hmac: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hmac}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        seq, sep, mac = text.strip().partition(":")
        if not sep or not seq.isdigit() or len(mac) != 64:
            raise ValueError("A checkpoint looks like 1234:<64 hex characters>.")
        return cls(int(seq), mac.lower())


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    head: Checkpoint | None
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain(checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Walk the whole chain in order and name the first event that breaks it."""
    prev_mac = GENESIS
    expected_seq = 1
    checked = 0
    head: Checkpoint | None = None
    checkpoint_seen = False
    events = _events()
    current = next(events, None)
    while current is not None:
        following = next(events, None)
        checked += 1
        if not hmac_lib.compare_digest(compute_hmac(current, current.prev_hmac), current.hmac):
            if following is not None and following.prev_hmac == prev_mac:
                problem = Problem(
                    "inserted",
                    current.seq,
                    f"event #{current.seq} was inserted: it does not verify and the next "
                    "event chains to the one before it",
                )
            else:
                problem = Problem(
                    "altered", current.seq, f"event #{current.seq} was altered (its HMAC fails)"
                )
            return VerifyResult(checked, head, problem)
        if current.prev_hmac != prev_mac or current.seq != expected_seq:
            problem = Problem(
                "deleted",
                current.seq,
                f"events are missing before event #{current.seq} "
                f"(expected #{expected_seq} to precede it)",
            )
            return VerifyResult(checked, head, problem)
        if checkpoint is not None and current.seq == checkpoint.seq:
            checkpoint_seen = True
            if not hmac_lib.compare_digest(current.hmac, checkpoint.hmac):
                problem = Problem(
                    "altered",
                    current.seq,
                    f"event #{current.seq} does not match the checkpoint: history was rewritten",
                )
                return VerifyResult(checked, head, problem)
        prev_mac = current.hmac
        expected_seq = current.seq + 1
        head = Checkpoint(current.seq, current.hmac)
        current = following
    if checkpoint is not None and not checkpoint_seen:
        last = head.seq if head else 0
        problem = Problem(
            "truncated",
            checkpoint.seq,
            f"the chain ends at event #{last} but the checkpoint names event #{checkpoint.seq}: "
            "events were deleted from the end",
        )
        return VerifyResult(checked, head, problem)
    return VerifyResult(checked, head, None)
