"""
Notifications: subscriptions, what they are owed, and the mail sent.

The logic lives in comments/notifications.py (who gets what) and comments/tasks.py
(the worker's side: digests and delivery).
"""

import uuid
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models.comment import EMAIL_MAX_LENGTH, Comment


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> "SubscriptionQuerySet":
        return self.filter(status=Subscription.Status.CONFIRMED)

    def for_article_comments(self, article_id: int) -> "SubscriptionQuerySet":
        return self.filter(topic=Subscription.Topic.COMMENTS, article_id=article_id)

    def listed_for(self, user, email: str | None) -> "SubscriptionQuerySet":
        """What a signed-in reader is subscribed to (or asked to be), as listed."""
        return (
            self.owned_by(user, email)
            .exclude(status=Subscription.Status.UNSUBSCRIBED)
            .select_related("article")
            .order_by("topic", "-requested_at")
        )

    def owned_by(self, user, email: str | None) -> "SubscriptionQuerySet":
        """A signed-in reader's subscriptions: made while signed in, or to their
        verified address."""
        mine = models.Q(user=user)
        if email:
            mine |= models.Q(email=email)
        return self.filter(mine)


class Subscription(models.Model):
    """
    One address asking for one kind of mail. Rows are kept after unsubscribing, so
    an old link or a replayed confirmation finds a clear answer, and so ticking the
    box again starts a new double opt-in instead of resurrecting the old consent.
    """

    class Topic(models.TextChoices):
        COMMENTS = "comments", _("New comments on an article")
        POSTS = "posts", _("New articles")
        HELD = "held", _("Comments held for moderation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(max_length=EMAIL_MAX_LENGTH)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    topic = models.CharField(max_length=10, choices=Topic)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    # When the current double opt-in began: a confirmation link signed before this
    # moment belongs to an earlier request and no longer confirms anything.
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Throttling: the last mail sent, and when the next one (a digest of what
    # happened meanwhile) is scheduled; NULL when nothing is waiting.
    last_mailed_at = models.DateTimeField(null=True, blank=True)
    digest_due_at = models.DateTimeField(null=True, blank=True)
    # The language the reader read the site in when they subscribed (a code of
    # LANGUAGES; "" for the site's default): the worker writes their mail in it.
    language = models.CharField(max_length=15, blank=True, default="")

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "topic", "article"],
                nulls_distinct=False,
                name="subscription_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(topic="comments", article__isnull=False)
                | models.Q(topic__in=["posts", "held"], article__isnull=True),
                name="subscription_article_iff_comments",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "confirmed", "unsubscribed"]),
                name="subscription_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["article"],
                condition=models.Q(status="confirmed", topic="comments"),
                name="subscription_article_idx",
            ),
            models.Index(fields=["user"], name="subscription_user_idx"),
        ]

    def __str__(self) -> str:
        what = f"comments on {self.article}" if self.article_id else self.topic
        return f"{self.email}: {what} ({self.status})"


class Notice(models.Model):
    """
    Something a subscriber is owed a mail about: a comment (new, a reply, or held
    for moderation) or a new article. Unique per subscription, so approving a
    comment twice or publishing an article twice never notifies twice; `mail` is
    set once a digest carried it.
    """

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="notices"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_reply = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    mail = models.ForeignKey(
        "OutboundMail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )

    # Not a column: the link a digest gives for this notice (comments.tasks).
    url: str

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "comment"], name="notice_comment_unique"
            ),
            models.UniqueConstraint(
                fields=["subscription", "article"], name="notice_article_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(comment__isnull=True, article__isnull=False)
                | models.Q(comment__isnull=False, article__isnull=True),
                name="notice_comment_xor_article",
            ),
        ]
        indexes = [
            models.Index(
                fields=["subscription"],
                condition=models.Q(mail__isnull=True),
                name="notice_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription}: {self.comment or self.article}"


class OutboundMail(models.Model):
    """
    One message to one recipient, and the record that makes sending it idempotent.

    The worker moves a row QUEUED → SENDING (committed before talking to the mail
    server) → SENT. Two workers can't both move it out of QUEUED (row lock, SKIP
    LOCKED), and a row found in SENDING is never sent again automatically: if a
    worker died after the server accepted the message but before writing SENT, a
    duplicate is worse than the rare lost notification. Such rows are visible in
    the admin. The Message-ID is fixed when the row is created, so a manual resend
    is recognised as the same message by mail clients that deduplicate.

    Once sent, the row forgets its body, HTML and headers (comments.tasks.deliver):
    they name readers and hold links that open accounts and subscriptions. The mail
    log keeps who was sent what kind of mail, under what subject, and when.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending (or interrupted)")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, blank=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set by the task that built this mail, before tasks carried only a mail's id.
    task_id = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("outbound mail")
        verbose_name_plural = _("outbound mails")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]),
                name="outboundmail_status_valid",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="outboundmail_queued_idx",
            ),
            models.Index(fields=["kind", "created_at"], name="outboundmail_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"

    @property
    def message_id(self) -> str:
        """
        The Message-ID every send of this row carries: the row's id at the domain
        of DEFAULT_FROM_EMAIL. What to look for in the mail server's log before
        sending an interrupted mail again.
        """
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
        return f"<{self.pk}@{domain or 'localhost'}>"
