"""briefing_import: dry runs, saving, duplicates, dates, themes, and nothing half-saved."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest

from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding, LearningTheme
from maqa.importers.models import ImportedDocument
from maqa.importers.parse import parse_briefing
from maqa.importers.services import importing, reading
from maqa.importers.services.duplicates import IMPORT_ANYWAY, SKIP
from maqa.importers.services.importing import ImportOutcome, Outcome, briefing_import
from maqa.importers.services.themes import suggest_themes
from maqa.importers.tests.briefings import DAY, MONTH, NO_DATE, briefing, no_suggester

pytestmark = pytest.mark.usefixtures("no_suggester")
__all__ = ["no_suggester"]


def run(personas: Any, data: bytes, apply: bool = True, **kwargs: Any) -> ImportOutcome:
    return briefing_import(
        actor=personas.admin, ip="127.0.0.1", partnership=personas.partnership,
        filename=kwargs.pop("filename", "briefing.txt"), data=data, apply=apply, **kwargs,
    )  # fmt: skip


def rows() -> tuple[int, int, int, int, int]:
    return (
        Audit.objects.count(),
        Finding.objects.count(),
        LearningTheme.objects.count(),
        ImportedDocument.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_dry_run_says_what_it_would_create_and_writes_nothing(personas):
    before = rows()
    outcome = run(personas, briefing(), apply=False)
    assert outcome.status == Outcome.WOULD_CREATE
    assert (outcome.theme, outcome.audit_date) == ("Domestic Abuse", "2024-03-12")
    assert outcome.counts.as_dict() == {
        "children": 6, "worries": 2, "good_practice": 2, "learning_themes": 1, "found": 1,
        "actions": 2,
    }  # fmt: skip
    assert "would create: Domestic Abuse (2024-03-12): 6 children, 2 worries" in outcome.line()
    assert rows() == before


def test_apply_creates_a_published_imported_audit_with_its_findings(personas):
    data = briefing()
    outcome = run(personas, data)
    assert outcome.status == Outcome.CREATED
    audit = outcome.audit
    assert audit is not None
    audit.refresh_from_db()
    assert audit.state == Audit.State.PUBLISHED
    assert audit.imported is True
    assert audit.partnership == personas.partnership
    assert (audit.theme, audit.panel_date, audit.date_precision) == (
        "Domestic Abuse", datetime.date(2024, 3, 12), "day",
    )  # fmt: skip
    assert audit.returns_due == audit.panel_date
    assert audit.sample_size == 6
    assert audit.plan_types == ["child_protection"]
    assert audit.lead == personas.admin
    assert audit.tool_version.tool.slug == "multi-agency-case-audit"
    assert audit.tool_version == audit.tool_version.tool.latest
    assert not audit.cases.exists()

    findings = list(audit.findings.order_by("pk"))
    by_section = {(f.section, f.polarity, f.text) for f in findings}
    assert ("worry", "concern", "Risk assessments were not shared between agencies") in by_section
    assert ("good_practice", "strength", "Schools referred promptly") in by_section
    assert ("found", "concern", "Agencies kept risk assessments to themselves") in by_section
    actions = [f for f in findings if f.section == "action"]
    assert [f.text for f in actions] == [
        "Share every completed risk assessment with the lead professional",
        "Record who it was shared with",
    ]
    # "What needs to happen" points are findings of polarity action, in order, under their theme.
    assert {f.polarity for f in actions} == {"action"}
    assert [f.position for f in actions] == [0, 1]
    learning = audit.learning_themes.get()
    assert learning.title == "Information sharing"
    assert {f.learning_theme_id for f in actions} == {learning.pk}
    assert outcome.needs_a_theme == 7 == audit.findings.filter(themes__isnull=True).count()

    document = ImportedDocument.objects.get(audit=audit)
    assert document.status == ImportedDocument.Status.SAVED
    assert document.sha256 == hashlib.sha256(data).hexdigest() == outcome.sha256
    assert bytes(document.content) == data
    assert (document.size, document.format, document.filename) == (
        len(data),
        "text",
        "briefing.txt",
    )
    assert document.record is not None and document.record["theme"] == "Domestic Abuse"


def test_the_audit_events_hold_counts_never_the_documents_text(personas):
    outcome = run(personas, briefing())
    assert outcome.audit is not None and outcome.document is not None
    created = AuditEvent.objects.get(object_type="audits.audit", object_id=str(outcome.audit.pk))
    assert created.action == "created"
    assert created.summary["imported"] is True
    assert created.summary["worries"] == 2 and created.summary["actions"] == 2
    assert created.summary["source_sha256"] == outcome.sha256
    kept = AuditEvent.objects.get(
        object_type="importers.importeddocument", object_id=str(outcome.document.pk)
    )
    assert kept.summary["status"] == "saved"
    text = " ".join(str(e.summary) + e.object_label for e in (created, kept))
    assert "Risk assessments" not in text and "briefing.txt" not in text


def test_importing_the_same_bytes_twice_creates_nothing_new(personas):
    data = briefing()
    first = run(personas, data)
    before = rows()
    again = run(personas, data, filename="renamed copy.txt")
    assert again.status == Outcome.ALREADY
    assert again.audit == first.audit
    assert "imported before" in again.message
    assert rows() == before
    assert run(personas, data, apply=False).status == Outcome.ALREADY


def test_the_same_theme_and_date_is_flagged_for_a_person_to_decide(personas):
    run(personas, briefing())
    other = briefing(theme="DOMESTIC ABUSE", extra="\n• A third worry, so the bytes differ")
    before = rows()
    dry = run(personas, other, apply=False)
    assert dry.status == Outcome.NEEDS_DECISION
    assert "already held" in dry.message and dry.duplicates
    assert rows() == before
    flagged = run(personas, other)
    assert flagged.status == Outcome.NEEDS_DECISION
    assert Audit.objects.count() == before[0]
    # Kept for a person to decide on the web pages.
    assert flagged.document is not None
    assert flagged.document.status == ImportedDocument.Status.NEEDS_DECISION
    anyway = run(personas, other, decision=IMPORT_ANYWAY)
    assert anyway.status == Outcome.CREATED
    assert anyway.document == flagged.document
    assert Audit.objects.filter(theme__iexact="domestic abuse").count() == 2


def test_a_flagged_document_can_be_skipped(personas):
    run(personas, briefing())
    other = briefing(extra="\n• Different")
    run(personas, other)
    before = rows()
    skipped = run(personas, other, decision=SKIP)
    assert skipped.status == Outcome.SKIPPED
    assert skipped.document is not None
    assert skipped.document.status == ImportedDocument.Status.SKIPPED
    assert rows()[:4] == before[:4]
    # "skip" is for look-alikes only: another document is imported as usual.
    assert run(personas, briefing(theme="Neglect"), decision=SKIP).status == Outcome.CREATED


def test_a_different_date_or_theme_is_not_a_duplicate(personas):
    run(personas, briefing())
    assert run(personas, briefing(theme="Neglect"), apply=False).status == Outcome.WOULD_CREATE
    later = briefing(intro=DAY.replace("12 March", "13 March"))
    assert run(personas, later, apply=False).status == Outcome.WOULD_CREATE
    # Another partnership's audits are not theirs to compare.
    outsider = briefing_import(
        actor=personas.outsider, ip=None, partnership=personas.other_partnership,
        filename="x.txt", data=briefing(extra="\n• x"), apply=False,
    )  # fmt: skip
    assert outsider.status == Outcome.WOULD_CREATE


def test_a_month_only_date_is_the_first_of_the_month_and_compared_by_month(personas):
    outcome = run(personas, briefing(intro=MONTH))
    assert outcome.audit is not None
    assert (outcome.audit.panel_date, outcome.audit.date_precision) == (
        datetime.date(2024, 3, 1), "month",
    )  # fmt: skip
    assert outcome.audit_date == "2024-03"
    # Any day of that month with the same theme looks like it.
    assert run(personas, briefing(), apply=False).status == Outcome.NEEDS_DECISION


def test_no_date_needs_a_date_unless_the_review_gives_one(personas):
    data = briefing(intro=NO_DATE)
    before = rows()
    outcome = run(personas, data, apply=False)
    assert outcome.status == Outcome.NEEDS_REVIEW
    assert outcome.message.startswith("needs a date")
    assert outcome.field == "audit_date"
    assert rows() == before
    kept = run(personas, data)
    assert kept.status == Outcome.NEEDS_REVIEW and Audit.objects.count() == before[0]
    assert kept.document is not None and kept.document.status == ImportedDocument.Status.PARSED
    assert kept.document.record is not None
    record = {**kept.document.record, "audit_date": "2023-11"}
    saved = run(personas, data, record_override=record)
    assert saved.status == Outcome.CREATED
    assert saved.audit is not None and saved.audit.date_precision == "month"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "an image"),
        (b"PK\x03\x04 not really a zip", "cannot read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".doc"),
    ],
)
def test_unreadable_documents_fail_with_a_reason_and_nothing_is_written(personas, data, words):
    before = rows()
    outcome = run(personas, data)
    assert outcome.status == Outcome.FAILED and outcome.failed
    assert words in outcome.message
    assert rows() == before


def test_a_file_too_large_is_refused(personas, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    outcome = run(personas, briefing())
    assert outcome.status == Outcome.FAILED and "larger than" in outcome.message


def test_a_reader_crash_is_a_failure_not_an_error(personas, monkeypatch):
    def broken(data: bytes, filename: str = "") -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(reading, "parse_briefing", broken)
    outcome = run(personas, briefing())
    assert outcome.status == Outcome.FAILED
    assert "could not read" in outcome.message


def test_nothing_is_half_saved_when_saving_fails(personas, monkeypatch):
    before = rows()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the trail is unavailable")

    monkeypatch.setattr(importing, "audit_record", broken)
    with pytest.raises(RuntimeError):
        run(personas, briefing())
    assert rows() == before


def test_a_reviewed_record_with_bad_values_is_refused_with_the_field(personas):
    data = briefing()
    record = parse_briefing(data, "b.txt")
    for change, field in (
        ({"theme": "", "title": None}, "theme"),
        ({"theme": "x" * 201}, "theme"),
        ({"audit_date": "2024-13-45"}, "audit_date"),
        ({"audit_date": "March"}, "audit_date"),
    ):
        outcome = run(personas, data, apply=False, record_override={**record, **change})
        assert (outcome.status, outcome.field) == (Outcome.NEEDS_REVIEW, field)
    assert run(personas, data, decision="maybe").status == Outcome.FAILED


def test_an_odd_record_is_read_defensively(personas):
    data = briefing()
    record = {
        "theme": "Neglect",
        "audit_date": "2022-05-04",
        "children": {"count": -3, "age_min": {"value": 18, "unit": "month"}, "age_max": "x",
                     "plan_types": ["looked_after", "nonsense"],
                     "cp_categories": ["emotional abuse", "neglect", 4]},
        "worries": ["  a   worry ", 7, ""],
        "good_practice": "not a list",
        "learning": [{"title": None, "found": [], "actions": ["do this"]}, "junk"],
    }  # fmt: skip
    outcome = run(personas, data, record_override=record)
    assert outcome.status == Outcome.CREATED and outcome.audit is not None
    audit = outcome.audit
    assert (audit.sample_size, audit.age_min_years, audit.age_max_years) == (0, 1, None)
    assert audit.plan_types == ["looked_after"]
    assert audit.cp_categories == ["emotional_abuse", "neglect"]
    assert [f.text for f in audit.findings.order_by("pk")] == ["a worry", "do this"]
    assert audit.learning_themes.get().title == ""


def test_agencies_named_in_the_briefing_take_part(personas):
    record = parse_briefing(briefing(), "b.txt")
    record["organisations"] = ["police", "Community Health", "Unknown Agency"]
    outcome = run(personas, briefing(), record_override=record)
    assert outcome.audit is not None
    assert set(outcome.audit.agencies.all()) == {personas.police_org, personas.health_org}


def test_suggested_themes_are_applied_when_the_suggester_gives_them(personas, monkeypatch):
    from maqa.findings.models import Theme

    theme = Theme.objects.filter(partnership=personas.partnership, parent__isnull=True)[0]

    def fake(partnership: Any, texts: list[str], polarities: list[str]) -> list[list[Theme]]:
        assert polarities[:2] == ["concern", "concern"] and polarities[-1] == "action"
        return [[theme] if i % 2 == 0 else [] for i in range(len(texts))]

    monkeypatch.setattr(importing, "suggest_themes", fake)
    outcome = run(personas, briefing())
    assert outcome.audit is not None
    assert outcome.audit.findings.filter(themes=theme).count() == 4
    assert outcome.needs_a_theme == 3


def test_the_real_suggester_codes_points_when_it_is_there(personas, settings):
    pytest.importorskip("maqa.suggestions.suggest")
    pytest.importorskip("sklearn")
    settings.IMPORT_SUGGEST_THEMES = True
    outcome = run(personas, briefing())
    assert outcome.audit is not None
    coded = outcome.audit.findings.filter(themes__isnull=False).distinct().count()
    assert coded == 7 - outcome.needs_a_theme
    assert coded > 0
    slugs = set(outcome.audit.findings.values_list("themes__slug", flat=True))
    assert "information-sharing" in slugs


def test_without_the_suggester_points_are_uncoded(personas, monkeypatch, settings):
    import builtins

    settings.IMPORT_SUGGEST_THEMES = True
    real_import = builtins.__import__

    def no_themes(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("maqa.suggestions"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_themes)
    assert suggest_themes(personas.partnership, ["x"], ["concern"]) is None


def test_display_names_are_cleaned():
    assert reading.display_name("../../etc/pass\x00wd") == "passwd"
    assert reading.display_name("C:\\Users\\me\\Briefing.pdf") == "Briefing.pdf"
    assert reading.display_name("") == "unnamed file"
    assert len(reading.display_name("a" * 400)) == 255
