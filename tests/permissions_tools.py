"""Matrix rows for the audit tool pages (maqa/tools/urls.py): partnership admins only.

The outsider (admin of another partnership) sees their own list but gets 404 for this
partnership's tools. The rows about one tool are checked at every audit state, on a sample audit
planned on the shipped tool: the tool stays the admin's alone whatever the audit's state. (They
are per-state also because the sample world's builders, which make the copied tool, run only for
per-state rows.)
"""

from __future__ import annotations

from typing import Any

from maqa.audits.models import Audit
from maqa.testing.personas import Personas
from maqa.tools.models import AuditTool
from maqa.tools.services import tool_copy
from tests.permissions import ADMIN_LIST, ADMIN_OBJECT, Rule


def _admin_object(state: str) -> dict[str, int]:
    return ADMIN_OBJECT


MATRIX_PART: dict[str, Rule] = {
    "tools:tool-list": Rule(allow=ADMIN_LIST),
    "tools:tool-guide": Rule(allow=ADMIN_LIST),
    "tools:tool-detail": Rule(allow=_admin_object, kwargs={"pk": "tool"}),
    "tools:tool-version": Rule(
        allow=_admin_object, kwargs={"pk": "tool", "number": "tool_version"}
    ),
    "tools:tool-copy": Rule(allow=_admin_object, kwargs={"pk": "tool"}),
    # A copy's edit page (a shipped tool's says it cannot be edited and offers a copy).
    "tools:tool-edit": Rule(allow=_admin_object, kwargs={"pk": "copied_tool"}),
}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    tool = AuditTool.objects.get(partnership=personas.partnership, slug="multi-agency-case-audit")
    assert tool.latest is not None
    copy = tool_copy(actor=personas.admin, ip=None, version=tool.latest, name="Matrix copy")
    return {"tool": tool.pk, "copied_tool": copy.pk, "tool_version": 1}
