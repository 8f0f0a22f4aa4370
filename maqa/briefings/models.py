from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from maqa.briefings.types import BriefingRecord


class BriefingVersion(models.Model):
    """A published briefing: an immutable snapshot of the record and its three files."""

    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.PROTECT, related_name="briefing_versions"
    )
    number = models.PositiveIntegerField()
    record: models.JSONField[BriefingRecord, BriefingRecord] = models.JSONField()
    html = models.TextField()
    pdf = models.BinaryField()
    docx = models.BinaryField()
    html_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    docx_sha256 = models.CharField(max_length=64)
    change_note = models.TextField(blank=True)
    # The anonymisation check: who asked to publish, and the second admin who confirmed it.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.JSONField(default=dict)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["audit", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="uniq_briefing_version")
        ]

    def __str__(self) -> str:
        return f"{self.audit.theme} briefing, version {self.number}"


class PublicationRequest(models.Model):
    """A request to publish, waiting for a second partnership admin to confirm the anonymisation."""

    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.CASCADE, related_name="publication_requests"
    )
    record: models.JSONField[BriefingRecord, BriefingRecord] = models.JSONField()
    change_note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(max_length=12, blank=True)  # confirmed / withdrawn / superseded

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"publication request for {self.audit}"
