"""The audit trail's HMAC chain catches someone who rewrites history with database access alone.

Every tamper here goes through the database the way such a person would: raw SQL, or queryset
``update()``/``delete()``, which bypass the model. Nothing forged is signed with the real key; where
a forged row needs a plausible-looking HMAC it is signed with a guessed key instead.

Tests use only the events they create and seqs relative to them; they never assume that the table
starts empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from maqa.core.audit_chain import GENESIS, Checkpoint, compute_hmac, verify_chain
from maqa.core.models import AuditChainHead, AuditEvent
from maqa.core.services import audit_record
from maqa.testing.personas import Personas

BASE_DIR = Path(__file__).resolve().parents[3]
WRONG_KEY = "a-guess-at-the-key-by-someone-with-only-the-database"


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def _record(personas: Personas, count: int, **extra: Any) -> list[AuditEvent]:
    """Append ``count`` events as the personas would; return them in order."""
    people = [personas.admin, personas.police, personas.health]
    return [
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=people[i % len(people)],
            ip="192.0.2.10",
            object_type="reviews.case",
            object_id=str(1000 + i),
            object_label=f"Case {1000 + i}",
            summary={"status": ["draft", "submitted"], "n": i},
            **extra,
        )
        for i in range(count)
    ]


def _raw(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _shift_up_from(seq: int) -> None:
    """Move every event at ``seq`` or later up by one, last first (seq is unique)."""
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq FROM {table} WHERE seq >= %s ORDER BY seq DESC", [seq])
        for (each,) in cursor.fetchall():
            cursor.execute(f"UPDATE {table} SET seq = seq + 1 WHERE seq = %s", [each])


def _insert_forged(seq: int, after: AuditEvent, mac: str, **content: Any) -> None:
    """INSERT a row at ``seq`` chained to ``after``, with the given (forged) HMAC, by raw SQL."""
    values = {
        "seq": seq,
        "at": after.at + timedelta(seconds=1),
        "partnership_id": after.partnership_id,
        "actor_id": after.actor_id,
        "actor_label": after.actor_label,
        "ip_address": after.ip_address,
        "action": AuditEvent.Action.EXPORTED.value,
        "object_type": "reviews.case",
        "object_id": "999",
        "object_label": "Case 999",
        "summary": {"format": "csv"},
        "prev_hmac": after.hmac,
        "hmac": mac,
        **content,
    }
    fields = {f.attname: f for f in AuditEvent._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in values)
    params = [fields[name].get_db_prep_save(v, connection) for name, v in values.items()]
    placeholders = ", ".join(["%s"] * len(values))
    _raw(f"INSERT INTO {_table()} ({columns}) VALUES ({placeholders})", params)


def _forge_event(seq: int, after: AuditEvent, **content: Any) -> AuditEvent:
    """An unsaved event at ``seq`` after ``after``, as the forger would like it to read."""
    forged = AuditEvent(
        seq=seq,
        at=after.at + timedelta(seconds=1),
        partnership_id=after.partnership_id,
        actor_id=after.actor_id,
        actor_label=after.actor_label,
        ip_address=after.ip_address,
        action=AuditEvent.Action.EXPORTED,
        object_type="reviews.case",
        object_id="999",
        object_label="Case 999",
        summary={"format": "csv"},
        prev_hmac=after.hmac,
    )
    for name, value in content.items():
        setattr(forged, name, value)
    return forged


@pytest.fixture
def chain(personas: Personas) -> list[AuditEvent]:
    """Five fresh events at the end of the chain (whatever came before them)."""
    # A flushing (transactional) test elsewhere would also delete the head row the migration
    # created; put it back at the real end of the chain so these tests don't depend on order.
    last = AuditEvent.objects.order_by("-seq").first()
    AuditChainHead.objects.get_or_create(
        id=1,
        defaults={"seq": last.seq if last else 0, "hmac": last.hmac if last else GENESIS},
    )
    assert verify_chain().ok, "the chain was already broken before this test"
    return _record(personas, 5)


# An untouched chain ------------------------------------------------------------------------


def test_it_verifies_an_untouched_chain_and_counts_its_events(chain):
    result = verify_chain()

    assert result.ok
    assert result.problem is None
    assert result.checked == AuditEvent.objects.count()
    assert result.checked >= len(chain)
    assert result.head == Checkpoint(chain[-1].seq, chain[-1].hmac)


def test_it_assigns_consecutive_seqs_each_chained_to_the_one_before(chain, personas):
    more = _record(personas, 3)
    events = chain + more

    assert [e.seq for e in events] == list(range(chain[0].seq, chain[0].seq + len(events)))
    for before, after in pairwise(events):
        assert after.prev_hmac == before.hmac
    stored = list(AuditEvent.objects.filter(seq__gte=chain[0].seq).order_by("seq"))
    assert [(e.seq, e.prev_hmac, e.hmac) for e in stored] == [
        (e.seq, e.prev_hmac, e.hmac) for e in events
    ]
    head = AuditChainHead.objects.get(id=1)
    assert (head.seq, head.hmac) == (events[-1].seq, events[-1].hmac)


def test_it_signs_each_event_over_its_content_and_the_previous_hmac(chain):
    stored = AuditEvent.objects.get(seq=chain[2].seq)

    assert stored.hmac == compute_hmac(stored, chain[1].hmac)
    assert stored.hmac != compute_hmac(stored, chain[0].hmac)
    assert len(stored.hmac) == 64


def test_it_starts_the_chain_from_the_genesis_value(chain):
    first = AuditEvent.objects.order_by("seq").first()

    assert first is not None
    assert first.seq == 1
    assert first.prev_hmac == GENESIS


def test_it_leaves_the_chain_whole_when_the_callers_transaction_rolls_back(chain, personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditEvent.Action.VIEWED, actor=personas.admin, summary={"x": 1})
        raise RuntimeError("the caller's work failed")

    after = audit_record(action=AuditEvent.Action.VIEWED, actor=personas.admin)

    assert after.seq == chain[-1].seq + 1
    assert after.prev_hmac == chain[-1].hmac
    assert verify_chain().ok


def test_it_verifies_system_events_without_an_actor_or_address(chain):
    audit_record(action=AuditEvent.Action.EXPORTED, actor=None, summary={})

    assert verify_chain().ok


def test_it_verifies_summaries_with_nested_and_non_ascii_values(chain, personas):
    summary = {
        "note": ["", "Zoë's “café” — 東京 ✓"],
        "nested": {"b": [1, 2.5, None, True], "a": {"z": "y"}},
        "empty": {},
    }
    audit_record(action=AuditEvent.Action.CHANGED, actor=personas.panel, summary=summary)

    assert verify_chain().ok


@pytest.mark.parametrize(
    "ip",
    [
        "192.0.2.10",
        "2001:DB8:0:0::1",
        "2001:db8:0:0:1:0:0:1",
        "fe80::0001",
        "::1",
        "::ffff:192.0.2.1",
    ],
)
def test_it_verifies_events_from_addresses_the_database_writes_differently(chain, personas, ip):
    audit_record(action=AuditEvent.Action.SIGNED_IN, actor=personas.admin, ip=ip)

    assert verify_chain().ok


@pytest.mark.parametrize("ip", ["unknown", "192.0.2.10:51234", "[2001:db8::1]", ""])
def test_it_records_no_address_rather_than_one_that_is_not_an_address(chain, personas, ip):
    event = audit_record(action=AuditEvent.Action.SIGNED_IN, actor=personas.admin, ip=ip)

    assert AuditEvent.objects.get(pk=event.pk).ip_address is None
    assert verify_chain().ok


def test_it_verifies_a_summary_holding_a_large_float(chain, personas):
    audit_record(action=AuditEvent.Action.CHANGED, actor=personas.admin, summary={"n": 1e20})

    assert verify_chain().ok


# Altered events ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", {"status": ["draft", "withdrawn"], "n": 2}),
        ("actor_label", "someone.else@persona.test"),
        ("object_id", "2002"),
        ("action", AuditEvent.Action.VIEWED.value),
        ("ip_address", "198.51.100.7"),
    ],
)
def test_it_names_an_event_whose_content_was_updated_as_altered(chain, field, value):
    target = chain[2]
    AuditEvent.objects.filter(pk=target.pk).update(**{field: value})

    result = verify_chain()

    assert not result.ok
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("altered", target.seq)
    assert f"#{target.seq}" in result.problem.detail
    assert result.head == Checkpoint(chain[1].seq, chain[1].hmac)


def test_it_names_an_event_whose_summary_was_rewritten_by_raw_sql_as_altered(chain):
    target = chain[1]
    _raw(
        f"UPDATE {_table()} SET summary = %s WHERE seq = %s",
        [AuditEvent._meta.get_field("summary").get_db_prep_save({}, connection), target.seq],
    )

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", target.seq)


def test_it_names_an_event_whose_actor_label_was_rewritten_by_raw_sql_as_altered(chain):
    target = chain[3]
    _raw(f"UPDATE {_table()} SET actor_label = %s WHERE seq = %s", ["nobody", target.seq])

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", target.seq)


def test_it_names_an_event_whose_time_was_moved_as_altered(chain):
    target = chain[2]
    AuditEvent.objects.filter(pk=target.pk).update(at=target.at - timedelta(days=3))

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", target.seq)


def test_it_names_an_event_whose_time_moved_by_a_microsecond_as_altered(chain):
    target = chain[2]
    AuditEvent.objects.filter(pk=target.pk).update(at=target.at + timedelta(microseconds=1))

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", target.seq)


def test_it_catches_an_event_whose_prev_hmac_alone_was_changed(chain):
    target = chain[2]
    AuditEvent.objects.filter(pk=target.pk).update(prev_hmac="f" * 64)

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", target.seq)


def test_it_catches_an_altered_event_re_signed_with_a_guessed_key(chain):
    target = AuditEvent.objects.get(pk=chain[2].pk)
    target.summary = {"status": ["draft", "withdrawn"]}
    forged_mac = compute_hmac(target, target.prev_hmac, key=WRONG_KEY)
    AuditEvent.objects.filter(pk=target.pk).update(summary=target.summary, hmac=forged_mac)

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", target.seq)


def test_it_names_the_last_event_as_altered_when_the_tail_is_edited(chain):
    AuditEvent.objects.filter(pk=chain[-1].pk).update(object_label="Something else")

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", chain[-1].seq)


def test_it_names_the_first_of_several_altered_events(chain):
    AuditEvent.objects.filter(pk__in=[chain[1].pk, chain[3].pk]).update(object_label="x")

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", chain[1].seq)


def test_it_catches_two_events_whose_seqs_were_swapped(chain):
    a, b = chain[1].seq, chain[2].seq
    parked = a + 10**9
    table = _table()
    _raw(f"UPDATE {table} SET seq = %s WHERE seq = %s", [parked, a])
    _raw(f"UPDATE {table} SET seq = %s WHERE seq = %s", [a, b])
    _raw(f"UPDATE {table} SET seq = %s WHERE seq = %s", [b, parked])

    problem = verify_chain().problem

    assert problem is not None
    assert problem.seq == a
    assert problem.kind in {"altered", "inserted", "deleted"}


def test_it_fails_every_event_when_verified_with_a_different_key(chain, settings):
    settings.AUDIT_HMAC_KEY = WRONG_KEY

    result = verify_chain()

    first = AuditEvent.objects.order_by("seq").values_list("seq", flat=True)[0]
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("altered", first)
    assert result.checked == 1


def test_it_keeps_the_key_out_of_the_database(chain, settings):
    key = settings.AUDIT_HMAC_KEY
    assert key

    with connection.cursor() as cursor:
        for model in (AuditEvent, AuditChainHead):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            assert not any(key in str(value) for row in cursor.fetchall() for value in row)


# Deleted events ----------------------------------------------------------------------------


def test_it_names_the_event_after_a_deleted_middle_event(chain):
    AuditEvent.objects.filter(pk=chain[2].pk).delete()

    result = verify_chain()

    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("deleted", chain[3].seq)
    assert f"#{chain[2].seq}" in result.problem.detail


def test_it_names_the_event_after_a_deleted_run_of_events_by_raw_sql(chain):
    _raw(f"DELETE FROM {_table()} WHERE seq IN (%s, %s)", [chain[1].seq, chain[2].seq])

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("deleted", chain[3].seq)


def test_it_catches_a_deletion_whose_gap_was_closed_by_renumbering(chain):
    gone = chain[2].seq
    table = _table()
    _raw(f"DELETE FROM {table} WHERE seq = %s", [gone])
    for later in chain[3:]:
        _raw(f"UPDATE {table} SET seq = seq - 1 WHERE seq = %s", [later.seq])

    problem = verify_chain().problem

    assert problem is not None
    assert problem.seq == gone  # the event that now sits there was signed as the next one
    assert problem.kind in {"altered", "deleted"}


# Inserted events ---------------------------------------------------------------------------


def test_it_names_a_forged_event_inserted_in_the_middle(chain):
    before = chain[1]
    at = before.seq + 1
    forged = _forge_event(at, before)
    _shift_up_from(at)
    _insert_forged(at, before, compute_hmac(forged, before.hmac, key=WRONG_KEY))

    result = verify_chain()

    assert AuditEvent.objects.filter(seq__gte=chain[0].seq).count() == len(chain) + 1
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("inserted", at)
    assert f"#{at}" in result.problem.detail
    assert result.head == Checkpoint(before.seq, before.hmac)


def test_it_names_a_forged_event_inserted_right_after_the_first_event(chain):
    before = chain[0]
    at = before.seq + 1
    _shift_up_from(at)
    _insert_forged(at, before, "0" * 64)

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("inserted", at)


def test_it_catches_a_forged_event_appended_after_the_head(chain):
    last = chain[-1]
    forged = _forge_event(last.seq + 1, last)
    _insert_forged(last.seq + 1, last, compute_hmac(forged, last.hmac, key=WRONG_KEY))

    problem = verify_chain().problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", last.seq + 1)


def test_it_catches_an_inserted_copy_of_a_real_event(chain):
    """A replayed row, HMAC and all, still fails: the seq and previous HMAC are signed too."""
    before, copied = chain[1], chain[3]
    at = before.seq + 1
    _shift_up_from(at)
    _insert_forged(
        at,
        before,
        copied.hmac,
        at=copied.at,
        actor_id=copied.actor_id,
        actor_label=copied.actor_label,
        action=copied.action,
        object_type=copied.object_type,
        object_id=copied.object_id,
        object_label=copied.object_label,
        summary=copied.summary,
        prev_hmac=copied.prev_hmac,
    )

    problem = verify_chain().problem

    assert problem is not None
    assert problem.seq == at


# Truncation and checkpoints ----------------------------------------------------------------


def test_it_passes_a_truncated_tail_without_a_checkpoint_but_not_with_one(chain):
    checkpoint = verify_chain().head
    assert checkpoint == Checkpoint(chain[-1].seq, chain[-1].hmac)
    AuditEvent.objects.filter(seq__gte=chain[3].seq).delete()

    plain = verify_chain()
    checked = verify_chain(checkpoint)

    assert plain.ok
    assert plain.head == Checkpoint(chain[2].seq, chain[2].hmac)
    assert checked.problem is not None
    assert (checked.problem.kind, checked.problem.seq) == ("truncated", chain[-1].seq)
    assert f"#{chain[2].seq}" in checked.problem.detail


def test_it_catches_a_truncated_tail_against_an_older_checkpoint(chain, personas):
    checkpoint = Checkpoint(chain[2].seq, chain[2].hmac)
    _record(personas, 2)
    _raw(f"DELETE FROM {_table()} WHERE seq >= %s", [chain[1].seq])

    problem = verify_chain(checkpoint).problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("truncated", chain[2].seq)


def test_it_verifies_against_a_checkpoint_that_more_events_have_followed(chain, personas):
    checkpoint = verify_chain().head
    _record(personas, 3)

    result = verify_chain(checkpoint)

    assert result.ok
    assert result.head is not None
    assert result.head.seq == chain[-1].seq + 3


def test_it_catches_a_checkpoint_whose_hmac_differs(chain):
    checkpoint = Checkpoint(chain[3].seq, "a" * 64)

    problem = verify_chain(checkpoint).problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", chain[3].seq)
    assert "checkpoint" in problem.detail


def test_it_catches_a_tail_replaced_by_events_re_chained_with_a_guessed_key(chain):
    """Deleting the tail and writing new, self-consistent events still contradicts a checkpoint."""
    checkpoint = verify_chain().head
    AuditEvent.objects.filter(seq__gte=chain[3].seq).delete()
    prev = chain[2]
    for seq in (chain[3].seq, chain[4].seq):
        forged = _forge_event(seq, prev)
        mac = compute_hmac(forged, prev.hmac, key=WRONG_KEY)
        _insert_forged(seq, prev, mac)
        prev = AuditEvent.objects.get(seq=seq)

    problem = verify_chain(checkpoint).problem

    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", chain[3].seq)


def test_it_notices_a_deleted_tail_once_the_next_event_is_written(chain, personas):
    """The head row still names the deleted event, so the next event chains to it."""
    AuditEvent.objects.filter(seq__gte=chain[3].seq).delete()

    later = _record(personas, 1)[0]
    problem = verify_chain().problem

    assert later.seq == chain[-1].seq + 1
    assert problem is not None
    assert (problem.kind, problem.seq) == ("deleted", later.seq)


def test_it_parses_a_checkpoint_and_prints_it_back():
    mac = "ab" * 32

    checkpoint = Checkpoint.parse(f"  42:{mac.upper()}\n")

    assert checkpoint == Checkpoint(42, mac)
    assert str(checkpoint) == f"42:{mac}"


@pytest.mark.parametrize(
    "text", ["", "42", "42:", "x:" + "a" * 64, "-1:" + "a" * 64, "42:" + "a" * 63, "42;" + "a" * 64]
)
def test_it_rejects_a_malformed_checkpoint(text):
    with pytest.raises(ValueError, match="looks like"):
        Checkpoint.parse(text)


# The management command ----------------------------------------------------------------------


def _command(*args: str) -> str:
    out = StringIO()
    call_command("audit_trail", *args, stdout=out)
    return out.getvalue().strip()


def test_it_reports_an_untouched_chain_as_ok(chain):
    output = _command("verify")

    total = AuditEvent.objects.count()
    assert output == f"Audit trail OK: {total} events, head #{chain[-1].seq}."


def test_it_fails_the_command_naming_the_altered_event(chain):
    AuditEvent.objects.filter(pk=chain[2].pk).update(summary={"forged": True})

    with pytest.raises(CommandError, match=rf"altered: event #{chain[2].seq} was altered"):
        _command("verify")


def test_it_fails_the_command_naming_the_event_after_a_deletion(chain):
    AuditEvent.objects.filter(pk=chain[1].pk).delete()

    with pytest.raises(CommandError, match=rf"deleted: .*before event #{chain[2].seq}\b"):
        _command("verify")


def test_it_fails_the_command_naming_an_inserted_event(chain):
    at = chain[2].seq
    _shift_up_from(at)
    _insert_forged(at, chain[1], "0" * 64)

    with pytest.raises(CommandError, match=rf"inserted: event #{at} was inserted"):
        _command("verify")


def test_it_prints_a_checkpoint_that_verify_accepts(chain):
    printed = _command("checkpoint")

    assert Checkpoint.parse(printed) == Checkpoint(chain[-1].seq, chain[-1].hmac)
    assert _command("verify", "--checkpoint", printed).startswith("Audit trail OK:")
    assert _command("verify", f"--checkpoint={printed}").startswith("Audit trail OK:")


def test_it_fails_the_command_when_the_tail_after_a_checkpoint_was_deleted(chain):
    printed = _command("checkpoint")
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()

    assert _command("verify").startswith("Audit trail OK:")
    with pytest.raises(CommandError, match=rf"truncated: .*#{chain[-1].seq}\b"):
        _command("verify", "--checkpoint", printed)


def test_it_fails_the_command_when_the_checkpoint_hmac_differs(chain):
    with pytest.raises(CommandError, match="does not match the checkpoint"):
        _command("verify", "--checkpoint", f"{chain[1].seq}:{'c' * 64}")


@pytest.mark.parametrize("text", ["nonsense", "12", f"{'x'}:{'a' * 64}", "12:abc"])
def test_it_explains_a_malformed_checkpoint_option(chain, text):
    with pytest.raises(CommandError, match=r"A checkpoint looks like 1234:<64 hex characters>"):
        _command("verify", "--checkpoint", text)


def test_it_refuses_to_print_a_checkpoint_of_a_broken_chain(chain):
    AuditEvent.objects.filter(pk=chain[0].pk).update(object_id="0")

    with pytest.raises(CommandError, match=rf"broken.*#{chain[0].seq}\b"):
        _command("checkpoint")


def test_it_fails_the_command_under_a_different_key(chain, settings):
    settings.AUDIT_HMAC_KEY = WRONG_KEY

    with pytest.raises(CommandError, match="FAILED"):
        _command("verify")


# Concurrent writers --------------------------------------------------------------------------


@pytest.mark.slow
def test_it_keeps_the_chain_whole_when_writers_in_separate_processes_append_at_once(tmp_path):
    """bench/audit_chain.py in a throwaway database: 3 processes append at once; it exits non-zero
    unless every event was written, seqs are consecutive and the chain verifies."""
    env = {**os.environ, "MAQA_VAR_DIR": str(tmp_path)}
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)  # the bench then uses a temporary SQLite file
    # On PostgreSQL the bench creates (and drops) its own database on DATABASE_URL's server.
    completed = subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "bench" / "audit_chain.py"),
            "--writers=3",
            "--events=15",
            "--single=10",
        ],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "errors: 0" in completed.stdout
    assert "chain OK" in completed.stdout
