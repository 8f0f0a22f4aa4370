"""URLs of maqa.trends (mounted at /trends/ in config/urls.py)."""

from django.urls import path

from maqa.trends import views

app_name = "trends"

urlpatterns = [
    path("", views.trends, name="trends"),
]
