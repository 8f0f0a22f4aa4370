from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from maqa.accounts import services
from maqa.accounts.access import needs_two_factor
from maqa.accounts.forms import SetPasswordForm, SignInForm, TokenForm
from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.core.http import client_ip


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home:home")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home:home")


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_check(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            login(request, user, backend="maqa.accounts.backends.EmailBackend")
            if needs_two_factor(user):
                return redirect("accounts:two-factor")
            return redirect(_next_url(request))
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.sign_out_record(user=request.user, ip=client_ip(request))
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign-in")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not services.has_confirmed_device(user):
        return redirect("accounts:two-factor-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_verify(
                user=user, token=form.cleaned_data["token"], ip=client_ip(request)
            )
        except ApplicationError as error:
            form.add_error("token", error.message)
        else:
            otp_login(request, device)
            return redirect("home:home")
    return render(request, "accounts/two_factor.html", {"form": form})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if services.has_confirmed_device(user) and not request.user.is_verified():  # type: ignore[union-attr]
        # Replacing an authenticator needs the current one first.
        return redirect("accounts:two-factor")
    device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_device_confirm(
                user=user, token=form.cleaned_data["token"], ip=client_ip(request)
            )
        except ApplicationError as error:
            form.add_error("token", error.message)
        else:
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect("home:home")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret},
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.invitation_for_token(token)
    except ApplicationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"message": error.message}, status=410
        )
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                token=token, password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Your password is set. Sign in to continue.")
            return redirect("accounts:sign-in")
    return render(request, "accounts/invitation.html", {"form": form, "invite": invite})
