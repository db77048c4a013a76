"""
The discussion's views: posting a comment, a comment's permalink, and the form's
sign-in and Log Out buttons. Likes and reports: comments.reader_action_views.

Posting is post/redirect/get, in one transaction: the form validates (robot checks
included), the view gathers the author's history, lets `moderation.decide()` choose
the status, saves, and redirects to the comment's permalink. The steps are
comments.posting's, which the API takes too. A held comment is
remembered in a signed cookie so its author, in the same browser, sees it marked
"awaiting moderation"; nobody else does. A comment sent to spam (a ban, a
disallowed word) is treated exactly alike on the author's side: they are not told.
"""

import re
from typing import cast
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q
from django.http import (
    Http404,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from comments.discussion import comment_location
from comments.drafts import discard_draft, stash_draft
from comments.forms import CommentForm, make_stamp, read_stamp
from comments.judging import Refused
from comments.models import Comment, DiscussionSettings
from comments.posting import open_to_comments, remember_posted, replied_to, save_comment
from comments.rendering import clock
from readers.caching import cache_for_a_while, cached
from readers.cookies import (
    held_comment_ids,
    remember_author,
)
from readers.crossorigin import cross_origin_protected, session_token
from readers.identity import (
    METHODS,
    commenter,
)


@cross_origin_protected
@require_POST
def post_comment(request, article_id: int):
    try:
        article, rules = open_to_comments(article_id)
    except Refused as refused:
        return refusal(request, refused.article, str(refused), refused.status)
    form = CommentForm(
        request.POST,
        guest=not request.user.is_authenticated,
        require_name_email=rules.require_name_email,
        article_id=article.pk,
        min_seconds=rules.min_seconds_to_post,
    )
    if not form.is_valid():
        return form_page(request, article, form)
    try:
        comment, subscribed = save_comment(request, article, rules, form.cleaned_data)
    except Refused as reason:
        form.add_error(None, str(reason))
        return form_page(request, article, form)

    discard_draft(request, article.pk)
    response = HttpResponseRedirect(
        comment_location(request, comment, rules, posted=True)
    )
    until = remember_posted(request, response, comment, rules)
    if form.guest:
        remember_author(response, form.cleaned_data)
    if until is not None:
        messages.success(
            request,
            _("Your comment was posted. You can edit or delete it until %(time)s.")
            % {"time": clock(until)},
            extra_tags=f"own-comment {reverse('comments:edit', args=[comment.pk])}",
        )
    if subscribed is not None:  # "Notify me…" was ticked: say what it did
        messages.info(request, subscribed.message)
    return response


def findable(request):
    """The comments whose place this reader may be sent to."""
    comments = Comment.objects.filter(article__in=Article.objects.published())
    if not request.user.has_perm("comments.view_comment"):
        comments = comments.visible_to(request.user, held_comment_ids(request))
    return comments.select_related("article")


def permalink(request, comment_id: int):
    """
    A comment's lasting address: to the article page that shows it. Editors also
    reach the place of comments readers don't see (yet).
    """
    comment = get_object_or_404(findable(request), pk=comment_id)
    return HttpResponseRedirect(
        comment_location(request, comment, DiscussionSettings.load())
    )


@require_GET
def find_anchor(request, article_id: int):
    """
    Where a link's #anchor points on an article whose comments are in pages: the
    browser never sends the anchor, so when it isn't on the page it opened, the
    page's script asks here (?anchor=c-12, ours, or comment-45, an imported
    comment's anchor from WordPress) and goes to the comment's page. An anchor
    that names no comment this reader may see goes to the article.
    """
    anchor = request.GET.get("anchor", "")
    comments = findable(request).filter(article_id=article_id)
    own = re.fullmatch(r"c-(\d{1,18})", anchor)
    if own:
        comment = comments.filter(pk=int(own[1])).first()
    else:
        comment = comments.filter(old_anchor=anchor).first() if anchor else None
    if comment is None:
        article = get_object_or_404(Article.objects.published(), pk=article_id)
        return HttpResponseRedirect(article.get_absolute_url())
    return HttpResponseRedirect(
        comment_location(request, comment, DiscussionSettings.load())
    )


# How long what open pages poll for is reused, by the server (its cache) and by
# any HTTP cache on the way (max-age).
LIVE_SECONDS = 5
# How many of the comments approved last it names: more than come in between
# two polls of a page.
LIVE_LATEST = 20


@require_GET
def live(request, article_id: int):
    """
    What an open page polls to tell its reader "3 new comments — show", or that
    one is on another page: how many comments are approved, and the LIVE_LATEST
    approved last, newest first, each with its parent. The page takes as many as
    the count grew by, and knows by their parents (or, for a new thread, where
    such threads land) which belong on it. However many pages are open, the
    database is asked at most once per LIVE_SECONDS per article and cache;
    readers and HTTP caches may reuse an answer as long.
    """
    key = f"live-news:{article_id}"
    news = cached(key)
    if news is None:
        # {}: no such published article, kept too, so asking is cheap.
        news = live_news(article_id) or {}
        cache_for_a_while(key, news, LIVE_SECONDS)
    if not news:
        raise Http404("No article with comments here.")
    response = JsonResponse(news)
    response["Cache-Control"] = f"public, max-age={LIVE_SECONDS}"
    return response


def live_news(article_id: int) -> dict | None:
    """live()'s answer, in one query; None when no published article has the id."""
    latest = Comment.objects.filter(article=OuterRef("pk")).approved_last()
    latest = latest[:LIVE_LATEST]
    found = (
        Article.objects.published()
        .filter(pk=article_id)
        .annotate(
            approved=Count("comments", filter=Q(comments__status="approved")),
            ids=ArraySubquery(latest.values("pk")),
            parents=ArraySubquery(latest.values("parent_id")),
        )
        .values_list("approved", "ids", "parents")
        .first()
    )
    if found is None:
        return None
    approved, ids, parents = found
    return {
        "approved": approved,
        "latest": [list(p) for p in zip(ids, parents, strict=True)],
    }


@require_GET
def stamp(request, article_id: int):
    """
    A stamp for the comment form on the page every anonymous reader shares, which
    can't hold one: its script asks for it when the reader starts on the form
    or a guest presses Like, and the time a person needs to write counts from
    then. No query: a stamp for an article that takes no comments is refused
    when posted. A reader with a session gets the CSRF token their posts need
    too (the shared page holds none: readers.crossorigin); no other site can
    read this answer.
    """
    answer = {"stamp": make_stamp(article_id)}
    if csrf := session_token(request):
        answer["csrf"] = csrf
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response


def form_page(request, article: Article, form: CommentForm, status: int = 400):
    """
    The form again, with what was typed and what needs fixing. A reply stays a
    reply to the comment it named; one to a comment that isn't available (or a
    changed form's) is posted as a new comment next time.
    """
    data = cast(QueryDict, form.data).copy()  # a bound form's data: request.POST
    if "stamp" in form.errors or read_stamp(data.get("stamp", ""), article.pk) is None:
        data["stamp"] = make_stamp(article.pk)
    parent = form.cleaned_data.get("parent")
    reply_to = replied_to(request, article, parent) if parent else None
    if reply_to is None:
        data["parent"] = ""
    form.data = data
    return render(
        request,
        "comments/form_page.html",
        {
            "article": article,
            "form": form,
            "reply_to": reply_to,
            **commenter(request),
        },
        status=status,
    )


def refusal(request, article, message: str, status: int):
    return render(
        request,
        "comments/refused.html",
        {"article": article, "message": message},
        status=status,
    )


# --- The form's sign-in buttons -----------------------------------------------------


def published_article(article_id: int) -> Article:
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        raise Http404("No article at this address.")
    return article


@cross_origin_protected
@require_POST
def sign_in(request, article_id: int):
    """
    An icon of the "Leave a Reply" form: keep the draft, then sign in that way.

    A reader who is already signed in is changing accounts: they are signed out
    first, so the draft and the provider's state live in their new session.
    """
    article = published_article(article_id)
    method = METHODS.get(request.POST.get("provider", ""))
    if method is None:
        raise Http404("No such way to sign in.")
    if method.is_social and not method.is_configured:
        # Its page (help in development, else not found) is at the provider's own
        # address. Redirected there, the draft is kept: a 503 saves no session.
        stash_draft(request, article)
        return HttpResponseRedirect(reverse(f"{method.id}_login"))
    if request.user.is_authenticated:
        get_account_adapter(request).logout(request)
    next_url = stash_draft(request, article)
    if not method.is_social:
        query = urlencode({"next": next_url})
        return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
    provider = get_social_adapter(request).get_provider(request, method.id)
    return provider.redirect(request, process=AuthProcess.LOGIN, next_url=next_url)


@require_POST
def sign_out(request, article_id: int):
    """The form's Log Out: sign out, keep the draft, come back to the form."""
    article = published_article(article_id)
    if request.user.is_authenticated:
        get_account_adapter(request).logout(request)
        messages.success(request, _("You have signed out."))
    return HttpResponseRedirect(stash_draft(request, article))
