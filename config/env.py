"""Tiny typed readers for settings that come from the environment (healthchecks' habit)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    """An empty value counts as unset, like the other readers."""
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def dev_secret(var_dir: Path, filename: str, generate: Callable[[], str] | None = None) -> str:
    """A secret generated once into var/ for development, never committed (var/ is ignored)."""
    generate = generate or (lambda: secrets.token_urlsafe(50))
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / filename
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()
