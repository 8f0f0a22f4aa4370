"""Action snippets for other apps' pages: a "Write an action" link beside a point of the
findings, an audit's actions on its page, and the person's actions due soon on the home page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from maqa.actions.access import can_manage_actions
from maqa.actions.selectors import actions_due_for, audit_actions

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("actions/_write_link.html", takes_context=True)
def write_action_link(context: Any, point: Any) -> dict[str, Any]:
    user = _user(context)
    return {"point": point, "show": user is not None and can_manage_actions(user)}


@register.inclusion_tag("actions/_audit_actions.html", takes_context=True)
def audit_actions_section(context: Any, audit: Any) -> dict[str, Any]:
    user = _user(context)
    actions = audit_actions(user, audit.pk) if user is not None else []
    return {"actions": actions, "audit": audit, "today": timezone.localdate()}


@register.inclusion_tag("actions/_due_soon.html", takes_context=True)
def your_actions_due(context: Any) -> dict[str, Any]:
    user = _user(context)
    actions = actions_due_for(user) if user is not None else []
    return {"actions": actions, "today": timezone.localdate()}
