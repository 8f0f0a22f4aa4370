"""Email: one way to send, one way to link. Every notice maqa sends goes through emails_send, and
every link in it comes from site_link (SITE_URL + a path from reverse())."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger("maqa.notify")


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    # The ids of the reminders this email delivers, in its kind's ledger (maqa/notify/reminders.py);
    # none for a dry run or an alert.
    reminders: tuple[int, ...] = ()


def site_link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def emails_send(emails: Sequence[Email]) -> list[Email]:
    """Send each email over one connection; return those that could not be sent.

    Failures are logged, not raised: this runs after the data has committed, and one bad address
    must not stop the rest.
    """
    failed: list[Email] = []
    if not emails:
        return failed
    connection = get_connection()
    try:
        for email in emails:
            message = EmailMessage(
                subject=email.subject,
                body=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.to],
                connection=connection,
            )
            try:
                message.send()
            except (smtplib.SMTPException, OSError):
                logger.exception("Could not send %r to %s", email.subject, email.to)
                failed.append(email)
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("Could not close the email connection cleanly")
    return failed
