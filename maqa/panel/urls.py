"""The panel namespace, under /audits/<pk>/panel/: returns side by side, grades, notes, attendance."""

from django.urls import URLPattern, path

from maqa.panel import views

CHILD = "<int:pk>/panel/children/<int:child_pk>/"

app_name = "panel"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/panel/", views.panel, name="panel"),
    path("<int:pk>/panel/notes/", views.panel_note, name="panel-note"),
    path(CHILD, views.panel_child, name="panel-child"),
    path(f"{CHILD}grades/<slug:domain>/", views.panel_grade, name="panel-grade"),
    path(f"{CHILD}notes/", views.panel_child_note, name="panel-child-note"),
    path("<int:pk>/panel/grid/", views.panel_grid, name="panel-grid"),
    path("<int:pk>/panel/attendance/", views.panel_attendance, name="panel-attendance"),
    path(
        "<int:pk>/panel/attendance/<int:row_pk>/remove/",
        views.panel_attendance_remove,
        name="panel-attendance-remove",
    ),
    path(
        "<int:pk>/panel/returns/<int:return_pk>/reopen/",
        views.return_reopen,
        name="panel-return-reopen",
    ),
]
