"""Forms render with GOV.UK Frontend markup: labels, hints, error messages and an error summary."""

from __future__ import annotations

from typing import Any

from django import forms

from maqa.core.errors import ApplicationError

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


def style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        css = _WIDGET_CLASSES.get(type(field.widget), "govuk-input")
        field.widget.attrs.setdefault("class", css)


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """A service's problem onto the form: beside the field it names, else at the top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class GovukForm(forms.Form):
    template_name = "includes/govuk_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def add_application_error(self, error: ApplicationError) -> None:
        add_application_error(self, error)


class GovukModelForm(forms.ModelForm[Any]):
    template_name = "includes/govuk_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def add_application_error(self, error: ApplicationError) -> None:
        add_application_error(self, error)
