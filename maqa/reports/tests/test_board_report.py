"""The board report: its data (board_report_data) and the PDF, read back with pdftotext."""

from __future__ import annotations

import datetime
import subprocess

import pytest
import time_machine

from maqa.actions.models import Action
from maqa.briefings.gather import build_record, gather
from maqa.briefings.models import BriefingVersion
from maqa.core.models import AuditEvent
from maqa.reports.render import board_report_pdf
from maqa.reports.selectors import board_report_data
from maqa.reports.tests.helpers import P, S, action, point, published, theme
from maqa.testing.personas import sign_in

TODAY = datetime.date(2026, 11, 23)
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def world(personas):
    """Three published audits in which fathers were a concern; two actions overdue."""
    fathers = theme(personas, "fathers-male-carers.identification-inclusion")
    voice = theme(personas, "child-voice")
    audits = [
        published(personas, name, day)
        for name, day in (
            ("Pre-school children", datetime.date(2023, 12, 7)),
            ("Neglect", datetime.date(2024, 6, 11)),
            ("Domestic abuse", datetime.date(2025, 9, 2)),
        )
    ]
    for n, audit in enumerate(audits):
        point(audit, S.WORRY, P.CONCERN, f"Fathers were not invited ({n + 1})", themes=(fathers,))
        point(audit, S.GOOD_PRACTICE, P.STRENGTH, f"Children seen alone ({n + 1})", themes=(voice,))
        # make_audit published a stand-in briefing: make it the briefing of these findings.
        BriefingVersion.objects.filter(audit=audit).update(record=build_record(gather(audit)))
    action(personas, "Write a fathers' protocol", org=personas.police_org,
           due=datetime.date(2026, 3, 31), audit=audits[2], owner_person=personas.police)  # fmt: skip
    action(personas, "Train health visitors", org=personas.health_org,
           due=datetime.date(2025, 1, 31), audit=audits[1],
           status=Action.Status.IN_PROGRESS)  # fmt: skip
    action(personas, "Check GP registration", org=personas.health_org,
           due=datetime.date(2027, 1, 31), audit=audits[2])  # fmt: skip
    action(personas, "Update the escalation policy", org=personas.police_org,
           due=datetime.date(2025, 5, 1), audit=audits[0], status=Action.Status.COMPLETED)  # fmt: skip
    return audits


