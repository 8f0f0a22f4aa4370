"""The lifecycle namespace, under /audits/: every page that changes an audit's state."""

from django.urls import URLPattern, path

from maqa.lifecycle import views

app_name = "lifecycle"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/move-on/", views.audit_move_on, name="audit-move-on"),
    path("<int:pk>/move-back/", views.audit_move_back, name="audit-move-back"),
    path("<int:pk>/briefing/publish/", views.briefing_publish, name="briefing-publish"),
    path("<int:pk>/briefing/confirm/", views.briefing_confirm, name="briefing-confirm"),
]
