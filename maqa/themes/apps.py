from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "maqa.themes"
    label = "themes"
    verbose_name = "Themes"
