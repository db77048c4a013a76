"""
The API's reading side: published articles, an article's approved comments in
reading order, and the reader's own part of a discussion (/me).

What every reader may read is answered `Cache-Control: public` with the article's
purge tag, exactly as the article page (readers.caching.shared_cache_headers):
HTTP caches in front keep it until the discussion changes, and the purge
(newsroom.purge) names its address with the page's. It is read as a reader
without a session reads the page (Comment.objects.thread for nobody), so it never
holds a held comment, an email or an address, whoever asks. What is a reader's
own (/me) is `private, no-store`. Writing: api.writing.
"""

import functools
from typing import Any, NamedTuple, cast

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db import router as db_router
from django.db.models import OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Router

from api import schemas
from api.paging import cursor_of, read_cursor
from articles.models import Article
from comments.discussion import closes_at, is_open
from comments.drafts import kept_draft
from comments.models import Comment, CommentQuerySet, DiscussionSettings, Like
from comments.rendering import comment_item
from readers.caching import shared_cache_headers
from readers.cookies import guest_browser, held_comment_ids, remembered_author
from readers.identity import commenter, display_name, reader_identity
from readers.statements import MARKED_TIME, Statement, compiled
from readers.tokens import absolute

router = Router()

# Articles in one page of the list.
ARTICLES_PER_PAGE = 20


@router.get("/articles/", response=schemas.ArticleList, auth=None, url_name="articles")
def articles(
    request: HttpRequest, response: HttpResponse, cursor: str = ""
) -> dict[str, Any]:
    """Published articles, newest first, ARTICLES_PER_PAGE a page."""
    found = Article.objects.published().order_by("-published_at", "-pk")
    after = read_cursor(cursor)
    if after is not None:
        when, pk = after
        found = found.filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=pk))
    page = list(found[: ARTICLES_PER_PAGE + 1])
    more = len(page) > ARTICLES_PER_PAGE
    page = page[:ARTICLES_PER_PAGE]
    rules = DiscussionSettings.load()
    response["Cache-Control"] = "public, max-age=60"
    return {
        "items": [article_out(article, rules) for article in page],
        "next": (
            f"{reverse('api-1:articles')}?cursor="
            + cursor_of(page[-1].published_at, page[-1].pk)
            if more
            else None
        ),
    }


@router.get(
    "/articles/{article_id}/",
    response=schemas.ArticleOut,
    auth=None,
    url_name="article",
)
def article(
    request: HttpRequest, response: HttpResponse, article_id: int
) -> dict[str, Any]:
    found = get_object_or_404(Article.objects.published(), pk=article_id)
    shared_cache_headers(response, found.pk)
    return article_out(found, DiscussionSettings.load())


def article_out(article: Article, rules: DiscussionSettings) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "byline": article.byline,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "url": absolute(article.get_absolute_url()),
        "comments_open": is_open(article, rules),
        "comments_url": reverse("api-1:comments", args=[article.pk]),
    }


@router.get(
    "/articles/{article_id}/comments/",
    response=schemas.CommentPage,
    auth=None,
    url_name="comments",
)
def comments(
    request: HttpRequest, response: HttpResponse, article_id: int, cursor: str = ""
) -> dict[str, Any]:
    """
    The approved comments in reading order (oldest thread first, each followed
    by its replies), in pages of whole threads, as many as a page of the
    article holds: three queries whatever the number of comments.
    """
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    rules = DiscussionSettings.load()
    thread = Comment.objects.thread(article, AnonymousUser())
    threads = threads_of(thread)
    after = read_cursor(cursor)
    if after is not None:
        threads = [t for t in threads if (t[0].created_at, t[0].pk) > after]
    page = threads[: rules.comments_per_page]
    # No shared cache keeps it past the moment comments close.
    closing = closes_at(article, rules) if is_open(article, rules) else None
    shared_cache_headers(response, article.pk, closing, timezone.now())
    next_url = None
    if len(threads) > len(page):
        last = page[-1][0]
        next_url = f"{reverse('api-1:comments', args=[article.pk])}?cursor="
        next_url += cursor_of(last.created_at, last.pk)
    return {
        "article_id": article.pk,
        "approved_count": sum(1 for c in thread if c.status == "approved"),
        "items": [comment_out(c) for replies in page for c in replies],
        "next": next_url,
    }


def threads_of(thread: list[Comment]) -> list[list[Comment]]:
    """A thread() list cut into its threads: a top-level comment and its replies."""
    threads: list[list[Comment]] = []
    for comment in thread:
        if comment.display_depth == 0 or not threads:
            threads.append([])
        threads[-1].append(comment)
    return threads


def comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "depth": comment.display_depth,
        "author_name": "" if comment.deleted_at else comment.display_name,
        "staff": comment.author_is_staff and not comment.deleted_at,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "deleted": comment.deleted_at is not None,
        "body_html": comment.body_html,
        "like_count": comment.like_count,
        "editors_pick": comment.is_editors_pick,
        "url": absolute(comment.get_absolute_url()),
    }


