"""An audit's learning briefing: the preview and its downloads, asking to publish, the second
admin's confirmation, and the published versions with their stored files.

Who may do what is in maqa.findings.publication (can_preview, can_read_versions, access_*).
The pages that show a briefing or serve its files answer GET and HEAD only: a published version
has no path that changes it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from maqa.audits.access import access_audit_admin
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, client_ip
from maqa.findings import publication
from maqa.findings.forms_briefing import ConfirmForm, PublishForm
from maqa.findings.publication import Download


def _attachment(download: Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def briefing_page(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = publication.access_briefing_audit(request.user, pk)
    overview = publication.briefing_overview(user=request.user, audit=audit)
    # The fragment is the renderer's own output: every value in it is escaped there.
    return render(request, "findings/briefing_page.html", {
        "audit": audit, "o": overview, "shown_html": mark_safe(overview.shown_html),  # noqa: S308
    })  # fmt: skip


@login_required
@require_safe
def briefing_preview_file(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    audit = publication.access_briefing_audit(request.user, pk)
    if not publication.can_preview(request.user, audit):
        raise Http404
    download = publication.briefing_preview_download(
        actor=request.user, ip=client_ip(request), audit=audit, kind=kind
    )
    return _attachment(download)


@login_required
def briefing_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask for publication: the identifier check must be clean."""
    audit = access_audit_admin(request.user, pk)
    if audit.state not in publication.PUBLISHABLE:
        messages.error(request, publication.NOT_PUBLISHABLE)
        return redirect("findings:briefing", pk=audit.pk)
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        republishing=audit.briefing_versions.exists(),
    )
    hits: list[publication.Hit] = []
    if request.method == "POST" and form.is_valid():
        try:
            publication.publication_request(
                actor=request.user,
                ip=client_ip(request),
                audit=audit,
                change_note=form.note,
            )
        except publication.BriefingHasIdentifiers as error:
            hits = error.hits
            form.add_error(None, error.message)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                "Publication requested. Another partnership admin must now read the briefing "
                "and confirm the anonymisation.",
            )
            return redirect("findings:briefing", pk=audit.pk)
    elif request.method != "POST":
        hits = publication.briefing_scan(audit, publication.briefing_current(audit))
    return render(request, "findings/briefing_publish.html", {
        "audit": audit, "form": form, "hits": hits,
        "pending": publication.pending_request(audit),
    })  # fmt: skip


@login_required
def briefing_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """The second admin reads the briefing asked for and confirms the anonymisation."""
    audit = access_audit_admin(request.user, pk)
    pending = publication.pending_request(audit)
    if pending is None or audit.state not in publication.PUBLISHABLE:
        messages.error(request, "No briefing of this audit is waiting for confirmation.")
        return redirect("findings:briefing", pk=audit.pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, initial={"request": pending.pk}
    )
    hits: list[publication.Hit] = []
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["request"] != pending.pk:
                raise ApplicationError(
                    "A newer request has replaced the one you read: read the briefing again."
                )
            version = publication.publication_confirm(
                actor=request.user,
                ip=client_ip(request),
                request=pending,
                checklist=form.ticked(),
            )
        except publication.BriefingHasIdentifiers as error:
            hits = error.hits
            form.add_error(None, error.message)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Published version {version.number} of the briefing.")
            return redirect("findings:briefing-version", pk=audit.pk, number=version.number)
    return render(request, "findings/briefing_confirm.html", {
        "audit": audit, "form": form, "pending": pending, "hits": hits,
        "own": pending.requested_by_id == request.user.pk,
        "shown_html": mark_safe(publication.render_fragment(audit, pending.record)),  # noqa: S308
    })  # fmt: skip


@login_required
@require_safe
def briefing_version(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    audit = publication.access_briefing_audit(request.user, pk)
    version = publication.access_version(request.user, audit, number)
    return render(request, "findings/briefing_version.html", {
        "audit": audit, "version": version,
        "shown_html": mark_safe(publication.render_fragment(audit, version.record)),  # noqa: S308
    })  # fmt: skip


@login_required
@require_safe
def briefing_version_file(request: AuthedRequest, pk: int, number: int, kind: str) -> HttpResponse:
    audit = publication.access_briefing_audit(request.user, pk)
    version = publication.access_version(request.user, audit, number)
    download = publication.briefing_version_download(
        actor=request.user, ip=client_ip(request), version=version, kind=kind
    )
    return _attachment(download)
