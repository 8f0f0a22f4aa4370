"""Matrix rows for agency returns (maqa/returns/urls.py; the tools' rows are elsewhere).

The sample return is the police return of Child A; an audit in draft has none (999999). Health
is the other agency: it never sees the police return. The panel member reads every return from
the panel state on; the board never sees returns.
"""

from __future__ import annotations

from typing import Any

from maqa.audits.models import Audit
from maqa.returns.models import Return
from maqa.testing.personas import Personas
from tests.permissions import (
    OPEN_STATES,
    PANEL_STATES,
    STATES,
    Rule,
    merge,
    only,
    signed_in,
    when,
)

RETURN = {"pk": "return_police"}

MATRIX_PART: dict[str, Rule] = {
    # Everyone signed in has the page; it lists only the returns of their own agencies.
    "returns:return-list": Rule(allow=signed_in(200)),
    "returns:return-detail": Rule(
        allow=merge(
            when(OPEN_STATES, only(200, "admin", "police")),
            when(PANEL_STATES, only(200, "panel")),
        ),
        kwargs=RETURN,
    ),
    # Sent empty, the form comes back with its problem (200) for the police auditor, the only
    # one who may change the return, and only while returns are open.
    "returns:return-save": Rule(
        method="POST",
        allow=when(("returns_open",), only(200, "police")),
        kwargs=RETURN,
        page=False,
    ),
    "returns:return-submit": Rule(
        allow=when(("returns_open",), only(200, "police")), kwargs=RETURN
    ),
    # Sent without the confirmation: the page again, with the problem.
    "returns:return-not-known": Rule(
        method="POST",
        allow=when(("returns_open",), only(200, "police")),
        kwargs=RETURN,
        page=False,
    ),
    # The admin's: sent empty, the page again with the problem (the sample return is not
    # submitted either).
    "returns:return-send-back": Rule(
        method="POST", allow=when(OPEN_STATES, only(200, "admin")), kwargs=RETURN, page=False
    ),
    "returns:return-reassign": Rule(allow=when(OPEN_STATES, only(200, "admin")), kwargs=RETURN),
    "returns:deadline-extend": Rule(
        allow=when(STATES, only(200, "admin")),
        kwargs={"audit_pk": "audit", "org_pk": "org_police"},
    ),
}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    ret = Return.objects.filter(
        audit=audit, child__reference="Child A", organisation=personas.police_org
    ).first()
    return {"return_police": ret.pk if ret else 999999, "org_police": personas.police_org.pk}
