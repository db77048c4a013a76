"""
Comments: the Comment model, its queries (what a viewer may see, a thread in
reading order, its pages), how its text becomes HTML, and the lengths its
fields allow.
"""

import uuid
from collections.abc import Iterable
from typing import Any, Protocol

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Coalesce, Concat, Now, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from readers import identity

BODY_MAX_LENGTH = 65525
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200

# What an erased author leaves on a comment of theirs (privacy.personal_data): no
# name, address, website, account, picture or trace of their connection. Shown as
# "Anonymous" (Comment.display_name).
ANONYMOUS = {
    "user": None,
    "author_name": "",
    "author_email": "",
    "author_url": "",
    "author_provider": "",
    "author_account": "",
    "author_avatar": "",
    "author_is_staff": False,
    "ip_address": None,
    "user_agent": "",
}
# The text of a comment its author asked to have removed: the row stays, hidden,
# because its replies (other readers' words) hang from it.
ERASED_TEXT = "[removed at the author's request]"


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


# A comment that still holds where it came from: the IP address and browser kept
# for moderation while a comment is fresh, cleared after COMMENT_IP_RETENTION_DAYS
# (privacy.retention). An index over this condition holds only such comments.
KEEPS_ADDRESS = models.Q(ip_address__isnull=False) | ~models.Q(user_agent="")


