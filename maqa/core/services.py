"""Writing audit events. Every service that changes or shows case data calls ``audit_record``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from maqa.core.audit_chain import compute_hmac
from maqa.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from maqa.accounts.models import User
    from maqa.organisations.models import Partnership


def audit_record(
    *,
    action: str,
    actor: User | None,
    ip: str | None = None,
    partnership: Partnership | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    summary: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    The chain head row is locked for the rest of the transaction, so concurrent writers append one
    after another (bench/audit_chain.py measures what that costs).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    if partnership is None and actor is not None and actor.is_authenticated:
        partnership = actor.partnership
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            partnership=partnership,
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor.email if actor is not None and actor.pk else "",
            ip_address=ip or None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label[:255],
            summary=summary or {},
            prev_hmac=head.hmac,
        )
        event.hmac = compute_hmac(event, head.hmac)
        event.save(force_insert=True)
        head.seq = event.seq
        head.hmac = event.hmac
        head.save(update_fields=["seq", "hmac"])
    return event


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """A summary of changed fields, {field: [old, new]}, for an audit event."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }
