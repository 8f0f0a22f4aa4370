from django.urls import URLPattern, path

from maqa.returns import views, views_dashboard

# Mounted at the site's root: the returns pages under /returns/, and the completion dashboard of
# an audit's returns under /audits/<pk>/dashboard/.
app_name = "returns"
urlpatterns: list[URLPattern] = [
    path("returns/mine/", views.return_list, name="return-list"),
    path("returns/<int:pk>/", views.return_detail, name="return-detail"),
    path("returns/<int:pk>/save/", views.return_save, name="return-save"),
    path("returns/<int:pk>/submit/", views.return_submit, name="return-submit"),
    path("returns/<int:pk>/not-known/", views.return_not_known, name="return-not-known"),
    path("returns/<int:pk>/send-back/", views.return_send_back, name="return-send-back"),
    path("returns/<int:pk>/reassign/", views.return_reassign, name="return-reassign"),
    path(
        "returns/audit/<int:audit_pk>/extend/<int:org_pk>/",
        views.deadline_extend,
        name="deadline-extend",
    ),
    path("audits/<int:pk>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("audits/<int:pk>/dashboard.csv", views_dashboard.dashboard_csv, name="dashboard-csv"),
    path(
        "audits/<int:pk>/dashboard/chase/", views_dashboard.dashboard_chase, name="dashboard-chase"
    ),
]
