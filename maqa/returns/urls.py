from django.urls import URLPattern

from maqa.returns import urls_tools

app_name = "returns"
urlpatterns: list[URLPattern] = [*urls_tools.urlpatterns]
