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


class DocumentEmbedding(models.Model):
    """A document's sentence embedding (``maqa[ml]``): 384 float32 values, L2-normalised, as
    bytes. Keyed like the document (kind, object_id), not by its row id, which a rebuild of the
    index changes; ``text_hash`` is of the text embedded, so a changed text is noticed and
    embedded again. Written by ``maqa search-index --embeddings`` and, for documents the search
    meets without one, by the search itself (:mod:`maqa.search.semantic`)."""

    kind = models.CharField(max_length=10, choices=SearchDocument.Kind.choices)
    object_id = models.BigIntegerField()
    text_hash = models.CharField(max_length=16)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="uniq_document_embedding")
        ]

    def __str__(self) -> str:
        return f"embedding of {self.kind} {self.object_id}"
