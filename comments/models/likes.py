"""Readers' likes of comments, and each comment's count of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from comments.models.comment import Comment


class Like(models.Model):
    """One reader liking one comment: per account, or per browser for guests."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_likes",
    )
    # A guest's browser: the random id of its signed cookie (comments.cookies).
    browser = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(user__isnull=False),
                name="like_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["comment", "browser"],
                condition=models.Q(user__isnull=True),
                name="like_once_per_browser",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(browser=""),
                name="like_has_a_reader",
            ),
        ]
        indexes = [
            # A signed-in reader's likes on the page they read; the rate limit.
            models.Index(fields=["user", "comment"], name="like_user_idx"),
            models.Index(fields=["ip_address", "-created_at"], name="like_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"like of comment {self.comment_id}"


class LikeCount(models.Model):
    """
    How many likes a comment has, kept beside it rather than in it: a like changes
    this row only, so the comment's row, and with it the discussion's version
    (DiscussionVersion), stay as they are and cached pages are not thrown away on
    every like (see comments.discussion.counts_are_fresh).
    """

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, primary_key=True, related_name="like_total"
    )
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} likes of comment {self.comment_id}"
