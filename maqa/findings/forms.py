"""Forms for findings (a point, a theme for learning, moving) and the themes admin pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget
from django.urls import reverse

from maqa.audits.models import Audit
from maqa.core.forms import GovukForm
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.findings.selectors import (
    resources_for_choice,
    returns_for_choice,
    themes_for_choice,
)
from maqa.findings.services import (
    DEFAULT_POLARITY,
    MAX_THEMES,
    NO_THEMES,
    TOO_MANY_THEMES,
    FindingFields,
    FindingUpdate,
)
from maqa.organisations.models import Resource
from maqa.returns.models import Return

Section = Finding.Section


def place_of(section: str, learning_theme_id: int | None) -> str:
    """A point's place as the form's choice: "worry", "good_practice", "found-12", "action-12"."""
    return f"{section}-{learning_theme_id}" if learning_theme_id else section


def learning_theme_label(lt: LearningTheme, number: int) -> str:
    return lt.title or f"Theme for learning {number}"


class ReturnChoiceField(forms.ModelMultipleChoiceField[Return]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.child.reference}: {obj.organisation.short_name}"


class ResourceChoiceField(forms.ModelMultipleChoiceField[Resource]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.get_kind_display().lower()})"


class FindingForm(GovukForm):
    """A point: where it goes, its text, polarity, one to three themes, resources, returns."""

    place = forms.ChoiceField(
        label="Where does this point go?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the point goes."},
    )
    text = forms.CharField(
        label="The point",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "One point, written as it will read in the briefing. Call a child by their "
            "reference (Child A): never a name or case number."
        ),
        error_messages={"required": "Write the point."},
    )
    polarity = forms.ChoiceField(
        label="Polarity",
        widget=forms.RadioSelect,
        required=False,
        help_text=(
            "Worries and what we found are usually concerns, good practice a strength, what "
            "needs to happen an action."
        ),
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # counted in clean_themes, with a clearer message
        help_text="Choose one to three themes: a top-level theme, or a subtheme of one.",
        error_messages={
            "invalid_choice": "A theme you chose is no longer available (it may have been "
            "retired): choose again.",
        },
    )
    resources = ResourceChoiceField(
        label="Resources from the library (optional)",
        queryset=Resource.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Toolkits, policies and guidance the briefing links to from this point.",
    )
    source_returns = ReturnChoiceField(
        label="Returns this point came from (optional)",
        queryset=Return.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Internal only: shown to the panel and partnership admins, never in the briefing.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        audit: Audit,
        user: Any,
        learning_themes: list[LearningTheme],
        finding: Finding | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.learning_themes = {lt.pk: lt for lt in learning_themes}
        places = [(Section.WORRY.value, Section.WORRY.label)]
        places.append((Section.GOOD_PRACTICE.value, Section.GOOD_PRACTICE.label))
        for number, lt in enumerate(learning_themes, start=1):
            title = learning_theme_label(lt, number)
            places.append((place_of(Section.FOUND, lt.pk), f"{title}: what we found"))
            places.append((place_of(Section.ACTION, lt.pk), f"{title}: what needs to happen"))
        fields: Any = self.fields
        fields["place"].choices = places
        fields["polarity"].choices = [
            ("", "As the section suggests"),
            *Finding.Polarity.choices,
        ]
        fields["themes"].queryset = themes_for_choice(audit.partnership)
        fields["resources"].queryset = resources_for_choice(audit.partnership)
        linked = finding.source_returns.values_list("pk", flat=True) if finding else []
        fields["source_returns"].queryset = returns_for_choice(user, audit, keep=linked)
        # Suggested themes follow the text as it is typed (htmx; a POST, so that the text stays
        # out of URLs and logs). Without JavaScript they show when the page is loaded or sent.
        fields["text"].widget.attrs.update({
            "hx-post": reverse("findings:finding-suggest", args=[audit.pk]),
            "hx-trigger": "keyup changed delay:600ms, paste delay:600ms",
            "hx-target": "#theme-suggestions",
            "hx-swap": "innerHTML",
            "hx-include": "closest form",
            # One request at a time for the form: a newer one (typing, Accept) replaces it.
            "hx-sync": "closest form:replace",
        })  # fmt: skip

    def clean_themes(self) -> list[Theme]:
        themes = list(self.cleaned_data.get("themes") or [])
        if not themes:
            raise forms.ValidationError(NO_THEMES)
        if len(themes) > MAX_THEMES:
            raise forms.ValidationError(TOO_MANY_THEMES.format(count=len(themes)))
        return themes

    def placed(self) -> tuple[str, LearningTheme | None]:
        """The chosen section and theme for learning (after is_valid)."""
        section, _, lt_pk = self.cleaned_data["place"].partition("-")
        return section, self.learning_themes.get(int(lt_pk)) if lt_pk else None

    def service_kwargs(self) -> FindingFields:
        section, learning_theme = self.placed()
        data = self.cleaned_data
        return {
            "section": section,
            "learning_theme": learning_theme,
            "text": data["text"],
            "polarity": data["polarity"] or None,
            "themes": data["themes"],
            "resources": list(data["resources"]),
            "source_returns": list(data["source_returns"]),
        }

    def theme_groups(self) -> list[dict[str, Any]]:
        """The theme checkboxes grouped by top-level theme (the top-level theme first, then its
        subthemes), for the template; a group is open when one of its boxes is ticked."""
        bound = self["themes"]
        widgets: dict[str, BoundWidget] = {str(w.data["value"]): w for w in bound.subwidgets}
        themes = [w.data["value"].instance for w in bound.subwidgets]
        tops = [t for t in themes if t.parent_id is None]
        groups = []
        for top in tops:
            members = [top, *(t for t in themes if t.parent_id == top.pk)]
            boxes = [
                {"theme": t, "widget": widgets[str(t.pk)], "is_top": t is top} for t in members
            ]
            chosen = sum(1 for box in boxes if box["widget"].data["selected"])
            groups.append({"theme": top, "boxes": boxes, "chosen": chosen})
        if groups and bound.errors:
            groups[0]["open"] = True  # the error summary links to its first box
        for group in groups:
            group.setdefault("open", group["chosen"] > 0)
        return groups


def initial_from_post(data: Any, *, accept: int | None = None) -> dict[str, Any]:
    """A form's values as sent (an unbound form shows them without judging them), with the theme
    ``accept`` ticked: what an Accept button of a suggestion does before the point is saved."""
    themes = [v for v in data.getlist("themes") if v.isdigit()]
    if accept is not None and str(accept) not in themes:
        themes.append(str(accept))
    return {
        "place": data.get("place", ""),
        "text": data.get("text", ""),
        "polarity": data.get("polarity", ""),
        "themes": themes,
        "resources": data.getlist("resources"),
        "source_returns": data.getlist("source_returns"),
        "version": data.get("version") or None,
    }


def accepted_theme(data: Any) -> int | None:
    """The theme an Accept button sent (``accept_theme``), or None."""
    value = str(data.get("accept_theme", ""))
    return int(value) if value.isdigit() else None


class AcceptThemeForm(forms.Form):
    """Accept a suggested theme for a saved point: the theme and the version the page showed."""

    theme = forms.IntegerField()
    version = forms.IntegerField()

    def service_kwargs(self, finding: Finding, theme: Theme) -> FindingUpdate:
        """Everything finding_update needs: the point as it is, with ``theme`` added."""
        current = list(finding.themes.all())
        return {
            "version": self.cleaned_data["version"],
            "section": finding.section,
            "learning_theme": finding.learning_theme,
            "text": finding.text,
            "polarity": finding.polarity,
            "themes": [*current, theme] if theme not in current else current,
            "resources": list(finding.resources.all()),
            "source_returns": list(finding.source_returns.all()),
        }


def finding_initial(finding: Finding) -> dict[str, Any]:
    """The form's starting values for an existing point."""
    default = DEFAULT_POLARITY[finding.section]
    return {
        "place": place_of(finding.section, finding.learning_theme_id),
        "text": finding.text,
        "polarity": "" if finding.polarity == default else finding.polarity,
        "themes": [t.pk for t in finding.themes.all()],
        "resources": [r.pk for r in finding.resources.all()],
        "source_returns": [r.pk for r in finding.source_returns.all()],
        "version": finding.version,
    }


