"""Saving return answers under load: locust against gunicorn and PostgreSQL, on this machine.

    python bench/returns_load.py            # the full run: 5-minute soak, both step tests
    python bench/returns_load.py --quick    # a smoke run of about 4 minutes (figures not kept)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/returns_load.py

It creates a throwaway PostgreSQL database (maqa_bench_returns_<pid>) on the DATABASE_URL
server, builds an audit with returns open and one auditor per return (each signed in: a Django
session past two-factor, made on the server side), starts gunicorn on a free loopback port and
runs locust (bench/locustfile_returns.py) against it:

  (a) soak: 100 auditors for 5 minutes, each autosaving its own return every 30 +/- 5 s (each
      save changes one answer and sends the version it last got) and opening the return page
      every 60 s; p50 / p95 latency and errors;
  (b) step test: saves at a fixed rate, in steps (5, 10, 20, 30, 45, 70, 100, ... a second)
      until p95 passes 150 ms or a save fails; the highest step with p95 under 150 ms, no
      errors and the rate achieved;
  (c) the same step test against /healthz (a trivial Django view), the framework's ceiling on
      this machine, and the ratio of (b) to (c);
  (d) a check that every acknowledged save is in the database: each acknowledged version has
      its revision with exactly the content sent, each return ends at its last acknowledged save
      (or at a save sent but not acknowledged, which is reported), and the audit chain verifies.

It prints its own parameters and the figures, drops the database (even on failure) and exits
with status 1 if any acknowledged save is missing or differs. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

LOCUSTFILE = Path(__file__).resolve().with_name("locustfile_returns.py")
BIN = Path(sys.executable).parent  # the venv's bin: gunicorn and locust live beside python
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
FULL_STEPS = [5, 10, 20, 30, 45, 70, 100, 150, 220, 330, 500, 750, 1000, 1500, 2000, 3000]
QUICK_STEPS = [10, 20, 40, 80, 160, 320, 640, 1280, 2560]
AGENCIES = [
    ("Constabulary", "Police", "police"),
    ("Community Health", "Health", "health"),
    ("Social Care", "CSC", "local_authority"),
    ("Schools", "Education", "education"),
    ("Youth Justice Service", "YJS", "youth_justice"),
    ("Family Support", "Voluntary", "voluntary"),
    ("General Practice", "GP", "health"),
    ("Early Help", "Early Help", "local_authority"),
]
MAX_CHILDREN = 50  # the audit form's largest sample
SAMPLE_EVERY = 0.5  # seconds between samples of CPU and lock waits
# A request locust cut off itself: when a run ends, a user whose wait is just ending can be
# killed a moment after it sent its request (a race in locust's graceful stop). Not counted as
# an error or timed; such a save is "in doubt" and the check in (d) accounts for it.
INTERRUPTED = "interrupted"


# Environment and the throwaway database ----------------------------------------------------


def _is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def _admin_connection(server_url: str) -> Any:
    """A connection to the server's ``postgres`` database (else the URL's own), autocommit."""
    import psycopg

    parts = urlsplit(server_url)._replace(scheme="postgresql")
    try:
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(urlunsplit(parts), autocommit=True)


@contextmanager
def throwaway_database(server_url: str) -> Iterator[tuple[str, str]]:
    """A new, empty database on the server for the duration: (its URL, its name)."""
    from psycopg import sql

    name = f"maqa_bench_returns_{os.getpid()}"
    with _admin_connection(server_url) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}")), name
    finally:
        with _admin_connection(server_url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def bench_environment(tmp: Path, database_url: str) -> dict[str, str]:
    """The settings gunicorn and this script share (the same keys: sessions made here must be
    valid there, and the audit chain written there must verify here)."""
    from cryptography.fernet import Fernet

    var_dir = tmp / "var"
    (var_dir / "staticfiles").mkdir(parents=True)  # whitenoise warns about a missing one
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(50),
        "IDENTIFIER_KEYS": Fernet.generate_key().decode(),
        "MAQA_VAR_DIR": str(var_dir),
        "IDENTIFIER_KEYSTORE_DIR": str(var_dir / "keys"),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "MAQA_MANIFEST_STATIC": "false",
        "LOG_LEVEL": "WARNING",
    }


# The data: an audit with returns open, one signed-in auditor per return --------------------


@dataclass
class Auditor:
    email: str
    ret: int
    session: str
    csrf: str


@dataclass
class Data:
    auditors: list[Auditor]  # those the load uses, each with their own return
    spare: Auditor  # one more, for the in-process measurements (never under load)
    questions: list[dict[str, Any]]
    free_text: list[str]
    children: int
    agencies: int


def build_data(count: int) -> Data:
    """A partnership with 8 agencies, an audit in returns_open whose children are known to all
    of them, and one auditor per return (``count`` for the load, one spare), each with a
    confirmed TOTP device and a session that has passed two-factor."""
    import datetime

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from maqa.accounts.models import Membership, Role, User
    from maqa.audits import crypto
    from maqa.audits.models import Audit, Case, PlanType, Sex
    from maqa.audits.services import DEFAULT_AIM, audit_create
    from maqa.lifecycle.services import audit_move_on
    from maqa.organisations.models import Organisation, Partnership
    from maqa.returns.models import Return
    from maqa.tools.definition import YES_NO_NA, questions_of
    from maqa.tools.models import AuditTool
    from maqa.tools.services import tools_load_defaults

    home = Partnership.objects.create(name="Bench Partnership", slug="bench")
    unit = Organisation.objects.create(
        partnership=home, name="Business Unit", short_name="Unit", sector="other"
    )
    agencies = [
        Organisation.objects.create(partnership=home, name=name, short_name=short, sector=sector)
        for name, short, sector in AGENCIES
    ]
    tools_load_defaults(partnership=home)
    admin = User.objects.create_user(
        email="qa.lead@bench.test", full_name="Bench Lead", partnership=home
    )
    Membership.objects.create(user=admin, organisation=unit, role=Role.PARTNERSHIP_ADMIN)
    tool = AuditTool.objects.get(partnership=home, slug="multi-agency-case-audit")
    tool_version = tool.latest
    assert tool_version is not None

    children = math.ceil((count + 1) / len(agencies))
    today = datetime.date.today()
    audit = audit_create(
        actor=admin,
        ip=None,
        data={
            "theme": "Load on autosave",
            "aim": DEFAULT_AIM,
            "plan_types": [PlanType.CHILD_PROTECTION],
            "cp_categories": [],
            "age_min_years": 0,
            "age_max_years": 17,
            "sample_size": children,
            "returns_due": today + datetime.timedelta(days=14),
            "panel_date": today + datetime.timedelta(days=28),
            "lead": admin,
            "tool_version": tool_version,
        },
        agencies=agencies,
        panel_members=[],
    )
    for index in range(children):
        # Synthetic tokens, never names of real or realistic children.
        child = Case.objects.create(
            audit=audit,
            enc_name=crypto.encrypt(audit, f"Synthname{index:03d} Tokenfamily{index:03d}"),
            enc_dob=crypto.encrypt(audit, "2019-05-01"),
            enc_case_number=crypto.encrypt(audit, f"CN-SYN-{index:05d}"),
            sex=Sex.FEMALE if index % 2 else Sex.MALE,
            plan_type=PlanType.CHILD_PROTECTION,
            category="neglect",
            needs=["neglect"],
            lead_agency=agencies[2],
            age_months=72 + index,
            source_row=index + 2,
            sampled=True,
            reference=f"Child {index + 1:03d}",
            sample_order=index + 1,
        )
        child.agencies.set(agencies)
    while audit.state != Audit.State.RETURNS_OPEN:
        audit = audit_move_on(actor=admin, ip=None, audit=audit, version=audit.version)

    returns = list(Return.objects.filter(audit=audit).order_by("child__sample_order", "pk"))
    returns = returns[: count + 1]
    users = []
    for n in range(1, len(returns) + 1):
        user = User(
            email=f"auditor{n:03d}@bench.test", full_name=f"Bench Auditor {n:03d}", partnership=home
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user=user, organisation_id=ret.organisation_id, role=Role.AGENCY_AUDITOR)
        for user, ret in zip(users, returns, strict=True)
    )
    for user, ret in zip(users, returns, strict=True):
        ret.assignee = user
    Return.objects.bulk_update(returns, ["assignee"])
    devices = TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="bench", confirmed=True) for user in users
    )

    signed_in = []
    csrf_chars = string.ascii_letters + string.digits
    for user, ret, device in zip(users, returns, devices, strict=True):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "maqa.accounts.backends.EmailBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        assert session.session_key is not None
        signed_in.append(
            Auditor(
                email=user.email,
                ret=ret.pk,
                session=session.session_key,
                csrf=get_random_string(32, csrf_chars),
            )
        )

    definition = tool_version.definition
    grades = [g["value"] for g in definition["grade_scale"]["grades"]]
    questions = []
    for question in questions_of(definition):
        choices = {"grade": grades, "yes_no_na": list(YES_NO_NA)}.get(question["kind"], [])
        questions.append({"key": question["key"], "kind": question["kind"], "choices": choices})
    return Data(
        auditors=signed_in[:count],
        spare=signed_in[count],
        questions=questions,
        free_text=[item["key"] for item in definition["free_text"]],
        children=children,
        agencies=len(agencies),
    )


def current_state(rets: list[int]) -> dict[int, dict[str, Any]]:
    """Each return's version and content as the database holds them now."""
    from maqa.returns.models import Return
    from maqa.returns.selectors import content_of

    return {
        ret.pk: {"version": ret.version, **content_of(ret)}
        for ret in Return.objects.filter(pk__in=rets)
    }


