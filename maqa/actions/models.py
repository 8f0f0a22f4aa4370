"""Action plans: what the partnership will do about what an audit found, and the evidence that it
was done (steps 6 and 7 of the audit cycle)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from maqa.organisations.models import Organisation, Partnership


class Action(models.Model):
    """One action of a partnership's plan: from a finding's "what needs to happen", or free."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        # The owner agency says it is done; a partnership admin must accept the evidence.
        COMPLETION_PROPOSED = "completion_proposed", "Completion proposed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="actions")
    audit = models.ForeignKey(
        "audits.Audit", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    finding = models.ForeignKey(
        "findings.Finding",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    description = models.TextField()
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="actions"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_owned",
    )
    due_date = models.DateField()
    measure_of_success = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    cancelled_reason = models.TextField(blank=True)
    themes = models.ManyToManyField("findings.Theme", related_name="actions", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["partnership", "status", "due_date"])]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETED, self.Status.CANCELLED)


class ActionUpdate(models.Model):
    """A progress update on an action, or a decision about it, in the order they happened."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress update"
        PROPOSED = "proposed", "Completion proposed"
        ACCEPTED = "accepted", "Completion accepted"
        SENT_BACK = "sent_back", "Sent back"
        CANCELLED = "cancelled", "Cancelled"
        EDITED = "edited", "Action changed"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(blank=True)
    status_after = models.CharField(max_length=20, choices=Action.Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["action", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on action {self.action_id}"


class Evidence(models.Model):
    """A file attached to an update: stored under EVIDENCE_DIR (outside the web root) by its
    SHA-256, served only through a view that checks who may see the action."""

    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="evidence")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField(max_length=200)  # cleaned; shown, never used as a path
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["action", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class ActionReminder(models.Model):
    """A reminder emailed about an action: never the same kind twice for one due date."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "due soon"
        OVERDUE = "overdue", "overdue (escalated)"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind", "due_date"], name="uniq_action_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for action {self.action_id}"
