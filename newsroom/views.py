"""
The reader's side of the site: the front page, the article page, allauth's sign-in
and sign-up pages with the way back to the article, a signed-in reader's own data
(download it, close the account), error pages.
"""

import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import views as account_views
from allauth.account.utils import get_next_redirect_url
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import csrf
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)
from django.views.generic.base import ContextMixin
from django.views.i18n import JavaScriptCatalog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.own_part import own_part
from articles.models import Article
from comments.discussion import (
    READER_COOKIE,
    SCRIPTED_COOKIE,
    Discussion,
    keep_sort,
    shares_page,
)
from feeds.comment_feeds import ArticleCommentsFeed
from newsroom import pagecache, personal_data
from newsroom.forms import DeleteAccountForm
from readers.client_ip import client_ip
from readers.identity import ReaderIdentity, offered_methods
from readers.tokens import absolute


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
    # An order chosen by its link (?sort=) is kept for the reader's next visits.
    return keep_sort(request, article_page(request, slug, comment_page))


def article_page(request, slug: str, comment_page: int | None):
    def render_page(article, discussion, *, shared: bool = False, own=None):
        context = {
            "article": article,
            # From SITE_URL: the Host header is the client's, and this page may be
            # cached for every reader.
            "canonical_url": absolute(article.get_absolute_url()),
            **discussion.context(shared=shared),
        }
        if shared:
            # Each way to sign in, as the form says it to a reader signed in so.
            context["identity_templates"] = [
                (ReaderIdentity(method.id), offered_methods(exclude=method.id))
                for method in offered_methods()
            ]
        if own is not None:
            context["reader_own_part"] = own
        return render(request, "newsroom/article.html", context)

    if shares_page(request):

        def render_shared():
            article = article_at(request, slug)
            discussion = Discussion(request, article, comment_page)
            return render_page(article, discussion, shared=True), discussion

        return pagecache.article_page(request, slug, render_shared)
    article = article_at(request, slug)
    discussion = Discussion(request, article, comment_page)
    if discussion.etag and (
        not_modified := get_conditional_response(request, etag=discussion.etag)
    ):
        return not_modified
    # What the reader's own part holds is not in the ETag: none where it is sent.
    own = None if discussion.etag else kept_by_script(request, article)
    response = render_page(article, discussion, own=own)
    if discussion.etag:
        return pagecache.revalidated(response, discussion.etag)
    # The reader's own page (signed in, held comments, a message): never kept by
    # a shared cache, whatever it is told elsewhere.
    response["Cache-Control"] = "private, no-cache"
    return response


def kept_by_script(request, article: Article) -> dict | None:
    """
    On the reader's own page (after signing in, a comment, a message), for a
    browser whose script keeps the reader (static/js/reader.js): /me's answer,
    less the held comments the page shows, so its next shared pages ask nothing.
    """
    cookies = request.COOKIES
    if cookies.get(SCRIPTED_COOKIE) != "1" or READER_COOKIE not in cookies:
        return None
    own = own_part(request, article.pk, held=False)
    return own and own | {"article": article.pk}


def comments_feed(request, year: int, month: int, day: int, slug: str):
    """The Atom feed of an article's comments, at its address and feed/."""
    return ArticleCommentsFeed()(request, article_at(request, slug))


def article_at(request, slug: str) -> Article:
    """The published article whose permalink (or one of its comment pages) this is."""
    article = (
        Article.objects.published()
        .select_related("discussionversion")
        .at_address(slug, request.path)
    )
    if article is None:
        raise Http404("No article at this address.")
    return article


@dataclass(frozen=True)
class WayBack:
    """The article a reader left to sign in, and the address to go back to it."""

    url: str
    title: str


