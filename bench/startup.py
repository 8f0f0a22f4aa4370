"""What starting maqa costs: the CPU of `django.setup()` alone, of `maqa help`, and their ratio.

    python bench/startup.py [--runs 7] [--warmup 1] [--root CHECKOUT]

Each command runs in a fresh interpreter, --runs times after --warmup uncounted runs; the runs
alternate (setup, help, URLconf, setup, help, ...) so that a machine whose speed drifts slows all
three alike. A run's CPU is the operating system's user + system seconds of that process; the
figures are the median, with the min and max. The ratio is the median of each round's
`maqa help` / `django.setup()`.

- `django.setup()`: `python -c` that sets up Django with maqa's settings (config.settings), and
  nothing else: the floor every command pays.
- `maqa help`: the `maqa` console script's `main()` (run as `python -m maqa.cli help`), which loads
  every management command's module to print its summary.
- URLconf: `django.setup()`, then the URLconf with every app's urls and views, as a gunicorn worker
  does on its first request.

--root runs another checkout's code (e.g. a `git worktree` of an older commit) with this
interpreter. Every run gets MAQA_DEV_SECRETS=true and a temporary MAQA_VAR_DIR, so no secret
need be set and your var/ is not touched. Nothing else is written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = "import django; django.setup()"
URLCONF = (
    "import django; django.setup()\n"
    "from django.urls import get_resolver\n"
    "get_resolver().url_patterns"
)
COMMANDS = {
    "django.setup()": ["-c", SETUP],
    "maqa help": ["-m", "maqa.cli", "help"],
    "URLconf": ["-c", URLCONF],
}


def cpu_seconds(args: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(user + system, wall) seconds of one run of the interpreter with ``args``."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 (this interpreter, our own arguments)
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{error.decode()}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the checkout to run (default: this)"
    )
    options = parser.parse_args()
    root = options.root.resolve()
    with tempfile.TemporaryDirectory(prefix="maqa-bench-startup-") as var_dir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MAQA_DEV_SECRETS": "true",
            "MAQA_VAR_DIR": var_dir,
        }
        cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
        wall: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for round_number in range(options.warmup + options.runs):
            for name, args in COMMANDS.items():
                seconds, elapsed = cpu_seconds(args, cwd=root, env=env)
                if round_number >= options.warmup:
                    cpu[name].append(seconds)
                    wall[name].append(elapsed)
    print(f"checkout: {root}")
    print(f"python: {sys.version.split()[0]}, {os.cpu_count()} CPUs, {options.runs} runs each")
    print(f"{'':<16} {'CPU median':>10} {'min':>7} {'max':>7} {'wall median':>12}")
    for name in COMMANDS:
        print(
            f"{name:<16} {statistics.median(cpu[name]):>9.3f}s {min(cpu[name]):>6.3f}s "
            f"{max(cpu[name]):>6.3f}s {statistics.median(wall[name]):>11.3f}s"
        )
    base = cpu["django.setup()"]
    for name in ("maqa help", "URLconf"):
        ratios = [a / b for a, b in zip(cpu[name], base, strict=True)]
        print(
            f"{name} / django.setup(): {statistics.median(ratios):.2f}"
            f" (min {min(ratios):.2f}, max {max(ratios):.2f})"
        )


if __name__ == "__main__":
    main()
