"""The home namespace, at the site's root: each person's home page, and the audit's page, which
leads to every part of an audit."""

from django.urls import path

from maqa.home import views, views_audit

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("audits/", views_audit.audit_list, name="audit-list"),
    path("audits/<int:pk>/", views_audit.audit_detail, name="audit-detail"),
    path(
        "audits/<int:pk>/children/<int:child_pk>/identifiers/",
        views_audit.child_identifiers,
        name="child-identifiers",
    ),
]
