"""URLs of maqa.actions (mounted at /actions/ in config/urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "actions"

urlpatterns: list[URLPattern] = []
