from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "maqa.briefings"
    label = "briefings"
    verbose_name = "Learning briefings"
