"""Settings come from the environment: run manage.py as production would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # each test starts manage.py in a process of its own

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "news.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/newsroom_unused",
    "SECURE_PROXY_SSL_HEADER": "1",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "EMAIL_URL": "smtp://newsroom:secret@mail.example.com:587?tls=1",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = manage("check", env=PRODUCTION | {"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_production_without_a_mail_server():
    result = manage("check", "--deploy", env=PRODUCTION | {"EMAIL_URL": ""})
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_check_warns_behind_a_proxy_that_gives_everyone_its_address():
    result = manage("check", env=PRODUCTION | {"TRUSTED_PROXY_COUNT": "0"})
    assert "comments.W001" in result.stderr


def test_non_postgresql_database_url_is_refused():
    result = manage("check", env=PRODUCTION | {"DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_prepared_statements_are_switched_off_for_a_pooler():
    """DATABASE_PREPARED_STATEMENTS=0 tells psycopg to prepare nothing (None)."""
    show = "from django.conf import settings; print(settings.DATABASES['default'])"
    on = manage("shell", "-c", show, env=PRODUCTION)
    off = manage(
        "shell", "-c", show, env=PRODUCTION | {"DATABASE_PREPARED_STATEMENTS": "0"}
    )
    assert "'prepare_threshold': 0" in on.stdout
    assert "'prepare_threshold': None" in off.stdout


def test_apps_and_middleware_are_each_one_list():
    """Settings read top to bottom: nothing is added to these lists further down."""
    import ast

    tree = ast.parse((BASE_DIR / "newsroom" / "settings.py").read_text())
    assigned = [
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    for name in ("INSTALLED_APPS", "MIDDLEWARE"):
        assert assigned.count(name) == 1, name


def test_every_email_url_the_documentation_gives_works():
    from django.core.exceptions import ImproperlyConfigured

    from newsroom.settings import mailer_from_url

    readme = (BASE_DIR / "docs" / "configuration.md").read_text()
    forms = {
        "smtp://user:password@host:587?tls=1": (587, True, False),
        "smtps://user:password@host:465": (465, False, True),
        "smtp://host:25": (25, False, False),
    }
    for url, (port, use_tls, use_ssl) in forms.items():
        assert f"`{url}`" in readme
        options = mailer_from_url(url + ("&" if "?" in url else "?") + "timeout=2.5")
        assert options["OPTIONS"]["host"] == "host"
        assert (options["OPTIONS"]["port"], options["OPTIONS"]["timeout"]) == (
            port,
            2.5,
        )
        assert (options["OPTIONS"]["use_tls"], options["OPTIONS"]["use_ssl"]) == (
            use_tls,
            use_ssl,
        )
    assert mailer_from_url("smtp://host")["OPTIONS"]["timeout"] == 10
    for scheme in ("console", "dummy", "locmem"):
        assert mailer_from_url(f"{scheme}://")["BACKEND"].endswith(
            f".{scheme}.EmailBackend"
        )
    for bad in ("smtp://host:port", "smtp://host?timeout=soon", "smtp://", "ftp://h"):
        with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must look like"):
            mailer_from_url(bad)


def test_every_dependency_is_locked():
    """pyproject.toml's dependencies are in both lock files, with their hashes."""
    import re
    import tomllib

    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    wanted = {
        "requirements.lock": project["dependencies"],
        "requirements-dev.lock": project["dependencies"]
        + project["optional-dependencies"]["dev"],
    }
    for lock, requirements in wanted.items():
        text = (BASE_DIR / lock).read_text().lower()
        for requirement in requirements:
            name = re.split(r"[\[<>=~ ]", requirement, maxsplit=1)[0].lower()
            name = re.sub(r"[-_.]+", "-", name)
            # A pin may carry an environment marker (`; python_full_version < …`).
            pinned = rf"^{re.escape(name)}==\S+( ;[^\n]*)? \\$"
            assert re.search(pinned, text, re.M), (lock, name)


def test_an_email_url_it_cannot_read_stops_the_start_saying_why():
    result = manage("check", env=PRODUCTION | {"EMAIL_URL": "smtp://mail:submission"})
    assert result.returncode != 0
    assert "EMAIL_URL must look like smtp://" in result.stderr
