"""
Posting a comment: post/redirect/get, in one transaction.

The view gathers values (the form, the rules, the author's history), lets
`moderation.decide()` choose the status, saves, and redirects to the comment's
permalink. A held comment is remembered in a signed cookie so its author, in the
same browser, sees it marked "awaiting moderation"; nobody else does.
"""

import datetime
import json
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from redis.exceptions import RedisError

from comments import moderation, notifications
from comments.forms import CommentForm, make_stamp, read_stamp
from comments.models import (
    Ban,
    Comment,
    DiscussionSettings,
    DiscussionVersion,
    page_of,
)
from newsroom.accounts import offered_methods, reader_identity
from newsroom.models import Article

HELD_COOKIE = "held_comments"
HELD_COOKIE_SALT = "comments.held"
HELD_COOKIE_LIMIT = 20
AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_SALT = "comments.author"
YEAR = 60 * 60 * 24 * 365
# How long a rendered discussion stays in the cache. Its key names a version, so
# this is not about staleness: on a busy story every comment makes a new entry,
# and old ones should leave Redis within minutes rather than pile up for a day.
CACHE_SECONDS = 10 * 60

logger = logging.getLogger(__name__)


def cached(key: str):
    """
    The cached value, or None, also when the cache (Redis) is out of reach: it
    makes pages faster, and its outage must not take them down.
    """
    try:
        return cache.get(key)
    except (RedisError, OSError):
        logger.warning("cache unavailable, rendering without it", exc_info=True)
        return None


def cache_for_a_while(key: str, value) -> None:
    try:
        cache.set(key, value, CACHE_SECONDS)
    except (RedisError, OSError):
        logger.warning("cache unavailable, not kept", exc_info=True)


class Refused(Exception):
    """A comment that can't be taken, with the message to show the reader."""


@require_POST
def post_comment(request, article_id: int):
    article = Article.objects.filter(pk=article_id).first()
    if article is None or not article.is_published:
        return refusal(
            request, None, "This article doesn't exist or isn't published.", 404
        )
    rules = DiscussionSettings.load()
    if not moderation.comments_are_open(
        comments_open=article.comments_open,
        published_at=article.published_at,
        close_after_days=rules.close_after_days,
        now=timezone.now(),
    ):
        return refusal(request, article, "Comments are closed on this article.", 403)

    form = CommentForm(
        request.POST,
        guest=not request.user.is_authenticated,
        require_name_email=rules.require_name_email,
    )
    if not form.is_valid():
        return form_page(request, article, form)
    try:
        comment = save_comment(request, article, rules, form.cleaned_data)
    except Refused as reason:
        form.add_error(None, str(reason))
        return form_page(request, article, form)

    response = HttpResponseRedirect(comment_location(request, comment, rules))
    if comment.status == Comment.Status.PENDING:
        remember_held_comment(request, response, comment)
    elif comment.status == Comment.Status.SPAM:
        messages.info(request, "Thank you, your comment has been received.")
    if form.guest:
        remember_author(response, form.cleaned_data)
    return response


def permalink(request, comment_id: int):
    """
    A comment's lasting address: to the article page that shows it. Editors also
    reach the place of comments readers don't see (yet).
    """
    comments = Comment.objects.filter(article__in=Article.objects.published())
    if not request.user.has_perm("comments.view_comment"):
        comments = comments.visible_to(request.user, held_comment_ids(request))
    comment = get_object_or_404(comments.select_related("article"), pk=comment_id)
    return HttpResponseRedirect(
        comment_location(request, comment, DiscussionSettings.load())
    )


def comment_location(request, comment: Comment, rules) -> str:
    """The comment's place: its page of the article (when paged), its anchor."""
    url = comment.article.get_absolute_url()
    if rules.page_comments:
        thread = Comment.objects.thread(
            comment.article,
            request.user,
            [*held_comment_ids(request), comment.pk],
        )
        shown = next((c for c in thread if c.pk == comment.pk), None)
        if shown is not None:
            url += f"comment-page-{page_of(shown, rules.comments_per_page)}/"
    return f"{url}#comment-{comment.pk}"


