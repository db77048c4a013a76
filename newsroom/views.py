"""The reader's side of the site: the front page, the article page, error pages."""

import sys

from django.db import InterfaceError, OperationalError, connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.cache import get_conditional_response
from django.views.decorators.cache import never_cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from comments.views import discussion_state
from newsroom import pagecache
from newsroom.models import Article


def home(request):
    # Meta.ordering doesn't apply to a GROUP BY query: order explicitly.
    articles = (
        Article.objects.published()
        .annotate(
            approved_comments=Count("comments", filter=Q(comments__status="approved"))
        )
        .order_by("-published_at")
    )
    return render(request, "newsroom/home.html", {"articles": articles})


def article(
    request, year: int, month: int, day: int, slug: str, comment_page: int | None = None
):
    def render_page(article, marks: dict[str, str] | None = None):
        context = {
            "article": article,
            "comment_page": comment_page,
            "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        }
        if marks:
            context |= {"csrf_token": marks["token"], "form_stamp": marks["stamp"]}
        response = render(request, "newsroom/article.html", context)
        return response, discussion_state(request, article)

    if pagecache.shareable(request):
        return pagecache.article_page(
            request,
            slug,
            lambda marks: render_page(article_at(request, slug), marks),
        )
    article = article_at(request, slug)
    # Readers with nothing of their own on the page can revalidate: an ETag that
    # changes with the article, its discussion and the discussion rules.
    etag = discussion_state(request, article)["etag"]
    if etag and "messages" not in request.COOKIES:
        etag = f'W/"{etag}"'
        if not_modified := get_conditional_response(request, etag=etag):
            return not_modified
    else:
        etag = None
    response, _ = render_page(article)
    return pagecache.revalidated(response, etag) if etag else response


def article_at(request, slug: str) -> Article:
    """The published article whose permalink (or one of its comment pages) this is."""
    try:
        article = (
            Article.objects.published()
            .select_related("discussionversion")
            .get(slug=slug)  # slugs are unique; the date is checked below
        )
    except Article.DoesNotExist:
        raise Http404("No article at this address.") from None
    if not request.path.startswith(article.get_absolute_url()):
        raise Http404("No article at this address.")
    return article


@never_cache
def healthz(request):
    """For load balancers: answers 200 when the app and its database are up."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def server_error(request):
    """
    The 500 page, or a 503 "back in a moment" page when the database, or Redis
    (logins' rate limits), is out of reach: a restart is an outage to wait out,
    not a bug. Rendered without context processors, which could need the
    database themselves.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGES):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
