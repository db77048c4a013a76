"""How much one address may do in a while: reports and likes, counted in PostgreSQL."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone


def too_many_from(
    recent: QuerySet[Any],
    ip_address: str | None,
    limit: int,
    window: datetime.timedelta,
) -> bool:
    """
    Whether `ip_address` already did `limit` of these (rows with `ip_address` and
    `created_at`) in the last `window`. No address, no limit: the robot checks and
    the once-per-reader rule still hold.
    """
    if not ip_address:
        return False
    since = timezone.now() - window
    return recent.filter(ip_address=ip_address, created_at__gte=since).count() >= limit
