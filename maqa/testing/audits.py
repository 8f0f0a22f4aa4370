"""Test helpers for audits: a planned audit with a sample, moved to any state through services.

Identifiers here are synthetic tokens, never names of real or realistic children.
"""

from __future__ import annotations

import datetime

from maqa.audits import crypto
from maqa.audits.models import Audit, Case, PlanType, Sex
from maqa.audits.services import DEFAULT_AIM, audit_create
from maqa.briefings.models import BriefingVersion
from maqa.briefings.types import BriefingRecord
from maqa.lifecycle.services import audit_move_on
from maqa.organisations.models import Organisation
from maqa.testing.personas import Personas
from maqa.tools.models import AuditTool

STATES = [s.value for s in Audit.State]


def synthetic_name(index: int) -> str:
    return f"Synthname{index:02d} Tokenfamily{index:02d}"


def synthetic_case_number(index: int) -> str:
    return f"CN-SYN-{index:05d}"


def make_audit(
    personas: Personas,
    *,
    state: str = Audit.State.DRAFT,
    children: int = 2,
    theme: str = "Engagement with fathers",
) -> Audit:
    """An audit of the personas' partnership; police and health are involved with every child.

    With ``children`` > 0 the children are sampled (Child A, Child B, ...); the audit is then moved
    through the real services up to ``state``.
    """
    csc = Organisation.objects.get(partnership=personas.partnership, short_name="CSC")
    tool = AuditTool.objects.get(partnership=personas.partnership, slug="multi-agency-case-audit")
    tool_version = tool.latest
    assert tool_version is not None
    today = datetime.date.today()
    audit = audit_create(
        actor=personas.admin,
        ip=None,
        data={
            "theme": theme,
            "aim": DEFAULT_AIM,
            "plan_types": [PlanType.CHILD_PROTECTION],
            "cp_categories": [],
            "age_min_years": 0,
            "age_max_years": 17,
            "sample_size": children,
            "returns_due": today + datetime.timedelta(days=14),
            "panel_date": today + datetime.timedelta(days=28),
            "lead": personas.admin,
            "tool_version": tool_version,
        },
        agencies=[personas.police_org, personas.health_org, csc],
        panel_members=[personas.panel],
    )
    for index in range(children):
        child = Case.objects.create(
            audit=audit,
            enc_name=crypto.encrypt(audit, synthetic_name(index)),
            enc_dob=crypto.encrypt(audit, "2019-05-01"),
            enc_case_number=crypto.encrypt(audit, synthetic_case_number(index)),
            sex=Sex.FEMALE if index % 2 else Sex.MALE,
            plan_type=PlanType.CHILD_PROTECTION,
            category="neglect",
            needs=["neglect", "domestic abuse"],
            lead_agency=csc,
            age_months=72 + index,
            source_row=index + 2,
            sampled=True,
            reference=f"Child {chr(ord('A') + index)}",
            sample_order=index + 1,
        )
        child.agencies.set([personas.police_org, personas.health_org, csc])
    target = STATES.index(state)
    while STATES.index(audit.state) < target:
        audit = advance(personas, audit)
    return audit


def _stand_in_briefing(audit: Audit, personas: Personas) -> None:
    """A published briefing version, written directly: only one moves an audit to published.
    (Tests of publishing itself go through maqa.briefings.publication.)"""
    from django.utils import timezone

    record: BriefingRecord = {"title": audit.theme, "theme": audit.theme}
    BriefingVersion.objects.create(
        audit=audit, number=1, record=record, html="",
        pdf=b"", docx=b"", html_sha256="", pdf_sha256="", docx_sha256="",
        prepared_by=personas.admin, confirmed_by=personas.admin, published_at=timezone.now(),
    )  # fmt: skip


def advance(personas: Personas, audit: Audit) -> Audit:
    """Move the audit on one state as the admin would (with a stand-in briefing to publish)."""
    audit.refresh_from_db()
    if audit.state == Audit.State.REPORTING and not audit.briefing_versions.exists():
        _stand_in_briefing(audit, personas)
    return audit_move_on(actor=personas.admin, ip=None, audit=audit, version=audit.version)
