"""Made data for the trends tests: past audits, points coded to themes, grades and returns,
written straight to the database (the services that write them are tested in their own apps)."""

from __future__ import annotations

import datetime
from datetime import date, timedelta

from django.utils import timezone

from maqa.actions.models import Action
from maqa.audits.models import Audit, Case, PlanType
from maqa.findings.models import Finding, Theme
from maqa.organisations.models import Organisation, Partnership
from maqa.panel.models import PanelGrade
from maqa.returns.models import Return
from maqa.testing.personas import Personas
from maqa.tools.models import AuditTool

SECTION = {"concern": "worry", "strength": "good_practice", "action": "action"}


def past_audit(
    personas: Personas,
    when: date,
    *,
    state: str = Audit.State.PUBLISHED,
    imported: bool = False,
    partnership: Partnership | None = None,
    theme: str = "",
) -> Audit:
    partnership = partnership or personas.partnership
    tool = AuditTool.objects.get(partnership=partnership, slug="multi-agency-case-audit")
    assert tool.latest is not None
    return Audit.objects.create(
        partnership=partnership,
        theme=theme or f"Audit of {when:%B %Y}",
        aim="To learn.",
        tool_version=tool.latest,
        returns_due=when - timedelta(days=14),
        panel_date=when,
        lead=personas.admin,
        state=state,
        imported=imported,
    )


def point(audit: Audit, polarity: str, *slugs: str) -> Finding:
    finding = Finding.objects.create(
        audit=audit, section=SECTION[polarity], text=f"A {polarity} point.", polarity=polarity
    )
    finding.themes.set(Theme.objects.filter(partnership=audit.partnership, slug__in=slugs))
    return finding


def child(audit: Audit, reference: str = "Child A") -> Case:
    return Case.objects.create(
        audit=audit,
        plan_type=PlanType.CHILD_PROTECTION,
        sampled=True,
        reference=reference,
        sample_order=ord(reference[-1]) - ord("A") + 1,
    )


def grade(audit: Audit, case: Case, domain: str, value: str) -> PanelGrade:
    return PanelGrade.objects.create(audit=audit, child=case, domain=domain, grade=value)


def a_return(
    audit: Audit,
    case: Case,
    organisation: Organisation,
    *,
    state: str = Return.State.SUBMITTED,
    answers: dict[str, str] | None = None,
    submitted: date | None = None,
) -> Return:
    submitted_at = (
        timezone.make_aware(datetime.datetime.combine(submitted, datetime.time(15, 0)))
        if submitted
        else None
    )
    return Return.objects.create(
        audit=audit,
        child=case,
        organisation=organisation,
        tool_version=audit.tool_version,
        state=state,
        answers=answers or {},
        submitted_at=submitted_at,
    )


def action(
    personas: Personas,
    organisation: Organisation,
    *,
    due: date,
    status: str = Action.Status.NOT_STARTED,
    audit: Audit | None = None,
    themes: tuple[str, ...] = (),
) -> Action:
    made = Action.objects.create(
        partnership=organisation.partnership,
        audit=audit,
        description="Do the thing.",
        owner_organisation=organisation,
        due_date=due,
        measure_of_success="It is done.",
        status=status,
    )
    made.themes.set(Theme.objects.filter(partnership=organisation.partnership, slug__in=themes))
    return made
