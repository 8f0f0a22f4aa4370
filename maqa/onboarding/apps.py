from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "maqa.onboarding"
    verbose_name = "Onboarding"
