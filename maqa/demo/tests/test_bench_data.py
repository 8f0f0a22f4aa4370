"""`maqa bench-data` and maqa.demo.history: sizes, consistency, determinism, the fields the
trends read, one audit event, and no overwriting without --replace."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from maqa.actions.models import Action
from maqa.audits.models import Audit, Case
from maqa.core.models import AuditEvent
from maqa.demo.benchdata import bench_data_build
from maqa.demo.history import HistorySize, shares
from maqa.demo.management.commands.bench_data import Command
from maqa.findings.models import Finding
from maqa.organisations.models import Partnership
from maqa.panel.models import PanelGrade
from maqa.returns.models import Return, ReturnRevision

SMALL = HistorySize(audits=4, findings=60, answers=200, years=3)
TODAY = datetime.date(2026, 3, 2)


def build(slug: str = "bench", seed: int = 7, **kwargs: Any):
    return bench_data_build(
        slug=slug, name=f"Bench {slug}", size=kwargs.pop("size", SMALL), seed=seed,
        password="bench-password-1", today=TODAY, **kwargs,
    )  # fmt: skip


def snapshot(partnership: Partnership) -> list[Any]:
    """The partnership's history without primary keys, to compare two builds."""
    audits = Audit.objects.filter(partnership=partnership).order_by("panel_date", "theme")
    findings = Finding.objects.filter(audit__partnership=partnership).order_by(
        "audit__panel_date", "section", "position", "text"
    )
    returns = Return.objects.filter(audit__partnership=partnership).order_by(
        "audit__panel_date", "child__reference", "organisation__short_name"
    )
    return [
        list(audits.values_list("theme", "panel_date", "returns_due", "state", "sample_size")),
        [
            (f.section, f.polarity, f.text, sorted(f.themes.values_list("slug", flat=True)))
            for f in findings
        ],
        list(returns.values_list("organisation__short_name", "state", "answers", "submitted_at")),
        list(
            PanelGrade.objects.filter(audit__partnership=partnership)
            .order_by("audit__panel_date", "child__reference", "domain")
            .values_list("domain", "grade")
        ),
        list(
            Action.objects.filter(partnership=partnership)
            .order_by("audit__panel_date", "description", "due_date")
            .values_list("description", "status", "due_date", "owner_organisation__short_name")
        ),
    ]


def test_shares_add_up_exactly_in_proportion():
    assert shares(10, [1, 1, 2]) == [3, 2, 5]
    assert sum(shares(8000, [0.7, 1.3, 0.0, 1.1])) == 8000
    assert shares(5, [0, 0]) == [0, 0]
    assert shares(7, [1, 0, 1])[1] == 0


def test_small_sizes_give_the_asked_counts(db):
    result = build()
    p = result.partnership
    assert Audit.objects.filter(partnership=p).count() == 4
    assert Finding.objects.filter(audit__partnership=p).count() == 60
    answers = sum(
        len(a)
        for a in Return.objects.filter(audit__partnership=p).values_list("answers", flat=True)
    )
    assert answers == result.counts["answers"]
    assert 150 <= answers <= 260  # about --answers: not-known returns and drafts answer less
    assert result.counts["findings"] == 60 and result.counts["audits"] == 4
    assert set(result.emails) == {"Partnership admin", "Viewer", "Panel member", "Agency auditor"}
    assert result.emails["Partnership admin"] == ["admin@bench.test"]


def test_the_same_seed_gives_the_same_history_and_another_seed_another(db):
    first = snapshot(build("one").partnership)
    assert snapshot(build("two").partnership) == first
    assert snapshot(build("three", seed=8).partnership) != first


