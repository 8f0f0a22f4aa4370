from __future__ import annotations

import pytest

from maqa.audits import crypto
from maqa.audits.models import Audit
from maqa.audits.services import identifiers_reveal
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.lifecycle.closing import IdentifiersInFreeText, audit_close, identifier_scan
from maqa.lifecycle.services import audit_move_on
from maqa.returns.models import Return
from maqa.testing.audits import advance, make_audit, synthetic_case_number, synthetic_name


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def test_returns_cannot_open_without_a_sample(personas):
    audit = make_audit(personas, children=0)
    with pytest.raises(ApplicationError, match="without a sample"):
        advance(personas, audit)
    assert Audit.objects.get(pk=audit.pk).state == "draft"


def test_opening_returns_makes_one_return_per_child_per_involved_agency(personas):
    audit = make_audit(personas, state="returns_open", children=3)
    assert Return.objects.filter(audit=audit).count() == 9
    event = AuditEvent.objects.filter(object_id=str(audit.pk), action="changed").latest("seq")
    assert event.summary["state"] == ["draft", "returns_open"]
    assert event.summary["returns_created"] == 9


def test_each_move_is_recorded_in_order(personas):
    audit = make_audit(personas, state="published")
    moves = [
        e.summary["state"]
        for e in AuditEvent.objects.filter(object_id=str(audit.pk), action="changed").order_by(
            "seq"
        )
    ]
    assert moves == [
        ["draft", "returns_open"],
        ["returns_open", "panel"],
        ["panel", "reporting"],
        ["reporting", "published"],
    ]


def test_a_stale_move_is_refused(personas):
    audit = make_audit(personas)
    stale_version = audit.version
    audit_move_on(actor=personas.admin, ip=None, audit=audit, version=stale_version)
    with pytest.raises(ApplicationError, match="Someone else changed this audit"):
        audit_move_on(
            actor=personas.admin,
            ip=None,
            audit=Audit.objects.get(pk=audit.pk),
            version=stale_version,
        )


def test_identifiers_are_stored_only_encrypted(personas):
    audit = make_audit(personas)
    child = audit.cases.get(reference="Child A")
    assert synthetic_name(0) not in child.enc_name
    assert crypto.decrypt(audit, child.enc_name) == synthetic_name(0)


def test_revealing_identifiers_is_recorded(personas):
    audit = make_audit(personas)
    child = audit.cases.get(reference="Child A")
    identifiers = identifiers_reveal(actor=personas.police, ip="192.0.2.5", child=child)
    assert identifiers.case_number == synthetic_case_number(0)
    event = AuditEvent.objects.filter(action="revealed").latest("seq")
    assert event.actor == personas.police
    assert synthetic_name(0) not in str(event.summary) + event.object_label


def test_closing_lists_names_left_in_free_text_and_refuses(personas):
    audit = make_audit(personas, state="published")
    ret = Return.objects.filter(audit=audit).order_by("pk")[0]
    ret.good_practice = f"Worker visited {synthetic_name(0).split()[0]} at home"
    ret.save()
    with pytest.raises(IdentifiersInFreeText) as raised:
        audit_close(actor=personas.admin, ip=None, audit=audit, version=audit.version)
    assert [hit.where for hit in raised.value.hits] == [
        f"{ret.organisation.short_name} return for {ret.child.reference}, good practice"
    ]
    assert Audit.objects.get(pk=audit.pk).state == "published"


def test_closing_destroys_the_key_and_the_identifiers(personas, settings):
    audit = make_audit(personas, state="published")
    audit.refresh_from_db()
    assert identifier_scan(audit) == []
    key_files = list((settings.IDENTIFIER_KEYSTORE_DIR).glob("audit-*.key"))
    assert key_files
    audit_close(actor=personas.admin, ip=None, audit=audit, version=audit.version)
    audit.refresh_from_db()
    assert audit.state == "closed"
    assert not (settings.IDENTIFIER_KEYSTORE_DIR / f"audit-{audit.pk}.key").exists()
    assert set(audit.cases.values_list("enc_name", flat=True)) == {""}
    with pytest.raises(ApplicationError, match="destroyed"):
        crypto.decrypt(audit, "anything")


def test_rotating_the_master_key_keeps_identifiers_readable(personas, settings):
    from cryptography.fernet import Fernet

    audit = make_audit(personas)
    child = audit.cases.get(reference="Child A")
    new_key = Fernet.generate_key().decode()
    settings.IDENTIFIER_KEYS = [new_key, *settings.IDENTIFIER_KEYS]
    assert crypto.rotate_master_keys() >= 1
    settings.IDENTIFIER_KEYS = [new_key]  # the old master key is gone
    assert crypto.decrypt(audit, child.enc_name) == synthetic_name(0)
