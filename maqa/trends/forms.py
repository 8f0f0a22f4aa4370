"""The trends page's period: a first and a last panel date, both optional (default: all)."""

from __future__ import annotations

from typing import Any

from django import forms

from maqa.core.forms import GovukForm


class PeriodForm(GovukForm):
    start = forms.DateField(
        label="From",
        required=False,
        help_text="The first panel date to include, for example 2021-01-01. Leave empty for all.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the first date as year-month-day, like 2021-01-01."},
    )
    end = forms.DateField(
        label="To",
        required=False,
        help_text="The last panel date to include, for example 2025-12-31. Leave empty for all.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last date as year-month-day, like 2025-12-31."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period must be on or after its start.")
        return cleaned
