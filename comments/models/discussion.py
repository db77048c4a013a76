"""
The state of discussions beyond their comments: the moderation rules editors
set (DiscussionSettings) and the per-article counter that keys cached
discussions (DiscussionVersion).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class DiscussionSettings(models.Model):
    """
    Moderation rules, with WordPress's defaults but pages. There is only ever one
    row.
    """

    manual_approval = models.BooleanField(
        _("comments must be manually approved"), default=False
    )
    require_prior_approval = models.BooleanField(
        _("author must have a previously approved comment"),
        default=True,
        help_text=_(
            "Guests are known by the same name and email (both given), "
            "signed-in readers by their account. A guest's name and email are not "
            "proof of who they are: anyone who knows both passes."
        ),
    )
    link_limit = models.PositiveSmallIntegerField(
        _("hold a comment with this many links or more"),
        default=2,
        help_text=_("0 switches the rule off."),
    )
    moderation_words = models.TextField(
        _("moderation words"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment containing one in its "
            "body, name, email, website, IP or browser is held for moderation."
        ),
    )
    disallowed_words = models.TextField(
        _("disallowed words"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment containing one in its "
            "body, name, email, website, IP or browser goes to spam."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments on articles older than (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep comments open."),
    )
    require_name_email = models.BooleanField(
        _("guests must fill in name and email"), default=True
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("nest replies this many levels deep"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    # On, unlike WordPress: a page of 1,000 comments is 15,000 elements to lay out
    # at once (Lighthouse's performance 86 against 100 in pages, bench/README.md).
    page_comments = models.BooleanField(_("break comments into pages"), default=True)
    comments_per_page = models.PositiveSmallIntegerField(
        _("top-level comments per page"),
        default=50,
        validators=[MinValueValidator(1)],
    )
    newest_page_first = models.BooleanField(
        _("show the page of newest comments first"),
        default=True,
        help_text=_(
            "Otherwise the page of oldest comments. Comments read oldest first "
            "within a page."
        ),
    )
    flood_interval = models.PositiveIntegerField(
        _("seconds between two comments from one person or address"),
        default=15,
    )
    edit_window_minutes = models.PositiveSmallIntegerField(
        _("authors may edit or delete their comment for (minutes)"),
        default=10,
        help_text=_("0: never. An edit is moderated again."),
    )
    reports_to_hold = models.PositiveSmallIntegerField(
        _("hide a comment for a moderator after this many reports"),
        default=3,
        help_text=_(
            "Readers' open reports of an approved comment. 0: never hide, "
            "only list in the Reported queue."
        ),
    )
    hold_after_rejections = models.PositiveSmallIntegerField(
        _("hold authors with this many rejected comments"),
        default=2,
        help_text=_(
            "Rejected: sent to spam or removed, among the author's latest "
            "comments (next setting). 0 switches the rule off."
        ),
    )
    rejection_window = models.PositiveSmallIntegerField(
        _("among their latest comments"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    min_seconds_to_post = models.PositiveSmallIntegerField(
        _("seconds a form is shown before it may be posted"),
        default=3,
        help_text=_("Robots post at once; people take longer to write."),
    )
    # The spam classifier (comments.spam), which learns from moderators' decisions.
    spam_threshold = models.FloatField(
        _("send to spam at this spam score or more"),
        default=0.99,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_(
            "The classifier's score, from 0 to 1. Authors with an approved "
            "comment count for less (their score is weighed by 0.95), staff not "
            "at all."
        ),
    )
    hold_threshold = models.FloatField(
        _("hold for moderation at this spam score or more"),
        default=0.91,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    spam_min_decisions = models.PositiveIntegerField(
        _("the classifier judges after learning this many decisions"),
        default=100,
        help_text=_("Until then it abstains. 0 lets it judge from the first."),
    )
    # The classifier's version posting loads (comments.spam.current): read with the
    # rules it already reads, so learning of a new version costs a post no query.
    spam_model_version = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("discussion settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="one_settings_row")
        ]

    def __str__(self) -> str:
        return str(_("Discussion settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        if not self._state.adding and "update_fields" not in kwargs:
            # The classifier's version is the worker's to move (comments.spam.store):
            # rules read before it learnt must not put an older one back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "spam_model_version"
            ]
        super().save(*args, **kwargs)
        # Rules change what every discussion shows (depth, closing): none of the
        # cached ones may be served again, including those of articles without a
        # comment yet, which have no version row until now.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {DiscussionVersion._meta.db_table} (article_id, version)
                SELECT id, 1 FROM {Article._meta.db_table}
                ON CONFLICT (article_id) DO UPDATE
                SET version = {DiscussionVersion._meta.db_table}.version + 1
                """  # noqa: S608 - table names from the models, no input
            )

    def clean(self) -> None:
        if self.hold_threshold > self.spam_threshold:
            raise ValidationError(
                {
                    "hold_threshold": _(
                        "Hold at a score no higher than the one that sends to spam "
                        "(%(spam)s)."
                    )
                    % {"spam": self.spam_threshold}
                }
            )

    @classmethod
    def load(cls) -> "DiscussionSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row

    @classmethod
    def with_article(
        cls, article_id: int
    ) -> tuple[Article | None, "DiscussionSettings"]:
        """
        An article (None when there is none by that id) and the rules, in one
        statement built without the ORM: posting asks for both on every comment, and
        compiling two ORM queries cost it a fifth of its CPU.
        """
        article_fields = columns_of(Article)
        rules_fields = columns_of(cls)
        quote = connection.ops.quote_name
        columns = ", ".join(
            [f"a.{quote(column)}" for _, column in article_fields]
            + [f"s.{quote(column)}" for _, column in rules_fields]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT {columns} FROM (SELECT 1) AS one
                LEFT JOIN {quote(Article._meta.db_table)} AS a ON a.id = %s
                LEFT JOIN {quote(cls._meta.db_table)} AS s ON s.id = 1
                """,  # noqa: S608 - names from the models, no input
                [article_id],
            )
            row = cursor.fetchone()
        values, rules_values = row[: len(article_fields)], row[len(article_fields) :]
        article = None
        if values[0] is not None:
            article = Article.from_db(
                connection.alias, [name for name, _ in article_fields], values
            )
        if rules_values[0] is None:  # a new database: the row's first reader makes it
            return article, cls.load()
        rules = cls.from_db(
            connection.alias, [name for name, _ in rules_fields], rules_values
        )
        return article, rules


def columns_of(model: type[models.Model]) -> list[tuple[str, str]]:
    """Each stored field's attribute and column, in the model's order."""
    return [
        (field.attname, field.column)
        for field in model._meta.concrete_fields
        if field.column is not None
    ]


class DiscussionVersion(models.Model):
    """
    A counter per article that PostgreSQL bumps whenever what every reader sees of
    its comments changes (triggers in migration 0004_discussion_version_triggers,
    narrowed by 0026: an approved comment inserted, changed or deleted, a comment
    approved or taken down), whatever wrote them: the form, an admin action, a bulk
    update, a script. Cached discussions are keyed by it, so a cached page can't
    outlive a change; a held comment, which only its author and editors see, never
    in a cached rendering, leaves it as it is.
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True
    )
    version = models.BigIntegerField(default=0)
    # Bumped by every like or unlike of its comments (not by the triggers): a
    # cached page counts likes as they were, for up to COMMENTS_LIKES_FRESHNESS seconds.
    likes = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("discussion version")

    def __str__(self) -> str:
        return f"version {self.version} of article {self.article_id}"

    @classmethod
    def of(cls, article) -> int:
        """Its version; no query when the article came with select_related."""
        try:
            return article.discussionversion.version
        except cls.DoesNotExist:
            return 0

    @classmethod
    def likes_of(cls, article) -> int:
        """Its likes counter; no query when the article came with select_related."""
        try:
            return article.discussionversion.likes
        except cls.DoesNotExist:
            return 0
