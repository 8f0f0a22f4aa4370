"""Forms of the import pages: an upload of several files, and the review of one parsed briefing."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms

from maqa.briefings.types import BriefingRecord, ChildrenFacts, ThemeForLearning
from maqa.core.errors import ApplicationError
from maqa.importers.review_themes import parse_accepted
from maqa.importers.services.batches import MAX_FILES
from maqa.importers.services.reading import MAX_BYTES
from maqa.importers.services.records import parse_audit_date

TEXTAREA = {"class": "govuk-textarea", "rows": 6}
ACCEPT = ".txt,.md,.pdf,.docx,.html,.htm"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; cleaned to a list (the service checks each file)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"class": "govuk-file-upload", "accept": ACCEPT})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise forms.ValidationError("Choose at least one briefing to upload.")
        return list(files)


class UploadForm(forms.Form):
    documents = MultipleFileField(
        label="Briefings",
        help_text=(
            f"Up to {MAX_FILES} files at once, each up to {MAX_BYTES // (1024 * 1024)} MB: PDF, "
            "Word (.docx), web pages (.html), Markdown or plain text."
        ),
    )


# --- review ---------------------------------------------------------------------------------

LEARNING_HELP = (
    "One theme for learning after another. Start each with a line “## ” and its title; then one "
    "line per point: “Found: ” for what we found, “Action: ” for what needs to happen."
)
_LINE = re.compile(r"^(found|action)\s*:\s*(.*)$", re.IGNORECASE)


def learning_to_text(learning: Any) -> str:
    """Themes for learning in the review form's mini-format."""
    blocks = []
    for item in learning if isinstance(learning, list) else []:
        if not isinstance(item, dict):
            continue
        lines = [f"## {item.get('title') or ''}".rstrip()]
        lines += [f"Found: {p}" for p in item.get("found") or [] if isinstance(p, str)]
        lines += [f"Action: {p}" for p in item.get("actions") or [] if isinstance(p, str)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def text_to_learning(text: str) -> list[ThemeForLearning]:
    """The review form's mini-format back into themes for learning; ValidationError naming the
    line that is in none of the three forms."""
    themes: list[ThemeForLearning] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        if line.startswith("#"):
            themes.append({"title": line.lstrip("#").strip() or None, "found": [], "actions": []})
            continue
        match = _LINE.match(line)
        if match is None:
            raise forms.ValidationError(
                f"Line {number} of the themes for learning: start it with “## ” (a theme's title), "
                "“Found: ” or “Action: ”."
            )
        if not themes:
            themes.append({"title": None, "found": [], "actions": []})
        point = match[2].strip()
        if point:
            themes[-1]["found" if match[1].lower() == "found" else "actions"].append(point)
    return themes


def lines_of(text: str) -> list[str]:
    return [
        " ".join(line.lstrip("•*-\u2013 ").split()) for line in text.splitlines() if line.strip()
    ]


class ReviewForm(forms.Form):
    theme = forms.CharField(
        label="Theme",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    audit_date = forms.CharField(
        label="Date of the audit",
        max_length=10,
        help_text="YYYY-MM-DD, or YYYY-MM if only the month is known (for example 2023-03).",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    children = forms.IntegerField(
        label="Number of children audited",
        min_value=0,
        max_value=32767,
        required=False,
        help_text="Leave it empty if the briefing does not say.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
    )
    worries = forms.CharField(
        label="What we are worried about",
        required=False,
        help_text="One point per line.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    good_practice = forms.CharField(
        label="What good practice did we see",
        required=False,
        help_text="One point per line.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    learning = forms.CharField(
        label="Themes for learning",
        required=False,
        help_text=LEARNING_HELP,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 12}),
    )
    accepted_themes = forms.CharField(widget=forms.HiddenInput, required=False)
    import_anyway = forms.BooleanField(
        label="I have checked: this is a different audit from the one already held. Import it.",
        required=False,
    )

    def __init__(self, *args: Any, needs_decision: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_decision = needs_decision
        if not needs_decision:
            del self.fields["import_anyway"]

    @classmethod
    def initial_from(cls, record: BriefingRecord | None) -> dict[str, Any]:
        record = record or {}
        found_children = record.get("children")
        children: ChildrenFacts = found_children if isinstance(found_children, dict) else {}
        count = children.get("count")
        return {
            "theme": record.get("theme") or record.get("title") or "",
            "audit_date": record.get("audit_date") or "",
            "children": count if isinstance(count, int) else None,
            "worries": "\n".join(p for p in record.get("worries") or [] if isinstance(p, str)),
            "good_practice": "\n".join(
                p for p in record.get("good_practice") or [] if isinstance(p, str)
            ),
            "learning": learning_to_text(record.get("learning")),
        }

    def clean_audit_date(self) -> str:
        value: str = self.cleaned_data["audit_date"].strip()
        try:
            parse_audit_date(value)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        return value

    def clean_learning(self) -> list[ThemeForLearning]:
        return text_to_learning(self.cleaned_data.get("learning") or "")

    def set_accepted(self, accepted: dict[str, list[int]]) -> None:
        """Write the themes of each point into the hidden field, as the page shows them."""
        value = json.dumps(accepted, ensure_ascii=False)
        if self.is_bound:
            data: Any = self.data
            data = data.copy()
            data["accepted_themes"] = value
            self.data = data
        self.initial["accepted_themes"] = value

    def record(self, parsed: BriefingRecord | None) -> BriefingRecord:
        """The parsed record with the person's corrections."""
        record = (parsed or {}).copy()
        data = self.cleaned_data
        children = (record.get("children") or {}).copy()
        children["count"] = data.get("children")
        record.update({
            "theme": " ".join(data["theme"].split()),
            "audit_date": data["audit_date"],
            "children": children,
            "worries": lines_of(data.get("worries") or ""),
            "good_practice": lines_of(data.get("good_practice") or ""),
            "learning": data["learning"],
            "accepted_themes": parse_accepted(data.get("accepted_themes") or ""),
        })  # fmt: skip
        return record
