"""Synthetic audit history: years of past audits with their sample, returns, agreed grades,
findings coded to themes, themes for learning and actions, written with bulk inserts.

Used by `maqa bench-data` (a large partnership, for benchmarks) and by `maqa demo` (a few past
years for the demo partnership, so the trends pages show patterns). Deterministic: the same
seed, sizes and day give the same history. Children are "Child A", "Child B", ...: no
identifiers are stored at all (the encrypted fields stay empty).

The history has patterns on purpose: fathers and male carers are a concern in most audits; the
child's voice is a concern until an action about it, halfway through, after which it is mostly
good practice and its grades improve; step-down worries fade; risk tools worry more lately.
Police and education grade themselves more kindly than the panel does; education and GPs are
often late with their returns.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from maqa.accounts.models import User
from maqa.actions.models import Action, ActionUpdate
from maqa.audits.models import Audit, Case, CPCategory, PlanType, Sex
from maqa.demo import history_text as words
from maqa.demo.history_actions import TURN, ActionsMixin
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.organisations.models import Organisation, Partnership
from maqa.panel.models import PanelAttendance, PanelGrade
from maqa.returns.models import Return, ReturnRevision
from maqa.returns.selectors import content_of
from maqa.tools.definition import Question, questions_of
from maqa.tools.models import AuditToolVersion

BATCH = 1000
S = Audit.State
Status = Action.Status
CURRENT_STATES = [S.REPORTING, S.PANEL, S.RETURNS_OPEN]  # the newest current audit is first
# How much kinder than the panel each sector grades itself (in grade steps).
OPTIMISM = {"police": 0.8, "education": 0.6, "health": 0.2, "local_authority": 0.1}
LATE = {"education": 0.35, "health": 0.2, "police": 0.1, "local_authority": 0.08}
SECTIONS = [("worry", 0.30), ("good_practice", 0.28), ("found", 0.22), ("action", 0.20)]


def concern_weight(slug: str, t: float) -> float:
    """How likely a theme is to be a worry of an audit at time ``t`` (0 oldest, 1 newest)."""
    trends: dict[str, Callable[[float], float]] = {
        "fathers-male-carers": lambda t: 0.85,
        "child-voice": lambda t: 0.85 if t < TURN else 0.15,
        "cumulative-harm": lambda t: 0.65,
        "step-up-down": lambda t: 0.8 - 0.6 * t,
        "risk-tools": lambda t: 0.2 + 0.5 * t,
        "information-sharing": lambda t: 0.45,
        "escalation-challenge": lambda t: 0.45,
        "optimism-compliance": lambda t: 0.5,
        "domestic-abuse": lambda t: 0.4,
        "multi-agency-working": lambda t: 0.15,
        "planning-outcomes": lambda t: 0.4,
    }
    default: Callable[[float], float] = lambda t: 0.2  # noqa: E731
    return trends.get(slug, default)(t)


def domain_mean(domain: str, t: float) -> float:
    """The panel's average grade step for a domain (0 best, 3 worst) at time ``t``."""
    if domain == "voice":
        return 2.2 if t < TURN else 1.1
    if domain == "fathers":
        return 2.3
    if domain == "risk_tools":
        return 1.3 + 0.8 * t
    return 1.6 - 0.4 * t


