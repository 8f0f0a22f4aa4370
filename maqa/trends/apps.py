from django.apps import AppConfig


class TrendsConfig(AppConfig):
    name = "maqa.trends"
    label = "trends"
