"""Matrix rows for the completion dashboard (maqa/returns/urls.py) and immediate
safeguarding concerns (maqa/audits/urls_concerns.py).

The dashboard, its CSV and the chase are the partnership admin's alone, in every state (the chase
answers with a redirect and a message; it chases only while returns are open). Concerns: the admin
sees every one in every state; the auditors of the agencies taking part (police, health) open the
list and the form once the audit leaves draft (the form says when concerns cannot be raised). The
sample concern is raised by police about Child A, whose lead agency is CSC: police reads it, but
only the admin (or a CSC auditor) may acknowledge it or record its outcome.
"""

from __future__ import annotations

from typing import Any

from maqa.audits.models import Audit, SafeguardingConcern
from maqa.testing.personas import Personas
from tests.permissions import OPEN_STATES, Rule, merge, only, when


def _admin(status: int) -> Any:
    return lambda state: {"admin": status}


CONCERN_PAGES = merge(_admin(200), when(OPEN_STATES, only(200, "police", "health")))

MATRIX_PART: dict[str, Rule] = {
    "returns:dashboard": Rule(allow=_admin(200), kwargs={"pk": "audit"}),
    "returns:dashboard-csv": Rule(allow=_admin(200), kwargs={"pk": "audit"}, page=False),
    "returns:dashboard-chase": Rule(
        method="POST", allow=_admin(302), kwargs={"pk": "audit"}, page=False
    ),
    "audits:concern-list": Rule(allow=CONCERN_PAGES, kwargs={"pk": "audit"}),
    "audits:concern-new": Rule(allow=CONCERN_PAGES, kwargs={"pk": "audit"}),
    "audits:concern-detail": Rule(
        allow=when(OPEN_STATES, only(200, "admin", "police")),
        kwargs={"pk": "audit", "concern_pk": "concern"},
    ),
    "audits:concern-acknowledge": Rule(
        method="POST",
        allow=when(OPEN_STATES, {"admin": 302}),
        kwargs={"pk": "audit", "concern_pk": "concern"},
        page=False,
    ),
    # An empty POST shows the form again with its errors.
    "audits:concern-outcome": Rule(
        method="POST",
        allow=when(OPEN_STATES, {"admin": 200}),
        kwargs={"pk": "audit", "concern_pk": "concern"},
        page=False,
    ),
}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    if audit.state == Audit.State.DRAFT:
        return {"concern": 999999}
    # Made directly: the service refuses new concerns once the audit is published.
    concern = SafeguardingConcern.objects.create(
        audit=audit,
        child=audit.cases.get(reference="Child A"),
        raised_by=personas.police,
        organisation=personas.police_org,
        description="Matrix concern text.",
    )
    return {"concern": concern.pk}
