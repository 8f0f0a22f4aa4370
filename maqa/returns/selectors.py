"""Reads for returns: an auditor's list, due dates, a return's answers as people read them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maqa.accounts.models import Role, User
from maqa.audits.access import auditor_org_ids, audits_visible_to
from maqa.audits.models import Audit
from maqa.returns.models import AgencyDeadline, Return
from maqa.tools.definition import YES_NO_NA, Grade, Question, ToolDefinition, questions_of

# Questions that must be answered before a return is submitted; the others may stay empty.
REQUIRED_KINDS = ("grade", "yes_no_na")
NO_ANSWER = "No answer"


def return_due_date(ret: Return) -> datetime.date:
    """The agency's extended deadline for the audit if the admin set one, else the audit's."""
    extended = (
        AgencyDeadline.objects.filter(audit_id=ret.audit_id, organisation_id=ret.organisation_id)
        .values_list("due_date", flat=True)
        .first()
    )
    return extended or ret.audit.returns_due


def is_overdue(ret: Return, due_date: datetime.date) -> bool:
    return (
        ret.audit.state == Audit.State.RETURNS_OPEN
        and ret.state not in Return.State.done()
        and due_date < timezone.localdate()
    )


@dataclass(frozen=True)
class ReturnRow:
    ret: Return
    due_date: datetime.date
    overdue: bool


@dataclass
class AuditorReturns:
    open: list[ReturnRow] = field(default_factory=list)  # audits with returns open
    earlier: list[ReturnRow] = field(default_factory=list)  # audits at the panel or later


def returns_for_auditor(*, user: User) -> AuditorReturns:
    """The returns of the person's agencies, in every audit from returns open on (3 queries)."""
    result = AuditorReturns()
    org_ids = auditor_org_ids(user)
    if not org_ids:
        return result
    returns = list(
        Return.objects.filter(
            organisation_id__in=org_ids, audit__partnership_id=user.partnership_id
        )
        .exclude(audit__state=Audit.State.DRAFT)
        .select_related("audit", "child", "organisation", "assignee")
        .order_by("audit__returns_due", "audit_id", "child__sample_order", "organisation__name")
    )
    deadlines = {
        (d.audit_id, d.organisation_id): d.due_date
        for d in AgencyDeadline.objects.filter(
            audit_id__in={r.audit_id for r in returns}, organisation_id__in=org_ids
        )
    }
    for ret in returns:
        due = deadlines.get((ret.audit_id, ret.organisation_id), ret.audit.returns_due)
        row = ReturnRow(ret, due, is_overdue(ret, due))
        if ret.audit.state == Audit.State.RETURNS_OPEN:
            result.open.append(row)
        else:
            result.earlier.append(row)
    return result


# --- a return's content ---------------------------------------------------------------------


def content_of(ret: Return) -> dict[str, Any]:
    """What a revision stores: the answers and the three free-text boxes."""
    return {
        "answers": dict(ret.answers or {}),
        "good_practice": ret.good_practice,
        "areas_for_development": ret.areas_for_development,
        "what_needs_to_happen": ret.what_needs_to_happen,
    }


class Answerable(TypedDict):
    """What answer_label needs of an item: its kind (a question's, or "free_text")."""

    kind: str


def answer_label(question: Answerable, value: str, grades: list[Grade]) -> str:
    """An answer as a person reads it: the grade's or choice's label, or the value itself."""
    if not value:
        return NO_ANSWER
    if question["kind"] == "grade":
        return next((g["label"] for g in grades if g["value"] == value), value)
    if question["kind"] == "yes_no_na":
        return YES_NO_NA.get(value, value)
    return value


def labelled_items(definition: ToolDefinition) -> list[tuple[str, str, Answerable]]:
    """Every item of a tool a person answers, in order: (key, text, question or {})."""
    items: list[tuple[str, str, Answerable]] = [
        (q["key"], q["text"], q) for q in questions_of(definition)
    ]
    items += [(f["key"], f["title"], {"kind": "free_text"}) for f in definition["free_text"]]
    return items


def value_in(content: dict[str, Any], key: str) -> str:
    if key in content and key != "answers":
        return str(content[key] or "")
    return str((content.get("answers") or {}).get(key, "") or "")


def content_changes(
    definition: ToolDefinition, before: dict[str, Any], after: dict[str, Any]
) -> list[dict[str, str]]:
    """The items whose answer differs between two contents, as {key, question, before, after}."""
    grades = definition["grade_scale"]["grades"]
    changes = []
    for key, text, question in labelled_items(definition):
        old, new = value_in(before, key), value_in(after, key)
        if old != new:
            changes.append(
                {
                    "key": key,
                    "question": text,
                    "before": answer_label(question, old, grades),
                    "after": answer_label(question, new, grades),
                }
            )
    return changes


@dataclass(frozen=True)
class AnswerLine:
    key: str
    text: str
    answer: str
    answered: bool


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[AnswerLine]


def return_sections(ret: Return) -> list[Section]:
    """The return as people read it: one section per domain, then the free text."""
    definition = ret.tool_version.definition
    grades = definition["grade_scale"]["grades"]
    answers = ret.answers or {}
    sections = []
    for domain in definition["domains"]:
        lines = []
        for q in domain["questions"]:
            value = str(answers.get(q["key"], "") or "")
            lines.append(
                AnswerLine(q["key"], q["text"], answer_label(q, value, grades), bool(value))
            )
        sections.append(Section(domain["title"], lines))
    free = []
    for item in definition["free_text"]:
        text = getattr(ret, item["key"])
        free.append(AnswerLine(item["key"], item["title"], text or NO_ANSWER, bool(text)))
    if free:
        sections.append(Section("Learning", free))
    return sections


def missing_required(ret: Return) -> list[Question]:
    """The graded and yes/no questions not yet answered (all must be, to submit)."""
    answers = ret.answers or {}
    return [
        q
        for q in questions_of(ret.tool_version.definition)
        if q["kind"] in REQUIRED_KINDS and not answers.get(q["key"])
    ]


# --- people ---------------------------------------------------------------------------------


def reassign_candidates(ret: Return) -> QuerySet[User]:
    """Active auditors of the return's agency, other than the person it is assigned to now."""
    people = User.objects.filter(
        partnership_id=ret.audit.partnership_id,
        is_active=True,
        memberships__organisation_id=ret.organisation_id,
        memberships__organisation__active=True,
        memberships__role=Role.AGENCY_AUDITOR,
    )
    if ret.assignee_id is not None:
        people = people.exclude(pk=ret.assignee_id)
    return people.distinct().order_by("full_name")


@dataclass
class AuditRow:
    audit: Audit
    returns_total: int
    returns_done: int


def audit_rows_for(*, user: User) -> list[AuditRow]:
    done = Q(returns__state__in=Return.State.done())
    audits = (
        audits_visible_to(user)
        .annotate(
            total=Count("returns", distinct=True), done=Count("returns", filter=done, distinct=True)
        )
        .order_by("-panel_date")
    )
    return [AuditRow(a, a.total, a.done) for a in audits]
