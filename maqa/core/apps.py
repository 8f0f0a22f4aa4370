from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "maqa.core"
    label = "core"
    verbose_name = "Core"
