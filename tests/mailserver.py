"""
A real SMTP server on 127.0.0.1 (aiosmtpd) and a real task worker, for the
notification tests.

`SmtpServer` keeps every message exactly as it received it (the bytes after DATA)
and can be stopped and started again on the same port, to play an outage.
`run_worker()` runs `manage.py db_worker --batch` in a subprocess against the test
database: the same claiming code, settings and mail backend as production; it works
off every task that is due, then exits.
"""

import contextlib
import dataclasses
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
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
        self.refused: set[str] = set()  # recipients answered with a permanent 550
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

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


@contextlib.contextmanager
def running_workers(count: int, **env: str):
    """`count` long-running workers (as in production), stopped with SIGTERM."""
    command, environment = worker_command(**env)
    command = [c for c in command if c not in ("--batch", "--interval=0")]
    processes = [
        subprocess.Popen(
            [*command, "--interval=0.05", f"--worker-id=test-worker-{n}"],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def run_worker(**env: str) -> subprocess.CompletedProcess:
    return run_workers(1, **env)[0]


def run_workers(count: int, **env: str) -> list[subprocess.CompletedProcess]:
    """Run `count` workers at the same time, each in its own process, to the end."""
    command, environment = worker_command(**env)
    processes = [
        subprocess.Popen(
            [*command, f"--worker-id=test-worker-{n}"],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(count)
    ]
    results = []
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
        results.append(subprocess.CompletedProcess(command, 0, output, ""))
    from django_tasks_db.models import DBTaskResult

    failures = [row.traceback for row in DBTaskResult.objects.failed()]
    assert not failures, "\n".join(failures)
    return results


@dataclasses.dataclass
class Received:
    """A message as the SMTP server got it, in the shape of Django's outbox."""

    to: list[str]
    subject: str
    body: str


def deliver_queued_mail(smtp_server: SmtpServer) -> list[Received]:
    """
    Run the real worker (a `db_worker` process) over the queued tasks, sending to
    the test's SMTP server, and return what that server received. The rows the
    worker reads must be committed: use it in transactional tests.
    """
    result = run_worker(EMAIL_URL=smtp_server.url)
    assert result.returncode == 0, result.stdout
    return [
        Received(
            to=[address.addr_spec for address in message["To"].addresses],
            subject=str(message["Subject"]),
            body=message.get_body(preferencelist=("plain",)).get_content(),
        )
        for message in smtp_server.messages()
    ]
