"""maqa settings: every deployment setting comes from the environment (see .env.example)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
import django_stubs_ext
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import dev_secret, env_bool, env_int, env_list, env_str

# ModelForm[...] and friends at run time (the types are for mypy --strict).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MAQA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

# In development the secret is generated once into var/ (never committed); production sets it.
# Outside development (DEBUG off) a missing secret is an error, not a quietly generated file:
# MAQA_DEV_SECRETS=true allows the generated ones there too (the test suite sets it).
DEV_SECRETS = DEBUG or env_bool("MAQA_DEV_SECRETS", False)


def _secret(name: str, filename: str, generate: Callable[[], str] | None = None) -> str:
    value = env_str(name)
    if value:
        return value
    if not DEV_SECRETS:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off (see .env.example and docs/operations.md)."
        )
    return dev_secret(VAR_DIR, filename, generate)


SECRET_KEY = _secret("SECRET_KEY", "secret_key")

# Key for the audit trail's HMAC chain. Kept outside the database on purpose: someone with database
# access alone must not be able to rewrite history.
AUDIT_HMAC_KEY = _secret("AUDIT_HMAC_KEY", "audit_hmac_key")

# Keys that wrap each audit's identifier key (Fernet keys, comma-separated). The first encrypts;
# the others still decrypt, for rotation (`maqa rotate-identifier-key`).
IDENTIFIER_KEYS = [
    key.strip()
    for key in _secret(
        "IDENTIFIER_KEYS", "identifier_key", lambda: Fernet.generate_key().decode()
    ).split(",")
    if key.strip()
]
# Where each audit's wrapped key lives: outside the database, so that a database dump or backup
# never holds what is needed to read identifiers, and closing an audit (deleting its key file)
# makes them unreadable for good.
IDENTIFIER_KEYSTORE_DIR = Path(env_str("IDENTIFIER_KEYSTORE_DIR", str(VAR_DIR / "keys")))
# Files attached to actions as evidence: outside the web root, served only through a view.
EVIDENCE_DIR = Path(env_str("EVIDENCE_DIR", str(VAR_DIR / "evidence")))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies in front of maqa append to X-Forwarded-For (0: use REMOTE_ADDR).
NUM_PROXIES = env_int("NUM_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "maqa.core",
    "maqa.accounts",
    "maqa.organisations",
    "maqa.notify",
    "maqa.tools",
    "maqa.audits",
    "maqa.returns",
    "maqa.panel",
    "maqa.findings",
    "maqa.briefings",
    "maqa.actions",
    "maqa.lifecycle",
    "maqa.suggestions",
    "maqa.importers",
    "maqa.trends",
    "maqa.search",
    "maqa.reports",
    "maqa.onboarding",
    "maqa.home",
    "maqa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "maqa.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maqa.home.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ by default; PostgreSQL in production through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'maqa.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE takes the write lock when a transaction starts, so two writers never both read the
    # audit chain's head and then collide; timeout waits for the lock instead of failing at once.
    # secure_delete: deleted or overwritten content is zeroed, not left in free pages of the file.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA secure_delete=ON;",
    }
    _db["CONN_MAX_AGE"] = 0
    _db["TEST"] = {"NAME": env_str("MAQA_SQLITE_TEST_NAME") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["maqa.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home:home"

# Sign-in lock-out: this many failures for one account from one address within the window.
LOCKOUT_FAILURES = env_int("LOCKOUT_FAILURES", 10)
LOCKOUT_WINDOW_MINUTES = env_int("LOCKOUT_WINDOW_MINUTES", 15)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)

# Idle timeout: the session cookie is renewed on every request and expires after this much quiet.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static" / "build", BASE_DIR / "static" / "src"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("MAQA_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}


def _email_settings(url: str) -> dict[str, object]:
    """EMAIL_URL: smtp://user:pass@host:port, smtp+tls://..., smtp+ssl://..., or console://."""
    parsed = urlparse(url)
    if parsed.scheme in ("console", ""):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme not in ("smtp", "smtp+tls", "smtp+ssl"):
        raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme: {parsed.scheme!r}")
    options = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or 25,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": parsed.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parsed.scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": int(options.get("timeout", ["10"])[0]),
    }


EMAIL_URL = env_str("EMAIL_URL", "console://")
globals().update(_email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "maqa <noreply@localhost>")
# Base address used in emailed links (invitations), e.g. https://maqa.example.org
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Security headers. Behind a reverse proxy that terminates TLS (docs/operations.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SILENCED_SYSTEM_CHECKS: list[str] = []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
WHITENOISE_MANIFEST_STRICT = False  # a file missing from the manifest is served unhashed, not a 500
