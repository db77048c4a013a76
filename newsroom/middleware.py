"""
Response headers Django has no setting for, which answers caches may share,
compression, old addresses, and which database a request reads.
"""

import re
import secrets

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.middleware.gzip import GZipMiddleware

from comments.discussion import READER_COOKIE, variant_of
from comments.models import Comment
from newsroom import routers
from newsroom.models import Imported, OldAddress
from readers.cookies import AUTHOR_COOKIE, HELD_COOKIE


def permissions_policy(get_response):
    """Switch off browser features no page of ours uses (camera, location, …)."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def shared_as_named(get_response):
    """
    Let an answer say `Cache-Control: public` only when a cache in front keeps it
    under the key of what it is: the request names its variant exactly
    (comments.discussion.variant_of) and the answer sets no cookie (an order chosen
    by its link, remembered). Anything else is answered `private`, whatever the
    view said: a language cookie of zh-cn, which Django reads as Chinese and
    nginx's key as English, must not leave the Chinese page where English readers
    get theirs. Every public answer passes here: pages, feeds, the live count.
    """

    def middleware(request):
        response = get_response(request)
        directives = response.get("Cache-Control", "").lower().split(",")
        if "public" in {directive.strip() for directive in directives} and (
            response.cookies or not variant_of(request).exact
        ):
            response["Cache-Control"] = "private, no-cache"
            del response["Surrogate-Key"]
            del response["Cache-Tag"]
        return response

    return middleware


def replica_reads(get_response):
    """
    Let a GET or HEAD read the replica when the reader has nothing there to miss:
    no session (signed-in readers see their own state) and no write in the last
    few seconds (the replica may not have it yet). A successful POST, or any other
    unsafe method, marks the browser as having just written. See newsroom.routers.
    """

    def middleware(request):
        if request.method in ("GET", "HEAD"):
            if settings.SESSION_COOKIE_NAME in request.COOKIES or (
                routers.wrote_recently(request)
            ):
                return get_response(request)
            with routers.replica_reads_allowed():
                return get_response(request)
        response = get_response(request)
        if request.method != "OPTIONS" and response.status_code < 400:
            routers.remember_write(response)
        return response

    return middleware


OWN_STATE_COOKIES = {settings.SESSION_COOKIE_NAME, HELD_COOKIE, AUTHOR_COOKIE}


def reader_version(get_response):
    """
    Tell the page's script that what it keeps of the reader (who is signed in,
    their likes, where their held comments are: static/js/reader.js) may be out
    of date, by a new READER_COOKIE: after every write that succeeded (a comment,
    a like, signing in or out), whenever the session cookie changes (signing in
    with X or Facebook ends on a GET), and for a reader with state of their own
    from before the cookie existed. Readable by the script, proof of nothing.
    """

    def middleware(request):
        response = get_response(request)
        wrote = request.method not in ("GET", "HEAD", "OPTIONS")
        # Never on an answer caches may share: it would no longer be.
        unversioned = (
            READER_COOKIE not in request.COOKIES
            and bool(OWN_STATE_COOKIES & set(request.COOKIES))
            and "public" not in response.get("Cache-Control", "")
        )
        if (
            (wrote and response.status_code < 400)
            or settings.SESSION_COOKIE_NAME in response.cookies
            or unversioned
        ):
            response.set_cookie(
                READER_COOKIE,
                secrets.token_hex(4),
                max_age=365 * 24 * 3600,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response

    return middleware


class AnonymousGZipMiddleware(GZipMiddleware):
    """
    Compress responses for readers without a session, and only for them.

    BREACH recovers a secret from the size of compressed pages that also reflect
    text an attacker chose. The page anonymous readers share holds no secret (no
    CSRF token: readers.crossorigin); pages for a reader with a session may hold
    personal data and their token beside readers' comments, so they are sent
    uncompressed.
    """

    def process_response(self, request, response):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return response
        return super().process_response(request, response)


OLD_PAGE_OF_COMMENTS = re.compile(r"comment-page-\d+/$")
# WordPress's feeds of a post's comments: "…/feed/", "…/feed/atom/", "…/feed/rss2/".
OLD_FEED = re.compile(r"feed/(?:(?:atom|rdf|rss|rss2)/)?$")
OLD_KEYS = ("p", "page_id")


def old_addresses(get_response):
    """
    Send a reader who follows a link to an imported article's old address
    (OldAddress: "/?p=4", "/2021/03/10/some-post/") on to the article, with a 301.

    Ordinary pages cost no query: the addresses are looked up only for a 404 (not
    of the discussion's own addresses), and
    for the site's root with a `?p=` or `?page_id=` (WordPress's plain links),
    which would otherwise show the front page. The browser keeps a link's
    #comment-123 across the redirect, and imported comments carry that anchor.
    An old link to a comment page ("…/comment-page-2/") or a reply link
    ("?replytocom=123") finds the article too; the reply link goes to the comment.
    A feed reader following an old feed of the article's comments ("…/feed/",
    "/?p=4&feed=rss2") goes on to its feed here.
    """

    def middleware(request):
        plain_link = request.path == "/" and any(k in request.GET for k in OLD_KEYS)
        if plain_link and (redirect := old_address_redirect(request)):
            return redirect
        response = get_response(request)
        if (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and not is_discussion_address(request)
        ):
            return old_address_redirect(request) or response
        return response

    return middleware


def is_discussion_address(request) -> bool:
    """
    An address of the discussion's own (/comments/<id>/…): its 404s (a comment or
    article that isn't there, asked by open pages every few seconds) are no old
    address, and cost no look-up.
    """
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace == "comments"


def old_address_redirect(request) -> HttpResponsePermanentRedirect | None:
    path = request.path
    feed = OLD_FEED.search(path)
    page = OLD_PAGE_OF_COMMENTS.sub("", path[: feed.start()] if feed else path)
    candidates = {request.get_full_path(), path, page}
    if path == "/":
        candidates.update(
            f"/?{key}={request.GET[key]}" for key in OLD_KEYS if key in request.GET
        )
    old = (
        OldAddress.objects.filter(path__in=candidates)
        .select_related("article")
        .order_by("-path")  # "/a/comment-page-2/" before "/a/", "/?p=4&x=1" before "/"
        .first()
    )
    if old is None or not old.article.is_published:
        return None
    target = old.article.get_absolute_url()
    if (feed and old.path == page) or (path == "/" and "feed" in request.GET):
        target = old.article.get_feed_url()
    reply_to = request.GET.get("replytocom", "")
    if reply_to.isdigit():
        imported = Imported.objects.filter(
            kind=Imported.Kind.COMMENT, source_id=reply_to, article=old.article
        ).values_list("comment", flat=True)
        comment = Comment.objects.approved().filter(pk__in=imported).first()
        if comment is not None:
            target = comment.get_absolute_url()
    if target == request.get_full_path():
        return None
    return HttpResponsePermanentRedirect(target)
