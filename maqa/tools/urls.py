"""The tools namespace, under /returns/tools/: audit tools, their versions, copies and edits."""

from django.urls import URLPattern, path

from maqa.tools import views

app_name = "tools"
urlpatterns: list[URLPattern] = [
    path("tools/", views.tool_list, name="tool-list"),
    path("tools/guide/", views.tool_guide, name="tool-guide"),
    path("tools/<int:pk>/", views.tool_detail, name="tool-detail"),
    path("tools/<int:pk>/copy/", views.tool_copy, name="tool-copy"),
    path("tools/<int:pk>/edit/", views.tool_edit, name="tool-edit"),
    path("tools/<int:pk>/versions/<int:number>/", views.tool_version, name="tool-version"),
]
