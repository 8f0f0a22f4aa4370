from django.urls import URLPattern, path

from maqa.returns import urls_tools, views

app_name = "returns"
urlpatterns: list[URLPattern] = [
    path("mine/", views.return_list, name="return-list"),
    path("<int:pk>/", views.return_detail, name="return-detail"),
    path("<int:pk>/save/", views.return_save, name="return-save"),
    path("<int:pk>/submit/", views.return_submit, name="return-submit"),
    path("<int:pk>/not-known/", views.return_not_known, name="return-not-known"),
    path("<int:pk>/send-back/", views.return_send_back, name="return-send-back"),
    path("<int:pk>/reassign/", views.return_reassign, name="return-reassign"),
    path(
        "audit/<int:audit_pk>/extend/<int:org_pk>/",
        views.deadline_extend,
        name="deadline-extend",
    ),
    *urls_tools.urlpatterns,
]
