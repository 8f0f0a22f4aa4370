"""Settings for the test suite: production settings with the few changes tests need.

The database still comes from DATABASE_URL, so the same suite runs on SQLite and PostgreSQL.
Production behaviour that tests must not lose (argon2, lock-out, CSP) stays as it is.
"""

import os

# The suite runs with DEBUG off (as pytest-django does) on the generated development secrets.
# Set before the production settings are read; subprocesses the tests start inherit it.
os.environ.setdefault("MAQA_DEV_SECRETS", "true")

from config.settings import *  # noqa: F403
from config.settings import STORAGES

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

# Evidence files of actions go to a directory of this test run, never var/evidence (tests that
# look at the files point it at their own tmp_path).
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

EVIDENCE_DIR = Path(tempfile.mkdtemp(prefix="maqa-test-evidence-"))
