from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from maqa.accounts.access import is_partnership_admin


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items: list[dict[str, object]] = [
        {"label": "Home", "url": "/"},
        {"label": "Audits", "url": "/audits/"},
    ]
    if is_partnership_admin(user):
        items += [
            {"label": "Organisations", "url": "/manage/organisations/"},
            {"label": "People", "url": "/manage/people/"},
            {"label": "Resources", "url": "/manage/resources/"},
            {"label": "Audit tools", "url": "/returns/tools/"},
            {"label": "Audit trail", "url": "/manage/audit-trail/"},
        ]
    for item in items:
        item["current"] = request.path == item["url"]
    return {"nav_items": items}
