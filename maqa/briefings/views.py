"""An audit's learning briefing: the preview and its downloads, asking to publish, the second
admin's confirmation, and the published versions with their stored files.

Who may do what is in maqa.briefings.publication (can_preview, can_read_versions, access_*).
The pages that show a briefing or serve its files answer GET and HEAD only: a published version
has no path that changes it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from maqa.briefings.access import access_briefing_audit, access_version, can_preview
from maqa.briefings.selectors import briefing_overview, render_fragment
from maqa.briefings.services import Download, briefing_preview_download, briefing_version_download
from maqa.core.http import AuthedRequest, acting


def _attachment(download: Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def briefing_page(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_briefing_audit(request.user, pk)
    overview = briefing_overview(user=request.user, audit=audit)
    # The fragment is the renderer's own output: every value in it is escaped there.
    return render(request, "briefings/briefing_page.html", {
        "audit": audit, "o": overview, "shown_html": mark_safe(overview.shown_html),  # noqa: S308
    })  # fmt: skip


@login_required
@require_safe
def briefing_preview_file(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    audit = access_briefing_audit(request.user, pk)
    if not can_preview(request.user, audit):
        raise Http404
    download = briefing_preview_download(**acting(request), audit=audit, kind=kind)
    return _attachment(download)


@login_required
@require_safe
def briefing_version(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    audit = access_briefing_audit(request.user, pk)
    version = access_version(request.user, audit, number)
    return render(request, "briefings/briefing_version.html", {
        "audit": audit, "version": version,
        "shown_html": mark_safe(render_fragment(audit, version.record)),  # noqa: S308
    })  # fmt: skip


@login_required
@require_safe
def briefing_version_file(request: AuthedRequest, pk: int, number: int, kind: str) -> HttpResponse:
    audit = access_briefing_audit(request.user, pk)
    version = access_version(request.user, audit, number)
    download = briefing_version_download(**acting(request), version=version, kind=kind)
    return _attachment(download)
