"""
Atom feeds (RFC 4287) of the discussion, at WordPress's addresses: an article's
comments (its address and feed/, routed by the site, which finds the article) and
the recent comments of the whole site (/comments/feed/). The site's feed of its
articles (feeds.article_feeds) is built on the same `CachedFeed`.

What a feed may hold: approved comments that still have their text, on published
articles (`Comment.objects.public()`), the newest FEED_ENTRIES of them. Never a
held, spam or removed comment, and no email address: the comments are read
without their author's address or anything of their account but its name, and
no entry has an author's <email>. A comment's text goes out as its stored
rendering (`Comment.body_html`: the reader's text escaped, then cleaned by nh3,
so only <p>, <br> and nofollow links), escaped into the XML as Atom's "html";
names and titles are Atom's plain text, on one line. Nothing a reader typed
becomes markup.

Each feed is kept whole, as bytes, in the cache (readers.caching) under a key
that names what it is made of: an article's discussion version, which PostgreSQL
bumps on any change to its comments, and its last edit. The site-wide feeds have
no one version: their key is a `digest` of the rows they would show, read by the
same query as the entries but for a few columns (for the recent comments: each
one's id and its article's last edit and version). A comment that comes or goes,
is edited or moderated, an article edited, unpublished or coming out when its
time comes (which no row records) all change it. A feed costs one query when
cached and two when not, whatever the number of comments or articles; rendering
is what the cache saves. Readers and HTTP caches may keep an answer FEED_SECONDS
(`public`, varying by language: `Vary: Accept-Language, Cookie`, and private for
a language cookie read two ways, newsroom.middleware.shared_as_named): a removed
comment leaves them within that.
"""

import datetime
import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from articles.models import Article
from articles.text import single_line
from comments.models import Comment, DiscussionVersion
from readers.caching import cache_for_a_while, cached
from readers.tokens import absolute

# Entries in a feed: the newest.
FEED_ENTRIES = 50
# How long readers and HTTP caches may keep a feed before asking again.
FEED_SECONDS = 60

# What XML 1.0 cannot carry at all (C0 controls but tab and line breaks, U+FFFE,
# U+FFFF): Django's generator refuses such text, which would take the feed down for
# everyone over one comment. Names and titles are on one line anyway
# (articles.text.single_line), which leaves none of them.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text as XML can carry it: what it cannot is left out."""
    return NOT_XML.sub("", text)


def entry_id(kind: str, pk: int, created: datetime.datetime) -> str:
    """
    An entry's permanent id (Atom's atom:id), a tag URI (RFC 4151) from the site's
    host, the day the row was made and its number: it stays when an article's
    title, address or date is edited.
    """
    host = urlsplit(settings.SITE_URL).hostname
    return f"tag:{host},{created:%Y-%m-%d}:{kind}/{pk}"


def digest(rows: QuerySet) -> str:
    """What these rows hold (a values_list), as a short digest: one query."""
    return hashlib.blake2b(repr(list(rows)).encode(), digest_size=16).hexdigest()


class AtomFeed(Atom1Feed):
    """
    Django's Atom feed, whose <updated> without entries is the date the feed is
    given (`updated`) rather than the clock's: the same feed, the same bytes.
    """

    def latest_post_date(self) -> datetime.datetime:
        if self.items or self.feed.get("updated") is None:
            return super().latest_post_date()
        return self.feed["updated"]


