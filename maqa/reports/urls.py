"""URLs of maqa.reports (mounted at /reports/ in config/urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "reports"

urlpatterns: list[URLPattern] = []
