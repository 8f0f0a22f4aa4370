from __future__ import annotations

from typing import Any

from django import forms

from maqa.accounts.models import Role, User
from maqa.audits.models import Audit, CPCategory, PlanType
from maqa.audits.reaudit import check_reaudit_of, reaudit_choices
from maqa.core.errors import ApplicationError
from maqa.core.forms import GovukForm
from maqa.organisations.models import Organisation, Partnership
from maqa.tools.models import AuditToolVersion


class AuditForm(GovukForm):
    theme = forms.CharField(
        label="Theme", max_length=200, help_text="For example: Engagement with fathers"
    )
    aim = forms.CharField(label="Aim", widget=forms.Textarea(attrs={"rows": 5}))
    plan_types = forms.MultipleChoiceField(
        label="Plan types in scope", choices=PlanType.choices, widget=forms.CheckboxSelectMultiple
    )
    cp_categories = forms.MultipleChoiceField(
        label="Child protection categories in scope",
        choices=CPCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for every category.",
    )
    age_min_years = forms.IntegerField(
        label="Youngest age (years)", min_value=0, max_value=25, required=False
    )
    age_max_years = forms.IntegerField(
        label="Oldest age (years)", min_value=0, max_value=25, required=False
    )
    sample_size = forms.IntegerField(
        label="Number of children to sample", min_value=1, max_value=50, initial=8
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies taking part",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    tool_version = forms.ModelChoiceField(
        label="Audit tool", queryset=AuditToolVersion.objects.none()
    )
    returns_due = forms.DateField(
        label="Returns due",
        help_text="For example 2027-01-29",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    panel_date = forms.DateField(
        label="Panel date",
        help_text="For example 2027-02-12",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    lead = forms.ModelChoiceField(label="Lead", queryset=User.objects.none())
    panel_members = forms.ModelMultipleChoiceField(
        label="Panel members",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reaudit_of = forms.ModelChoiceField(
        label="Is this a re-audit? (optional)",
        queryset=Audit.objects.none(),
        required=False,
        empty_label="No: it does not look again at an earlier audit",
        help_text=(
            "Choose the earlier audit this one looks at again. The audit's page then compares "
            "their agreed grades and themes."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, partnership: Partnership, audit: Audit | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership, self.audit = partnership, audit
        fields: Any = self.fields
        fields["reaudit_of"].queryset = reaudit_choices(
            partnership.pk, exclude_pk=audit.pk if audit else None
        )
        fields["agencies"].queryset = Organisation.objects.filter(
            partnership=partnership, active=True
        )
        fields["tool_version"].queryset = (
            AuditToolVersion.objects.filter(tool__partnership=partnership)
            .select_related("tool")
            .order_by("tool__name", "-number")
        )
        people = User.objects.filter(partnership=partnership, is_active=True)
        fields["lead"].queryset = people.filter(memberships__role=Role.PARTNERSHIP_ADMIN).distinct()
        fields["panel_members"].queryset = people.filter(
            memberships__role=Role.PANEL_MEMBER
        ).distinct()

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data is not None and not self.has_error("panel_date"):
            try:
                check_reaudit_of(
                    data.get("reaudit_of"),
                    partnership_id=self.partnership.pk,
                    panel_date=data.get("panel_date"),
                    audit_pk=self.audit.pk if self.audit else None,
                )
            except ApplicationError as error:
                self.add_error("reaudit_of", error.message)
        return data

    @staticmethod
    def initial_from(audit: Audit) -> dict[str, Any]:
        return {
            "theme": audit.theme,
            "aim": audit.aim,
            "plan_types": audit.plan_types,
            "cp_categories": audit.cp_categories,
            "age_min_years": audit.age_min_years,
            "age_max_years": audit.age_max_years,
            "sample_size": audit.sample_size,
            "agencies": list(audit.agencies.all()),
            "tool_version": audit.tool_version,
            "returns_due": audit.returns_due,
            "panel_date": audit.panel_date,
            "lead": audit.lead,
            "panel_members": list(audit.panel_members.all()),
            "reaudit_of": audit.reaudit_of_id,
            "version": audit.version,
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
