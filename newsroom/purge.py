"""
Purging HTTP caches in front of the site when an article's pages change.

Anonymous pages say `Cache-Control: public, s-maxage=…` and name their article in
`Surrogate-Key`/`Cache-Tag` (newsroom.pagecache). When what every reader sees of a
discussion changes (an approved comment posted, edited or deleted, a comment
approved or taken down, the rules changed: comments migration 0026) or the article
is edited, PostgreSQL announces the article's id on the "newsroom_purge" channel as
the change commits (migrations comments 0021, newsroom 0005), whichever app server
or admin or import made it. A held comment, its edits and its rejection change
nothing there and announce nothing. `manage.py purge_http_cache` listens, gathers
what is announced within COALESCE_SECONDS of the first into one purge, each
article once, and tells each cache in HTTP_CACHE_PURGE:

- "nginx+http://127.0.0.1:8081": deploy/nginx.conf's purge listener
  (ngx_cache_purge, Debian's libnginx-mod-http-cache-purge). nginx keys its copies
  by address, language and chosen order, so each is purged by name: every
  address of the article (its page, pages of comments, orders, feed) in every
  language and order. Debian's module (2.3) purges exact keys only, no prefix: an
  article with one page of comments is 13 addresses × 3 languages × 4 orders, 156
  requests a purge, most of them answered 404 (nothing kept).
- "varnish+http://127.0.0.1:6081": a `BAN` request naming the article in
  `X-Purge-Tags`; deploy/varnish.vcl bans every object whose Surrogate-Key holds it.
- "hook:package.module.function": called with the tags, for a CDN's API (Fastly:
  POST /service/<id>/purge with a Surrogate-Key header; Cloudflare: POST
  /zones/<id>/purge_cache with {"tags": [...]}).

Should the listener be down, caches serve pages at most SHARED_CACHE_SECONDS old.
"""

import http.client
import logging
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.urls import reverse
from django.utils.module_loading import import_string

from articles.models import Article
from comments.discussion import SORTS
from comments.models import Comment, DiscussionSettings, page_count
from readers.caching import purge_tag

log = logging.getLogger(__name__)

CHANNEL = "newsroom_purge"
# Changes announced within this many seconds of the first are purged together,
# each article once: a bulk moderation of 500 comments, or a busy discussion's
# comments and edits, is one purge of the article, not one each. A window from the
# first, not from the last, so a steady stream of changes can't put purging off:
# an article is purged at most about once per window, at most a window late.
COALESCE_SECONDS = 2.0
# How long a purge waits for the replica to have the change (replica_caught_up).
REPLICA_WAIT_SECONDS = 5.0
# What nginx keys a copy by when the reader has no order cookie
# (deploy/nginx.conf: $newsroom_sort).
NO_SORT = "-"


def addresses(article: Article) -> list[str]:
    """Every address at which a cache may hold a page of the article."""
    base = article.get_absolute_url()
    rules = DiscussionSettings.load()
    pages = [base]
    if rules.page_comments:
        # Threads as readers' pages count them (a removed comment kept for its
        # replies starts one too), from the list everyone is shown.
        everyone = Comment.objects.thread(article, AnonymousUser())
        count = page_count(everyone, rules.comments_per_page)
        # One more: the page a new comment may just have opened.
        pages += [f"{base}comment-page-{n}/" for n in range(1, count + 2)]
    ordered = [f"{page}?sort={sort}" for page in pages for sort in SORTS]
    # The API's answers that every reader shares (api.views): the article and
    # the first page of its comments (later pages, by cursor, are purged by tag).
    api = [
        reverse("api-1:article", args=[article.pk]),
        reverse("api-1:comments", args=[article.pk]),
    ]
    return pages + ordered + [article.get_feed_url(), *api]


