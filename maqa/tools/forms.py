"""Forms of the audit tool pages: copy a tool, edit a copy's YAML."""

from __future__ import annotations

from django import forms

from maqa.core.forms import GovukForm


class ToolCopyForm(GovukForm):
    name = forms.CharField(
        label="Name of the copy",
        max_length=200,
        help_text="Agencies see this name on their returns, for example Neglect audit tool 2026.",
    )


class ToolEditForm(GovukForm):
    definition = forms.CharField(
        label="The tool, in YAML",
        # Leading spaces are part of YAML's structure: keep the text exactly as typed.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 32, "spellcheck": "false", "autocapitalize": "off"}),
    )
    # The version the text was opened at: saving refuses it if someone saved a newer one since.
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
