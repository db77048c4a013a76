"""The reader's side of the site: the front page and the article page."""

from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

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


def article(request, year: int, month: int, day: int, slug: str):
    try:
        article = Article.objects.published().get(
            slug=slug,
            published_at__year=year,
            published_at__month=month,
            published_at__day=day,
        )
    except Article.DoesNotExist:
        raise Http404("No article at this address.") from None
    return render(
        request,
        "newsroom/article.html",
        {
            "article": article,
            "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        },
    )


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
