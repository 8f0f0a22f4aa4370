"""An audit's briefing, under /audits/<pk>/briefing/ (namespace "briefings")."""

from django.urls import URLPattern, path

from maqa.briefings import views

VERSION = "<int:pk>/briefing/versions/<int:number>"

app_name = "briefings"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/briefing/", views.briefing_page, name="briefing"),
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
