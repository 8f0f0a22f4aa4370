"""URLs of maqa.trends (mounted at /trends/ in config/urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "trends"

urlpatterns: list[URLPattern] = []
