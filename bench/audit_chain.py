"""What the audit trail's HMAC chain costs a write, alone and under concurrent load.

    python bench/audit_chain.py [--writers 1,2,4,8] [--events 200] [--single 1000] [--rounds 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/audit_chain.py

Runs in a throwaway database: a temporary SQLite file by default, or, when DATABASE_URL names a
PostgreSQL server, a temporary database (maqa_bench_<pid>) created on that server and dropped
afterwards. It never touches the developer's var/ or database. See bench/README.md.

It measures
  (a) one writer appending events through ``audit_record`` (head row locked, HMAC computed);
  (b) the same number of comparable AuditEvent rows saved one by one without the chain (dummy
      HMAC, no head lock), the baseline the chain's extra cost is measured against;
  (c) K writer processes, each with its own connection, appending M events each at the same time,
      through ``audit_record`` and, as a baseline, as plain inserts; errors are counted;
  (d) ``verify_chain`` over the resulting chain.
It exits with status 1 if any write failed or the chain does not verify afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

DUMMY_HMAC = "d" * 64
PLAIN_SEQ_BASE = 10**12  # plain (unchained) rows live far above the chain and are deleted after
WARM_UP = 20


# Environment and the throwaway database ----------------------------------------------------


def _is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


def _set_environment(var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MAQA_VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory, which skews the figures
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(50))


@contextmanager
def throwaway_database(var_dir: Path) -> Iterator[str]:
    """Point DATABASE_URL at a new, empty database for the duration; describe it."""
    server_url = os.environ.get("DATABASE_URL", "")
    if not _is_postgres(server_url):
        path = var_dir / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        yield f"SQLite file {path}"
        return

    from psycopg import sql

    name = f"maqa_bench_{os.getpid()}"
    parts = urlsplit(server_url)
    with _admin_connection(server_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield f"PostgreSQL database {name} on {parts.hostname}:{parts.port or 5432}"
    finally:
        os.environ["DATABASE_URL"] = server_url
        with _admin_connection(server_url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _admin_connection(server_url: str) -> Any:
    """A connection for CREATE/DROP DATABASE: to the server's ``postgres`` database, as Django
    does for test databases (DATABASE_URL's own database need not exist), else to that one."""
    import psycopg

    parts = urlsplit(server_url)._replace(scheme="postgresql")
    try:
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(urlunsplit(parts), autocommit=True)


def _setup_django() -> None:
    import django

    django.setup()


# Writing events ----------------------------------------------------------------------------


def _content(i: int) -> dict[str, Any]:
    """What a typical event holds: a changed case with a small summary of its changes."""
    return {
        "object_type": "reviews.case",
        "object_id": str(10_000 + i),
        "object_label": f"Case {10_000 + i}: multi-agency audit of a referral",
        "summary": {"status": ["draft", "submitted"], "grading": [None, "good"], "n": i},
    }


def write_chained(i: int, seq: int) -> None:
    from maqa.core.models import AuditEvent
    from maqa.core.services import audit_record

    audit_record(action=AuditEvent.Action.CHANGED, actor=None, ip="192.0.2.10", **_content(i))


def write_plain(i: int, seq: int) -> None:
    """The same row saved on its own: no head lock, no HMAC (a precomputed dummy)."""
    from django.utils import timezone

    from maqa.core.models import AuditEvent

    AuditEvent(
        seq=seq,
        at=timezone.now(),
        action=AuditEvent.Action.CHANGED,
        ip_address="192.0.2.10",
        prev_hmac=DUMMY_HMAC,
        hmac=DUMMY_HMAC,
        **_content(i),
    ).save(force_insert=True)


WRITERS: dict[str, Callable[[int, int], None]] = {"chain": write_chained, "plain": write_plain}


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds, successful writes only
    errors: Counter[str] = field(default_factory=Counter)


def run_writes(kind: str, count: int, seq_base: int) -> Run:
    from django.db import connection

    write = WRITERS[kind]
    run = Run()
    for i in range(count):
        started = time.perf_counter()
        try:
            write(i, seq_base + i)
        except Exception as exc:  # counted and reported, not hidden
            run.errors[f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"] += 1
            if connection.needs_rollback or not connection.is_usable():
                connection.close()
            continue
        run.latencies.append(time.perf_counter() - started)
    return run


def _worker(pipe: Connection) -> None:
    """A writer process: its own Django and database connection, told what to write."""
    _setup_django()
    from django.db import connection

    connection.ensure_connection()
    pipe.send("ready")
    while True:
        message = pipe.recv()
        if message is None:
            break
        kind, count, seq_base = message
        pipe.send(run_writes(kind, count, seq_base))
    connection.close()


class Pool:
    """Writer processes started once (spawned, so each sets up Django and connects afresh)."""

    def __init__(self, size: int) -> None:
        context = mp.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[Any] = []
        for _ in range(size):
            parent, child = context.Pipe()
            process = context.Process(target=_worker, args=(child,), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        for pipe in self.pipes:
            if pipe.recv() != "ready":
                raise RuntimeError("a writer process failed to start")

    def run(self, kind: str, writers: int, count: int, seq_base: int) -> tuple[float, Run]:
        """``writers`` processes write ``count`` events each, all at once; wall time and results."""
        started = time.perf_counter()
        for n, pipe in enumerate(self.pipes[:writers]):
            pipe.send((kind, count, seq_base + n * 10**9))
        runs = [pipe.recv() for pipe in self.pipes[:writers]]
        wall = time.perf_counter() - started
        total = Run()
        for run in runs:
            total.latencies.extend(run.latencies)
            total.errors.update(run.errors)
        return wall, total

    def close(self) -> None:
        for pipe in self.pipes:
            with suppress(OSError):  # a writer that already died
                pipe.send(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()


# Figures -----------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    events: int
    wall: float
    run: Run

    @property
    def rate(self) -> float:
        return len(self.run.latencies) / self.wall if self.wall else 0.0

    def ms(self, which: str) -> float:
        values = self.run.latencies
        if not values:
            return float("nan")
        if which == "mean":
            return statistics.fmean(values) * 1000
        if which == "max":
            return max(values) * 1000
        if len(values) == 1:
            return values[0] * 1000
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return cuts[{"p50": 49, "p95": 94}[which]] * 1000


HEADER = (
    f"{'':36} {'events':>7} {'wall s':>7} {'events/s':>9} {'mean ms':>8} {'p50 ms':>7} "
    f"{'p95 ms':>7} {'max ms':>7} {'errors':>6}"
)


def _print_row(row: Row) -> None:
    print(
        f"{row.label:36} {row.events:>7} {row.wall:>7.2f} {row.rate:>9.0f} {row.ms('mean'):>8.2f} "
        f"{row.ms('p50'):>7.2f} {row.ms('p95'):>7.2f} {row.ms('max'):>7.2f} "
        f"{sum(row.run.errors.values()):>6}",
        flush=True,
    )


def _print_cost(plain: Row, chain: Row) -> None:
    extra = chain.ms("mean") - plain.ms("mean")
    ratio = chain.ms("mean") / plain.ms("mean") if plain.ms("mean") else float("nan")
    print(f"{'':36}   chain cost: {extra:+.2f} ms a write ({ratio:.2f}x the plain insert)")


def _database_details() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
            import sqlite3

            return (
                f"SQLite {sqlite3.sqlite_version} (journal_mode={journal}, "
                f"synchronous={synchronous}, transaction_mode=IMMEDIATE)"
            )
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
        return f"PostgreSQL {version} (synchronous_commit={sync})"


def _delete_plain_rows() -> None:
    from maqa.core.models import AuditEvent

    AuditEvent.objects.filter(seq__gte=PLAIN_SEQ_BASE).delete()


def _merge(into: Run, run: Run) -> None:
    into.latencies.extend(run.latencies)
    into.errors.update(run.errors)


def alternate(
    measure: Callable[[str, int], tuple[float, Run]], count: int, rounds: int
) -> tuple[Row, Row]:
    """Plain inserts and chained writes, ``count`` of each, in alternating rounds, so that the
    disk's and the server's moods fall on both alike. Plain rows are deleted as they go."""
    walls = {"plain": 0.0, "chain": 0.0}
    runs = {"plain": Run(), "chain": Run()}
    per_round = [count // rounds + (1 if r < count % rounds else 0) for r in range(rounds)]
    for n in per_round:
        if not n:
            continue
        for kind in ("plain", "chain"):
            wall, run = measure(kind, n)
            walls[kind] += wall
            _merge(runs[kind], run)
        _delete_plain_rows()
    return (
        Row("plain insert", count, walls["plain"], runs["plain"]),
        Row("audit_record", count, walls["chain"], runs["chain"]),
    )


def _single(kind: str, count: int) -> tuple[float, Run]:
    started = time.perf_counter()
    run = run_writes(kind, count, PLAIN_SEQ_BASE)
    return time.perf_counter() - started, run


def benchmark(args: argparse.Namespace, where: str) -> bool:
    from django.core.management import call_command
    from django.db import connections

    from maqa.core.audit_chain import compute_hmac, verify_chain
    from maqa.core.models import AuditEvent

    call_command("migrate", verbosity=0, interactive=False)
    print(f"maqa audit chain benchmark, {date.today().isoformat()}")
    print(f"  database: {_database_details()}")
    print(f"  throwaway: {where}")
    print(
        f"  machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(f"  sizes: single={args.single}, writers={args.writers}, events per writer={args.events}")

    # Warm up connections, caches and code paths; the warm-up chain events stay in the chain.
    run_writes("chain", WARM_UP, 0)
    run_writes("plain", WARM_UP, PLAIN_SEQ_BASE)
    _delete_plain_rows()

    probe = AuditEvent.objects.order_by("-seq").first()
    assert probe is not None
    loops = 20_000
    started = time.perf_counter()
    for _ in range(loops):
        compute_hmac(probe, probe.prev_hmac)
    hmac_us = (time.perf_counter() - started) / loops * 1e6

    ok = True
    errors: Counter[str] = Counter()
    written = WARM_UP

    print()
    print(HEADER)
    plain, chain = alternate(_single, args.single, args.rounds)
    plain.label, chain.label = "(b) one writer, plain insert", "(a) one writer, audit_record"
    _print_row(plain)
    _print_row(chain)
    _print_cost(plain, chain)
    print(f"{'':36}   of which computing the HMAC: {hmac_us:.1f} µs")
    errors.update(plain.run.errors)
    errors.update(chain.run.errors)
    written += len(chain.run.latencies)

    connections.close_all()  # the writer processes open their own
    pool = Pool(max(args.writers))
    try:
        for writers in args.writers:

            def concurrent(kind: str, count: int, writers: int = writers) -> tuple[float, Run]:
                return pool.run(kind, writers, count, PLAIN_SEQ_BASE)

            plain, chain = alternate(concurrent, args.events, min(args.rounds, args.events))
            for row in (plain, chain):
                row.events *= writers
                row.label = f"(c) {writers} writer{'s' if writers > 1 else ''}, {row.label}"
                _print_row(row)
            _print_cost(plain, chain)
            errors.update(plain.run.errors)
            errors.update(chain.run.errors)
            written += len(chain.run.latencies)
    finally:
        pool.close()

    started = time.perf_counter()
    result = verify_chain()
    wall = time.perf_counter() - started
    print()
    print(
        f"(d) verify_chain: {result.checked} events in {wall:.2f} s, "
        f"{result.checked / wall:.0f} events/s"
    )

    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    if seqs != list(range(1, written + 1)):
        ok = False
        print(f"seqs are not 1..{written}: {len(seqs)} events, last #{seqs[-1] if seqs else 0}")
    if not result.ok:
        ok = False
    for message, count in errors.most_common():
        print(f"  error x{count}: {message}")
    if errors:
        ok = False
    state = "chain OK" if result.ok else f"chain BROKEN ({result.problem})"
    print(f"result: {state}, {result.checked} events, errors: {sum(errors.values())}")
    connections.close_all()
    return ok


def _writer_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("a number of writers, or a list like 1,2,4,8") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("writers must be at least 1")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument(
        "--writers",
        type=_writer_counts,
        default=[1, 2, 4, 8],
        help="concurrent writer processes for (c): one number, or a list (default 1,2,4,8)",
    )
    parser.add_argument(
        "--events", type=int, default=200, help="events each concurrent writer appends"
    )
    parser.add_argument(
        "--single", type=int, default=1000, help="events for the single-writer runs (a) and (b)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="alternate plain and chained writes in this many rounds (default 4)",
    )
    args = parser.parse_args(argv)
    if args.events < 1 or args.single < 2 or args.rounds < 1:
        parser.error("--events and --rounds must be at least 1, and --single at least 2")

    var_dir = Path(tempfile.mkdtemp(prefix="maqa-bench-"))
    _set_environment(var_dir)
    started = time.perf_counter()
    try:
        with throwaway_database(var_dir) as where:
            _setup_django()
            ok = benchmark(args, where)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"(took {time.perf_counter() - started:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
