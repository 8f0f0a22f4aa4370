from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "maqa.home"
    verbose_name = "Home"
