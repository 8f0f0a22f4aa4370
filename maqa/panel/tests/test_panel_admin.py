"""The admin's two ways back: reopening a submitted return, and moving an audit back one state,
each with a reason kept in the audit trail."""

from __future__ import annotations

import pytest
from django.test import Client

from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.lifecycle.services import audit_move_back
from maqa.returns.models import Return, ReturnRevision
from maqa.returns.services import return_not_known, return_reopen
from maqa.testing.audits import advance, make_audit
from maqa.testing.personas import Personas, sign_in

REASON = "The return graded the wrong child's records: Child A's need redoing."


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def police_return(personas: Personas, audit: Audit) -> Return:
    return Return.objects.get(
        audit=audit, child__reference="Child A", organisation=personas.police_org
    )


def at_panel_with_a_submitted_return(personas: Personas) -> tuple[Audit, Return]:
    audit = make_audit(personas, state="returns_open")
    ret = police_return(personas, audit)
    return_not_known(actor=personas.police, ip=None, ret=ret, version=ret.version)
    audit.refresh_from_db()
    audit = advance(personas, audit)
    return audit, police_return(personas, audit)


def reopen_url(audit: Audit, ret: Return) -> str:
    return f"/audits/{audit.pk}/panel/returns/{ret.pk}/reopen/"


# --- reopening a return ----------------------------------------------------------------------


def test_the_admin_reopens_a_submitted_return_with_a_reason(personas):
    audit, ret = at_panel_with_a_submitted_return(personas)
    admin = sign_in(Client(), personas.admin)
    assert (
        "Reopen" in admin.get(f"/audits/{audit.pk}/panel/children/{ret.child_id}/").content.decode()
    )

    response = admin.post(reopen_url(audit, ret), {"reason": REASON, "version": ret.version})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/panel/children/{ret.child_id}/#returns")
    reopened = police_return(personas, audit)
    assert (reopened.state, reopened.sent_back_comment) == ("sent_back", REASON)
    assert reopened.version == ret.version + 1
    revision = ReturnRevision.objects.get(return_obj=ret, version=reopened.version)
    assert revision.kind == "sent_back"
    event = AuditEvent.objects.filter(object_type="returns.return", object_id=str(ret.pk)).latest(
        "seq"
    )
    assert event.summary["state"] == ["not_known", "sent_back"]
    assert event.summary["reason"] == REASON
    assert event.summary["reopened"] == "panel"
    page = admin.get(f"/audits/{audit.pk}/panel/children/{ret.child_id}/").content.decode()
    assert "Not submitted (sent back)" in page


def test_a_return_reopened_at_the_panel_can_be_changed_once_the_audit_moves_back(personas):
    audit, ret = at_panel_with_a_submitted_return(personas)
    return_reopen(actor=personas.admin, ip=None, audit=audit, ret=ret, reason=REASON,
                  version=ret.version)  # fmt: skip
    audit_move_back(actor=personas.admin, ip=None, audit=audit, reason="Police redo a return.",
                    version=audit.version)  # fmt: skip
    police = sign_in(Client(), personas.police)

    saved = police.post(
        f"/returns/{ret.pk}/save/",
        {"voice.seen": "yes", "version": ret.version},
        headers={"X-Requested-With": "fetch"},
    )

    assert saved.status_code == 200
    assert police_return(personas, audit).answers == {"voice.seen": "yes"}


def test_reopening_needs_a_reason(personas):
    audit, ret = at_panel_with_a_submitted_return(personas)

    response = sign_in(Client(), personas.admin).post(
        reopen_url(audit, ret), {"reason": " ", "version": ret.version}
    )

    assert response.status_code == 200
    assert "Give the reason: it is kept in the audit trail." in response.content.decode()
    assert police_return(personas, audit).state == "not_known"


def test_only_a_submitted_return_is_reopened_and_only_until_the_panel_has_met(personas):
    audit, ret = at_panel_with_a_submitted_return(personas)
    health = Return.objects.get(
        audit=audit, child__reference="Child A", organisation=personas.health_org
    )
    with pytest.raises(ApplicationError, match="Only a submitted return"):
        return_reopen(actor=personas.admin, ip=None, audit=audit, ret=health, reason=REASON,
                      version=health.version)  # fmt: skip
    audit = advance(personas, audit)

    with pytest.raises(ApplicationError, match="only while returns are open or at the panel"):
        return_reopen(actor=personas.admin, ip=None, audit=audit, ret=ret, reason=REASON,
                      version=ret.version)  # fmt: skip
    page = sign_in(Client(), personas.admin).get(reopen_url(audit, ret)).content.decode()
    assert "only while returns are open or at the panel" in page
    assert police_return(personas, audit).state == "not_known"


