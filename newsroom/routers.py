"""
Which database a query goes to: the primary, or the streaming replica
(DATABASE_REPLICA_URL) for reads that may be a moment behind.

The request decides, once, in `newsroom.middleware.replica_reads`: a GET or HEAD
from a reader without a session who has not written anything in the last
READ_YOUR_WRITES_SECONDS may read the replica (anonymous pages, feeds, the live
count). Everything else reads the primary: signed-in readers, every POST, the
worker and management commands, and whatever a request reads inside a
transaction, which must see what that transaction wrote. Writes and migrations
only ever go to the primary.

A reader who has just posted carries a signed cookie for a few seconds, so the
page they are sent back to comes from the primary and shows what they wrote,
however far behind the replica is.

A replica that doesn't answer is no outage: reads go to the primary, and each
process tries the replica again REPLICA_RETRY_SECONDS later.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
RECENT_WRITE_COOKIE = "recent_write"
RECENT_WRITE_SALT = "newsroom.recent_write"

REPLICA_RETRY_SECONDS = 5

_may_read_replica: ContextVar[bool] = ContextVar("may_read_replica", default=False)
_replica_down_until = 0.0  # this process's, on the monotonic clock


@contextmanager
def replica_reads_allowed() -> Iterator[None]:
    """Reads in this block may go to the replica, when one is configured."""
    token = _may_read_replica.set(True)
    try:
        yield
    finally:
        _may_read_replica.reset(token)


def wrote_recently(request: HttpRequest) -> bool:
    """Whether the reader's browser wrote within READ_YOUR_WRITES_SECONDS."""
    return bool(
        request.get_signed_cookie(
            RECENT_WRITE_COOKIE,
            default="",
            salt=RECENT_WRITE_SALT,
            max_age=settings.READ_YOUR_WRITES_SECONDS,
        )
    )


def remember_write(response: HttpResponse) -> None:
    """Send this browser's next reads to the primary for a few seconds."""
    response.set_signed_cookie(
        RECENT_WRITE_COOKIE,
        "1",
        salt=RECENT_WRITE_SALT,
        max_age=settings.READ_YOUR_WRITES_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def replica_answers() -> bool:
    """
    Whether the replica's connection works, or can be made. Its health check is
    the one Django would run before the request's first query there anyway
    (CONN_HEALTH_CHECKS); a failure keeps this process off the replica for
    REPLICA_RETRY_SECONDS rather than making every reader wait on it.
    """
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    replica.close_if_health_check_failed()
    try:
        replica.ensure_connection()
    except DatabaseError:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        return False
    return True


class ReplicaRouter:
    """The primary for everything but the reads a request allowed on the replica."""

    def db_for_read(self, model, **hints) -> str:
        if (
            _may_read_replica.get()
            and REPLICA in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_answers()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows: the same objects

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
