"""How fast the trends page and the board report's data are on a large partnership's history.

    python bench/trends.py [--audits 80] [--findings 8000] [--answers 50000] [--requests 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/trends.py

Makes a throwaway database (SQLite in a temporary directory, or, when DATABASE_URL is a
postgres:// URL, a database ``maqa_bench_trends_<pid>`` on that server, dropped afterwards),
builds the history `maqa bench-data --audits 80 --findings 8000 --answers 50000` builds (ten
years of a partnership's audits, with findings coded to themes, returns, agreed grades and
actions), signs its partnership admin in on a Django test Client and times:

  page          GET /trends/ (every selector, six charts from the chart cache, the template)
  page, period  GET /trends/?start=...&end=... (the last five years: other figures, other charts)
  page, no chart cache  GET /trends/ with the chart cache emptied before each request: what the
                first visitor after a change waits (every chart drawn again by matplotlib)
  trends_data   maqa.trends.selectors.trends_data alone
  board report data  maqa.reports.selectors.board_report_data (if that module is there), after
                one warm-up run, ``--report-requests`` times (default 10)

Each other one after a warm-up (``--warmup``, default 3), then ``--requests`` times (default 30):
p50, p95 and max of the wall time in milliseconds, against the issue's target of 500 ms at p95
for the page, and p50 and p95 of this process's CPU time (what the figures would be without
other work on the machine; it leaves out PostgreSQL's own time). The load average is printed.
Nothing fails on timing: the exit status is 0 unless something broke. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

TARGET_MS = 500.0


def _is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


def _set_environment(var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MAQA_VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory, which skews the figures
    os.environ["MAQA_DEV_SECRETS"] = "true"  # generated into the temporary directory
    os.environ["MAQA_MANIFEST_STATIC"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # the test Client speaks plain HTTP
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(50))


def _admin_connection(server_url: str) -> Any:
    import psycopg

    parts = urlsplit(server_url)._replace(scheme="postgresql")
    try:
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(urlunsplit(parts), autocommit=True)


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

    name = f"maqa_bench_trends_{os.getpid()}"
    parts = urlsplit(server_url)
    with _admin_connection(server_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield f"PostgreSQL database {name} on {parts.hostname}:{parts.port or 5432}"
    finally:
        from django.db import connections

        connections.close_all()
        os.environ["DATABASE_URL"] = server_url
        with _admin_connection(server_url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _time(
    label: str, run: Callable[[], object], *, warmup: int, requests: int, before: Any = None
) -> None:
    """Wall time, and this process's CPU time (on a busy machine the wall time includes waiting
    for a core; the CPU time is about what an idle machine would take, leaving out the time
    PostgreSQL's own process spends on the queries)."""
    for _ in range(warmup):
        if before:
            before()
        run()
    wall, cpu = [], []
    for _ in range(requests):
        if before:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    p95 = _percentile(wall, 95)
    mark = "under" if p95 < TARGET_MS else "OVER"
    print(
        f"  {label:<24} wall p50 {statistics.median(wall):6.0f} p95 {p95:6.0f} max "
        f"{max(wall):6.0f} ms | CPU p50 {statistics.median(cpu):6.0f} p95 "
        f"{_percentile(cpu, 95):6.0f} ms  ({requests} runs; wall p95 {mark} {TARGET_MS:.0f} ms)"
    )


def benchmark(args: argparse.Namespace, where: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection
    from django.test import Client

    from maqa.accounts.models import User
    from maqa.demo.benchdata import bench_data_build
    from maqa.demo.history import HistorySize
    from maqa.testing.personas import sign_in
    from maqa.trends import charts
    from maqa.trends.selectors import trends_data

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    result = bench_data_build(
        slug="bench",
        name="Bench Safeguarding Partnership",
        size=HistorySize(
            audits=args.audits, findings=args.findings, answers=args.answers, years=10
        ),
        seed=1,
        replace=False,
        password=None,
    )
    built = time.perf_counter() - started
    partnership = result.partnership
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in result.counts.items())
    print(f"maqa trends benchmark on {where}")
    version = getattr(connection, "pg_version", None) or sqlite3.sqlite_version
    print(
        f"  {connection.vendor} {version}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {platform.machine()}; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  history (bench-data, built in {built:.0f} s): {counts}")
    admin = User.objects.get(email=result.emails["Partnership admin"][0])
    client = Client()
    sign_in(client, admin)

    def page(query: str = "") -> Callable[[], object]:
        def get() -> object:
            response = client.get("/trends/" + query)
            if response.status_code != 200:
                raise SystemExit(f"/trends/{query} answered {response.status_code}")
            return response

        return get

    def clear_charts() -> None:
        for cached in (charts._recurrence_svg, charts._grades_svg, charts._self_vs_panel_svg,
                       charts._timeliness_svg, charts._actions_svg):  # fmt: skip
            cached.cache_clear()

    data = trends_data(partnership)
    years = data.years
    print(
        f"  on the page: {len(data.recurrence.audits)} agreed audits, "
        f"{len(data.recurrence.rows)} themes, {len(data.recurrence.callouts)} callouts, "
        f"{data.grades.total} agreed grades, {sum(r.compared for r in data.self_vs_panel)} "
        f"self-grades compared, {sum(r.total for r in data.timeliness)} returns, "
        f"{data.actions.total.total} actions; years {years[0]}-{years[-1]}"
    )
    started = time.perf_counter()
    page()()
    print(
        f"  first request (imports, charts drawn): {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    period = f"?start={years[-1] - 4}-01-01&end={years[-1]}-12-31"
    w, n = args.warmup, args.requests
    _time("page", page(), warmup=w, requests=n)
    _time("page, last five years", page(period), warmup=w, requests=n)
    _time("page, no chart cache", page(), warmup=1, requests=max(5, n // 3), before=clear_charts)
    _time("trends_data", lambda: trends_data(partnership), warmup=w, requests=n)
    try:
        from maqa.reports.selectors import board_report_data
    except ImportError:
        print("  board report data: maqa.reports.selectors.board_report_data is not there")
    else:
        _time(
            "board report data",
            lambda: board_report_data(partnership),
            warmup=1,
            requests=args.report_requests,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--audits", type=int, default=80)
    parser.add_argument("--findings", type=int, default=8000)
    parser.add_argument("--answers", type=int, default=50000)
    parser.add_argument("--requests", type=int, default=30, help="timed runs of each (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (3)")
    parser.add_argument(
        "--report-requests", type=int, default=10, help="timed runs of board_report_data (10)"
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup at least 0")
    var_dir = Path(tempfile.mkdtemp(prefix="maqa-bench-trends-"))
    _set_environment(var_dir)
    started = time.perf_counter()
    try:
        with throwaway_database(var_dir) as where:
            benchmark(args, where)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(
        f"(took {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
