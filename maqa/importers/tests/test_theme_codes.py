"""theme_codes_apply and `maqa import-theme-codes`: matching by normalised text, replacing codes,
reporting what did not match, refusing bad files whole, and one audit event."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.importers.management.commands.import_theme_codes import Command
from maqa.importers.theme_codes import CodeRow, codes_read, normalised, theme_codes_apply
from maqa.testing.personas import Personas
from maqa.tools.models import AuditTool

HEADER = "finding,polarity,themes,subthemes\n"
P = Finding.Polarity


def past_audit(personas: Personas, partnership_admin: str = "admin") -> Audit:
    """A published past audit, as maqa.importers makes one (no sample, findings only)."""
    actor = personas.get(partnership_admin)
    tool = AuditTool.objects.filter(partnership=actor.partnership).first()
    assert tool is not None and tool.latest is not None
    day = datetime.date(2023, 5, 10)
    return Audit.objects.create(
        partnership=actor.partnership, theme="Neglect", aim="Learning", tool_version=tool.latest,
        returns_due=day, panel_date=day, lead=actor, state=Audit.State.PUBLISHED, imported=True,
    )  # fmt: skip


def point(audit: Audit, text: str, polarity: str = P.CONCERN, *slugs: str) -> Finding:
    finding = Finding.objects.create(audit=audit, section="worry", polarity=polarity, text=text)
    if slugs:
        finding.themes.set(Theme.objects.filter(partnership=audit.partnership, slug__in=slugs))
    return finding


def slugs(finding: Finding) -> set[str]:
    return set(finding.themes.values_list("slug", flat=True))


def rows(text: str) -> list[CodeRow]:
    return codes_read((HEADER + text).encode())


def apply(personas: Personas, text: str, dry_run: bool = False):
    return theme_codes_apply(actor=personas.admin, ip="127.0.0.1", rows=rows(text), dry_run=dry_run)


def test_normalising_ignores_case_spacing_dashes_quotes_and_the_final_full_stop():
    curly = "Dad\u2019s views  not sought \u2013 again."
    assert normalised(curly) == normalised("dad's views not sought - again")
    assert normalised("\uff26\uff55\uff4c\uff4c width\u00a0text\u2026") == "full width text"
    assert normalised("Risk tool -click here") == normalised("Risk tool \u2013 click here")
    assert normalised("Cut off here [\u2026]") == normalised("Cut off here \u27e8rejoined\u27e9")
    assert normalised("Step-down too soon") != normalised("Step down too soon")


def test_a_matched_finding_gets_exactly_the_rows_themes_and_polarity(personas):
    audit = past_audit(personas)
    finding = point(audit, "Father not seen by any agency.", P.STRENGTH, "recording")
    report = apply(
        personas,
        '"FATHER  not seen by any agency",concern,fathers-male-carers; child-voice,'
        "fathers-male-carers.identification-inclusion\n",
    )
    assert (report.rows, report.matched, report.changed, report.unchanged) == (1, 1, 1, 0)
    finding.refresh_from_db()
    assert finding.polarity == P.CONCERN
    assert slugs(finding) == {
        "fathers-male-carers", "child-voice", "fathers-male-carers.identification-inclusion",
    }  # fmt: skip
    assert finding.version == 2


def test_applying_the_same_codes_again_changes_nothing(personas):
    audit = past_audit(personas)
    finding = point(audit, "Chronology missing", P.CONCERN, "assessment-analysis")
    report = apply(personas, "Chronology missing,concern,assessment-analysis,\n")
    assert (report.matched, report.changed, report.unchanged) == (1, 0, 1)
    finding.refresh_from_db()
    assert finding.version == 1


def test_a_text_shared_by_several_findings_codes_all_of_them_and_says_so(personas):
    first, second = past_audit(personas), past_audit(personas)
    a = point(first, "Good multi-agency working", P.STRENGTH)
    b = point(second, "Good multi-agency working.", P.STRENGTH)
    report = apply(personas, "Good multi-agency working,strength,multi-agency-working,\n")
    assert (report.matched, report.findings_matched, report.changed) == (1, 2, 2)
    assert report.shared == [(2, 2)]
    assert any("2 findings have this text" in line for line in report.lines())
    assert slugs(a) == slugs(b) == {"multi-agency-working"}


def test_rows_that_match_nothing_are_listed_by_row_number_and_first_60_characters(personas):
    point(past_audit(personas), "Known point", P.CONCERN)
    long = "A point that nobody recorded in this partnership, written out at some length"
    report = apply(personas, f'Known point,concern,recording,\n"{long}",concern,recording,\n')
    assert report.matched == 1
    assert len(report.unmatched) == 1
    row, shown = report.unmatched[0]
    assert row == 3
    assert len(shown) == 60 and long.startswith(shown[:-1]) and shown.endswith("…")
    assert f"row 3: no finding with this text: “{shown}”" in report.lines()


def test_unknown_themes_refuse_the_row_by_name_and_the_other_rows_still_apply(personas):
    audit = past_audit(personas)
    good = point(audit, "Good point", P.CONCERN)
    bad = point(audit, "Bad point", P.CONCERN, "recording")
    report = apply(
        personas, "Good point,concern,recording,\nBad point,concern,recording; made-up-theme,\n"
    )
    assert report.refused == [(3, "unknown theme “made-up-theme”")]
    assert (report.matched, report.changed) == (1, 1)
    assert slugs(good) == {"recording"}
    assert slugs(bad) == {"recording"}
    bad.refresh_from_db()
    assert bad.version == 1


def test_rows_that_are_sentences_of_one_joined_point_code_it_together(personas):
    joined = point(
        past_audit(personas), "Plans lacked dates. Fathers were not invited.", P.STRENGTH
    )
    report = apply(
        personas,
        "Plans lacked dates,concern,planning-outcomes,\n"
        "Fathers were not invited.,concern,fathers-male-carers,\n"
        "Plans lack,concern,recording,\n",  # a piece of a sentence is not a sentence
    )
    assert (report.matched, report.findings_matched, report.changed) == (2, 1, 1)
    assert report.combined == [(2, 3)] and report.unmatched == [(4, "Plans lack")]
    assert slugs(joined) == {"planning-outcomes", "fathers-male-carers"}
    joined.refresh_from_db()
    assert joined.polarity == P.CONCERN


def test_a_heading_of_a_theme_for_learning_is_named_not_left_unmatched(personas):
    audit = past_audit(personas)
    LearningTheme.objects.create(audit=audit, title="Male carers seldom identified")
    report = apply(
        personas,
        "What we Found: Male carers seldom identified What needs to happen?,concern,"
        "fathers-male-carers,\n",
    )
    assert report.matched == 0 and report.unmatched == []
    assert report.titles == [(2, "What we Found: Male carers seldom identified What needs to…")]
    assert "a heading of a theme for learning, not a point" in report.lines()[1]


def test_a_bad_polarity_or_no_themes_refuses_the_row(personas):
    point(past_audit(personas), "Point", P.CONCERN)
    report = apply(personas, "Point,worry,recording,\nPoint,concern,,\n")
    assert [row for row, _ in report.refused] == [2, 3]
    assert "polarity “worry”" in report.refused[0][1]
    assert report.refused[1][1] == "no themes given"
    assert report.matched == 0


def test_subthemes_the_taxonomy_lacks_are_left_out_and_named(personas):
    finding = point(past_audit(personas), "Point", P.CONCERN)
    report = apply(personas, "Point,concern,recording,recording.no-such-part\n")
    assert report.subthemes_left_out == ["recording.no-such-part"]
    assert slugs(finding) == {"recording"}


def test_a_dry_run_reports_the_same_counts_and_writes_nothing(personas):
    finding = point(past_audit(personas), "Point", P.STRENGTH, "recording")
    events = AuditEvent.objects.count()
    report = apply(personas, "Point,concern,child-voice,\n", dry_run=True)
    assert (report.matched, report.changed) == (1, 1)
    assert report.lines()[-1] == "Dry run: nothing was changed."
    finding.refresh_from_db()
    assert (finding.polarity, slugs(finding), finding.version) == (P.STRENGTH, {"recording"}, 1)
    assert AuditEvent.objects.count() == events


def test_one_audit_event_records_the_counts_never_the_texts(personas):
    point(past_audit(personas), "Secretive point text", P.CONCERN)
    before = AuditEvent.objects.count()
    apply(personas, "Secretive point text,concern,recording,\nUnmatched text,concern,recording,\n")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.actor == personas.admin
    assert event.partnership == personas.partnership
    assert event.summary["theme_codes"]["matched"] == 1
    assert event.summary["theme_codes"]["unmatched"] == 1
    assert "Secretive" not in str(event.summary) + event.object_label


def test_another_partnerships_findings_are_never_matched(personas):
    theirs = point(past_audit(personas, "outsider"), "Shared wording", P.STRENGTH)
    report = apply(personas, "Shared wording,concern,recording,\n")
    assert report.matched == 0 and report.unmatched == [(2, "Shared wording")]
    theirs.refresh_from_db()
    assert theirs.polarity == P.STRENGTH and slugs(theirs) == set()


def test_only_a_partnership_admin_may_apply_codes(personas):
    with pytest.raises(ApplicationError, match="partnership admin"):
        theme_codes_apply(actor=personas.panel, ip=None, rows=rows("Point,concern,recording,\n"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"finding,polarity\nPoint,concern\n", "no column themes"),
        ("finding,polarity,themes\nCaf\u00e9,concern,recording\n".encode("cp1252"), "not UTF-8"),
        (b"finding,polarity,themes\n", "no rows of codes"),
    ],
)
def test_files_that_cannot_be_used_are_refused_whole(data, message):
    with pytest.raises(ApplicationError, match=message):
        codes_read(data)


def test_a_byte_order_mark_and_a_header_in_capitals_are_fine():
    read = codes_read("\ufeffFinding,Polarity,Themes\nPoint,Concern,Recording\n".encode())
    assert read == [CodeRow(row=2, finding="Point", polarity="concern", themes=("recording",))]


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(Command(), *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_report_and_applies_the_codes(personas, tmp_path: Path):
    finding = point(past_audit(personas), "Point", P.STRENGTH)
    path = tmp_path / "codes.csv"
    path.write_text(HEADER + "Point,concern,recording,\nOther,concern,recording,\n")
    dry = command(str(path), "--by", personas.admin.email, "--dry-run")
    assert "1 matched 1 findings; would change 1" in dry and "Dry run" in dry
    assert slugs(finding) == set()
    out = command(str(path), "--by", personas.admin.email)
    assert "changed 1" in out and "row 3: no finding with this text: “Other”" in out
    assert slugs(finding) == {"recording"}


def test_the_command_refuses_a_bad_file_and_changes_nothing(personas, tmp_path: Path):
    path = tmp_path / "codes.csv"
    path.write_text("text,themes\nPoint,recording\n")
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"no column finding, polarity.*Nothing was changed"):
        command(str(path), "--by", personas.admin.email)
    with pytest.raises(CommandError, match="no such file"):
        command(str(tmp_path / "missing.csv"), "--by", personas.admin.email)
    with pytest.raises(CommandError, match="not a partnership admin"):
        command(str(path), "--by", personas.board.email)
    assert AuditEvent.objects.count() == events
