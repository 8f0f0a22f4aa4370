"""Suggested themes while recording a point, and "seen before" for its themes.

- The point's form asks ``finding_suggest`` for suggestions as its text is typed (htmx posts the
  form; nothing is saved) and shows them with an Accept button each. Accept ticks the theme: with
  htmx the themes part of the form comes back with it ticked; without JavaScript the button sends
  the whole form to its own page, which comes back with the theme ticked. Either way the point is
  saved (and the change recorded) only by its Save button, through finding_create/finding_update.
- On the findings page, each saved point shows the themes suggested for it that it does not
  have yet, with an Accept button that saves the theme at once (``finding_accept``, through
  finding_update, with the version the page showed: a stale page is refused).
- Each theme of a point (a subtheme counts for its parent) that was a concern in earlier audits
  says so: "Fathers and male carers: seen before in 3 audits", with links.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.findings import services
from maqa.findings.forms import (
    AcceptThemeForm,
    FindingForm,
    accepted_theme,
    initial_from_post,
)
from maqa.findings.models import Finding, Theme
from maqa.findings.selectors import (
    AuditFindings,
    PointItem,
    access_finding,
    access_findings_audit,
    can_edit_findings,
    theme_recurrence,
    top_slugs,
)
from maqa.findings.suggestions import PointSuggestions, method_line, suggestions_for


def chosen_tops(form: FindingForm) -> list[str]:
    """The top-level slugs of the themes ticked in the form."""
    return [group["theme"].slug for group in form.theme_groups() if group["chosen"]]


def _form_values(form: FindingForm) -> tuple[str, str | None]:
    if form.is_bound:
        data: Any = form.data
        return str(data.get("text", "")), data.get("polarity") or None
    return str(form.initial.get("text") or ""), form.initial.get("polarity") or None


def theme_block_context(request: AuthedRequest, audit: Audit, form: FindingForm) -> dict[str, Any]:
    """What the suggestions and the themes of a point's form need: the suggestions for its text,
    which themes are ticked, and which were concerns before."""
    text, polarity = _form_values(form)
    suggestions = suggestions_for(
        partnership=audit.partnership, texts=[text], polarities=[polarity]
    )
    chosen = chosen_tops(form)
    shown = suggestions[0]
    return {
        "suggestions": shown,
        "chosen_tops": chosen,
        "recurrence": theme_recurrence(
            request.user, audit, chosen + [s.slug for s in shown.themes]
        ),
        "method_line": shown.method_line,
    }


def accepting_form(request: AuthedRequest, audit: Audit, **kwargs: Any) -> FindingForm | None:
    """When an Accept button sent the form: the form again, unbound (nothing is judged or
    saved), with what was typed and the accepted theme ticked. Otherwise None."""
    accept = accepted_theme(request.POST) if request.method == "POST" else None
    if accept is None:
        return None
    return FindingForm(
        initial=initial_from_post(request.POST, accept=accept),
        audit=audit,
        user=request.user,
        learning_themes=list(audit.learning_themes.order_by("position", "pk")),
        **kwargs,
    )


@login_required
@require_POST
def finding_suggest(request: AuthedRequest, pk: int) -> HttpResponse:
    """The suggestions for the point being written (read only: nothing is saved). With
    ``accept_theme``, the themes part of the form, with that theme ticked."""
    audit = access_findings_audit(request.user, pk)
    if not can_edit_findings(audit):
        raise Http404
    form = accepting_form(request, audit)
    accepted = form is not None
    if form is None:
        form = FindingForm(
            initial=initial_from_post(request.POST),
            audit=audit,
            user=request.user,
            learning_themes=list(audit.learning_themes.order_by("position", "pk")),
        )
    context = {"audit": audit, "form": form, **theme_block_context(request, audit, form)}
    if accepted:
        names = [g["theme"].name for g in form.theme_groups() if g["chosen"]]
        context["accepted_message"] = "Themes ticked: " + "; ".join(names) + "."
        return render(request, "findings/findings_theme_block.html", context)
    return render(request, "findings/findings_suggestions.html", context)


# --- the findings page: saved points ----------------------------------------------------------


def _points(findings: AuditFindings) -> list[PointItem]:
    points = [*findings.worries, *findings.good_practice]
    for lt in findings.learning_themes:
        points += [*lt.found, *lt.actions]
    return points


def points_context(
    request: AuthedRequest, audit: Audit, findings: AuditFindings, *, editable: bool
) -> dict[str, Any]:
    """For each point (by pk): ``seen`` (its themes' recurrences) and, while the findings may
    change, ``suggested`` (themes suggested for it that it has not, while it has room for one
    more). One query for the recurrences of the whole page; one batch of suggestions."""
    points = _points(findings)
    tops = {p.pk: top_slugs(p.themes) for p in points}
    recurrence = theme_recurrence(request.user, audit, [s for ts in tops.values() for s in ts])
    suggested: dict[int, PointSuggestions] = {}
    roomy = [p for p in points if len(p.themes) < services.MAX_THEMES] if editable else []
    if roomy:
        batch = suggestions_for(
            partnership=audit.partnership,
            texts=[p.text for p in roomy],
            polarities=[p.polarity for p in roomy],
            limit=services.MAX_THEMES * 2,
        )
        suggested = dict(zip((p.pk for p in roomy), batch, strict=True))
    extras: dict[int, dict[str, Any]] = {}
    for p in points:
        offered = suggested.get(p.pk)
        room = services.MAX_THEMES - len(p.themes)
        extras[p.pk] = {
            "seen": [recurrence[s] for s in tops[p.pk] if s in recurrence],
            # as many as it has room for, of those it has not
            "suggested": [s for s in offered.themes if s.slug not in tops[p.pk]][:room]
            if offered
            else [],
        }
    return {"extras": extras, "method_line": method_line() if roomy else ""}


@login_required
@require_POST
def finding_accept(request: AuthedRequest, pk: int, finding_pk: int) -> HttpResponse:
    """Add a suggested theme to a saved point (a change of the point, recorded as one)."""
    audit = access_findings_audit(request.user, pk)
    finding: Finding = access_finding(audit, finding_pk)
    back = reverse("findings:finding-list", args=[audit.pk]) + f"#point-{finding.pk}"
    if not can_edit_findings(audit):
        messages.info(request, services.READ_ONLY.format(state=audit.get_state_display().lower()))
        return redirect(back)
    form = AcceptThemeForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("Choose a suggested theme to accept.")
        theme = Theme.objects.filter(
            pk=form.cleaned_data["theme"], partnership_id=audit.partnership_id
        ).first()
        if theme is None:
            raise ApplicationError("Choose a suggested theme to accept.")
        services.finding_update(
            **acting(request),
            finding=finding,
            **form.service_kwargs(finding, theme),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Added the theme {theme.name} to the point.")
    return redirect(back)
