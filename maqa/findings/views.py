"""Findings of an audit (points and themes for learning) and the partnership's themes admin.

Who may open what is in maqa.findings.selectors (access_*), built on maqa.audits.access; what may
change when, in maqa.findings.services. Pages that change findings send a person back to the
findings page, with a message, once the audit is published.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maqa.accounts.access import require_partnership_admin
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.findings import services, themes
from maqa.findings.forms import (
    FindingForm,
    LearningThemeForm,
    MoveForm,
    ThemeEditForm,
    ThemeForm,
    ThemeRetireForm,
    VersionForm,
    finding_initial,
)
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.findings.selectors import (
    access_finding,
    access_findings_audit,
    access_learning_theme,
    access_theme,
    audit_findings,
    can_edit_findings,
    finding_item,
    theme_fingerprint,
    theme_is_added,
    theme_tree,
)
from maqa.findings.views_suggest import accepting_form, points_context, theme_block_context

View = Callable[..., HttpResponse]


def _list_url(audit: Audit, anchor: str = "") -> str:
    return reverse("findings:finding-list", args=[audit.pk]) + (f"#{anchor}" if anchor else "")


def _read_only(request: AuthedRequest, audit: Audit) -> HttpResponse | None:
    """Back to the findings page with a message, unless the findings may change."""
    if can_edit_findings(audit):
        return None
    messages.info(request, services.READ_ONLY.format(state=audit.get_state_display().lower()))
    return redirect(_list_url(audit))


def _show(form: Any, error: ApplicationError) -> None:
    form.add_application_error(error)


# --- points ---------------------------------------------------------------------------------


@login_required
def finding_list(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    findings, editable = audit_findings(audit, internal=True), can_edit_findings(audit)
    return render(request, "findings/findings_list.html", {
        "audit": audit, "findings": findings, "editable": editable,
        **points_context(request, audit, findings, editable=editable),
    })  # fmt: skip


def _finding_form(request: AuthedRequest, audit: Audit, **kwargs: Any) -> FindingForm:
    return FindingForm(
        request.POST if request.method == "POST" else None,
        audit=audit,
        user=request.user,
        learning_themes=list(audit.learning_themes.order_by("position", "pk")),
        **kwargs,
    )


@login_required
def finding_new(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    if (refused := _read_only(request, audit)) is not None:
        return refused
    form = accepting_form(request, audit) or _finding_form(
        request, audit, initial={"place": request.GET.get("place", "worry")}
    )
    if form.is_bound and form.is_valid():
        try:
            finding = services.finding_create(
                **acting(request), audit=audit, **form.service_kwargs()
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, "The point has been added.")
            return redirect(_list_url(audit, f"point-{finding.pk}"))
    return render(request, "findings/findings_form.html", {
        "audit": audit, "form": form, "finding": None,
        **theme_block_context(request, audit, form),
    })  # fmt: skip


@login_required
def finding_detail(request: AuthedRequest, pk: int, finding_pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    finding = access_finding(audit, finding_pk)
    if not can_edit_findings(audit):
        return render(request, "findings/findings_point.html", {
            "audit": audit, "point": finding_item(finding, internal=True),
        })  # fmt: skip
    form = accepting_form(request, audit, finding=finding) or _finding_form(
        request, audit, initial=finding_initial(finding), finding=finding
    )
    if form.is_bound and form.is_valid():
        try:
            services.finding_update(
                **acting(request),
                finding=finding,
                version=form.cleaned_data["version"] or 0,
                **form.service_kwargs(),
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, "The point has been saved.")
            return redirect(_list_url(audit, f"point-{finding.pk}"))
    retired = [t for t in finding.themes.select_related("parent") if _is_retired(t)]
    return render(request, "findings/findings_form.html", {
        "audit": audit, "form": form, "finding": finding, "retired_themes": retired,
        **theme_block_context(request, audit, form),
    })  # fmt: skip


def _is_retired(theme: Theme) -> bool:
    return theme.retired or bool(theme.parent and theme.parent.retired)


@login_required
def finding_delete(request: AuthedRequest, pk: int, finding_pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    finding = access_finding(audit, finding_pk)
    if (refused := _read_only(request, audit)) is not None:
        return refused
    error = None
    if request.method == "POST":
        form = VersionForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(services.STALE.format(what="point"))
            services.finding_delete(
                **acting(request),
                finding=finding,
                version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "The point has been deleted.")
            return redirect(_list_url(audit))
    return render(request, "findings/findings_delete.html", {
        "audit": audit, "point": finding_item(finding), "version": finding.version,
        "error": error, "what": "point",
    })  # fmt: skip


@login_required
@require_POST
def finding_move(request: AuthedRequest, pk: int, finding_pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    finding: Finding = access_finding(audit, finding_pk)
    if (refused := _read_only(request, audit)) is not None:
        return refused
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("Choose whether to move it up or down.")
        services.finding_move(
            **acting(request),
            finding=finding,
            direction=form.cleaned_data["direction"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_list_url(audit, f"point-{finding.pk}"))


# --- themes for learning --------------------------------------------------------------------


@login_required
def learning_new(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    if (refused := _read_only(request, audit)) is not None:
        return refused
    form = LearningThemeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lt = services.learning_theme_create(
                **acting(request),
                audit=audit,
                title=form.cleaned_data["title"],
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, "The theme for learning has been added.")
            return redirect(_list_url(audit, f"learning-{lt.pk}"))
    return render(request, "findings/findings_learning_form.html", {
        "audit": audit, "form": form, "learning_theme": None, "editable": True,
    })  # fmt: skip


@login_required
def learning_detail(request: AuthedRequest, pk: int, theme_pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    lt = access_learning_theme(audit, theme_pk)
    editable = can_edit_findings(audit)
    initial = {"title": lt.title, "version": lt.version}
    form = LearningThemeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.learning_theme_update(
                **acting(request),
                learning_theme=lt,
                title=form.cleaned_data["title"],
                version=form.cleaned_data["version"] or 0,
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, "The theme for learning has been saved.")
            return redirect(_list_url(audit, f"learning-{lt.pk}"))
    return render(request, "findings/findings_learning_form.html", {
        "audit": audit, "form": form, "learning_theme": lt, "editable": editable,
    })  # fmt: skip


@login_required
def learning_delete(request: AuthedRequest, pk: int, theme_pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    lt: LearningTheme = access_learning_theme(audit, theme_pk)
    if (refused := _read_only(request, audit)) is not None:
        return refused
    error = None
    if request.method == "POST":
        form = VersionForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(services.STALE.format(what="theme for learning"))
            services.learning_theme_delete(
                **acting(request),
                learning_theme=lt,
                version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "The theme for learning and its points have been deleted.")
            return redirect(_list_url(audit))
    return render(request, "findings/findings_delete.html", {
        "audit": audit, "learning_theme": lt, "points": lt.points.count(),
        "version": lt.version, "error": error, "what": "theme for learning",
    })  # fmt: skip


@login_required
@require_POST
def learning_move(request: AuthedRequest, pk: int, theme_pk: int) -> HttpResponse:
    audit = access_findings_audit(request.user, pk)
    lt = access_learning_theme(audit, theme_pk)
    if (refused := _read_only(request, audit)) is not None:
        return refused
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("Choose whether to move it up or down.")
        services.learning_theme_move(
            **acting(request),
            learning_theme=lt,
            direction=form.cleaned_data["direction"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_list_url(audit, f"learning-{lt.pk}"))


# --- the themes admin -------------------------------------------------------------------------


def admin_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_partnership_admin(request.user)
        return view(request, *args, **kwargs)

    return wrapper


@admin_only
def theme_list(request: AuthedRequest) -> HttpResponse:
    tree = theme_tree(request.user.partnership)
    return render(request, "findings/themes_list.html", {"tree": tree})


@admin_only
def theme_new(request: AuthedRequest) -> HttpResponse:
    form = ThemeForm(
        request.POST if request.method == "POST" else None,
        partnership=request.user.partnership,
        initial={"parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            theme = themes.theme_create(
                **acting(request),
                name=form.cleaned_data["name"],
                definition=form.cleaned_data["definition"],
                parent=form.cleaned_data["parent"],
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, f"Added the theme {theme.name} ({theme.slug}).")
            return redirect("findings:theme-list")
    return render(request, "findings/themes_form.html", {"form": form})


def _theme_page(
    request: AuthedRequest,
    theme: Theme,
    edit_form: ThemeEditForm | None = None,
    retire_form: ThemeRetireForm | None = None,
) -> HttpResponse:
    fingerprint = theme_fingerprint(theme)
    if edit_form is None:
        edit_form = ThemeEditForm(
            initial={"name": theme.name, "definition": theme.definition, "fingerprint": fingerprint}
        )
    if retire_form is None:
        retire_form = ThemeRetireForm(
            theme=theme, initial={"fingerprint": fingerprint}, prefix="retire"
        )
    successor = (
        Theme.objects.filter(partnership_id=theme.partnership_id, slug=theme.successor).first()
        if theme.successor
        else None
    )
    return render(request, "findings/themes_detail.html", {
        "theme": theme, "editable": theme_is_added(theme) and not theme.retired,
        "edit_form": edit_form, "retire_form": retire_form, "successor": successor,
        "subthemes": theme.subthemes.filter(retired=False).count(),
    })  # fmt: skip


@admin_only
def theme_detail(request: AuthedRequest, theme_pk: int) -> HttpResponse:
    theme = access_theme(request.user, theme_pk)
    if request.method != "POST":
        return _theme_page(request, theme)
    form = ThemeEditForm(request.POST)
    if form.is_valid():
        try:
            themes.theme_update(
                **acting(request),
                theme=theme,
                name=form.cleaned_data["name"],
                definition=form.cleaned_data["definition"],
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(request, f"Saved the theme {theme.name}.")
            return redirect("findings:theme-list")
    return _theme_page(request, theme, edit_form=form)


@admin_only
@require_POST
def theme_retire(request: AuthedRequest, theme_pk: int) -> HttpResponse:
    theme = access_theme(request.user, theme_pk)
    form = ThemeRetireForm(request.POST, theme=theme, prefix="retire")
    if form.is_valid():
        try:
            themes.theme_retire(
                **acting(request),
                theme=theme,
                successor=form.cleaned_data["successor"],
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except ApplicationError as error:
            _show(form, error)
        else:
            messages.success(
                request, f"Retired the theme {theme.name}. Its slug stays {theme.slug}."
            )
            return redirect("findings:theme-list")
    return _theme_page(request, theme, retire_form=form)
