"""The search index: one row per searchable thing, kept in step with its source by SQL triggers.

The rows are written only by the database triggers of :mod:`maqa.search.schema` (and by
``rebuild`` there); never by Django code. On SQLite an FTS5 table (``search_fts``) indexes
``title`` and ``body`` as external content; on PostgreSQL a generated ``tsv`` column, which this
model does not declare, holds the weighted tsvector under a GIN index.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        FINDING = "finding", "Finding"
        BRIEFING = "briefing", "Briefing"
        RESOURCE = "resource", "Resource"
        ACTION = "action", "Action"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # Plain columns, not foreign keys: the triggers keep them, and deleting a source row deletes
    # its document in the same statement.
    partnership_id = models.BigIntegerField()
    audit_id = models.BigIntegerField(null=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # A finding's polarity, copied so that the polarity filter needs no join ('' for the other
    # kinds; a database default, because the triggers leave it out for them).
    polarity = models.CharField(max_length=10, blank=True, db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="uniq_search_document")
        ]
        indexes = [models.Index(fields=["partnership_id", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