class CommentQuerySet(models.QuerySet):
    def approved(self) -> "CommentQuerySet":
        return self.filter(status=Comment.Status.APPROVED)

    def public(self) -> "CommentQuerySet":
        """
        What anyone may read on its own, away from the page's thread (a like, a
        feed): approved comments that still have their text (not deleted by their
        author), on published articles.
        """
        return self.approved().filter(
            article__in=Article.objects.published(), deleted_at=None
        )

    def authors(self) -> models.QuerySet:
        """The accounts that wrote any of these comments (guests have none)."""
        return get_user_model().objects.filter(
            models.Exists(self.filter(user=models.OuterRef("pk")))
        )

    def by_person(self, emails, users) -> "CommentQuerySet":
        """
        Comments written with any of these addresses (whatever their case: imported
        comments may keep capitals) or by any of these accounts.
        """
        match = models.Q(pk__in=[])
        for email in emails:
            match |= models.Q(author_email__iexact=email)
        if users:
            match |= models.Q(user__in=users)
        return self.filter(match)

    def anonymise(self) -> int:
        """Keep the comments' text, forget who wrote them (see ANONYMOUS)."""
        return self.update(**ANONYMOUS)

    def erase(self) -> int:
        """
        Hide the comments and forget both who wrote them and what they said. The
        rows stay as removed placeholders: deleting one would delete its replies
        too (the foreign key cascades in PostgreSQL), and a reimport would find no
        trace of it and bring it back.
        """
        return self.update(
            **ANONYMOUS,
            status=Comment.Status.REMOVED,
            body=ERASED_TEXT,
            body_html=render_body(ERASED_TEXT),
            moderation_reason="erased at the author's request",
        )

    def keeping_addresses(self) -> "CommentQuerySet":
        """Comments that still hold an IP address or a browser (user agent)."""
        return self.filter(KEEPS_ADDRESS)

    def approved_last(self) -> "CommentQuerySet":
        """Approved comments, the last to become approved first (status_since)."""
        return self.approved().order_by("-status_since", "-pk")

    def visible_to(self, user, held_ids=()) -> "CommentQuerySet":
        """
        Approved comments, plus the viewer's own comments that look held to them
        (pending or spam: see Comment.SHOWN_AS_HELD).
        """
        return self.filter(
            models.Q(status=Comment.Status.APPROVED) | shown_as_held_to(user, held_ids)
        )

    def shown_as_held_to(self, user, held_ids=()) -> "CommentQuerySet":
        """The viewer's own comments that look held to them: only they see these."""
        return self.filter(shown_as_held_to(user, held_ids))

    def with_article_titles(self, *, drafts: bool) -> "CommentQuerySet":
        """
        Each comment with its article's title as `article_title`, in the same
        query; None for an article that isn't published (a draft, or one scheduled
        for later) unless `drafts`, for those who may read them.
        """
        title: Any = models.F("article__title")
        if not drafts:
            published = Article.objects.published().filter(
                pk=models.OuterRef("article")
            )
            title = models.Case(models.When(models.Exists(published), then=title))
        return self.annotate(article_title=title)

    def for_the_list(self) -> "CommentQuerySet":
        """
        With what the comment list shows of each: its author, its likes, and
        whether it is in the moderators' hands (the page's script then offers its
        author no Edit or Delete, which would be refused).
        """
        return (
            self.select_related("user")
            .annotate(like_count=Coalesce("like_total__count", 0))
            .for_its_author()
        )

    def for_its_author(self) -> "CommentQuerySet":
        """
        With what its author may still do with each (comments.author_views):
        `.in_moderators_hands` when someone else decided on it in a way an edit
        of theirs must not undo: a moderator removed it, marked it as spam,
        unapproved it, changed its text or made it an editors' pick, or readers'
        reports hid it. A comment held or sent to spam by the rules, or approved,
        is still theirs: an edit can't raise it (moderation.decide_edit).
        """
        from comments.models.moderation_log import ModerationAction

        Action = ModerationAction.Action
        others = (
            ModerationAction.objects.filter(comment=models.OuterRef("pk"))
            .filter(
                models.Q(action=Action.EDIT)
                | models.Q(
                    to_status=models.OuterRef("status"),
                    to_status__in=Comment.SHOWN_AS_HELD,
                )
            )
            .exclude(action=Action.AUTHOR_EDIT)
        )
        return self.annotate(
            in_moderators_hands=models.ExpressionWrapper(
                models.Exists(others)
                | models.Q(status=Comment.Status.REMOVED)
                | models.Q(featured_at__isnull=False),
                output_field=models.BooleanField(),
            )
        )

    def thread(
        self, article, user, held_ids=(), *, order: str = "oldest"
    ) -> list["Comment"]:
        """
        The article's visible comments in reading order, with their like counts
        and, for a signed-in `user`, whether they like each: one query, the tree
        built in Python. Top-level comments in `order` ("oldest", "newest", or
        "liked": most liked first); replies always in the order they came. Each
        comment gets `.display_depth` and `.thread_number`, the position (from 0)
        of the top-level comment whose thread it is in, which decides its page when
        comments are paged.
        """
        visible = self.filter(article=article).visible_to(user, held_ids)
        if user.is_authenticated:
            # Which of them the reader likes (`.liked`), in the same query.
            from comments.models.likes import Like

            visible = visible.annotate(
                liked=models.Exists(
                    Like.objects.filter(comment=models.OuterRef("pk"), user=user)
                )
            )
        return in_reading_order(
            visible.for_the_list().order_by("created_at", "id"), order=order
        )


def shown_as_held_to(user, held_ids) -> models.Q:
    """
    The viewer's own comments that look held to them (pending or spam: see
    Comment.SHOWN_AS_HELD): those their browser posted (`held_ids`, from its
    cookie) and, signed in, their account's.
    """
    own = models.Q(pk__in=list(held_ids))
    if user.is_authenticated:
        own |= models.Q(user=user)
    return models.Q(status__in=Comment.SHOWN_AS_HELD) & own


class Threaded(Protocol):
    """What in_reading_order reads and sets: a comment, or its place in a list."""

    @property
    def pk(self) -> Any: ...
    @property
    def parent_id(self) -> Any: ...
    @property
    def like_count(self) -> int: ...

    display_depth: int
    thread_number: int


