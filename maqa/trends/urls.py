"""URLs of maqa.trends (mounted at /trends/ in config/urls.py)."""

from django.urls import path

from maqa.trends import views, views_reaudit

app_name = "trends"

urlpatterns = [
    path("", views.trends, name="trends"),
    path("reaudit/<int:pk>/", views_reaudit.audit_reaudit, name="audit-reaudit"),
]
