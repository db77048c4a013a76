"""
How long a comment keeps where it came from.

A comment's IP address and browser (user agent) serve moderation while the comment
is fresh: flood limits, IP bans, "the author's other comments". After
COMMENT_IP_RETENTION_DAYS nobody needs them, so they are cleared; the comment itself
stays as it is.

Who clears them: the task worker runs `privacy.tasks.clear_old_comment_ips` when
it starts and every hour after (see `comments.tasks.keep_scheduled`); sites that
prefer cron run `manage.py clear_old_comment_ips`. Both come here, so the rules are one:

- cheap: the comments still to clear are found through an index that holds only
  comments with an address (comment_address_kept_idx), so a run reads what it
  clears, not the millions of comments cleared before;
- batched: one short UPDATE per BATCH_SIZE comments, each its own transaction, so
  no run holds many row locks or one long transaction;
- once at a time: a run takes an advisory lock and a second run beside it (two
  workers, the worker and cron) returns at once;
- idempotent: a run cut short leaves the rest to the next, which starts over.

No reader sees an address or a browser, so clearing them bumps no discussion
version (comments/migrations/0026) and purges no cached page.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from comments.models import Comment

BATCH_SIZE = 5000
# The advisory lock of a clearing run: (space, key), apart from the worker locks.
LOCK = (0x6E770002, 1)


def cutoff(now: datetime | None = None) -> datetime:
    """Comments posted before this moment have kept their address long enough."""
    days = settings.COMMENT_IP_RETENTION_DAYS
    return (now or timezone.now()) - timedelta(days=days)


def clear_old_addresses(
    now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> int | None:
    """
    Clear the IP address and user agent of every comment older than `cutoff()`.
    Return how many comments were cleared, or None when another run is at it.
    """
    before = cutoff(now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK)
        [(locked,)] = cursor.fetchall()
    if not locked:
        return None
    cleared = 0
    try:
        while True:
            batch = (
                Comment.objects.keeping_addresses()
                .filter(created_at__lt=before)
                .order_by("created_at")
                .values("pk")[:batch_size]
            )
            count = Comment.objects.filter(pk__in=batch).update(
                ip_address=None, user_agent=""
            )
            cleared += count
            if count < batch_size:
                return cleared
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", LOCK)
