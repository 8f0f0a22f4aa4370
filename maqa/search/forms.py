"""The search form (GET): the words, and the filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from maqa.accounts.models import User
from maqa.core.forms import GovukForm
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Organisation
from maqa.search.query import MAX_QUERY_CHARS
from maqa.search.selectors import KIND_LABELS, KINDS


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Search the partnership's learning",
        required=False,
        max_length=MAX_QUERY_CHARS,
        help_text='Words find points that have all of them; put "words in quotes" to find them '
        "together. Never type a child's or family member's name.",
    )
    theme = forms.ChoiceField(label="Theme", required=False)
    polarity = forms.ChoiceField(
        label="Kind of finding",
        required=False,
        choices=[("", "Any"), *Finding.Polarity.choices],
    )
    year = forms.IntegerField(label="Year of the audit", required=False, min_value=1990,
                              max_value=2100)  # fmt: skip
    agency = forms.ChoiceField(label="Agency", required=False)
    kind = forms.MultipleChoiceField(
        label="Show",
        required=False,
        choices=[(k, KIND_LABELS[k] + "s") for k in KINDS],
        widget=forms.CheckboxSelectMultiple,
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=500,
                              widget=forms.HiddenInput)  # fmt: skip

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = Theme.objects.filter(
            partnership_id=user.partnership_id, parent__isnull=True, retired=False
        ).order_by("name")
        cast(forms.ChoiceField, self.fields["theme"]).choices = [
            ("", "Any"),
            *((t.slug, t.name) for t in themes),
        ]
        agencies = Organisation.objects.filter(partnership_id=user.partnership_id).order_by("name")
        cast(forms.ChoiceField, self.fields["agency"]).choices = [
            ("", "Any"),
            *((str(o.pk), o.name) for o in agencies),
        ]
        self.fields["year"].widget.attrs.update({"class": "govuk-input govuk-input--width-4",
                                                 "inputmode": "numeric"})  # fmt: skip
        self.fields["year"].widget.input_type = "text"

    def search_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "themes": (data["theme"],) if data.get("theme") else (),
            "polarity": data.get("polarity") or None,
            "year": data.get("year"),
            "agency": int(data["agency"]) if data.get("agency") else None,
            "kinds": data.get("kind") or None,
        }

    @property
    def page_number(self) -> int:
        return int(self.cleaned_data.get("page") or 1)
