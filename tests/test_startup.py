"""Start-up stays cheap: the heavy libraries load when first used, not with the URLconf or commands.

WeasyPrint and matplotlib alone cost about three seconds of CPU at import; every `maqa` command
(and every gunicorn worker) paid for them before they were made lazy. The check runs in a fresh
interpreter, since this test run's own sys.modules has them all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Import them inside the function that needs them (or a small cached loader), never at the top
# of a module that the URLconf or a management command imports.
HEAVY = [
    "weasyprint",
    "matplotlib",
    "pdfminer",
    "docx",
    "onnxruntime",
    "tokenizers",
    "sklearn",
    "scipy",
    "numpy",
    "openpyxl",
]

CODE = """
import json, sys
import django
django.setup()
from django.core.management import get_commands, load_command_class
from django.urls import get_resolver
import config.urls
get_resolver().url_patterns  # every app's urls and views
commands = get_commands()
for name, app in commands.items():
    load_command_class(app, name)
print(json.dumps({"commands": len(commands), "loaded": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def test_the_urlconf_and_the_commands_load_no_heavy_library(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MAQA_DEV_SECRETS": "true",
        "MAQA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{CODE}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["commands"] > 20  # a guard: maqa's and Django's commands were all loaded
    assert out["loaded"] == [], "imported at start-up; import them where they are used"
