"""URLs of maqa.search (mounted at /search/ in config/urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "search"

urlpatterns: list[URLPattern] = []
