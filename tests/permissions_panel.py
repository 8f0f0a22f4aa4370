"""Matrix rows for the panel (maqa/panel/urls.py).

The panel's pages are for the partnership admin and the panel member named for the audit, from
the panel state on (PANEL_STATES); everyone else gets 404, and so do they before the panel. The
panel's record changes at the panel and in reporting: there the matrix's empty posts come back as
the page with its problem (200), or, for removing an attendance row, a redirect (302); once
published the writes are refused (403, which the matrix counts as denied).

Reopening a return (the police return of Child A; none in draft, so 404) and moving an audit back
are the admin's alone. Both pages open in every state they can be reached, and say when the
action is not possible.
"""

from __future__ import annotations

from typing import Any

from maqa.audits.models import Audit
from maqa.panel.models import PanelAttendance
from maqa.testing.personas import Personas
from tests.permissions import OPEN_STATES, PANEL_STATES, STATES, Rule, only, when

EDIT_STATES = ("panel", "reporting")
PANEL_PAGE = when(PANEL_STATES, only(200, "admin", "panel"))
AUDIT = {"pk": "audit"}
CHILD = {"pk": "audit", "child_pk": "child"}

MATRIX_PART: dict[str, Rule] = {
    "panel:panel": Rule(allow=PANEL_PAGE, kwargs=AUDIT),
    "panel:panel-note": Rule(
        method="POST",
        allow=when(EDIT_STATES, only(200, "admin", "panel")),
        kwargs=AUDIT,
        page=False,
    ),
    "panel:panel-child": Rule(allow=PANEL_PAGE, kwargs=CHILD),
    "panel:panel-grade": Rule(
        method="POST",
        allow=when(EDIT_STATES, only(200, "admin", "panel")),
        kwargs={**CHILD, "domain": "panel_domain"},
        page=False,
    ),
    "panel:panel-child-note": Rule(
        method="POST",
        allow=when(EDIT_STATES, only(200, "admin", "panel")),
        kwargs=CHILD,
        page=False,
    ),
    "panel:panel-grid": Rule(allow=PANEL_PAGE, kwargs=AUDIT),
    "panel:panel-attendance": Rule(allow=PANEL_PAGE, kwargs=AUDIT),
    "panel:panel-attendance-remove": Rule(
        method="POST",
        allow=when(EDIT_STATES, only(302, "admin", "panel")),
        kwargs={"pk": "audit", "row_pk": "attendance_row"},
        page=False,
    ),
    "panel:panel-return-reopen": Rule(
        allow=when(OPEN_STATES, only(200, "admin")),
        kwargs={"pk": "audit", "return_pk": "return_police"},
    ),
    "lifecycle:audit-move-back": Rule(allow=when(STATES, only(200, "admin")), kwargs=AUDIT),
}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    """A domain of the default tool, and one row of attendance (made directly, in every state).

    ``return_police`` comes from tests/permissions_returns.py."""
    row = PanelAttendance.objects.create(audit=audit, name="Matrix Attendee")
    return {"panel_domain": "voice", "attendance_row": row.pk}
