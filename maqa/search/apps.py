from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_index(using: str = "default", **kwargs: Any) -> None:
    from maqa.search.schema import install

    install(connections[using])


class SearchConfig(AppConfig):
    name = "maqa.search"
    label = "search"

    def ready(self) -> None:
        # Django rebuilds a SQLite table to alter it, dropping its triggers: put them back.
        post_migrate.connect(_install_index, sender=self, dispatch_uid="maqa.search.install")
