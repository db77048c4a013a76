"""
The cache of rendered discussions (Redis in production): a speed-up that may fail.

Its outage must not take pages down, so reading and writing it never raise: a
missing or unreachable cache means rendering afresh.
"""

import logging
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

# How long a rendered discussion stays in the cache. Its key names a version, so
# this is not about staleness: on a busy story every comment makes a new entry,
# and old ones should leave Redis within minutes rather than pile up for a day.
CACHE_SECONDS = 10 * 60

logger = logging.getLogger(__name__)


def cached(key: str) -> Any:
    """The cached value, or None, also when the cache is out of reach."""
    try:
        return cache.get(key)
    except (RedisError, OSError):
        logger.warning("cache unavailable, rendering without it", exc_info=True)
        return None


def cache_for_a_while(key: str, value: Any, seconds: int = CACHE_SECONDS) -> None:
    try:
        cache.set(key, value, seconds)
    except (RedisError, OSError):
        logger.warning("cache unavailable, not kept", exc_info=True)
