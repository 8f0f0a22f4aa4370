from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class Role(models.TextChoices):
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin"
    AGENCY_AUDITOR = "agency_auditor", "Agency auditor"
    PANEL_MEMBER = "panel_member", "Panel member"
    VIEWER = "viewer", "Viewer"


# Roles that can see agency returns or case identifiers must sign in with a second factor.
ROLES_NEEDING_TWO_FACTOR = frozenset(
    {Role.PARTNERSHIP_ADMIN, Role.AGENCY_AUDITOR, Role.PANEL_MEMBER}
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person. Signs in by email; belongs to one partnership; rights come from memberships."""

    partnership = models.ForeignKey(
        "organisations.Partnership", on_delete=models.PROTECT, related_name="users"
    )
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    # Demo accounts skip two-factor sign-in, and are refused whenever DEBUG is off.
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Membership(models.Model):
    """A person's role in an organisation. A person's rights are the union of their memberships."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} ({self.organisation.short_name})"


class Invitation(models.Model):
    """An emailed one-time link through which an invited person sets their password."""

    partnership = models.ForeignKey("organisations.Partnership", on_delete=models.PROTECT)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    # Only a hash of the token is stored; the token itself exists only in the email.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation for {self.user.email}"
