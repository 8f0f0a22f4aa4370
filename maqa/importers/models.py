"""Briefing documents brought in to become past (imported) audits, and the uploads they came in.

A document's bytes are kept in the database (``content``), so a document and the audit made from
it are saved in one transaction and nothing is ever stored under a name a person chose: the
original file name is kept for display only. ``sha256`` identifies a document within a
partnership: the same bytes are never imported twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from maqa.organisations.models import Partnership

if TYPE_CHECKING:
    from maqa.briefings.types import BriefingRecord

    OptionalRecord = models.JSONField[BriefingRecord | None, BriefingRecord | None]


class ImportBatch(models.Model):
    """One upload of several files; its page shows their reading progress."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Files refused on upload, never stored: [{"filename": ..., "reason": ...}].
    refused = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"upload {self.pk}"


class ImportedDocument(models.Model):
    """A briefing document: stored, read into a briefing record, then saved as an audit."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be read"
        PARSING = "parsing", "Being read"
        PARSED = "parsed", "Ready to review"
        NEEDS_DECISION = "needs_decision", "Needs a decision"
        SAVED = "saved", "Saved as an audit"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Could not be read"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="imported_documents"
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    filename = models.CharField(max_length=255)  # as uploaded, for display only
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=8, blank=True)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    record: OptionalRecord = models.JSONField(null=True, blank=True)  # the record as parsed
    # The record as a person corrected it on the review page, when saved from there.
    reviewed_record: OptionalRecord = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    problem = models.TextField(blank=True)
    audit = models.ForeignKey(
        "audits.Audit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="imported_documents",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "sha256"], name="uniq_imported_document_sha256"
            )
        ]

    def __str__(self) -> str:
        # The file name a person gave, never the document's text.
        return f"imported document {self.pk} ({self.sha256[:12]})"

    @property
    def theme(self) -> str:
        return str((self.record or {}).get("theme") or "")

    @property
    def audit_date(self) -> str:
        return str((self.record or {}).get("audit_date") or "")
