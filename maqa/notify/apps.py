from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "maqa.notify"
    verbose_name = "Notices"
