"""Moderation records: the history of editors' actions on comments."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models.comment import Comment


def action_choices() -> list[tuple[str, Any]]:
    """
    The actions a record may name. A callable, so migrations name it rather than
    list the actions: adding one makes no migration (five once did nothing else).
    """
    return ModerationAction.Action.choices


class ModerationAction(models.Model):
    """
    One thing an editor did to a comment: who, when, from which status to which,
    and for edits what the text was before. Rows are only ever added.
    """

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        UNAPPROVE = "unapprove", _("Unapproved")
        SPAM = "spam", _("Marked as spam")
        NOT_SPAM = "not_spam", _("Marked as not spam")
        REMOVE = "remove", _("Removed")
        RESTORE = "restore", _("Restored")
        EDIT = "edit", _("Edited")
        REPLY = "reply", _("Replied")
        BAN = "ban", _("Banned the author")
        PREMODERATE = "premoderate", _("Marked the author always pre-moderated")
        DISMISS = "dismiss", _("Dismissed readers' reports")
        # By the comment's author, within the edit window (no actor for guests).
        AUTHOR_EDIT = "author_edit", _("Edited by its author")
        AUTHOR_DELETE = "author_delete", _("Deleted by its author")
        UNDO = "undo", _("Undid the last action")
        # By readers: enough reports hid an approved comment (no actor).
        REPORTED = "reported", _("Hidden after readers' reports")
        FEATURE = "feature", _("Made an editors' pick")
        UNFEATURE = "unfeature", _("No longer an editors' pick")

    class Reason(models.TextChoices):
        """Why a moderator removed a comment or marked it as spam."""

        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="moderation_actions",
    )
    action = models.CharField(_("action"), max_length=20, choices=action_choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(
        _("from status"), max_length=10, choices=Comment.Status, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=10, choices=Comment.Status, blank=True
    )
    # For edits: the fields that changed, {"body": ["before", "after"], ...}.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    # For "spam" and "remove": why, when the moderator said.
    reason = models.CharField(_("reason"), max_length=10, choices=Reason, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["comment", "-created_at"], name="moderation_comment_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor} at {self.created_at}"
