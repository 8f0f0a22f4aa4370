"""`maqa check-database`: a database made by an earlier layout is named, with what to do."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from maqa.core.database import stale_migrations


def test_it_passes_a_database_made_by_this_versions_migrations(db, capsys):
    call_command("check_database")

    assert stale_migrations() == []
    assert "match this version" in capsys.readouterr().out


def test_it_names_migrations_that_no_longer_exist_and_says_to_reset(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["audits", "0004_audit_reaudit_of", "2026-11-01 00:00:00+00:00"],
        )

    assert stale_migrations() == [("audits", "0004_audit_reaudit_of")]
    with pytest.raises(CommandError) as refused:
        call_command("check_database")
    assert "audits.0004_audit_reaudit_of" in str(refused.value)
    assert "make reset-demo" in str(refused.value)
