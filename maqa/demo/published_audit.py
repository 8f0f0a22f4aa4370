"""The demo partnership's published audit: panel grades, findings and a published briefing,
all made through the services, as the partnership would make them."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from maqa.accounts.models import Membership, Role, User
from maqa.audits.models import Audit, PlanType
from maqa.audits.sampling import caselist_import, sample_draw
from maqa.audits.services import DEFAULT_AIM, audit_create
from maqa.demo.live_audit import FREE_TEXT, _answers, _case_list
from maqa.findings.models import Theme
from maqa.findings.services import finding_create, learning_theme_create
from maqa.lifecycle.publication import CHECKLIST, publication_confirm, publication_request
from maqa.lifecycle.services import audit_move_on
from maqa.organisations.models import Organisation, Partnership, Resource
from maqa.panel.services import panel_grade_save
from maqa.returns.models import Return
from maqa.returns.services import return_save, return_submit
from maqa.tools.models import AuditTool

PUBLISHED_THEME = "Voice of the child"
DEPUTY_EMAIL = "deputy@demo.test"

WORRIES = [
    ("Incidents were seen in isolation, so the build-up of harm was missed", ["cumulative-harm"]),
    ("Fathers and new partners were not included in assessments or plans", ["fathers-male-carers"]),
    ("The DASH risk checklist was not completed or updated after new incidents", ["risk-tools", "domestic-abuse"]),
    ("Cases were stepped down before the plan's changes had lasted", ["step-up-down"]),
]  # fmt: skip
GOOD = [
    ("Health visitors shared worries quickly with social care", ["information-sharing"]),
    ("Children's day-to-day lives were observed and recorded", ["child-voice"]),
    ("Core groups were well attended by health and education", ["multi-agency-working"]),
]
LEARNING = [
    (
        "Engagement with fathers",
        [("Fathers were rarely seen or spoken to", ["fathers-male-carers"])],
        [("Always ask who the child's father and significant adults are, and include them",
          ["fathers-male-carers"])],
    ),
    (
        "Use of risk tools",
        [("DASH checklists were not shared between agencies", ["risk-tools", "information-sharing"])],
        [("Share completed DASH checklists with partners and update them after each incident",
          ["risk-tools"])],
    ),
]  # fmt: skip


def demo_published_load(*, partnership: Partnership, password: str) -> Audit | None:
    """Create the demo's published audit once (after the open one)."""
    if Audit.objects.filter(partnership=partnership, theme=PUBLISHED_THEME).exists():
        return None
    admin = User.objects.get(email="admin@demo.test")
    deputy = _deputy(partnership, password)
    police = User.objects.get(email="police@demo.test")
    health = User.objects.get(email="health@demo.test")
    orgs = {o.short_name: o for o in Organisation.objects.filter(partnership=partnership)}
    tool = AuditTool.objects.get(partnership=partnership, slug="multi-agency-case-audit")
    tool_version = tool.latest
    assert tool_version is not None
    today = timezone.localdate()
    audit = audit_create(
        actor=admin, ip=None,
        data={
            "theme": PUBLISHED_THEME, "aim": DEFAULT_AIM,
            "plan_types": [PlanType.CHILD_PROTECTION, PlanType.CHILD_IN_NEED],
            "cp_categories": [], "age_min_years": 0, "age_max_years": 17, "sample_size": 6,
            "returns_due": today - datetime.timedelta(days=70),
            "panel_date": today - datetime.timedelta(days=56), "lead": admin,
            "tool_version": tool_version,
        },
        agencies=[orgs[n] for n in ("Social Care", "Police", "Community Health", "GPs")],
        panel_members=list(User.objects.filter(email="panel@demo.test")),
    )  # fmt: skip
    caselist_import(actor=admin, ip=None, audit=audit, data=_case_list(today, count=24, seed=3))
    audit.refresh_from_db()
    sample_draw(actor=admin, ip=None, audit=audit, count=6, seed="demo-published",
                siblings_together=False, version=audit.version)  # fmt: skip
    audit.refresh_from_db()
    audit = audit_move_on(actor=admin, ip=None, audit=audit, version=audit.version)
    rng = random.Random(5)  # made-up demo data, not security
    for auditor, org in ((police, orgs["Police"]), (health, orgs["Community Health"])):
        for ret in Return.objects.filter(audit=audit, organisation=org):
            ret = return_save(actor=auditor, ip=None, ret=ret, answers=_answers(ret, rng),
                              free_text=FREE_TEXT, version=ret.version, autosave=False)  # fmt: skip
            return_submit(actor=auditor, ip=None, ret=ret, password=password, version=ret.version)
    audit.refresh_from_db()
    audit = audit_move_on(actor=admin, ip=None, audit=audit, version=audit.version)  # panel
    grades = [g["value"] for g in audit.tool_version.definition["grade_scale"]["grades"]]
    for child in audit.cases.filter(sampled=True):
        for domain in audit.tool_version.definition["domains"]:
            panel_grade_save(actor=admin, ip=None, audit=audit, child=child,
                             domain=domain["key"], grade=rng.choice(grades[1:]),
                             rationale="Agreed by the panel after discussion.", version=0)  # fmt: skip
    _record_findings(audit, admin, partnership)
    audit.refresh_from_db()
    audit = audit_move_on(actor=admin, ip=None, audit=audit, version=audit.version)  # reporting
    request = publication_request(actor=admin, ip=None, audit=audit)
    publication_confirm(actor=deputy, ip=None, request=request,
                        checklist=[key for key, _ in CHECKLIST])  # fmt: skip
    return Audit.objects.get(pk=audit.pk)


def _deputy(partnership: Partnership, password: str) -> User:
    """A second partnership admin: publishing needs one to confirm the anonymisation."""
    deputy = User.objects.filter(email=DEPUTY_EMAIL).first()
    if deputy is None:
        deputy = User.objects.create_user(
            email=DEPUTY_EMAIL, password=password, full_name="Dana Deputy",
            partnership=partnership, is_demo=True,
        )  # fmt: skip
    unit = Organisation.objects.get(partnership=partnership, short_name="Partnership")
    Membership.objects.get_or_create(user=deputy, organisation=unit, role=Role.PARTNERSHIP_ADMIN)
    return deputy


def _record_findings(audit: Audit, admin: User, partnership: Partnership) -> None:
    themes = {t.slug: t for t in Theme.objects.filter(partnership=partnership)}
    resources = list(Resource.objects.filter(partnership=partnership))

    def add(section: str, text: str, slugs: list[str], learning_theme=None) -> None:  # type: ignore[no-untyped-def]
        linked = [r for r in resources if set(r.themes) & set(slugs)]
        finding_create(actor=admin, ip=None, audit=audit, section=section, text=text,
                       themes=[themes[s] for s in slugs], learning_theme=learning_theme,
                       resources=linked)  # fmt: skip

    for text, slugs in WORRIES:
        add("worry", text, slugs)
    for text, slugs in GOOD:
        add("good_practice", text, slugs)
    for title, found, actions in LEARNING:
        learning_theme = learning_theme_create(actor=admin, ip=None, audit=audit, title=title)
        for text, slugs in found:
            add("found", text, slugs, learning_theme)
        for text, slugs in actions:
            add("action", text, slugs, learning_theme)
