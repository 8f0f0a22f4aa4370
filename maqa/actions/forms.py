"""Forms of the action pages. Required fields say which one is missing; the services check the
same rules again (maqa.actions.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from maqa.accounts.models import User
from maqa.actions import services
from maqa.actions.evidence import MAX_BYTES
from maqa.actions.models import Action
from maqa.core.forms import GovukForm
from maqa.findings.models import Theme
from maqa.organisations.models import Organisation, Partnership


class ThemeChoiceField(forms.ModelMultipleChoiceField[Theme]):
    def label_from_instance(self, obj: Theme) -> str:
        return f"{obj.parent.name}: {obj.name}" if obj.parent else obj.name


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        agencies = ", ".join(sorted({m.organisation.short_name for m in obj.memberships.all()}))
        return f"{obj.full_name} ({agencies})" if agencies else obj.full_name


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": services.NO_DESCRIPTION},
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner agency",
        queryset=Organisation.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": services.NO_OWNER},
    )
    owner_person = PersonChoiceField(
        label="Owner (optional)",
        help_text="A person of the owner agency. Without one, the agency's auditors are reminded.",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody in particular",
    )
    due_date = forms.DateField(
        label="Due date",
        help_text="For example 2027-03-31",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": services.NO_DUE_DATE,
            "invalid": "Enter the due date as a real date, for example 2027-03-31",
        },
    )
    measure_of_success = forms.CharField(
        label="Measure of success",
        help_text="How you will know the action has made a difference.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": services.NO_MEASURE},
    )
    themes = ThemeChoiceField(
        label="Themes",
        help_text="The themes of the findings this action answers (optional).",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["owner_organisation"].queryset = Organisation.objects.filter(
            partnership=partnership, active=True
        ).order_by("name")
        fields["owner_person"].queryset = (
            User.objects.filter(partnership=partnership, is_active=True, memberships__isnull=False)
            .distinct()
            .prefetch_related("memberships__organisation")
            .order_by("full_name")
        )
        fields["themes"].queryset = (
            Theme.objects.filter(partnership=partnership, retired=False)
            .select_related("parent")
            .order_by("parent__name", "name")
        )

    def service_kwargs(self) -> services.ActionFields:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "owner_organisation": data["owner_organisation"],
            "owner_person": data.get("owner_person"),
            "due_date": data["due_date"],
            "measure_of_success": data["measure_of_success"],
            "themes": list(data.get("themes") or []),
        }


def action_initial(action: Action) -> dict[str, Any]:
    return {
        "description": action.description,
        "owner_organisation": action.owner_organisation_id,
        "owner_person": action.owner_person_id,
        "due_date": action.due_date,
        "measure_of_success": action.measure_of_success,
        "themes": [t.pk for t in action.themes.all()],
        "version": action.version,
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the content checks are the service's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UpdateForm(GovukForm):
    text = forms.CharField(
        label="What has been done",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the progress made"},
    )
    evidence = MultipleFileField(
        label="Evidence files (optional)",
        help_text="PDF, Word (.docx), PNG or JPEG, up to 10 MB each. You can choose several.",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, propose: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if propose:
            text: Any = self.fields["text"]
            text.label = "What was done, and how it meets the measure of success"
            text.error_messages["required"] = (
                "Describe what was done and how it meets the measure of success"
            )

    def file_pairs(self) -> list[tuple[str, bytes]]:
        """(name, bytes) of each upload; an oversized one is read only past the limit, enough for
        the service to refuse it."""
        pairs = []
        for upload in self.cleaned_data.get("evidence") or []:
            limit = MAX_BYTES + 1 if (upload.size or 0) > MAX_BYTES else -1
            pairs.append((upload.name or "", upload.read(limit)))
        return pairs


class DecideForm(GovukForm):
    decision = forms.ChoiceField(
        label="Is the action complete?",
        choices=[
            ("accept", "Yes: accept the evidence, the action is completed"),
            ("send_back", "No: send it back to the owner"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept the evidence or send it back"},
    )
    comment = forms.CharField(
        label="Comment",
        help_text="Required when you send it back: say what is missing.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "send_back" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what is missing, so the owner knows what to do next")
        return data


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the action cancelled?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for cancelling the action"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any status"),
            ("open", "Open (not completed or cancelled)"),
            *Action.Status.choices,
        ],
    )
    agency = forms.ModelChoiceField(
        label="Owner agency",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Any agency",
    )
    theme = forms.ModelChoiceField(
        label="Theme (with its subthemes)",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="Any theme",
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].queryset = Organisation.objects.filter(partnership=partnership).order_by(
            "name"
        )
        fields["theme"].queryset = Theme.objects.filter(
            partnership=partnership, parent__isnull=True
        ).order_by("name")
