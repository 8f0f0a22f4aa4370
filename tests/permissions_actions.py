"""Matrix rows for the action pages (maqa/actions/urls.py, at /actions/).

Everyone signed in opens the list (an outsider sees their own partnership's, empty). An action
of the Police is seen by the admin, Police (the owner agency), the panel member and the viewer
(status only); Health, another agency, and the outsider get 404. The admin writes, changes,
cancels and decides; Police and the admin add updates and propose completion; only they download
its evidence.

Rows about one action are per-state only so that the sample world's builder (``world``) runs for
them; the audit's state does not matter to them, except for writing an action from a finding,
which needs the findings to be readable (from the panel on).
"""

from __future__ import annotations

from typing import Any

from maqa.actions.models import Action
from maqa.actions.services import action_update_add
from maqa.audits.models import Audit
from maqa.findings.models import Finding
from maqa.testing.actions import make_action, tiny_pdf
from maqa.testing.personas import Personas
from tests.permissions import ADMIN_LIST, PANEL_STATES, Rule, signed_in, when

SEEN = {"admin": 200, "police": 200, "panel": 200, "board": 200}
OWNERS = {"admin": 200, "police": 200}


def _always(allow: dict[str, int]) -> Any:
    return lambda state: allow


MATRIX_PART: dict[str, Rule] = {
    "actions:action-list": Rule(allow=signed_in(200)),
    "actions:action-create": Rule(allow=ADMIN_LIST),
    "actions:action-from-finding": Rule(
        allow=when(PANEL_STATES, {"admin": 200}), kwargs={"finding_pk": "action_finding"}
    ),
    "actions:action-detail": Rule(allow=_always(SEEN), kwargs={"pk": "action"}),
    "actions:action-edit": Rule(allow=_always({"admin": 200}), kwargs={"pk": "action"}),
    "actions:action-update": Rule(allow=_always(OWNERS), kwargs={"pk": "action"}),
    "actions:action-propose": Rule(allow=_always(OWNERS), kwargs={"pk": "action"}),
    "actions:action-decide": Rule(allow=_always({"admin": 200}), kwargs={"pk": "action_proposed"}),
    "actions:action-cancel": Rule(allow=_always({"admin": 200}), kwargs={"pk": "action"}),
    "actions:evidence": Rule(
        allow=_always(OWNERS), kwargs={"pk": "action", "evidence_pk": "evidence"}, page=False
    ),
}


def sample_actions(admin_action: Action, police: Any) -> dict[str, Any]:
    """An update with an evidence file on ``admin_action``, by ``police``."""
    made = action_update_add(
        actor=police,
        ip=None,
        action=admin_action,
        text="Briefing delivered to the first two response teams.",
        files=[("attendance register.pdf", tiny_pdf())],
        expected_version=admin_action.version,
    )
    return {"action": admin_action.pk, "evidence": made.evidence.get().pk}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    finding = Finding.objects.create(
        audit=audit,
        section=Finding.Section.ACTION,
        polarity=Finding.Polarity.ACTION,
        text="Agencies record fathers' details and include them in assessments.",
    )
    action = make_action(personas, audit=audit)
    proposed = make_action(personas, description="Audit of strategy discussion minutes.")
    action_update_add(
        actor=personas.police,
        ip=None,
        action=proposed,
        text="Done: the audit report is attached.",
        propose_completion=True,
        expected_version=proposed.version,
    )
    return {
        "action_finding": finding.pk,
        "action_proposed": proposed.pk,
        **sample_actions(action, personas.police),
    }
