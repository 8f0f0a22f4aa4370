"""The audits namespace. Each area keeps its patterns in its own module, joined here."""

from django.urls import path

from maqa.audits import urls_concerns, urls_dashboard, urls_sample, views

app_name = "audits"
urlpatterns = [
    path("", views.audit_list, name="audit-list"),
    path("new/", views.audit_edit, name="audit-create"),
    path("<int:pk>/", views.audit_detail, name="audit-detail"),
    path("<int:pk>/edit/", views.audit_edit, name="audit-edit"),
    path("<int:pk>/move-on/", views.audit_move_on, name="audit-move-on"),
    path("<int:pk>/reaudit/", views.audit_reaudit, name="audit-reaudit"),
    path(
        "<int:pk>/children/<int:child_pk>/identifiers/",
        views.child_identifiers,
        name="child-identifiers",
    ),
    *urls_sample.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_concerns.urlpatterns,
]