class Nginx:
    """deploy/nginx.conf's purge listener: each copy purged by its key."""

    def __init__(self, url: str):
        self.location = urlsplit(url)

    def __call__(self, articles: list[Article]) -> None:
        languages = [code for code, _ in settings.LANGUAGES]
        sorts = [NO_SORT, *SORTS]
        host, port = self.location.hostname or "", self.location.port or 80
        server = http.client.HTTPConnection(host, port, timeout=10)
        try:
            for article in articles:
                for address in addresses(article):
                    for language in languages:
                        for sort in sorts:
                            server.request("GET", f"/purge/{language}/{sort}{address}")
                            answer = server.getresponse()
                            answer.read()
                            # 404: nothing was kept under that key.
                            if answer.status not in (200, 404):
                                raise OSError(f"nginx purge answered {answer.status}")
        finally:
            server.close()


class Varnish:
    """A BAN of every object tagged with the articles (deploy/varnish.vcl)."""

    def __init__(self, url: str):
        self.location = urlsplit(url)

    def __call__(self, articles: list[Article]) -> None:
        host, port = self.location.hostname or "", self.location.port or 80
        server = http.client.HTTPConnection(host, port, timeout=10)
        try:
            tags = " ".join(purge_tag(article.pk) for article in articles)
            server.request("BAN", "/", headers={"X-Purge-Tags": tags})
            answer = server.getresponse()
            answer.read()
            if answer.status != 200:
                raise OSError(f"Varnish BAN answered {answer.status}")
        finally:
            server.close()


class Hook:
    """A function of the site's own, given the articles' tags (a CDN's API)."""

    def __init__(self, path: str):
        self.function: Callable[[list[str]], None] = import_string(path)

    def __call__(self, articles: list[Article]) -> None:
        self.function([purge_tag(article.pk) for article in articles])


def configured() -> list[Callable[[list[Article]], None]]:
    """The caches HTTP_CACHE_PURGE names, each a callable given the articles."""
    caches: list[Callable[[list[Article]], None]] = []
    for entry in settings.HTTP_CACHE_PURGE:
        kind, _, where = entry.partition("+")
        if kind == "nginx":
            caches.append(Nginx(where))
        elif kind == "varnish":
            caches.append(Varnish(where))
        elif entry.startswith("hook:"):
            caches.append(Hook(entry.removeprefix("hook:")))
        else:
            raise ValueError(f"HTTP_CACHE_PURGE: unknown cache {entry!r}")
    return caches


def purge(article_ids: Iterable[int], caches=None) -> None:
    """Purge the articles' pages from every cache; one failing stops no other."""
    articles = list(Article.objects.filter(pk__in=set(article_ids)))
    for cache in configured() if caches is None else caches:
        try:
            cache(articles)
        except Exception:
            log.exception("Purging %s from %r failed", article_ids, cache)


def announced(timeout: float | None = None) -> set[int]:
    """
    The ids of the articles announced on CHANNEL, waiting up to `timeout` seconds
    for a first one and gathering those announced within COALESCE_SECONDS of it.
    """
    connection.ensure_connection()
    raw = connection.connection
    ids = {
        int(notice.payload) for notice in raw.notifies(timeout=timeout, stop_after=1)
    }
    if ids:
        ids |= {
            int(notice.payload) for notice in raw.notifies(timeout=COALESCE_SECONDS)
        }
    return ids


def replica_caught_up(timeout: float = REPLICA_WAIT_SECONDS) -> bool:
    """
    Wait until the replica has replayed what the primary has written so far: a
    page purged before that would be rendered again from the replica as it was,
    and kept. True at once without a replica.
    """
    if "replica" not in connections.databases:
        return True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (written,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    log.warning("The replica is %s s behind: purging anyway", timeout)
    return False


def listen(forever: bool = True) -> None:
    """Listen on CHANNEL in autocommit and purge what is announced."""
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {CHANNEL}")
    while True:
        if ids := announced(timeout=60):
            log.info("Purging articles %s", sorted(ids))
            replica_caught_up()
            purge(ids)
        if not forever:
            return
