"""Re-audits: an audit that looks again at an earlier audit's theme, compared with it.

Who sees what (grades are about children, case by case; themes are the briefing's learning):

- **Agreed grades by domain**: whoever may see the panel's grades of *both* audits: partnership
  admins, and a panel member named for both, once both have reached the panel.
- **Themes** (concerns and strengths per top-level theme): whoever may read the findings or the
  published briefing of both: the above, and viewers (the board) once both are published.
- Agency auditors see neither: the comparison page is not found for them, as for anyone who may
  see neither part of this audit.

Reads only. Each part is one query per audit.
"""

from __future__ import annotations

import datetime
from typing import Any

from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError

NOT_EARLIER = (
    "A re-audit looks again at an earlier audit: choose one whose panel date is before this "
    "audit's."
)
NOT_OURS = "Choose an earlier audit of your partnership."


# --- the plan -----------------------------------------------------------------------------------


def reaudit_choices(partnership_id: int, *, exclude_pk: int | None = None) -> Any:
    """The audits a plan may name as the one it re-audits: the partnership's others, newest first
    (the form checks the date against the panel date it is given)."""
    audits = Audit.objects.filter(partnership_id=partnership_id).order_by("-panel_date", "theme")
    return audits.exclude(pk=exclude_pk) if exclude_pk else audits


def check_reaudit_of(
    earlier: Audit | None,
    *,
    partnership_id: int,
    panel_date: datetime.date | None,
    audit_pk: int | None = None,
) -> None:
    """Refuse an earlier audit that is this one, another partnership's, or not earlier."""
    if earlier is None:
        return
    if earlier.partnership_id != partnership_id or earlier.pk == audit_pk:
        raise ApplicationError(NOT_OURS, field="reaudit_of")
    if panel_date is not None and earlier.panel_date >= panel_date:
        raise ApplicationError(NOT_EARLIER, field="reaudit_of")


# --- who ----------------------------------------------------------------------------------------


# --- grades -------------------------------------------------------------------------------------


# --- themes -------------------------------------------------------------------------------------

NEW, RECURRING, GONE, NONE = "new", "recurring", "no longer seen", ""
