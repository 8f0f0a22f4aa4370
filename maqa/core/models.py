from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One append-only row per thing that happened. Written only by services (never signals).

    ``hmac`` covers this event's content and ``prev_hmac``, the previous event's HMAC, with a key
    held outside the database (settings.AUDIT_HMAC_KEY); see maqa.core.audit_chain.
    """

    class Action(models.TextChoices):
        CREATED = "created", "created"
        CHANGED = "changed", "changed"
        DELETED = "deleted", "deleted"
        SUBMITTED = "submitted", "submitted"
        VIEWED = "viewed", "viewed"
        EXPORTED = "exported", "exported"
        REVEALED = "revealed", "revealed"
        SIGNED_IN = "signed_in", "signed in"
        SIGNED_OUT = "signed_out", "signed out"
        FAILED_SIGN_IN = "failed_sign_in", "failed sign-in"
        LOCKED_OUT = "locked_out", "locked out"
        INVITED = "invited", "invited"
        ACCEPTED = "accepted", "accepted invitation"
        DEACTIVATED = "deactivated", "deactivated"
        REACTIVATED = "reactivated", "reactivated"
        TWO_FACTOR = "two_factor", "two-factor"

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    partnership = models.ForeignKey(
        "organisations.Partnership", null=True, blank=True, on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    # Kept as text as well, so the trail still reads right if a person's email later changes.
    actor_label = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=255, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    prev_hmac = models.CharField(max_length=64)
    hmac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["partnership", "-seq"]),
            models.Index(fields=["action", "object_type", "object_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}"


class AuditChainHead(models.Model):
    """A single row locked while an event is appended, so the chain has one writer at a time.

    It is a convenience, not a source of truth: verification reads only the events.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hmac = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
