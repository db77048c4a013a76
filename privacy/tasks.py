"""
The worker's hourly round: clearing the IP addresses of old comments
(privacy.retention). The worker queues it when it starts
(newsroom/management/commands/db_worker.py, PERIODIC_TASKS) and each run queues
the next (comments.tasks.keep_scheduled).
"""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from comments.tasks import keep_scheduled
from privacy import retention

HOUSEKEEPING_INTERVAL = timedelta(hours=1)


@task
def clear_old_comment_ips() -> str:
    """
    Clear the addresses of comments past COMMENT_IP_RETENTION_DAYS, every hour.
    The next run is queued first, so a failure here never ends the round.
    """
    keep_scheduled(
        clear_old_comment_ips, run_after=timezone.now() + HOUSEKEEPING_INTERVAL
    )
    cleared = retention.clear_old_addresses()
    if cleared is None:
        return "another run is at it"
    return f"{cleared} comment(s) cleared"
