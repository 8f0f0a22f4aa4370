from django.urls import URLPattern, path

from maqa.audits import views_dashboard

urlpatterns: list[URLPattern] = [
    path("<int:pk>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("<int:pk>/dashboard.csv", views_dashboard.dashboard_csv, name="dashboard-csv"),
    path("<int:pk>/dashboard/chase/", views_dashboard.dashboard_chase, name="dashboard-chase"),
]