def in_reading_order[T: Threaded](
    comments: Iterable[T], *, order: str = "oldest"
) -> list[T]:
    """
    Comments of one article (in date order) as a thread is read: each top-level
    comment, in `order` (see CommentQuerySet.thread), followed by its replies,
    depth first. A reply whose parent is not among them is placed where the parent
    would be. Sets `.display_depth` and `.thread_number` on each.
    """
    comments = list(comments)
    children: dict[int | None, list[T]] = {}
    by_id = {comment.pk: comment for comment in comments}
    for comment in comments:
        parent_id = comment.parent_id if comment.parent_id in by_id else None
        children.setdefault(parent_id, []).append(comment)
    tops = children.get(None, [])
    if order == "newest":
        tops.reverse()
    elif order == "liked":
        tops.sort(key=lambda comment: -comment.like_count)  # stable: oldest first
    ordered: list[T] = []
    for number, top in enumerate(tops):
        stack = [(top, 0)]
        while stack:
            comment, depth = stack.pop()
            comment.display_depth = depth
            comment.thread_number = number
            ordered.append(comment)
            stack.extend(
                (child, depth + 1) for child in reversed(children.get(comment.pk, []))
            )
    return ordered


def joins_parent_thread(depth: int, thread_depth: int) -> bool:
    """
    Whether a reply to a comment at `depth` joins that comment's parent's thread:
    at the deepest level the rules allow, replies stop nesting, as in WordPress.
    """
    return depth + 1 >= thread_depth


def thread_count(comments: list["Comment"]) -> int:
    """How many threads (top-level comments) a thread() list holds."""
    return comments[-1].thread_number + 1 if comments else 0


