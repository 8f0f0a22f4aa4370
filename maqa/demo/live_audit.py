"""The demo partnership's audit: returns open and partly completed, built through the services.

Identifiers here are made up and say so ("Demoname 703 Demofamily"); no real child is described.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

from django.utils import timezone

from maqa.accounts.models import User
from maqa.audits.models import Audit, PlanType
from maqa.audits.sampling import caselist_import, sample_draw
from maqa.audits.services import DEFAULT_AIM, audit_create
from maqa.lifecycle.services import audit_move_on
from maqa.organisations.models import Organisation, Partnership
from maqa.returns.models import Return
from maqa.returns.services import return_not_known, return_save, return_submit
from maqa.tools.definition import questions_of
from maqa.tools.models import AuditTool

DEMO_THEME = "Engagement with fathers"
DEMO_SEED = "demo-2026"
NEEDS = ["domestic abuse", "neglect", "parental mental health", "parental alcohol misuse",
         "ADHD", "exploitation", "school attendance"]  # fmt: skip
AGENCY_SETS = [
    ["Social Care", "Police", "Community Health", "GPs"],
    ["Social Care", "Community Health", "Education"],
    ["Social Care", "Police", "GPs", "Education", "Acute Trust"],
    ["Social Care", "Police", "Community Health"],
]


def _case_list(today: datetime.date, count: int = 20, seed: int = 7) -> bytes:
    rng = random.Random(seed)  # made-up demo data, not security
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Case number", "Name", "Date of birth", "Sex", "Plan type", "Category",
                     "Plan start date", "Needs", "Involved agencies", "Lead agency",
                     "Family group"])  # fmt: skip
    for index in range(1, count + 1):
        born = today - datetime.timedelta(days=rng.randint(200, 16 * 365))
        plan = "Child protection" if index % 3 else "Child in need"
        writer.writerow([
            f"DEMO-{seed}-{index:04d}", f"Demoname {seed}{index:02d} Demofamily", born.isoformat(),
            "Girl" if index % 2 else "Boy", plan, "Neglect" if plan == "Child protection" else "",
            (today - datetime.timedelta(days=rng.randint(30, 400))).isoformat(),
            "; ".join(rng.sample(NEEDS, 2)), "; ".join(AGENCY_SETS[index % len(AGENCY_SETS)]),
            "Social Care", f"DEMO-FAM-{(index + 1) // 2:02d}" if index <= 4 else "",
        ])  # fmt: skip
    return out.getvalue().encode()


def _answers(ret: Return, rng: random.Random) -> dict[str, str]:
    definition = ret.tool_version.definition
    grades = [g["value"] for g in definition["grade_scale"]["grades"]]
    answers = {}
    for question in questions_of(definition):
        kind = question["kind"]
        if kind == "grade":
            answers[question["key"]] = rng.choice(grades[1:])
        elif kind == "yes_no_na":
            answers[question["key"]] = rng.choice(["yes", "yes", "no", "na"])
        elif kind == "number":
            answers[question["key"]] = str(rng.randint(0, 6))
        elif kind == "text":
            answers[question["key"]] = "The plan was reviewed and the child's situation improved."
    return answers


FREE_TEXT = {
    "good_practice": "Good information sharing with the school; the child was seen alone.",
    "areas_for_development": "Father not contacted; his view is missing from the assessment.",
    "what_needs_to_happen": "Include fathers and partners from the first contact.",
}


def demo_audit_load(*, partnership: Partnership, password: str) -> Audit | None:
    """Create the demo audit once: returns open, some submitted, some drafts, one not known."""
    if Audit.objects.filter(partnership=partnership, theme=DEMO_THEME).exists():
        return None
    admin = User.objects.get(email="admin@demo.test")
    police = User.objects.get(email="police@demo.test")
    health = User.objects.get(email="health@demo.test")
    orgs = {o.short_name: o for o in Organisation.objects.filter(partnership=partnership)}
    tool = AuditTool.objects.get(partnership=partnership, slug="multi-agency-case-audit")
    tool_version = tool.latest
    assert tool_version is not None
    today = timezone.localdate()
    audit = audit_create(
        actor=admin,
        ip=None,
        data={
            "theme": DEMO_THEME,
            "aim": DEFAULT_AIM,
            "plan_types": [PlanType.CHILD_PROTECTION, PlanType.CHILD_IN_NEED],
            "cp_categories": [],
            "age_min_years": 0,
            "age_max_years": 17,
            "sample_size": 8,
            "returns_due": today + datetime.timedelta(days=10),
            "panel_date": today + datetime.timedelta(days=24),
            "lead": admin,
            "tool_version": tool_version,
        },
        agencies=[
            orgs[n]
            for n in (
                "Social Care",
                "Police",
                "Community Health",
                "GPs",
                "Education",
                "Acute Trust",
            )
        ],
        panel_members=list(User.objects.filter(email="panel@demo.test")),
    )
    caselist_import(actor=admin, ip=None, audit=audit, data=_case_list(today))
    audit.refresh_from_db()
    sample_draw(actor=admin, ip=None, audit=audit, count=8, seed=DEMO_SEED,
                siblings_together=True, version=audit.version)  # fmt: skip
    audit.refresh_from_db()
    audit_move_on(actor=admin, ip=None, audit=audit, version=audit.version)
    rng = random.Random(11)  # made-up demo data
    police_returns = list(Return.objects.filter(audit=audit, organisation=orgs["Police"]))
    health_returns = list(Return.objects.filter(audit=audit, organisation=orgs["Community Health"]))
    for index, ret in enumerate(police_returns[:3]):
        ret = return_save(actor=police, ip=None, ret=ret, answers=_answers(ret, rng),
                          free_text=FREE_TEXT, version=ret.version, autosave=False)  # fmt: skip
        if index < 2:
            return_submit(actor=police, ip=None, ret=ret, password=password, version=ret.version)
    for ret in health_returns[:2]:
        partial = dict(list(_answers(ret, rng).items())[:6])
        return_save(actor=health, ip=None, ret=ret, answers=partial, free_text={},
                    version=ret.version, autosave=False)  # fmt: skip
    if len(health_returns) > 2:
        last = health_returns[-1]
        return_not_known(actor=health, ip=None, ret=last, version=last.version)
    return audit
