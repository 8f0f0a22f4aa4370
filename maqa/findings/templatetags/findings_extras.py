"""Template filters for the findings pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or None: for data the view keyed by a point or a theme."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
