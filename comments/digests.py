"""
What a notification mail says: the digest of a subscriber's notices (new comments,
new articles, comments waiting for moderation) in their language, and the message
built from a pair of templates with its unsubscribe link and headers. The worker
(comments.tasks) decides when to send it; this decides only its words.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.models import Notice, OutboundMail, Subscription
from readers import tokens


def in_language_of(subscription: Subscription) -> translation.override:
    """The subscriber's language (or the site's), for writing their mail in it."""
    return translation.override(subscription.language or settings.LANGUAGE_CODE)


def digest_mail(subscription: Subscription, notices: list[Notice]) -> OutboundMail:
    """
    The digest of `notices`, which is_still_true() kept: each names a comment, or
    an article for a subscription to new posts. Its words are in the active
    language: send_digest() makes it in the subscriber's.
    """
    topic = subscription.topic
    if topic == Subscription.Topic.COMMENTS:
        digest = new_comments_digest
    elif topic == Subscription.Topic.POSTS:
        digest = new_posts_digest
    else:
        digest = held_comments_digest
    subject, template, context = digest(subscription, notices)
    return build_mail(
        kind=f"digest-{topic}",
        to=subscription.email,
        subject=subject,
        template=template,
        context={"subscription": subscription, "notices": notices} | context,
        unsubscribe=[subscription.pk],
    )


# A digest's subject, template and what its template needs besides the notices.
Digest = tuple[str, str, dict]


def new_comments_digest(subscription: Subscription, notices: list[Notice]) -> Digest:
    """New comments (and replies) on the article the subscriber follows."""
    assert subscription.article is not None  # comments are on an article
    title = subscription.article.title
    first = notices[0].comment
    assert first is not None
    if len(notices) > 1:
        subject = ngettext(
            "%(count)s new comment on “%(title)s”",
            "%(count)s new comments on “%(title)s”",
            len(notices),
        ) % {"count": len(notices), "title": title}
    elif notices[0].is_reply:
        subject = _("%(name)s replied to your comment on “%(title)s”") % {
            "name": first.display_name,
            "title": title,
        }
    else:
        subject = _("%(name)s commented on “%(title)s”") % {
            "name": first.display_name,
            "title": title,
        }
    context = {
        "article": subscription.article,
        "article_url": tokens.absolute(subscription.article.get_absolute_url()),
        "replies": sum(n.is_reply for n in notices),
    }
    for notice in notices:
        assert notice.comment is not None
        notice.url = tokens.absolute(notice.comment.get_absolute_url())
    return subject, "comments/email/new_comments", context


def new_posts_digest(subscription: Subscription, notices: list[Notice]) -> Digest:
    """New articles, for a subscription to new posts."""
    if len(notices) > 1:
        subject = ngettext(
            "%(count)s new article on Newsroom",
            "%(count)s new articles on Newsroom",
            len(notices),
        ) % {"count": len(notices)}
    else:
        assert notices[0].article is not None
        subject = _("New on Newsroom: %(title)s") % {"title": notices[0].article.title}
    for notice in notices:
        assert notice.article is not None
        notice.url = tokens.absolute(notice.article.get_absolute_url())
    return subject, "comments/email/new_posts", {}


def held_comments_digest(subscription: Subscription, notices: list[Notice]) -> Digest:
    """Comments waiting for moderation, for the moderators."""
    if len(notices) > 1:
        subject = _("%(count)s comments are waiting for moderation") % {
            "count": len(notices)
        }
    else:
        assert notices[0].comment is not None
        subject = _("A comment on “%(title)s” is waiting for moderation") % {
            "title": notices[0].comment.article.title
        }
    for notice in notices:
        assert notice.comment is not None
        notice.url = tokens.absolute(
            reverse("admin:comments_comment_change", args=[notice.comment.pk])
        )
    queue_url = tokens.absolute(
        reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    )
    return subject, "comments/email/held_comments", {"queue_url": queue_url}


def build_mail(
    *,
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    unsubscribe: list[int],
) -> OutboundMail:
    """
    A saved, queued message from a pair of templates (NAME.txt and NAME.html). Every
    one carries an unsubscribe link, and the List-Unsubscribe and
    List-Unsubscribe-Post headers of RFC 8058, so mail programs can offer a one-click
    button that POSTs to the same address.
    """
    unsubscribe_url = tokens.unsubscribe_url(unsubscribe)
    context = context | {
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
        "subscriptions_url": tokens.absolute(reverse("comments:subscriptions")),
        "subject": subject,
    }
    return OutboundMail.objects.create(
        kind=kind,
        to=[to],
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
