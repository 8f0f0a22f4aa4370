from django.urls import URLPattern, path

from maqa.audits import views_concerns

urlpatterns: list[URLPattern] = [
    path("<int:pk>/concerns/", views_concerns.concern_list, name="concern-list"),
    path("<int:pk>/concerns/new/", views_concerns.concern_new, name="concern-new"),
    path(
        "<int:pk>/concerns/<int:concern_pk>/",
        views_concerns.concern_detail,
        name="concern-detail",
    ),
    path(
        "<int:pk>/concerns/<int:concern_pk>/acknowledge/",
        views_concerns.concern_acknowledge,
        name="concern-acknowledge",
    ),
    path(
        "<int:pk>/concerns/<int:concern_pk>/outcome/",
        views_concerns.concern_outcome,
        name="concern-outcome",
    ),
]
