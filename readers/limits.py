"""How much one network may do in a while: reports and likes, counted in PostgreSQL."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone


def too_many_from(
    recent: QuerySet[Any],
    network: str,
    limit: int,
    window: datetime.timedelta,
) -> bool:
    """
    Whether `network` (readers.client_ip.network_key: an IPv6 /64 is one, so its
    many addresses don't make many limits) already did `limit` of these (rows
    with `network` and `created_at`) in the last `window`. No address, no limit:
    the robot checks and the once-per-reader rule still hold.
    """
    if not network:
        return False
    since = timezone.now() - window
    return recent.filter(network=network, created_at__gte=since).count() >= limit
