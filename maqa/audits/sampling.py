"""The case pool and the sample: adding cases (a case list file, or by hand), scope, exclusions,
a random draw with a recorded seed, or a pick. Every write is recorded in the audit trail.

Only in draft. Drawing or picking replaces the sample and gives each child, in sample order, a
pseudonymous reference (Child A, Child B, ... Child Z, Child AA, ...).

A draw is reproducible: ``random.Random(seed)`` (seeded from text, which Python keeps stable
across versions) drives our own Fisher-Yates shuffle through ``random()`` alone (whose sequence
Python also keeps stable), over the cases that may be sampled in the order they were added. The
same seed on the same case list, exclusions and scope draws the same sample.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction

from maqa.audits import crypto
from maqa.audits.caselist.cases import FIXED, case_label
from maqa.audits.caselist.checking import CaseRow, Checker, check_table, number_key
from maqa.audits.caselist.columns import COLUMN_BY_KEY
from maqa.audits.caselist.problems import CaseListProblems, Problem
from maqa.audits.caselist.reading import MAX_ROWS, read_case_list
from maqa.audits.caselist.template import template_csv, template_xlsx
from maqa.audits.models import Audit, Case, CPCategory, PlanType
from maqa.audits.services import STALE_AUDIT
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record

if TYPE_CHECKING:
    from maqa.accounts.models import User

MAX_SAMPLE = 50

EXCLUSION_REASONS = [
    ("practice_review", "A live practice review"),
    ("court", "Court proceedings"),
    ("police", "A police investigation"),
    ("other", "Other"),
]

SHOW = {
    "all": "All cases",
    "in_scope": "In scope",
    "excluded": "Excluded",
    "sample": "In the sample",
}


# --- adding cases ---------------------------------------------------------------------------


def require_draft(audit: Audit) -> Audit:
    """The audit, locked for the rest of the transaction, if it is still in draft."""
    current = Audit.objects.select_for_update().get(pk=audit.pk)
    if current.state != Audit.State.DRAFT:
        raise ApplicationError(FIXED)
    return current


def _against_pool(audit: Audit, cases: list[CaseRow]) -> list[Problem]:
    """Cases already in the audit's case list, and a list that would grow too long."""
    existing = list(audit.cases.values_list("enc_case_number", flat=True))
    if len(existing) + len(cases) > MAX_ROWS:
        return [
            Problem(
                None,
                "",
                f"The audit's case list would hold more than {MAX_ROWS:,} cases "
                f"(it has {len(existing):,}).",
            )
        ]
    known = {number_key(crypto.decrypt(audit, token)) for token in existing}
    return [
        Problem(
            case.source_row,
            COLUMN_BY_KEY["case_number"].header,
            "A case with this case number is already in the audit's case list",
            "case_number",
        )
        for case in cases
        if number_key(case.case_number) in known
    ]


def _create(audit: Audit, rows: list[CaseRow]) -> list[Case]:
    cases = [
        Case(
            audit=audit,
            enc_name=crypto.encrypt(audit, row.name),
            enc_dob=crypto.encrypt(audit, row.date_of_birth.isoformat()),
            enc_case_number=crypto.encrypt(audit, row.case_number),
            sex=row.sex,
            plan_type=row.plan_type,
            category=row.category,
            plan_start_date=row.plan_start_date,
            needs=row.needs,
            lead_agency=row.lead_agency,
            family_group=row.family_group,
            age_months=row.age_months,
            source_row=row.source_row,
        )
        for row in rows
    ]
    Case.objects.bulk_create(cases, batch_size=500)
    through: Any = Case.agencies.through
    through.objects.bulk_create(
        [
            through(case_id=case.pk, organisation_id=organisation.pk)
            for case, row in zip(cases, rows, strict=True)
            for organisation in row.agencies
        ],
        batch_size=1000,
    )
    return cases


@dataclass(frozen=True)
class ImportResult:
    kind: str  # "CSV" or "XLSX"
    added: int
    total: int  # cases in the audit's case list now


def caselist_import(*, actor: User, ip: str | None, audit: Audit, data: bytes) -> ImportResult:
    """Add every case of a case list file to the audit's case list, or none of them.

    Raises CaseListProblems listing every problem by row and column. The audit trail records
    counts only: never a name, a case number or the file's name."""
    if audit.state != Audit.State.DRAFT:
        raise ApplicationError(FIXED)
    table = read_case_list(data)
    rows, problems = check_table(table, Checker(audit))
    with transaction.atomic():
        audit = require_draft(audit)
        problems += _against_pool(audit, rows)
        if problems:
            raise CaseListProblems(problems)
        _create(audit, rows)
        total = audit.cases.count()
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=audit,
            summary={
                "case_list": "imported",
                "format": table.kind,
                "cases_added": len(rows),
                "cases_in_list": total,
            },
        )
    return ImportResult(kind=table.kind, added=len(rows), total=total)


