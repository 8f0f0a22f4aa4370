"""The panel's work and what it found: agreed grades, notes, attendance, themes, findings, and
published briefing versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from maqa.organisations.models import Organisation, Partnership, Resource


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


class PanelGrade(models.Model):
    """The panel's agreed grade for one domain of one child, with its rationale."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="grades")
    child = models.ForeignKey("audits.Case", on_delete=models.CASCADE, related_name="grades")
    domain = models.CharField(max_length=80)  # a domain key of the audit's tool version
    grade = models.CharField(max_length=40, blank=True)  # a grade value of its scale
    rationale = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "domain"], name="uniq_panel_grade")]

    def __str__(self) -> str:
        return f"{self.child} {self.domain}: {self.grade or 'not graded'}"


class PanelNote(models.Model):
    """The panel's notes, about one child or (child empty) the panel as a whole."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="panel_notes")
    child = models.ForeignKey(
        "audits.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="panel_notes"
    )
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "child"], name="uniq_panel_note"),
            models.UniqueConstraint(
                fields=["audit"],
                condition=models.Q(child__isnull=True),
                name="uniq_panel_general_note",
            ),
        ]

    def __str__(self) -> str:
        return f"panel note ({self.child or 'whole panel'})"


class PanelAttendance(models.Model):
    """Who attended the panel or sent apologies, and any conflict of interest they declared."""

    class Status(models.TextChoices):
        PRESENT = "present", "Attended"
        APOLOGIES = "apologies", "Apologies"

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRESENT)
    conflict_of_interest = models.TextField(blank=True)

    class Meta:
        ordering = ["audit", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class BriefingVersion(models.Model):
    """A published briefing: an immutable snapshot of the record and its three files."""

    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.PROTECT, related_name="briefing_versions"
    )
    number = models.PositiveIntegerField()
    record = models.JSONField()
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
    record = models.JSONField()
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
