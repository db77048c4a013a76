"""
Posting a comment, the steps every way in shares: the "Leave a Reply" form
(comments.views.post_comment) and the API (api.writing) call the same functions,
so a comment is checked, judged and saved one way whichever way it came.

1. `open_to_comments`: the article, published, and its rules (one statement), or
   the refusal with its status.
2. The form (comments.forms.CommentForm) validates, robot checks included.
3. `save_comment`: who wrote it, then in one transaction one writer per address,
   every check's and rule's question in one query (history.gather), the
   decision (judging.judge → moderation.decide), the row, and its notifications
   as task rows.
4. `remember_posted`: what the author's browser keeps (a held comment to show
   them, the comment they may still change).
"""

import datetime
import json
import uuid

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from articles.models import Article
from comments import akismet_service, history, notifications
from comments.discussion import is_open
from comments.judging import Refused, judge, one_at_a_time_from
from comments.models import Comment, DiscussionSettings
from readers.client_ip import client_ip
from readers.cookies import (
    held_comment_ids,
    remember_held_comment,
    remember_own_comment,
)
from readers.identity import display_name, reader_identity


def save_comment(
    request, article: Article, rules, data: dict
) -> tuple[Comment, notifications.Subscribed | None]:
    """
    A valid form becomes a comment: who wrote it, then, in one transaction, the
    checks that need the database, the moderation decision, the row and its effects
    (subscriptions and mail, as task rows). Returns the comment, and what its
    "Notify me…" boxes did (None: none was ticked, or the comment was there).
    """
    token = data["token"] or unstamped_token(request, article, data)
    comment = new_comment(request, article, rules, data, token)
    # Before the address lock: a slow Akismet holds up no other post from there.
    akismet_spam = akismet_service.says_spam(comment)
    with transaction.atomic():
        one_at_a_time_from(comment.ip_address)
        # Every check's and rule's question, in one query.
        known = history.gather(comment, rules, form_token=token)
        if known.posted_before is not None:
            # The same form posted twice: one comment.
            return Comment.objects.get(pk=known.posted_before), None
        if known.flooding:
            raise Refused(
                _(
                    "You are posting comments too quickly. Please wait a few seconds "
                    "and post again."
                )
            )
        if known.duplicate:
            raise Refused(
                _(
                    "Duplicate comment detected; it looks as though you’ve already "
                    "said that!"
                )
            )
        verdict = judge(
            comment,
            rules,
            known,
            stamped=data["token"] is not None,
            akismet_spam=akismet_spam,
        )
        comment.status = verdict.status
        comment.moderation_reason = verdict.reason
        comment.spam_score = verdict.spam_score
        comment.save()
        subscribed = notifications.comment_posted(
            request,
            comment,
            notify_comments=data.get("notify_comments", False),
            notify_posts=data.get("notify_posts", False),
        )
    return comment, subscribed


def new_comment(
    request, article: Article, rules, data: dict, token: uuid.UUID
) -> Comment:
    """The comment a valid form asks for, unsaved: its text, who wrote it, where."""
    comment = Comment(
        article=article,
        body=data["body"],
        form_token=token,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:500],
    )
    if request.user.is_authenticated:
        comment.user = request.user
        comment.author_is_staff = request.user.is_staff
        comment.author_name = display_name(request.user)
        comment.author_email = request.user.email.lower()
        reader = reader_identity(request)  # picture and account, no query
        assert reader is not None  # signed in
        comment.author_provider = reader.provider
        comment.author_avatar = reader.avatar
        comment.author_account = reader.account
    else:
        comment.author_name = data["name"]
        comment.author_email = data["email"]
        comment.author_url = data["url"]
    if data.get("parent"):
        comment.parent = reply_target(request, article, data["parent"], rules)
    return comment


# The namespace of the tokens made for forms sent without a stamp.
UNSTAMPED_FORMS = uuid.UUID("5d1f3c1e-7a43-4c1b-9a0e-2f6b8e4d9c70")


def unstamped_token(request, article: Article, data: dict) -> uuid.UUID:
    """
    The token of a form sent without a stamp (the shared page without
    JavaScript), which brings none: made from who sent what, where, so that the
    same form sent twice (a double click) is known, as a stamped one is by its
    stamp's, and makes one comment.
    """
    sent = [article.pk, request.user.pk, client_ip(request), data.get("parent")]
    sent += [data.get("name", ""), data.get("email", ""), data["body"]]
    return uuid.uuid5(UNSTAMPED_FORMS, json.dumps(sent))


def replied_to(request, article: Article, parent_id: int) -> Comment | None:
    """The comment the reader is replying to, if it is one they may see."""
    return (
        Comment.objects.filter(article=article, pk=parent_id)
        .visible_to(request.user, held_comment_ids(request))
        .select_related("parent")
        .first()
    )


def reply_target(request, article: Article, parent_id: int, rules) -> Comment:
    """The comment to reply to; at the deepest level, its parent's thread."""
    parent = replied_to(request, article, parent_id)
    if parent is None:
        raise Refused(
            _(
                "The comment you are replying to is not available. Your comment was "
                "not posted; you can post it as a new comment."
            )
        )
    return parent.reply_target(rules.thread_depth)


def open_to_comments(article_id: int) -> tuple[Article, DiscussionSettings]:
    """
    The article and its rules, in one statement (DiscussionSettings.with_article),
    when it takes comments now; else Refused with the status to answer.
    """
    article, rules = DiscussionSettings.with_article(article_id)
    if article is None or not article.is_published:
        raise Refused(_("This article doesn't exist or isn't published."), 404)
    if not is_open(article, rules):
        raise Refused(_("Comments are closed on this article."), 403, article)
    return article, rules


def remember_posted(
    request: HttpRequest,
    response: HttpResponseBase,
    comment: Comment,
    rules: DiscussionSettings,
) -> datetime.datetime | None:
    """
    What the author's browser keeps of the comment just posted: a held one (spam
    included: its author sees it held, exactly, Comment.SHOWN_AS_HELD) to be shown
    them alone, and the one they may change until the returned moment (None: the
    rules allow no changes).
    """
    if comment.is_shown_as_held:
        remember_held_comment(request, response, comment.pk)
    if not rules.edit_window_minutes:
        return None
    until = comment.created_at + datetime.timedelta(minutes=rules.edit_window_minutes)
    remember_own_comment(request, response, comment.pk, until.timestamp())
    return until
