from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "maqa.panel"
    verbose_name = "Panel"
