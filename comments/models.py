"""
The discussion under each article.

A Comment belongs to an article and, when it is a reply, to a parent comment of the
same article (a composite foreign key in the database makes that hold). Its author
is either a signed-in user or a guest identity (name, email, website). Readers see
approved comments and, in the browser that posted them, their own held ones.

DiscussionSettings is the one row of moderation rules editors change in the admin;
the rules themselves are applied by `comments.moderation.decide()`.
"""

import hashlib
import uuid

import nh3
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe

BODY_MAX_LENGTH = 65525
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200


class DiscussionSettings(models.Model):
    """Moderation rules, with WordPress's defaults. There is only ever one row."""

    manual_approval = models.BooleanField(
        "comments must be manually approved", default=False
    )
    require_prior_approval = models.BooleanField(
        "author must have a previously approved comment",
        default=True,
        help_text="Guests are known by their email, signed-in readers by account.",
    )
    link_limit = models.PositiveSmallIntegerField(
        "hold a comment with this many links or more",
        default=2,
        help_text="0 switches the rule off.",
    )
    moderation_words = models.TextField(
        blank=True,
        help_text="One word or phrase per line. A comment containing one in its "
        "body, name, email, website, IP or browser is held for moderation.",
    )
    disallowed_words = models.TextField(
        blank=True,
        help_text="One word or phrase per line. A comment containing one in its "
        "body, name, email, website, IP or browser goes to spam.",
    )
    close_after_days = models.PositiveIntegerField(
        "close comments on articles older than (days)",
        null=True,
        blank=True,
        help_text="Leave empty to keep comments open.",
    )
    require_name_email = models.BooleanField(
        "guests must fill in name and email", default=True
    )
    thread_depth = models.PositiveSmallIntegerField(
        "nest replies this many levels deep",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    page_comments = models.BooleanField("break comments into pages", default=False)
    comments_per_page = models.PositiveSmallIntegerField(
        "top-level comments per page",
        default=50,
        validators=[MinValueValidator(1)],
    )
    newest_page_first = models.BooleanField(
        "show the page of newest comments first",
        default=True,
        help_text="Otherwise the page of oldest comments. Comments read oldest first "
        "within a page.",
    )
    flood_interval = models.PositiveIntegerField(
        "seconds between two comments from one person or address",
        default=15,
    )
    min_seconds_to_post = models.PositiveSmallIntegerField(
        "seconds a form is shown before it may be posted",
        default=3,
        help_text="Robots post at once; people take longer to write.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "discussion settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="one_settings_row")
        ]

    def __str__(self) -> str:
        return "Discussion settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        # Rules change what every discussion shows (depth, closing): none of the
        # cached ones may be served again, including those of articles without a
        # comment yet, which have no version row until now.
        articles = DiscussionVersion._meta.get_field("article").related_model
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {DiscussionVersion._meta.db_table} (article_id, version)
                SELECT id, 1 FROM {articles._meta.db_table}
                ON CONFLICT (article_id) DO UPDATE
                SET version = {DiscussionVersion._meta.db_table}.version + 1
                """  # noqa: S608 - table names from the models, no input
            )

    @classmethod
    def load(cls) -> "DiscussionSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


class DiscussionVersion(models.Model):
    """
    A counter per article that PostgreSQL bumps on every insert, update or delete
    of its comments (triggers in migration 0006), whatever wrote them: the form,
    an admin action, a bulk update, a script. Cached discussions are keyed by it,
    so a cached page can't outlive a change.
    """

    article = models.OneToOneField(
        "newsroom.Article", on_delete=models.CASCADE, primary_key=True
    )
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "discussion version"

    def __str__(self) -> str:
        return f"version {self.version} of article {self.article_id}"

    @classmethod
    def of(cls, article) -> int:
        """Its version; no query when the article came with select_related."""
        try:
            return article.discussionversion.version
        except cls.DoesNotExist:
            return 0


def search_document() -> Upper:
    """
    Everything editors search comments by, as one upper-cased text: body, name,
    email, website and IP. A trigram index over this expression (pg_trgm) serves
    "contains" searches, which is what editors type: a word, part of an email or a
    domain, an IP prefix. Full-text search would split emails, addresses and IPs
    into tokens and miss partial ones.
    """
    return Upper(
        Concat(
            "body",
            models.Value(" "),
            "author_name",
            models.Value(" "),
            "author_email",
            models.Value(" "),
            "author_url",
            models.Value(" "),
            models.Func("ip_address", function="HOST", output_field=models.TextField()),
            output_field=models.TextField(),
        )
    )


class CommentQuerySet(models.QuerySet):
    def approved(self) -> "CommentQuerySet":
        return self.filter(status=Comment.Status.APPROVED)

    def visible_to(self, user, held_ids=()) -> "CommentQuerySet":
        """Approved comments, plus the viewer's own comments awaiting moderation."""
        own = models.Q(pk__in=list(held_ids))
        if user.is_authenticated:
            own |= models.Q(user=user)
        return self.filter(
            models.Q(status=Comment.Status.APPROVED)
            | (models.Q(status=Comment.Status.PENDING) & own)
        )

    def thread(self, article, user, held_ids=()) -> list["Comment"]:
        """
        The article's visible comments in reading order: one query, the tree built
        in Python. Each comment gets `.display_depth` and `.thread_number`, the
        position (from 0) of the top-level comment whose thread it is in, which
        decides its page when comments are paged.
        """
        comments = list(
            self.filter(article=article)
            .visible_to(user, held_ids)
            .select_related("user")
            .order_by("created_at", "id")
        )
        children: dict[int | None, list[Comment]] = {}
        by_id = {comment.pk: comment for comment in comments}
        for comment in comments:
            # A reply whose parent is hidden is shown where the parent would be.
            parent_id = comment.parent_id if comment.parent_id in by_id else None
            children.setdefault(parent_id, []).append(comment)
        ordered: list[Comment] = []
        for number, top in enumerate(children.get(None, [])):
            stack = [(top, 0)]
            while stack:
                comment, depth = stack.pop()
                comment.display_depth = depth
                comment.thread_number = number
                ordered.append(comment)
                stack.extend(
                    (child, depth + 1)
                    for child in reversed(children.get(comment.pk, []))
                )
        return ordered


