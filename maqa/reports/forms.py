"""The reports page's filters: a period (from, to) and, for the exports, an audit."""

from __future__ import annotations

from typing import Any

from django import forms

from maqa.accounts.access import AnyUser
from maqa.audits.models import Audit
from maqa.core.forms import GovukForm
from maqa.reports import access
from maqa.reports.selectors import Filters

FORMATS = ("csv", "xlsx")
DATE_CLASS = "govuk-input govuk-input--width-10"


class AuditChoice(forms.ModelChoiceField[Audit]):
    def label_from_instance(self, obj: Audit) -> str:
        return f"{obj.theme} ({obj.panel_date:%B %Y})"


class PeriodForm(GovukForm):
    start = forms.DateField(
        label="From",
        required=False,
        help_text="The first panel date to include, for example 2024-01-01. Leave empty for all.",
        widget=forms.DateInput(attrs={"type": "date", "class": DATE_CLASS}),
    )
    end = forms.DateField(
        label="To",
        required=False,
        help_text="The last panel date to include, for example 2025-12-31. Leave empty for all.",
        widget=forms.DateInput(attrs={"type": "date", "class": DATE_CLASS}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period must be on or after its start.")
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(start=data.get("start"), end=data.get("end"), audit=data.get("audit"))


class ExportForm(PeriodForm):
    audit = AuditChoice(
        label="Audit",
        required=False,
        empty_label="All audits",
        queryset=Audit.objects.none(),
        help_text="Only this audit's findings, grades or actions.",
        error_messages={"invalid_choice": "Choose an audit from the list."},
    )
    format = forms.ChoiceField(
        choices=[(f, f) for f in FORMATS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["audit"]
        field.queryset = access.filter_audits(user)

    @property
    def file_format(self) -> str:
        return str(self.cleaned_data.get("format") or "csv")
