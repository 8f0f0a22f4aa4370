"""What an audit found: the partnership's themes, the learning themes and findings of each audit."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from maqa.organisations.models import Partnership, Resource


class Theme(models.Model):
    """A theme of the partnership's taxonomy (top level, or a subtheme with a parent).

    Slugs never change: a theme is retired (with an optional successor), never renamed away.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="themes")
    slug = models.SlugField(max_length=120)
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    boundary = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subthemes"
    )
    taxonomy_version = models.PositiveIntegerField(default=1)
    retired = models.BooleanField(default=False)
    successor = models.CharField(max_length=120, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="uniq_theme_slug")
        ]

    def __str__(self) -> str:
        return self.name


class LearningTheme(models.Model):
    """A theme for learning of an audit's briefing: a title, what we found, what needs to happen."""

    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.CASCADE, related_name="learning_themes"
    )
    title = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["audit", "position", "pk"]

    def __str__(self) -> str:
        return self.title or "Untitled theme for learning"


class Finding(models.Model):
    """One point of an audit's findings."""

    class Section(models.TextChoices):
        WORRY = "worry", "What we are worried about"
        GOOD_PRACTICE = "good_practice", "What good practice did we see"
        FOUND = "found", "What we found"
        ACTION = "action", "What needs to happen"

    class Polarity(models.TextChoices):
        CONCERN = "concern", "Concern"
        STRENGTH = "strength", "Strength"
        ACTION = "action", "Action"

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="findings")
    section = models.CharField(max_length=16, choices=Section.choices)
    # Set for the points of a theme for learning (sections "found" and "action").
    learning_theme = models.ForeignKey(
        LearningTheme, null=True, blank=True, on_delete=models.CASCADE, related_name="points"
    )
    text = models.TextField()
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    themes = models.ManyToManyField(Theme, related_name="findings", blank=True)
    resources = models.ManyToManyField(Resource, related_name="findings", blank=True)
    # Internal only: the returns a point came from (never shown in a briefing).
    source_returns = models.ManyToManyField("returns.Return", related_name="findings", blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["audit", "section", "learning_theme", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
