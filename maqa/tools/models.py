from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from maqa.organisations.models import Partnership

if TYPE_CHECKING:
    from maqa.tools.definition import ToolDefinition


class AuditTool(models.Model):
    """A questionnaire (audit tool) of a partnership. Its content lives in versions."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="audit_tools"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    copied_from = models.ForeignKey(
        "AuditToolVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="uniq_tool_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self) -> AuditToolVersion | None:
        return self.versions.order_by("-number").first()


class AuditToolVersion(models.Model):
    """One immutable version of a tool: domains, questions, guidance, grade scale, free text.

    ``definition`` is the validated data of the tool's YAML (maqa.tools.definition). A return keeps
    the version it was answered on, so editing a tool never changes an answered return.
    """

    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition: models.JSONField[ToolDefinition, ToolDefinition] = models.JSONField()
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["tool", "-number"]
        constraints = [models.UniqueConstraint(fields=["tool", "number"], name="uniq_tool_version")]

    def __str__(self) -> str:
        return f"{self.tool.name}, version {self.number}"
