from __future__ import annotations

from django.conf import settings
from django.db import models

from maqa.organisations.models import Organisation, Partnership


class PlanType(models.TextChoices):
    CHILD_PROTECTION = "child_protection", "Child protection"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    EARLY_HELP = "early_help", "Early help"
    LOOKED_AFTER = "looked_after", "Looked after"


class CPCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"


class Sex(models.TextChoices):
    FEMALE = "female", "Girl"
    MALE = "male", "Boy"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not recorded"


class Audit(models.Model):
    """A themed multi-agency case-file audit, from plan to close."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        RETURNS_OPEN = "returns_open", "Returns open"
        PANEL = "panel", "Panel"
        REPORTING = "reporting", "Reporting"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"

        # The state sets, defined once: access rules, selectors, services and the search's
        # visibility all use these.
        @classmethod
        def at_panel(cls) -> frozenset[str]:
            """From the panel on: panel members read every return (the pre-read)."""
            return frozenset({cls.PANEL, cls.REPORTING, cls.PUBLISHED, cls.CLOSED})

        @classmethod
        def recording(cls) -> frozenset[str]:
            """The panel's record (grades, notes, findings) can change."""
            return frozenset({cls.PANEL, cls.REPORTING})

        @classmethod
        def publishable(cls) -> frozenset[str]:
            """A briefing can be asked for and confirmed (republished while published)."""
            return frozenset({cls.REPORTING, cls.PUBLISHED})

        @classmethod
        def published(cls) -> frozenset[str]:
            """Published or closed: the briefing's versions are public to the partnership."""
            return frozenset({cls.PUBLISHED, cls.CLOSED})

        @classmethod
        def concerns_open(cls) -> frozenset[str]:
            """Immediate safeguarding concerns can be raised."""
            return frozenset({cls.RETURNS_OPEN, cls.PANEL, cls.REPORTING})

        @classmethod
        def reopenable(cls) -> frozenset[str]:
            """A submitted return can be reopened (sent back) by an admin."""
            return frozenset({cls.RETURNS_OPEN, cls.PANEL})

        @classmethod
        def next_of(cls, state: str) -> str | None:
            """The state an audit moves on to, one step at a time."""
            return FORWARD.get(state)

        @classmethod
        def previous_of(cls, state: str) -> str | None:
            """The state an audit can move back to (not to draft, not from closed)."""
            return BACK.get(state)

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="audits")
    theme = models.CharField(max_length=200)
    aim = models.TextField()
    plan_types = models.JSONField(default=list, blank=True)
    cp_categories = models.JSONField(default=list, blank=True)
    age_min_years = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max_years = models.PositiveSmallIntegerField(null=True, blank=True)
    sample_size = models.PositiveSmallIntegerField(default=8)
    agencies = models.ManyToManyField(Organisation, related_name="audits", blank=True)
    tool_version = models.ForeignKey(
        "tools.AuditToolVersion", on_delete=models.PROTECT, related_name="audits"
    )
    returns_due = models.DateField()
    panel_date = models.DateField()
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_led"
    )
    panel_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="panels", blank=True
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    sample_seed = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    identifiers_destroyed_at = models.DateTimeField(null=True, blank=True)
    # A past audit brought in from its published briefing (maqa.importers): it has findings but
    # no sample, returns or panel of its own.
    imported = models.BooleanField(default=False)
    # How much of panel_date is known: a briefing may give only the month ("December 2022").
    date_precision = models.CharField(
        max_length=5, choices=[("day", "day"), ("month", "month")], default="day"
    )
    # A re-audit looks again at an earlier audit's theme: its page compares grades and themes.
    reaudit_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reaudits"
    )

    class Meta:
        ordering = ["-panel_date", "theme"]

    def __str__(self) -> str:
        return f"{self.theme} ({self.panel_date:%B %Y})"

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class Case(models.Model):
    """A child's case: a row of the uploaded case list, or one entered by hand.

    Identifiers (name, date of birth, case number) are stored only encrypted with the audit's key
    (maqa.audits.crypto). Once sampled, a child is known everywhere by ``reference`` ("Child A").
    Cases not sampled are deleted when returns open.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="cases")
    enc_name = models.TextField(blank=True)
    enc_dob = models.TextField(blank=True)
    enc_case_number = models.TextField(blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    plan_type = models.CharField(max_length=20, choices=PlanType.choices)
    category = models.CharField(max_length=20, choices=CPCategory.choices, blank=True)
    plan_start_date = models.DateField(null=True, blank=True)
    needs = models.JSONField(default=list, blank=True)
    agencies = models.ManyToManyField(Organisation, related_name="cases")
    lead_agency = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="lead_cases"
    )
    family_group = models.CharField(max_length=40, blank=True)
    age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    excluded_reason = models.CharField(max_length=200, blank=True)
    sampled = models.BooleanField(default=False)
    reference = models.CharField(max_length=20, blank=True)
    sample_order = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sample_order", "source_row", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "reference"],
                condition=~models.Q(reference=""),
                name="uniq_case_reference",
            )
        ]

    def __str__(self) -> str:
        # Never an identifier: the pseudonymous reference, or the row of the case list.
        return self.reference or f"case-list row {self.source_row or self.pk}"

    @property
    def age_label(self) -> str:
        if self.age_months is None:
            return "age not known"
        if self.age_months < 24:
            return f"{self.age_months} months"
        return f"{self.age_months // 12} years"


class SafeguardingConcern(models.Model):
    """An immediate safeguarding concern raised by an auditor about a sampled child."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="concerns")
    child = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    description = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns_acknowledged",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"concern about {self.child} ({self.audit.theme})"

    @property
    def is_open(self) -> bool:
        return self.outcome_recorded_at is None


_S = Audit.State
# The order an audit moves through; an admin moves it one step at a time.
FORWARD: dict[str, str] = {
    _S.DRAFT: _S.RETURNS_OPEN,
    _S.RETURNS_OPEN: _S.PANEL,
    _S.PANEL: _S.REPORTING,
    _S.REPORTING: _S.PUBLISHED,
    _S.PUBLISHED: _S.CLOSED,
}
# Moving back: one step, never to draft (returns exist) and never from closed (identifiers gone).
BACK: dict[str, str] = {
    after: before for before, after in FORWARD.items() if before != _S.DRAFT and after != _S.CLOSED
}
