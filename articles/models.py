"""The article: what the site publishes and what each discussion hangs from."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.text import single_line


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: datetime.datetime | None = None) -> "ArticleQuerySet":
        """
        Articles a reader may see `now` (this moment when not given): published,
        and not scheduled for later.
        """
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )

    def at_address(self, slug: str, path: str) -> "Article | None":
        """
        The article with `slug` when `path` is its page or one of its comment
        pages: slugs are unique, and the date in the address must be its own.
        """
        article = self.filter(slug=slug).first()
        if article is None or not path.startswith(article.get_absolute_url()):
            return None
        return article


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The last part of the article's address."),
    )
    byline = models.CharField(_("byline"), max_length=120, blank=True)
    body = models.TextField(
        _("body"), help_text=_("Paragraphs separated by a blank line.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("The date is part of the article's address."),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    source = models.CharField(
        _("source attribution"),
        max_length=200,
        blank=True,
        help_text=_('Shown under the article as "Adapted from …".'),
    )
    source_url = models.URLField(_("source address"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    # Not columns: the discussion's version and likes counter, which
    # newsroom.pagecache reads in the same query as the article (published_state).
    version: int
    likes: int

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # Its table kept the name it had when the article was the site's own.
        db_table = "newsroom_article"
        ordering = ["-published_at"]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=models.Q(status="published"),
                name="article_published_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="article_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article", kwargs=self.address())

    def get_feed_url(self) -> str:
        """The Atom feed of its comments: its address and feed/, as on WordPress."""
        return reverse("article-comments-feed", kwargs=self.address())

    def address(self) -> dict[str, Any]:
        """The parts of its address: the local date it was published, the slug."""
        day = timezone.localdate(self.published_at)
        return {
            "year": day.year,
            "month": f"{day.month:02d}",
            "day": f"{day.day:02d}",
            "slug": self.slug,
        }

    def clean(self) -> None:
        # One line of visible text: the title goes into mail subjects.
        self.title = single_line(self.title)
        if not self.title:
            raise ValidationError({"title": "Please give the article a title."})

    @property
    def paragraphs(self) -> list[str]:
        return [
            p.strip()
            for p in self.body.replace("\r\n", "\n").split("\n\n")
            if p.strip()
        ]

    @property
    def description(self) -> str:
        """A summary for search engines and link previews: the opening paragraph."""
        paragraphs = self.paragraphs
        return Truncator(paragraphs[0]).chars(160) if paragraphs else ""

    @property
    def modified_at(self) -> datetime.datetime:
        """
        When readers last saw it change: its last edit, or its publication when
        that came later (a scheduled article). Feeds, the sitemap and the page's
        structured data give this date.
        """
        return max(self.published_at, self.updated_at)

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()
        )
