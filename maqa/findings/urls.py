"""The findings namespace, mounted under /audits/ beside the audits namespace: the panel,
findings and themes, and the briefing of each audit. Each area keeps its own module."""

from maqa.findings import urls_briefing, urls_findings, urls_panel

app_name = "findings"
urlpatterns = [*urls_panel.urlpatterns, *urls_findings.urlpatterns, *urls_briefing.urlpatterns]
