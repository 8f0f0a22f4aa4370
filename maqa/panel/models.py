from __future__ import annotations

from django.conf import settings
from django.db import models

from maqa.organisations.models import Organisation


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