def test_the_fields_the_trends_read_are_filled(db):
    p = build(size=HistorySize(audits=6, findings=300, answers=1500, years=5)).partnership
    audits = Audit.objects.filter(partnership=p)
    states = set(audits.values_list("state", flat=True))
    assert {Audit.State.PUBLISHED, Audit.State.CLOSED} <= states
    assert {Audit.State.RETURNS_OPEN, Audit.State.PANEL, Audit.State.REPORTING} <= states
    years = {d.year for d in audits.values_list("panel_date", flat=True)}
    assert len(years) >= 4
    findings = Finding.objects.filter(audit__partnership=p)
    assert not findings.filter(themes__isnull=True).exists()
    assert set(findings.values_list("polarity", flat=True)) == {"concern", "strength", "action"}
    assert (
        findings.filter(section__in=["found", "action"], learning_theme__isnull=True).count() == 0
    )
    assert findings.filter(themes__slug="fathers-male-carers", polarity="concern").exists()
    assert PanelGrade.objects.filter(audit__partnership=p).exclude(grade="").exists()
    submitted = Return.objects.filter(audit__partnership=p, state=Return.State.SUBMITTED)
    assert submitted.exists() and not submitted.filter(submitted_at__isnull=True).exists()
    late = [
        r
        for r in submitted.select_related("audit")
        if r.submitted_at is not None and r.submitted_at.date() > r.audit.returns_due
    ]
    assert late, "some returns are late"
    assert any(key.endswith(".grade") for key in submitted[0].answers)
    actions = Action.objects.filter(partnership=p)
    assert actions.filter(status=Action.Status.COMPLETED, completed_at__isnull=False).exists()
    overdue = actions.exclude(status__in=["completed", "cancelled"]).filter(due_date__lt=TODAY)
    assert overdue.exists()
    assert actions.annotate(n=Count("themes")).filter(n=0).count() == 0


def test_the_data_is_consistent_and_holds_no_identifiers(db):
    p = build().partnership
    cases = Case.objects.filter(audit__partnership=p)
    assert not cases.exclude(enc_name="", enc_dob="", enc_case_number="").exists()
    assert all(ref.startswith("Child ") for ref in cases.values_list("reference", flat=True))
    for ret in Return.objects.filter(audit__partnership=p).exclude(state="not_started"):
        revision = ReturnRevision.objects.get(return_obj=ret)
        assert revision.version == ret.version == 2
        assert revision.content["answers"] == ret.answers
        assert ret.organisation in ret.child.agencies.all()
    for action in Action.objects.filter(partnership=p):
        assert action.version == 1 + action.updates.count()
        if action.finding is not None:
            assert action.finding.audit_id == action.audit_id
        last = action.updates.order_by("-pk").first()
        if last is not None:
            assert last.status_after == action.status
    for finding in Finding.objects.filter(audit__partnership=p).select_related("audit"):
        assert timezone.localtime(finding.created_at).date() == finding.audit.panel_date


def test_one_audit_event_records_the_generation_whatever_its_size(db):
    """Besides the setup's own events (the default audit tool loaded), one event: never one
    per row."""
    before = AuditEvent.objects.count()
    result = build("small")
    small = AuditEvent.objects.count() - before
    build("large", size=HistorySize(audits=8, findings=400, answers=2000, years=4))
    assert AuditEvent.objects.count() - before - small == small
    events = AuditEvent.objects.filter(summary__has_key="bench_data")
    assert events.count() == 2
    event = events.get(partnership=result.partnership)
    assert event.summary["bench_data"]["findings"] == 60 and event.summary["seed"] == 7


def test_an_existing_partnership_is_refused_without_replace_and_refilled_with_it(db):
    first = build()
    with pytest.raises(Exception, match="already exists: add --replace"):
        build()
    again = build(replace=True)
    assert again.partnership.pk == first.partnership.pk
    assert Finding.objects.filter(audit__partnership=again.partnership).count() == 60
    assert Audit.objects.filter(partnership=again.partnership).count() == 4


def test_the_command_prints_counts_and_the_logins(db):
    out = io.StringIO()
    call_command(Command(), "--audits", "3", "--findings", "30", "--answers", "100",
                 "--password", "pw-for-bench-1", stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "3 audits" in text and "30 findings" in text
    assert "password for all: pw-for-bench-1" in text and "admin@bench.test" in text
    with pytest.raises(CommandError, match="already exists"):
        call_command(Command(), "--audits", "3", stdout=io.StringIO())
