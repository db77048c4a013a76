"""
What the moderators' desk says of the article a comment is on.

Moderators may read comments, not articles: the title of a draft, or of an article
scheduled for later, is for those who may view articles (Editors). To the others a
comment on such an article is on "an unpublished article": in the queue's article
column (and so in its search results), on a comment's page (its own article, its
author's other comments, others from the same address), in the list "Approve all
shown…" asks about, and among the articles with the most waiting comments on the
admin's front page (desk.dashboard); the queue's article filter names none.
Titles are masked in the query that reads the comments
(CommentQuerySet.with_article_titles), so no page costs a query more.
"""

from typing import cast

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from comments.models import Comment, CommentQuerySet

UNPUBLISHED = _("an unpublished article")


def reads_drafts(request: HttpRequest) -> bool:
    """Whether the user may read unpublished articles: view or change them."""
    return request.user.has_perm("articles.view_article") or request.user.has_perm(
        "articles.change_article"
    )


def article_title(comment: Comment) -> str:
    """The title of the comment's article, as the desk may show it."""
    title = getattr(comment, "article_title", None)
    return str(UNPUBLISHED) if title is None else title


class ArticleFilter(admin.SimpleListFilter):
    """
    The latest articles (not all of them: a newsroom has thousands); any article's
    queue is reachable from its admin page or the article column. The article
    chosen in the address is named too, if the moderator may read it: a draft's
    title only to those who may read drafts, or `?article=<id>` would read every
    draft's title to Moderators.
    """

    title = _("article")
    parameter_name = "article"
    LATEST = 15

    def lookups(self, request, model_admin):
        latest = list(Article.objects.published().only("id", "title")[: self.LATEST])
        value = self.value()
        if value and value.isdigit():
            chosen = int(value)
            if all(article.pk != chosen for article in latest):
                readable = (
                    Article.objects.all()
                    if reads_drafts(request)
                    else Article.objects.published()
                )
                latest += readable.filter(pk=chosen).only("id", "title")
        return [(str(a.pk), Truncator(a.title).chars(50)) for a in latest]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(article_id=value)
        return queryset


class ArticleColumn(admin.ModelAdmin):
    """The comments' admin, each comment with its article as the user may see it."""

    def get_queryset(self, request):
        comments = cast(CommentQuerySet, super().get_queryset(request))
        return comments.with_article_titles(drafts=reads_drafts(request))

    @admin.display(description=_("Article"))
    def article_link(self, comment):
        return format_html(
            '<a href="{}?{}={}&amp;status=all" title="{}">{}</a>',
            reverse("admin:comments_comment_changelist"),
            ArticleFilter.parameter_name,
            comment.article_id,
            _("This article's comments"),
            Truncator(article_title(comment)).chars(40),
        )
