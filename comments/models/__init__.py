"""
The discussion under each article.

A Comment belongs to an article and, when it is a reply, to a parent comment of the
same article (a composite foreign key in the database makes that hold). Its author
is either a signed-in user or a guest identity (name, email, website). Readers see
approved comments and, in the browser that posted them, their own held ones.

DiscussionSettings is the one row of moderation rules editors change in the admin;
the rules themselves are applied by `comments.moderation.decide()`.
"""

from comments.models.bans import Ban, BanQuerySet
from comments.models.comment import (
    BODY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
    Comment,
    CommentQuerySet,
    in_reading_order,
    joins_parent_thread,
    page_count,
    page_of,
    render_body,
    search_document,
    thread_count,
)
from comments.models.discussion import DiscussionSettings, DiscussionVersion
from comments.models.likes import Like, LikeCount
from comments.models.moderation_log import ModerationAction
from comments.models.notifications import (
    Notice,
    OutboundMail,
    Subscription,
    SubscriptionQuerySet,
)
from comments.models.reports import Report, ReportQuerySet
from comments.models.spam import SpamLesson, SpamModel

__all__ = [
    "BODY_MAX_LENGTH",
    "EMAIL_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "URL_MAX_LENGTH",
    "Ban",
    "BanQuerySet",
    "Comment",
    "CommentQuerySet",
    "DiscussionSettings",
    "DiscussionVersion",
    "Like",
    "LikeCount",
    "ModerationAction",
    "Notice",
    "OutboundMail",
    "Report",
    "ReportQuerySet",
    "SpamLesson",
    "SpamModel",
    "Subscription",
    "SubscriptionQuerySet",
    "in_reading_order",
    "joins_parent_thread",
    "page_count",
    "page_of",
    "render_body",
    "search_document",
    "thread_count",
]
