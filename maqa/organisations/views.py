"""Admin pages for a partnership admin: organisations, people and roles, resources, audit trail."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maqa.accounts import services as account_services
from maqa.accounts.access import access_in_partnership, require_partnership_admin
from maqa.accounts.models import Membership, User
from maqa.core.errors import ApplicationError
from maqa.core.http import AuthedRequest, acting
from maqa.core.selectors import audit_trail_for
from maqa.organisations import services
from maqa.organisations.forms import (
    AuditTrailFilterForm,
    InviteForm,
    LogoForm,
    OrganisationForm,
    ResourceForm,
    RolesForm,
    parse_roles,
)
from maqa.organisations.models import Organisation, Resource

View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_partnership_admin(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def _organisations(request: AuthedRequest) -> list[Organisation]:
    return list(Organisation.objects.filter(partnership_id=request.user.partnership_id))


# --- organisations --------------------------------------------------------------------------


@admin_only
def organisation_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "organisations/organisation_list.html", {"organisations": _organisations(request)}
    )


@admin_only
def organisation_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    organisation = access_in_partnership(request.user, Organisation, pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        data: services.OrganisationData = {
            "name": cleaned["name"],
            "short_name": cleaned["short_name"],
            "sector": cleaned["sector"],
            "active": cleaned["active"],
        }
        try:
            if organisation is None:
                services.organisation_create(**acting(request), data=data)
            else:
                services.organisation_update(
                    **acting(request),
                    organisation=organisation,
                    data=data,
                    version=form.cleaned_data["version"] or 0,
                )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved {data['name']}.")
            return redirect("organisations:organisation-list")
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Edit {organisation}" if organisation else "Add an organisation",
            "back": reverse("organisations:organisation-list"),
        },
    )


# --- people ---------------------------------------------------------------------------------


@admin_only
def person_list(request: AuthedRequest) -> HttpResponse:
    people = (
        User.objects.filter(partnership_id=request.user.partnership_id)
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
        )
        .order_by("full_name")
    )
    return render(request, "organisations/person_list.html", {"people": people})


@admin_only
def person_invite(request: AuthedRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, organisations=_organisations(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, _link = account_services.user_invite(
                **acting(request),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=parse_roles(form.cleaned_data["roles"]),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("organisations:person-list")
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": "Invite a person",
            "back": reverse("organisations:person-list"),
            "submit": "Send invitation",
        },
    )


@admin_only
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person: User = access_in_partnership(request.user, User, pk)
    current = [f"{m.organisation_id}:{m.role}" for m in person.memberships.all()]
    form = RolesForm(
        request.POST or None,
        organisations=_organisations(request),
        initial={"roles": current, "version": person.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_services.user_set_roles(
                **acting(request),
                user=person,
                roles=parse_roles(form.cleaned_data["roles"]),
                version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Roles saved for {person.full_name}.")
            return redirect("organisations:person-list")
    return render(request, "organisations/person_detail.html", {"form": form, "person": person})


@admin_only
@require_POST
def person_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    person: User = access_in_partnership(request.user, User, pk)
    try:
        account_services.user_deactivate(**acting(request), user=person)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{person.full_name} is deactivated and signed out everywhere.")
    return redirect("organisations:person-detail", pk=person.pk)


@admin_only
@require_POST
def person_reactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    person: User = access_in_partnership(request.user, User, pk)
    account_services.user_reactivate(**acting(request), user=person)
    messages.success(request, f"{person.full_name} can sign in again.")
    return redirect("organisations:person-detail", pk=person.pk)


# --- resources ------------------------------------------------------------------------------


@admin_only
def resource_list(request: AuthedRequest) -> HttpResponse:
    resources = Resource.objects.filter(partnership_id=request.user.partnership_id)
    return render(request, "organisations/resource_list.html", {"resources": resources})


@admin_only
def resource_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    resource = access_in_partnership(request.user, Resource, pk) if pk else None
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        data: services.ResourceData = {
            "title": cleaned["title"],
            "kind": cleaned["kind"],
            "url": cleaned["url"],
            "description": cleaned["description"],
            "themes": cleaned["themes_text"],
        }
        try:
            if resource is None:
                services.resource_create(**acting(request), data=data)
            else:
                services.resource_update(
                    **acting(request),
                    resource=resource,
                    data=data,
                    version=form.cleaned_data["version"] or 0,
                )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved {data['title']}.")
            return redirect("organisations:resource-list")
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Edit {resource}" if resource else "Add a resource",
            "back": reverse("organisations:resource-list"),
        },
    )


# --- audit trail ----------------------------------------------------------------------------


@admin_only
def audit_trail(request: AuthedRequest) -> HttpResponse:
    form = AuditTrailFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_trail_for(
        user=request.user,
        action=filters.get("action", ""),
        actor_email=filters.get("actor", ""),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "organisations/audit_trail.html", {"form": form, "page": page})


# --- the partnership ------------------------------------------------------------------------


@admin_only
def partnership_settings(request: AuthedRequest) -> HttpResponse:
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("logo")
        remove = form.cleaned_data.get("remove")
        try:
            if remove:
                services.partnership_logo_set(**acting(request), data=None)
            elif upload:
                services.partnership_logo_set(**acting(request), data=upload.read())
            else:
                raise ApplicationError("Choose a logo file, or tick Remove the logo.", field="logo")
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Saved the partnership's logo.")
            return redirect("organisations:partnership")
    return render(request, "organisations/partnership.html",
                  {"form": form, "partnership": request.user.partnership})  # fmt: skip


@admin_only
def partnership_logo(request: AuthedRequest) -> HttpResponse:
    """The logo itself, for the admin's preview (media files are not served publicly)."""
    from django.http import Http404

    logo = request.user.partnership.logo
    if not logo:
        raise Http404
    data = logo.read()
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return HttpResponse(data, content_type=kind)
