"""Writing audit events. Every service that changes or shows case data calls ``audit_record``."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from maqa.core.audit_chain import GENESIS, compute_hmac
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
    ip = normalised_ip(ip)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    if partnership is None and actor is not None and actor.is_authenticated:
        partnership = actor.partnership
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(id=1).first()
        if head is None:  # a flushed database (live-server tests): restart from the last event
            last = AuditEvent.objects.order_by("-seq").first()
            head = AuditChainHead.objects.create(
                id=1, seq=last.seq if last else 0, hmac=last.hmac if last else GENESIS
            )
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
            summary=stored_json(summary or {}),
            prev_hmac=head.hmac,
        )
        event.hmac = compute_hmac(event, head.hmac)
        event.save(force_insert=True)
        head.seq = event.seq
        head.hmac = event.hmac
        head.save(update_fields=["seq", "hmac"])
    return event


def normalised_ip(ip: str | None) -> str | None:
    """The address as the database will store it, so that the HMAC covers what is read back."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if address.version == 4:
        return str(address)
    if address.scope_id:  # fe80::1%eth0: not storable (PostgreSQL's inet refuses it)
        return None
    # Django stores IPv6 in its own form (IPv4-mapped as ::ffff:192.0.2.1, which is also what
    # PostgreSQL gives back); Python 3.11's str() writes ::ffff:c000:201.
    return clean_ipv6_address(str(address))


def stored_json(value: Any) -> Any:
    """JSON as the database gives it back. PostgreSQL's jsonb keeps numbers as decimals, so a
    float with a whole value written in exponent form (1e20) comes back as an int, and -0.0 as
    0.0; store every whole float as an int so that the HMAC covers what is read back."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: stored_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [stored_json(item) for item in value]
    return value


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """A summary of changed fields, {field: [old, new]}, for an audit event."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }
