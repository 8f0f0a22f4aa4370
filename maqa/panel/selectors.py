"""What the panel reads: every agency's return side by side per domain with its self-grade, the
agreed grades, the overview and the grid, attendance, and the panel's free text (for the close
scan)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.http import Http404

from maqa.accounts.models import User
from maqa.audits.models import Audit, Case
from maqa.organisations.models import Organisation
from maqa.panel.models import PanelAttendance, PanelGrade, PanelNote
from maqa.returns.models import Return
from maqa.returns.selectors import NO_ANSWER, answer_label
from maqa.tools.definition import Domain, DomainTitle, Grade, Question

# GOV.UK Frontend's tag colours; the default tag (no modifier) is blue.
TAG_COLOURS = {"grey", "green", "turquoise", "purple", "pink", "red", "orange", "yellow",
               "teal", "magenta"}  # fmt: skip


NOT_KNOWN = "Not known to this agency"


NOT_SUBMITTED = "Not submitted"


NOT_AGREED = "Not agreed yet"


def domain_of(audit: Audit, key: str) -> Domain:
    """A domain of the audit's tool by its key; 404 for any other key."""
    for domain in audit.tool_version.definition["domains"]:
        if domain["key"] == key:
            return domain.copy()
    raise Http404


@dataclass(frozen=True)
class Shown:
    """A value as the page shows it: its text always, and a GOV.UK tag class when it is a grade
    (the colour only repeats what the text says)."""

    text: str
    tag: str | None = None  # "govuk-tag ..." classes, or None for plain text
    long: bool = False  # free text: shown with its line breaks

    @property
    def is_grade(self) -> bool:
        return self.tag is not None


def tag_class(colour: str) -> str:
    return f"govuk-tag govuk-tag--{colour}" if colour in TAG_COLOURS else "govuk-tag"


def grade_shown(value: str, grades: list[Grade]) -> Shown:
    for grade in grades:
        if grade["value"] == value:
            return Shown(grade["label"], tag_class(grade.get("colour", "")))
    return Shown(value or NOT_AGREED)


def scale_of(audit: Audit) -> list[Grade]:
    grades: list[Grade] = audit.tool_version.definition["grade_scale"]["grades"]
    return grades


@dataclass
class AgencyColumn:
    ret: Return
    submitted: bool
    status: Shown


@dataclass
class QuestionRow:
    text: str
    kind: str
    cells: list[Shown]


@dataclass
class DomainSheet:
    key: str
    title: str
    rows: list[QuestionRow]
    agreed: PanelGrade | None
    agreed_shown: Shown
    form: Any = None  # the view's PanelGradeForm, when the person may edit
    refused: bool = False  # a save was refused as stale: show what is saved now
    saved: bool = False  # just saved (the htmx fragment says so)


@dataclass
class ChildSheet:
    audit: Audit
    child: Case
    agencies: list[AgencyColumn]
    domains: list[DomainSheet]
    free_text: list[QuestionRow]
    note: PanelNote | None
    grades: list[Grade] = field(default_factory=list)


def _status(ret: Return) -> Shown:
    if ret.state == Return.State.SUBMITTED:
        return Shown("Submitted", "govuk-tag govuk-tag--green")
    if ret.state == Return.State.NOT_KNOWN:
        return Shown(NOT_KNOWN, "govuk-tag govuk-tag--grey")
    return Shown(f"{NOT_SUBMITTED} ({ret.get_state_display().lower()})", "govuk-tag")


def _answer(column: AgencyColumn, question: Question, grades: list[Grade]) -> Shown:
    if column.ret.state == Return.State.NOT_KNOWN:
        return Shown(NOT_KNOWN)
    if not column.submitted:
        return Shown(NOT_SUBMITTED)
    value = str((column.ret.answers or {}).get(question["key"], "") or "")
    if not value:
        return Shown(NO_ANSWER)
    if question["kind"] == "grade":
        shown = grade_shown(value, grades)
        return shown if shown.is_grade else Shown(value)
    return Shown(answer_label(question, value, grades), long=question["kind"] == "text")


def _free_text(column: AgencyColumn, key: str) -> Shown:
    if column.ret.state == Return.State.NOT_KNOWN:
        return Shown(NOT_KNOWN)
    if not column.submitted:
        return Shown(NOT_SUBMITTED)
    text = getattr(column.ret, key, "") or ""
    return Shown(text, long=True) if text else Shown("Nothing written")


