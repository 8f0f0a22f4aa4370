"""URLs of maqa.reports (mounted at /reports/ in config/urls.py)."""

from django.urls import URLPattern, path

from maqa.reports import views

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("findings/", views.export, {"export": "findings"}, name="findings"),
    path("grades/", views.export, {"export": "grades"}, name="grades"),
    path("actions/", views.export, {"export": "actions"}, name="actions"),
    path("board-report/", views.board_report, name="board-report"),
]
