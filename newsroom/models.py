"""
What the site keeps besides its articles and their discussions: what was
imported from another system (to import nothing twice), the old addresses of
imported articles, and the log of personal-data requests.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class Imported(models.Model):
    """
    An article or comment brought in from another system (newsroom/interchange):
    a second import of the same file finds it here and skips it.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        COMMENT = "comment", _("Comment")

    # The system and site it came from: "wordpress:https://example.com",
    # "disqus:forum-shortname".
    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind)
    source_id = models.CharField("id at the source", max_length=100)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "comments.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="imported_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="article", comment__isnull=True)
                | models.Q(kind="comment", comment__isnull=False),
                name="imported_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} from {self.source}"


class OldAddress(models.Model):
    """
    An address an imported article had on its old site ("/?p=4",
    "/2021/03/10/some-post/"): a request for it is redirected to the article.
    The path is stored as a request shows it, query string included.
    """

    path = models.CharField(max_length=500, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="old_addresses"
    )

    class Meta:
        verbose_name_plural = "old addresses"

    def __str__(self) -> str:
        return self.path


class PersonalDataRequest(models.Model):
    """
    A reader's request about their personal data, as carried out: what was done
    and by whom, never the data itself (not even the address it was about).
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASE = "erase", _("Erase")

    action = models.CharField(max_length=10, choices=Action)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The reader themselves (from their account page) rather than an editor.
    by_the_reader = models.BooleanField(default=False)
    done_at = models.DateTimeField(default=timezone.now)
    # What was found and done, as counts: {"comments anonymised": 12, ...}.
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-done_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on {self.done_at:%Y-%m-%d %H:%M}"
