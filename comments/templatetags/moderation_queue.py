"""`{% pending_comment_count %}`: the size of the moderation queue."""

from django import template

from comments.models import Comment

register = template.Library()


@register.simple_tag
def pending_comment_count() -> int:
    """One count over the partial index of pending comments (comment_pending_idx)."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()
