"""config.urls with the import pages mounted at /imports/, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as site

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [*site]
if not any(getattr(p, "namespace", None) == "importers" for p in site):
    urlpatterns.append(path("imports/", include("maqa.importers.urls")))
