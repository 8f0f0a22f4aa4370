"""How fast the learning search is over a large partnership's history.

    python bench/search.py                                  # SQLite, then PostgreSQL
    python bench/search.py --backend sqlite --findings 50000 --searches 200
    python bench/search.py --backend postgresql --database-url postgres://postgres@127.0.0.1:5432/maqa_bench_search

The issue's target: under 200 ms at p95 over 50,000 findings (`maqa bench-data --findings
50000`), on SQLite and on PostgreSQL.

For each backend, in a process of its own: the database (a SQLite file under ``--var-dir``, or
the PostgreSQL database named in ``--database-url``, created if missing) gets the history `maqa
bench-data --findings N` builds, unless it already holds it (``--fresh`` builds it again); the
triggers index every row as bench-data's bulk inserts write it. Then it times:

  index rebuild   maqa.search.schema.rebuild: the whole index again from the sources
  searches        ``--searches`` searches (default 200) through maqa.search.services.search_run,
                  what the page and `maqa search` call (the search, its excerpts, its results
                  and its audit event), from a fixed mix: one word, two words, a quoted phrase,
                  and each with a filter (theme, polarity, year or agency), as the partnership
                  admin, the board (a viewer) and an agency auditor.

p50, p95 and max in milliseconds per kind of query and overall, against the 200 ms target.
Nothing fails on timing: the exit status is 0 unless something broke. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

TARGET_MS = 200.0
SLUG = "benchsearch"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/maqa_bench_search"

WORDS = [
    "fathers", "voice", "neglect", "chronology", "escalation", "supervision", "curiosity",
    "assessment", "school", "police", "health", "attendance", "housing", "substance", "mental",
    "plan", "risk", "consent", "disability", "threshold",
]  # fmt: skip
PAIRS = [
    "fathers seen", "child voice", "risk assessment", "strategy discussion", "health visitor",
    "domestic abuse", "early help", "step down", "information sharing", "core group",
]  # fmt: skip
PHRASES = [
    '"strategy discussion"', '"domestic abuse"', '"early help"', '"information sharing"',
    '"core group"', '"health visitor"', '"lived experience"', '"risk assessment"',
]  # fmt: skip


def _set_environment(var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MAQA_VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory, which skews the figures
    os.environ["MAQA_DEV_SECRETS"] = "true"
    os.environ["MAQA_MANIFEST_STATIC"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(50))


def _ensure_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)._replace(scheme="postgresql")
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _line(label: str, times: list[float]) -> str:
    p95 = _percentile(times, 95)
    mark = "under" if p95 < TARGET_MS else "OVER"
    return (
        f"  {label:<30} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {max(times):7.1f} ms   ({len(times)} searches; p95 {mark} {TARGET_MS:.0f} ms)"
    )


Search = tuple[str, str, dict[str, Any]]


def _mix(
    rng: random.Random, n: int, themes: list[str], agencies: list[int], years: list[int]
) -> list[Search]:
    """(label, query, filters) for n searches: a third each of words, pairs and phrases, half of
    them with a filter."""
    out: list[Search] = []
    for i in range(n):
        kind = ("one word", "two words", "phrase")[i % 3]
        query = rng.choice({"one word": WORDS, "two words": PAIRS, "phrase": PHRASES}[kind])
        filters: dict[str, Any] = {}
        if i % 2:
            which = rng.choice(("theme", "polarity", "year", "agency"))
            choices: dict[str, dict[str, Any]] = {
                "theme": {"themes": [rng.choice(themes)]},
                "polarity": {"polarity": rng.choice(["concern", "strength", "action"])},
                "year": {"year": rng.choice(years)},
                "agency": {"agency": rng.choice(agencies)},
            }
            filters = choices[which]
            kind += f" + {which}"
        out.append((kind, query, filters))
    return out


def run_one(args: argparse.Namespace) -> None:
    """Build (or reuse) the history in this process's database and time the searches."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connection

    from maqa.accounts.models import User
    from maqa.demo.benchdata import bench_data_build
    from maqa.demo.history import HistorySize
    from maqa.findings.models import Finding, Theme
    from maqa.organisations.models import Organisation, Partnership
    from maqa.search import schema, semantic
    from maqa.search.models import DocumentEmbedding
    from maqa.search.selectors import search_mode
    from maqa.search.services import search_run

    # Full text unless --semantic (then the maqa[ml] extra must be installed).
    settings.MAQA_SEARCH_SEMANTIC = args.semantic
    if args.semantic and semantic.unavailable_reason():
        raise SystemExit(f"--semantic: {semantic.unavailable_reason()}")
    call_command("migrate", verbosity=0)
    partnership = Partnership.objects.filter(slug=SLUG).first()
    have = Finding.objects.filter(audit__partnership=partnership).count() if partnership else 0
    db: Any = connection
    version = (
        f"SQLite {db.Database.sqlite_version}"
        if db.vendor == "sqlite"
        else f"PostgreSQL {db.pg_version}"
    )
    print(f"maqa search benchmark on {version}; Python {platform.python_version()}; "
          f"{os.cpu_count()} CPUs; {platform.machine()}")  # fmt: skip
    if args.fresh or have != args.findings:
        started = time.perf_counter()
        bench_data_build(
            slug=SLUG, name="Search Bench Partnership",
            size=HistorySize(audits=args.audits, findings=args.findings, answers=args.answers,
                             years=10),
            seed=1, replace=partnership is not None, password=None,
        )  # fmt: skip
        print(f"  history built by bench-data (indexed by the triggers as it went) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    else:
        print("  history reused (already in the database)")
    partnership = Partnership.objects.get(slug=SLUG)
    findings = Finding.objects.filter(audit__partnership=partnership).count()
    started = time.perf_counter()
    documents = schema.rebuild(connection)
    print(f"  index rebuild: {documents} documents in {time.perf_counter() - started:.1f} s "
          f"({findings} findings of this partnership)")  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    if args.semantic:
        model = semantic.embedder()
        print(f"  model loaded in {model.load_seconds:.1f} s ({model.describe()})")
        if args.fresh_embeddings:
            DocumentEmbedding.objects.all().delete()
        report = semantic.fill()
        print(f"  embeddings filled: {report.embedded} of {report.documents} documents in "
              f"{report.seconds:.1f} s ({report.seconds / max(report.embedded, 1) * 1000:.1f} "
              "ms each)")  # fmt: skip
        started = time.perf_counter()
        vectors = semantic.stored_vectors()
        print(f"  {len(vectors.keys)} vectors read into memory in "
              f"{time.perf_counter() - started:.2f} s")  # fmt: skip
        wanted = semantic.embedder().embed(["fathers"])[0]
        times = []
        for _ in range(20):
            started = time.perf_counter()
            vectors.matrix @ wanted
            times.append((time.perf_counter() - started) * 1000)
        print(f"  one query against every vector ({vectors.matrix.shape[0]} x "
              f"{vectors.matrix.shape[1]} float32): median {statistics.median(times):.1f} ms")  # fmt: skip
    people = {
        "admin": User.objects.get(email=f"admin@{SLUG}.test"),
        "board": User.objects.get(email=f"board@{SLUG}.test"),
        "auditor": User.objects.get(email=f"police@{SLUG}.test"),
    }
    themes = list(
        Theme.objects.filter(partnership=partnership, parent__isnull=True).values_list(
            "slug", flat=True
        )
    )
    agencies = list(
        Organisation.objects.filter(partnership=partnership).values_list("pk", flat=True)
    )
    years = sorted({d.year for d in partnership.audits.values_list("panel_date", flat=True)})
    rng = random.Random(args.seed)
    mix = _mix(rng, args.searches, themes, agencies, years)
    print(f"  mode: {search_mode()}; {args.searches} searches, each as admin, board and auditor")
    for person in people.values():  # warm-up: imports, caches, the first plans
        search_run(actor=person, ip=None, query="fathers", channel="bench")
    by_label: dict[str, list[float]] = defaultdict(list)
    by_person: dict[str, list[float]] = defaultdict(list)
    cpu: list[float] = []
    totals: list[int] = []
    load_before = os.getloadavg()[0]
    for label, query, filters in mix:
        for who, person in people.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            results = search_run(actor=person, ip=None, query=query, channel="bench", **filters)
            took = (time.perf_counter() - started) * 1000
            cpu.append((time.process_time() - cpu_started) * 1000)
            by_label[label.split(" + ")[0] if "+" not in label else "with a filter"].append(took)
            by_person[who].append(took)
            totals.append(results.total)
    everything = [t for times in by_person.values() for t in times]
    print(_line("all searches", everything))
    for who, times in by_person.items():
        print(_line(f"as {who}", times))
    for label, times in sorted(by_label.items()):
        print(_line(label, times))
    print(f"  results per search: median {statistics.median(totals):.0f}, max {max(totals)}")
    # Wall time above; CPU time of this process below. On SQLite that is the whole search but
    # the disk (the audit event's commit); on PostgreSQL the server's share is not in it. On a
    # loaded machine the CPU time says what the search costs, the wall time what it waited.
    print(
        f"  CPU time of this process per search: p50 {statistics.median(cpu):.1f} ms, "
        f"p95 {_percentile(cpu, 95):.1f} ms"
    )
    print(
        f"  load average (1 min) before / after the searches: {load_before:.2f} / "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--database-url", default=DEFAULT_PG, help=f"PostgreSQL ({DEFAULT_PG})")
    parser.add_argument(
        "--var-dir", default=str(Path(tempfile.gettempdir()) / "maqa-bench-search"),
        help="where the SQLite file and the generated secrets live (kept, for reuse)",
    )  # fmt: skip
    parser.add_argument("--findings", type=int, default=50000)
    parser.add_argument("--audits", type=int, default=200)
    parser.add_argument("--answers", type=int, default=20000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="build the history again")
    parser.add_argument(
        "--semantic", action="store_true",
        help="match by meaning too (needs maqa[ml]): fill the embeddings first, timed",
    )  # fmt: skip
    parser.add_argument(
        "--fresh-embeddings", action="store_true", help="with --semantic: embed everything again"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    var_dir = Path(args.var_dir)
    if args.child:
        run_one(args)
        return 0
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        env = dict(os.environ)
        child_var = var_dir / backend
        child_var.mkdir(parents=True, exist_ok=True)
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{child_var / 'bench.sqlite3'}"
        else:
            _ensure_pg_database(args.database_url)
            env["DATABASE_URL"] = args.database_url
        command = [sys.executable, __file__, "--child", *(argv or sys.argv[1:])]
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        _set_environment(child_var)
        child_env = dict(os.environ)
        os.environ.clear()
        os.environ.update(saved)
        done = subprocess.run(command, env=child_env, check=False)  # noqa: S603
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
