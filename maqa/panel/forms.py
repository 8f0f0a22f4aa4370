"""Forms for the panel. Each save carries the version it started from (0: nothing saved yet); the
service checks the values again and refuses a stale save (maqa.panel.services)."""

from __future__ import annotations

from typing import Any

from django import forms

from maqa.accounts.models import User
from maqa.core.errors import MAX_REASON
from maqa.core.forms import GovukForm
from maqa.organisations.models import Organisation
from maqa.panel.models import PanelAttendance, PanelGrade, PanelNote
from maqa.panel.selectors import NOT_AGREED
from maqa.panel.services import MAX_TEXT
from maqa.tools.definition import DomainTitle, Grade

RELOAD_TEXT = "Reload the page and try again: the form was sent without its version."
NO_NAMES = "Use children's references (Child A), never names, dates of birth or case numbers."


class _Versioned(GovukForm):
    # Checked in clean(), so that a missing version is one message for the page rather than an
    # error pinned to a hidden field nobody can see.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("version") is None and "version" not in self.errors:
            raise forms.ValidationError(RELOAD_TEXT)
        return cleaned


class PanelGradeForm(_Versioned):
    """The panel's agreed grade and rationale for one domain; prefixed by the domain's key, so
    that every domain's form on the child's page has its own field ids."""

    grade = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Why the panel agreed this grade. {NO_NAMES}",
    )

    def __init__(
        self,
        *args: Any,
        domain: DomainTitle,
        grades: list[Grade],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", domain["key"])
        super().__init__(*args, **kwargs)
        grade: Any = self.fields["grade"]
        grade.choices = [(g["value"], g["label"]) for g in grades] + [("", NOT_AGREED)]
        grade.label = f"The panel's agreed grade for {domain['title']}"
        self.domain = domain

    @classmethod
    def for_grade(
        cls,
        saved: PanelGrade | None,
        *,
        domain: DomainTitle,
        grades: list[Grade],
        data: Any = None,
    ) -> PanelGradeForm:
        initial = {
            "grade": saved.grade if saved else "",
            "rationale": saved.rationale if saved else "",
            "version": saved.version if saved else 0,
        }
        return cls(data, initial=initial, domain=domain, grades=grades)


class PanelNoteForm(_Versioned):
    text = forms.CharField(
        label="Notes",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=NO_NAMES,
    )

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label

    @classmethod
    def for_note(cls, saved: PanelNote | None, *, label: str, data: Any = None) -> PanelNoteForm:
        initial = {"text": saved.text if saved else "", "version": saved.version if saved else 0}
        return cls(data, initial=initial, label=label)


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class AttendanceForm(GovukForm):
    person = PersonChoiceField(
        label="Person",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not on the list: type their name below",
        help_text="Choose someone who uses maqa, or type the name of anyone else.",
    )
    name = forms.CharField(label="Name", required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not given",
    )
    status = forms.ChoiceField(
        label="Attendance",
        choices=PanelAttendance.Status.choices,
        initial=PanelAttendance.Status.PRESENT,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they attended or sent apologies."},
    )
    conflict_of_interest = forms.CharField(
        label="Conflict of interest declared (if any)",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"For example, a professional or personal link to a family. {NO_NAMES}",
    )

    def __init__(self, *args: Any, people: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["person"].queryset = people
        fields["organisation"].queryset = organisations

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("person") and not (cleaned.get("name") or "").strip():
            self.add_error("name", "Choose someone from the list, or type their name.")
        return cleaned


class ReasonForm(_Versioned):
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Kept in the audit trail. {NO_NAMES}",
        error_messages={"required": "Give the reason: it is kept in the audit trail."},
    )

    def __init__(self, *args: Any, label: str = "Reason", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