def case_add(*, actor: User, ip: str | None, audit: Audit, values: Mapping[str, Any]) -> Case:
    """Add one case entered by hand, with the same checks as a row of a case list file.

    Raises CaseListProblems (each problem's ``key`` names the field)."""
    if audit.state != Audit.State.DRAFT:
        raise ApplicationError(FIXED)
    row, problems = Checker(audit).check(values, None)
    with transaction.atomic():
        audit = require_draft(audit)
        if row is not None:
            problems += _against_pool(audit, [row])
        if problems or row is None:
            raise CaseListProblems(problems, "The case was not added: check what you entered.")
        (case,) = _create(audit, [row])
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=case,
            object_label=f"{case_label(case)} ({audit.theme})",
            summary={"audit": audit.pk, "case_list": "entered by hand"},
        )
    return case


def caselist_clear(*, actor: User, ip: str | None, audit: Audit) -> int:
    """Delete the audit's case list, while nothing is sampled. Returns how many cases."""
    with transaction.atomic():
        audit = require_draft(audit)
        if audit.cases.filter(sampled=True).exists():
            raise ApplicationError(
                "The case list cannot be cleared while children are sampled: clear the sample "
                "first."
            )
        deleted = audit.cases.count()
        audit.cases.all().delete()
        audit_record(
            action=AuditEvent.Action.DELETED,
            actor=actor,
            ip=ip,
            obj=audit,
            summary={"case_list": "cleared", "cases_deleted": deleted},
        )
    return deleted


def caselist_template(*, actor: User, ip: str | None, audit: Audit, kind: str) -> bytes:
    """The case list template as CSV or XLSX (an export: recorded)."""
    content = template_xlsx(audit) if kind == "xlsx" else template_csv(audit)
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        actor=actor,
        ip=ip,
        obj=audit,
        summary={"file": "case list template", "format": kind},
    )
    return content


# --- the pool -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolRow:
    number: int  # the case's place in the case list, from 1 (the order it was added)
    case: Case
    out_of_scope: tuple[str, ...]  # why not in the audit's scope; empty when in scope

    @property
    def in_scope(self) -> bool:
        return not self.out_of_scope

    @property
    def eligible(self) -> bool:
        """Whether a draw or a pick may take this case."""
        return self.in_scope and not self.case.excluded_reason


def scope_description(audit: Audit) -> str:
    plans = dict(PlanType.choices)
    categories = dict(CPCategory.choices)
    parts = [
        ", ".join(plans.get(p, p) for p in audit.plan_types) if audit.plan_types else "any plan"
    ]
    if audit.cp_categories:
        parts.append(
            "child protection categories: "
            + ", ".join(categories.get(c, c).lower() for c in audit.cp_categories)
        )
    if audit.age_min_years is not None or audit.age_max_years is not None:
        high = "any age" if audit.age_max_years is None else f"{audit.age_max_years} years"
        parts.append(f"aged {audit.age_min_years or 0} to {high}")
    return "; ".join(parts)


def scope_reasons(audit: Audit, case: Case, participating: set[int]) -> tuple[str, ...]:
    """Why a case is outside the audit's scope (empty when it is inside)."""
    reasons = []
    if audit.plan_types and case.plan_type not in audit.plan_types:
        reasons.append(f"{case.get_plan_type_display()} is not in scope")
    if (
        audit.cp_categories
        and case.plan_type == PlanType.CHILD_PROTECTION
        and case.category not in audit.cp_categories
    ):
        category = case.get_category_display().lower() if case.category else "not recorded"
        reasons.append(f"category {category} is not in scope")
    low, high = audit.age_min_years, audit.age_max_years
    if low is not None or high is not None:
        if case.age_months is None:
            reasons.append("age not known")
        else:
            years = case.age_months // 12
            if (low is not None and years < low) or (high is not None and years > high):
                top = "any" if high is None else str(high)
                reasons.append(f"aged {years}, outside {low or 0} to {top} years")
    # Returns open only for children known to an agency taking part (services._open_returns).
    if participating and not any(a.pk in participating for a in case.agencies.all()):
        reasons.append("no agency taking part in the audit is involved")
    return tuple(reasons)


def pool_rows(audit: Audit) -> list[PoolRow]:
    cases = audit.cases.select_related("lead_agency").prefetch_related("agencies").order_by("pk")
    participating = set(audit.agencies.values_list("pk", flat=True))
    return [
        PoolRow(number=n, case=case, out_of_scope=scope_reasons(audit, case, participating))
        for n, case in enumerate(cases, start=1)
    ]


