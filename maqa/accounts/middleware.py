from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from maqa.accounts.access import needs_two_factor

# Pages a signed-in person may open before finishing two-factor sign-in.
OPEN_URL_NAMES = ("accounts:two-factor", "accounts:sign-out")


def open_prefixes() -> tuple[str, ...]:
    return (*(reverse(name) for name in OPEN_URL_NAMES), settings.STATIC_URL)


class TwoFactorRequiredMiddleware:
    """People whose roles can see returns or identifiers must finish two-factor sign-in first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(open_prefixes())
            and needs_two_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            return redirect("accounts:two-factor")
        return self.get_response(request)
