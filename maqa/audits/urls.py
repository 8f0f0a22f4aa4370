"""The audits namespace. Each area keeps its patterns in its own module, joined here."""

from django.urls import path

from maqa.audits import urls_concerns, urls_sample, views

app_name = "audits"
urlpatterns = [
    path("new/", views.audit_edit, name="audit-create"),
    path("<int:pk>/edit/", views.audit_edit, name="audit-edit"),
    *urls_sample.urlpatterns,
    *urls_concerns.urlpatterns,
]
