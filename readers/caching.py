"""
The cache of rendered discussions (Redis in production): a speed-up that may fail.

Its outage must not take pages down, so reading and writing it never raise: a
missing or unreachable cache means rendering afresh.

And what HTTP caches in front are told of an answer every reader shares (the
article page, its comments in the API): how long to keep it, and the tag it is
purged by (newsroom.purge).
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
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


def shared_cache_headers(
    response: HttpResponse,
    article_id: int,
    open_until: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> HttpResponse:
    """
    Tell HTTP caches they may keep the answer: browsers ask again each time
    (max-age=0, answered 304 by the ETag), shared caches keep it for
    SHARED_CACHE_SECONDS or until purged, never past the moment comments close,
    and may serve it stale while they ask again or while the site is down. The
    article it shows is named for purging by key: Surrogate-Key (Fastly,
    Varnish's xkey) and Cache-Tag (Cloudflare, Akamai).
    """
    seconds = settings.SHARED_CACHE_SECONDS
    if open_until is not None and now is not None:
        seconds = max(0, min(seconds, int((open_until - now).total_seconds())))
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={seconds}, "
        f"stale-while-revalidate={settings.SHARED_CACHE_STALE_SECONDS}, "
        f"stale-if-error={settings.SHARED_CACHE_STALE_IF_ERROR_SECONDS}"
    )
    tag = purge_tag(article_id)
    response["Surrogate-Key"] = tag
    response["Cache-Tag"] = tag
    return response


def purge_tag(article_id: int) -> str:
    """The name HTTP caches know an article's pages by, to purge them by it."""
    return f"article-{article_id}"
