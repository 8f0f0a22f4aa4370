from __future__ import annotations

from django.conf import settings
from django.db import models

from maqa.organisations.models import Organisation


class AgencyDeadline(models.Model):
    """An agency's extended returns deadline for one audit."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="deadlines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    due_date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "organisation"], name="uniq_agency_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} due {self.due_date}"


class Return(models.Model):
    """One agency's audit of its records of one child."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SENT_BACK = "sent_back", "Sent back"
        NOT_KNOWN = "not_known", "Not known to this agency"

        @classmethod
        def done(cls) -> frozenset[str]:
            """Nothing more is asked of the agency: submitted, or not known to it."""
            return frozenset({cls.SUBMITTED, cls.NOT_KNOWN})

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="returns")
    child = models.ForeignKey("audits.Case", on_delete=models.CASCADE, related_name="returns")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_returns",
    )
    tool_version = models.ForeignKey("tools.AuditToolVersion", on_delete=models.PROTECT)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NOT_STARTED)
    # {question key: answer}; see maqa.tools.definition for the shape of each kind of answer.
    answers = models.JSONField(default=dict, blank=True)
    good_practice = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    what_needs_to_happen = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_back_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["child__sample_order", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "organisation"], name="uniq_return")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} return for {self.child.reference}"

    @property
    def is_locked(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.NOT_KNOWN)


class ReturnRevision(models.Model):
    """Each saved version of a return: the history a stale save is compared with."""

    class Kind(models.TextChoices):
        AUTOSAVE = "autosave", "autosave"
        SAVE = "save", "save"
        SUBMIT = "submit", "submit"
        NOT_KNOWN = "not_known", "not known"
        SENT_BACK = "sent_back", "sent back"

    return_obj = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    content = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["return_obj", "version"]
        constraints = [
            models.UniqueConstraint(fields=["return_obj", "version"], name="uniq_return_revision")
        ]

    def __str__(self) -> str:
        return f"{self.return_obj} v{self.version}"


class ReminderSent(models.Model):
    """A reminder emailed about a return: never the same kind twice for one due date."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "due soon"
        OVERDUE = "overdue", "overdue"
        CHASE = "chase", "chased by the admin"

    return_obj = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["return_obj", "kind", "due_date"],
                condition=~models.Q(kind="chase"),
                name="uniq_reminder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.return_obj}"
