"""Importing past audits on the web: upload several briefings, watch them being read, review each
and save it as an audit. Partnership admins only; another partnership's uploads are not found."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maqa.accounts.access import access_in_partnership, require_partnership_admin
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.findings.models import Finding
from maqa.findings.suggestions import method_line
from maqa.importers.forms import ReviewForm, UploadForm
from maqa.importers.models import ImportBatch, ImportedDocument
from maqa.importers.review_themes import accepted_map, review_points
from maqa.importers.services import documents
from maqa.importers.services.batches import batch_parse_next, batch_progress, batch_upload
from maqa.importers.services.duplicates import IMPORT_ANYWAY, duplicates_of
from maqa.importers.services.importing import Outcome, briefing_import
from maqa.importers.services.records import record_plan

View = Callable[..., HttpResponse]
Status = ImportedDocument.Status
REVIEWABLE = (Status.PARSED, Status.NEEDS_DECISION, Status.SKIPPED)


def admin_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_partnership_admin(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def needs_a_theme(partnership_id: int) -> list[Finding]:
    """Points of imported audits saved without a theme."""
    return list(
        Finding.objects.filter(
            audit__partnership_id=partnership_id, audit__imported=True, themes__isnull=True
        )
        .select_related("audit", "learning_theme")
        .order_by("-audit__panel_date", "audit_id", "section", "position", "pk")
    )


@admin_only
def import_list(request: AuthedRequest) -> HttpResponse:
    documents = (
        ImportedDocument.objects.filter(partnership_id=request.user.partnership_id)
        .select_related("audit")
        .defer("content")
    )
    return render(
        request,
        "importers/import_list.html",
        {"documents": documents, "needs_a_theme": needs_a_theme(request.user.partnership_id)},
    )


@admin_only
def import_upload(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batch_upload(
                **acting(request),
                partnership=request.user.partnership,
                files=form.cleaned_data["documents"],
            )
        except ApplicationError as error:
            form.add_error("documents", error.message)
        else:
            return redirect("importers:batch-detail", batch.pk)
    return render(request, "importers/upload.html", {"form": form})


def _progress_context(batch: ImportBatch) -> dict[str, Any]:
    progress = batch_progress(batch)
    documents = batch.documents.select_related("audit").defer("content").order_by("pk")
    return {"batch": batch, "documents": documents, **progress}


@admin_only
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = access_in_partnership(request.user, ImportBatch, pk)
    return render(request, "importers/batch.html", _progress_context(batch))


@admin_only
@require_POST
def batch_step(request: AuthedRequest, pk: int) -> HttpResponse:
    """Read the next file of the upload. htmx polls this and swaps in the progress."""
    batch = access_in_partnership(request.user, ImportBatch, pk)
    batch_parse_next(batch=batch)
    if getattr(request, "htmx", False):
        return render(request, "importers/_progress.html", _progress_context(batch))
    return redirect("importers:batch-detail", batch.pk)


DECIDE = (
    "This looks like an audit already held: tick the box to import it anyway, or skip this "
    "document."
)


def _duplicates(document: ImportedDocument) -> list[Any]:
    """Audits already held that the document, as read, looks like."""
    if document.record is None:
        return []
    try:
        plan = record_plan(document.record)
    except ApplicationError:
        return []
    return duplicates_of(document.partnership, plan)


def _after(document: ImportedDocument) -> str:
    if document.batch_id:
        return reverse("importers:batch-detail", args=[document.batch_id])
    return reverse("importers:import-list")


@admin_only
def document_review(request: AuthedRequest, pk: int) -> HttpResponse:
    document = access_in_partnership(request.user, ImportedDocument, pk)
    if document.status in (Status.PENDING, Status.PARSING):
        messages.info(request, "This file has not been read yet.")
        return redirect(_after(document))
    context: dict[str, Any] = {"document": document, "back": _after(document)}
    if document.status not in REVIEWABLE:
        return render(request, "importers/review.html", context)
    duplicates = _duplicates(document)
    needs_decision = bool(duplicates) or document.status == Status.NEEDS_DECISION
    posted = request.method == "POST"
    accept = _accepting(request)
    form = ReviewForm(
        request.POST if posted else None,
        initial=ReviewForm.initial_from(document.record),
        needs_decision=needs_decision,
    )
    if accept is not None and _suggesting():
        # An Accept button of a suggested theme: the page again with that theme added.
        context.update(_with_theme(request, document, form, accept), duplicates=duplicates)
        return render(request, "importers/review.html", context)
    if posted and form.is_valid():
        record = form.record(document.record)
        if _suggesting():
            points = review_points(request.user.partnership, record, record["accepted_themes"])
            record["accepted_themes"] = accepted_map(points)
        else:
            record.pop("accepted_themes", None)
        outcome = briefing_import(
            **acting(request),
            partnership=request.user.partnership,
            filename=document.filename,
            data=bytes(document.content),
            apply=True,
            record_override=record,
            decision=IMPORT_ANYWAY if form.cleaned_data.get("import_anyway") else None,
        )
        if outcome.status == Outcome.CREATED:
            untagged = (
                f" {outcome.needs_a_theme} points need a theme." if outcome.needs_a_theme else ""
            )
            messages.success(
                request,
                f"Saved “{outcome.theme}” ({outcome.audit_date}) as a published audit with "
                f"{outcome.counts.findings} findings.{untagged}",
            )
            return redirect(_after(document))
        if outcome.status == Outcome.ALREADY:
            messages.info(request, f"Nothing saved: {outcome.message}")
            return redirect(_after(document))
        if outcome.status == Outcome.NEEDS_DECISION:
            # As corrected, it still looks like an audit already held (or one saved since).
            duplicates = outcome.duplicates
            if not form.needs_decision:
                form = ReviewForm(request.POST, initial=form.initial, needs_decision=True)
                form.is_valid()
            form.add_error("import_anyway", DECIDE)
        else:
            field = outcome.field if outcome.field in form.fields else None
            form.add_error(field, outcome.message[:1].upper() + outcome.message[1:])
    context.update(form=form, duplicates=duplicates, **_points_context(request, document, form))
    return render(request, "importers/review.html", context)


def _suggesting() -> bool:
    """Themes are suggested for imported points unless settings.IMPORT_SUGGEST_THEMES is off."""
    return bool(getattr(settings, "IMPORT_SUGGEST_THEMES", True))


def _accepting(request: AuthedRequest) -> tuple[int, int] | None:
    """(point index, theme id) from an Accept button ("3:41"), or None."""
    index, _, theme = str(request.POST.get("accept", "")).partition(":")
    return (int(index), int(theme)) if index.isdigit() and theme.isdigit() else None


def _points_context(
    request: AuthedRequest, document: ImportedDocument, form: ReviewForm
) -> dict[str, Any]:
    """Each point with its themes, for the page; and the hidden field set to match them."""
    if not _suggesting():
        return {"points": None}
    if form.is_bound:
        if not form.is_valid():
            return {"points": None}
        record = form.record(document.record)
        accepted = record["accepted_themes"]
    else:
        record, accepted = document.record or {}, {}
    points = review_points(request.user.partnership, record, accepted)
    form.set_accepted(accepted_map(points))
    return {"points": points, "method_line": method_line()}


def _with_theme(
    request: AuthedRequest, document: ImportedDocument, form: ReviewForm, accept: tuple[int, int]
) -> dict[str, Any]:
    if not form.is_valid():
        return {"form": form, "points": None}
    record = form.record(document.record)
    points = review_points(request.user.partnership, record, record["accepted_themes"])
    chosen = accepted_map(points)
    index, theme_pk = accept
    if 0 <= index < len(points):
        point = points[index]
        offered = {s.theme_pk for s in point.offered}
        if theme_pk in offered and point.room:
            chosen[point.text] = [*chosen[point.text], theme_pk]
        record["accepted_themes"] = chosen
        points = review_points(request.user.partnership, record, chosen)
    form.set_accepted(accepted_map(points))
    return {"form": form, "points": points, "method_line": method_line()}


@admin_only
@require_POST
def document_skip(request: AuthedRequest, pk: int) -> HttpResponse:
    document = access_in_partnership(request.user, ImportedDocument, pk)
    try:
        documents.document_skip(**acting(request), document=document)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Skipped {document.filename}: nothing was saved.")
    return redirect(_after(document))
