from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "maqa.importers"
    label = "importers"
    verbose_name = "Importers"
