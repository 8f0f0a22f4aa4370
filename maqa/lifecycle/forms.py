"""Forms of the lifecycle's pages: asking to publish a briefing, and confirming it."""

from __future__ import annotations

from typing import Any

from django import forms

from maqa.core.errors import RELOAD
from maqa.core.forms import GovukForm
from maqa.lifecycle.publication import CHECKLIST


class PublishForm(GovukForm):
    change_note = forms.CharField(
        label="What has changed since the last version?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published with the new version. Never a name, date of birth or case number.",
    )

    def __init__(self, *args: Any, republishing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if republishing:
            field = self.fields["change_note"]
            field.required = True
            field.error_messages["required"] = "Say what has changed since the last version."
        else:
            # The first version has nothing to say what changed since.
            del self.fields["change_note"]

    @property
    def note(self) -> str:
        return str(self.cleaned_data.get("change_note") or "")


class ConfirmForm(GovukForm):
    """The anonymisation checklist: every point must be ticked."""

    request = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, text in CHECKLIST:
            self.fields[key] = forms.BooleanField(
                label=text,
                required=True,
                error_messages={"required": "Confirm this point, or do not publish."},
                widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            )

    def ticked(self) -> list[str]:
        return [key for key, _ in CHECKLIST if self.cleaned_data.get(key)]
