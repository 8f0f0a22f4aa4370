from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "maqa.tools"
    verbose_name = "Audit tools"
