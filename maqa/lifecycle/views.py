"""The lifecycle's pages: moving an audit on and back, asking to publish its briefing and
confirming it. Each page is the admin's alone and calls one lifecycle service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from maqa.audits.access import access_audit_admin
from maqa.audits.forms import VersionForm
from maqa.audits.identifiers import Hit
from maqa.audits.models import Audit
from maqa.briefings.selectors import (
    BriefingHasIdentifiers,
    briefing_current,
    briefing_scan,
    pending_request,
    render_fragment,
)
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.lifecycle import publication, services
from maqa.lifecycle.closing import IdentifiersInFreeText
from maqa.lifecycle.forms import ConfirmForm, PublishForm
from maqa.panel.forms import ReasonForm


@login_required
@require_POST
def audit_move_on(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and try again.")
        return redirect("home:audit-detail", pk=audit.pk)
    try:
        services.audit_move_on(
            **acting(request),
            audit=audit,
            version=form.cleaned_data["version"],
        )
    except IdentifiersInFreeText as error:
        return render(
            request,
            "lifecycle/close_refused.html",
            {"audit": audit, "message": error.message, "hits": error.hits},
            status=409,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The audit is now: {audit.get_state_display()}.")
    return redirect("home:audit-detail", pk=audit.pk)


@login_required
def audit_move_back(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_audit_admin(request.user, pk)
    refused = services.why_not_back(audit)
    form = ReasonForm(
        request.POST or None, initial={"version": audit.version}, label="Why move it back?"
    )
    if request.method == "POST" and refused is None and form.is_valid():
        try:
            services.audit_move_back(
                **acting(request), audit=audit,
                reason=form.cleaned_data["reason"], version=form.cleaned_data["version"],
            )  # fmt: skip
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"The audit is now: {audit.get_state_display()}.")
            return redirect("home:audit-detail", pk=audit.pk)
    return render(request, "lifecycle/panel_move_back.html", {
        "audit": audit, "refused": refused, "form": form,
        "target": Audit.State.previous_of(audit.state),
    })  # fmt: skip


@login_required
def briefing_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask for publication: the identifier check must be clean."""
    audit = access_audit_admin(request.user, pk)
    if audit.state not in Audit.State.publishable():
        messages.error(request, publication.NOT_PUBLISHABLE)
        return redirect("briefings:briefing", pk=audit.pk)
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        republishing=audit.briefing_versions.exists(),
    )
    hits: list[Hit] = []
    if request.method == "POST" and form.is_valid():
        try:
            publication.publication_request(
                **acting(request),
                audit=audit,
                change_note=form.note,
            )
        except BriefingHasIdentifiers as error:
            hits = error.hits
            form.add_error(None, error.message)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                "Publication requested. Another partnership admin must now read the briefing "
                "and confirm the anonymisation.",
            )
            return redirect("briefings:briefing", pk=audit.pk)
    elif request.method != "POST":
        hits = briefing_scan(audit, briefing_current(audit))
    return render(request, "lifecycle/briefing_publish.html", {
        "audit": audit, "form": form, "hits": hits,
        "pending": pending_request(audit),
    })  # fmt: skip


@login_required
def briefing_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """The second admin reads the briefing asked for and confirms the anonymisation."""
    audit = access_audit_admin(request.user, pk)
    pending = pending_request(audit)
    if pending is None or audit.state not in Audit.State.publishable():
        messages.error(request, "No briefing of this audit is waiting for confirmation.")
        return redirect("briefings:briefing", pk=audit.pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, initial={"request": pending.pk}
    )
    hits: list[Hit] = []
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["request"] != pending.pk:
                raise ApplicationError(
                    "A newer request has replaced the one you read: read the briefing again."
                )
            version = publication.publication_confirm(
                **acting(request),
                request=pending,
                checklist=form.ticked(),
            )
        except BriefingHasIdentifiers as error:
            hits = error.hits
            form.add_error(None, error.message)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Published version {version.number} of the briefing.")
            return redirect("briefings:briefing-version", pk=audit.pk, number=version.number)
    return render(request, "lifecycle/briefing_confirm.html", {
        "audit": audit, "form": form, "pending": pending, "hits": hits,
        "own": pending.requested_by_id == request.user.pk,
        "shown_html": mark_safe(render_fragment(audit, pending.record)),  # noqa: S308
    })  # fmt: skip