class CachedFeed(Feed):
    """
    A feed served from the cache, under a key naming what it is made of:
    `version(obj)`, which costs at most one query. Links, ids and the feed's own
    address come from SITE_URL, never from the request's Host header.
    """

    feed_type = AtomFeed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        obj = self.get_object(request, *args, **kwargs)
        key = (
            f"feed:{settings.SITE_URL}:{get_language()}:{request.path}:"
            f"{self.version(obj)}"
        )
        entry = cached(key)
        if entry is None:
            feed = self.get_feed(obj, request)
            entry = (feed.writeString("utf-8").encode(), feed.latest_post_date())
            cache_for_a_while(key, entry)
        body, updated = entry
        response = HttpResponse(body, content_type=AtomFeed.content_type)
        response["ETag"] = (
            f'"{hashlib.blake2b(key.encode(), digest_size=12).hexdigest()}"'
        )
        response["Last-Modified"] = http_date(updated.timestamp())
        response["Cache-Control"] = f"public, max-age={FEED_SECONDS}"
        # Its words are in the reader's language, from their browser or cookie.
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        # The response, or a 304 with its headers when the reader has this one.
        return (
            get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=int(updated.timestamp()),
                response=response,
            )
            or response
        )

    def version(self, obj: Any) -> str:
        raise NotImplementedError

    def feed_extra_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"updated": self.updated(obj)}

    def updated(self, obj: Any) -> datetime.datetime | None:
        """The feed's date while it has no entries (else: its newest entry's)."""
        return None

    def feed_guid(self, obj: Any) -> str:
        return self.feed_url(obj)

    def feed_url(self, obj: Any) -> str:
        raise NotImplementedError


class CommentsFeed(CachedFeed):
    """What an entry of a comments feed says: its author, text and dates."""

    def item_title(self, comment: Comment) -> str:
        return _("By: %(name)s") % {"name": single_line(comment.display_name)}

    def item_link(self, comment: Comment) -> str:
        # The comment's permalink, which finds its page of the discussion.
        return absolute(comment.get_absolute_url())

    def item_guid(self, comment: Comment) -> str:
        return entry_id("comment", comment.pk, comment.created_at)

    def item_description(self, comment: Comment) -> str:
        return xml_text(comment.body_html)

    def item_author_name(self, comment: Comment) -> str:
        return single_line(comment.display_name)

    def item_pubdate(self, comment: Comment) -> datetime.datetime:
        return comment.created_at

    def item_updateddate(self, comment: Comment) -> datetime.datetime:
        return comment.edited_at or comment.created_at


# What an entry reads of a comment and its author: no email, address or browser.
ENTRY_FIELDS = [
    "article_id",
    "author_name",
    "body_html",
    "created_at",
    "edited_at",
    "user__first_name",
    "user__last_name",
    "user__username",
    "user__is_staff",  # staff without a name sign "The editors"
]


class ArticleCommentsFeed(CommentsFeed):
    """
    The approved comments of one article, newest first. Called with the
    published article (newsroom.views.comments_feed finds it, with its
    discussion's version).
    """

    def get_object(self, request: HttpRequest, article: Article) -> Article:
        return article

    def version(self, article: Article) -> str:
        return (
            f"{article.pk}-{DiscussionVersion.of(article)}-"
            f"{article.updated_at.timestamp()}"
        )

    def title(self, article: Article) -> str:
        return _("Comments on: %(title)s") % {"title": single_line(article.title)}

    def link(self, article: Article) -> str:
        return absolute(article.get_absolute_url())

    def feed_url(self, article: Article) -> str:
        return absolute(article.get_feed_url())

    def updated(self, article: Article) -> datetime.datetime:
        return article.modified_at

    def items(self, article: Article):
        return (
            Comment.objects.public()
            .filter(article=article)
            .select_related("user")
            .only(*ENTRY_FIELDS)
            .order_by("-created_at", "-id")[:FEED_ENTRIES]
        )


class RecentCommentsFeed(CommentsFeed):
    """The site's newest approved comments, on whatever article."""

    title = gettext_lazy("Comments for Newsroom")

    def version(self, obj: None) -> str:
        return digest(
            self.items().values_list(
                "id", "article__updated_at", "article__discussionversion__version"
            )
        )

    def link(self) -> str:
        return absolute(reverse("home"))

    def feed_url(self, obj: None) -> str:
        return absolute(reverse("comments:feed"))

    def items(self):
        return (
            Comment.objects.public()
            .select_related("article", "user")
            .only(*ENTRY_FIELDS, "article__title")
            .order_by("-created_at", "-id")[:FEED_ENTRIES]
        )

    def item_title(self, comment: Comment) -> str:
        return _("Comment on %(title)s by %(name)s") % {
            "title": single_line(comment.article.title),
            "name": single_line(comment.display_name),
        }