def shares(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, in whole numbers adding up to it exactly."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class HistorySize:
    audits: int = 80
    findings: int = 8000
    answers: int = 50000
    years: int = 10
    current: int = 3  # audits still under way (reporting, panel, returns open), at the end


@dataclass
class HistoryCast:
    """Who the history is about: the lead, the panel, the agencies and their auditors."""

    admin: User
    panel: list[User]
    agencies: list[Organisation]  # the agencies that audit their records
    auditors: dict[int, User] = field(default_factory=dict)  # organisation pk -> its auditor
    lead_agency: Organisation | None = None  # usually children's social care


@dataclass
class _AuditPlan:
    audit: Audit
    t: float
    concerns: list[str]
    strengths: list[str]
    findings: int
    returns: int
    children: list[Case] = field(default_factory=list)


def history_build(
    *,
    partnership: Partnership,
    cast: HistoryCast,
    tool_version: AuditToolVersion,
    size: HistorySize,
    seed: int,
    today: datetime.date,
    end: datetime.date | None = None,
    actions_via_services: bool = False,
    avoid_titles: Sequence[str] = (),
    all_closed: bool = False,
) -> dict[str, int]:
    """Write the history (inside the caller's transaction); returns rows written by table.

    Past audits have panel dates spread over ``size.years`` years up to ``end`` (default: a
    month before ``today``); the ``size.current`` newest audits are still under way. With
    ``actions_via_services`` the actions are made through maqa.actions.services (each with its
    audit events), not in bulk: for small histories such as the demo's. ``avoid_titles`` are
    audit titles the history must not use (those of audits the partnership has already). With
    ``all_closed`` every past audit is closed (none left published beside the partnership's own).
    """
    rng = random.Random(seed)  # synthetic data, not security
    themes = {t.slug: t for t in Theme.objects.filter(partnership=partnership, retired=False)}
    usable = [w for w in words.WORDS if w.slug in themes]
    if not usable:
        raise ValueError("the partnership has no themes: load the default taxonomy first")
    definition = tool_version.definition
    questions = questions_of(definition)
    grade_keys = {
        d["key"]: next((q["key"] for q in d["questions"] if q["kind"] == "grade"), None)
        for d in definition["domains"]
    }
    grades = [g["value"] for g in definition["grade_scale"]["grades"]]
    writer = _Writer(rng, partnership, cast, tool_version, themes, usable, today)
    writer.via_services = actions_via_services
    writer.avoid_titles = set(avoid_titles)
    writer.all_closed = all_closed
    plans = writer.plan_audits(size, end or today - datetime.timedelta(days=30))
    writer.add_samples(plans)
    writer.add_returns(plans, questions, grade_keys, grades)
    writer.add_findings(plans)
    writer.add_actions(plans)
    writer.backdate(plans)
    return writer.counts


class _Writer(ActionsMixin):
    def __init__(
        self,
        rng: random.Random,
        partnership: Partnership,
        cast: HistoryCast,
        tool_version: AuditToolVersion,
        themes: dict[str, Theme],
        usable: list[words.ThemeWords],
        today: datetime.date,
    ) -> None:
        self.rng, self.partnership, self.cast = rng, partnership, cast
        self.tool_version, self.themes, self.usable, self.today = (
            tool_version,
            themes,
            usable,
            today,
        )
        self.counts: dict[str, int] = {}
        self.via_services = False
        self.avoid_titles: set[str] = set()
        self.all_closed = False
        self.action_findings: list[tuple[Finding, list[int]]] = []

    # --- helpers ------------------------------------------------------------------------------

    def _save(self, model: type[models.Model], rows: Sequence[models.Model], name: str) -> None:
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start : start + BATCH])  # type: ignore[attr-defined]
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def _at(self, day: datetime.date, hour: int = 16) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))

    def _theme_ids(self, slug: str) -> list[int]:
        """A top-level theme and, half the time, one of its subthemes."""
        ids = [self.themes[slug].pk]
        parts = words.BY_SLUG[slug].subthemes
        if parts and self.rng.random() < 0.5:
            sub = self.themes.get(f"{slug}.{self.rng.choice(parts)}")
            if sub is not None:
                ids.append(sub.pk)
        return ids

    # --- audits -------------------------------------------------------------------------------

    def plan_audits(self, size: HistorySize, end: datetime.date) -> list[_AuditPlan]:
        rng, n = self.rng, max(1, size.audits)
        current = min(max(0, size.current), n)
        past = n - current
        start = end - datetime.timedelta(days=int(365.25 * max(1, size.years)))
        span = (end - start).days
        tool_slugs = [
            (title, slug)
            for title, slug in words.AUDIT_TITLES
            if slug in self.themes and title not in self.avoid_titles
        ]
        # Returns not known to an agency (about 6%) and drafts have fewer answers than questions.
        returns_wanted = round(
            size.answers / max(1, len(questions_of(self.tool_version.definition))) / 0.93
        )
        plans: list[_AuditPlan] = []
        seen_titles: dict[str, Audit] = {}
        reaudits: list[tuple[Audit, Audit]] = []  # a later audit of a theme looks again at it
        finding_weights: list[float] = []
        return_weights: list[float] = []
        for index in range(n):
            if index < past:
                offset = span * (index + 0.5) / max(1, past) + rng.uniform(-10, 10)
                panel = start + datetime.timedelta(days=int(offset))
                recent = panel >= self.today - datetime.timedelta(days=400)
                state = S.PUBLISHED if recent and not self.all_closed else S.CLOSED
                t = index / max(1, past - 1) if past > 1 else 1.0
            else:
                state = CURRENT_STATES[n - 1 - index]
                panel = self.today + datetime.timedelta(
                    days={S.REPORTING: -14, S.PANEL: 0, S.RETURNS_OPEN: 21}[state]
                )
                t = 1.0
            title, title_slug = tool_slugs[(index * 5 + rng.randrange(3)) % len(tool_slugs)]
            audit = Audit(
                partnership=self.partnership, theme=title,
                aim=f"To learn how well agencies worked together on {title.lower()}.",
                plan_types=[PlanType.CHILD_PROTECTION, PlanType.CHILD_IN_NEED], cp_categories=[],
                age_min_years=0, age_max_years=17, tool_version=self.tool_version,
                returns_due=panel - datetime.timedelta(days=14), panel_date=panel,
                lead=self.cast.admin, state=state, sample_seed=f"history-{index}",
                identifiers_destroyed_at=(
                    self._at(panel + datetime.timedelta(days=90)) if state == S.CLOSED else None
                ),
            )  # fmt: skip
            if title in seen_titles:
                reaudits.append((audit, seen_titles[title]))
            seen_titles[title] = audit
            concerns = [w.slug for w in self.usable if rng.random() < concern_weight(w.slug, t)]
            if (
                title_slug in self.themes
                and title_slug in words.BY_SLUG
                and title_slug not in concerns
                and title_slug != "child-voice"
            ):
                concerns.append(title_slug)
            concerns = concerns or [self.usable[0].slug]
            strengths = [
                w.slug
                for w in self.usable
                if w.strengths and rng.random() < 0.9 - concern_weight(w.slug, t)
            ] or [self.usable[-1].slug]
            # An audit with returns open has no findings yet.
            finding_weights.append(rng.uniform(0.7, 1.3) if state != S.RETURNS_OPEN else 0.0)
            return_weights.append(rng.uniform(0.8, 1.2))
            plans.append(_AuditPlan(audit, t, concerns, strengths, 0, 0))
        for plan, findings, returns in zip(
            plans,
            shares(size.findings, finding_weights),
            shares(returns_wanted, return_weights),
            strict=True,
        ):
            plan.findings, plan.returns = findings, max(1, returns)
        self._save(Audit, [p.audit for p in plans], "audits")
        for audit, earlier in reaudits:
            audit.reaudit_of_id = earlier.pk
        Audit.objects.bulk_update([a for a, _ in reaudits], ["reaudit_of"], batch_size=BATCH)
        through = Audit.agencies.through
        self._save(
            through,
            [
                through(audit_id=p.audit.pk, organisation_id=o.pk)
                for p in plans
                for o in self.cast.agencies
            ],
            "audit_agencies",
        )
        panel_through = Audit.panel_members.through
        self._save(
            panel_through,
            [
                panel_through(audit_id=p.audit.pk, user_id=u.pk)
                for p in plans
                for u in self.cast.panel
            ],
            "audit_panel_members",
        )
        return plans

    def add_samples(self, plans: list[_AuditPlan]) -> None:
        rng, agencies = self.rng, self.cast.agencies
        lead = self.cast.lead_agency or agencies[0]
        cases, links = [], []
        for plan in plans:
            children = max(1, min(26, math.ceil(plan.returns / 4)))
            plan.audit.sample_size = children
            for index in range(children):
                plan_type = rng.choice([PlanType.CHILD_PROTECTION] * 3 + [PlanType.CHILD_IN_NEED])
                case = Case(
                    audit=plan.audit, sex=rng.choice([Sex.FEMALE, Sex.MALE]), plan_type=plan_type,
                    category=rng.choice(CPCategory.values) if plan_type == PlanType.CHILD_PROTECTION else "",
                    needs=rng.sample(["neglect", "domestic abuse", "parental mental health",
                                      "parental substance misuse", "exploitation"], 2),
                    lead_agency=lead, age_months=rng.randint(2, 204), source_row=index + 2,
                    sampled=True, reference=f"Child {chr(ord('A') + index)}", sample_order=index + 1,
                )  # fmt: skip
                plan.children.append(case)
                cases.append(case)
        self._save(Case, cases, "cases")
        Audit.objects.bulk_update([p.audit for p in plans], ["sample_size"], batch_size=BATCH)
        through = Case.agencies.through
        for plan in plans:
            share, extra = divmod(plan.returns, len(plan.children))
            for index, case in enumerate(plan.children):
                count = max(1, min(len(agencies), share + (1 if index < extra else 0)))
                others = [a for a in agencies if a.pk != lead.pk]
                chosen = ([lead] if lead in agencies else []) + rng.sample(
                    others, min(len(others), count)
                )
                for org in chosen[:count]:
                    links.append(through(case_id=case.pk, organisation_id=org.pk))
        self._save(through, links, "case_agencies")

    # --- returns and grades -------------------------------------------------------------------

    def add_returns(
        self,
        plans: list[_AuditPlan],
        questions: list[Question],
        grade_keys: dict[str, str | None],
        grades: list[str],
    ) -> None:
        rng = self.rng
        worst = len(grades) - 1
        by_pk = {o.pk: o for o in self.cast.agencies}
        links = Case.agencies.through.objects.filter(
            case__audit__partnership=self.partnership, case__audit__in=[p.audit for p in plans]
        ).values_list("case_id", "organisation_id")
        agencies_of: dict[int, list[int]] = {}
        for case_id, org_id in links.order_by("case_id", "organisation_id"):
            agencies_of.setdefault(case_id, []).append(org_id)
        returns, revisions, panel_grades, attendance = [], [], [], []
        answers_written = 0
        for plan in plans:
            audit = plan.audit
            for case in plan.children:
                agreed = {
                    d: max(0, min(worst, round(rng.gauss(domain_mean(d, plan.t), 0.7))))
                    for d in grade_keys
                    if d != "overall"
                }
                agreed["overall"] = round(sum(agreed.values()) / max(1, len(agreed)))
                if audit.state not in (S.RETURNS_OPEN,):
                    graded = agreed if audit.state != S.PANEL else dict(list(agreed.items())[:4])
                    for domain, step in graded.items():
                        panel_grades.append(PanelGrade(
                            audit=audit, child=case, domain=domain, grade=grades[step],
                            rationale="Agreed by the panel after discussion.",
                            updated_by=self.cast.admin,
                        ))  # fmt: skip
                for org_id in agencies_of.get(case.pk, []):
                    org = by_pk[org_id]
                    ret, revision, count = self._return(
                        plan, case, org, questions, grade_keys, grades, agreed
                    )
                    answers_written += count
                    returns.append(ret)
                    if revision is not None:
                        revisions.append(revision)
            if audit.state not in (S.RETURNS_OPEN,):
                for number, user in enumerate(self.cast.panel):
                    attendance.append(PanelAttendance(
                        audit=audit, user=user, name=user.full_name,
                        status=PanelAttendance.Status.APOLOGIES if number == 3 else PanelAttendance.Status.PRESENT,
                    ))  # fmt: skip
        self._save(Return, returns, "returns")
        for revision in revisions:
            revision.return_obj_id = revision.return_obj.pk
        self._save(ReturnRevision, revisions, "return_revisions")
        self._save(PanelGrade, panel_grades, "panel_grades")
        self._save(PanelAttendance, attendance, "panel_attendance")
        self.counts["answers"] = answers_written

    def _return(
        self,
        plan: _AuditPlan,
        case: Case,
        org: Organisation,
        questions: list[Question],
        grade_keys: dict[str, str | None],
        grades: list[str],
        agreed: dict[str, int],
    ) -> tuple[Return, ReturnRevision | None, int]:
        rng, audit = self.rng, plan.audit
        auditor = self.cast.auditors.get(org.pk)
        ret = Return(
            audit=audit, child=case, organisation=org, assignee=auditor,
            tool_version=self.tool_version,
        )  # fmt: skip
        roll = rng.random()
        if audit.state == S.RETURNS_OPEN:
            state = (
                Return.State.SUBMITTED if roll < 0.4
                else Return.State.DRAFT if roll < 0.7
                else Return.State.NOT_STARTED
            )  # fmt: skip
        else:
            state = Return.State.NOT_KNOWN if roll < 0.06 else Return.State.SUBMITTED
        ret.state = state
        if state == Return.State.NOT_STARTED:
            return ret, None, 0
        if state != Return.State.NOT_KNOWN:
            optimism = OPTIMISM.get(org.sector, 0.3)
            self_grades = {
                key: grades[max(0, min(len(grades) - 1,
                                       round(agreed[d] - optimism + rng.gauss(0, 0.5))))]
                for d, key in grade_keys.items() if key
            }  # fmt: skip
            answers = {q["key"]: self._answer(q, self_grades, audit) for q in questions}
            if state == Return.State.DRAFT:
                answers = dict(list(answers.items())[: len(answers) // 2])
            ret.answers = answers
            for key, choices in words.FREE_TEXT.items():
                setattr(ret, key, rng.choice(choices))
        if state in (Return.State.SUBMITTED, Return.State.NOT_KNOWN):
            late = rng.random() < LATE.get(org.sector, 0.15)
            days = rng.randint(1, 20) if late else -rng.randint(0, 10)
            when = self._at(
                audit.returns_due + datetime.timedelta(days=days), 10 + rng.randrange(8)
            )
            ret.submitted_at = (
                min(when, timezone.now()) if state == Return.State.SUBMITTED else None
            )
            ret.submitted_by = auditor if state == Return.State.SUBMITTED else None
        ret.version, ret.updated_by = 2, auditor
        kind = {
            Return.State.SUBMITTED: ReturnRevision.Kind.SUBMIT,
            Return.State.NOT_KNOWN: ReturnRevision.Kind.NOT_KNOWN,
        }.get(state, ReturnRevision.Kind.SAVE)
        revision = ReturnRevision(
            return_obj=ret, version=2, kind=kind, content=content_of(ret), saved_by=auditor
        )
        return ret, revision, len(ret.answers)

    def _answer(self, question: Question, self_grades: dict[str, str], audit: Audit) -> str:
        rng, kind = self.rng, question["kind"]
        if kind == "grade":
            return self_grades.get(question["key"], "")
        if kind == "yes_no_na":
            return rng.choice(["yes", "yes", "no", "na"])
        if kind == "number":
            return str(rng.randint(0, 6))
        if kind == "date":
            return (audit.panel_date - datetime.timedelta(days=rng.randint(30, 700))).isoformat()
        return rng.choice(words.TEXT_ANSWERS)

    # --- findings -----------------------------------------------------------------------------

    def _text(self, templates: Sequence[str], suffix: bool = True) -> str:
        rng = self.rng
        text = rng.choice(templates).format(agency=rng.choice(words.AGENCY_WORDS))
        return text[0].upper() + text[1:] + (rng.choice(words.SUFFIXES) if suffix else "")

    def add_findings(self, plans: list[_AuditPlan]) -> None:
        rng = self.rng
        learning: list[LearningTheme] = []
        self._findings: list[Finding] = []
        self._codes: list[tuple[Finding, list[int]]] = []
        for plan in plans:
            if not plan.findings:
                continue
            split = shares(plan.findings, [share for _, share in SECTIONS])
            counts = {section: count for (section, _), count in zip(SECTIONS, split, strict=True)}
            concern_words = [words.BY_SLUG[s] for s in plan.concerns]
            strength_words = [words.BY_SLUG[s] for s in plan.strengths]
            points = counts["found"] + counts["action"]
            n_learning = max(1, min(6, round(points / 8))) if points else 0
            chosen = rng.sample(concern_words, min(n_learning, len(concern_words)))
            themes_for_learning = [
                LearningTheme(audit=plan.audit, title=w.learning_title, position=i)
                for i, w in enumerate(chosen)
            ]
            learning += themes_for_learning
            self._position: dict[Any, int] = {}
            # Every theme of the audit's worries (and good practice) gets a point first.
            for i in range(counts["worry"]):
                w = concern_words[i] if i < len(concern_words) else rng.choice(concern_words)
                self._add(plan, "worry", None, w, self._text(w.concerns), concern_words)
            for i in range(counts["good_practice"]):
                w = strength_words[i] if i < len(strength_words) else rng.choice(strength_words)
                self._add(plan, "good_practice", None, w, self._text(w.strengths), strength_words)
            for section in ("found", "action"):
                for i in range(counts[section]):
                    lt, w = themes_for_learning[i % len(chosen)], chosen[i % len(chosen)]
                    if section == "found":
                        text = self._text(w.concerns)
                    else:
                        text = self._text(w.actions, suffix=False)
                    self._add(plan, section, lt, w, text, concern_words)
        findings, codes = self._findings, self._codes
        self._save(LearningTheme, learning, "learning_themes")
        for finding in findings:
            if finding.learning_theme is not None:
                finding.learning_theme_id = finding.learning_theme.pk
        self._save(Finding, findings, "findings")
        through = Finding.themes.through
        self._save(
            through,
            [through(finding_id=f.pk, theme_id=t) for f, ids in codes for t in dict.fromkeys(ids)],
            "finding_themes",
        )
        tops = {t.pk for t in self.themes.values() if t.parent_id is None}
        self.action_findings = [
            (f, [t for t in ids if t in tops]) for f, ids in codes if f.section == "action"
        ]

    def _add(
        self,
        plan: _AuditPlan,
        section: str,
        lt: LearningTheme | None,
        w: words.ThemeWords,
        text: str,
        others: list[words.ThemeWords],
    ) -> None:
        """One finding, coded to its theme (maybe a subtheme) and now and then a second theme."""
        polarity = {"worry": "concern", "found": "concern", "good_practice": "strength"}
        key = (section, id(lt))
        finding = Finding(
            audit=plan.audit, section=section, polarity=polarity.get(section, "action"),
            text=text, learning_theme=lt, position=self._position.get(key, 0),
            created_by=self.cast.admin,
        )  # fmt: skip
        self._position[key] = self._position.get(key, 0) + 1
        ids = self._theme_ids(w.slug)
        if self.rng.random() < 0.3:
            other = self.rng.choice(others)
            if other.slug != w.slug:
                ids.append(self.themes[other.slug].pk)
        self._findings.append(finding)
        self._codes.append((finding, ids))

    # --- dates --------------------------------------------------------------------------------

    def backdate(self, plans: list[_AuditPlan]) -> None:
        """Creation and update times as they were, not today (auto_now fields)."""
        for plan in plans:
            audit = plan.audit
            panel = self._at(audit.panel_date, 13)
            due = self._at(audit.returns_due, 17)
            Audit.objects.filter(pk=audit.pk).update(
                created_at=self._at(audit.returns_due - datetime.timedelta(days=42), 9)
            )
            Return.objects.filter(audit=audit).update(
                updated_at=Coalesce(F("submitted_at"), Value(due))
            )
            submitted = Return.objects.filter(pk=OuterRef("return_obj_id")).values("submitted_at")
            ReturnRevision.objects.filter(return_obj__audit=audit).update(
                saved_at=Coalesce(Subquery(submitted[:1]), Value(due))
            )
            PanelGrade.objects.filter(audit=audit).update(updated_at=panel)
            Finding.objects.filter(audit=audit).update(created_at=panel)
            created = self._at(audit.panel_date + datetime.timedelta(days=21), 11)
            Action.objects.filter(audit=audit).update(created_at=created, updated_at=created)
            worked = min(created + datetime.timedelta(days=30), timezone.now())
            ActionUpdate.objects.filter(action__audit=audit).update(created_at=worked)
            completed = Action.objects.filter(pk=OuterRef("action_id")).values("completed_at")
            ActionUpdate.objects.filter(
                action__audit=audit, kind=ActionUpdate.Kind.ACCEPTED
            ).update(created_at=Subquery(completed[:1]))
