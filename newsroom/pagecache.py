"""
The article page for readers with nothing of their own on it, served whole from a
cache: one query (the article and its discussion version), no template rendering.

Such a reader's page differs from everyone else's in two values only, the CSRF
token and the comment form's stamp. The page is rendered once per version with
marks in their place and kept as a head (everything up to the first mark) and a
tail (the rest of the form and the footer, a few kilobytes). Each answer is the
head, kept compressed, followed by the tail with this reader's values filled in,
compressed on its own.

That split is also the guard against BREACH: compressed, the head ends on a
flushed deflate block and the tail starts a fresh compressor, so the token is
never compressed in the same window as text readers wrote.

The key holds everything the page is made of: the article's discussion version
(PostgreSQL bumps it on any change to its comments, and rule changes bump them
all), the article's last edit, the address, the order of the comments (each is a
page of its own: comments.discussion.sort_of), the reader's language, the sign-in
methods offered, and a
digest of the templates, static files and code, so a deploy never serves pages of
the release before. Comments closing with age is a moment, not a change: an entry
knows until when it is open.
"""

import datetime
import functools
import hashlib
import re
import secrets
import struct
import threading
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language

from comments.caching import cache_for_a_while, cached
from comments.discussion import counts_are_fresh, sort_of
from comments.forms import make_stamp
from comments.identity import offered_methods
from comments.models import DiscussionVersion
from newsroom.models import Article

# Entries kept in each process on top of the shared cache: a hit then costs no
# network round trip to Redis and no unpickling of half a megabyte.
LOCAL_ENTRIES = 16
# gzip's header: magic, deflate, no flags, no mtime, no extra flags, OS unknown.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"

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
    # Only the compressed head is kept (33 KB rather than 578 KB for 1,000
    # comments): the few clients that take no gzip get it inflated, once per
    # process.
    head_gzip: bytes  # gzip header and head, ending on a flushed block
    head_crc: int
    head_size: int
    # Literal text and the names of the values to fill in, in turn: text, name,
    # text, name, …, text. Just one text when the page has no form.
    tail: tuple[str, ...]
    # The discussion's likes counter when rendered, and when: its like counts are
    # shown for a while after they changed (comments.discussion.counts_are_fresh).
    likes: int = 0
    rendered_at: float = 0.0

    @classmethod
    def from_rendering(
        cls, html: str, marks: dict[str, str], etag: str, open_until, likes: int
    ) -> "SharedPage":
        # The marks are random for each rendering: no reader's text holds them.
        names = {mark: name for name, mark in marks.items()}
        parts = re.split(f"({'|'.join(marks.values())})", html)
        parts[1::2] = [names[mark] for mark in parts[1::2]]
        head = parts[0].encode()
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        head_gzip = (
            GZIP_HEADER
            + compressor.compress(head)
            + compressor.flush(zlib.Z_SYNC_FLUSH)
        )
        return cls(
            etag,
            open_until,
            head_gzip,
            zlib.crc32(head),
            len(head),
            tuple(parts[1:]),
            likes,
            time.time(),
        )

    @functools.cached_property
    def head(self) -> bytes:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(self.head_gzip)

    def is_current(self, now: datetime.datetime) -> bool:
        return self.open_until is None or now <= self.open_until

    def body(self, values: dict[str, str], *, compressed: bool) -> bytes:
        tail = "".join(
            values[part] if index % 2 else part
            for index, part in enumerate(self.tail, start=1)
        ).encode()
        if not compressed:
            return self.head + tail
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        size = (self.head_size + len(tail)) & 0xFFFFFFFF
        return b"".join(
            [
                self.head_gzip,
                compressor.compress(tail),
                compressor.flush(),
                struct.pack("<II", zlib.crc32(tail, self.head_crc), size),
            ]
        )


def article_page(request, slug: str, render) -> HttpResponse:
    """
    The shared page of the article with this slug at this address, for readers who
    share it (comments.discussion.shares_page). `render(marks)` renders the page
    with the marks in place of the token and the stamp, and returns the response
    and its Discussion (for the ETag, and until when comments are open).
    """
    state = published_state(slug)
    if state is None or not request.path.startswith(state.get_absolute_url()):
        raise Http404("No article at this address.")
    # The sign-in buttons come from the environment, which a restart may change.
    sign_in = ",".join(method.id for method in offered_methods())
    key = (
        f"page:{BUILD}:{sign_in}:{state.pk}:{state.version}:"
        f"{state.updated_at.timestamp()}:{request.path}:{sort_of(request)}:"
        f"{get_language()}"
    )
    now = timezone.now()
    entry = _local.get(key) or cached(key)
    if (
        entry is None
        or not entry.is_current(now)
        or not counts_are_fresh(entry.likes, entry.rendered_at, state.likes)
    ):
        marks = {"token": mark(), "stamp": mark()}
        response, discussion = render(marks)
        if response.status_code != 200:
            return response
        entry = SharedPage.from_rendering(
            response.content.decode(),
            marks,
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
        return not_modified
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        entry.body(
            {"token": get_token(request), "stamp": make_stamp(state.pk)},
            compressed=compressed,
        )
    )
    if compressed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    return revalidated(response, entry.etag)


def revalidated(response: HttpResponse, etag: str) -> HttpResponse:
    """
    A page answered with an ETag. It holds this reader's CSRF token: browsers may
    keep it, shared caches may not, and every use asks us first.
    """
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def published_state(slug: str) -> Article | None:
    """
    The published article with this slug, with only what the cache key needs: its
    id, dates and discussion version. Written in SQL because it runs for every
    reader: through the ORM it costs ~0.5 ms of CPU, a third of a cached page.
    Routed as the ORM's reads are: to the replica, when the request allows it.
    """
    articles = Article._meta.db_table
    versions = DiscussionVersion._meta.db_table
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.id, a.published_at, a.updated_at, coalesce(v.version, 0),
                coalesce(v.likes, 0)
            FROM {articles} a LEFT JOIN {versions} v ON v.article_id = a.id
            WHERE a.slug = %s AND a.status = %s AND a.published_at <= now()
            """,  # noqa: S608 - table names from the models, values as parameters
            [slug, Article.Status.PUBLISHED],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, published_at, updated_at, version, likes = row
    article = Article(
        pk=pk, slug=slug, published_at=published_at, updated_at=updated_at
    )
    article.version = version
    article.likes = likes
    return article


def mark() -> str:
    return f"shared-page-{secrets.token_hex(16)}"