def refresh_sessions() -> None:
    """Keep every bench session alive whatever the run's length (maqa's idle timeout is 30
    minutes; the sessions of auditors who only join the step test are idle until then)."""
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(hours=1))


def write_spec(path: Path, data: Data, auditors: list[Auditor], **extra: Any) -> None:
    state = current_state([a.ret for a in auditors])
    spec = {
        "questions": data.questions,
        "free_text": data.free_text,
        "auditors": [
            {
                "ret": a.ret,
                "session": a.session,
                "csrf": a.csrf,
                "version": state[a.ret]["version"],
                "answers": state[a.ret]["answers"],
                "texts": {key: state[a.ret][key] for key in data.free_text},
            }
            for a in auditors
        ],
        **extra,
    }
    path.write_text(json.dumps(spec))


# In-process service times, before any load -------------------------------------------------


@dataclass
class Probe:
    save_queries: int
    page_queries: int
    healthz_queries: int
    save_ms: list[float]
    page_ms: list[float]
    healthz_ms: list[float]


def probe_service_times(data: Data, repeat: int) -> Probe:
    """One request at a time through Django's test client (no HTTP, no concurrency), with the
    spare auditor: how many queries a save, a page and /healthz make, and how long they take."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    anonymous = Client(SERVER_NAME="127.0.0.1")  # /healthz as locust calls it: no cookies
    client.cookies["sessionid"] = data.spare.session
    client.cookies["csrftoken"] = data.spare.csrf
    version = current_state([data.spare.ret])[data.spare.ret]["version"]

    def save(n: int) -> Any:
        form = {"version": str(version), "autosave": "1", data.free_text[0]: f"Probe note {n}."}
        return client.post(f"/returns/{data.spare.ret}/save/", form, HTTP_X_REQUESTED_WITH="fetch")

    def timed(call: Any) -> tuple[float, Any]:
        started = time.perf_counter()
        response = call()
        return (time.perf_counter() - started) * 1000, response

    results: dict[str, list[float]] = {"save": [], "page": [], "healthz": []}
    queries: dict[str, int] = {}
    for n in range(repeat + 1):  # the first of each warms up and is not timed
        with CaptureQueriesContext(connection) as captured:
            ms, response = timed(lambda n=n: save(n))
        if response.status_code != 200:
            raise RuntimeError(f"probe save failed: HTTP {response.status_code}")
        version = response.json()["version"]
        queries["save"] = len(captured)
        with CaptureQueriesContext(connection) as captured:
            page_ms, response = timed(lambda: client.get(f"/returns/{data.spare.ret}/"))
        if response.status_code != 200:
            raise RuntimeError(f"probe page failed: HTTP {response.status_code}")
        queries["page"] = len(captured)
        with CaptureQueriesContext(connection) as captured:
            health_ms, response = timed(lambda: anonymous.get("/healthz"))
        queries["healthz"] = len(captured)
        if n:
            results["save"].append(ms)
            results["page"].append(page_ms)
            results["healthz"].append(health_ms)
    return Probe(
        save_queries=queries["save"],
        page_queries=queries["page"],
        healthz_queries=queries["healthz"],
        save_ms=results["save"],
        page_ms=results["page"],
        healthz_ms=results["healthz"],
    )


# gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    def __init__(
        self, env: dict[str, str], tmp: Path, workers: int, worker_class: str, threads: int
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "gunicorn.log"
        self.command = [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            self.command,
            cwd=BASE_DIR,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log_path}\n{self.log_tail()}")
            with (
                suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response,  # noqa: S310
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def pids(self) -> list[int]:
        import psutil  # type: ignore[import-untyped]

        with suppress(psutil.Error):
            parent = psutil.Process(self.process.pid)
            return [parent.pid] + [c.pid for c in parent.children(recursive=True)]
        return []

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def problems(self) -> Counter[str]:
        """Tracebacks, errors and worker timeouts in gunicorn's and Django's log, by line."""
        if not self.log.closed:
            self.log.flush()
        found: Counter[str] = Counter()
        for line in self.log_path.read_text(errors="replace").splitlines():
            if any(word in line for word in ("ERROR", "CRITICAL", "Traceback", "TIMEOUT")):
                found[line.split("] ", 1)[-1][:120]] += 1
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(os.getpgid(self.process.pid), signal.SIGKILL)
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def warm_up(server: Gunicorn, auditor: Auditor, count: int = 30) -> None:
    """Some page loads and /healthz calls, so that each worker has imported and compiled its
    templates and opened its database connection before anything is timed."""
    headers = {"Cookie": f"sessionid={auditor.session}; csrftoken={auditor.csrf}"}
    for _ in range(count):
        for path, extra in ((f"/returns/{auditor.ret}/", headers), ("/healthz", {})):
            request = urllib.request.Request(server.url + path, headers=extra)  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()


# Sampling CPU and lock waits while locust runs ----------------------------------------------


@dataclass
class Sample:
    t: float
    app: float  # CPU seconds so far, gunicorn master and workers
    db: float  # CPU seconds so far, the PostgreSQL backends of the bench database
    load: float  # CPU seconds so far, locust
    busy: float  # CPU seconds so far, the whole machine (all processes)
    waiting: int  # backends waiting for a lock at this moment
    on_head: int  # of which waiting to lock the audit chain's head row
    active: int  # backends running a query at this moment


class Sampler:
    """Every SAMPLE_EVERY seconds, in a thread: CPU used by gunicorn, by the bench database's
    PostgreSQL backends, by locust and by the whole machine; and the backends waiting for a
    lock (pg_stat_activity). Bounded: it stops when told, or after ``limit`` seconds."""

    def __init__(self, server_url: str, dbname: str, app: Gunicorn, limit: float) -> None:
        import psutil

        self.psutil = psutil
        self.server_url, self.dbname, self.app, self.limit = server_url, dbname, app, limit
        self.samples: list[Sample] = []
        self.last: dict[tuple[str, int], float] = {}  # (group, pid) -> CPU seconds last seen
        self.load_pid: int | None = None
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self, load_pid: int) -> None:
        self.load_pid = load_pid
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=10)

    def _cpu(self, group: str, pids: list[int]) -> float:
        for pid in pids:
            with suppress(self.psutil.Error):
                times = self.psutil.Process(pid).cpu_times()
                self.last[(group, pid)] = times.user + times.system
        return sum(v for (g, _), v in self.last.items() if g == group)

    def _run(self) -> None:
        ended = time.monotonic() + self.limit
        with _admin_connection(self.server_url) as conn:
            while not self.stop_event.is_set() and time.monotonic() < ended:
                rows = conn.execute(
                    "SELECT pid, state, wait_event_type, query FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.dbname],
                ).fetchall()
                machine = self.psutil.cpu_times()
                load_pids = []
                if self.load_pid is not None:
                    with suppress(self.psutil.Error):
                        load_pids = [self.load_pid] + [
                            c.pid for c in self.psutil.Process(self.load_pid).children()
                        ]
                waiting = [r for r in rows if r[2] == "Lock"]
                self.samples.append(
                    Sample(
                        t=time.time(),
                        app=self._cpu("app", self.app.pids()),
                        db=self._cpu("db", [r[0] for r in rows]),
                        load=self._cpu("load", load_pids),
                        busy=sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
                        waiting=len(waiting),
                        on_head=sum("auditchainhead" in (r[3] or "") for r in waiting),
                        active=sum(r[1] == "active" for r in rows),
                    )
                )
                self.stop_event.wait(SAMPLE_EVERY)

    def usage(self, start: float, end: float) -> dict[str, float]:
        """CPU use between two times, in % of one core; lock waits in the window."""
        inside = [s for s in self.samples if start <= s.t <= end]
        if len(inside) < 2:
            return {}
        first, last = inside[0], inside[-1]
        span = last.t - first.t
        use = {
            name: 100 * (getattr(last, name) - getattr(first, name)) / span
            for name in ("app", "db", "load", "busy")
        }
        use["other"] = max(0.0, use["busy"] - use["app"] - use["db"] - use["load"])
        use["waiting_mean"] = statistics.fmean(s.waiting for s in inside)
        use["waiting_max"] = max(s.waiting for s in inside)
        use["on_head_share"] = sum(s.on_head for s in inside) / max(
            1, sum(s.waiting for s in inside)
        )
        use["active_mean"] = statistics.fmean(s.active for s in inside)
        return use


# Running locust ------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    records: list[dict[str, Any]]
    seconds: float  # --run-time
    users: int
    usage: dict[str, float] = field(default_factory=dict)
    cpu_warning: bool = False  # locust said its own CPU use was too high

    def of(self, kind: str) -> list[dict[str, Any]]:
        """The requests of one kind, without those locust cut off (see INTERRUPTED)."""
        return [r for r in self.records if r["k"] == kind and r["err"] != INTERRUPTED]


def wait_for_quiet(limit: float, below: float, sample: float = 2.0) -> tuple[float, float]:
    """Wait, at most ``limit`` seconds, until the machine's CPU use (everything: the bench's
    own processes are idle between runs) is under ``below`` % of one core over ``sample``
    seconds. Returns the seconds waited and the last use seen."""
    import psutil

    def busy() -> float:
        times = psutil.cpu_times()
        return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))

    started = time.monotonic()
    use = 0.0
    while True:
        before = busy()
        time.sleep(sample)
        use = 100 * (busy() - before) / sample
        waited = time.monotonic() - started
        if use < below or waited >= limit:
            return waited, use


class Locust:
    def __init__(self, args: argparse.Namespace, server: Gunicorn, tmp: Path, dbname: str) -> None:
        self.server, self.tmp = server, tmp
        self.server_url, self.dbname = args.server_url, dbname
        self.quiet_wait, self.quiet_below = args.quiet_wait, args.quiet_below
        self.count = 0
        self.all_records: list[dict[str, Any]] = []
        self.quiet_notes: list[str] = []

    def run(
        self,
        label: str,
        user_class: str,
        users: int,
        seconds: float,
        spec: Path,
        window: tuple[float, float] | None = None,
    ) -> Run:
        """Run locust headless for ``seconds`` with ``users`` users (all started at once);
        ``window`` = (skip at the start, skip at the end) for the CPU figures."""
        if self.quiet_wait > 0:
            waited, use = wait_for_quiet(self.quiet_wait, self.quiet_below)
            if use >= self.quiet_below:
                self.quiet_notes.append(
                    f"{label}: started after {waited:.0f} s with other processes still at "
                    f"{use:.0f}% of one core"
                )
        self.count += 1
        prefix = self.tmp / f"{self.count:02d}-{label.replace(' ', '-').replace('/', '')}"
        log_path = prefix.with_suffix(".jsonl")
        out_path = prefix.with_suffix(".out")
        command = [
            str(BIN / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            self.server.url,
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            f"{seconds:.0f}s",
            "--stop-timeout",
            "30",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            user_class,
        ]
        env = {
            **os.environ,
            "MAQA_BENCH_SPEC": str(spec),
            "MAQA_BENCH_LOG": str(log_path),
            "MAQA_BENCH_RUN": str(self.count),
        }
        sampler = Sampler(self.server_url, self.dbname, self.server, limit=seconds + 120)
        with out_path.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 (our own command line)
                command, cwd=self.tmp, env=env, stdout=out, stderr=subprocess.STDOUT
            )
            sampler.start(process.pid)
            try:
                process.wait(timeout=seconds + 120)
            finally:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)
                sampler.stop()
        output = out_path.read_text(errors="replace")
        if process.returncode not in (0, 1):  # 1: some requests failed, which we count
            raise RuntimeError(f"locust exited with {process.returncode}:\n{output[-3000:]}")
        records = []
        if log_path.exists():
            with log_path.open() as lines:
                records = [json.loads(line) for line in lines if line.strip()]
        self.all_records.extend(records)
        run = Run(label, records, seconds, users, cpu_warning="CPU usage" in output)
        if records:
            first = min(r["t"] for r in records)
            skip_start, skip_end = window or (0.0, 0.0)
            run.usage = sampler.usage(first + skip_start, first + seconds - skip_end)
        return run


# Figures -------------------------------------------------------------------------------------


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def errors_of(records: list[dict[str, Any]]) -> Counter[str]:
    return Counter(r["err"] or "failed" for r in records if not r["ok"] and r["err"] != INTERRUPTED)


@dataclass
class Step:
    target: float
    users: int
    achieved: float
    count: int
    p50: float
    p95: float
    p99: float
    worst: float
    errors: Counter[str]
    usage: dict[str, float]
    cpu_warning: bool
    passed: bool


def analyse_step(run: Run, kind: str, target: float, warmup: float, limit: float) -> Step:
    """Figures over the steady part of a step: requests started from ``warmup`` seconds after
    the first one. Errors count over the whole step."""
    records = run.of(kind)
    errors = errors_of(run.records)
    if not records:
        nan = float("nan")
        return Step(target, run.users, 0, 0, nan, nan, nan, nan, errors, {}, False, False)
    first = min(r["t"] for r in records)
    steady = [r for r in records if r["t"] >= first + warmup]
    span = max(r["t"] for r in steady) - (first + warmup) if steady else 0.0
    achieved = len(steady) / span if span > 0 else 0.0
    ms = [r["ms"] for r in steady]
    p95 = percentile(ms, 95)
    passed = not errors and p95 < limit and achieved >= 0.95 * target
    return Step(
        target=target,
        users=run.users,
        achieved=achieved,
        count=len(steady),
        p50=percentile(ms, 50),
        p95=p95,
        p99=percentile(ms, 99),
        worst=max(ms) if ms else float("nan"),
        errors=errors,
        usage=run.usage,
        cpu_warning=run.cpu_warning,
        passed=passed,
    )


STEP_HEADER = (
    f"{'target/s':>8} {'users':>5} {'achieved/s':>10} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
    f"{'max ms':>7} {'errors':>6} {'app%':>5} {'db%':>4} {'locust%':>7} {'other%':>6} "
    f"{'lock waits':>10}  result"
)


def print_step(step: Step, limit: float) -> None:
    u = step.usage
    waits = f"{u['waiting_mean']:.1f}/{u['waiting_max']:.0f}" if u else "-"
    verdict = "ok" if step.passed else "over" if not step.errors else "errors"
    if not step.passed and not step.errors and step.p95 < limit and step.achieved < step.target:
        verdict = "rate not reached"
    note = " (locust CPU warning)" if step.cpu_warning else ""
    if u and u["waiting_max"]:
        note += f" ({u['on_head_share']:.0%} of lock waits on the audit chain head)"
    print(
        f"{step.target:>8.0f} {step.users:>5} {step.achieved:>10.1f} {step.p50:>7.1f} "
        f"{step.p95:>7.1f} {step.p99:>7.1f} {step.worst:>7.0f} {sum(step.errors.values()):>6} "
        f"{u.get('app', 0):>5.0f} {u.get('db', 0):>4.0f} {u.get('load', 0):>7.0f} "
        f"{u.get('other', 0):>6.0f} {waits:>10}  {verdict}{note}",
        flush=True,
    )
    for message, count in step.errors.most_common(3):
        print(f"{'':10}error x{count}: {message}")


def step_test(
    args: argparse.Namespace,
    locust: Locust,
    label: str,
    user_class: str,
    kind: str,
    spec_for: Any,
) -> tuple[Step | None, bool]:
    """Fixed-rate steps until one fails (p95 over the limit, an error, or the rate not
    reached); then, if the gap is wide, one step half-way. The highest passing step, and
    whether any step failed (if none did, the ceiling is above the last step)."""
    print(f"\n({label}) step test: {args.step_seconds:.0f} s a step, the first "
          f"{args.step_warmup:.0f} s not timed; p95 limit {args.p95_ms:.0f} ms")  # fmt: skip
    print(STEP_HEADER)
    best: Step | None = None

    def one(rate: float) -> Step:
        for attempt in (1, 2):
            users, spec = spec_for(rate)
            run = locust.run(
                f"{label} {rate:.0f}",
                user_class,
                users,
                args.step_seconds,
                spec,
                window=(args.step_warmup, 1.0),
            )
            step = analyse_step(run, kind, rate, args.step_warmup, args.p95_ms)
            print_step(step, args.p95_ms)
            other = step.usage.get("other", 0.0)
            if step.passed or attempt == 2 or other <= args.disturbed:
                break
            print(f"{'':10}disturbed: other processes used {other:.0f}% of a core; once more")
        return step

    failed: float | None = None
    for rate in args.steps:
        step = one(rate)
        if not step.passed:
            failed = rate
            break
        best = step
    if args.refine and failed is not None and best is not None and failed > best.target * 1.2:
        middle = round((best.target + failed) / 2)
        step = one(middle)
        if step.passed:
            best = step
    return best, failed is not None


# Checking that every acknowledged save is in the database -----------------------------------


@dataclass
class Check:
    returns: int = 0
    acknowledged: int = 0
    unacknowledged: int = 0  # saves sent that got no acknowledgement (errors, interrupted)
    interrupted: int = 0  # of those, cut off by locust as a run ended
    committed_unacknowledged: int = 0  # of those, saves the database has all the same
    missing: int = 0  # acknowledged versions with no revision
    different: int = 0  # acknowledged versions whose revision holds other content
    final_wrong: int = 0  # returns not ending at their last acknowledged (or in-doubt) save
    unexplained: int = 0  # versions that no save sent explains
    duplicate: int = 0  # one version acknowledged twice
    chain_ok: bool = False
    chain_events: int = 0
    events_match: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        bad = self.missing + self.different + self.final_wrong + self.unexplained + self.duplicate
        return bad == 0 and self.chain_ok and self.events_match


def check_saves(records: list[dict[str, Any]], free_text: list[str]) -> Check:
    from maqa.core.audit_chain import verify_chain
    from maqa.core.models import AuditEvent
    from maqa.returns.models import ReturnRevision

    check = Check()
    saves = [r for r in records if r["k"] == "save"]
    by_return: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for record in saves:
        by_return[record["ret"]].append(record)
    rets = sorted(by_return)
    state = current_state(rets)
    revisions: dict[tuple[int, int], Any] = {
        (r, v): content
        for r, v, content in ReturnRevision.objects.filter(return_obj_id__in=rets).values_list(
            "return_obj_id", "version", "content"
        )
    }
    check.returns = len(rets)

    def note(message: str) -> None:
        if len(check.notes) < 10:
            check.notes.append(message)

    for ret in rets:
        sent = by_return[ret]
        acked = [r for r in sent if r["ok"]]
        doubtful = [r for r in sent if not r["ok"]]
        check.acknowledged += len(acked)
        check.unacknowledged += len(doubtful)
        check.interrupted += sum(r["err"] == INTERRUPTED for r in doubtful)
        versions = Counter(r["ver"] for r in acked)
        for version, count in versions.items():
            if count > 1:
                check.duplicate += 1
                note(f"return {ret}: version {version} acknowledged {count} times")
        by_version = {r["ver"]: r for r in acked}
        final = state[ret]["version"]
        for record in acked:
            content = revisions.get((ret, record["ver"]))
            if content is None:
                check.missing += 1
                note(f"return {ret}: acknowledged version {record['ver']} has no revision")
            elif content != record["content"]:
                check.different += 1
                note(f"return {ret}: version {record['ver']} holds other content than was sent")
        # Every version after the first must be a save that was sent: acknowledged, or in doubt.
        for version in range(2, final + 1):
            if version in by_version:
                continue
            content = revisions.get((ret, version))
            match = [r for r in doubtful if r["sent"] == version - 1 and r["content"] == content]
            if content is not None and match:
                check.committed_unacknowledged += 1
            else:
                check.unexplained += 1
                note(f"return {ret}: version {version} matches no save sent")
        last = max(acked, key=lambda r: r["ver"]) if acked else None
        now = {"answers": state[ret]["answers"], **{k: state[ret][k] for k in free_text}}
        if last is not None and final < last["ver"]:
            check.final_wrong += 1
            note(f"return {ret}: at version {final}, but {last['ver']} was acknowledged")
        elif now != revisions.get((ret, final), now if final == 1 else None):
            check.final_wrong += 1
            note(f"return {ret}: its content is not that of its version {final}")

    result = verify_chain()
    check.chain_ok, check.chain_events = result.ok, result.checked
    if not result.ok:
        note(f"audit chain: {result.problem}")
    # Each committed save records exactly one "changed" event on its return.
    changed = AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGED, object_type="returns.return"
    ).count()
    autosaves = ReturnRevision.objects.filter(kind=ReturnRevision.Kind.AUTOSAVE).count()
    check.events_match = changed == autosaves
    if not check.events_match:
        note(f"{autosaves} autosave revisions but {changed} 'changed' events on returns")
    return check


# The benchmark -----------------------------------------------------------------------------


def _ms(values: list[float]) -> str:
    return (
        f"{percentile(values, 50):>7.1f} {percentile(values, 95):>7.1f} "
        f"{percentile(values, 99):>7.1f} {max(values) if values else float('nan'):>7.0f}"
    )


def print_soak(run: Run) -> tuple[dict[str, list[float]], Counter[str]]:
    print(f"{'':28} {'requests':>8} {'per s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7} {'errors':>6}")  # fmt: skip
    span = run.seconds
    timings: dict[str, list[float]] = {}
    for kind, label in (("save", "autosave (POST .../save/)"), ("page", "return page (GET)")):
        records = [r for r in run.of(kind) if not r.get("resync")]
        ms = timings[kind] = [r["ms"] for r in records]
        print(
            f"{label:28} {len(records):>8} {len(records) / span:>6.2f} {_ms(ms)} "
            f"{sum(errors_of(records).values()):>6}"
        )
    errors = errors_of(run.records)
    for message, count in errors.most_common(5):
        print(f"{'':10}error x{count}: {message}")
    u = run.usage
    if u:
        print(
            f"CPU (% of one core): gunicorn {u['app']:.0f}, PostgreSQL {u['db']:.0f}, locust "
            f"{u['load']:.0f}, everything else {u['other']:.0f}; backends waiting for a lock: "
            f"mean {u['waiting_mean']:.2f}, max {u['waiting_max']:.0f}"
        )
    return timings, errors


def _usage_note(step: Step | None) -> str:
    if step is None:
        return ""
    other = f", other processes {step.usage['other']:.0f}% of a core" if step.usage else ""
    return f" ({step.achieved:.1f}/s achieved, p95 {step.p95:.1f} ms{other})"


def benchmark(args: argparse.Namespace, tmp: Path, env: dict[str, str], dbname: str) -> bool:
    import django
    from django.core.management import call_command
    from django.db import connection, connections

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    data = build_data(args.auditors)
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        pg_sync = cursor.fetchone()[0]
        cursor.execute("SHOW max_connections")
        pg_max = cursor.fetchone()[0]

    print(
        f"maqa returns under load, {date.today().isoformat()}{'  [QUICK RUN]' if args.quick else ''}"
    )
    print(f"  command: {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}")
    print(
        f"  machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average before: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"  database: PostgreSQL {pg_version} (synchronous_commit={pg_sync}, max_connections="
        f"{pg_max}), throwaway database {dbname}"
    )
    print(
        f"  data: 1 audit in returns_open, {data.children} children x {data.agencies} agencies; "
        f"{len(data.auditors)} auditors (+1 spare), each with their own return; built in "
        f"{built:.1f} s"
    )
    print(
        "  sign-in: sessions made on the server side (user, auth hash and the confirmed TOTP "
        "device's persistent id: past two-factor), sent as cookies with a CSRF token"
    )
    threads = f", {args.threads} threads" if args.worker_class == "gthread" else ""
    print(
        f"  gunicorn: config.wsgi:application, {args.workers} {args.worker_class} workers"
        f"{threads}, bind 127.0.0.1; DEBUG=false, DATABASE_CONN_MAX_AGE=60 (maqa's default)"
    )
    print(
        f"  locust: FastHttpUser, headless, one process on the same machine; all users start "
        f"at once; soak {args.soak_users} users for {args.soak_seconds:.0f} s, autosave every "
        f"{args.save_every:.0f} +/- {args.jitter:.0f} s (changes one answer), page every "
        f"{args.page_every:.0f} s; steps {','.join(str(s) for s in args.steps)} a second, "
        f"{args.step_seconds:.0f} s each (first {args.step_warmup:.0f} s not timed), 1 save a "
        f"second per user (fewer users than returns: faster), p95 limit {args.p95_ms:.0f} ms"
    )
    print(
        f"  quiet: before each run, wait up to {args.quiet_wait:.0f} s for the machine to use "
        f"under {args.quiet_below:.0f}% of a core; a failing step during which other processes "
        f"used over {args.disturbed:.0f}% of a core is run once more"
    )

    probe = probe_service_times(data, args.probe)
    print(
        f"\nOne request at a time, in-process (Django test client, {args.probe} each): save "
        f"{probe.save_queries} queries, p50 {percentile(probe.save_ms, 50):.1f} ms; page "
        f"{probe.page_queries} queries, p50 {percentile(probe.page_ms, 50):.1f} ms; /healthz "
        f"{probe.healthz_queries} queries, p50 {percentile(probe.healthz_ms, 50):.2f} ms"
    )
    connections.close_all()

    server = Gunicorn(env, tmp, args.workers, args.worker_class, args.threads)
    soak_ms: dict[str, list[float]] = {}
    soak_other: float | None = None
    soak_errors: Counter[str] = Counter()
    best_saves: Step | None = None
    best_health: Step | None = None
    ran_saves = ran_health = False
    saves_capped = health_capped = True  # a step failed: the figure is a ceiling, not a floor
    locust: Locust | None = None
    try:
        server.wait_ready()
        warm_up(server, data.spare)
        locust = Locust(args, server, tmp, dbname)

        if "soak" in args.parts:
            refresh_sessions()
            spec = tmp / "soak.json"
            soak = {
                "save_every": args.save_every,
                "jitter": args.jitter,
                "page_every": args.page_every,
            }
            write_spec(spec, data, data.auditors[: args.soak_users], soak=soak)
            print(
                f"\n(a) soak: {args.soak_users} auditors for {args.soak_seconds:.0f} s"
                f"{'  [QUICK: shortened]' if args.quick else ''}"
            )
            run = locust.run("soak", "SoakAuditor", args.soak_users, args.soak_seconds, spec)
            soak_ms, soak_errors = print_soak(run)
            soak_other = run.usage.get("other")

        def save_spec(rate: float) -> tuple[int, Path]:
            users = int(min(rate, len(data.auditors)))
            refresh_sessions()
            spec = tmp / "step.json"
            write_spec(spec, data, data.auditors[:users], interval=users / rate)
            return users, spec

        def health_spec(rate: float) -> tuple[int, Path]:
            users = int(min(rate, args.max_users))
            spec = tmp / "healthz.json"
            spec.write_text(json.dumps({"interval": users / rate}))
            return users, spec

        if "saves" in args.parts:
            ran_saves = True
            best_saves, saves_capped = step_test(args, locust, "b", "StepSaver", "save", save_spec)
        if "healthz" in args.parts:
            ran_health = True
            best_health, health_capped = step_test(
                args, locust, "c", "HealthzUser", "healthz", health_spec
            )
    finally:
        server.stop()
    problems = server.problems()

    check = check_saves(locust.all_records if locust else [], data.free_text)
    print("\n(d) every acknowledged save in the database?")
    print(
        f"  {check.acknowledged} acknowledged saves on {check.returns} returns: "
        f"{check.missing} missing, {check.different} with other content, "
        f"{check.duplicate} versions acknowledged twice; {check.final_wrong} returns not at "
        f"their last save; {check.unexplained} versions no save explains"
    )
    print(
        f"  {check.unacknowledged} saves sent without an acknowledgement ({check.interrupted} "
        f"cut off by locust as a run ended, the rest errors), of which "
        f"{check.committed_unacknowledged} were committed all the same"
    )
    print(
        f"  audit chain: {'verifies' if check.chain_ok else 'BROKEN'} ({check.chain_events} "
        f"events); one 'changed' event per autosave: {'yes' if check.events_match else 'NO'}"
    )
    for message in check.notes:
        print(f"  ! {message}")
    if problems:
        print("\ngunicorn / Django log:")
        for line, count in problems.most_common(8):
            print(f"  x{count}: {line}")

    print("\nSummary")
    if soak_ms:
        saves, pages = soak_ms["save"], soak_ms["page"]
        print(
            f"  soak ({args.soak_users} auditors, {args.soak_seconds:.0f} s): {len(saves)} saves "
            f"p50 {percentile(saves, 50):.1f} ms, p95 {percentile(saves, 95):.1f} ms; "
            f"{len(pages)} pages p50 {percentile(pages, 50):.1f} ms, p95 "
            f"{percentile(pages, 95):.1f} ms; errors {sum(soak_errors.values())}"
            + (f" (other processes: {soak_other:.0f}% of a core)" if soak_other is not None else "")
        )
    if ran_saves:
        print(
            f"  highest sustained saves/s with p95 < {args.p95_ms:.0f} ms and no errors: "
            f"{'' if saves_capped else 'at least '}"
            f"{best_saves.target if best_saves else 0:.0f}{_usage_note(best_saves)}"
        )
    if ran_health:
        print(
            f"  /healthz ceiling (same test): {'' if health_capped else 'at least '}"
            f"{best_health.target if best_health else 0:.0f}{_usage_note(best_health)}"
        )
    if best_saves and best_health:
        print(
            f"  ratio saves / healthz: {'' if health_capped else 'at most '}"
            f"{best_saves.target / best_health.target:.2f} (achieved "
            f"rates: {best_saves.achieved / best_health.achieved:.2f})"
        )
    for note in locust.quiet_notes if locust else []:
        print(f"  ! not quiet: {note}")
    status = "OK" if check.ok else "FAILED"
    print(f"result: acknowledged saves {status}, {check.acknowledged} checked")
    connections.close_all()
    return check.ok


def _steps(text: str) -> list[int]:
    try:
        steps = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("a list of rates, like 5,10,20,40") from None
    if not steps or min(steps) < 1 or steps != sorted(steps):
        raise argparse.ArgumentTypeError("rates must be at least 1 and rising")
    return steps


def main(argv: list[str] | None = None) -> int:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (see README)")
    parser.add_argument("--parts", default="soak,saves,healthz", help="which of soak,saves,healthz")
    parser.add_argument("--soak-users", type=int, default=100)
    parser.add_argument("--soak-seconds", type=float, default=None, help="default 300 (quick 60)")
    parser.add_argument("--save-every", type=float, default=30.0, help="autosave interval, s")
    parser.add_argument("--jitter", type=float, default=5.0, help="+/- on the autosave interval")
    parser.add_argument("--page-every", type=float, default=60.0, help="page-load interval, s")
    parser.add_argument("--steps", type=_steps, default=None, help="rates a second, rising")
    parser.add_argument("--step-seconds", type=float, default=None, help="default 20 (quick 12)")
    parser.add_argument("--step-warmup", type=float, default=None, help="default 5 (quick 3)")
    parser.add_argument("--p95-ms", type=float, default=150.0)
    parser.add_argument("--no-refine", dest="refine", action="store_false",
                        help="no extra step half-way after the first failing one")  # fmt: skip
    parser.add_argument("--auditors", type=int, default=240, help="auditors (returns) for load")
    parser.add_argument("--max-users", type=int, default=1500, help="most /healthz users")
    parser.add_argument("--workers", type=int, default=2 * cores + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads a gthread worker")
    parser.add_argument("--probe", type=int, default=30, help="in-process requests of each kind")
    parser.add_argument("--quiet-wait", type=float, default=20.0,
                        help="before each run, wait at most this long for the machine to be "
                        "quiet (0: do not wait)")  # fmt: skip
    parser.add_argument("--quiet-below", type=float, default=25.0,
                        help="quiet: CPU use under this %% of one core")  # fmt: skip
    parser.add_argument("--disturbed", type=float, default=25.0,
                        help="a failing step is run once more if other processes used more "
                        "than this %% of one core during it")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, CSVs)")
    args = parser.parse_args(argv)

    args.parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if not args.parts <= {"soak", "saves", "healthz"}:
        parser.error("--parts takes soak, saves and healthz")
    if args.soak_seconds is None:
        args.soak_seconds = 60.0 if args.quick else 300.0
    if args.steps is None:
        args.steps = QUICK_STEPS if args.quick else FULL_STEPS
    if args.step_seconds is None:
        args.step_seconds = 12.0 if args.quick else 20.0
    if args.step_warmup is None:
        args.step_warmup = 3.0 if args.quick else 5.0
    if args.quick:
        args.refine = False
    children = math.ceil((args.auditors + 1) / len(AGENCIES))
    if args.auditors < args.soak_users or children > MAX_CHILDREN:
        parser.error(
            f"--auditors must be at least --soak-users and at most "
            f"{MAX_CHILDREN * len(AGENCIES) - 1}"
        )
    if args.step_warmup >= args.step_seconds - 2:
        parser.error("--step-warmup must leave a few seconds of --step-seconds")
    if args.worker_class == "sync" and args.threads != 1:
        args.worker_class = "gthread"  # what gunicorn itself does with --threads > 1

    args.server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not _is_postgres(args.server_url):
        parser.error("DATABASE_URL must name a PostgreSQL server (the benchmark is for it)")
    tmp = Path(tempfile.mkdtemp(prefix="maqa-bench-returns-"))
    started = time.perf_counter()
    ok = False
    try:
        with throwaway_database(args.server_url) as (url, dbname):
            env = bench_environment(tmp, url)
            os.environ.update(env)
            try:
                ok = benchmark(args, tmp, env, dbname)
            finally:
                with suppress(Exception):
                    from django.db import connections

                    connections.close_all()
    finally:
        if args.keep:
            print(f"(logs, locust CSVs and specs kept in {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"(took {time.perf_counter() - started:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
