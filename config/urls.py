from django.urls import include, path

urlpatterns = [
    path("", include("maqa.home.urls")),
    path("accounts/", include("maqa.accounts.urls")),
    path("manage/", include("maqa.organisations.urls")),
    path("audits/", include("maqa.audits.urls")),
    path("audits/", include("maqa.lifecycle.urls")),
    path("audits/", include("maqa.panel.urls")),
    path("audits/", include("maqa.findings.urls")),
    path("audits/", include("maqa.briefings.urls")),
    path("", include("maqa.returns.urls")),
    path("returns/", include("maqa.tools.urls")),
    path("imports/", include("maqa.importers.urls")),
    path("actions/", include("maqa.actions.urls")),
    path("trends/", include("maqa.trends.urls")),
    path("reports/", include("maqa.reports.urls")),
    path("search/", include("maqa.search.urls")),
]

handler403 = "maqa.home.views.error_403"
handler404 = "maqa.home.views.error_404"
handler500 = "maqa.home.views.error_500"
