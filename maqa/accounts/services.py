"""Account writes: sign-in with lock-out, two-factor, invitations, roles, deactivation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from maqa.accounts.models import Invitation, Membership, Role, User
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.core.versioning import claim_version

if TYPE_CHECKING:
    from collections.abc import Iterable

    from maqa.organisations.models import Organisation, Partnership

SIGN_IN_OBJECT = "accounts.sign_in"
LOCKED_OUT_MESSAGE = (
    "This account is locked for {minutes} minutes after too many failed sign-in attempts from "
    "this address. Try again later, or ask your partnership admin for help."
)


def _recent_failures(email: str, ip: str | None) -> int:
    now = timezone.now()
    since = now - timedelta(minutes=settings.LOCKOUT_WINDOW_MINUTES)
    base = AuditEvent.objects.filter(object_type=SIGN_IN_OBJECT, object_id=email, ip_address=ip)
    last_success = base.filter(action=AuditEvent.Action.SIGNED_IN).aggregate(at=Max("at"))["at"]
    if last_success and last_success > since:
        since = last_success
    return base.filter(action=AuditEvent.Action.FAILED_SIGN_IN, at__gte=since).count()


def sign_in_check(*, email: str, password: str, ip: str | None) -> User:
    """Check a sign-in attempt and record it. Returns the person, or raises ApplicationError.

    Lock-out counts failures for one account *from one address*, so that nobody elsewhere can lock
    the QA lead out by guessing at their account.
    """
    from django.contrib.auth import authenticate

    email = email.strip().lower()
    if _recent_failures(email, ip) >= settings.LOCKOUT_FAILURES:
        audit_record(
            action=AuditEvent.Action.LOCKED_OUT,
            actor=None,
            ip=ip,
            object_type=SIGN_IN_OBJECT,
            object_id=email,
            partnership=_partnership_of(email),
        )
        raise ApplicationError(LOCKED_OUT_MESSAGE.format(minutes=settings.LOCKOUT_WINDOW_MINUTES))
    user = authenticate(email=email, password=password)
    if user is not None and user.is_demo and not settings.DEBUG:
        _record_failure(email, ip, reason="demo account refused: DEBUG is off")
        raise ApplicationError("Demo accounts can only sign in to a demonstration site (DEBUG on).")
    if user is None:
        _record_failure(email, ip, reason="wrong email or password")
        raise ApplicationError("Enter a correct email address and password.", field="password")
    assert isinstance(user, User)
    audit_record(
        action=AuditEvent.Action.SIGNED_IN,
        actor=user,
        ip=ip,
        object_type=SIGN_IN_OBJECT,
        object_id=email,
        summary={"step": "password"},
    )
    return user


def _partnership_of(email: str) -> Partnership | None:
    user = User.objects.filter(email=email).select_related("partnership").first()
    return user.partnership if user else None


def _record_failure(email: str, ip: str | None, *, reason: str) -> None:
    audit_record(
        action=AuditEvent.Action.FAILED_SIGN_IN,
        actor=None,
        ip=ip,
        object_type=SIGN_IN_OBJECT,
        object_id=email,
        partnership=_partnership_of(email),
        summary={"reason": reason},
    )


def sign_out_record(*, user: User, ip: str | None) -> None:
    audit_record(action=AuditEvent.Action.SIGNED_OUT, actor=user, ip=ip, obj=user)


# --- two-factor -----------------------------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for a person setting up two-factor sign-in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_device_confirm(*, user: User, token: str, ip: str | None) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ApplicationError("Start two-factor set-up again: no authenticator is waiting.")
    _check_throttle(device)
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ApplicationError(WRONG_CODE, field="token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            action=AuditEvent.Action.TWO_FACTOR,
            actor=user,
            ip=ip,
            obj=user,
            summary={"step": "set up"},
        )
    return device


WRONG_CODE = "The code is not right. Enter the 6-digit code your app shows now."


def _check_throttle(device: TOTPDevice) -> None:
    """After wrong codes django-otp makes a person wait a little longer each time; say so."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = (details or {}).get("locked_until")
        wait = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
        raise ApplicationError(
            f"Too many wrong codes. Wait {wait} seconds, then enter the code your app shows.",
            field="token",
        )


def totp_verify(*, user: User, token: str, ip: str | None) -> TOTPDevice:
    token = token.strip().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        _check_throttle(device)
        if device.verify_token(token):
            audit_record(
                action=AuditEvent.Action.SIGNED_IN,
                actor=user,
                ip=ip,
                object_type=SIGN_IN_OBJECT,
                object_id=user.email,
                summary={"step": "two-factor"},
            )
            return device
    _record_failure(user.email, ip, reason="wrong two-factor code")
    raise ApplicationError(WRONG_CODE, field="token")


