from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "maqa.audits"
    label = "audits"
