"""The case list and the sample: upload or enter cases, exclude, draw or pick (partnership admin).

In draft the page changes the case list and sample; afterwards it shows the sample, read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maqa.audits import sampling
from maqa.audits.access import access_audit_admin
from maqa.audits.caselist.cases import FIXED, case_label
from maqa.audits.caselist.columns import COLUMNS
from maqa.audits.caselist.problems import CaseListProblems, Problem, problem_groups
from maqa.audits.caselist.reading import MAX_BYTES
from maqa.audits.caselist.template import TEMPLATE_NAME
from maqa.audits.models import Audit, CPCategory, PlanType, Sex
from maqa.core.errors import ApplicationError
from maqa.core.forms import GovukForm
from maqa.core.http import AuthedRequest, acting
from maqa.organisations.models import Organisation

RELOAD = "Reload the page and try again."
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- forms ----------------------------------------------------------------------------------


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Case list file",
        help_text="CSV UTF-8 or Excel Workbook (.xlsx), up to 5 MB and 5,000 cases.",
        allow_empty_file=True,  # the case list's own check says so, with the other problems
        error_messages={"required": "Choose a case list file."},
        widget=forms.FileInput(
            attrs={
                "class": "govuk-file-upload",
                "accept": ".csv,.xlsx,text/csv," + XLSX_TYPE,
            }
        ),
    )


class CaseForm(GovukForm):
    """One case by hand: fields named as the case list's columns, checked as a row of it."""

    case_number = forms.CharField(
        label="Case number", error_messages={"required": "Enter the case number."}
    )
    name = forms.CharField(
        label="Child's full name", error_messages={"required": "Enter the name."}
    )
    date_of_birth = forms.CharField(
        label="Date of birth",
        help_text="For example 2019-05-01 or 01/05/2019",
        error_messages={"required": "Enter the date of birth."},
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect
    )
    plan_type = forms.ChoiceField(
        label="Plan type",
        choices=PlanType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the plan type."},
    )
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "None (not a child protection plan)"), *CPCategory.choices],
        required=False,
        help_text="Needed for a child protection plan.",
    )
    plan_start_date = forms.CharField(
        label="Plan start date", required=False, help_text="For example 2024-01-15 or 15/01/2024"
    )
    needs = forms.CharField(
        label="Needs",
        required=False,
        help_text="Separated by semicolons, for example: neglect; domestic abuse",
    )
    agencies = forms.MultipleChoiceField(
        label="Involved agencies",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one involved agency."},
    )
    lead_agency = forms.ChoiceField(label="Lead agency", required=False)
    family_group = forms.CharField(
        label="Family group",
        required=False,
        help_text="The same number or code for brothers and sisters. Never a surname.",
    )

    def __init__(self, *args: Any, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [
            (o.short_name, f"{o.short_name} ({o.name})" if o.name != o.short_name else o.name)
            for o in Organisation.objects.filter(
                partnership_id=partnership_id, active=True
            ).order_by("short_name")
        ]
        fields: Any = self.fields
        fields["agencies"].choices = names
        fields["lead_agency"].choices = [("", "Not recorded"), *names]


class ExcludeForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is this case excluded?",
        choices=sampling.EXCLUSION_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the case is excluded."},
    )
    detail = forms.CharField(
        label="If other, why",
        required=False,
        max_length=150,
        help_text="Up to 150 characters. Never the child's name.",
    )


class DrawForm(GovukForm):
    count = forms.IntegerField(
        label="Number of children",
        min_value=1,
        max_value=sampling.MAX_SAMPLE,
        error_messages={"required": "Enter the number of children to draw."},
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )
    seed = forms.CharField(
        label="Seed (optional)",
        required=False,
        max_length=64,
        help_text="Leave blank for a new random seed. The same seed on the same case list "
        "draws the same sample.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    siblings = forms.BooleanField(
        label="Keep brothers and sisters together (the same family group)", required=False
    )
    version = _version_field()


class PickForm(GovukForm):
    cases = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,  # the service says "choose at least one", as it does for any caller
        widget=forms.CheckboxSelectMultiple,
    )
    version = _version_field()

    def __init__(self, *args: Any, case_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["cases"].choices = [(pk, str(pk)) for pk in case_ids]
        fields["cases"].error_messages["invalid_choice"] = (
            "The case list has changed: reload the page and choose again."
        )


class VersionOnlyForm(forms.Form):
    version = _version_field()


# --- pages ----------------------------------------------------------------------------------


def _page(
    request: AuthedRequest,
    audit: Audit,
    *,
    draw_form: DrawForm | None = None,
    pick_form: PickForm | None = None,
    failed: forms.Form | None = None,
) -> HttpResponse:
    pool = sampling.pool_view(**acting(request), audit=audit, show=request.GET.get("show", ""))
    initial = {"version": audit.version}
    if pick_form is not None:  # a pick refused: keep what was ticked
        picked = {str(v) for v in pick_form["cases"].value() or []}
    else:
        picked = {str(row.case.pk) for row in pool.sample}
    return render(request, "audits/sample_page.html", {
        "audit": audit, "pool": pool, "draft": audit.state == Audit.State.DRAFT,
        "picked": picked,
        "scope": sampling.scope_description(audit),
        "draw_form": draw_form or DrawForm(
            prefix="draw", initial={**initial, "count": audit.sample_size}
        ),
        "pick_form": pick_form or PickForm(prefix="pick", case_ids=[], initial=initial),
        "failed": failed,
    })  # fmt: skip


@login_required
def sample_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, access_audit_admin(request.user, pk))


