"""Readers' reports of comments, and what moderators made of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from comments.models.comment import Comment


class ReportQuerySet(models.QuerySet):
    def open(self) -> "ReportQuerySet":
        return self.filter(resolved_at=None)


class Report(models.Model):
    """
    One reader saying a comment breaks the rules, once per reader: per account,
    or per browser for guests. Enough open reports hide an approved comment until
    a moderator looks (DiscussionSettings.reports_to_hold).
    """

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    class Resolution(models.TextChoices):
        DISMISSED = "dismissed", "Dismissed: the comment stays"
        UPHELD = "upheld", "Upheld: the comment went"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_reports",
    )
    # A guest's browser: a random id in a signed cookie (comments.cookies).
    browser = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(user__isnull=False),
                name="report_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["comment", "browser"],
                condition=models.Q(user__isnull=True),
                name="report_once_per_browser",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(browser=""),
                name="report_has_a_reporter",
            ),
        ]
        indexes = [
            # The Reported queue and the count that hides a comment: open reports.
            models.Index(
                fields=["comment"],
                condition=models.Q(resolved_at__isnull=True),
                name="report_open_idx",
            ),
            # The rate limit per address.
            models.Index(fields=["ip_address", "-created_at"], name="report_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"
