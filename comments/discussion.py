"""
A reader's discussion under an article: the one object that says what it is.

`Discussion` gathers, once per request, everything the comment section depends on:
the rules, whether comments are open (and until when), the version naming this
rendering of the comments, whether this reader may be served what other readers
share, their comments awaiting moderation, and the page of comments asked for.
The article view and the page cache (newsroom) ask it; the templates only format
the context it builds.

Who shares what:
- the whole page (`shares_page`, checked before any query): readers with nothing of
  their own on it — no session, no held comment, no remembered name — or whose
  script fills theirs in (SCRIPTED_COOKIE); none with a message to show, replying;
- the comment list (`shares_list`): readers who are not editors (they see the
  account behind each comment) and not replying. A reader with comments awaiting
  moderation (their browser's or their account's) gets it with those put in their
  places (`rendering.with_held`), or, where theirs would move others, their own;
- revalidation (`etag`): readers without a session, a held comment or a message.

What a shared page varies by (`variant_of`): its language, the order of its
comments and its page, read from the request one way; HTTP caches in front may
keep an answer only when the request names its variant exactly as they key it
(newsroom.middleware.shared_as_named).
"""

import dataclasses
import datetime
import functools
import re
import time
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language_from_request, gettext_lazy

from articles.models import Article
from comments import moderation
from comments.drafts import draft_for
from comments.forms import CommentForm, make_stamp
from comments.models import (
    Comment,
    DiscussionSettings,
    DiscussionVersion,
    Like,
    in_reading_order,
    page_count,
    page_of,
    thread_count,
)
from comments.rendering import mark_liked, render_comments, render_picks, with_held
from comments.structured_data import json_ld, news_article
from readers.caching import cache_for_a_while, cached
from readers.cookies import (
    AUTHOR_COOKIE,
    EDITABLE_COOKIE,
    HELD_COOKIE,
    LIKED_COOKIE,
    REPORTED_COOKIE,
    held_comment_ids,
    remembered_author,
)
from readers.identity import commenter

# django.contrib.messages keeps a message for the next page in this cookie.
MESSAGES_COOKIE = "messages"


def counts_are_fresh(likes_then: int, rendered_at: float, likes_now: int) -> bool:
    """
    Whether a rendering's like counts may still be shown. Likes don't throw cached
    pages away (comments.liking): a page whose likes counter moved is rendered again
    once it is settings.COMMENTS_LIKES_FRESHNESS seconds old.
    """
    age = time.time() - rendered_at
    return likes_then == likes_now or age < settings.COMMENTS_LIKES_FRESHNESS


# How top-level comments can be ordered (replies always read oldest first), with
# what the links say; the first is the default. A reader's choice is a link
# (?sort=newest, an address of its own for every cache) and is kept in a cookie.
SORTS = {
    "oldest": gettext_lazy("Oldest"),
    "newest": gettext_lazy("Newest"),
    "liked": gettext_lazy("Most liked"),
}
SORT_COOKIE = "comment_sort"


def sort_of(request: HttpRequest) -> str:
    """The order the reader asked for (the address first, then their cookie)."""
    for asked in (request.GET.get("sort"), request.COOKIES.get(SORT_COOKIE)):
        if asked in SORTS:
            return asked
    return next(iter(SORTS))


# What a shared page varies by. One page, byte for byte, for every reader with
# nothing of their own on it, except for what these name: its language, the order
# of its comments and its page. Caches in front keep a copy per variant, under a
# key they work out from the request themselves (deploy/nginx.conf: the address,
# the language and order cookies, else the browser's first language the site
# has, which it then sends the app as the only one). The app's own caches (the
# page, the comment list) and the ETag are keyed by the Variant; nginx's key and
# the page's script are held to VARIANT_COOKIES and SCRIPT_COOKIES by
# tests/test_nginx_conf.py.
#
# The cookies a shared page varies by, and the values a cache keys a copy by.
VARIANT_COOKIES = {
    settings.LANGUAGE_COOKIE_NAME: tuple(code for code, _ in settings.LANGUAGES),
    SORT_COOKIE: tuple(SORTS),
}
# What the page's script reads to mark the reader's own things on the page every
# reader shares (likes, reports, comments they may still edit): no variant.
# READER_COOKIE changes whenever what the script keeps of the reader may have
# (newsroom.middleware.reader_version); SCRIPTED_COOKIE, which the script sets, says
# it runs: such readers get the shared page, whatever is theirs (docs/api.md).
READER_COOKIE = "reader_version"
SCRIPTED_COOKIE = "scripted"
SCRIPT_COOKIES = (LIKED_COOKIE, REPORTED_COOKIE, EDITABLE_COOKIE, READER_COOKIE)


