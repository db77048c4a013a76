"""Moderation records: the history of editors' actions on comments."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from comments.models.comment import Comment


class ModerationAction(models.Model):
    """
    One thing an editor did to a comment: who, when, from which status to which,
    and for edits what the text was before. Rows are only ever added.
    """

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        UNAPPROVE = "unapprove", "Unapproved"
        SPAM = "spam", "Marked as spam"
        NOT_SPAM = "not_spam", "Marked as not spam"
        REMOVE = "remove", "Removed"
        RESTORE = "restore", "Restored"
        EDIT = "edit", "Edited"
        REPLY = "reply", "Replied"
        BAN = "ban", "Banned the author"
        PREMODERATE = "premoderate", "Marked the author always pre-moderated"
        DISMISS = "dismiss", "Dismissed readers' reports"
        # By the comment's author, within the edit window (no actor for guests).
        AUTHOR_EDIT = "author_edit", "Edited by its author"
        AUTHOR_DELETE = "author_delete", "Deleted by its author"
        UNDO = "undo", "Undid the last action"
        # By readers: enough reports hid an approved comment (no actor).
        REPORTED = "reported", "Hidden after readers' reports"
        FEATURE = "feature", "Made an editors' pick"
        UNFEATURE = "unfeature", "No longer an editors' pick"

    class Reason(models.TextChoices):
        """Why a moderator removed a comment or marked it as spam."""

        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Other"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    action = models.CharField(max_length=20, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="by",
    )
    from_status = models.CharField(max_length=10, choices=Comment.Status, blank=True)
    to_status = models.CharField(max_length=10, choices=Comment.Status, blank=True)
    # For edits: the fields that changed, {"body": ["before", "after"], ...}.
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=255, blank=True)
    # For "spam" and "remove": why, when the moderator said.
    reason = models.CharField(max_length=10, choices=Reason, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["comment", "-created_at"], name="moderation_comment_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor} at {self.created_at}"
