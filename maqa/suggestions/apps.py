from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "maqa.suggestions"
    verbose_name = "Theme suggestions"
