from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "maqa.demo"
    verbose_name = "Demo data"
