"""Take docs/screenshot.png: maqa with the demo data, signed in as the demo partnership admin.

    .venv/bin/python scripts/screenshot.py                 the People page (the default)
    .venv/bin/python scripts/screenshot.py --page home     the admin's home page
    .venv/bin/python scripts/screenshot.py --output /tmp/shot.png

It starts maqa on a throwaway SQLite database in a temporary directory (MAQA_VAR_DIR, so the
development database and secrets under var/ are not touched): `maqa migrate`, `maqa demo`, then
`maqa runserver` on a free port. Playwright drives Debian's chromium (/usr/bin/chromium) to sign
in through the sign-in form and take a 1280x800 screenshot. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_EMAIL = "admin@demo.test"
PAGES = {"people": "/manage/people/", "home": "/"}
VIEWPORT = {"width": 1280, "height": 800}


def maqa_command() -> str:
    """The `maqa` console script beside the running Python (the venv's), else the repo's venv."""
    beside = Path(sys.executable).parent / "maqa"
    return str(beside if beside.exists() else REPO / ".venv" / "bin" / "maqa")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def maqa(env: dict[str, str], *args: str) -> str:
    """Run a maqa command to completion; return what it printed."""
    done = subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [maqa_command(), *args], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"maqa {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"maqa runserver stopped at start (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (http://127.0.0.1)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    sys.exit(f"maqa runserver did not answer {url} within {timeout:.0f}s")


def screenshot(base_url: str, password: str, path: str, output: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
            page.goto(f"{base_url}/accounts/sign-in/")
            page.get_by_label("Email address").fill(ADMIN_EMAIL)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Hello,")
            page.goto(f"{base_url}{path}")
            page.wait_for_load_state("networkidle")
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output))
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--page", choices=sorted(PAGES), default="people")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "screenshot.png")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="maqa-screenshot-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MAQA_VAR_DIR": tmp,
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        }
        maqa(env, "migrate", "--no-input", "-v0")
        printed = maqa(env, "demo")
        found = re.search(r"password for all: (\S+?)\)", printed)
        if found is None:
            sys.exit(f"could not find the demo password in what `maqa demo` printed:\n{printed}")
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (our own console script, fixed arguments)
            [maqa_command(), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"{base_url}/healthz", server)
            screenshot(base_url, found.group(1), PAGES[options.page], options.output)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(f"wrote {options.output}")


if __name__ == "__main__":
    main()
