"""What readers do to a comment besides replying (report it, like it): once each."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReaderActionQuerySet(models.QuerySet):
    def by_reader(self, user, browser: str) -> "ReaderActionQuerySet":
        """A reader's own: their account's, or their browser's for a guest."""
        if user.is_authenticated:
            return self.filter(user=user)
        if not browser:
            return self.none()
        return self.filter(user=None, browser=browser)


class ReaderAction(models.Model):
    """
    Done by a reader, once per comment: per account, or per browser for guests
    (a random id in a signed cookie, comments.cookies). Subclasses add `comment`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_%(class)ss",
    )
    browser = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(user__isnull=False),
                name="%(class)s_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["comment", "browser"],
                condition=models.Q(user__isnull=True),
                name="%(class)s_once_per_browser",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(browser=""),
                name="%(class)s_has_a_reader",
            ),
        ]
        indexes = [
            # The rate limit per address (comments.limits).
            models.Index(fields=["ip_address", "-created_at"], name="%(class)s_ip_idx"),
        ]
