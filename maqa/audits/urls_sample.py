"""The case list and the sample of an audit, under /audits/<pk>/sample/."""

from django.urls import URLPattern, path

from maqa.audits import views_sample as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/sample/", views.sample_page, name="sample"),
    path("<int:pk>/sample/draw/", views.sample_draw, name="sample-draw"),
    path("<int:pk>/sample/pick/", views.sample_pick, name="sample-pick"),
    path("<int:pk>/sample/clear/", views.sample_clear, name="sample-clear"),
    path("<int:pk>/sample/upload/", views.caselist_upload, name="sample-upload"),
    path("<int:pk>/sample/add/", views.caselist_add, name="sample-add"),
    path("<int:pk>/sample/clear-list/", views.caselist_clear, name="sample-clear-list"),
    path(
        "<int:pk>/sample/template.csv",
        views.template_download,
        {"kind": "csv"},
        name="sample-template-csv",
    ),
    path(
        "<int:pk>/sample/template.xlsx",
        views.template_download,
        {"kind": "xlsx"},
        name="sample-template-xlsx",
    ),
    path(
        "<int:pk>/sample/cases/<int:case_pk>/exclude/",
        views.case_exclude,
        name="sample-exclude",
    ),
    path(
        "<int:pk>/sample/cases/<int:case_pk>/include/",
        views.case_include,
        name="sample-include",
    ),
]