@dataclass(frozen=True)
class Pool:
    rows: list[PoolRow]  # the rows shown (see ``show``)
    counts: dict[str, int]  # for each key of SHOW, and "eligible"
    sample: list[PoolRow]  # in sample order
    show: str

    @property
    def filters(self) -> list[tuple[str, str, int]]:
        """(key, label, count) for each way of showing the case list."""
        return [(key, label, self.counts[key]) for key, label in SHOW.items()]


def pool_view(*, actor: User, ip: str | None, audit: Audit, show: str = "all") -> Pool:
    """The case pool for the sample page (no identifiers); each view is recorded, as the page
    shows case-level data."""
    rows = pool_rows(audit)
    chosen = {
        "all": rows,
        "in_scope": [r for r in rows if r.in_scope],
        "excluded": [r for r in rows if r.case.excluded_reason],
        "sample": sorted(
            (r for r in rows if r.case.sampled), key=lambda r: r.case.sample_order or 0
        ),
    }
    show = show if show in SHOW else "all"
    audit_record(
        action=AuditEvent.Action.VIEWED,
        actor=actor,
        ip=ip,
        obj=audit,
        summary={"page": "sample", "cases": len(rows)},
    )
    return Pool(
        rows=chosen[show],
        counts={key: len(value) for key, value in chosen.items()}
        | {"eligible": sum(r.eligible for r in rows)},
        sample=chosen["sample"],
        show=show,
    )


# --- exclusions -----------------------------------------------------------------------------


def case_exclude(
    *, actor: User, ip: str | None, audit: Audit, case: Case, reason: str, detail: str = ""
) -> Case:
    labels = dict(EXCLUSION_REASONS)
    detail = " ".join(detail.split())
    if reason not in labels:
        raise ApplicationError("Choose why the case is excluded.", field="reason")
    if reason == "other" and not detail:
        raise ApplicationError("Say why the case is excluded.", field="detail")
    if len(detail) > 150:
        raise ApplicationError("Say why in 150 characters or fewer.", field="detail")
    with transaction.atomic():
        require_draft(audit)
        case = Case.objects.select_for_update().get(pk=case.pk, audit_id=audit.pk)
        if case.sampled:
            raise ApplicationError(
                f"{case.reference} is in the sample. Clear the sample, or pick again without "
                "this case, before excluding it."
            )
        case.excluded_reason = f"Other: {detail}" if reason == "other" else labels[reason]
        case.save(update_fields=["excluded_reason"])
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=case,
            object_label=f"{case_label(case)} ({audit.theme})",
            # The reason's kind only: the words given for "other" stay on the case.
            summary={"audit": audit.pk, "excluded": reason},
        )
    return case


def case_include(*, actor: User, ip: str | None, audit: Audit, case: Case) -> Case:
    """Take a case's exclusion away (nothing to do when it is not excluded)."""
    with transaction.atomic():
        require_draft(audit)
        case = Case.objects.select_for_update().get(pk=case.pk, audit_id=audit.pk)
        if not case.excluded_reason:
            return case
        case.excluded_reason = ""
        case.save(update_fields=["excluded_reason"])
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=case,
            object_label=f"{case_label(case)} ({audit.theme})",
            summary={"audit": audit.pk, "excluded": False},
        )
    return case


# --- drawing and picking --------------------------------------------------------------------

T = TypeVar("T")


def reference_for(position: int) -> str:
    """Child A for 1, ... Child Z for 26, Child AA for 27, Child AB for 28, ..."""
    letters = ""
    while position > 0:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Child {letters}"


