from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "maqa.search"
    label = "search"
