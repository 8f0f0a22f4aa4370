"""The demo equivalents of the keys tests/permissions_actions.py's ``world`` adds: an action of
the demo Police with an update and an evidence file, one whose completion is proposed, and a
"what needs to happen" point of the demo's published audit to write an action from."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from maqa.actions.services import action_create, action_update_add
from maqa.findings.models import Finding
from maqa.organisations.models import Organisation
from maqa.testing.actions import tiny_pdf
from tests.browser.conftest import Site


def demo_world_part(site: Site, users: dict[str, Any]) -> dict[str, object]:
    admin, police = users["admin"], users["police"]
    police_org = Organisation.objects.get(partnership=admin.partnership, short_name="Police")
    due = timezone.localdate() + timedelta(days=45)

    def write(description: str) -> Any:
        return action_create(
            actor=admin,
            ip=None,
            description=description,
            owner_organisation=police_org,
            due_date=due,
            measure_of_success="A dip sample of 20 records shows the change in practice.",
        )

    action = write("Brief response officers on recording fathers' details.")
    made = action_update_add(
        actor=police, ip=None, action=action, text="First two teams briefed.",
        files=[("attendance register.pdf", tiny_pdf())], expected_version=action.version,
    )  # fmt: skip
    proposed = write("Audit strategy discussion minutes for the child's voice.")
    action_update_add(
        actor=police, ip=None, action=proposed, text="Done: the audit report is attached.",
        propose_completion=True, expected_version=proposed.version,
    )  # fmt: skip
    finding = (
        Finding.objects.filter(audit__partnership=admin.partnership, section="action")
        .order_by("pk")
        .first()
    )
    assert finding is not None, "the demo has no 'what needs to happen' point"
    return {
        "action": action.pk,
        "evidence": made.evidence.get().pk,
        "action_proposed": proposed.pk,
        "action_finding": finding.pk,
    }