def shuffled(items: Sequence[T], seed: str) -> list[T]:
    """``items`` in an order fixed by ``seed`` (Fisher-Yates over ``Random.random()``, which
    Python keeps stable across versions; ``Random.shuffle`` itself is not promised to be)."""
    rng = random.Random(seed)
    result = list(items)
    for i in range(len(result) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        result[i], result[j] = result[j], result[i]
    return result


def draw(cases: Sequence[Case], *, count: int, seed: str, siblings_together: bool) -> list[Case]:
    """Up to ``count`` of ``cases`` (given in a stable order), in the order drawn.

    With ``siblings_together`` a family group (the same family group, ignoring case and spaces)
    is drawn as one unit. A unit that would take the sample past ``count`` is passed over and the
    next one in the drawn order tried, so the sample is never larger than ``count``; it is smaller
    only when every unit left is too large to fit."""
    units: list[list[Case]] = []
    families: dict[str, list[Case]] = {}
    for case in cases:
        family = "".join(case.family_group.split()).casefold()
        if siblings_together and family:
            if family in families:
                families[family].append(case)
                continue
            families[family] = []
            units.append(families[family])
            families[family].append(case)
        else:
            units.append([case])
    chosen: list[Case] = []
    for unit in shuffled(units, seed):
        if len(chosen) + len(unit) <= count:
            chosen.extend(unit)
        if len(chosen) == count:
            break
    return chosen


def _set_sample(audit: Audit, chosen: list[Case]) -> None:
    audit.cases.filter(sampled=True).update(sampled=False, reference="", sample_order=None)
    audit.cases.exclude(reference="").update(reference="", sample_order=None)
    for order, case in enumerate(chosen, start=1):
        case.sampled = True
        case.reference = reference_for(order)
        case.sample_order = order
    Case.objects.bulk_update(chosen, ["sampled", "reference", "sample_order"])


def _lock(audit: Audit, version: int) -> Audit:
    current = require_draft(audit)
    if current.version != version:
        raise ApplicationError(STALE_AUDIT)
    return current


def _save_sample_seed(audit: Audit, current: Audit, seed: str) -> None:
    current.sample_seed = seed
    current.version += 1
    current.save(update_fields=["sample_seed", "version"])
    audit.sample_seed, audit.version = current.sample_seed, current.version


@dataclass(frozen=True)
class Drawn:
    seed: str
    children: list[Case]  # in sample order, with their references
    eligible: int  # cases the draw was made from


def sample_draw(
    *,
    actor: User,
    ip: str | None,
    audit: Audit,
    count: int,
    seed: str = "",
    siblings_together: bool = False,
    version: int,
) -> Drawn:
    """Draw a random sample of ``count`` children from the cases in scope and not excluded,
    replacing any sample before. A blank seed is made up (and recorded, as every seed is)."""
    if not 1 <= count <= MAX_SAMPLE:
        raise ApplicationError(f"Draw from 1 to {MAX_SAMPLE} children.", field="count")
    seed = seed.strip() or secrets.token_hex(8)
    if len(seed) > 64:
        raise ApplicationError("The seed can be at most 64 characters.", field="seed")
    with transaction.atomic():
        current = _lock(audit, version)
        eligible = [row.case for row in pool_rows(current) if row.eligible]
        if not eligible:
            raise ApplicationError(
                "No case can be drawn: add cases, or check the scope and exclusions.",
                field="count",
            )
        if count > len(eligible):
            raise ApplicationError(
                f"Only {len(eligible)} cases are in scope and not excluded: draw that many "
                "or fewer.",
                field="count",
            )
        chosen = draw(eligible, count=count, seed=seed, siblings_together=siblings_together)
        _set_sample(current, chosen)
        _save_sample_seed(audit, current, seed)
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=current,
            summary={
                "sample": "drawn",
                "seed": seed,
                "requested": count,
                "children": len(chosen),
                "siblings_together": siblings_together,
                "eligible": len(eligible),
            },
        )
    return Drawn(seed=seed, children=chosen, eligible=len(eligible))


def sample_pick(
    *, actor: User, ip: str | None, audit: Audit, case_ids: Sequence[int], version: int
) -> list[Case]:
    """Make the chosen cases the sample (in the case list's order), replacing any sample before."""
    wanted = set(case_ids)
    if not wanted:
        raise ApplicationError("Choose at least one case.", field="cases")
    if len(wanted) > MAX_SAMPLE:
        raise ApplicationError(f"Choose at most {MAX_SAMPLE} cases.", field="cases")
    with transaction.atomic():
        current = _lock(audit, version)
        rows = [row for row in pool_rows(current) if row.case.pk in wanted]
        if len(rows) != len(wanted):
            raise ApplicationError(
                "The case list has changed: reload the page and choose again.", field="cases"
            )
        refused = [f"case {row.number}" for row in rows if not row.eligible]
        if refused:
            raise ApplicationError(
                f"These cases are out of scope or excluded, so cannot be in the sample: "
                f"{', '.join(refused)}.",
                field="cases",
            )
        chosen = [row.case for row in rows]
        _set_sample(current, chosen)
        _save_sample_seed(audit, current, "")
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=current,
            summary={"sample": "picked", "children": len(chosen)},
        )
    return chosen


def sample_clear(*, actor: User, ip: str | None, audit: Audit, version: int) -> int:
    """Empty the sample (the case list stays). Returns how many children were in it."""
    with transaction.atomic():
        current = _lock(audit, version)
        cleared = current.cases.filter(sampled=True).count()
        _set_sample(current, [])
        _save_sample_seed(audit, current, "")
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=current,
            summary={"sample": "cleared", "children": cleared},
        )
    return cleared
