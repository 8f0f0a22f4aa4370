"""Locust users for bench/returns_load.py: auditors autosaving their returns, and /healthz.

Not meant to be run on its own: bench/returns_load.py writes the spec this file reads (which
auditor edits which return, their session cookies, the questions and the pacing) and runs
locust with it. Two environment variables tie them together:

    MAQA_BENCH_SPEC  the JSON spec written by returns_load.py for this run
    MAQA_BENCH_LOG   where to write one JSON line per request (returns_load.py reads it back)

Users
  SoakAuditor  one auditor with their own return: autosaves every ``save_every`` +/- ``jitter``
               seconds (each save changes one answer and sends the version it last got) and
               opens the return page every ``page_every`` seconds. Each starts at a random point
               of its cycle, as if the page had already been open a while.
  StepSaver    one auditor with their own return, autosaving on a fixed pace (``interval``
               seconds), so that N users give N / interval saves a second.
  HealthzUser  GET /healthz on the same fixed pace: the framework's ceiling.

Every save's outcome is logged with the return, the version sent, the version acknowledged and
the full content sent, so that returns_load.py can check afterwards that every acknowledged save
is in the database.
"""

from __future__ import annotations

import atexit
import datetime
import itertools
import json
import os
import random
import re
import time
from typing import Any, ClassVar

import gevent
from locust import FastHttpUser, events, task

SPEC: dict[str, Any] = {}
if os.environ.get("MAQA_BENCH_SPEC"):
    with open(os.environ["MAQA_BENCH_SPEC"], encoding="utf-8") as spec_file:
        SPEC = json.load(spec_file)

RUN = os.environ.get("MAQA_BENCH_RUN", str(os.getpid()))  # keeps texts unique across runs
VERSION_IN_PAGE = re.compile(r'name="version" value="(\d+)"')
_SLOTS = itertools.count()  # which auditor of the spec the next user plays


class _Log:
    """One JSON line per request, buffered; flushed when locust quits."""

    def __init__(self, path: str | None) -> None:
        self.file = open(path, "a", encoding="utf-8", buffering=1 << 16) if path else None  # noqa: SIM115

    def write(self, **record: Any) -> None:
        if self.file is not None:
            self.file.write(json.dumps(record, separators=(",", ":")) + "\n")

    def close(self) -> None:
        if self.file is not None and not self.file.closed:
            self.file.close()


LOG = _Log(os.environ.get("MAQA_BENCH_LOG"))
atexit.register(LOG.close)


@events.quitting.add_listener
def _close_log(**_kwargs: Any) -> None:
    LOG.close()


