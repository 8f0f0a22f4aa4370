"""Settings for the test suite: production settings with the few changes tests need.

The database still comes from DATABASE_URL, so the same suite runs on SQLite and PostgreSQL.
Production behaviour that tests must not lose (argon2, lock-out, CSP) stays as it is.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# The suite runs with DEBUG off (as pytest-django does) on the generated development secrets.
# Set before the production settings are read; subprocesses the tests start inherit it.
os.environ.setdefault("MAQA_DEV_SECRETS", "true")


def _test_var_dir() -> Path:
    """A directory of this test process for what maqa writes at run time, in place of var/.

    The development secrets are generated into it, and the audits' key files, evidence and media
    go there (below), so the suite never touches the developer's var/. Each pytest-xdist worker
    (PYTEST_XDIST_WORKER: gw0, gw1, ...) makes its own: audit numbers repeat across the workers'
    databases, so a shared keystore would let one worker destroy or reuse another's audit key.
    Subprocesses a test starts inherit it through MAQA_VAR_DIR (the same secrets as the test);
    it is removed when the process that made it exits.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER") or "main"
    inherited = Path(os.environ.get("MAQA_VAR_DIR") or "/nonexistent")
    if (
        inherited.name == f"var-{worker}"
        and inherited.parent.name.startswith("maqa-test-")
        and inherited.is_dir()
    ):
        return inherited
    run = Path(tempfile.mkdtemp(prefix="maqa-test-"))
    atexit.register(shutil.rmtree, run, ignore_errors=True)
    (run / f"var-{worker}").mkdir()
    return run / f"var-{worker}"


os.environ["MAQA_VAR_DIR"] = str(_test_var_dir())

from config.settings import *  # noqa: E402, F403
from config.settings import STORAGES, VAR_DIR  # noqa: E402

# The test client speaks plain HTTP, as the reverse proxy does to maqa in production.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Argon2 stays the hasher, with cheap parameters (maqa.testing.personas.FastArgon2) for speed.
PASSWORD_HASHERS = [
    "maqa.testing.personas.FastArgon2",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Files maqa keeps outside the database go to this process's directory, whatever the environment
# says (tests that look at the files point these at their own tmp_path).
IDENTIFIER_KEYSTORE_DIR = VAR_DIR / "keys"
EVIDENCE_DIR = VAR_DIR / "evidence"
MEDIA_ROOT = VAR_DIR / "media"
