"""Audit tool pages (partnership admin): list, a tool and its versions, copy, edit a copy, guide."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from maqa.accounts.access import access_in_partnership
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.organisations.views import admin_only
from maqa.tools import services
from maqa.tools.definition import ToolProblems, definition_to_yaml, described
from maqa.tools.forms import ToolCopyForm, ToolEditForm
from maqa.tools.models import AuditTool, AuditToolVersion

GUIDE = Path(settings.BASE_DIR) / "docs" / "audit-tools.md"

# --- reads ----------------------------------------------------------------------------------


def _versions_with_usage() -> QuerySet[AuditToolVersion]:
    """Versions newest first, each with how many audits use it (without its definition)."""
    return (
        AuditToolVersion.objects.defer("definition")
        .select_related("created_by")
        .annotate(audit_count=Count("audits"))
        .order_by("-number")
    )


def _tools_of(request: AuthedRequest) -> QuerySet[AuditTool]:
    return (
        AuditTool.objects.filter(partnership_id=request.user.partnership_id)
        .select_related("copied_from__tool")
        .defer("copied_from__definition")
        .annotate(audit_total=Count("versions__audits"))
        .prefetch_related(Prefetch("versions", _versions_with_usage(), to_attr="history"))
    )


def _tool(request: AuthedRequest, pk: int) -> AuditTool:
    tool: AuditTool = access_in_partnership(request.user, AuditTool, pk)
    return tool


def _tool_page(request: AuthedRequest, tool: AuditTool, number: int | None) -> HttpResponse:
    history = list(_versions_with_usage().filter(tool=tool))
    wanted = history[0].number if history and number is None else number
    version = next((v for v in history if v.number == wanted), None)
    if version is None:
        raise Http404
    return render(request, "tools/tool_detail.html", {
        "tool": tool,
        "version": version,
        "latest": history[0],
        "history": history,
        "definition": described(version.definition),  # loads the deferred definition
    })  # fmt: skip


# --- pages ----------------------------------------------------------------------------------


@admin_only
def tool_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "tools/tool_list.html", {"tools": _tools_of(request)})


@admin_only
def tool_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _tool_page(request, _tool(request, pk), None)


@admin_only
def tool_version(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    return _tool_page(request, _tool(request, pk), number)


@admin_only
def tool_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    tool = _tool(request, pk)
    latest = tool.latest
    if latest is None:
        raise Http404
    form = ToolCopyForm(request.POST or None, initial={"name": f"{tool.name} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.tool_copy(
                **acting(request),
                version=latest,
                name=form.cleaned_data["name"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Copied {latest} as {copy.name}. You can now edit it.")
            return redirect("tools:tool-detail", pk=copy.pk)
    return render(request, "tools/tool_copy.html", {"form": form, "tool": tool, "latest": latest})


@admin_only
def tool_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    tool = _tool(request, pk)
    latest = tool.latest
    if latest is None:
        raise Http404
    if tool.copied_from_id is None:
        return render(request, "tools/tool_edit_shipped.html", {"tool": tool})
    initial = {"definition": definition_to_yaml(latest.definition), "based_on": latest.number}
    form = ToolEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.tool_save_version(
                **acting(request),
                tool=tool,
                text=form.cleaned_data["definition"],
                based_on=form.cleaned_data["based_on"],
            )
        except ToolProblems as problems:
            for problem in problems.problems:
                form.add_error("definition", problem)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved version {version.number} of {tool.name}.")
            return redirect("tools:tool-detail", pk=tool.pk)
    return render(request, "tools/tool_edit.html", {"form": form, "tool": tool, "latest": latest})


@admin_only
def tool_guide(request: AuthedRequest) -> HttpResponse:
    if not GUIDE.is_file():
        raise Http404
    return render(request, "tools/tool_guide.html", {"guide": GUIDE.read_text()})
