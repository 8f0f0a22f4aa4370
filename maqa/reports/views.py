"""The reports page, the exports (CSV, XLSX) and the board report (PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from maqa.accounts.access import AnyUser, is_partnership_admin
from maqa.core.exports import csv_response, xlsx_response
from maqa.core.http import AuthedRequest, acting
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.reports import access
from maqa.reports.forms import ExportForm, PeriodForm
from maqa.reports.render import board_report_pdf
from maqa.reports.selectors import board_report_data, export_table

SHEETS = {"findings": "Findings", "grades": "Agreed grades", "actions": "Actions"}


def _page(
    request: AuthedRequest,
    *,
    export_form: ExportForm | None = None,
    board_form: PeriodForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: AnyUser = request.user
    return render(
        request,
        "reports/index.html",
        {
            "exports": access.exports_for(user),
            "is_admin": is_partnership_admin(user),
            "own_agency_only": not access.is_report_reader(user),
            "board_report": access.is_report_reader(user),
            "form": export_form or ExportForm(user=user),
            "board_form": board_form or PeriodForm(auto_id="board_%s"),
        },
        status=status,
    )


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    if not access.exports_for(request.user):
        access.require_board_report(request.user)
    return _page(request)


@login_required
def export(request: AuthedRequest, export: str) -> HttpResponse:
    access.require_export(request.user, export)
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    filters = form.filters()
    table = export_table(request.user, export, filters)
    fmt = form.file_format
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        **acting(request),
        object_type="reports.export",
        object_label=f"{SHEETS[export].lower()} export",
        summary={"export": export, "format": fmt, **filters.summary(), "rows": len(table.rows)},
    )
    filename = f"maqa-{export}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename=filename, rows=table.all_rows(), sheet=SHEETS[export])
    return csv_response(filename=filename, rows=table.all_rows())


@login_required
def board_report(request: AuthedRequest) -> HttpResponse:
    access.require_board_report(request.user)
    form = PeriodForm(request.GET, auto_id="board_%s")
    if not form.is_valid():
        return _page(request, board_form=form, status=400)
    filters = form.filters()
    data = board_report_data(request.user.partnership, start=filters.start, end=filters.end)
    pdf = board_report_pdf(data)
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        **acting(request),
        object_type="reports.board_report",
        object_label="board report",
        summary={
            "export": "board report",
            "format": "pdf",
            **filters.summary(),
            "briefings": len(data.briefings),
            "overdue actions": len(data.overdue),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"maqa-board-report-{data.today.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
