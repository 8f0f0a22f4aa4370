"""Words maqa writes the same way everywhere: dates, counts, lists."""

from __future__ import annotations

from datetime import date

from django.utils.dateformat import format as date_format


def long_date(day: date) -> str:
    return date_format(day, "j F Y")
