"""The findings namespace, under /audits/: an audit's findings, and the partnership's themes."""

from django.urls import URLPattern, path

from maqa.findings import views, views_suggest

app_name = "findings"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/findings/", views.finding_list, name="finding-list"),
    path("<int:pk>/findings/new/", views.finding_new, name="finding-new"),
    path("<int:pk>/findings/<int:finding_pk>/", views.finding_detail, name="finding-detail"),
    path("<int:pk>/findings/<int:finding_pk>/move/", views.finding_move, name="finding-move"),
    path(
        "<int:pk>/findings/<int:finding_pk>/delete/",
        views.finding_delete,
        name="finding-delete",
    ),
    path("<int:pk>/findings/suggest/", views_suggest.finding_suggest, name="finding-suggest"),
    path(
        "<int:pk>/findings/<int:finding_pk>/accept-theme/",
        views_suggest.finding_accept,
        name="finding-accept-theme",
    ),
    path("<int:pk>/findings/learning/new/", views.learning_new, name="learning-new"),
    path(
        "<int:pk>/findings/learning/<int:theme_pk>/",
        views.learning_detail,
        name="learning-detail",
    ),
    path(
        "<int:pk>/findings/learning/<int:theme_pk>/move/",
        views.learning_move,
        name="learning-move",
    ),
    path(
        "<int:pk>/findings/learning/<int:theme_pk>/delete/",
        views.learning_delete,
        name="learning-delete",
    ),
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/new/", views.theme_new, name="theme-new"),
    path("themes/<int:theme_pk>/", views.theme_detail, name="theme-detail"),
    path("themes/<int:theme_pk>/retire/", views.theme_retire, name="theme-retire"),
]