def save_comment(request, article: Article, rules, data: dict) -> Comment:
    stamp = read_stamp(data["stamp"], article.pk)
    if stamp is None:
        raise Refused(
            "This form has expired or was changed. Please post your comment again."
        )
    token, shown_at = stamp
    if data["homepage"]:
        raise Refused(
            "Your comment looks automated and was not posted. "
            "Please leave the last field empty."
        )
    if time.time() - shown_at < rules.min_seconds_to_post:
        raise Refused(
            "That was quick! Please read your comment once more and post it again."
        )

    comment = Comment(
        article=article,
        body=data["body"],
        form_token=token,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:500],
    )
    if request.user.is_authenticated:
        comment.user = request.user
        comment.author_name = (
            request.user.get_full_name() or request.user.get_username()
        )
        comment.author_email = request.user.email.lower()
        identity = Q(user=request.user)
        # --- Reader identity (newsroom.accounts): picture and account, no query.
        reader = reader_identity(request)
        comment.author_provider = reader.provider
        comment.author_avatar = reader.avatar
        comment.author_account = reader.account
        # ---
    else:
        comment.author_name = data["name"]
        comment.author_email = data["email"]
        comment.author_url = data["url"]
        identity = (
            Q(author_email=data["email"], user=None)
            if data["email"]
            else Q(author_name=data["name"], author_email="", user=None)
        )

    if data.get("parent"):
        comment.parent = reply_target(request, article, data["parent"], rules)

    with transaction.atomic():
        # One poster at a time per address: a burst can't slip past the limits, and
        # a double click finds the comment its first click saved.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"comment:{comment.ip_address}"],
            )
        posted_before = Comment.objects.filter(
            form_token=token, article=article, body=comment.body
        ).first()
        if posted_before is not None:
            return posted_before  # the same form posted twice: one comment
        check_flood(comment, identity, rules)
        said_before = Comment.objects.filter(
            identity, article=article, body=comment.body
        ).exclude(status=Comment.Status.REMOVED)
        if said_before.exists():
            raise Refused(
                "Duplicate comment detected; it looks as though you’ve already "
                "said that!"
            )
        history = moderation.History(
            has_approved_comment=Comment.objects.filter(
                identity, status=Comment.Status.APPROVED
            ).exists(),
            is_trusted=request.user.is_authenticated and request.user.is_staff,
            # Bans: one query on account, email and IP.
            ban_reason=Ban.objects.reason_for(
                user_id=comment.user_id,
                email=comment.author_email,
                ip_address=comment.ip_address,
            ),
        )
        verdict = moderation.decide(
            moderation.Submission(
                body=comment.body,
                name=comment.author_name,
                email=comment.author_email,
                url=comment.author_url,
                ip_address=comment.ip_address or "",
                user_agent=comment.user_agent,
            ),
            rules,
            history,
        )
        comment.status = verdict.status
        comment.moderation_reason = verdict.reason
        comment.save()
        notifications.comment_posted(
            request,
            comment,
            notify_comments=data.get("notify_comments", False),
            notify_posts=data.get("notify_posts", False),
        )
    return comment


def reply_target(request, article: Article, parent_id: int, rules) -> Comment:
    """The comment to reply to; at the deepest level, its parent's thread."""
    parent = (
        Comment.objects.filter(article=article, pk=parent_id)
        .visible_to(request.user, held_comment_ids(request))
        .select_related("parent")
        .first()
    )
    if parent is None:
        raise Refused(
            "The comment you are replying to is not available. Your comment was not "
            "posted; you can post it as a new comment."
        )
    if parent.depth + 1 >= rules.thread_depth and parent.parent is not None:
        return parent.parent
    return parent


def check_flood(comment: Comment, identity: Q, rules) -> None:
    if not rules.flood_interval:
        return
    since = timezone.now() - timezone.timedelta(seconds=rules.flood_interval)
    recent = Comment.objects.filter(created_at__gte=since).filter(
        identity | Q(ip_address=comment.ip_address)
    )
    if recent.exists():
        raise Refused(
            "You are posting comments too quickly. Please wait a few seconds and "
            "post again."
        )