@router.get("/me/", response={200: schemas.Me, **schemas.REFUSALS}, url_name="me")
def me(request: HttpRequest, response: HttpResponse, article: int) -> dict[str, Any]:
    """
    The reader's own part of an article's discussion, for a page every reader
    shares to show them theirs: who they are, which comments they like, their
    comments awaiting moderation (with their markup, as the personalised page
    shows them), and on which articles they have likes or held comments at all,
    so the page's script asks again only there (static/js/reader.js). One
    query, and three more where they have comments held (with the session's
    and the account's, six).
    """
    user = request.user
    held_ids = held_comment_ids(request)
    found = mine_on(request, user, held_ids, article)
    if found is None:
        raise Http404("No such article.")
    response["Cache-Control"] = "private, no-store"
    held_on = set(found.held_on)
    return {
        "reader": reader_of(request),
        "liked": sorted(found.liked),
        "held": (
            held_out(found.pk, Comment.objects.shown_as_held_to(user, held_ids))
            if found.pk in held_on
            else []
        ),
        "liked_on": sorted(set(found.liked_on)),
        "held_on": sorted(held_on),
        "remembered": remembered_author(request) or None,
        "draft": kept_draft(request),
    }


def mine(user: Any, browser: str, held_ids: Any, article: Any, now: Any) -> Any:
    """
    The published article `article` with the reader's own part of it, as a row
    (pk, liked, liked_on, held_on): their likes there, the articles where they
    have likes, and those where they have comments that look held to them.
    """
    likes = Like.objects.by_reader(user, browser)
    held = Comment.objects.shown_as_held_to(user, held_ids)
    return (
        Article.objects.published(now)
        .filter(pk=article)
        .annotate(
            liked=ArraySubquery(
                likes.filter(comment__article=OuterRef("pk")).values("comment_id")
            ),
            liked_on=ArraySubquery(likes.order_by().values("comment__article_id")),
            held_on=ArraySubquery(held.order_by().values("article_id")),
        )
        .values_list("pk", "liked", "liked_on", "held_on")
    )


class Mine(NamedTuple):
    pk: int
    liked: list[int]
    liked_on: list[int]
    held_on: list[int]


def mine_on(
    request: HttpRequest, user: Any, held_ids: list[int], article: int
) -> Mine | None:
    """
    mine() for this reader: for a signed-in reader whose browser holds no held
    comments of its own (nearly every one), as SQL compiled once (building the
    QuerySet cost more CPU than the rest of the answer: bench/README.md).
    """
    if not user.is_authenticated or held_ids:
        browser = "" if user.is_authenticated else guest_browser(request)[0]
        row = mine(user, browser, held_ids, article, timezone.now()).first()
    else:
        row = signed_in_row(user.pk, article)
    # A subquery that can find nothing (a guest without held comments) is NULL.
    return None if row is None else Mine(row[0], *(ids or [] for ids in row[1:]))


def signed_in_row(user_id: int, article: int) -> tuple[Any, ...] | None:
    statement = signed_in_mine()
    params = statement.params(user=user_id, article=article, now=timezone.now())
    with connections[db_router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(statement.sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


@functools.cache
def signed_in_mine() -> Statement:
    """mine() for a signed-in reader, as SQL: %(user)s, %(article)s, %(now)s."""
    marks: dict[str, Any] = {"user": -72_931, "article": -72_932, "now": MARKED_TIME}
    reader = User(pk=marks["user"])
    found = mine(reader, "", (), marks["article"], marks["now"])
    return compiled(found, "mine", **marks)


def held_out(article_id: int, held: "CommentQuerySet[Comment]") -> list[dict[str, Any]]:
    """
    The reader's held comments (of `held`) on the article `article_id`, each with
    its <li> as the page writes it (comments.rendering): at its level, capped by
    the rules' depth.
    """
    article = Article.objects.get(pk=article_id)
    held = held.filter(article=article)
    rules = DiscussionSettings.load()
    open_now = is_open(article, rules)
    report_url = reverse("comments:report", args=[0]).replace("/0/", "/{}/")
    found = []
    for c in held.for_the_list().order_by("created_at", "pk"):
        depth = min(c.depth, rules.thread_depth - 1)
        html = comment_item(c, depth, open_now, False, report_url) + "</li>"
        found.append(
            {
                "id": c.pk,
                "parent_id": c.parent_id,
                "depth": depth,
                "created_at": c.created_at,
                "body_html": c.body_html,
                "html": html,
            }
        )
    return found


def reader_of(request: HttpRequest) -> dict[str, Any] | None:
    identity = reader_identity(request)
    if identity is None:
        return None
    user = cast(User, request.user)  # an identity is a signed-in reader's
    me = commenter(request)["me"]
    return {
        "id": user.pk,
        "display_name": display_name(user),
        "signed_in_with": identity.provider,
        "avatar_url": me.avatar_url,
        "avatar_initials": me.avatar_initials,
        "avatar_colour": me.avatar_colour,
        "staff": user.is_staff,
    }
