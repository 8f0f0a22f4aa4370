from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from maqa.home.selectors import home_attention


@login_required
def home(request: HttpRequest) -> HttpResponse:
    sections = home_attention(user=request.user)  # type: ignore[arg-type]
    return render(request, "home/home.html", {"sections": sections})


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: answers without touching case data."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke may be in a context processor or the session.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