def pdf_lines(pdf: bytes, tmp_path) -> list[str]:
    """The PDF's text as pdftotext lays it out, each line's spaces collapsed: a table row is a
    line."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return [" ".join(line.split()) for line in out.stdout.splitlines() if line.strip()]


def pdf_text(pdf: bytes, tmp_path) -> str:
    return " ".join(pdf_lines(pdf, tmp_path))


CALLOUT = "Fathers, male carers and partners: a concern in 3 of 3 audits (Dec 2023 to Sep 2025)"


def test_the_data_holds_the_callouts_actions_and_briefings_of_the_period(personas, world):
    data = board_report_data(personas.partnership, today=TODAY)
    assert [c.text for c in data.trends.recurrence.callouts] == [CALLOUT]
    assert [(a.label, a.open, a.overdue, a.completed) for a in data.trends.actions.by_agency] == [
        ("Health", 2, 1, 0),
        ("Police", 1, 1, 1),
    ]
    assert [(a.description, a.agency, a.owner, a.days_overdue) for a in data.overdue] == [
        ("Train health visitors", "Health", "", 661),
        ("Write a fathers' protocol", "Police", "Morgan Constable", 237),
    ]
    assert [(b.theme, b.date_label) for b in data.briefings] == [
        ("Pre-school children", "7 December 2023"),
        ("Neglect", "11 June 2024"),
        ("Domestic abuse", "2 September 2025"),
    ]
    assert data.briefings[0].version == 1
    assert (data.briefings[0].record or {})["worries"] == ["Fathers were not invited (1)"]
    assert data.period == "all audits"


def test_the_period_keeps_its_own_audits_and_their_actions(personas, world):
    data = board_report_data(
        personas.partnership,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
        today=TODAY,
    )
    assert [b.theme for b in data.briefings] == ["Neglect"]
    assert data.trends.recurrence.callouts == []
    assert [a.description for a in data.overdue] == ["Train health visitors"]
    assert data.period == "1 January 2024 to 31 December 2024"


def test_a_published_version_is_the_briefing_shown(personas, world):
    record = build_record(gather(world[1]))
    record["worries"] = ["Worry as published in version 2"]
    BriefingVersion.objects.create(
        audit=world[1], number=2, record=record, html="", pdf=b"", docx=b"", html_sha256="",
        pdf_sha256="", docx_sha256="", prepared_by=personas.admin, confirmed_by=personas.admin,
        published_at=NOW,
    )  # fmt: skip
    data = board_report_data(personas.partnership, today=TODAY)
    entry = data.briefings[1]
    assert (entry.theme, entry.version) == ("Neglect", 2)
    assert (entry.record or {})["worries"] == ["Worry as published in version 2"]


def test_an_imported_audit_without_a_version_shows_its_findings(personas, world):
    from maqa.audits.models import Audit

    BriefingVersion.objects.filter(audit=world[0]).delete()
    Audit.objects.filter(pk=world[0].pk).update(imported=True, date_precision="month")
    entry = board_report_data(personas.partnership, today=TODAY).briefings[0]
    assert (entry.version, entry.imported, entry.date_label) == (None, True, "December 2023")
    assert (entry.record or {})["worries"] == ["Fathers were not invited (1)"]
    assert (entry.record or {})["good_practice"] == ["Children seen alone (1)"]


def test_the_pdf_holds_the_callouts_the_actions_table_and_the_briefings(personas, world, tmp_path):
    pdf = board_report_pdf(board_report_data(personas.partnership, today=TODAY))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert "Board report: multi-agency audits" in text
    assert "Persona Partnership" in text
    assert "Period: all audits. Prepared on 23 November 2026." in text
    assert CALLOUT in text
    lines = pdf_lines(pdf, tmp_path)
    table = lines.index("Actions by owner agency")
    assert lines[table + 1 : table + 5] == [
        "Agency Open Overdue Completed",
        "Health 2 1 0",
        "Police 1 1 1",
        "All agencies 3 2 1",
    ]
    overdue = [line for line in lines if "Jan 2025" in line or "Mar 2026" in line]
    assert overdue[0] == "Train health visitors Health 31 Jan 2025 661 In progress Neglect"
    # A long action wraps within its cell: the row's first line holds the other cells.
    assert overdue[1].startswith("Write a fathers' protocol (owner: Morgan")
    assert "Police 31 Mar 2026 237 Not started" in overdue[1]
    assert len(overdue) == 2
    assert "Check GP registration" not in text  # open, but not overdue
    for n in (1, 2, 3):
        assert f"Fathers were not invited ({n})" in text
        assert f"Children seen alone ({n})" in text


@time_machine.travel(NOW, tick=False)
def test_the_board_report_download_is_a_pdf_for_the_period_and_is_recorded(
    client, personas, world, tmp_path
):
    sign_in(client, personas.board)
    response = client.get("/reports/board-report/", {"start": "2024-01-01", "end": "2024-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="maqa-board-report-2026-11-23.pdf"'
    )
    text = pdf_text(response.content, tmp_path)
    assert "Period: 1 January 2024 to 31 December 2024." in text
    assert "Children seen alone (2)" in text
    assert "Children seen alone (1)" not in text and "Children seen alone (3)" not in text
    assert "No theme was a concern in three or more audits of the period." in text
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).latest("seq")
    assert (event.actor, event.object_type) == (personas.board, "reports.board_report")
    assert event.summary == {
        "export": "board report", "format": "pdf", "from": "2024-01-01", "to": "2024-12-31",
        "audit": None, "briefings": 1, "overdue actions": 1,
    }  # fmt: skip


def test_a_backwards_period_is_refused_with_a_message(client, personas, world):
    sign_in(client, personas.admin)
    response = client.get("/reports/board-report/", {"start": "2025-01-01", "end": "2024-01-01"})
    assert response.status_code == 400
    assert "The end of the period must be on or after its start." in response.content.decode()


def test_the_command_writes_the_report_for_a_partnership_or_a_person(personas, world, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    target = tmp_path / "board.pdf"
    call_command(
        "board_report", "--partnership", "persona", "--from", "2024-01-01", "--to", "2024-12-31",
        "--output", str(target), stdout=out,
    )  # fmt: skip
    assert (
        "Persona Partnership, 1 January 2024 to 31 December 2024; 1 briefing(s)" in out.getvalue()
    )
    assert "Children seen alone (2)" in pdf_text(target.read_bytes(), tmp_path)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).latest("seq")
    assert (event.partnership, event.object_type) == (personas.partnership, "reports.board_report")
    call_command("board_report", "--by", personas.board.email, "-o", str(target), stdout=out)
    assert "Persona Partnership, all audits; 3 briefing(s)" in out.getvalue()
    for args, message in (
        (["--by", personas.police.email], "no active partnership admin, panel member or viewer"),
        (["--partnership", "nowhere"], "no partnership has this slug"),
        (["--partnership", "persona", "--from", "2024-02-30"], "is not a date"),
        (["--partnership", "persona", "--from", "2025-01-01", "--to", "2024-01-01"], "on or after"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("board_report", *args, "-o", str(target))


def test_gathering_many_audits_at_once_gives_what_gathering_each_alone_gives(
    personas, world, django_assert_max_num_queries
):
    from maqa.audits.models import Audit
    from maqa.briefings.gather import gather_many
    from maqa.findings.models import LearningTheme
    from maqa.returns.models import Return

    lt = LearningTheme.objects.create(audit=world[1], title="  Think father ", position=1)
    point(world[1], S.FOUND, P.CONCERN, "Fathers   not\nseen", learning=lt).resources.set(
        [personas.resource]
    )
    point(world[1], S.ACTION, P.ACTION, "Ask about fathers", learning=lt)
    point(world[0], S.WORRY, P.CONCERN, "Second worry", position=1).resources.set(
        [personas.resource]
    )
    Return.objects.filter(audit=world[2], organisation=personas.police_org).update(
        state=Return.State.SUBMITTED
    )
    audits = list(Audit.objects.filter(pk__in=[a.pk for a in world]).select_related("partnership"))
    with django_assert_max_num_queries(8):
        many = gather_many(audits)
    for audit in audits:
        assert many[audit.pk] == gather(audit), audit.theme
    assert many[world[2].pk].organisations == ("Police",)
    assert many[world[1].pk].learning[0].found == ("Fathers not seen",)


def test_what_people_typed_is_text_in_the_report_never_markup(personas, world):
    from maqa.reports.render import board_report_html

    point(world[2], S.WORRY, P.CONCERN, '<img src="http://example.org/x.png"> & <b>bold</b>',
          position=5)  # fmt: skip
    BriefingVersion.objects.filter(audit=world[2]).update(record=build_record(gather(world[2])))
    action(personas, "<script>alert(1)</script>", org=personas.police_org,
           due=datetime.date(2025, 1, 1), audit=world[2])  # fmt: skip
    html = board_report_html(board_report_data(personas.partnership, today=TODAY))
    assert (
        "&lt;img src=&quot;http://example.org/x.png&quot;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and '<img src="http' not in html
    # Each briefing's ids are its own: no id is used twice in the report.
    import re

    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_long_period_reproduces_the_newest_briefings_and_names_the_earlier(
    personas, world, tmp_path
):
    data = board_report_data(personas.partnership, today=TODAY, max_briefings=2)
    assert [(b.theme, b.version) for b in data.briefings] == [
        ("Neglect", 1),
        ("Domestic abuse", 1),
    ]
    assert [(b.theme, b.version, b.record) for b in data.earlier] == [
        ("Pre-school children", 1, None)
    ]
    text = pdf_text(board_report_pdf(data), tmp_path)
    assert "The period has 3 published audits. The briefings of the newest 2 follow" in text
    assert "Pre-school children 7 December 2023 published, version 1" in text
    assert "Fathers were not invited (1)" not in text
    assert "Fathers were not invited (2)" in text and "Fathers were not invited (3)" in text
