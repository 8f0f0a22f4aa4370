from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "maqa.actions"
    label = "actions"