def panel_child_sheet(*, audit: Audit, child: Case) -> ChildSheet:
    """One child's returns side by side, domain by domain, beside the panel's agreed grades.

    Only a submitted return's answers are shown: a return not submitted (or reopened) says so,
    as does one answered "not known to this agency". Four queries.
    """
    definition = audit.tool_version.definition
    grades = definition["grade_scale"]["grades"]
    returns = Return.objects.filter(audit=audit, child=child).select_related("organisation")
    agencies = [
        AgencyColumn(ret, ret.state == Return.State.SUBMITTED, _status(ret))
        for ret in returns.order_by("organisation__short_name")
    ]
    agreed = {g.domain: g for g in PanelGrade.objects.filter(child=child).select_related(
        "updated_by"
    )}  # fmt: skip
    domains = []
    for domain in definition["domains"]:
        grade = agreed.get(domain["key"])
        domains.append(
            DomainSheet(
                key=domain["key"],
                title=domain["title"],
                rows=[
                    QuestionRow(q["text"], q["kind"], [_answer(c, q, grades) for c in agencies])
                    for q in domain["questions"]
                ],
                agreed=grade,
                agreed_shown=grade_shown(grade.grade if grade else "", grades),
            )
        )
    free_text = [
        QuestionRow(item["title"], "free_text", [_free_text(c, item["key"]) for c in agencies])
        for item in definition["free_text"]
    ]
    note = PanelNote.objects.filter(audit=audit, child=child).select_related("updated_by").first()
    return ChildSheet(audit, child, agencies, domains, free_text, note, grades)


@dataclass
class ChildSummary:
    child: Case
    returns_total: int
    returns_done: int
    agreed: int


@dataclass
class PanelOverview:
    audit: Audit
    children: list[ChildSummary]
    domains: int
    note: PanelNote | None
    attendance: int


def panel_overview(*, audit: Audit) -> PanelOverview:
    """The children with how many returns are in and how many grades are agreed (five queries)."""
    domains = len(audit.tool_version.definition["domains"])
    agreed = dict(
        PanelGrade.objects.filter(audit=audit)
        .exclude(grade="")
        .values("child_id")
        .annotate(n=Count("pk"))
        .values_list("child_id", "n")
    )
    returns: dict[int, list[str]] = {}
    for child_id, state in Return.objects.filter(audit=audit).values_list("child_id", "state"):
        returns.setdefault(child_id, []).append(state)
    done = (Return.State.SUBMITTED, Return.State.NOT_KNOWN)
    children = [
        ChildSummary(
            child,
            len(returns.get(child.pk, [])),
            sum(1 for s in returns.get(child.pk, []) if s in done),
            agreed.get(child.pk, 0),
        )
        for child in audit.cases.filter(sampled=True).order_by("sample_order", "pk")
    ]
    note = PanelNote.objects.filter(audit=audit, child__isnull=True).select_related(
        "updated_by"
    ).first()  # fmt: skip
    return PanelOverview(audit, children, domains, note, audit.attendance.count())


@dataclass
class GridRow:
    child: Case
    cells: list[Shown]


@dataclass
class PanelGrid:
    audit: Audit
    domains: list[DomainTitle]
    rows: list[GridRow]


def panel_grid(*, audit: Audit) -> PanelGrid:
    """Children by domains with the agreed grades, text and colour. Three queries, whatever the
    size of the sample."""
    definition = audit.tool_version.definition
    grades = definition["grade_scale"]["grades"]
    domains: list[DomainTitle] = [
        {"key": d["key"], "title": d["title"]} for d in definition["domains"]
    ]
    agreed = {
        (child_id, domain): grade
        for child_id, domain, grade in PanelGrade.objects.filter(audit=audit).values_list(
            "child_id", "domain", "grade"
        )
    }
    rows = [
        GridRow(
            child,
            [grade_shown(agreed.get((child.pk, d["key"]), ""), grades) for d in domains],
        )
        for child in audit.cases.filter(sampled=True).order_by("sample_order", "pk")
    ]
    return PanelGrid(audit, domains, rows)


def panel_attendance_rows(*, audit: Audit) -> list[PanelAttendance]:
    return list(audit.attendance.select_related("organisation").order_by("name", "pk"))


def attendance_people(audit: Audit) -> Any:
    """The partnership's active people, to choose an attendee from."""
    return User.objects.filter(partnership_id=audit.partnership_id, is_active=True).order_by(
        "full_name"
    )


def attendance_organisations(audit: Audit) -> Any:
    return Organisation.objects.filter(partnership_id=audit.partnership_id, active=True).order_by(
        "name"
    )


def panel_free_text(audit: Audit) -> list[tuple[str, str]]:
    """The panel's free text, with where it is, for the identifier scan before an audit closes
    (maqa.audits.services.FREE_TEXT_SOURCES)."""
    texts: list[tuple[str, str]] = []
    for grade in PanelGrade.objects.filter(audit=audit).select_related("child"):
        texts.append((f"panel's rationale for {grade.child.reference}, {grade.domain}",
                      grade.rationale))  # fmt: skip
    for note in PanelNote.objects.filter(audit=audit).select_related("child"):
        where = note.child.reference if note.child else "the whole panel"
        texts.append((f"panel notes about {where}", note.text))
    for row in audit.attendance.all():
        texts.append((f"conflict of interest declared by {row.name}", row.conflict_of_interest))
    return texts
