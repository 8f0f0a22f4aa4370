"""An audit's briefing, under /audits/<pk>/briefing/ (namespace "findings")."""

from django.urls import URLPattern, path

from maqa.findings import views_briefing as views

VERSION = "<int:pk>/briefing/versions/<int:number>"

urlpatterns: list[URLPattern] = [
    path("<int:pk>/briefing/", views.briefing_page, name="briefing"),
    path("<int:pk>/briefing/publish/", views.briefing_publish, name="briefing-publish"),
    path("<int:pk>/briefing/confirm/", views.briefing_confirm, name="briefing-confirm"),
    *[
        path(
            f"<int:pk>/briefing/preview.{kind}",
            views.briefing_preview_file,
            {"kind": kind},
            name=f"briefing-preview-{kind}",
        )
        for kind in ("html", "pdf", "docx", "json")
    ],
    path(f"{VERSION}/", views.briefing_version, name="briefing-version"),
    *[
        path(
            f"{VERSION}/briefing.{kind}",
            views.briefing_version_file,
            {"kind": kind},
            name=f"briefing-version-{kind}",
        )
        for kind in ("html", "pdf", "docx", "json")
    ],
]
