"""Readers' reports of comments, and what moderators made of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.models.comment import Comment
from comments.models.reader_actions import ReaderAction, ReaderActionQuerySet


class ReportQuerySet(ReaderActionQuerySet):
    def open(self) -> "ReportQuerySet":
        return self.filter(resolved_at=None)


class Report(ReaderAction):
    """
    One reader saying a comment breaks the rules, once per reader: per account,
    or per browser and per network for guests. Enough open reports, each one
    person's, hide an approved comment until a moderator looks
    (DiscussionSettings.reports_to_hold, comments.reporting).
    """

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    class Resolution(models.TextChoices):
        DISMISSED = "dismissed", _("Dismissed: the comment stays")
        UPHELD = "upheld", _("Upheld: the comment went")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta(ReaderAction.Meta):
        ordering = ["-created_at"]
        indexes = [
            *ReaderAction.Meta.indexes,
            # The Reported queue and the count that hides a comment: open reports.
            models.Index(
                fields=["comment"],
                condition=models.Q(resolved_at__isnull=True),
                name="report_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"
