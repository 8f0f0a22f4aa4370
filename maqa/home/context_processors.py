from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from maqa.accounts.access import is_partnership_admin, roles_of
from maqa.accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items: list[dict[str, object]] = [
        {"label": "Home", "url": "/"},
        {"label": "Audits", "url": "/audits/"},
    ]
    roles = roles_of(user)
    if Role.AGENCY_AUDITOR in roles:
        items.append({"label": "Your returns", "url": "/returns/mine/"})
    items.append({"label": "Actions", "url": "/actions/"})
    if roles & {Role.PARTNERSHIP_ADMIN, Role.PANEL_MEMBER, Role.VIEWER}:
        items += [
            {"label": "Trends", "url": "/trends/"},
            {"label": "Reports", "url": "/reports/"},
        ]
    items.append({"label": "Search", "url": "/search/"})
    if is_partnership_admin(user):
        items += [
            {"label": "Organisations", "url": "/manage/organisations/"},
            {"label": "People", "url": "/manage/people/"},
            {"label": "Resources", "url": "/manage/resources/"},
            {"label": "Audit tools", "url": "/returns/tools/"},
            {"label": "Themes", "url": "/audits/themes/"},
            {"label": "Imports", "url": "/imports/"},
            {"label": "Audit trail", "url": "/manage/audit-trail/"},
            {"label": "Partnership", "url": "/manage/partnership/"},
        ]
    for item in items:
        item["current"] = request.path == item["url"]
    return {"nav_items": items}
