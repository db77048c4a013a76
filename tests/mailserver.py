"""
A real SMTP server on 127.0.0.1 (aiosmtpd) and a real task worker, for the
notification tests.

`SmtpServer` keeps every message exactly as it received it (the bytes after DATA)
and can be stopped and started again on the same port, to play an outage.
`run_worker()` runs `manage.py db_worker --batch` in a subprocess against the test
database: the same claiming code, settings and mail backend as production; it works
off every task that is due, then exits.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
MAIL_ARTIFACTS = BASE_DIR / "test-artifacts" / "mail"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.received: list[dict] = []
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "raw": envelope.original_content,
            }
        )
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self, to: str | None = None) -> list[email.message.EmailMessage]:
        parsed = [
            email.message_from_bytes(item["raw"], policy=email.policy.default)
            for item in self.received
            if to is None or to in item["rcpt_tos"]
        ]
        return parsed

    def keep_sample(self, message, name: str) -> None:
        """Save a message as received, for people to read (test-artifacts/mail)."""
        MAIL_ARTIFACTS.mkdir(parents=True, exist_ok=True)
        raw = next(
            item["raw"]
            for item in self.received
            if email.message_from_bytes(item["raw"])["Message-ID"]
            == message["Message-ID"]
        )
        (MAIL_ARTIFACTS / f"{name}.eml").write_bytes(raw)


def test_database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"], safe="")
    return f"postgres://{db['USER']}@{host}:{db['PORT']}/{db['NAME']}"


def worker_command(**env: str) -> tuple[list[str], dict]:
    environment = (
        {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        | {
            "DEBUG": "1",
            "DATABASE_URL": test_database_url(),
            "SITE_URL": "http://testserver",
            "MAIL_RETRY_DELAY": "1",
            "NOTIFICATION_INTERVAL": "0",
            "DEFAULT_FROM_EMAIL": "Newsroom <news@newsroom.test>",
        }
        | env
    )
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0",
        "--verbosity=2",
    ]
    return command, environment


def run_worker(**env: str) -> subprocess.CompletedProcess:
    command, environment = worker_command(**env)
    result = subprocess.run(
        command,
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from django_tasks_db.models import DBTaskResult

    failures = [row.traceback for row in DBTaskResult.objects.failed()]
    assert not failures, "\n".join(failures)
    return result