@login_required
@require_POST
def sample_draw(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    form = DrawForm(request.POST, prefix="draw")
    if form.is_valid():
        try:
            drawn = sampling.sample_draw(
                **acting(request),
                audit=audit,
                count=form.cleaned_data["count"],
                seed=form.cleaned_data["seed"],
                siblings_together=form.cleaned_data["siblings"],
                version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                f"Drew {len(drawn.children)} children from {drawn.eligible} cases with the seed "
                f"{drawn.seed}.",
            )
            return redirect("audits:sample", pk=audit.pk)
    return _page(request, audit, draw_form=form, failed=form)


@login_required
@require_POST
def sample_pick(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    form = PickForm(
        request.POST,
        prefix="pick",
        case_ids=list(audit.cases.values_list("pk", flat=True)),
    )
    if form.is_valid():
        try:
            chosen = sampling.sample_pick(
                **acting(request),
                audit=audit,
                case_ids=form.cleaned_data["cases"],
                version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"The {len(chosen)} cases you chose are the sample.")
            return redirect("audits:sample", pk=audit.pk)
    return _page(request, audit, pick_form=form, failed=form)


@login_required
@require_POST
def sample_clear(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    form = VersionOnlyForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(RELOAD)
        cleared = sampling.sample_clear(
            **acting(request),
            audit=audit,
            version=form.cleaned_data["version"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Cleared the sample of {cleared} children.")
    return redirect("audits:sample", pk=audit.pk)


# --- the case list --------------------------------------------------------------------------


def _posted(request: AuthedRequest, *, files: bool = False) -> tuple[Any, ...]:
    """A form's data: what was posted (even nothing, so that an empty post shows its errors)."""
    if request.method != "POST":
        return ()
    return (request.POST, request.FILES) if files else (request.POST,)


def _fixed(request: AuthedRequest, audit: Audit) -> HttpResponse | None:
    """Pages that change the case list answer only in draft; otherwise back to the sample."""
    if audit.state == Audit.State.DRAFT:
        return None
    messages.error(request, FIXED)
    return redirect("audits:sample", pk=audit.pk)


@login_required
def caselist_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    if fixed := _fixed(request, audit):
        return fixed
    form = UploadForm(*_posted(request, files=True))
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = sampling.caselist_import(
                **acting(request),
                audit=audit,
                # One byte past the limit is enough to refuse it.
                data=form.cleaned_data["file"].read(MAX_BYTES + 1),
            )
        except CaseListProblems as error:
            form.add_error("file", error.message)
            problems = error.problems
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                f"Added {result.added} cases from the {result.kind} file. The case list has "
                f"{result.total} cases.",
            )
            return redirect("audits:sample", pk=audit.pk)
    return render(request, "audits/sample_upload.html", {
        "audit": audit, "form": form, "columns": COLUMNS,
        "problems": problem_groups(problems), "problem_count": len(problems),
        "organisations": Organisation.objects.filter(
            partnership_id=audit.partnership_id, active=True
        ).order_by("short_name"),
    })  # fmt: skip


@login_required
def caselist_add(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    if fixed := _fixed(request, audit):
        return fixed
    form = CaseForm(*_posted(request), partnership_id=audit.partnership_id)
    if request.method == "POST" and form.is_valid():
        try:
            case = sampling.case_add(**acting(request), audit=audit, values=form.cleaned_data)
        except CaseListProblems as error:
            for problem in error.problems:
                form.add_error(
                    problem.key if problem.key in form.fields else None, problem.sentence
                )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Added {case_label(case)} to the case list.")
            return redirect("audits:sample", pk=audit.pk)
    return render(request, "audits/sample_add.html", {"audit": audit, "form": form})


@login_required
@require_POST
def caselist_clear(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    try:
        deleted = sampling.caselist_clear(**acting(request), audit=audit)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Deleted the case list ({deleted} cases).")
    return redirect("audits:sample", pk=audit.pk)


@login_required
def template_download(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    content = sampling.caselist_template(**acting(request), audit=audit, kind=kind)
    response = HttpResponse(
        content, content_type=XLSX_TYPE if kind == "xlsx" else "text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}.{kind}"'
    return response


# --- exclusions -----------------------------------------------------------------------------


@login_required
def case_exclude(request: AuthedRequest, pk: int, case_pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    if fixed := _fixed(request, audit):
        return fixed
    case = get_object_or_404(audit.cases, pk=case_pk)
    form = ExcludeForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            sampling.case_exclude(
                **acting(request),
                audit=audit,
                case=case,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Excluded {case_label(case)}.")
            return redirect("audits:sample", pk=audit.pk)
    return render(
        request,
        "audits/sample_exclude.html",
        {"audit": audit, "case": case, "label": case_label(case), "form": form},
    )


@login_required
@require_POST
def case_include(request: AuthedRequest, pk: int, case_pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    case = get_object_or_404(audit.cases, pk=case_pk)
    try:
        sampling.case_include(**acting(request), audit=audit, case=case)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{case_label(case)} can be sampled again.")
    return redirect("audits:sample", pk=audit.pk)