@dataclasses.dataclass(frozen=True)
class Variant:
    """
    The copy of a shared page a request asks for. `exact`: the request names it as
    a cache keys it, so the answer may say `public`.
    """

    language: str
    sort: str
    page: int | None
    exact: bool

    def __str__(self) -> str:
        return f"{self.language}-{self.sort}-{self.page or ''}"


def variant_of(request: HttpRequest) -> Variant:
    """
    The variant the request asks for, as the app renders it (Django's reading:
    the last of two cookies, unquoted, a language variant mapped to one the site
    has), and whether every other reading gives the same: each cookie of
    VARIANT_COOKIES once at most and written exactly (nginx reads the first,
    matches values exactly and names in any case), `?sort=` once with an order
    the site has, and a page of comments at its own address (comment-page-1/,
    not -01/, which no purge names). Read from the request alone, no query.
    """
    asked = request.GET.getlist("sort")
    match = request.resolver_match
    page = match.kwargs.get("comment_page") if match else None
    exact = (
        cookies_named_exactly(request.META.get("HTTP_COOKIE", ""))
        and len(asked) <= 1
        and all(sort in SORTS for sort in asked)
        and (page is None or request.path.endswith(f"/comment-page-{page}/"))
    )
    # As LocaleMiddleware read it, when it has.
    language = getattr(request, "LANGUAGE_CODE", None)
    language = language or get_language_from_request(request)
    return Variant(language, sort_of(request), page, exact)


def cookies_named_exactly(header: str) -> bool:
    """
    Whether the Cookie header names each of VARIANT_COOKIES at most once, in any
    case, and then as `name=<one of its values>` between semicolons: read the
    same by every parser.
    """
    for mention, written in WRITTEN_EXACTLY:
        mentions = len(mention.findall(header))
        if mentions > 1 or (mentions == 1 and written.search(header) is None):
            return False
    return True


# Each cookie of VARIANT_COOKIES: a mention of its name, and its exact writing.
WRITTEN_EXACTLY = [
    (
        re.compile(re.escape(name), re.IGNORECASE),
        re.compile(
            rf"(?:^|;\s*){re.escape(name)}="
            rf"(?:{'|'.join(map(re.escape, values))})(?:;|$)"
        ),
    )
    for name, values in VARIANT_COOKIES.items()
]


