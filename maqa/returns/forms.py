"""Forms for returns. The return form is built from the audit tool version the return answers.

Its fields are named by the tool's keys (``recognition.grade``, ``good_practice``), so a save
posts {question key: answer} plus ``version``. The answers are checked by the service
(maqa.tools.definition.clean_answer), which names the question in its message.
"""

from __future__ import annotations

from typing import Any

from django import forms

from maqa.accounts.models import User
from maqa.core.forms import GovukForm, style_fields
from maqa.returns.models import Return
from maqa.tools.definition import (
    FREE_TEXT_KEYS,
    YES_NO_NA,
    Grade,
    Question,
    ToolDefinition,
    questions_of,
)

RELOAD_TEXT = "Reload the page and try again: the form was sent without its version."


def _question_field(question: Question, grades: list[Grade]) -> forms.CharField:
    kind = question["kind"]
    widget: forms.Widget
    if kind == "grade":
        widget = forms.RadioSelect(choices=[(g["value"], g["label"]) for g in grades])
    elif kind == "yes_no_na":
        widget = forms.RadioSelect(choices=list(YES_NO_NA.items()))
    elif kind == "number":
        widget = forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-5",
                "spellcheck": "false",
            }
        )
    elif kind == "date":
        widget = forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        )
    else:
        widget = forms.Textarea(attrs={"rows": 4})
    return forms.CharField(
        label=question["text"],
        help_text=question.get("guidance", ""),
        required=False,
        widget=widget,
    )


class ReturnForm(GovukForm):
    """The questions of one tool version, one fieldset per domain, then the free-text boxes."""

    # Checked in clean(), so that a missing version is one message for the page, not an error
    # pinned to a hidden field.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, definition: ToolDefinition, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        grades = definition["grade_scale"]["grades"]
        for question in questions_of(definition):
            self.fields[question["key"]] = _question_field(question, grades)
        for item in definition["free_text"]:
            self.fields[item["key"]] = forms.CharField(
                label=item["title"],
                help_text=item.get("hint", ""),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        style_fields(self)

    @classmethod
    def for_return(cls, ret: Return, data: Any = None) -> ReturnForm:
        """The form of a return: its saved answers, or what was posted (``data``)."""
        initial = {
            **(ret.answers or {}),
            **{key: getattr(ret, key) for key in FREE_TEXT_KEYS},
            "version": ret.version,
        }
        return cls(ret.tool_version.definition, data, initial=initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = str(data.get("version") or "")
        if not raw.isdigit() or int(raw) < 1:
            raise forms.ValidationError(RELOAD_TEXT)
        data["version"] = int(raw)
        return data

    def domains(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (domain["title"], [self[q["key"]] for q in domain["questions"]])
            for domain in self.definition["domains"]
        ]

    def free_text_fields(self) -> list[forms.BoundField]:
        return [self[item["key"]] for item in self.definition["free_text"]]

    def answers(self) -> dict[str, str]:
        return {
            q["key"]: self.cleaned_data.get(q["key"], "") for q in questions_of(self.definition)
        }

    def free_text(self) -> dict[str, str]:
        return {f["key"]: self.cleaned_data.get(f["key"], "") for f in self.definition["free_text"]}


class SubmitForm(GovukForm):
    password = forms.CharField(
        label="Your password",
        help_text="Entering the password you sign in with signs this return as yours.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign and submit the return."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NotKnownForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have checked: this child is not known to my agency",
        error_messages={"required": "Confirm that you checked your agency's records."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SendBackForm(GovukForm):
    comment = forms.CharField(
        label="What needs to change",
        help_text="The agency's auditor sees this. Use the child's reference, never a name.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what needs to change."},
    )


class ReassignForm(GovukForm):
    assignee = forms.ModelChoiceField(
        label="Assign the return to",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who should complete the return."},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["assignee"]
        field.queryset = candidates


class DeadlineForm(GovukForm):
    due_date = forms.DateField(
        label="New due date",
        help_text="For example 2027-01-29",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
        error_messages={"required": "Enter the new due date.", "invalid": "Enter a real date."},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example: the agency's auditor is on leave. Never a child's name.",
        max_length=200,
        error_messages={"required": "Give the reason for the new deadline."},
    )
