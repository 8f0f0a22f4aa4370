"""Small request helpers shared by views."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from maqa.accounts.models import User


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address. Behind N trusted proxies (NUM_PROXIES), read X-Forwarded-For."""
    proxies = int(getattr(settings, "NUM_PROXIES", 0))
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return request.META.get("REMOTE_ADDR") or None


class AuthedRequest(HttpRequest):
    """A request whose person has signed in (views behind login_required take this type)."""

    user: User


class Acting(TypedDict):
    """Who is acting and from where, as every service takes it (``actor``, ``ip``)."""

    actor: User
    ip: str | None


def acting(request: AuthedRequest) -> Acting:
    """The signed-in person and their address, built once per call:
    ``services.finding_delete(**acting(request), finding=finding, version=version)``."""
    return Acting(actor=request.user, ip=client_ip(request))
