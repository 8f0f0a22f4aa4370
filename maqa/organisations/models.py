from __future__ import annotations

from django.db import models


class Partnership(models.Model):
    """A Safeguarding Children Partnership. Every record belongs to exactly one."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    # PNG or JPEG shown on briefings; stored under MEDIA_ROOT, outside the web root.
    logo = models.FileField(upload_to="logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An agency taking part in the partnership's audits."""

    class Sector(models.TextChoices):
        HEALTH = "health", "Health"
        POLICE = "police", "Police"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        EDUCATION = "education", "Education"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        VOLUNTARY = "voluntary", "Voluntary"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="uniq_org_name"),
            models.UniqueConstraint(
                fields=["partnership", "short_name"], name="uniq_org_short_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """An entry in the partnership's resource library: a toolkit, policy or training."""

    class Kind(models.TextChoices):
        TOOLKIT = "toolkit", "Toolkit"
        POLICY = "policy", "Policy"
        TRAINING = "training", "Training"
        GUIDANCE = "guidance", "Guidance"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="resources")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TOOLKIT)
    url = models.URLField(max_length=500)
    description = models.TextField(blank=True)
    # Theme slugs from the partnership's taxonomy (the findings issue makes these a relation).
    themes = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "title"], name="uniq_resource_title")
        ]

    def __str__(self) -> str:
        return self.title
