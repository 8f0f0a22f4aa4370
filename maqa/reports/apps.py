from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "maqa.reports"
    label = "reports"
