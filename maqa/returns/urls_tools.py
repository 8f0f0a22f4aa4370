from django.urls import path

from maqa.returns import views_tools

urlpatterns = [
    path("tools/", views_tools.tool_list, name="tool-list"),
    path("tools/guide/", views_tools.tool_guide, name="tool-guide"),
    path("tools/<int:pk>/", views_tools.tool_detail, name="tool-detail"),
    path("tools/<int:pk>/copy/", views_tools.tool_copy, name="tool-copy"),
    path("tools/<int:pk>/edit/", views_tools.tool_edit, name="tool-edit"),
    path("tools/<int:pk>/versions/<int:number>/", views_tools.tool_version, name="tool-version"),
]
