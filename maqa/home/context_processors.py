from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from maqa.accounts.access import is_partnership_admin, roles_of
from maqa.accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items: list[dict[str, object]] = [
        {"label": "Home", "url": reverse("home:home")},
        {"label": "Audits", "url": reverse("home:audit-list")},
    ]
    roles = roles_of(user)
    if Role.AGENCY_AUDITOR in roles:
        items.append({"label": "Your returns", "url": reverse("returns:return-list")})
    items.append({"label": "Actions", "url": reverse("actions:action-list")})
    if roles & {Role.PARTNERSHIP_ADMIN, Role.PANEL_MEMBER, Role.VIEWER}:
        items += [
            {"label": "Trends", "url": reverse("trends:trends")},
            {"label": "Reports", "url": reverse("reports:index")},
        ]
    items.append({"label": "Search", "url": reverse("search:search")})
    if is_partnership_admin(user):
        items += [
            {"label": "Organisations", "url": reverse("organisations:organisation-list")},
            {"label": "People", "url": reverse("organisations:person-list")},
            {"label": "Resources", "url": reverse("organisations:resource-list")},
            {"label": "Audit tools", "url": reverse("tools:tool-list")},
            {"label": "Themes", "url": reverse("findings:theme-list")},
            {"label": "Imports", "url": reverse("importers:import-list")},
            {"label": "Audit trail", "url": reverse("organisations:audit-trail")},
            {"label": "Partnership", "url": reverse("organisations:partnership")},
        ]
    for item in items:
        item["current"] = request.path == item["url"]
    return {"nav_items": items}
