from __future__ import annotations

from typing import Any

from django import forms

from maqa.accounts.models import Role
from maqa.core.forms import GovukForm, GovukModelForm
from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation, Resource


class VersionedForm(GovukModelForm):
    """A model form that carries the version it was opened at, to refuse a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class OrganisationForm(VersionedForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "sector", "active"]
        labels = {"short_name": "Short name", "active": "Active (takes part in audits)"}
        help_texts = {"short_name": "Used in tables and briefings, for example NBT or CSC."}


class ResourceForm(VersionedForm):
    url = forms.URLField(label="Link", max_length=500, assume_scheme="https")
    themes_text = forms.CharField(
        label="Themes",
        required=False,
        help_text="Theme slugs, separated by commas, for example fathers, voice-of-child",
    )

    class Meta:
        model = Resource
        fields = ["title", "kind", "url", "description"]
        labels = {"url": "Link"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["themes_text"].initial = ", ".join(self.instance.themes)

    def clean_themes_text(self) -> list[str]:
        raw = self.cleaned_data.get("themes_text") or ""
        return [slug.strip() for slug in raw.split(",") if slug.strip()]


class RolesField(forms.MultipleChoiceField):
    """Roles as organisation-and-role pairs, shown as one checkbox each."""

    widget = forms.CheckboxSelectMultiple


def role_choices(organisations: list[Organisation]) -> list[tuple[str, str]]:
    return [
        (f"{org.pk}:{role}", f"{label}, {org.short_name}")
        for org in organisations
        for role, label in Role.choices
    ]


def parse_roles(values: list[str]) -> list[tuple[int, str]]:
    pairs = []
    for value in values:
        org_id, _, role = value.partition(":")
        pairs.append((int(org_id), role))
    return pairs


class InviteForm(GovukForm):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email address", max_length=254)
    roles = RolesField(label="Roles", help_text="Choose every role this person holds.")

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(organisations)  # type: ignore[attr-defined]


class RolesForm(GovukForm):
    roles = RolesField(label="Roles", help_text="Choose every role this person holds.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(organisations)  # type: ignore[attr-defined]


class AuditTrailFilterForm(GovukForm):
    action = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=[("", "Any"), *AuditEvent.Action.choices],
    )
    actor = forms.CharField(label="Who (email)", required=False, max_length=254)


class LogoForm(GovukForm):
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="A PNG or JPEG image up to 1 MB, shown at the top of your briefings.",
    )
    remove = forms.BooleanField(label="Remove the logo", required=False)