def client_ip(request) -> str | None:
    """The reader's address; behind N trusted proxies, the one they saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def held_comment_ids(request) -> list[int]:
    value = request.get_signed_cookie(HELD_COOKIE, default="", salt=HELD_COOKIE_SALT)
    return [int(part) for part in value.split(",") if part.isdigit()]


def remember_held_comment(request, response, comment: Comment) -> None:
    ids = [*held_comment_ids(request), comment.pk][-HELD_COOKIE_LIMIT:]
    response.set_signed_cookie(
        HELD_COOKIE,
        ",".join(map(str, ids)),
        salt=HELD_COOKIE_SALT,
        max_age=60 * 60 * 24 * 30,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def remembered_author(request) -> dict:
    """Name, email and website saved by "Save my name…", if the reader ticked it."""
    raw = request.get_signed_cookie(AUTHOR_COOKIE, default="", salt=AUTHOR_COOKIE_SALT)
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {
        k: v
        for k, v in value.items()
        if k in ("name", "email", "url") and isinstance(v, str)
    }


def remember_author(response, data: dict) -> None:
    """The "Save my name…" checkbox: the cookie exists only while it is ticked."""
    if data.get("remember"):
        response.set_signed_cookie(
            AUTHOR_COOKIE,
            json.dumps({k: data[k] for k in ("name", "email", "url")}),
            salt=AUTHOR_COOKIE_SALT,
            max_age=YEAR,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")


def form_page(request, article: Article, form: CommentForm, status: int = 400):
    """The form again, with what was typed and what needs fixing."""
    data = form.data.copy()
    if "stamp" in form.errors or read_stamp(data.get("stamp", ""), article.pk) is None:
        data["stamp"] = make_stamp(article.pk)
        form.data = data
    return render(
        request,
        "comments/form_page.html",
        {"article": article, "form": form, **commenter(request)},
        status=status,
    )


def commenter(request) -> dict:
    """
    For the form: how the reader is signed in (newsroom.accounts), the reader as
    their next comment will show them (initials and colour), and the ways to sign
    in they can still choose.
    """
    identity = reader_identity(request)
    me = None
    if identity:
        name = request.user.get_full_name() or request.user.get_username()
        me = Comment(user=request.user, author_name=name, author_avatar=identity.avatar)
    return {
        "identity": identity,
        "me": me,
        "sign_in_methods": offered_methods(
            exclude=identity.provider if identity else ""
        ),
    }


def refusal(request, article, message: str, status: int):
    return render(
        request,
        "comments/refused.html",
        {"article": article, "message": message},
        status=status,
    )


def discussion_state(request, article) -> dict:
    """
    What the discussion depends on, loaded once per request (the article view
    asks first, for its ETag; the tag reuses it): the rules, whether comments are
    open (and until when), the version naming this rendering of the comments,
    whether the reader may be shown the comment list everyone shares, and, for a
    reader with nothing of their own on the page, an ETag.
    """
    if hasattr(request, "_discussion_state"):
        return request._discussion_state
    rules = DiscussionSettings.load()
    is_open = moderation.comments_are_open(
        comments_open=article.comments_open,
        published_at=article.published_at,
        close_after_days=rules.close_after_days,
        now=timezone.now(),
    )
    open_until = None
    if is_open and rules.close_after_days:
        open_until = article.published_at + datetime.timedelta(
            days=rules.close_after_days
        )
    version = (
        f"{article.pk}-{DiscussionVersion.of(article)}"
        f"-{int(article.updated_at.timestamp() * 1000)}-{int(is_open)}"
    )
    held = held_comment_ids(request)
    # A session may hold the reader's own state (signed in, a draft kept across
    # signing in, messages): only readers without one can revalidate.
    etag = None
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not held:
        etag = version
    request._discussion_state = {
        "rules": rules,
        "is_open": is_open,
        "open_until": open_until,
        "version": version,
        # Editors see the account behind each comment; held comments are shown
        # to their authors only. Everyone else sees the same list, except a
        # signed-in reader with comments awaiting moderation (the tag checks).
        "shared_list": not held and not request.user.is_staff,
        "etag": etag,
    }
    return request._discussion_state
