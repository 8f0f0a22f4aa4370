from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "maqa.findings"
    label = "findings"
