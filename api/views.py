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

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Router

from api import schemas
from api.own_part import own_part
from api.paging import cursor_of, read_cursor
from articles.models import Article
from comments.discussion import closes_at, is_open
from comments.models import Comment, DiscussionSettings
from readers.caching import shared_cache_headers
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
    query, and two more where they have comments held (with the session's and
    the account's, five).
    """
    answer = own_part(request, article)
    if answer is None:
        raise Http404("No such article.")
    response["Cache-Control"] = "private, no-store"
    return answer
