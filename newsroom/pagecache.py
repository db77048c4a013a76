"""
The article page for readers with nothing of their own on it: one page, byte for
byte, for all of them, so any HTTP cache may keep it (nginx, Varnish, a CDN), and
served whole from our own cache otherwise: one query (the article and its
discussion version), no template rendering.

Nothing in it is any reader's, whoever asked for it (`as_anyone`: a signed-in
reader whose script fills in their part gets it too): no CSRF token (its forms
are protected by where they come from, readers.crossorigin) and no form stamp
(its script fetches one, comments.views.stamp). It is kept compressed, and
inflated once per process for the few clients that take no gzip.

The key holds everything the page is made of: the article's discussion version
(PostgreSQL bumps it on any change to its comments, and rule changes bump them
all), the article's last edit, the address, its variant (the reader's language
and order of the comments: comments.discussion.variant_of), the sign-in
methods offered, and a digest of the templates, static files and code, so a deploy
never serves pages of the release before. Comments closing with age is a moment,
not a change: an entry knows until when it is open.

What HTTP caches are told (readers.caching.shared_cache_headers): keep it for
SHARED_CACHE_SECONDS, serve it stale while asking again, and the article it shows,
by which newsroom.purge throws it away when its discussion changes.
"""

import contextlib
import datetime
import functools
import gzip
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers

from articles.models import Article
from comments.discussion import VARIANT_COOKIES, counts_are_fresh, variant_of
from readers.caching import cache_for_a_while, cached, shared_cache_headers
from readers.identity import offered_methods
from readers.statements import MARKED_TIME, Statement, compiled

# Entries kept in each process on top of the shared cache: a hit then costs no
# network round trip to Redis and no unpickling of half a megabyte.
LOCAL_ENTRIES = 16

_local: dict[str, "SharedPage"] = {}
_local_lock = threading.Lock()  # threaded servers (runserver, gthread workers)


def _build_digest() -> str:
    """A digest of what renders the page, so one release never serves another's."""
    digest = hashlib.blake2b(digest_size=8)
    base = settings.BASE_DIR
    for folder, pattern in [
        ("templates", "**/*.html"),
        ("static", "**/*"),
        ("newsroom", "**/*.py"),
        ("articles", "**/*.py"),
        ("comments", "**/*.py"),
    ]:
        for path in sorted((base / folder).glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


BUILD = _build_digest()


@dataclass(frozen=True)
class SharedPage:
    etag: str
    # When comments close with age, the moment this rendering stops being true.
    open_until: datetime.datetime | None
    # Only the compressed page is kept (33 KB rather than 578 KB for 1,000
    # comments).
    body_gzip: bytes
    # The discussion's likes counter when rendered, and when: its like counts are
    # shown for a while after they changed (comments.discussion.counts_are_fresh).
    likes: int = 0
    rendered_at: float = 0.0

    @classmethod
    def from_rendering(
        cls, html: bytes, etag: str, open_until, likes: int
    ) -> "SharedPage":
        # mtime=0: the same page compresses to the same bytes in every process.
        body_gzip = gzip.compress(html, compresslevel=6, mtime=0)
        return cls(etag, open_until, body_gzip, likes, time.time())

    @functools.cached_property
    def body(self) -> bytes:
        return gzip.decompress(self.body_gzip)

    def is_current(self, now: datetime.datetime) -> bool:
        return self.open_until is None or now <= self.open_until


def article_page(request, slug: str, render) -> HttpResponse:
    """
    The shared page of the article with this slug at this address, for readers who
    share it (comments.discussion.shares_page). `render()` renders the page and
    returns the response and its Discussion (for the ETag, and until when comments
    are open).
    """
    state = published_state(slug)
    if state is None or not request.path.startswith(state.get_absolute_url()):
        raise Http404("No article at this address.")
    # The sign-in buttons come from the environment, which a restart may change.
    sign_in = ",".join(method.id for method in offered_methods())
    key = (
        f"page:{BUILD}:{sign_in}:{state.pk}:{state.version}:"
        f"{state.updated_at.timestamp()}:{request.path}:{variant_of(request)}"
    )
    now = timezone.now()
    entry = _local.get(key) or cached(key)
    if (
        entry is None
        or not entry.is_current(now)
        or not counts_are_fresh(entry.likes, entry.rendered_at, state.likes)
    ):
        with as_anyone(request):
            response, discussion = render()
        if response.status_code != 200:
            return response
        entry = SharedPage.from_rendering(
            response.content,
            etag=discussion.etag,
            open_until=discussion.open_until,
            likes=discussion.likes,
        )
        cache_for_a_while(key, entry)
    with _local_lock:
        _local.pop(key, None)
        while len(_local) >= LOCAL_ENTRIES:
            del _local[next(iter(_local))]
        _local[key] = entry

    if not_modified := get_conditional_response(request, etag=entry.etag):
        response = not_modified
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(entry.body_gzip)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(entry.body)
    response["ETag"] = entry.etag
    # The page differs by the reader's language (Accept-Language, which Django's
    # LocaleMiddleware adds, or its cookie), and readers with a session get
    # their own: caches that follow Vary keep a copy per value, and those set up
    # as deploy/nginx.conf is key on the few cookies that matter instead.
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    return shared_cache_headers(response, state.pk, entry.open_until, now)


@contextlib.contextmanager
def as_anyone(request):
    """
    The request as a reader with nothing of their own, while the shared page is
    rendered: no account, no session, none of their cookies but the variant's.
    A signed-in reader's miss (comments.discussion.shares_page) so renders the
    page every reader gets, and fills the caches with it, never with their name,
    likes or held comments. The reader's own are back before the answer leaves.
    """
    saved = request.user, request.COOKIES, request.session
    request.user = AnonymousUser()
    request.COOKIES = {
        name: value for name, value in saved[1].items() if name in VARIANT_COOKIES
    }
    request.session = SessionBase()  # empty, never saved: no draft, no message
    try:
        yield
    finally:
        request.user, request.COOKIES, request.session = saved


def revalidated(response: HttpResponse, etag: str) -> HttpResponse:
    """
    A reader's own page, answered with an ETag: browsers may keep it, shared
    caches may not, and every use asks us first.
    """
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def published_state(slug: str) -> Article | None:
    """
    The published article with this slug, with only what the cache key needs: its
    id, dates and discussion version. Sent as SQL, since it runs for every
    reader: built through the ORM it cost ~0.5 ms of CPU, a third of a cached
    page; the SQL is published()'s own (published_statement). Routed as the ORM's
    reads are: to the replica, when the request allows it.
    """
    row = published_statement().row(Article, now=timezone.now(), slug=slug)
    if row is None:
        return None
    pk, published_at, updated_at, version, likes = row
    article = Article(
        pk=pk, slug=slug, published_at=published_at, updated_at=updated_at
    )
    article.version = version
    article.likes = likes
    return article


@functools.cache
def published_statement() -> Statement:
    """
    ArticleQuerySet.published() for one slug, with the discussion's version and
    likes counter, as SQL compiled once; its parameters are %(now)s and %(slug)s.
    """
    marks: dict[str, Any] = {
        "now": MARKED_TIME,
        "slug": "published-statement-slug-mark",
    }
    articles = (
        Article.objects.published(marks["now"])
        .filter(slug=marks["slug"])
        .order_by()
        .values_list(
            "id",
            "published_at",
            "updated_at",
            Coalesce("discussionversion__version", 0),
            Coalesce("discussionversion__likes", 0),
        )
    )
    return compiled(articles, "article", **marks)
