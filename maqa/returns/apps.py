from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "maqa.returns"
    label = "returns"
