"""Actions through their services: required fields and their messages, the status machine,
stale versions, evidence checked by content and size, stored outside the web root, and the
audit events every write leaves."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from maqa.actions import services
from maqa.actions.evidence import clean_filename, stored_path
from maqa.actions.models import Action, ActionUpdate, Evidence
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding, Theme
from maqa.testing.actions import make_action, tiny_docx, tiny_image, tiny_pdf
from maqa.testing.audits import make_audit

S = Action.Status


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EVIDENCE_DIR


def events(action: Action) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="actions.action", object_id=str(action.pk)).order_by(
            "seq"
        )
    )


def update(personas, action, *, by="police", files=(), propose=False, text="Briefed 40 officers."):
    action.refresh_from_db()
    return services.action_update_add(
        actor=personas.get(by),
        ip="192.0.2.7",
        action=action,
        text=text,
        files=list(files),
        propose_completion=propose,
        expected_version=action.version,
    )


# --- writing an action ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("owner_organisation", "owner_organisation", services.NO_OWNER),
        ("due_date", "due_date", services.NO_DUE_DATE),
        ("measure_of_success", "measure_of_success", services.NO_MEASURE),
        ("description", "description", services.NO_DESCRIPTION),
    ],
)
def test_it_refuses_an_action_without_an_owner_a_due_date_or_a_measure(
    personas, missing, field, message
):
    blank: Any = {"owner_organisation": None, "due_date": None}.get(missing, "   ")
    with pytest.raises(ApplicationError) as error:
        make_action(personas, **{missing: blank})
    assert error.value.field == field
    assert error.value.message == message
    assert not Action.objects.exists()


def test_it_writes_an_action_not_started_with_its_themes_and_an_event(personas):
    action = make_action(personas)
    assert action.status == S.NOT_STARTED
    assert action.partnership == personas.partnership
    assert [t.slug for t in action.themes.all()] == ["fathers-male-carers"]
    (event,) = events(action)
    assert event.action == AuditEvent.Action.CREATED
    assert event.actor == personas.admin
    assert event.summary["owner_organisation"] == "Police"


def test_only_a_partnership_admin_writes_actions(personas):
    for name in ("police", "panel", "board", "outsider"):
        with pytest.raises(ApplicationError):
            services.action_create(
                actor=personas.get(name),
                ip=None,
                description="x",
                owner_organisation=personas.police_org,
                due_date=timezone.localdate(),
                measure_of_success="y",
            )
    assert not Action.objects.exists()


def test_the_owner_person_must_work_for_the_owner_agency(personas):
    with pytest.raises(ApplicationError) as error:
        make_action(personas, owner_person=personas.health)
    assert error.value.field == "owner_person"
    assert "Police" in error.value.message
    assert make_action(personas, owner_person=personas.police).owner_person == personas.police


def test_themes_and_agencies_of_another_partnership_are_refused(personas):
    away_theme = Theme.objects.filter(partnership=personas.other_partnership).first()
    with pytest.raises(ApplicationError) as error:
        make_action(personas, themes=[away_theme])
    assert error.value.field == "themes"
    away_org = personas.outsider.memberships.get().organisation
    with pytest.raises(ApplicationError):
        make_action(personas, owner_organisation=away_org)


def test_an_action_from_a_finding_belongs_to_its_audit(personas):
    audit = make_audit(personas, state="panel")
    finding = Finding.objects.create(
        audit=audit, section="action", text="Fathers' details recorded.", polarity="action"
    )
    action = make_action(personas, finding=finding)
    assert action.audit == audit
    assert action.finding == finding
    assert list(audit.actions.all()) == [action]


# --- the status machine ---------------------------------------------------------------------


def test_the_owner_updates_proposes_and_the_admin_sends_back_then_accepts(personas):
    action = make_action(personas)
    update(personas, action)
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS
    update(personas, action, propose=True, text="All officers briefed; dip sample attached.")
    action.refresh_from_db()
    assert action.status == S.COMPLETION_PROPOSED
    with pytest.raises(ApplicationError, match="wait for a partnership admin"):
        update(personas, action)
    with pytest.raises(ApplicationError, match="what is missing"):
        services.action_send_back(
            actor=personas.admin, ip=None, action=action, expected_version=action.version,
            comment=" ",
        )  # fmt: skip
    services.action_send_back(
        actor=personas.admin, ip=None, action=action, expected_version=action.version,
        comment="The dip sample is missing.",
    )  # fmt: skip
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS
    update(
        personas, action, propose=True, text="Dip sample attached.", files=[("d.pdf", tiny_pdf())]
    )
    action.refresh_from_db()
    done = services.action_accept(
        actor=personas.admin, ip=None, action=action, expected_version=action.version
    )
    done.refresh_from_db()
    assert done.status == S.COMPLETED
    assert done.completed_accepted_by == personas.admin
    assert done.completed_at is not None
    kinds = list(done.updates.order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds == ["progress", "proposed", "sent_back", "proposed", "accepted"]
    with pytest.raises(ApplicationError, match="closed"):
        update(personas, done)


def test_only_an_admin_accepts_and_only_once_completion_is_proposed(personas):
    action = make_action(personas)
    with pytest.raises(ApplicationError, match="has not been proposed"):
        services.action_accept(
            actor=personas.admin, ip=None, action=action, expected_version=action.version
        )
    update(personas, action, propose=True)
    action.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.action_accept(
            actor=personas.police, ip=None, action=action, expected_version=action.version
        )
    action.refresh_from_db()
    assert action.status == S.COMPLETION_PROPOSED


@pytest.mark.parametrize("name", ["health", "panel", "board", "outsider"])
def test_people_outside_the_owner_agency_cannot_update(personas, name):
    action = make_action(personas)
    with pytest.raises(ApplicationError):
        update(personas, action, by=name)
    assert not action.updates.exists()


def test_the_owner_person_updates_even_from_another_role(personas):
    action = make_action(personas)
    # The panel member (Social Care) is not Police, but can own a Social Care action in person.
    social = personas.panel.memberships.get().organisation
    own = make_action(personas, owner_organisation=social, owner_person=personas.panel)
    update(personas, own, by="panel")
    own.refresh_from_db()
    assert own.status == S.IN_PROGRESS
    with pytest.raises(ApplicationError):
        update(personas, action, by="panel")


def test_cancelling_needs_a_reason_and_closes_the_action(personas):
    action = make_action(personas)
    with pytest.raises(ApplicationError) as error:
        services.action_cancel(
            actor=personas.admin, ip=None, action=action, expected_version=1, reason=""
        )
    assert error.value.field == "reason"
    services.action_cancel(
        actor=personas.admin, ip=None, action=action, expected_version=1,
        reason="Superseded by the new partnership training plan.",
    )  # fmt: skip
    action.refresh_from_db()
    assert action.status == S.CANCELLED
    assert action.cancelled_reason.startswith("Superseded")
    with pytest.raises(ApplicationError):
        services.action_cancel(
            actor=personas.admin, ip=None, action=action, expected_version=action.version,
            reason="again",
        )  # fmt: skip
    with pytest.raises(ApplicationError):
        services.action_cancel(
            actor=personas.police, ip=None, action=make_action(personas), expected_version=1,
            reason="not mine to cancel",
        )  # fmt: skip


def test_editing_records_what_changed_and_moves_the_due_date(personas):
    action = make_action(personas)
    new_due = action.due_date + timedelta(days=30)
    services.action_edit(
        actor=personas.admin, ip=None, action=action, expected_version=1,
        description=action.description, owner_organisation=personas.police_org,
        due_date=new_due, measure_of_success="A new measure.", owner_person=personas.police,
    )  # fmt: skip
    action.refresh_from_db()
    assert (action.due_date, action.version, action.owner_person) == (new_due, 2, personas.police)
    assert list(action.themes.all()) == []
    note = action.updates.get(kind=ActionUpdate.Kind.EDITED).text
    assert note.startswith("Due date moved from")
    changed = events(action)[-1]
    assert changed.summary["due_date"] == [
        (new_due - timedelta(days=30)).isoformat(),
        new_due.isoformat(),
    ]
    assert changed.summary["measure_of_success"] == "changed"


def test_the_edit_note_gives_the_due_dates_in_words(personas):
    action = make_action(personas, due_date=date(2027, 1, 4))
    services.action_edit(
        actor=personas.admin, ip=None, action=action, expected_version=1,
        description=action.description, owner_organisation=personas.police_org,
        due_date=date(2027, 2, 3), measure_of_success=action.measure_of_success,
    )  # fmt: skip
    note = action.updates.get(kind=ActionUpdate.Kind.EDITED).text
    assert note.startswith("Due date moved from 4 January 2027 to 3 February 2027.")


# --- stale versions -------------------------------------------------------------------------


def test_a_stale_version_is_refused_never_applied(personas):
    action = make_action(personas)
    stale = Action.objects.get(pk=action.pk)
    update(personas, action)  # version 1 -> 2
    with pytest.raises(ApplicationError, match="Someone else changed this action"):
        services.action_update_add(
            actor=personas.police, ip=None, action=stale, text="Late", files=[],
            expected_version=1,
        )  # fmt: skip
    for call in (
        lambda: services.action_cancel(
            actor=personas.admin, ip=None, action=stale, expected_version=1, reason="r"
        ),
        lambda: services.action_edit(
            actor=personas.admin,
            ip=None,
            action=stale,
            expected_version=1,
            description="Overwritten",
            owner_organisation=personas.police_org,
            due_date=stale.due_date,
            measure_of_success="m",
        ),
    ):
        with pytest.raises(ApplicationError, match="Someone else"):
            call()
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS
    assert action.description != "Overwritten"
    assert action.updates.count() == 1


# --- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type", "stored_name"),
    [
        ("register.pdf", tiny_pdf, "application/pdf", "register.pdf"),
        ("photo.PNG", lambda: tiny_image("PNG"), "image/png", "photo.png"),
        ("scan.jpeg", lambda: tiny_image("JPEG"), "image/jpeg", "scan.jpg"),
        ("procedure.docx", tiny_docx,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "procedure.docx"),
        # Told by content: a PDF with a misleading name is a PDF, and named as one.
        ("notes.txt", tiny_pdf, "application/pdf", "notes.pdf"),
    ],
)  # fmt: skip
def test_accepted_evidence_is_stored_by_hash_outside_the_web_root(
    personas, evidence_dir, name, make, content_type, stored_name
):
    data = make()
    action = make_action(personas)
    made = update(personas, action, files=[(name, data)])
    item = made.evidence.get()
    sha = hashlib.sha256(data).hexdigest()
    assert (item.filename, item.content_type, item.size, item.sha256) == (
        stored_name,
        content_type,
        len(data),
        sha,
    )
    path = stored_path(sha)
    assert path == evidence_dir / sha[:2] / sha
    assert path.read_bytes() == data
    for web_root in (django_settings.STATIC_ROOT, django_settings.MEDIA_ROOT):
        assert not path.resolve().is_relative_to(web_root)
    summary = events(action)[-1].summary
    assert summary["evidence"] == [{"filename": stored_name, "sha256": sha, "size": len(data)}]


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", EXE, "report.pdf is not a PDF, Word (.docx), PNG or JPEG file"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "big.pdf is larger than 10 MB"),
        ("empty.pdf", b"", "empty.pdf is empty"),
        ("fake.docx", b"PK\x03\x04not really a zip", "fake.docx is not a PDF"),
        ("page.html", b"<html><script>alert(1)</script></html>", "page.html is not a PDF"),
    ],
)
def test_refused_files_save_nothing_of_the_update(personas, evidence_dir, name, data, message):
    action = make_action(personas)
    with pytest.raises(ApplicationError) as error:
        update(personas, action, files=[("good.pdf", tiny_pdf()), (name, data)])
    assert error.value.message.startswith(message)
    assert error.value.field == "evidence"
    action.refresh_from_db()
    assert (action.status, action.version) == (S.NOT_STARTED, 1)
    assert not ActionUpdate.objects.filter(action=action).exists()
    assert not Evidence.objects.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.rglob("*"))


def test_an_eleven_megabyte_file_is_refused(personas):
    big = tiny_pdf() + b"\n%" + b"x" * (11 * 1024 * 1024)
    with pytest.raises(ApplicationError, match="larger than 10 MB"):
        update(personas, make_action(personas), files=[("minutes.pdf", big)])


def test_a_word_document_with_macros_is_refused(personas):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/vbaProject.bin", b"macro")
    with pytest.raises(ApplicationError, match="is not a PDF"):
        update(personas, make_action(personas), files=[("procedure.docx", out.getvalue())])


@pytest.mark.parametrize(
    ("name", "extension", "cleaned"),
    [
        ("../../etc/passwd.pdf", ".pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Evidence 2025.pdf", ".pdf", "Evidence 2025.pdf"),
        ("a<b>c|d?.png", ".png", "a_b_c_d.png"),
        ("<script>x</script>.png", ".png", "script.png"),
        (".hidden.pdf", ".pdf", "hidden.pdf"),
        ("...", ".pdf", "evidence.pdf"),
        ("Réunion notes.docx", ".docx", "Reunion notes.docx"),
        ("", ".jpg", "evidence.jpg"),
    ],
)
def test_file_names_are_cleaned(name, extension, cleaned):
    assert clean_filename(name, extension) == cleaned