def page_count(comments: list["Comment"], per_page: int) -> int:
    """How many pages a thread() list fills, at per_page top-level comments each."""
    threads = comments[-1].thread_number + 1 if comments else 0
    return max(1, -(-threads // per_page))


def page_of(comment: "Comment", per_page: int) -> int:
    return comment.thread_number // per_page + 1


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    article = models.ForeignKey(
        "newsroom.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        db_constraint=False,  # enforced with the article by comment_parent_same_article
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField("name", max_length=NAME_MAX_LENGTH, blank=True)
    author_email = models.EmailField("email", max_length=EMAIL_MAX_LENGTH, blank=True)
    author_url = models.URLField("website", max_length=URL_MAX_LENGTH, blank=True)
    # A signed-in reader as they appeared when commenting (newsroom.accounts): kept on
    # the comment so a page of comments needs no query per author.
    author_provider = models.CharField(
        "signed in with",
        max_length=20,
        blank=True,
        help_text="account, twitter_oauth2 or facebook; empty for guests.",
    )
    author_account = models.CharField(
        "account", max_length=255, blank=True, help_text="Shown to editors only."
    )
    author_avatar = models.CharField(
        "picture", max_length=100, blank=True, help_text="A file in MEDIA_ROOT."
    )

    body = models.TextField(max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False)

    status = models.CharField(
        max_length=10, choices=Status, default=Status.PENDING, db_index=False
    )
    moderation_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    # The form a comment came from: the same form posted twice with the same text
    # finds this row. Not unique: a page kept in the browser's cache serves its
    # form again, for the reader's next comment.
    form_token = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "approved", "spam", "removed"]
                ),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="comment_not_own_parent",
            ),
            # Target of the composite foreign key (parent_id, article_id).
            models.UniqueConstraint(
                fields=["id", "article"], name="comment_id_article"
            ),
        ]
        indexes = [
            # The article page: its comments in order, filtered by status.
            models.Index(
                fields=["article", "status", "created_at"], name="comment_article_idx"
            ),
            # The moderation queue: pending comments, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="comment_pending_idx",
            ),
            models.Index(fields=["form_token"], name="comment_form_token_idx"),
            # Flood limits and an author's history.
            models.Index(fields=["ip_address", "-created_at"], name="comment_ip_idx"),
            models.Index(
                fields=["author_email", "-created_at"], name="comment_email_idx"
            ),
            models.Index(fields=["user", "-created_at"], name="comment_user_idx"),
            # Moderation: each status view in date order, the date filter
            # across statuses, and search (see comments.admin.search_document).
            models.Index(fields=["status", "created_at"], name="comment_status_idx"),
            models.Index(fields=["created_at"], name="comment_created_idx"),
            GinIndex(
                OpClass(search_document(), name="gin_trgm_ops"),
                name="comment_search_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} on {self.article}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # Redirects to the comment on the page that holds it (comments.views).
        return reverse("comments:permalink", args=[self.pk])

    @property
    def display_name(self) -> str:
        if self.author_name:
            return self.author_name
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return "Anonymous"

    @property
    def avatar_url(self) -> str:
        return default_storage.url(self.author_avatar) if self.author_avatar else ""

    @property
    def avatar_initials(self) -> str:
        words = [w for w in self.display_name.split() if w[:1].isalnum()]
        if not words:
            return "?"
        letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
        return letters.upper()

    @property
    def avatar_colour(self) -> int:
        """One of eight colours, stable for the same person."""
        key = str(self.user_id or self.author_email.lower() or self.display_name)
        return hashlib.blake2s(key.encode(), digest_size=1).digest()[0] % 8

    @property
    def body_as_html(self) -> SafeString:
        # body_html is only ever written by save(), from render_body().
        return mark_safe(self.body_html)  # noqa: S308

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


def render_body(text: str) -> SafeString:
    """
    A reader's text as HTML: escaped, paragraphs and line breaks kept, web addresses
    turned into links. The result is cleaned by nh3 as a second line of defence, so
    only <p>, <br> and http(s) links with rel="nofollow ugc" can ever come out.
    """
    html = linebreaks(
        urlize(text, trim_url_limit=60, autoescape=True), autoescape=False
    )
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


# --- Moderation records: bans and the history of editors' actions. -------------


class BanQuerySet(models.QuerySet):
    def active(self) -> "BanQuerySet":
        now = timezone.now()
        return self.filter(models.Q(expires_at=None) | models.Q(expires_at__gt=now))

    def matching(self, *, user_id=None, email: str = "", ip_address=None):
        """Bans on any of the given identities (account, email, IP)."""
        match = models.Q(pk__in=[])
        if user_id:
            match |= models.Q(kind=Ban.Kind.ACCOUNT, user_id=user_id)
        if email:
            match |= models.Q(kind=Ban.Kind.EMAIL, email=email.lower())
        if ip_address:
            match |= models.Q(kind=Ban.Kind.IP, ip_address=ip_address)
        return self.filter(match)

    def reason_for(self, *, user_id=None, email: str = "", ip_address=None) -> str:
        """The reason of an active ban on this identity, "" when none: one query."""
        ban = (
            self.active()
            .matching(user_id=user_id, email=email, ip_address=ip_address)
            .order_by("-created_at")
            .values_list("reason", flat=True)
            .first()
        )
        if ban is None:
            return ""
        return ban or "banned"


class Ban(models.Model):
    """
    An account, an email address or an IP address whose comments go straight to
    spam (with the reason "banned"). The commenter is not told, so they don't
    simply come back under another name.
    """

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        EMAIL = "email", "Email"
        IP = "ip", "IP address"

    kind = models.CharField(max_length=10, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_bans",
        verbose_name="account",
    )
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    reason = models.CharField(max_length=255)
    expires_at = models.DateTimeField(
        "expires", null=True, blank=True, help_text="Leave empty for a permanent ban."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="account",
                        user__isnull=False,
                        email="",
                        ip_address__isnull=True,
                    )
                    | (
                        models.Q(
                            kind="email", user__isnull=True, ip_address__isnull=True
                        )
                        & ~models.Q(email="")
                    )
                    | models.Q(
                        kind="ip", user__isnull=True, email="", ip_address__isnull=False
                    )
                ),
                name="ban_one_identity",
                violation_error_message="A ban names one identity, the one its kind "
                "says: an account, an email address or an IP address.",
            )
        ]
        indexes = [
            models.Index(fields=["email"], name="ban_email_idx"),
            models.Index(fields=["ip_address"], name="ban_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target}"

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @property
    def target(self) -> str:
        if self.kind == self.Kind.ACCOUNT:
            return str(self.user) if self.user_id else ""
        if self.kind == self.Kind.EMAIL:
            return self.email
        return str(self.ip_address or "")

    @property
    def is_active(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()


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


# --- Notifications: subscriptions, what they are owed, and the mail sent ----------
# The logic lives in comments/notifications.py (who gets what) and comments/tasks.py
# (the worker's side: digests and delivery).


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> "SubscriptionQuerySet":
        return self.filter(status=Subscription.Status.CONFIRMED)

    def for_article_comments(self, article_id: int) -> "SubscriptionQuerySet":
        return self.filter(topic=Subscription.Topic.COMMENTS, article_id=article_id)

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
        COMMENTS = "comments", "New comments on an article"
        POSTS = "posts", "New articles"
        HELD = "held", "Comments held for moderation"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

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
        "newsroom.Article",
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

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
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
        "newsroom.Article",
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
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending (or interrupted)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

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
    # A task that built this mail (send_email_message) finds it again on a re-run.
    task_id = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "outbound mail"
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
