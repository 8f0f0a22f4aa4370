"""URLs of maqa.search (mounted at /search/ in config/urls.py)."""

from django.urls import URLPattern, path

from maqa.search import views

app_name = "search"

urlpatterns: list[URLPattern] = [
    path("", views.search_page, name="search"),
]