def page_count(comments: list["Comment"], per_page: int) -> int:
    """How many pages a thread() list fills, at per_page top-level comments each."""
    return max(1, -(-thread_count(comments) // per_page))


def page_of(comment: "Comment", per_page: int, *, from_end_of: int = 0) -> int:
    """
    The page that holds the comment's thread, at per_page threads a page: counted
    from the first thread, so the last page holds what is left; or, given how
    many threads there are (`from_end_of`), from the last, so the last page is
    full and the first holds what is left. The page a discussion opens on is the
    full one: readers who land on it never meet a page of one comment.
    """
    empty_places = -from_end_of % per_page  # before the first thread, on page 1
    return (comment.thread_number + empty_places) // per_page + 1


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    # What a comment readers don't see looks like to its author: "awaiting
    # moderation", whether it is held or was sent to spam (by a ban or a disallowed
    # word). Nobody is told their comment was judged spam, so a banned author
    # doesn't simply come back under another name, and nobody can probe the rules.
    SHOWN_AS_HELD = (Status.PENDING, Status.SPAM)

    # No index of their own: comment_article_idx and comment_user_idx begin with
    # them, and every index is one more write on each comment posted.
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
        db_index=False,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        db_constraint=False,  # enforced with the article by comment_parent_same_article
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        db_index=False,
    )
    author_name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, blank=True)
    author_email = models.EmailField(
        _("email"), max_length=EMAIL_MAX_LENGTH, blank=True
    )
    author_url = models.URLField(_("website"), max_length=URL_MAX_LENGTH, blank=True)
    # A signed-in reader as they appeared when commenting (readers.identity): kept on
    # the comment so a page of comments needs no query per author.
    author_provider = models.CharField(
        _("signed in with"),
        max_length=20,
        blank=True,
        help_text=_("account, twitter_oauth2 or facebook; empty for guests."),
    )
    author_account = models.CharField(
        _("account"), max_length=255, blank=True, help_text=_("Shown to editors only.")
    )
    author_avatar = models.CharField(
        _("picture"), max_length=100, blank=True, help_text=_("A file in MEDIA_ROOT.")
    )
    # Set by the server only, from the account at posting time: the "Staff" mark
    # beside the name, which nothing a reader types can produce.
    author_is_staff = models.BooleanField(
        _("posted by staff"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("The comment shows a Staff mark."),
    )

    body = models.TextField(_("body"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.PENDING,
        db_index=False,
    )
    moderation_reason = models.CharField(
        _("moderation reason"), max_length=255, blank=True
    )
    # The spam classifier's score when it was posted or last edited (None: it
    # abstained, or the author is staff), shown in the moderation queue.
    spam_score = models.FloatField(null=True, blank=True, editable=False)
    # Since when the status is what it is: when the row was made, then each change
    # of status, whatever wrote it (a trigger, migration 0027). An open page's new
    # comments are the ones approved last (comments.views.live), written then or
    # long before and held.
    status_since = models.DateTimeField(
        _("status since"), db_default=Now(), editable=False
    )
    # Its author changed the text (shown as "edited"), or deleted it: where it had
    # replies it stays as "This comment was deleted by its author."
    edited_at = models.DateTimeField(
        _("edited at"), null=True, blank=True, editable=False
    )
    deleted_at = models.DateTimeField(
        _("deleted at"), null=True, blank=True, editable=False
    )
    # An editors' pick since then: shown above the discussion while approved.
    featured_at = models.DateTimeField(
        _("editors' pick since"), null=True, blank=True, editable=False
    )
    # Set when the row is made (not auto_now_add, which would overwrite the date of
    # a comment brought in from another system: newsroom/interchange).
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    # The form a comment came from: the same form posted twice with the same text
    # finds this row. Not unique: a page kept in the browser's cache serves its
    # form again, for the reader's next comment.
    form_token = models.UUIDField(default=uuid.uuid4, editable=False)
    # The anchor the comment had on the site it was imported from ("comment-123"
    # on WordPress), kept on the page so an old link's #fragment still finds it.
    old_anchor = models.CharField(max_length=40, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    # Not columns: set on the comments of a CommentQuerySet.thread() list, on
    # the same author's other comments the moderation page lists (desk.admin),
    # and by for_its_author().
    display_depth: int
    thread_number: int
    like_count: int
    liked: bool
    matched_by: str
    in_moderators_hands: bool

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
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
            # across statuses, and search (see search_document above).
            models.Index(fields=["status", "created_at"], name="comment_status_idx"),
            models.Index(fields=["created_at"], name="comment_created_idx"),
            # Retention: the comments whose IP address is still to be cleared, and
            # only those, so the hourly clearing never reads the cleared millions.
            models.Index(
                fields=["created_at"],
                condition=KEEPS_ADDRESS,
                name="comment_address_kept_idx",
            ),
            GinIndex(
                OpClass(search_document(), name="gin_trgm_ops"),
                name="comment_search_idx",
            ),
        ]

    def __str__(self) -> str:
        # Without the article's title: the admin shows this to moderators, who may
        # not read drafts (desk.admin.articles).
        return f"{self.display_name}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body)
        parent = self.parent if self.parent_id else None
        self.depth = parent.depth + 1 if parent else 0
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # Redirects to the comment on the page that holds it (comments.views).
        return reverse("comments:permalink", args=[self.pk])

    def reply_target(self, thread_depth: int) -> "Comment":
        """The comment a reply to this one hangs under (see joins_parent_thread)."""
        if joins_parent_thread(self.depth, thread_depth) and self.parent is not None:
            return self.parent
        return self

    @property
    def display_name(self) -> str:
        if self.author_name:
            return self.author_name
        if self.user is not None:
            return identity.display_name(self.user)
        return "Anonymous"

    @property
    def avatar_url(self) -> str:
        return identity.avatar_url(self.author_avatar)

    @property
    def avatar_initials(self) -> str:
        return identity.initials(self.display_name)

    @property
    def avatar_colour(self) -> int:
        """One of eight colours, stable for the same person."""
        return identity.colour(
            str(self.user_id or self.author_email.lower() or self.display_name)
        )

    @property
    def body_as_html(self) -> SafeString:
        # body_html is only ever written from render_body() (save(), erase()).
        return mark_safe(self.body_html)  # noqa: S308

    @property
    def is_editors_pick(self) -> bool:
        return (
            self.featured_at is not None
            and self.status == self.Status.APPROVED
            and self.deleted_at is None
        )

    @property
    def is_shown_as_held(self) -> bool:
        """Marked "awaiting moderation": only its author is ever shown it."""
        return self.status in self.SHOWN_AS_HELD


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