def keep_sort(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Remember an order the reader chose by its link, for their next visits."""
    asked = request.GET.get("sort")
    if asked in SORTS and asked != request.COOKIES.get(SORT_COOKIE):
        response.set_cookie(
            SORT_COOKIE,
            asked,
            max_age=365 * 24 * 3600,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


def sorted_thread(
    request: HttpRequest, article: Article, held_ids: Iterable[int]
) -> list[Comment]:
    """The thread as this reader reads it: their comments held, their order."""
    return Comment.objects.thread(
        article,
        request.user,
        held_ids,
        order=sort_of(request),
    )


def opens_on_last_page(rules: DiscussionSettings, sort: str) -> bool:
    """
    Whether paged comments open on their last page rather than their first: oldest
    first, on the page of the newest comments when the rules say so (WordPress's
    default); newest first starts with them anyway.
    """
    return rules.newest_page_first and sort == "oldest"


def page_holding(
    comment: Comment, thread: list[Comment], rules: DiscussionSettings, sort: str
) -> int:
    """
    The page of `thread` (a thread() list in `sort`) that holds `comment`. Pages
    are counted from the end the discussion opens on, so that the page readers
    land on is full and the short one is at the other end. Opening on the last
    page, they count from the newest thread: each new thread moves one thread of
    every page to the page before, and the discussion's version, which names
    every page's rendering, changes with it.
    """
    from_end_of = thread_count(thread) if opens_on_last_page(rules, sort) else 0
    return page_of(comment, rules.comments_per_page, from_end_of=from_end_of)


def new_threads_land_last(sort: str) -> bool:
    """
    Whether a comment that starts a thread lands on the last page rather than the
    first. It is the newest thread: first when the newest come first, else last
    (most liked too: it has no likes yet, and comes after older threads with as
    few).
    """
    return sort != "newest"


def opens_where_new_threads_land(rules: DiscussionSettings, sort: str) -> bool:
    """Whether paged comments open on the page where new threads land."""
    return new_threads_land_last(sort) == opens_on_last_page(rules, sort)


def shares_page(request: HttpRequest) -> bool:
    """
    Whether the reader may get the article page every reader shares: nothing of
    their own is on it, or their script fills it in. Read from the request alone.
    """
    cookies = request.COOKIES
    own = {settings.SESSION_COOKIE_NAME, HELD_COOKIE, AUTHOR_COOKIE} & set(cookies)
    return (
        request.method in ("GET", "HEAD")
        and "replytocom" not in request.GET
        and MESSAGES_COOKIE not in cookies
        and (not own or cookies.get(SCRIPTED_COOKIE) == "1")
    )


def is_open(article: Article, rules: DiscussionSettings) -> bool:
    """Whether the article takes comments now (moderation.comments_are_open)."""
    return moderation.comments_are_open(
        comments_open=article.comments_open,
        published_at=article.published_at,
        close_after_days=rules.close_after_days,
        now=timezone.now(),
    )


def closes_at(article: Article, rules: DiscussionSettings) -> datetime.datetime | None:
    """When the rules' age limit closes the article's comments; None: never."""
    if not rules.close_after_days:
        return None
    return article.published_at + datetime.timedelta(days=rules.close_after_days)


class Discussion:
    """The discussion under `article` as the reader of `request` sees it."""

    def __init__(
        self, request: HttpRequest, article: Article, page: int | None = None
    ) -> None:
        self.request = request
        self.article = article
        self.page = page  # a comment page asked for; None: the default one
        self.rules = DiscussionSettings.load()
        self.is_open = is_open(article, self.rules)
        self.open_until = closes_at(article, self.rules) if self.is_open else None
        self.version = (
            f"{article.pk}-{DiscussionVersion.of(article)}"
            f"-{int(article.updated_at.timestamp() * 1000)}-{int(self.is_open)}"
        )
        self.likes = DiscussionVersion.likes_of(article)
        self.held_ids = held_comment_ids(request)
        self.variant = variant_of(request)
        self.sort = self.variant.sort
        self.replying_to = request.GET.get("replytocom", "")

    @property
    def shares_page(self) -> bool:
        return shares_page(self.request)

    @property
    def shares_list(self) -> bool:
        """
        Whether the reader's list is the one every reader shares, with at most
        their own held comments put in.
        """
        return not (self.request.user.is_staff or self.replying_to)

    @property
    def etag(self) -> str | None:
        """
        An ETag for readers with nothing of their own on the page: it changes with
        the article, its discussion and the rules. A session may hold the reader's
        own state (signed in, a draft kept across signing in, messages).
        """
        cookies = self.request.COOKIES
        if (
            settings.SESSION_COOKIE_NAME in cookies
            or MESSAGES_COOKIE in cookies
            or self.held_ids
        ):
            return None
        return f'W/"{self.version}-{self.likes}-{self.variant}"'

    def context(self, *, shared: bool = False) -> dict[str, Any]:
        """
        What the comment section's templates show. The form's stamp is this
        reader's, or, on the page every anonymous reader shares, left for its
        script to fetch (comments.views.stamp). Raises Http404 for a page of
        comments that doesn't exist.
        """
        listing, reply_to = self.listing()
        if listing["page"] is None:
            raise Http404("There is no such page of comments.")
        return {
            **commenter(self.request),
            **listing,
            "form": self.form("" if shared else make_stamp(self.article.pk), reply_to),
            "reply_to": reply_to,
            # No CSRF token on the page every reader shares (readers.crossorigin),
            # and no CSRF cookie set by asking for one.
            "shared": shared,
            "is_open": self.is_open,
            # Open pages poll for new comments (comments.views.live).
            "live_seconds": settings.COMMENTS_LIVE_SECONDS,
        }

    def listing(self) -> tuple[dict[str, Any], Comment | None]:
        """
        The rendered page of comments (shared with other readers where it may be,
        from the cache, with the reader's held comments put in), and the comment
        being replied to.
        """
        user = self.request.user
        key = f"discussion:{self.version}:{self.page}:{self.variant}"
        listing = cached(key) if self.shares_list else None
        if listing is not None and not counts_are_fresh(
            listing.get("likes", -1), listing.get("rendered_at", 0.0), self.likes
        ):
            listing = None
        if listing is not None and self.own_held:
            listing = self.with_held(listing, self.own_held)
        if listing is not None:
            liked = self.reader_state[1] if user.is_authenticated else set()
            return with_own_likes(listing, liked), None
        thread = sorted_thread(self.request, self.article, self.held_ids)
        held = [c for c in thread if c.is_shown_as_held]
        if self.shares_list:
            # The list every reader shares, for the cache (the reader's held
            # comments set aside), then theirs put in.
            shared = thread
            if held:
                shared = [c for c in thread if not c.is_shown_as_held]
                shared = in_reading_order(by_date(shared), order=self.sort)
            listing = self.rendered(shared)
            cache_for_a_while(key, listing)
            if held:
                listing = self.with_held(listing, held)
                if listing is None:
                    # Theirs move others, or pages: a rendering of their own.
                    thread = in_reading_order(by_date(thread), order=self.sort)
        if listing is None:
            listing = self.rendered(thread)
        reply_to = None
        if self.replying_to.isdigit():
            reply_to = next((c for c in thread if c.pk == int(self.replying_to)), None)
        # The thread read which comments this reader likes (Comment.liked).
        liked = {c.pk for c in thread if getattr(c, "liked", False)}
        return with_own_likes(listing, liked), reply_to

    def rendered(self, thread: list[Comment]) -> dict[str, Any]:
        """render(), with the likes counter it counted and when."""
        return self.render(thread) | {"likes": self.likes, "rendered_at": time.time()}

    def with_held(
        self, listing: dict[str, Any], held: list[Comment]
    ) -> dict[str, Any] | None:
        """The shared `listing` with the reader's `held` comments in their places."""
        rules = self.rules
        comment_list = with_held(
            listing["comment_list"],
            listing["places"],
            held,
            thread_depth=rules.thread_depth,
            is_open=self.is_open,
            order=self.sort,
            per_page=rules.comments_per_page if rules.page_comments else 0,
            page=listing["page"],
            from_end=listing["pages"] > 1 and opens_on_last_page(rules, self.sort),
        )
        return (
            None if comment_list is None else listing | {"comment_list": comment_list}
        )

    @functools.cached_property
    def own_held(self) -> list[Comment]:
        """
        The reader's comments here that look held to them (their browser's, their
        account's): one query, none for a reader who can have none.
        """
        user = self.request.user
        if not self.held_ids and not (user.is_authenticated and self.reader_state[0]):
            return []
        return list(
            Comment.objects.filter(article=self.article)
            .shown_as_held_to(user, self.held_ids)
            .for_the_list()
        )

    @functools.cached_property
    def reader_state(self) -> tuple[bool, set[int]]:
        """
        For a signed-in reader whose list comes from the cache, in one query:
        whether a comment of theirs here awaits moderation (or looks so to them),
        and which comments here they like.
        """
        user = cast(User, self.request.user)
        held = Comment.objects.filter(
            article=self.article, user=user, status__in=Comment.SHOWN_AS_HELD
        )
        liked = Like.objects.filter(user=user, comment__article=self.article)
        state = (
            Article.objects.filter(pk=self.article.pk)
            .annotate(
                has_held=Exists(held),
                liked=ArraySubquery(liked.values("comment_id")),
            )
            .values_list("has_held", "liked")
            .first()
        )
        if state is None:
            return False, set()
        return state[0], set(state[1])

    def render(self, thread: list[Comment]) -> dict[str, Any]:
        """
        The page of the thread to show, rendered. When comments are paged, the page
        asked for, else the default one; "page" is None when there is no such page.
        """
        rules, page = self.rules, self.page
        comments = thread
        listing: dict[str, Any] = {
            "approved_count": sum(1 for c in thread if c.status == "approved"),
            "pages": 1,
            "page": 1,
        }
        if rules.page_comments:
            per_page = rules.comments_per_page
            pages = page_count(thread, per_page)
            if page is None:
                page = pages if opens_on_last_page(rules, self.sort) else 1
            listing |= {"pages": pages, "page": page if 1 <= page <= pages else None}
            comments = [
                c for c in thread if page_holding(c, thread, rules, self.sort) == page
            ]
        elif page is not None:
            listing["page"] = None
        # Where the page's script shows a new thread in place (comments.js).
        listing["new_threads_here"] = listing["page"] == (
            listing["pages"] if new_threads_land_last(self.sort) else 1
        )
        listing |= self.page_links(listing["page"], listing["pages"])
        listing["picks"] = render_picks(thread)
        listing["comment_list"], listing["places"] = render_comments(
            comments,
            rules.thread_depth,
            self.is_open,
            editor=self.request.user.is_staff,
        )
        # For search engines, cached with the list it describes.
        listing["structured_data"] = json_ld(
            news_article(self.article, comments, listing["approved_count"])
        )
        return listing

    def page_links(self, shown: int | None, pages: int) -> dict[str, Any]:
        """The links to the other orders, and to older and newer pages."""
        base = self.article.get_absolute_url()
        query = "" if self.sort == "oldest" else f"?sort={self.sort}"
        before = f"{base}comment-page-{shown - 1}/{query}#comments" if shown else ""
        after = f"{base}comment-page-{shown + 1}/{query}#comments" if shown else ""
        has_before, has_after = bool(shown and shown > 1), bool(shown and shown < pages)
        if self.sort == "newest":
            before, after, has_before, has_after = after, before, has_after, has_before
        return {
            "older_url": before if has_before else "",
            "newer_url": after if has_after else "",
            "sorts": [
                (f"{base}?sort={sort}#comments", label, sort == self.sort)
                for sort, label in SORTS.items()
            ],
        }

    def form(self, stamp: str, reply_to: Comment | None) -> CommentForm:
        """The empty form, with what the reader asked to be remembered."""
        request = self.request
        guest = not request.user.is_authenticated
        initial = {"stamp": stamp, "parent": reply_to and reply_to.pk}
        if guest:
            remembered = remembered_author(request)
            initial |= remembered | {"remember": bool(remembered)}
        initial["body"] = draft_for(request, self.article.pk)
        return CommentForm(
            initial=initial,
            guest=guest,
            require_name_email=self.rules.require_name_email,
        )


def by_date(comments: Iterable[Comment]) -> list[Comment]:
    """Comments in the order they came, as in_reading_order() takes them."""
    return sorted(comments, key=lambda comment: (comment.created_at, comment.pk))


def with_own_likes(listing: dict[str, Any], liked: set[int]) -> dict[str, Any]:
    """
    The listing with the comments a signed-in reader likes marked so. Guests'
    likes are marked by the page's script, from their cookie, so they keep the
    page every reader shares.
    """
    if not liked:
        return listing
    return listing | {"comment_list": mark_liked(listing["comment_list"], liked)}


def comment_location(
    request: HttpRequest,
    comment: Comment,
    rules: DiscussionSettings,
    *,
    posted: bool = False,
) -> str:
    """
    The comment's place: its page of the article (when paged), its anchor. A
    comment just `posted` that starts a thread is on the page the article opens on
    in most orders (opens_where_new_threads_land): the article, without reading
    the thread to count pages. Should a thread posted meanwhile have moved it to
    the page before, the page's script finds it (find_anchor).
    """
    url = comment.article.get_absolute_url()
    on_the_first_page_shown = (
        posted
        and comment.parent_id is None
        and opens_where_new_threads_land(rules, sort_of(request))
    )
    if rules.page_comments and not on_the_first_page_shown:
        thread = sorted_thread(
            request, comment.article, [*held_comment_ids(request), comment.pk]
        )
        shown = next((c for c in thread if c.pk == comment.pk), None)
        if shown is not None:
            page = page_holding(shown, thread, rules, sort_of(request))
            url += f"comment-page-{page}/"
    return f"{url}#c-{comment.pk}"
