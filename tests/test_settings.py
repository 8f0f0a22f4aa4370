"""Settings: documented in .env.example, safe for production, sensible by default.

Several tests run Python in a subprocess with a clean environment, because the settings are read
once at import and pytest's own run may have changed them (conftest.py, pytest-django).
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.settings import _email_settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
ENV_EXAMPLE = ROOT / ".env.example"
ENV_READERS = {"env_str", "env_bool", "env_int", "env_list"}
NOT_LITERAL = object()  # a default worked out at run time, e.g. from MAQA_VAR_DIR
# Read by config/settings_test.py but set by the test runner, not by whoever deploys maqa.
RUNNER_VARIABLES = {"PYTEST_XDIST_WORKER"}


def _reads_in(path: Path) -> dict[str, object]:
    """Variable name -> default, for each env_*("NAME", ...) call in path; also os.environ reads."""
    reads: dict[str, object] = {}
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                reads[node.slice.value] = NOT_LITERAL
            continue
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue  # config/env.py's own readers take the name as an argument
        func = ast.unparse(node.func)
        if func in ENV_READERS:
            default: object = {"env_str": "", "env_bool": False, "env_list": []}.get(func)
            if len(node.args) > 1:
                try:
                    default = ast.literal_eval(node.args[1])
                except ValueError:
                    default = NOT_LITERAL
            reads[first.value] = default
        elif func in {"os.environ.get", "os.getenv", "_secret"}:
            reads[first.value] = NOT_LITERAL
    return reads


def _settings_reads() -> dict[str, object]:
    reads: dict[str, object] = {}
    for path in sorted(CONFIG_DIR.glob("*.py")):
        reads.update(_reads_in(path))
    return {name: default for name, default in reads.items() if name not in RUNNER_VARIABLES}


def _documented() -> dict[str, list[str]]:
    """Variable name -> the values .env.example gives it (`NAME=value` or `# NAME=value`)."""
    documented: dict[str, list[str]] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            documented.setdefault(match.group(1), []).append(match.group(2).strip())
    return documented


def _as_env_text(default: object) -> str:
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, list):
        return ",".join(str(item) for item in default)
    return str(default)


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Only PATH, MAQA_VAR_DIR and what the test sets: none of the test run's own variables."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MAQA_VAR_DIR": str(tmp_path), **extra}


def _python(code: str, env: dict[str, str]) -> str:
    """Set up Django with config.settings in a fresh interpreter, run code, return its stdout."""
    setup = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "django.setup(); from django.conf import settings\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", setup + code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _maqa_check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    maqa = Path(sys.executable).parent / "maqa"
    return subprocess.run(
        [str(maqa), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return _clean_env(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        AUDIT_HMAC_KEY=secrets.token_urlsafe(50),
        IDENTIFIER_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="maqa.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'maqa.sqlite3'}",
        **extra,
    )


# ---- .env.example cannot drift from the settings ---------------------------------------------


def test_it_finds_the_settings_it_reads() -> None:
    reads = _settings_reads()
    # A guard on the parser itself: if these vanish, the comparisons below prove nothing.
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "AUDIT_HMAC_KEY", "ALLOWED_HOSTS"} <= set(reads)
    assert reads["DEBUG"] is False
    assert reads["TIME_ZONE"] == "Europe/London"
    assert reads["MAQA_VAR_DIR"] is NOT_LITERAL


def test_it_documents_every_variable_the_settings_read_and_no_others() -> None:
    read = set(_settings_reads())
    documented = set(_documented())
    assert sorted(read - documented) == [], "read by config/ but missing from .env.example"
    assert sorted(documented - read) == [], "in .env.example but not read by config/"


def test_it_documents_each_variable_once() -> None:
    repeated = {name: values for name, values in _documented().items() if len(values) > 1}
    assert repeated == {}


def test_it_documents_the_defaults_the_settings_use() -> None:
    documented = _documented()
    wrong = {}
    for name, default in _settings_reads().items():
        # A default worked out at run time is described in the comment; the line stays empty.
        expected = "" if default is NOT_LITERAL else _as_env_text(default)
        if documented.get(name, [expected])[0] != expected:
            wrong[name] = (documented[name][0], expected)
    assert wrong == {}, "name: (in .env.example, default in config/settings.py)"


# ---- production settings pass Django's deployment checks ------------------------------------


def test_it_passes_the_deploy_check_with_production_settings(tmp_path: Path) -> None:
    result = _maqa_check_deploy(_production_env(tmp_path))
    output = result.stdout + result.stderr
    if "staticfiles.W004" in output:
        pytest.fail("static/build is missing: run `make install` (scripts/build-static) first")
    assert result.returncode == 0, output
    assert "no issues" in output


def test_it_fails_the_deploy_check_when_something_is_unsafe(tmp_path: Path) -> None:
    """The check above would prove nothing if warnings could not fail it."""
    result = _maqa_check_deploy(_production_env(tmp_path, SECURE_SSL_REDIRECT="false"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


# ---- EMAIL_URL ---------------------------------------------------------------------------------


def test_it_reads_an_smtp_url_with_credentials_and_port() -> None:
    email = _email_settings("smtp://user:pa%40ss@mail.example.org:2525")
    assert email == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "user",
        "EMAIL_HOST_PASSWORD": "pa@ss",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }


def test_it_reads_smtp_with_starttls_and_ssl() -> None:
    tls = _email_settings("smtp+tls://mailer:secret@smtp.example.org:587?timeout=30")
    assert tls["EMAIL_USE_TLS"] is True
    assert tls["EMAIL_USE_SSL"] is False
    assert tls["EMAIL_PORT"] == 587
    assert tls["EMAIL_TIMEOUT"] == 30
    ssl = _email_settings("smtp+ssl://smtp.example.org")
    assert ssl["EMAIL_USE_SSL"] is True
    assert ssl["EMAIL_USE_TLS"] is False
    assert ssl["EMAIL_PORT"] == 25
    assert ssl["EMAIL_HOST_USER"] == ""


def test_it_reads_console_as_the_console_backend() -> None:
    assert _email_settings("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


@pytest.mark.parametrize("url", ["smtps://mail.example.org", "sendgrid://key@api", "http://x"])
def test_it_refuses_an_unknown_email_scheme(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="unknown scheme"):
        _email_settings(url)


# ---- defaults ----------------------------------------------------------------------------------


def test_it_defaults_to_london_time_and_a_30_minute_idle_timeout(tmp_path: Path) -> None:
    out = _python(
        "import json; print(json.dumps([settings.TIME_ZONE, settings.SESSION_COOKIE_AGE, "
        "settings.SESSION_SAVE_EVERY_REQUEST, settings.DEBUG]))",
        _clean_env(tmp_path, MAQA_DEV_SECRETS="true"),
    )
    assert json.loads(out) == ["Europe/London", 1800, True, False]


def test_it_refuses_to_start_without_secrets_when_debug_is_off(tmp_path: Path) -> None:
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()"
    env = _clean_env(tmp_path, DEBUG="false")
    result = subprocess.run(
        [sys.executable, "-c", setup],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "secret_key").exists()
    with_key = subprocess.run(
        [sys.executable, "-c", setup],
        env={**env, "SECRET_KEY": "k" * 60},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "AUDIT_HMAC_KEY must be set when DEBUG is off" in with_key.stderr


def test_it_generates_the_development_secret_key_once_into_the_var_dir(tmp_path: Path) -> None:
    code = "print(settings.SECRET_KEY)"
    first = _python(code, _clean_env(tmp_path, DEBUG="true")).strip()
    second = _python(code, _clean_env(tmp_path, DEBUG="true")).strip()
    key_file = tmp_path / "secret_key"
    assert len(first) >= 50
    assert first == second == key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o777 == 0o600
    # Another var/ gets its own key: it is generated, not built in.
    other = tmp_path / "other"
    assert _python(code, _clean_env(other, DEBUG="true")).strip() != first


def test_it_keeps_var_out_of_git() -> None:
    ignored = {line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()}
    assert ignored & {"var/", "/var/", "var"}


def test_the_maqa_command_names_a_missing_secret_without_a_traceback(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _maqa_check_deploy(env)
    assert result.returncode == 2
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    maqa = Path(sys.executable).parent / "maqa"
    help_ = subprocess.run(
        [str(maqa), "help"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert help_.returncode == 2
    assert "SECRET_KEY must be set when DEBUG is off" in help_.stderr
    assert "Traceback" not in help_.stderr + help_.stdout


# ---- the maqa command in a development checkout ----------------------------------------------


def _maqa(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    maqa = Path(sys.executable).parent / "maqa"
    return subprocess.run(
        [str(maqa), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _needs_a_checkout() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not run from a git checkout")


def test_the_maqa_command_works_in_a_development_checkout_without_debug(tmp_path: Path) -> None:
    _needs_a_checkout()
    env = _clean_env(tmp_path)  # no DEBUG, no MAQA_DEV_SECRETS, no secrets
    check = _maqa(["check"], env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
    assert "generating development secrets" in check.stderr  # said once, when they are made
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    help_ = _maqa(["help"], env)
    assert help_.returncode == 0, help_.stdout + help_.stderr
    assert "parse-briefing" in help_.stdout
    assert help_.stderr == ""
    # DEBUG stays off: only the secrets are the development ones.
    settings = _maqa(
        ["shell", "-c", "from django.conf import settings; print(settings.DEBUG)"], env
    )
    assert settings.stdout.strip().splitlines()[-1] == "False", settings.stderr


@pytest.mark.parametrize(
    ("setting", "missing"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"MAQA_DEV_SECRETS": "false"}, "SECRET_KEY"),
        ({"DATABASE_URL": "postgres://maqa:password@127.0.0.1:5432/maqa"}, "SECRET_KEY"),
        ({"SECRET_KEY": "k" * 60}, "AUDIT_HMAC_KEY"),
    ],
)
def test_the_maqa_command_in_a_checkout_refuses_production_settings_without_secrets(
    tmp_path: Path, setting: dict[str, str], missing: str
) -> None:
    """Production runs from a git checkout too (docs/operations.md): any of these in the
    environment means the real settings, which must include the secrets."""
    _needs_a_checkout()
    for args in (["check"], ["help"]):
        result = _maqa(args, _clean_env(tmp_path, **setting))
        assert result.returncode == 2
        assert f"{missing} must be set when DEBUG is off" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "secret_key").exists()


def test_the_maqa_command_outside_a_checkout_refuses_to_start_without_secrets(
    tmp_path: Path,
) -> None:
    """An installed maqa (no .git beside pyproject.toml) needs DEBUG or the secrets."""
    code = (
        "import sys; from pathlib import Path; import maqa.cli as cli\n"
        f"cli.SOURCE_DIR = Path({str(tmp_path / 'installed')!r})\n"
        "sys.argv = ['maqa', 'check']; cli.main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(tmp_path / "var"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_gunicorn_refuses_to_start_without_secrets_even_in_a_checkout(tmp_path: Path) -> None:
    """config.wsgi (what gunicorn imports) never uses the generated secrets on its own: only
    DEBUG=true or MAQA_DEV_SECRETS=true allow them."""
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        env=_clean_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_a_development_checkout_is_a_git_checkout_with_no_production_settings(
    tmp_path: Path,
) -> None:
    from maqa.cli import PRODUCTION_SIGNS, development_checkout

    assert not development_checkout(tmp_path, {})  # an installed copy: no .git
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    assert not development_checkout(tmp_path, {})
    (tmp_path / ".git").mkdir()
    assert development_checkout(tmp_path, {})
    assert development_checkout(tmp_path, {"MAQA_VAR_DIR": "/tmp/maqa", "DEBUG": ""})
    for name in PRODUCTION_SIGNS:
        assert not development_checkout(tmp_path, {name: "false"}), name
    assert {"DEBUG", "SECRET_KEY", "AUDIT_HMAC_KEY", "IDENTIFIER_KEYS", "DATABASE_URL"} <= set(
        PRODUCTION_SIGNS
    )