def has_confirmed_device(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


# --- people and roles -----------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_organisations(actor: User, organisation_ids: Iterable[int]) -> list[Organisation]:
    ids = set(organisation_ids)
    orgs = list(actor.partnership.organisations.filter(pk__in=ids))
    if len(orgs) != len(ids):
        raise ApplicationError("Choose organisations of your own partnership.")
    return orgs


def user_invite(
    *,
    actor: User,
    ip: str | None,
    email: str,
    full_name: str,
    roles: list[tuple[int, str]],
) -> tuple[User, str]:
    """Create a person with their roles and email them a one-time link to set a password.

    Returns the person and the link (so the admin page can show it if email is not set up).
    """
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ApplicationError(
            "Someone with this email address already has an account.", field="email"
        )
    if not roles:
        raise ApplicationError("Give the person at least one role.", field="roles")
    orgs = {o.pk: o for o in _check_organisations(actor, [org_id for org_id, _ in roles])}
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, full_name=full_name.strip(), partnership=actor.partnership
        )
        for org_id, role in roles:
            Membership.objects.get_or_create(user=user, organisation=orgs[org_id], role=role)
        audit_record(
            action=AuditEvent.Action.INVITED,
            actor=actor,
            ip=ip,
            obj=user,
            object_label=user.email,
            summary={"roles": [f"{role}@{orgs[o].short_name}" for o, role in roles]},
        )
        link = invitation_create(user=user, invited_by=actor)
    return user, link


def invitation_create(*, user: User, invited_by: User | None) -> str:
    """A fresh one-time link for ``user``, emailed once the transaction commits."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        partnership=user.partnership,
        user=user,
        invited_by=invited_by,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[token])
    transaction.on_commit(lambda: _send_invitation(user, invited_by, link))
    return link


def _send_invitation(user: User, invited_by: User | None, link: str) -> None:
    inviter = invited_by.full_name if invited_by else "Your partnership"
    send_mail(
        subject=f"You have been invited to maqa by {user.partnership.name}",
        message=(
            f"Hello {user.full_name},\n\n{inviter} has invited you to maqa, the multi-agency "
            f"audit system of {user.partnership.name}.\n\nSet your password here (the link works "
            f"once and expires in {settings.INVITATION_DAYS} days):\n{link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def invitation_for_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("user", "partnership")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None or invitation.used_at is not None:
        raise ApplicationError("This invitation link has already been used or is not valid.")
    if invitation.expires_at < timezone.now():
        raise ApplicationError(
            "This invitation link has expired. Ask your partnership admin to invite you again."
        )
    if not invitation.user.is_active:
        raise ApplicationError("This account has been deactivated.")
    return invitation


def invitation_accept(*, token: str, password: str, ip: str | None) -> User:
    with transaction.atomic():
        invitation = invitation_for_token(token)
        user = invitation.user
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages), field="password") from exc
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if claimed != 1:
            raise ApplicationError("This invitation link has already been used.")
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            action=AuditEvent.Action.ACCEPTED, actor=user, ip=ip, obj=user, object_label=user.email
        )
    return user


def user_set_roles(
    *, actor: User, ip: str | None, user: User, roles: list[tuple[int, str]], version: int
) -> User:
    if not roles:
        raise ApplicationError("Give the person at least one role.", field="roles")
    orgs = {o.pk: o for o in _check_organisations(actor, [org_id for org_id, _ in roles])}
    with transaction.atomic():
        _claim_version(user, version)
        before = sorted(
            f"{m.role}@{m.organisation.short_name}"
            for m in user.memberships.select_related("organisation")
        )
        user.memberships.all().delete()
        for org_id, role in roles:
            Membership.objects.create(user=user, organisation=orgs[org_id], role=role)
        after = sorted(f"{role}@{orgs[o].short_name}" for o, role in roles)
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=user,
            object_label=user.email,
            summary={"roles": [before, after]},
        )
    return user


def _claim_version(user: User, version: int) -> None:
    """Refuse a stale save: someone else changed this person since the form was opened."""
    claim_version(
        User.objects,
        user.pk,
        version,
        "Someone else changed this person while you were editing. Reload the page to see "
        "their changes, then make yours again.",
    )
    user.version = version + 1


def user_deactivate(*, actor: User, ip: str | None, user: User) -> None:
    """Deactivate a person and end every session they have, at once."""
    if user.pk == actor.pk:
        raise ApplicationError("You cannot deactivate your own account.")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False, version=user.version + 1)
        ended = end_sessions_of(user)
        audit_record(
            action=AuditEvent.Action.DEACTIVATED,
            actor=actor,
            ip=ip,
            obj=user,
            object_label=user.email,
            summary={"sessions_ended": ended},
        )
    user.is_active = False


def user_reactivate(*, actor: User, ip: str | None, user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True, version=user.version + 1)
        audit_record(
            action=AuditEvent.Action.REACTIVATED,
            actor=actor,
            ip=ip,
            obj=user,
            object_label=user.email,
        )
    user.is_active = True


def end_sessions_of(user: User) -> int:
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


ROLE_CHOICES = Role.choices
