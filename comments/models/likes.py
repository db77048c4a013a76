"""Readers' likes of comments, and each comment's count of them."""

from django.db import models

from comments.models.comment import Comment
from comments.models.reader_actions import ReaderAction, ReaderActionQuerySet


class Like(ReaderAction):
    """
    One reader liking one comment: per account, or per browser and network for
    guests. A guest's like carries the token of the form stamp it came with: a
    stamp is good for one like (comments.liking).
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = ReaderActionQuerySet.as_manager()

    class Meta(ReaderAction.Meta):
        constraints = [
            *ReaderAction.Meta.constraints,
            models.UniqueConstraint(
                fields=["form_token"],
                condition=models.Q(form_token__isnull=False),
                name="like_once_per_stamp",
            ),
        ]
        indexes = [
            *ReaderAction.Meta.indexes,
            # A signed-in reader's likes on the page they read.
            models.Index(fields=["user", "comment"], name="like_user_idx"),
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