class _Pace:
    """Runs a user's task every ``interval`` seconds, from a random start within the first
    interval: N paced users make N / interval requests a second, whatever the latency (as long
    as it stays under the interval). A late answer does not cause a catch-up burst."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        gevent.sleep(random.uniform(0, interval))  # spread the users' starts
        self.next_at = time.time()

    def wait(self) -> float:
        now = time.time()
        self.next_at = max(self.next_at + self.interval, now)
        return self.next_at - now


class _Paced(FastHttpUser):
    abstract = True
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.pace = _Pace(float(SPEC.get("interval", 1.0)))

    def wait_time(self) -> float:
        return self.pace.wait()


class HealthzUser(_Paced):
    @task
    def healthz(self) -> None:
        started, clock = time.time(), time.perf_counter()
        status, error = 0, ""
        with self.client.get(
            "/healthz", name="healthz", catch_response=True, allow_redirects=False
        ) as response:
            status = response.status_code or 0
            if status == 200:
                response.success()
            else:
                error = f"HTTP {status}"
                response.failure(error)
        LOG.write(
            k="healthz",
            t=started,
            ms=(time.perf_counter() - clock) * 1000,
            st=status,
            ok=not error,
            err=error,
        )


class _Auditor(FastHttpUser):
    """An auditor signed in (session and CSRF cookies from the spec) with their own return."""

    abstract = True
    network_timeout = 30.0
    connection_timeout = 10.0
    questions: ClassVar[list[dict[str, Any]]] = SPEC.get("questions", [])
    free_text: ClassVar[list[str]] = SPEC.get("free_text", [])

    def on_start(self) -> None:
        slot = next(_SLOTS)
        auditors = SPEC["auditors"]
        if slot >= len(auditors):
            raise RuntimeError(f"more users than auditors in the spec ({len(auditors)})")
        me = auditors[slot]
        self.slot = slot
        self.ret = int(me["ret"])
        self.version = int(me["version"])
        self.csrf = str(me["csrf"])
        self.answers: dict[str, str] = {q["key"]: "" for q in self.questions}
        self.answers.update(me["answers"])
        self.texts: dict[str, str] = {key: me["texts"].get(key, "") for key in self.free_text}
        self.saves = 0
        origin = self.host or ""
        self.headers = {"Origin": origin, "Referer": f"{origin}/returns/{self.ret}/"}
        # The cookies go in as a header: maqa's cookies are Secure (DEBUG off), and this is
        # plain HTTP on the loopback. The server sends back the same session key each time.
        self.headers["Cookie"] = f"sessionid={me['session']}; csrftoken={self.csrf}"

    # What a save sends --------------------------------------------------------------------

    def _change_one(self) -> str:
        """Change one answer (a question or a free-text box) to a new value; its key."""
        self.saves += 1
        items = len(self.questions) + len(self.free_text)
        pick = random.randrange(items)
        if pick >= len(self.questions):
            key = self.free_text[pick - len(self.questions)]
            self.texts[key] = f"Bench note {RUN}.{self.slot}.{self.saves}: the plan was reviewed."
            return key
        question = self.questions[pick]
        key, kind, old = question["key"], question["kind"], self.answers[question["key"]]
        if question.get("choices"):
            value = random.choice([c for c in question["choices"] if c != old])
        elif kind == "number":
            value = str(int(old) % 99_999 + 1 if old.isdigit() else 1)
        elif kind == "date":
            day = datetime.date.fromisoformat(old) if old else datetime.date(2025, 12, 31)
            value = (day + datetime.timedelta(days=1)).isoformat()
        else:
            value = f"Bench answer {RUN}.{self.slot}.{self.saves}"
        self.answers[key] = value
        return str(key)

    def _content(self) -> dict[str, Any]:
        """The return's content as the server stores it after this save."""
        return {"answers": {k: v for k, v in self.answers.items() if v}, **self.texts}

    def save(self) -> None:
        changed = self._change_one()
        sent = self.version
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "version": str(sent),
            "autosave": "1",
            **self.answers,
            **self.texts,
        }
        headers = {
            **self.headers,
            "X-Requested-With": "fetch",
            "X-CSRFToken": self.csrf,
            "Accept": "application/json",
        }
        started, clock = time.time(), time.perf_counter()
        status, acked, error = 0, None, "interrupted"
        try:
            with self.client.post(
                f"/returns/{self.ret}/save/",
                name="save",
                data=data,
                headers=headers,
                catch_response=True,
                allow_redirects=False,
            ) as response:
                status = response.status_code or 0
                error = ""
                body: Any = None
                if "json" in (response.headers.get("Content-Type") or ""):
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                if (
                    status == 200
                    and isinstance(body, dict)
                    and isinstance(body.get("version"), int)
                ):
                    acked = int(body["version"])
                    if acked != sent + 1:
                        error = f"version went from {sent} to {acked}"
                elif status == 200:
                    error = "200 without a version"
                else:
                    message = body.get("error", "") if isinstance(body, dict) else ""
                    error = f"HTTP {status} {str(message)[:80]}".strip()
                if error:
                    response.failure(error)
                else:
                    response.success()
        except Exception as exc:  # logged below, then left to locust, which counts it
            error = f"{type(exc).__name__}: {exc}"[:120]
            raise
        finally:
            # Logged even if the user is stopped mid-request: such a save is "in doubt".
            LOG.write(
                k="save",
                t=started,
                ms=(time.perf_counter() - clock) * 1000,
                st=status,
                ok=acked is not None and not error,
                ret=self.ret,
                sent=sent,
                ver=acked,
                changed=changed,
                content=self._content(),
                err=error,
            )
        if acked is not None:
            self.version = acked
        else:
            self.open_page(resync=True)  # learn the version the server has now

    def open_page(self, *, resync: bool = False) -> None:
        name = "page (after a failed save)" if resync else "page"
        started, clock = time.time(), time.perf_counter()
        status, error, seen = 0, "interrupted", None
        try:
            with self.client.get(
                f"/returns/{self.ret}/",
                name=name,
                headers=self.headers,
                catch_response=True,
                allow_redirects=False,
            ) as response:
                status = response.status_code or 0
                match = VERSION_IN_PAGE.search(response.text or "") if status == 200 else None
                error = ""
                if match is None:
                    error = f"HTTP {status}" if status != 200 else "page without the return form"
                    response.failure(error)
                else:
                    seen = int(match.group(1))
                    if seen != self.version and not resync:
                        error = f"page shows version {seen}, last acknowledged {self.version}"
                        response.failure(error)
                    else:
                        response.success()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:120]
            raise
        finally:
            LOG.write(
                k="page",
                t=started,
                ms=(time.perf_counter() - clock) * 1000,
                st=status,
                ok=not error,
                ret=self.ret,
                ver=seen,
                resync=resync,
                err=error,
            )
        if seen is not None:
            self.version = seen


class StepSaver(_Auditor):
    """Autosaves on a fixed pace (see _Pace)."""

    def on_start(self) -> None:
        super().on_start()
        self.pace = _Pace(float(SPEC.get("interval", 1.0)))

    def wait_time(self) -> float:
        return self.pace.wait()

    @task
    def autosave(self) -> None:
        self.save()


class SoakAuditor(_Auditor):
    """Autosaves every save_every +/- jitter seconds; opens the return page every page_every."""

    def on_start(self) -> None:
        super().on_start()
        soak = SPEC["soak"]
        self.save_every, self.jitter = float(soak["save_every"]), float(soak["jitter"])
        self.page_every = float(soak["page_every"])
        now = time.time()
        # A random point of the cycle: the page has been open a while, the first save is due
        # within one save interval and the next page load within one page interval.
        self.next_save = now + random.uniform(0, self.save_every)
        self.next_page = now + random.uniform(0, self.page_every)

    def wait_time(self) -> float:
        return max(0.0, min(self.next_save, self.next_page) - time.time())

    @task
    def next_due(self) -> None:
        now = time.time()
        if now >= self.next_page:
            self.next_page += self.page_every
            self.open_page()
        if time.time() >= self.next_save:
            self.next_save += random.uniform(
                self.save_every - self.jitter, self.save_every + self.jitter
            )
            self.save()
