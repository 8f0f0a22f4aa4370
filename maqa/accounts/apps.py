from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maqa.accounts"
    label = "accounts"
