from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "maqa.lifecycle"
    verbose_name = "Audit lifecycle"
