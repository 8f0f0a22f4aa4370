"""Plant identifiers, close the audit, then search a full database dump, the logs and the email.

A transactional test: the data is committed, so that pg_dump (another session) can see it.
"""

from __future__ import annotations

import logging
import os
import subprocess

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.lifecycle.closing import IdentifiersInFreeText, audit_close
from maqa.returns.models import Return
from maqa.returns.services import return_save
from maqa.testing.audits import advance, make_audit, synthetic_case_number, synthetic_name
from maqa.testing.personas import PERSONA_EMAILS, build_personas, load_personas, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# What must not survive the close: every part of the sample's names, and their case numbers.
NEEDLES = ("Synthname", "Tokenfamily", "CN-SYN-")


def database_dump() -> str:
    """Everything the database holds, as text: pg_dump on PostgreSQL, iterdump on SQLite."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
        command = ["pg_dump", "--no-owner", "-h", str(params.get("host") or "127.0.0.1"),
                   "-p", str(params.get("port") or 5432), "-U", str(params.get("user") or "postgres"),
                   str(params["dbname"])]  # fmt: skip
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    connection.ensure_connection()
    text = "\n".join(connection.connection.iterdump())
    name = connection.settings_dict["NAME"]
    if isinstance(name, str) and os.path.isfile(name):  # also the file's raw pages
        with open(name, "rb") as handle:
            text += handle.read().decode("latin-1")
    return text


def test_closing_leaves_no_identifier_in_a_dump_the_logs_or_the_email(settings, tmp_path, caplog):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    if not User.objects.filter(email=PERSONA_EMAILS["admin"]).exists():
        build_personas()
    personas = load_personas()
    caplog.set_level(logging.DEBUG)
    audit = make_audit(personas, state="returns_open", children=3)

    # People entitled to them look at the identifiers, through the page.
    client = sign_in(Client(), personas.police)
    child = audit.cases.get(reference="Child B")
    page = client.post(f"/audits/{audit.pk}/children/{child.pk}/identifiers/")
    assert synthetic_name(1) in page.content.decode()

    # An auditor slips the child's name and case number into free text.
    ret = Return.objects.get(audit=audit, child=child, organisation=personas.police_org)
    ret = return_save(
        actor=personas.police, ip=None, ret=ret, answers={},
        free_text={"good_practice": f"{synthetic_name(1).split()[0]} was seen alone at school",
                   "what_needs_to_happen": f"Record {synthetic_case_number(1)} on the plan"},
        version=ret.version, autosave=True,
    )  # fmt: skip

    for _ in range(2):  # returns_open -> panel -> reporting
        audit = Audit.objects.get(pk=audit.pk)
        sign_in(Client(), personas.admin).post(
            f"/audits/{audit.pk}/move-on/", {"version": audit.version}
        )
    audit = advance(personas, audit)  # published (with a stand-in briefing)
    assert audit.state == "published"
    with pytest.raises(IdentifiersInFreeText) as refused:
        audit_close(actor=personas.admin, ip=None, audit=audit, version=audit.version)
    assert len(refused.value.hits) == 2

    # The auditor cannot edit once returns close: the admin corrects the text in place. The
    # saved version that held the name is deleted by the close itself.
    Return.objects.filter(pk=ret.pk).update(
        good_practice="The child was seen alone at school",
        what_needs_to_happen="Record the case number on the plan",
    )
    closing = sign_in(Client(), personas.admin).post(
        f"/audits/{audit.pk}/move-on/", {"version": audit.version}
    )
    assert closing.status_code == 302
    assert Audit.objects.get(pk=audit.pk).state == "closed"
    assert not list((tmp_path / "keys").glob(f"audit-{audit.pk}.key"))

    dump = database_dump()
    logs = "\n".join(record.getMessage() for record in caplog.records)
    emails = "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)
    for needle in NEEDLES:
        assert needle not in dump, f"{needle} is still in the database dump"
        assert needle not in logs, f"{needle} is in the logs"
        assert needle not in emails, f"{needle} is in an email"
    assert "Child B" in dump  # the pseudonymous reference stays: the dump really is the audit's
