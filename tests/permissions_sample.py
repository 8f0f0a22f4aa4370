"""Matrix rows for the case list and the sample (maqa/audits/urls_sample.py).

Only the partnership admin, in every state: in draft the pages change the case list and the
sample; afterwards the sample page shows the sample read-only, and the pages and actions that
would change it send the admin back to it (302) with a message. The matrix posts no data, so:
draw and pick re-show the page with the error ("reload the page": no version) as 200; the
button-only actions redirect (302) whether or not they did anything.
"""

from __future__ import annotations

from typing import Any

from maqa.audits.models import Audit, Case, PlanType
from maqa.testing.personas import Personas
from tests.permissions import OPEN_STATES, Allow, Rule, merge, when


def admin_always(state: str) -> Allow:
    return {"admin": 200}


def admin_redirected(state: str) -> Allow:
    return {"admin": 302}


DRAFT_PAGE = merge(when(("draft",), {"admin": 200}), when(OPEN_STATES, {"admin": 302}))
AUDIT = {"pk": "audit"}
CASE = {"pk": "audit", "case_pk": "pool_case"}

MATRIX_PART: dict[str, Rule] = {
    "audits:sample": Rule(allow=admin_always, kwargs=AUDIT),
    "audits:sample-template-csv": Rule(allow=admin_always, kwargs=AUDIT, page=False),
    "audits:sample-template-xlsx": Rule(allow=admin_always, kwargs=AUDIT, page=False),
    "audits:sample-upload": Rule(allow=DRAFT_PAGE, kwargs=AUDIT),
    "audits:sample-add": Rule(allow=DRAFT_PAGE, kwargs=AUDIT),
    "audits:sample-exclude": Rule(allow=DRAFT_PAGE, kwargs=CASE),
    "audits:sample-include": Rule(method="POST", allow=admin_redirected, kwargs=CASE, page=False),
    "audits:sample-draw": Rule(method="POST", allow=admin_always, kwargs=AUDIT, page=False),
    "audits:sample-pick": Rule(method="POST", allow=admin_always, kwargs=AUDIT, page=False),
    "audits:sample-clear": Rule(method="POST", allow=admin_redirected, kwargs=AUDIT, page=False),
    "audits:sample-clear-list": Rule(
        method="POST", allow=admin_redirected, kwargs=AUDIT, page=False
    ),
}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    """``pool_case``: a case of the case list not sampled (in draft); after draft the unsampled
    cases are gone, so a sampled child stands in."""
    if audit.state != Audit.State.DRAFT:
        return {"pool_case": audit.cases.order_by("pk").first().pk}  # type: ignore[union-attr]
    case = Case.objects.create(
        audit=audit, plan_type=PlanType.CHILD_PROTECTION, category="neglect", age_months=60
    )
    case.agencies.set([personas.police_org])
    return {"pool_case": case.pk}