def way_back(request) -> WayBack | None:
    """
    The article the reader came from, by the page's `next`: only an address on
    this site (relative, and safe by allauth's rules), and only an article's page,
    with whatever it carries (a reply, #respond) kept for the link.
    """
    next_url = get_next_redirect_url(request)  # None unless allauth finds it safe
    if not next_url or not url_has_allowed_host_and_scheme(next_url, None):
        return None
    address = urlsplit(next_url).path
    try:
        match = resolve(address)
    except Resolver404:
        return None
    if match.url_name not in ("article", "article-comment-page"):
        return None
    article = Article.objects.published().at_address(match.kwargs["slug"], address)
    return WayBack(next_url, article.title) if article else None


class WayBackMixin(ContextMixin):
    request: HttpRequest

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"way_back": way_back(self.request)}


class LoginView(WayBackMixin, account_views.LoginView):
    """allauth's sign-in page, with a link back to the article."""


class SignupView(WayBackMixin, account_views.SignupView):
    """allauth's sign-up page, with a link back to the article."""


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def your_data(request):
    """What the site holds about the signed-in reader; closing their account."""
    user = request.user
    person = personal_data.person_of_account(user)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and not user.is_staff and form.is_valid():
        personal_data.erase(
            person, form.cleaned_data["mode"], done_by=None, by_the_reader=True
        )
        logout(request)
        return HttpResponseRedirect(reverse("account_deleted"))
    return render(
        request,
        "account/data.html",
        {
            "counts": personal_data.counts(person),
            "form": form,
            "retention_days": settings.COMMENT_IP_RETENTION_DAYS,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def download_your_data(request):
    person = personal_data.person_of_account(request.user)
    data = personal_data.export(person, done_by=request.user, by_the_reader=True)
    return personal_data.download(data)


def account_deleted(request):
    return render(request, "account/deleted.html")


ROBOTS_SECONDS = 24 * 3600  # as long as crawlers may keep it (RFC 9309)


def robots_txt(request):
    """
    What crawlers may visit: everything readers read, not the admin, accounts or
    the discussion's actions (posting, liking, reporting, editing, mail links),
    and where the sitemap is, as a full address (from SITE_URL).
    """
    response = render(
        request,
        "robots.txt",
        {"sitemap_url": absolute(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={ROBOTS_SECONDS}"
    return response


@require_GET
def language(request, code: str):
    """
    The footer's language links: the reader's choice, kept a year in the language
    cookie (django.middleware.locale reads it first), then back to the page.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        back = reverse("home")
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


@cache_control(public=True, max_age=24 * 60 * 60)
def javascript_catalog(request, code: str):
    """
    The page scripts' words (Django's catalog) in the language the address names,
    whatever the reader's cookie or browser asks for: the page names its own
    language's, and any cache may keep each by its address alone.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    with translation.override(code):
        response = JavaScriptCatalog.as_view()(request)
    response["Content-Language"] = code
    return response


def favicon(request):
    """/favicon.ico, which browsers ask for on pages naming no icon: the site's."""
    # Looked up per request: the static files' manifest may not exist at import.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
def healthz(request):
    """
    For load balancers: answers 200 when the app and its database are up. The body
    starts with "ok" and then names the client's address as the site derives it
    (readers.client_ip), so an operator can see from their own browser or curl
    whether the proxy setup gives readers their own address: the proxy's address
    means TRUSTED_PROXY_COUNT is too low, an address made up in X-Forwarded-For
    means it is too high or the app's port is reachable without the proxy. A reader
    learns only what the site thinks their address is.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse(
        f"ok\nclient: {client_ip(request) or 'unknown'}\n", content_type="text/plain"
    )


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


def csrf_failure(request, reason: str = ""):
    """
    Django's "This form has expired" page, which also stops this browser from
    saying its script runs: a signed-in reader whose script failed read the shared
    page, which holds no token (comments.discussion.SCRIPTED_COOKIE). Reloading
    then gives them their own page, with its token.
    """
    response = csrf.csrf_failure(request, reason, template_name="403_csrf.html")
    response.delete_cookie(SCRIPTED_COOKIE, samesite="Lax")
    return response
