"""URLs of maqa.actions (mounted at /actions/ in config/urls.py)."""

from django.urls import path

from maqa.actions import views

app_name = "actions"

urlpatterns = [
    path("", views.list_view, name="action-list"),
    path("new/", views.create, name="action-create"),
    path("from-finding/<int:finding_pk>/", views.create_from_finding, name="action-from-finding"),
    path("<int:pk>/", views.detail, name="action-detail"),
    path("<int:pk>/edit/", views.edit, name="action-edit"),
    path("<int:pk>/update/", views.update, name="action-update"),
    path("<int:pk>/propose/", views.propose, name="action-propose"),
    path("<int:pk>/decide/", views.decide, name="action-decide"),
    path("<int:pk>/cancel/", views.cancel, name="action-cancel"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
]