def test_a_stale_reopen_is_refused(personas):
    audit, ret = at_panel_with_a_submitted_return(personas)

    with pytest.raises(ApplicationError, match="changed after you opened this page"):
        return_reopen(actor=personas.admin, ip=None, audit=audit, ret=ret, reason=REASON,
                      version=ret.version - 1)  # fmt: skip
    assert police_return(personas, audit).state == "not_known"


def test_only_the_admin_reopens_a_return(personas):
    audit, ret = at_panel_with_a_submitted_return(personas)
    for persona in ("panel", "police", "health", "board", "outsider"):
        client = sign_in(Client(), personas.get(persona))
        response = client.post(reopen_url(audit, ret), {"reason": REASON, "version": ret.version})
        assert response.status_code == 404, persona
    assert police_return(personas, audit).state == "not_known"
    with pytest.raises(ApplicationError, match="Only a partnership admin"):
        return_reopen(actor=personas.panel, ip=None, audit=audit, ret=ret, reason=REASON,
                      version=ret.version)  # fmt: skip


# --- moving an audit back ----------------------------------------------------------------------


def test_the_admin_moves_an_audit_back_one_state_with_a_reason(personas):
    audit = make_audit(personas, state="reporting")
    admin = sign_in(Client(), personas.admin)
    page = admin.get(f"/audits/{audit.pk}/move-back/").content.decode()
    assert "Moving it back returns it to <strong>panel</strong>" in page

    response = admin.post(
        f"/audits/{audit.pk}/move-back/", {"reason": "Two grades need the panel again.",
                                           "version": audit.version}
    )  # fmt: skip

    assert response.status_code == 302
    moved = Audit.objects.get(pk=audit.pk)
    assert (moved.state, moved.version) == ("panel", audit.version + 1)
    event = AuditEvent.objects.filter(object_type="audits.audit", action="changed").latest("seq")
    assert event.summary == {
        "state": ["reporting", "panel"], "moved": "back",
        "reason": "Two grades need the panel again.",
    }  # fmt: skip


@pytest.mark.parametrize(("start", "back"), [("panel", "returns_open"),
                                             ("published", "reporting")])  # fmt: skip
def test_an_audit_moves_back_from_the_panel_and_from_published(personas, start, back):
    audit = make_audit(personas, state=start)

    audit_move_back(actor=personas.admin, ip=None, audit=audit, reason="Needed.",
                    version=audit.version)  # fmt: skip

    assert Audit.objects.get(pk=audit.pk).state == back


@pytest.mark.parametrize(
    ("state", "why"),
    [
        ("draft", "A draft audit has no earlier state."),
        ("returns_open", "cannot go back to draft"),
        ("closed", "its identifiers have been destroyed"),
    ],
)
def test_moving_back_is_refused_from_draft_returns_open_and_closed(personas, state, why):
    audit = make_audit(personas, state=state)
    admin = sign_in(Client(), personas.admin)

    response = admin.post(
        f"/audits/{audit.pk}/move-back/", {"reason": "Please.", "version": audit.version}
    )

    assert response.status_code == 200
    assert why in response.content.decode()
    assert Audit.objects.get(pk=audit.pk).state == state
    with pytest.raises(ApplicationError, match=why):
        audit_move_back(actor=personas.admin, ip=None, audit=audit, reason="Please.",
                        version=audit.version)  # fmt: skip


def test_moving_back_is_refused_without_a_reason(personas):
    audit = make_audit(personas, state="panel")

    response = sign_in(Client(), personas.admin).post(
        f"/audits/{audit.pk}/move-back/", {"reason": "  ", "version": audit.version}
    )

    assert response.status_code == 200
    assert "Give the reason: it is kept in the audit trail." in response.content.decode()
    assert Audit.objects.get(pk=audit.pk).state == "panel"


def test_moving_back_on_an_old_version_is_refused(personas):
    audit = make_audit(personas, state="panel")

    response = sign_in(Client(), personas.admin).post(
        f"/audits/{audit.pk}/move-back/", {"reason": "Needed.", "version": audit.version - 1}
    )

    assert response.status_code == 200
    assert "Someone else changed this audit" in response.content.decode()
    assert Audit.objects.get(pk=audit.pk).state == "panel"


def test_moving_back_is_refused_for_everyone_but_the_admin(personas):
    audit = make_audit(personas, state="reporting")
    for persona in ("panel", "police", "health", "board", "outsider"):
        client = sign_in(Client(), personas.get(persona))
        url = f"/audits/{audit.pk}/move-back/"
        assert client.get(url).status_code == 404, persona
        response = client.post(url, {"reason": "Mine.", "version": audit.version})
        assert response.status_code == 404, persona
    assert Audit.objects.get(pk=audit.pk).state == "reporting"
    with pytest.raises(ApplicationError, match="Only a partnership admin"):
        audit_move_back(actor=personas.panel, ip=None, audit=audit, reason="Mine.",
                        version=audit.version)  # fmt: skip
