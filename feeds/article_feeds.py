"""
The Atom feed of the site's articles (/feed/, as on WordPress): the newest
published ones, each with its summary. Cached as the comment feeds are
(feeds.comment_feeds.CachedFeed), under a digest of the ids and last edits of the
articles it shows.
"""

import datetime
from html import escape

from django.urls import reverse
from django.utils.translation import gettext_lazy

from articles.models import Article
from articles.text import single_line
from feeds.comment_feeds import FEED_ENTRIES, CachedFeed, digest, entry_id, xml_text
from readers.identity import SITE_NAME
from readers.tokens import absolute


class ArticlesFeed(CachedFeed):
    title = SITE_NAME
    subtitle = gettext_lazy("News, and the discussion that follows it.")
    # The author of entries without a byline.
    author_name = SITE_NAME

    def version(self, obj: None) -> str:
        return digest(self.items().values_list("id", "updated_at"))

    def link(self) -> str:
        return absolute(reverse("home"))

    def feed_url(self, obj: None) -> str:
        return absolute(reverse("feed"))

    def items(self):
        return Article.objects.published().order_by("-published_at", "-id")[
            :FEED_ENTRIES
        ]

    def item_title(self, article: Article) -> str:
        return single_line(article.title)

    def item_link(self, article: Article) -> str:
        return absolute(article.get_absolute_url())

    def item_guid(self, article: Article) -> str:
        return entry_id("article", article.pk, article.created_at)

    def item_description(self, article: Article) -> str:
        # Atom's "html": the opening paragraph is plain text, so it is escaped.
        return xml_text(escape(article.description))

    def item_author_name(self, article: Article) -> str:
        return single_line(article.byline) or SITE_NAME

    def item_pubdate(self, article: Article) -> datetime.datetime:
        return article.published_at

    def item_updateddate(self, article: Article) -> datetime.datetime:
        return article.modified_at
