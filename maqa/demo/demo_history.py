"""The demo partnership's past: a few years of synthetic audits before the demo's own two, made
by maqa.demo.history with small sizes and the demo's agencies and people, so that the trends
pages show patterns on a fresh install (fathers a concern in most years; the child's voice
improving after an action about it)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.demo.history import HistoryCast, HistorySize, history_build
from maqa.organisations.models import Organisation, Partnership
from maqa.tools.models import AuditTool

DEMO_HISTORY = HistorySize(audits=8, findings=120, answers=2400, years=4, current=0)
DEMO_HISTORY_SEED = 2026
# The demo's own audits: their titles stay theirs (pages and tests find them by title).
DEMO_TITLES = ("Engagement with fathers", "Voice of the child")


def demo_history_load(*, partnership: Partnership) -> dict[str, int] | None:
    """Add the past audits once (None when they are there already)."""
    if Audit.objects.filter(partnership=partnership, sample_seed__startswith="history-").exists():
        return None
    admin = User.objects.get(email="admin@demo.test")
    orgs = {o.short_name: o for o in Organisation.objects.filter(partnership=partnership)}
    auditors = {
        orgs["Police"].pk: User.objects.get(email="police@demo.test"),
        orgs["Community Health"].pk: User.objects.get(email="health@demo.test"),
    }
    cast = HistoryCast(
        admin=admin,
        panel=list(User.objects.filter(email="panel@demo.test")),
        agencies=[o for short, o in orgs.items() if short != "Partnership"],
        auditors=auditors,
        lead_agency=orgs.get("Social Care"),
    )
    tool = AuditTool.objects.get(partnership=partnership, slug="multi-agency-case-audit")
    assert tool.latest is not None
    today = timezone.localdate()
    counts = history_build(
        partnership=partnership, cast=cast, tool_version=tool.latest, size=DEMO_HISTORY,
        seed=DEMO_HISTORY_SEED, today=today,
        # Before the demo's published audit (its panel was 56 days ago).
        end=today - datetime.timedelta(days=150),
        actions_via_services=True, avoid_titles=DEMO_TITLES,
        all_closed=True,  # the demo's one published audit stays the only one
    )  # fmt: skip
    audit_record(
        action=AuditEvent.Action.CREATED,
        actor=None,
        partnership=partnership,
        object_type="audits.audit",
        object_label="demo history of past audits",
        summary={"demo_history": counts},
    )
    return counts
