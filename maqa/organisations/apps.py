from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "maqa.organisations"
    label = "organisations"