class LearningThemeForm(GovukForm):
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        help_text="For example, Engagement with fathers, or Domestic abuse seen in isolation.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class VersionForm(forms.Form):
    version = forms.IntegerField()


# --- the themes admin -------------------------------------------------------------------------


class ParentChoiceField(forms.ModelChoiceField[Theme]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ThemeForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="Its slug (the name the data keeps) is made from it and never changes.",
        error_messages={"required": "Give the theme a name."},
    )
    definition = forms.CharField(
        label="Definition (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What the theme covers, so that everyone codes findings the same way.",
    )
    parent = ParentChoiceField(
        label="Subtheme of (optional)",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="None: a top-level theme",
        help_text="Leave empty for a new top-level theme.",
    )

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["parent"]
        field.queryset = Theme.objects.filter(
            partnership=partnership, parent__isnull=True, retired=False
        ).order_by("name")


class ThemeEditForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Give the theme a name."}
    )
    definition = forms.CharField(
        label="Definition (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)


class ThemeRetireForm(GovukForm):
    successor = ParentChoiceField(
        label="Successor (optional)",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="No successor",
        help_text="The theme to use instead, shown to whoever meets the retired one.",
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["successor"]
        field.queryset = (
            Theme.objects.filter(partnership_id=theme.partnership_id, retired=False)
            .exclude(pk=theme.pk)
            .exclude(parent=theme)
            .select_related("parent")
            .order_by("slug")
        )
        field.label_from_instance = lambda t: f"{t.parent.name}: {t.name}" if t.parent else t.name
