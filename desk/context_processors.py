"""
What every page may show of the discussion: the moderation queue's size, and the
moderators' picture of the day (the admin's front page).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from comments.models import Comment
from desk.admin.articles import reads_drafts
from desk.dashboard import dashboard


def moderation_queue(request: HttpRequest) -> dict[str, Any]:
    """
    `pending_comments`: the number of comments awaiting moderation ("5,000"),
    counted only when a template shows it (editors' pages), in one count over the
    partial index of pending comments (comment_pending_idx).
    """
    return {
        "pending_comments": SimpleLazyObject(
            lambda: f"{Comment.objects.filter(status=Comment.Status.PENDING).count():,}"
        ),
        # The admin front page's picture of the day (desk.dashboard), computed
        # only when a page shows it.
        "moderation_dashboard": SimpleLazyObject(
            lambda: dashboard(drafts=reads_drafts(request))
        ),
    }
